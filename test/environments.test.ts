import { existsSync, readdirSync, readFileSync } from 'fs';
import { join, relative } from 'path';
import { AWS_SUBDIR, ENVIRONMENTS_OUTDIR, MANIFESTS_SUBDIR } from '../lib/argocd-outputs';
import { formatJson } from '../lib/aws-outputs';
import { loadEnvironment } from '../lib/environment-config';
import { synthEnvironment } from '../lib/synth';
import { synthAllEnvironments } from '../lib/synth-all';
import { EXAMPLE_ENV, ROOT, snapshotDir, synthAll, synthObjects, tempDir } from './support';

const ENV_DIR = join(ROOT, 'environments');
const environmentFiles = readdirSync(ENV_DIR)
  .filter(f => f.endsWith('.yaml'))
  .sort();

describe('environment files', () => {
  test.each(environmentFiles)('%s renders the reviewed objects', file => {
    expect(synthObjects(loadEnvironment(join(ENV_DIR, file)))).toMatchSnapshot();
  });

  test.each(environmentFiles)('%s renders the reviewed AWS side', file => {
    const { aws } = synthAll(loadEnvironment(join(ENV_DIR, file)));
    expect(
      Object.fromEntries(Object.entries(aws).map(([name, document]) => [name, formatJson(document)])),
    ).toMatchSnapshot();
  });
});

/** Fails with the files that differ and the command that regenerates them. */
function expectUpToDate(committed: string, fresh: string, command: string): void {
  const want = snapshotDir(fresh);
  const have = existsSync(committed) ? snapshotDir(committed) : {};
  const stale = [...new Set([...Object.keys(want), ...Object.keys(have)])].filter(f => want[f] !== have[f]).sort();
  if (stale.length > 0) {
    throw new Error(
      `${relative(ROOT, committed)}/ differs from a fresh synth in ${stale.join(', ')}: ` +
        `run \`${command}\`, review the diff and commit it`,
    );
  }
}

describe('the committed dist/', () => {
  test('equals a fresh synth of the example environment, byte for byte, and so does the committed aws/', () => {
    const scratch = tempDir();
    synthEnvironment({ envFile: EXAMPLE_ENV, outdir: join(scratch, 'dist'), awsOutdir: join(scratch, 'aws') });
    expectUpToDate(join(ROOT, 'dist'), join(scratch, 'dist'), 'npm run synth');
    expectUpToDate(join(ROOT, 'aws'), join(scratch, 'aws'), 'npm run synth');
  });

  test("is the example environment's folder of dist-envs/ (the single-environment view of the same output)", () => {
    expect(snapshotDir(join(ROOT, 'dist'))).toEqual(
      snapshotDir(join(ROOT, ENVIRONMENTS_OUTDIR, MANIFESTS_SUBDIR, 'example')),
    );
    expect(snapshotDir(join(ROOT, 'aws'))).toEqual(snapshotDir(join(ROOT, ENVIRONMENTS_OUTDIR, AWS_SUBDIR, 'example')));
  });

  test('holds only Kubernetes manifests', () => {
    for (const file of readdirSync(join(ROOT, 'dist'))) {
      expect(file).toMatch(/^\d{4}-[a-z0-9-]+\.k8s\.yaml$/);
      expect(readFileSync(join(ROOT, 'dist', file), 'utf8')).toMatch(/^apiVersion: /);
    }
  });
});

describe('the committed dist-envs/', () => {
  test('equals a fresh npm run synth:all of every environment file, byte for byte', () => {
    const out = join(tempDir(), ENVIRONMENTS_OUTDIR);
    synthAllEnvironments({ envDir: ENV_DIR, outdir: out });
    expectUpToDate(join(ROOT, ENVIRONMENTS_OUTDIR), out, 'npm run synth:all');
  });
});
