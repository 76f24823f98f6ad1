import { spawnSync } from 'child_process';
import { existsSync, writeFileSync } from 'fs';
import { join } from 'path';
import { stringify } from 'yaml';
import {
  ARGO_CD_MODELS_SCHEMA_VERSION,
  argoCdModelsValidator,
  KUBERNETES_MODELS_SCHEMA_VERSION,
  kubernetesModelsValidator,
} from '../lib/kubernetes-models-validator';
import { ARGOCD_SUBDIR, ENVIRONMENTS_OUTDIR, MANIFESTS_SUBDIR } from '../lib/argocd-outputs';
import { readManifestDir } from '../lib/manifest-files';
import {
  availableValidators,
  DEFAULT_SHARED_DIR,
  formatManifestProblem,
  SECRET_PROVIDER_CLASS_CRD,
  SHARED_KUBERNETES_RELEASES,
  validateManifests,
} from '../lib/manifest-validation';
import { crdSchemaValidator, kubernetesDefinitionsValidator, strictSchema } from '../lib/openapi-schema-validator';
import { pointerToPath } from '../lib/schema-problems';
import { exampleConfig, find, Manifest, ROOT, synthObjects, tempDir } from './support';

/** Every folder of committed manifests that a user applies with kubectl or Argo CD, read recursively. */
// What kubectl and Argo CD are pointed at: dist/, every environment's manifests, the Argo CD objects. The AWS side
// (dist-envs/aws/) is JSON for the AWS CLI, never applied.
const ENVIRONMENT_MANIFESTS = `${ENVIRONMENTS_OUTDIR}/${MANIFESTS_SUBDIR}`;
const ARGOCD_OUTPUTS = `${ENVIRONMENTS_OUTDIR}/${ARGOCD_SUBDIR}`;
const MANIFEST_DIRS = ['dist', ENVIRONMENT_MANIFESTS];
const OUTPUT_DIRS = [...MANIFEST_DIRS, ARGOCD_OUTPUTS];

const readOutput = (dir: string) => readManifestDir(join(ROOT, dir), { recursive: true });

const definitionsFile = (release: string) =>
  join(DEFAULT_SHARED_DIR, 'k8s-schemas', `v${release}`, '_definitions.json');
const crdFile = join(DEFAULT_SHARED_DIR, SECRET_PROVIDER_CLASS_CRD);

/** `describe`, or `describe.skip` with the reason in its title when a file from ../shared is missing. */
function describeWithShared(title: string, file: string, body: () => void): void {
  if (existsSync(file)) {
    describe(title, body);
  } else {
    describe.skip(`${title} — SKIPPED: ${file} not found (only the team's checkouts have ../shared)`, body);
  }
}

function deploymentWith(patch: (deployment: any) => void): Manifest {
  const deployment = structuredClone(find(synthObjects(exampleConfig()), 'Deployment'));
  patch(deployment);
  return deployment;
}

describe('kubernetes-models (npm, runs everywhere)', () => {
  const validator = kubernetesModelsValidator();

  test.each(OUTPUT_DIRS)('every built-in and Argo CD object of %s/ is valid', dir => {
    const { problems, unchecked } = validateManifests(readOutput(dir), availableValidators('/nonexistent').validators);
    expect(problems.map(formatManifestProblem)).toEqual([]);
    // Only the SecretProviderClass has no npm schema; ../shared's CRD covers it below.
    expect([...new Set(unchecked.map(e => e.object.kind))]).toEqual(
      dir === ARGOCD_OUTPUTS ? [] : ['SecretProviderClass'],
    );
  });

  test('the Argo CD outputs are checked against the Argo CD CRDs', () => {
    const argo = readOutput(ARGOCD_OUTPUTS).filter(e => e.object.apiVersion === 'argoproj.io/v1alpha1');
    expect(argo.map(e => e.object.kind).sort()).toEqual(['Application', 'Application', 'ApplicationSet']);
    const application = structuredClone(argo[0].object);
    application.spec.syncPolicy.automated.prune = 'yes';
    expect(argoCdModelsValidator().validate(application)).toEqual([
      { path: 'spec.syncPolicy.automated.prune', message: 'must be boolean' },
    ]);
  });

  test('reports the JSON path of a wrong type and of a missing required field', () => {
    // GIVEN
    const deployment = deploymentWith(d => {
      d.spec.replicas = 'one';
      delete d.spec.selector;
    });

    // WHEN
    const problems = validator.validate(deployment);

    // THEN
    expect(problems).toEqual(
      expect.arrayContaining([
        { path: 'spec.replicas', message: 'must be integer' },
        { path: 'spec.selector', message: 'required field is missing' },
      ]),
    );
  });

  test('folds int-or-string alternatives into one message', () => {
    const deployment = deploymentWith(d => {
      d.spec.template.spec.containers[0].readinessProbe.httpGet.port = true;
    });
    expect(validator.validate(deployment)).toEqual([
      { path: 'spec.template.spec.containers[0].readinessProbe.httpGet.port', message: 'must be string or integer' },
    ]);
  });

  test('refuses a version or kind the release does not have, and leaves other groups alone', () => {
    const metadata = { name: 'x' };
    expect(validator.validate({ apiVersion: 'apps/v2', kind: 'Deployment', metadata })).toEqual([
      { path: 'apiVersion', message: `apps/v2 does not exist in ${KUBERNETES_MODELS_SCHEMA_VERSION}` },
    ]);
    expect(validator.validate({ apiVersion: 'apps/v1', kind: 'Deploymnet', metadata })).toEqual([
      { path: 'kind', message: `apps/v1 has no kind Deploymnet in ${KUBERNETES_MODELS_SCHEMA_VERSION}` },
    ]);
    expect(
      validator.validate({ apiVersion: 'secrets-store.csi.x-k8s.io/v1', kind: 'SecretProviderClass', metadata }),
    ).toBeUndefined();
  });

  test('the schema versions named in messages are those of the installed packages', () => {
    // kubernetes-models 4.5.x carries Kubernetes 1.33.0; @kubernetes-models/argo-cd 2.7.x carries Argo CD 2.14.11.
    expect(require('kubernetes-models/package.json').version).toMatch(/^4\.5\./);
    expect(KUBERNETES_MODELS_SCHEMA_VERSION).toBe('Kubernetes 1.33.0');
    expect(require('@kubernetes-models/argo-cd/package.json').version).toMatch(/^2\.7\./);
    expect(ARGO_CD_MODELS_SCHEMA_VERSION).toBe('Argo CD 2.14.11 CRDs');
  });
});

describe('strict field validation', () => {
  test('objects with listed properties refuse other fields; maps and preserved objects do not', () => {
    const strict = strictSchema({
      type: 'object',
      properties: {
        labels: { type: 'object', additionalProperties: { type: 'string' } },
        raw: {
          'type': 'object',
          'properties': { a: { type: 'string' } },
          'x-kubernetes-preserve-unknown-fields': true,
        },
        list: { type: 'array', items: { type: 'object', properties: { b: { type: 'string' } } } },
        // JSONSchemaProps has a field named "properties": it is a field here, not a schema keyword.
        properties: { type: 'object', additionalProperties: { type: 'object', properties: { c: { type: 'string' } } } },
      },
    });
    expect(strict.additionalProperties).toBe(false);
    expect(strict.properties.labels.additionalProperties).toEqual({ type: 'string' });
    expect(strict.properties.raw.additionalProperties).toBeUndefined();
    expect(strict.properties.list.items.additionalProperties).toBe(false);
    expect(strict.properties.properties.additionalProperties.additionalProperties).toBe(false);
    expect(strict.properties.properties.properties).toBeUndefined();
  });

  test('an unknown field is reported with file, kind, name and path (a small definitions file of our own)', () => {
    // GIVEN definitions in the form of ../shared/k8s-schemas, reduced to one kind
    const dir = tempDir();
    writeFileSync(
      join(dir, '_definitions.json'),
      JSON.stringify({
        definitions: {
          'io.k8s.api.core.v1.ServiceAccount': {
            'type': 'object',
            'properties': {
              apiVersion: { type: 'string' },
              kind: { type: 'string' },
              metadata: { type: 'object', properties: { name: { type: 'string' }, namespace: { type: 'string' } } },
              automountServiceAccountToken: { type: 'boolean' },
            },
            'x-kubernetes-group-version-kind': [{ group: '', version: 'v1', kind: 'ServiceAccount' }],
          },
        },
      }),
    );
    const validator = kubernetesDefinitionsValidator(join(dir, '_definitions.json'), 'test definitions');
    const object = {
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: { name: 'coder', namespace: 'coder' },
      automountToken: true,
    };

    // WHEN
    const { problems } = validateManifests([{ file: 'dist/0001-coder.k8s.yaml', object }], [validator]);

    // THEN
    expect(problems.map(formatManifestProblem)).toEqual([
      'dist/0001-coder.k8s.yaml: ServiceAccount coder/coder: automountToken: unknown field [test definitions]',
    ]);
  });

  test.each([
    ['', ''],
    ['/spec/containers/0/image', 'spec.containers[0].image'],
    ['/metadata/annotations/argocd.argoproj.io~1sync-wave', 'metadata.annotations.argocd.argoproj.io/sync-wave'],
  ])('JSON pointer %s is reported as %s', (pointer, path) => {
    expect(pointerToPath(pointer)).toBe(path);
  });
});

for (const release of SHARED_KUBERNETES_RELEASES) {
  describeWithShared(`Kubernetes ${release} definitions from ../shared, strict`, definitionsFile(release), () => {
    const validator = () => kubernetesDefinitionsValidator(definitionsFile(release), `Kubernetes ${release}`);

    test.each(OUTPUT_DIRS)('every built-in object of %s/ is valid, with no unknown field', dir => {
      const { problems } = validateManifests(readOutput(dir), [validator()]);
      expect(problems.map(formatManifestProblem)).toEqual([]);
    });

    test('an unknown field in the pod template is refused, as kubectl apply would', () => {
      const deployment = deploymentWith(d => {
        d.spec.template.spec.containers[0].imagePullPolicyy = 'Always';
      });
      expect(validator().validate(deployment)).toEqual([
        { path: 'spec.template.spec.containers[0].imagePullPolicyy', message: 'unknown field' },
      ]);
    });
  });
}

describeWithShared('SecretProviderClass CRD from ../shared, strict', crdFile, () => {
  test.each(MANIFEST_DIRS)('every SecretProviderClass of %s/ matches the CRD', dir => {
    const entries = readOutput(dir).filter(e => e.object.kind === 'SecretProviderClass');
    expect(entries.length).toBeGreaterThan(0);
    const { problems, unchecked } = validateManifests(entries, [crdSchemaValidator(crdFile)]);
    expect(problems.map(formatManifestProblem)).toEqual([]);
    expect(unchecked).toEqual([]);
  });

  test('a parameter that is not a string and an unknown field are refused', () => {
    const spc = structuredClone(find(synthObjects(exampleConfig()), 'SecretProviderClass'));
    spc.spec.parameters.usePodIdentity = true;
    spc.spec.secretObjects[0].secretname = 'typo';
    expect(crdSchemaValidator(crdFile).validate(spc)).toEqual([
      { path: 'spec.parameters.usePodIdentity', message: 'must be string' },
      { path: 'spec.secretObjects[0].secretname', message: 'unknown field' },
    ]);
  });
});

describe('npm run validate', () => {
  const runTs = join(ROOT, 'scripts', 'run-ts.js');
  const run = (...args: string[]) =>
    spawnSync(process.execPath, [runTs, 'scripts/validate.ts', ...args], { cwd: ROOT, encoding: 'utf8' });

  test("passes on dist/ and, with -R, on dist-envs/'s manifests and Argo CD objects, and names the schemas it used", () => {
    const result = run('-R', 'dist', ENVIRONMENT_MANIFESTS, ARGOCD_OUTPUTS);
    expect(result.stderr).toBe('');
    expect(result.stdout).toMatch(/^schemas: Kubernetes 1\.33\.0 \(npm kubernetes-models\); Argo CD 2\.14\.11 CRDs/m);
    expect(result.stdout).toMatch(/^dist: 11 objects in 2 files, 0 problems$/m);
    expect(result.stdout).toMatch(new RegExp(`^${ENVIRONMENT_MANIFESTS}: \\d+ objects in 4 files, 0 problems$`, 'm'));
    expect(result.stdout).toMatch(new RegExp(`^${ARGOCD_OUTPUTS}: 3 objects in 3 files, 0 problems$`, 'm'));
    expect(result.status).toBe(0);
  });

  test('fails on a broken folder, naming file, kind, name and path', () => {
    const dir = tempDir();
    const deployment = deploymentWith(d => {
      d.spec.replicas = 'one';
    });
    writeFileSync(join(dir, 'coder.yaml'), stringify(deployment));

    const result = run(dir);

    expect(result.status).toBe(1);
    expect(result.stderr).toContain(
      `${join(dir, 'coder.yaml')}: Deployment coder/coder: spec.replicas: must be integer`,
    );
  });
});
