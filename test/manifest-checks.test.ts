import { ApiObject, Chart, JsonPatch, Testing } from 'cdk8s';
import { AwsSecretProviderClass, AwsSecretProviderClassProps } from '../lib/aws-secret-provider-class';
import { ClusterScopedChart } from '../lib/cluster-scoped-chart';
import { CoderDeployment, CoderDeploymentProps } from '../lib/coder-deployment';
import { CsiSecretSyncRbac } from '../lib/csi-secret-sync-rbac';
import { IrsaServiceAccount } from '../lib/irsa-service-account';
import { validationProblems } from '../lib/synth';
import { exampleConfig } from './support';

interface Parts {
  spc?: Partial<AwsSecretProviderClassProps>;
  deployment?: Partial<CoderDeploymentProps>;
  roleArn?: string | null;
  patch?: (chart: Chart, deployment: CoderDeployment) => void;
}

/** A correctly wired Coder pod in namespace coder, with `parts` changing one thing. */
function compose(parts: Parts = {}): string[] {
  const app = Testing.app();
  const chart = new Chart(app, 'composed', { namespace: 'coder' });
  new IrsaServiceAccount(chart, 'Sa', {
    name: 'coder',
    roleArn: parts.roleArn === null ? undefined : (parts.roleArn ?? 'arn:aws:iam::111122223333:role/reader'),
  });
  new AwsSecretProviderClass(chart, 'Spc', {
    name: 'coder-secrets',
    region: 'us-east-1',
    objects: [{ objectName: 'coder/pg', objectType: 'secretsmanager', objectAlias: 'pg-url' }],
    syncedSecrets: [{ secretName: 'coder-secrets', data: [{ objectName: 'pg-url', key: 'pg-url' }] }],
    ...parts.spc,
  });
  const deployment = new CoderDeployment(chart, 'Coder', {
    name: 'coder',
    version: '2.29.0',
    accessUrl: 'https://coder.example.com',
    serviceAccountName: 'coder',
    secretProviderClassName: 'coder-secrets',
    secretsMountPath: '/mnt/secrets-store',
    secretEnv: [{ name: 'CODER_PG_CONNECTION_URL', secretName: 'coder-secrets', key: 'pg-url' }],
    ...parts.deployment,
  });
  parts.patch?.(chart, deployment);
  return validationProblems(app);
}

// Each row: the rule, what breaks it, the object and path the error must name.
const rules: [string, Parts, RegExp][] = [
  [
    'secretObjects data names a mounted file',
    { spc: { syncedSecrets: [{ secretName: 'coder-secrets', data: [{ objectName: 'pg', key: 'pg-url' }] }] } },
    /^SecretProviderClass coder\/coder-secrets: spec\.secretObjects\[0\]\.data\[0\]\.objectName: must name a mounted file: pg-url, got "pg"$/,
  ],
  [
    'mounted file names are unique',
    {
      spc: {
        objects: [
          { objectName: 'coder/pg', objectType: 'secretsmanager', objectAlias: 'pg-url' },
          { objectName: 'coder/pg2', objectType: 'secretsmanager', objectAlias: 'pg-url' },
        ],
      },
    },
    /^SecretProviderClass coder\/coder-secrets: spec\.parameters\.objects: mounted file name "pg-url" is used twice$/,
  ],
  [
    'no file climbs out of the mount',
    {
      spc: {
        pathTranslation: 'False',
        objects: [{ objectName: 'coder/pg', objectType: 'secretsmanager', objectAlias: '../pg-url' }],
      },
    },
    /file name "\.\.\/pg-url" climbs out of the mount/,
  ],
  [
    'secretKeyRef names a Secret a mounted SecretProviderClass syncs',
    { deployment: { secretEnv: [{ name: 'CODER_PG_CONNECTION_URL', secretName: 'other', key: 'pg-url' }] } },
    /^Deployment coder\/coder: spec\.template\.spec\.containers\[0\]\.env\[\d+\]\.valueFrom\.secretKeyRef\.name: CODER_PG_CONNECTION_URL must read a Secret .*, got "other"$/,
  ],
  [
    'secretKeyRef names a key secretObjects produces',
    { deployment: { secretEnv: [{ name: 'CODER_PG_CONNECTION_URL', secretName: 'coder-secrets', key: 'pg' }] } },
    /secretKeyRef\.key: CODER_PG_CONNECTION_URL must read a key that secretObjects gives Secret coder-secrets: pg-url, got "pg"$/,
  ],
  [
    "the SecretProviderClass is in the pod's namespace",
    { spc: { namespace: 'other' } },
    /volumes\[0\]\.csi\.volumeAttributes\.secretProviderClass: must name a SecretProviderClass emitted in namespace coder .*SecretProviderClass other\/coder-secrets/,
  ],
  [
    'volumeAttributes names an emitted SecretProviderClass',
    { deployment: { secretProviderClassName: 'typo' } },
    /volumeAttributes\.secretProviderClass: .*, got "typo"$/,
  ],
  [
    'the CSI volume is read-only',
    {
      patch: (_c, d) =>
        d.apiObject.addJsonPatch(JsonPatch.replace('/spec/template/spec/volumes/0/csi/readOnly', false)),
    },
    /volumes\[0\]\.csi\.readOnly: must be true .*, got false$/,
  ],
  [
    'its mounts are read-only',
    {
      patch: (_c, d) =>
        d.apiObject.addJsonPatch(JsonPatch.remove('/spec/template/spec/containers/0/volumeMounts/0/readOnly')),
    },
    /containers\[0\]\.volumeMounts\[0\]\.readOnly: must be true for the Secrets Store CSI volume, got null$/,
  ],
  [
    'the pod never runs as default',
    { deployment: { serviceAccountName: 'default' } },
    /serviceAccountName: must name the ServiceAccount that carries the IAM role, not the namespace's default, got "default"$/,
  ],
  [
    'the pod runs as an emitted ServiceAccount',
    { deployment: { serviceAccountName: 'missing' } },
    /serviceAccountName: must name a ServiceAccount emitted in namespace coder, got "missing"$/,
  ],
  [
    "the pod's ServiceAccount carries the role annotation",
    { roleArn: null },
    /serviceAccountName: must name a ServiceAccount with the eks\.amazonaws\.com\/role-arn annotation/,
  ],
  [
    'Coder gets a database URL',
    { deployment: { secretEnv: [] } },
    /containers\[0\]\.env: must set CODER_PG_CONNECTION_URL/,
  ],
  [
    'CODER_ACCESS_URL is an http(s) URL',
    { deployment: { accessUrl: 'coder.example.com' } },
    /CODER_ACCESS_URL must be an http:\/\/ or https:\/\/ URL, got "coder\.example\.com"$/,
  ],
];

describe('checks on the objects that would be written', () => {
  test('a correctly wired pod passes', () => {
    expect(compose()).toEqual([]);
  });

  test.each(rules)('%s', (_rule, parts, expected) => {
    expect(compose(parts)).toEqual(expect.arrayContaining([expect.stringMatching(expected)]));
  });

  test('a pod without a role annotation passes when Pod Identity is in use', () => {
    expect(compose({ roleArn: null, deployment: { requireRoleAnnotation: false } })).toEqual([]);
  });

  test('cluster-scoped objects carry no namespace', () => {
    const app = Testing.app();
    const namespaced = new Chart(app, 'namespaced', { namespace: 'coder' });
    new CsiSecretSyncRbac(namespaced, 'Rbac', { driverNamespace: 'kube-system' });
    expect(validationProblems(app)).toEqual([
      'ClusterRole coder/secrets-store-csi-driver-sync-secrets: metadata.namespace: must not be set on a cluster-scoped object, got "coder"',
      'ClusterRoleBinding coder/secrets-store-csi-driver-sync-secrets: metadata.namespace: must not be set on a cluster-scoped object, got "coder"',
    ]);
  });

  test("the sync binding's subject is in the configured driver namespace", () => {
    const app = Testing.app();
    const chart = new ClusterScopedChart(app, 'cluster', { config: exampleConfig() });
    const binding = chart.node
      .findAll()
      .find((c): c is ApiObject => c instanceof ApiObject && c.kind === 'ClusterRoleBinding')!;
    binding.addJsonPatch(JsonPatch.replace('/subjects/0/namespace', 'kube-system'));
    expect(validationProblems(app)).toEqual([
      'ClusterRoleBinding secrets-store-csi-driver-sync-secrets: subjects[0].namespace: must be the driver namespace ' +
        'aws-secrets-manager (csiDriver.namespace), got "kube-system"',
    ]);
  });
});
