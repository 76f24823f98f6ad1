import { readdirSync, readFileSync } from 'fs';
import { join } from 'path';
import { formatJson } from '../lib/aws-outputs';
import { loadEnvironment } from '../lib/environment-config';
import { synthEnvironment } from '../lib/synth';
import { EXAMPLE_ENV, readManifestDir, ROOT, snapshotDir, synthAll, synthObjects, tempDir } from './support';

const ENV_DIR = join(ROOT, 'environments');
const environmentFiles = readdirSync(ENV_DIR).filter(f => f.endsWith('.yaml')).sort();

describe('environment files', () => {
  test.each(environmentFiles)('%s renders the reviewed objects', file => {
    expect(synthObjects(loadEnvironment(join(ENV_DIR, file)))).toMatchSnapshot();
  });

  test.each(environmentFiles)('%s renders the reviewed AWS side', file => {
    const { aws } = synthAll(loadEnvironment(join(ENV_DIR, file)));
    expect(Object.fromEntries(Object.entries(aws).map(([name, document]) => [name, formatJson(document)])))
      .toMatchSnapshot();
  });
});

describe('the committed dist/', () => {
  test('equals a fresh synth of the example environment, byte for byte, and so does the committed aws/', () => {
    const scratch = tempDir();
    synthEnvironment({ envFile: EXAMPLE_ENV, outdir: join(scratch, 'dist'), awsOutdir: join(scratch, 'aws') });
    expect(snapshotDir(join(ROOT, 'dist'))).toEqual(snapshotDir(join(scratch, 'dist')));
    expect(snapshotDir(join(ROOT, 'aws'))).toEqual(snapshotDir(join(scratch, 'aws')));
  });

  test('applies in order: Namespace, then ServiceAccount, RBAC and SecretProviderClass, then the Deployment', () => {
    const objects = readManifestDir(join(ROOT, 'dist')).map(entry => entry.object);
    const position = (kind: string) => objects.findIndex(o => o.kind === kind);
    expect(position('Namespace')).toBe(0);
    for (const kind of ['ServiceAccount', 'ClusterRole', 'ClusterRoleBinding', 'Role', 'RoleBinding', 'SecretProviderClass']) {
      expect(position(kind)).toBeGreaterThan(position('Namespace'));
      expect(position(kind)).toBeLessThan(position('Deployment'));
    }
  });

  test('holds only Kubernetes manifests', () => {
    for (const file of readdirSync(join(ROOT, 'dist'))) {
      expect(file).toMatch(/^\d{4}-[a-z0-9-]+\.k8s\.yaml$/);
      expect(readFileSync(join(ROOT, 'dist', file), 'utf8')).toMatch(/^apiVersion: /);
    }
  });
});
