import { Testing } from 'cdk8s';
import { CsiSecretSyncRbac } from '../lib/csi-secret-sync-rbac';
import { exampleConfig, find, synthObjects } from './support';

describe('CsiSecretSyncRbac', () => {
  test("grants the driver exactly the chart's secret-sync verbs, cluster-wide", () => {
    const chart = Testing.chart();
    new CsiSecretSyncRbac(chart, 'Rbac', { driverNamespace: 'kube-system' });
    const [role, binding] = Testing.synth(chart);

    expect(role.kind).toBe('ClusterRole');
    expect(role.rules).toEqual([
      {
        apiGroups: [''],
        resources: ['secrets'],
        verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'],
      },
    ]);
    expect(binding.kind).toBe('ClusterRoleBinding');
    expect(binding.roleRef).toEqual({
      apiGroup: 'rbac.authorization.k8s.io',
      kind: 'ClusterRole',
      name: role.metadata.name,
    });
    expect(binding.subjects).toEqual([
      { kind: 'ServiceAccount', name: 'secrets-store-csi-driver', namespace: 'kube-system' },
    ]);
  });

  test('the driver namespace follows the environment file', () => {
    const objects = synthObjects(
      exampleConfig(raw => {
        raw.csiDriver.namespace = 'kube-system';
      }),
    );
    expect(find(objects, 'ClusterRoleBinding').subjects[0].namespace).toBe('kube-system');
  });

  test("the example environment binds the managed add-on's driver account", () => {
    const binding = find(synthObjects(exampleConfig()), 'ClusterRoleBinding');
    expect(binding.subjects).toEqual([
      { kind: 'ServiceAccount', name: 'secrets-store-csi-driver', namespace: 'aws-secrets-manager' },
    ]);
  });

  test('cluster-scoped objects carry no namespace', () => {
    const objects = synthObjects(exampleConfig());
    const clusterScoped = objects.filter(o => ['Namespace', 'ClusterRole', 'ClusterRoleBinding'].includes(o.kind));
    expect(clusterScoped.map(o => o.kind)).toEqual(['Namespace', 'Namespace', 'ClusterRole', 'ClusterRoleBinding']);
    for (const object of clusterScoped) {
      expect(object.metadata.namespace).toBeUndefined();
    }
  });

  test('is left out when nothing is synced, since the driver then needs no right on Secrets', () => {
    const objects = synthObjects(
      exampleConfig(raw => {
        delete raw.secrets[0].env;
        raw.secrets[1].jmesPath.forEach((entry: any) => delete entry.env);
        raw.coder.env.CODER_PG_CONNECTION_AUTH = 'awsiamrds';
        raw.coder.env.CODER_PG_CONNECTION_URL = 'postgres://coder@db.example.com:5432/coder';
      }),
    );
    expect(objects.filter(o => o.kind === 'ClusterRole' || o.kind === 'ClusterRoleBinding')).toEqual([]);
    expect(find(objects, 'SecretProviderClass').spec.secretObjects).toBeUndefined();
  });
});
