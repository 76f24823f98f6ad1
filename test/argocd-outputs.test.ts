import { existsSync, readdirSync } from 'fs';
import { join } from 'path';
import { Testing } from 'cdk8s';
import { ArgoCdApplication } from '../lib/argocd-application';
import { ARGOCD_SUBDIR, ENVIRONMENTS_OUTDIR, MANIFESTS_SUBDIR, writeArgoCdOutputs } from '../lib/argocd-outputs';
import { loadEnvironment } from '../lib/environment-config';
import { loadEnvironmentSet, NamedEnvironment } from '../lib/environment-set';
import { exampleConfig, Manifest, readManifestDir, ROOT, tempDir } from './support';

const ENV_DIR = join(ROOT, 'environments');

/** The Argo CD objects `npm run synth:all` writes for the committed environment files. */
function argoCdObjects(environments: NamedEnvironment[] = loadEnvironmentSet(ENV_DIR)): Manifest[] {
  const out = tempDir();
  writeArgoCdOutputs(environments, out);
  return readManifestDir(out, { recursive: true }).map(e => e.object);
}

const application = (objects: Manifest[], name: string) =>
  objects.find(o => o.kind === 'Application' && o.metadata.name === name)!;

describe('Argo CD Application per environment', () => {
  test("example: syncs its folder to Argo CD's own cluster, pruning and self-healing, without CreateNamespace", () => {
    const app = application(argoCdObjects(), 'coder-example');
    expect(app.metadata.namespace).toBe('argocd');
    expect(app.spec).toEqual({
      project: 'default',
      source: {
        repoURL: 'https://git.example.com/platform/coder-gitops.git',
        targetRevision: 'main',
        path: 'dist-envs/manifests/example',
        directory: { include: '*.k8s.yaml' },
      },
      destination: { server: 'https://kubernetes.default.svc', namespace: 'coder' },
      // The manifests create the namespace: Argo CD must not.
      syncPolicy: { automated: { prune: true, selfHeal: true } },
    });
  });

  test('staging: a cluster given by name, and CreateNamespace=true because its namespace is pre-existing', () => {
    const app = application(argoCdObjects(), 'coder-staging');
    expect(loadEnvironment(join(ENV_DIR, 'staging.yaml')).namespace.create).toBe(false);
    expect(app.spec.destination).toEqual({ name: 'staging', namespace: 'coder-staging' });
    expect(app.spec.syncPolicy).toEqual({
      automated: { prune: true, selfHeal: true },
      syncOptions: ['CreateNamespace=true'],
    });
  });

  test("points at a folder that exists in this repository and holds only that environment's manifests", () => {
    for (const app of argoCdObjects().filter(o => o.kind === 'Application')) {
      const folder = join(ROOT, app.spec.source.path);
      expect(existsSync(folder)).toBe(true);
      const objects = readManifestDir(folder, { recursive: true }).map(e => e.object);
      expect(objects.every(o => o.apiVersion !== 'argoproj.io/v1alpha1')).toBe(true);
      expect(objects.find(o => o.kind === 'Deployment')!.metadata.namespace).toBe(app.spec.destination.namespace);
    }
  });

  test('lives where neither kubectl apply -f nor -R of an environment folder picks it up', () => {
    for (const name of readdirSync(join(ROOT, ENVIRONMENTS_OUTDIR, MANIFESTS_SUBDIR))) {
      const folder = join(ROOT, ENVIRONMENTS_OUTDIR, MANIFESTS_SUBDIR, name);
      expect(
        readManifestDir(folder, { recursive: true }).filter(e => e.object.apiVersion.startsWith('argoproj.io/')),
      ).toEqual([]);
    }
    expect(readdirSync(join(ROOT, ENVIRONMENTS_OUTDIR, ARGOCD_SUBDIR)).sort()).toEqual([
      'applications',
      'applicationset.k8s.yaml',
    ]);
  });

  test('an environment without argocd settings gets no Application; none at all writes no Argo CD file', () => {
    const plain = {
      name: 'plain',
      file: 'plain.yaml',
      config: exampleConfig(raw => {
        delete raw.argocd;
      }),
    };
    expect(argoCdObjects([plain])).toEqual([]);
    expect(writeArgoCdOutputs([plain], tempDir())).toEqual([]);
  });

  test('refuses a destination with both or neither of server and name', () => {
    const props = { name: 'x', repoURL: 'https://git.example.com/x.git', path: 'dist-envs/manifests/x' };
    expect(
      () => new ArgoCdApplication(Testing.chart(), 'A', { ...props, destination: { namespace: 'coder' } }),
    ).toThrow(/exactly one of server and name/);
    expect(
      () =>
        new ArgoCdApplication(Testing.chart(), 'B', {
          ...props,
          destination: { namespace: 'coder', server: 'https://k', name: 'k' },
        }),
    ).toThrow(/exactly one of server and name/);
  });
});

describe('Argo CD ApplicationSet for the fleet', () => {
  const objects = argoCdObjects();
  const [applicationSet] = objects.filter(o => o.kind === 'ApplicationSet');
  const elements: Record<string, any>[] = applicationSet.spec.generators[0].list.elements;

  test('has one list element per environment with argocd settings, each with every template key', () => {
    expect(objects.filter(o => o.kind === 'ApplicationSet')).toHaveLength(1);
    expect(applicationSet.metadata).toMatchObject({ name: 'coder', namespace: 'argocd' });
    expect(elements.map(e => e.environment)).toEqual(['example', 'staging']);
    for (const element of elements) {
      expect(Object.keys(element).sort()).toEqual([
        'clusterName',
        'createNamespace',
        'environment',
        'namespace',
        'path',
        'project',
        'repoURL',
        'server',
        'targetRevision',
      ]);
    }
  });

  test('generates the same Applications as the per-environment files', () => {
    expect(applicationSet.spec).toMatchObject({ goTemplate: true, goTemplateOptions: ['missingkey=error'] });
    const template = applicationSet.spec.template;
    expect(template.metadata.name).toBe('coder-{{ .environment }}');
    expect(template.spec.syncPolicy).toEqual({ automated: { prune: true, selfHeal: true } });

    for (const element of elements) {
      const app = application(objects, `coder-${element.environment}`);
      const { source, destination } = app.spec;
      expect({
        project: element.project,
        source: { repoURL: element.repoURL, targetRevision: element.targetRevision, path: element.path },
        namespace: element.namespace,
        destination: element.server ? { server: element.server } : { name: element.clusterName },
        createNamespace: element.createNamespace,
      }).toEqual({
        project: app.spec.project,
        source: { repoURL: source.repoURL, targetRevision: source.targetRevision, path: source.path },
        namespace: destination.namespace,
        destination: destination.server ? { server: destination.server } : { name: destination.name },
        createNamespace: (app.spec.syncPolicy.syncOptions ?? []).includes('CreateNamespace=true'),
      });
    }
  });

  test('sets the destination and CreateNamespace per element through templatePatch', () => {
    const patch: string = applicationSet.spec.templatePatch;
    expect(patch).toContain('{{- if .server }}');
    expect(patch).toContain('server: {{ .server | quote }}');
    expect(patch).toContain('name: {{ .clusterName | quote }}');
    expect(patch).toMatch(
      /{{- if \.createNamespace }}\n {2}syncPolicy:\n {4}syncOptions:\n {6}- CreateNamespace=true\n/,
    );
  });

  test('groups environments by the namespace Argo CD runs in, one ApplicationSet each', () => {
    const environments = loadEnvironmentSet(ENV_DIR);
    const staging = environments[1];
    const argocd = { ...staging.config.argocd!, namespace: 'gitops' };
    environments[1] = { ...staging, config: { ...staging.config, argocd } };
    const sets = argoCdObjects(environments).filter(o => o.kind === 'ApplicationSet');
    expect(
      sets.map(s => [s.metadata.namespace, s.spec.generators[0].list.elements.map((e: any) => e.environment)]),
    ).toEqual([
      ['argocd', ['example']],
      ['gitops', ['staging']],
    ]);
  });
});
