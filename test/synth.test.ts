// The module object itself (not an ES namespace copy), so that jest.spyOn can replace its functions.
import fs = require('fs');
import { join } from 'path';
import { ConfigError } from '../lib/environment-config';
import { synthEnvironment } from '../lib/synth';
import { EXAMPLE_ENV, snapshotDir, tempDir } from './support';

/** A scratch folder holding a previous synth's dist/ and aws/, each with one extra file a new synth would drop. */
function previousOutput(): { root: string; outdir: string; awsOutdir: string } {
  const root = tempDir();
  const outdir = join(root, 'dist');
  const awsOutdir = join(root, 'aws');
  synthEnvironment({ envFile: EXAMPLE_ENV, outdir, awsOutdir });
  fs.writeFileSync(join(outdir, 'zz-previous.k8s.yaml'), 'apiVersion: v1\n');
  fs.writeFileSync(join(awsOutdir, 'previous.json'), '{}\n');
  return { root, outdir, awsOutdir };
}

/** The example environment with one line changed, written into `dir`. */
function editedExample(dir: string, from: string, to: string): string {
  const file = join(dir, 'edited.yaml');
  fs.writeFileSync(file, fs.readFileSync(EXAMPLE_ENV, 'utf8').replace(from, to));
  return file;
}

describe('synthEnvironment', () => {
  afterEach(() => jest.restoreAllMocks());

  test('writes the manifests into outdir and the AWS side into awsOutdir', () => {
    const root = tempDir();
    const outdir = join(root, 'dist');
    const written = synthEnvironment({ envFile: EXAMPLE_ENV, outdir, awsOutdir: join(root, 'aws') }).files;
    expect(written).toEqual([
      join(root, 'dist', '0000-coder-cluster.k8s.yaml'),
      join(root, 'dist', '0001-coder.k8s.yaml'),
      join(root, 'aws', 'addon-configuration.json'),
      join(root, 'aws', 'permissions-policy.json'),
      join(root, 'aws', 'summary.json'),
      join(root, 'aws', 'trust-policy.json'),
    ]);
  });

  test('an invalid environment file leaves both folders byte for byte as they were', () => {
    // GIVEN
    const { root, outdir, awsOutdir } = previousOutput();
    const before = { dist: snapshotDir(outdir), aws: snapshotDir(awsOutdir) };
    const envFile = editedExample(root, 'https://oidc.eks.us-east-1', 'https://oidc.eks.us-west-2');

    // WHEN
    expect(() => synthEnvironment({ envFile, outdir, awsOutdir })).toThrow(ConfigError);

    // THEN
    expect({ dist: snapshotDir(outdir), aws: snapshotDir(awsOutdir) }).toEqual(before);
    expect(fs.readdirSync(root).sort()).toEqual(['aws', 'dist', 'edited.yaml']);
  });

  test('a failure while swapping in aws/ puts dist/ back too', () => {
    // GIVEN
    const { root, outdir, awsOutdir } = previousOutput();
    const before = { dist: snapshotDir(outdir), aws: snapshotDir(awsOutdir) };
    const rename = fs.renameSync;
    jest.spyOn(fs, 'renameSync').mockImplementation((from, to) => {
      if (String(from).includes('.aws.incoming-') && to === awsOutdir) {
        throw Object.assign(new Error('EXDEV: simulated'), { code: 'EXDEV' });
      }
      rename(from, to);
    });

    // WHEN
    expect(() => synthEnvironment({ envFile: EXAMPLE_ENV, outdir, awsOutdir })).toThrow(/simulated/);

    // THEN
    expect({ dist: snapshotDir(outdir), aws: snapshotDir(awsOutdir) }).toEqual(before);
    expect(fs.readdirSync(root).sort()).toEqual(['aws', 'dist']);
  });

  test('a failure while writing leaves both folders as they were, and no staging folder behind', () => {
    const { root, outdir, awsOutdir } = previousOutput();
    const before = { dist: snapshotDir(outdir), aws: snapshotDir(awsOutdir) };
    const write = fs.writeFileSync;
    jest.spyOn(fs, 'writeFileSync').mockImplementation((file, data, options) => {
      if (String(file).includes('.aws.incoming-')) {
        throw new Error('ENOSPC: simulated');
      }
      write(file, data, options);
    });

    expect(() => synthEnvironment({ envFile: EXAMPLE_ENV, outdir, awsOutdir })).toThrow(/simulated/);
    expect({ dist: snapshotDir(outdir), aws: snapshotDir(awsOutdir) }).toEqual(before);
    expect(fs.readdirSync(root).sort()).toEqual(['aws', 'dist']);
  });

  test('refuses an AWS folder inside the manifest folder, where kubectl apply -R would read it', () => {
    const { outdir } = previousOutput();
    const before = snapshotDir(outdir);
    expect(() => synthEnvironment({ envFile: EXAMPLE_ENV, outdir, awsOutdir: join(outdir, 'aws') })).toThrow(
      /must be separate, neither inside the other/,
    );
    expect(snapshotDir(outdir)).toEqual(before);
  });
});

describe('output folders that would destroy something', () => {
  test('an output folder that holds the environment file is refused, and the file survives', () => {
    const dir = tempDir();
    const envFile = join(dir, 'prod.yaml');
    fs.copyFileSync(EXAMPLE_ENV, envFile);
    expect(() => synthEnvironment({ envFile, outdir: dir, awsOutdir: join(tempDir(), 'aws') })).toThrow(
      `output directory ${dir} would replace ${envFile}, which it holds`,
    );
    expect(fs.readFileSync(envFile, 'utf8')).toBe(fs.readFileSync(EXAMPLE_ENV, 'utf8'));
  });

  test('an output folder that is an existing file is refused, and the file survives', () => {
    const file = join(tempDir(), 'notes.txt');
    fs.writeFileSync(file, 'keep me\n');
    expect(() => synthEnvironment({ envFile: EXAMPLE_ENV, outdir: file, awsOutdir: join(tempDir(), 'aws') })).toThrow(
      `output directory ${file} is an existing file`,
    );
    expect(fs.readFileSync(file, 'utf8')).toBe('keep me\n');
  });

  test('the working directory is never an output folder', () => {
    expect(() => synthEnvironment({ envFile: EXAMPLE_ENV, outdir: '.', awsOutdir: join(tempDir(), 'aws') })).toThrow(
      /output directory \. would replace/,
    );
  });
});

describe('warnings about the AWS side', () => {
  test("a permissions policy over IAM's inline limit is reported", () => {
    const dir = tempDir();
    const secrets = Array.from(
      { length: 130 },
      (_, i) => `  - objectName: coder/a-rather-long-secret-name-number-${i}\n    objectType: secretsmanager\n`,
    ).join('');
    const envFile = editedExample(dir, 'secrets:\n', `secrets:\n${secrets}`);
    const { warnings } = synthEnvironment({ envFile, outdir: join(dir, 'dist'), awsOutdir: join(dir, 'aws') });
    expect(warnings).toEqual([expect.stringMatching(/permissions-policy\.json is \d+ characters; IAM allows 10240/)]);
  });
});

describe('what an earlier run left behind', () => {
  test('a run killed between the two renames gets its output back on the next run; staging leftovers go', () => {
    const root = tempDir();
    const previous = join(root, '.dist.previous-abc123');
    fs.mkdirSync(previous);
    fs.writeFileSync(join(previous, 'old.k8s.yaml'), 'apiVersion: v1\n');
    fs.mkdirSync(join(root, '.dist.incoming-def456'));
    synthEnvironment({ envFile: EXAMPLE_ENV, outdir: join(root, 'dist'), awsOutdir: join(root, 'aws') });
    expect(fs.readdirSync(root).sort()).toEqual(['aws', 'dist']);
  });

  test('an environment file reached through a link is still recognised inside the output folder', () => {
    const root = tempDir();
    fs.mkdirSync(join(root, 'victim'));
    fs.copyFileSync(EXAMPLE_ENV, join(root, 'victim', 'env.yaml'));
    fs.symlinkSync(join(root, 'victim', 'env.yaml'), join(root, 'link.yaml'));
    expect(() =>
      synthEnvironment({
        envFile: join(root, 'link.yaml'),
        outdir: join(root, 'victim'),
        awsOutdir: join(root, 'aws'),
      }),
    ).toThrow(/would replace/);
    expect(fs.existsSync(join(root, 'victim', 'env.yaml'))).toBe(true);
  });

  test('a refused pair of nested folders creates nothing', () => {
    const root = tempDir();
    expect(() =>
      synthEnvironment({
        envFile: EXAMPLE_ENV,
        outdir: join(root, 'o', 'dist'),
        awsOutdir: join(root, 'o', 'dist', 'aws'),
      }),
    ).toThrow(/must be separate/);
    expect(fs.readdirSync(root)).toEqual([]);
  });
});
