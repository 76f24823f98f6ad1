import { readdirSync } from 'fs';
import { join } from 'path';
import { ENVIRONMENTS_OUTDIR, MANIFESTS_SUBDIR } from '../lib/argocd-outputs';
import { EnvironmentConfig, loadEnvironment } from '../lib/environment-config';
import { readManifestDir, ROOT } from './support';

/** Every committed folder a user applies, with the environment file it was rendered from. */
const FOLDERS: [folder: string, envFile: string][] = [
  ['dist', 'environments/example.yaml'],
  ...readdirSync(join(ROOT, 'environments'))
    .filter(f => f.endsWith('.yaml'))
    .sort()
    .map((f): [string, string] => [
      `${ENVIRONMENTS_OUTDIR}/${MANIFESTS_SUBDIR}/${f.replace(/\.yaml$/, '')}`,
      `environments/${f}`,
    ]),
];

/** Kinds that are not namespaced. */
const CLUSTER_SCOPED = new Set(['Namespace', 'ClusterRole', 'ClusterRoleBinding']);

/** What the managed add-on (and every cluster) provides: core, apps, batch and RBAC kinds, and the driver's CRD. */
const AVAILABLE_API_VERSIONS = new Set([
  'v1',
  'apps/v1',
  'batch/v1',
  'rbac.authorization.k8s.io/v1',
  'secrets-store.csi.x-k8s.io/v1',
]);

/** What the Coder pod needs before it is created. */
const PREREQUISITES = [
  'ServiceAccount',
  'ClusterRole',
  'ClusterRoleBinding',
  'Role',
  'RoleBinding',
  'SecretProviderClass',
];

/** Namespaces the environment declares pre-existing (`create: false`): they need not be created first. */
function preExistingNamespaces(config: EnvironmentConfig): Set<string> {
  return new Set([config.namespace, ...config.coder.workspaceNamespaces].filter(n => !n.create).map(n => n.name));
}

describe.each(FOLDERS)('kubectl apply -f %s (rendered from %s)', (folder, envFile) => {
  // Read exactly as kubectl does: files in lexical order, documents in file order.
  const objects = readManifestDir(join(ROOT, folder)).map(entry => entry.object);
  const config = loadEnvironment(join(ROOT, envFile));
  const label = (i: number) => `${objects[i].kind} ${objects[i].metadata.name} (object ${i + 1})`;

  test('creates every namespaced object after its Namespace, unless the namespace is declared pre-existing', () => {
    const preExisting = preExistingNamespaces(config);
    for (const [i, object] of objects.entries()) {
      if (CLUSTER_SCOPED.has(object.kind)) {
        expect(object.metadata.namespace).toBeUndefined();
        continue;
      }
      const namespace = object.metadata.namespace;
      // Without a namespace, kubectl would put the object in whatever namespace the user's context points at.
      expect(namespace).toEqual(expect.any(String));
      const created = objects.findIndex(o => o.kind === 'Namespace' && o.metadata.name === namespace);
      if (!preExisting.has(namespace!)) {
        const verdict = created >= 0 && created < i ? 'ok' : `${label(i)} comes before its Namespace ${namespace}`;
        expect(verdict).toBe('ok');
      }
    }
  });

  test('creates the ServiceAccount, RBAC and SecretProviderClass before the Deployment', () => {
    const deployment = objects.findIndex(o => o.kind === 'Deployment');
    expect(deployment).toBeGreaterThan(0);
    for (const kind of PREREQUISITES) {
      const positions = objects.flatMap((o, i) => (o.kind === kind ? [i] : []));
      expect(positions.length).toBeGreaterThan(0);
      for (const position of positions) {
        expect(position).toBeLessThan(deployment);
      }
    }
  });

  test('the Deployment uses the ServiceAccount and SecretProviderClass created before it', () => {
    const deployment = objects.find(o => o.kind === 'Deployment')!;
    const pod = deployment.spec.template.spec;
    const volume = pod.volumes.find((v: any) => v.csi);
    const namespace = deployment.metadata.namespace;
    expect(
      objects.some(
        o =>
          o.kind === 'ServiceAccount' &&
          o.metadata.name === pod.serviceAccountName &&
          o.metadata.namespace === namespace,
      ),
    ).toBe(true);
    expect(
      objects.some(
        o =>
          o.kind === 'SecretProviderClass' &&
          o.metadata.name === volume.csi.volumeAttributes.secretProviderClass &&
          o.metadata.namespace === namespace,
      ),
    ).toBe(true);
  });

  test('needs no kind beyond core, apps, batch, RBAC and the SecretProviderClass the add-on installs', () => {
    expect(objects.map(o => o.apiVersion).filter(v => !AVAILABLE_API_VERSIONS.has(v))).toEqual([]);
    expect(objects.filter(o => o.apiVersion === 'secrets-store.csi.x-k8s.io/v1').map(o => o.kind)).toEqual([
      'SecretProviderClass',
    ]);
  });
});
