import { exampleConfig, find, Manifest, synthObjects } from './support';

function coderContainer(objects: Manifest[]) {
  return find(objects, 'Deployment').spec.template.spec.containers[0];
}

describe('Coder Deployment', () => {
  const objects = synthObjects(exampleConfig());
  const deployment = find(objects, 'Deployment');
  const pod = deployment.spec.template.spec;
  const container = coderContainer(objects);

  test('runs one pinned Coder server as the IRSA ServiceAccount with its token mounted', () => {
    expect(deployment.metadata).toMatchObject({ name: 'coder', namespace: 'coder' });
    expect(deployment.spec.replicas).toBe(1);
    expect(container.image).toBe('ghcr.io/coder/coder:v2.29.0');
    expect(container.command).toEqual(['/opt/coder']);
    expect(container.args).toEqual(['server']);
    expect(pod.serviceAccountName).toBe('coder');
    expect(pod.automountServiceAccountToken).toBe(true);
    expect(pod.terminationGracePeriodSeconds).toBe(60);
  });

  test('selects its pods by stable name and instance labels only', () => {
    expect(deployment.spec.selector).toEqual({
      matchLabels: { 'app.kubernetes.io/name': 'coder', 'app.kubernetes.io/instance': 'coder' },
    });
    expect(deployment.spec.template.metadata.labels).toMatchObject(deployment.spec.selector.matchLabels);
    expect(find(objects, 'Service').spec.selector).toEqual(deployment.spec.selector.matchLabels);
  });

  test('mounts the CSI volume read-only with the SecretProviderClass name', () => {
    expect(pod.volumes[0]).toEqual({
      name: 'secrets-store',
      csi: {
        driver: 'secrets-store.csi.k8s.io',
        readOnly: true,
        volumeAttributes: { secretProviderClass: 'coder-secrets' },
      },
    });
    expect(container.volumeMounts[0]).toEqual({
      name: 'secrets-store',
      mountPath: '/mnt/secrets-store',
      readOnly: true,
    });
    expect(find(objects, 'SecretProviderClass').metadata).toMatchObject({ name: 'coder-secrets', namespace: 'coder' });
  });

  test("sets Coder's standard env, KUBE_POD_IP before the relay URL that expands it", () => {
    const names = container.env.map((e: any) => e.name);
    expect(names.slice(0, 5)).toEqual([
      'CODER_HTTP_ADDRESS',
      'CODER_PROMETHEUS_ADDRESS',
      'CODER_ACCESS_URL',
      'KUBE_POD_IP',
      'CODER_DERP_SERVER_RELAY_URL',
    ]);
    const byName = Object.fromEntries(container.env.map((e: any) => [e.name, e]));
    expect(byName.CODER_HTTP_ADDRESS.value).toBe('0.0.0.0:8080');
    expect(byName.CODER_ACCESS_URL.value).toBe('https://coder.example.com');
    expect(byName.KUBE_POD_IP.valueFrom).toEqual({ fieldRef: { fieldPath: 'status.podIP' } });
    expect(byName.CODER_DERP_SERVER_RELAY_URL.value).toBe('http://$(KUBE_POD_IP):8080');
    expect(byName.CODER_OAUTH2_GITHUB_ALLOW_SIGNUPS.value).toBe('true');
  });

  test('reads secret settings from the synced Secret', () => {
    const refs = container.env
      .filter((e: any) => e.valueFrom?.secretKeyRef)
      .map((e: any) => [e.name, e.valueFrom.secretKeyRef]);
    expect(refs).toEqual([
      ['CODER_PG_CONNECTION_URL', { name: 'coder-secrets', key: 'pg-connection-url' }],
      ['CODER_OAUTH2_GITHUB_CLIENT_ID', { name: 'coder-secrets', key: 'github-client-id' }],
      ['CODER_OAUTH2_GITHUB_CLIENT_SECRET', { name: 'coder-secrets', key: 'github-client-secret' }],
    ]);
  });

  test('serves http on 8080 with readiness on /healthz', () => {
    expect(container.ports).toEqual([{ name: 'http', containerPort: 8080, protocol: 'TCP' }]);
    expect(container.readinessProbe).toEqual({ httpGet: { path: '/healthz', port: 'http', scheme: 'HTTP' } });
  });

  test('runs as uid/gid 1000 with no privilege escalation and no capabilities', () => {
    expect(container.securityContext).toEqual({
      runAsNonRoot: true,
      runAsUser: 1000,
      runAsGroup: 1000,
      readOnlyRootFilesystem: true,
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(pod.securityContext).toEqual({ seccompProfile: { type: 'RuntimeDefault' } });
  });

  test('gives a read-only root filesystem writable /tmp and cache emptyDirs', () => {
    expect(pod.volumes.slice(1)).toEqual([
      { name: 'tmp', emptyDir: {} },
      { name: 'cache', emptyDir: {} },
    ]);
    expect(container.volumeMounts.slice(1)).toEqual([
      { name: 'tmp', mountPath: '/tmp' },
      { name: 'cache', mountPath: '/var/cache/coder' },
    ]);
    expect(container.env.find((e: any) => e.name === 'CODER_CACHE_DIRECTORY').value).toBe('/var/cache/coder');
  });

  test('a writable root filesystem needs no emptyDirs', () => {
    const writable = synthObjects(
      exampleConfig(raw => {
        raw.coder.readOnlyRootFilesystem = false;
      }),
    );
    const c = coderContainer(writable);
    expect(c.securityContext.readOnlyRootFilesystem).toBe(false);
    expect(find(writable, 'Deployment').spec.template.spec.volumes.map((v: any) => v.name)).toEqual(['secrets-store']);
    expect(c.env.some((e: any) => e.name === 'CODER_CACHE_DIRECTORY')).toBe(false);
  });

  test('sets requests and limits, overridable field by field', () => {
    expect(container.resources).toEqual({
      requests: { cpu: '500m', memory: '1Gi' },
      limits: { cpu: '2', memory: '4Gi' },
    });
    const tuned = coderContainer(
      synthObjects(
        exampleConfig(raw => {
          raw.coder.resources = { limits: { memory: '8Gi' } };
        }),
      ),
    );
    expect(tuned.resources.limits).toEqual({ cpu: '2', memory: '8Gi' });
  });

  test('exposes the Prometheus port only when metrics are on', () => {
    const withMetrics = coderContainer(
      synthObjects(
        exampleConfig(raw => {
          raw.coder.env.CODER_PROMETHEUS_ENABLE = 'true';
        }),
      ),
    );
    expect(withMetrics.ports).toContainEqual({ name: 'prometheus-http', containerPort: 2112, protocol: 'TCP' });
  });
});

describe('Coder Service', () => {
  test('sends port 80 to the http port without session affinity', () => {
    const service = find(synthObjects(exampleConfig()), 'Service');
    expect(service.metadata).toMatchObject({ name: 'coder', namespace: 'coder' });
    expect(service.spec).toMatchObject({ type: 'LoadBalancer', sessionAffinity: 'None' });
    expect(service.spec.ports).toEqual([{ name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' }]);
  });
});

describe('Coder workspace RBAC', () => {
  const verbs = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

  // As Coder's chart does: workspaces in Coder's own namespace, and nowhere else.
  const chartDefault = (raw: any) => {
    delete raw.coder.workspacesInOwnNamespace;
    delete raw.coder.workspaceNamespaces;
  };

  test('lets Coder manage pods, volumes and deployments in its namespace', () => {
    const objects = synthObjects(exampleConfig(chartDefault));
    const role = find(objects, 'Role');
    expect(role.metadata).toMatchObject({ name: 'coder-workspace-perms', namespace: 'coder' });
    expect(role.rules).toEqual([
      { apiGroups: [''], resources: ['pods'], verbs },
      { apiGroups: [''], resources: ['persistentvolumeclaims'], verbs },
      { apiGroups: ['apps'], resources: ['deployments'], verbs },
    ]);
    const binding = find(objects, 'RoleBinding');
    expect(binding.roleRef).toEqual({
      apiGroup: 'rbac.authorization.k8s.io',
      kind: 'Role',
      name: 'coder-workspace-perms',
    });
    expect(binding.subjects).toEqual([{ kind: 'ServiceAccount', name: 'coder', namespace: 'coder' }]);
  });

  test('copies the Role into each extra workspace namespace, creating it unless it exists', () => {
    const objects = synthObjects(
      exampleConfig(raw => {
        chartDefault(raw);
        raw.coder.workspaceNamespaces = [{ name: 'workspaces-a' }, { name: 'workspaces-b', create: false }];
      }),
    );
    expect(objects.filter(o => o.kind === 'Role').map(o => o.metadata.namespace)).toEqual([
      'coder',
      'workspaces-a',
      'workspaces-b',
    ]);
    for (const binding of objects.filter(o => o.kind === 'RoleBinding')) {
      expect(binding.subjects).toEqual([{ kind: 'ServiceAccount', name: 'coder', namespace: 'coder' }]);
    }
    expect(objects.filter(o => o.kind === 'Namespace').map(o => o.metadata.name)).toEqual(['coder', 'workspaces-a']);
  });

  test('an existing namespace is not emitted', () => {
    const objects = synthObjects(
      exampleConfig(raw => {
        chartDefault(raw);
        raw.namespace.create = false;
      }),
    );
    expect(objects.some(o => o.kind === 'Namespace')).toBe(false);
  });

  test("keeps workspaces out of Coder's namespace when asked, as the example does", () => {
    const objects = synthObjects(exampleConfig());
    expect(objects.filter(o => o.kind === 'Role').map(o => o.metadata.namespace)).toEqual(['coder-workspaces']);
    expect(find(objects, 'RoleBinding').subjects).toEqual([
      { kind: 'ServiceAccount', name: 'coder', namespace: 'coder' },
    ]);
  });
});
