import { copyFileSync, existsSync, mkdirSync, readdirSync, writeFileSync } from 'fs';
import { join } from 'path';
import { stringify } from 'yaml';
import { ENVIRONMENTS_OUTDIR, MANIFESTS_SUBDIR } from '../lib/argocd-outputs';
import { loadEnvironment } from '../lib/environment-config';
import { EnvironmentSetError } from '../lib/environment-set';
import { runSynthAll, synthAllEnvironments } from '../lib/synth-all';
import { rawExample, readManifestDir, ROOT, snapshotDir, synthObjects, tempDir } from './support';

const ENV_DIR = join(ROOT, 'environments');
const environmentNames = readdirSync(ENV_DIR)
  .filter(f => f.endsWith('.yaml'))
  .map(f => f.replace(/\.yaml$/, ''))
  .sort();

/** A folder of environment files: the committed ones, plus extra files given as parsed YAML or raw text. */
function envDirWith(extra: Record<string, unknown> = {}): string {
  const dir = tempDir('coder-eks-envs-');
  for (const name of environmentNames) {
    copyFileSync(join(ENV_DIR, `${name}.yaml`), join(dir, `${name}.yaml`));
  }
  for (const [file, content] of Object.entries(extra)) {
    writeFileSync(join(dir, file), typeof content === 'string' ? content : stringify(content));
  }
  return dir;
}

describe('npm run synth:all', () => {
  test("writes each environment into its own folder, holding exactly that environment's objects", () => {
    // GIVEN
    const out = join(tempDir(), ENVIRONMENTS_OUTDIR);

    // WHEN
    const result = synthAllEnvironments({ envDir: ENV_DIR, outdir: out });

    // THEN
    expect(result.environments.map(e => e.folder)).toEqual(environmentNames.map(n => `${MANIFESTS_SUBDIR}/${n}`));
    for (const name of environmentNames) {
      const folder = join(out, MANIFESTS_SUBDIR, name);
      const expected = synthObjects(loadEnvironment(join(ENV_DIR, `${name}.yaml`)));
      // kubectl apply -f <folder> and kubectl apply -R -f <folder> see the same objects: this environment's, only.
      expect(readManifestDir(folder).map(e => e.object)).toEqual(expected);
      expect(readManifestDir(folder, { recursive: true }).map(e => e.object)).toEqual(expected);
    }
  });

  test('keeps every environment folder out of dist/, so that kubectl apply -R -f dist applies one environment', () => {
    expect(ENVIRONMENTS_OUTDIR.split('/')[0]).not.toBe('dist');
    expect(readManifestDir(join(ROOT, 'dist'), { recursive: true }).map(e => e.file)).toEqual(
      readManifestDir(join(ROOT, 'dist')).map(e => e.file),
    );
  });

  test('an invalid environment leaves the existing output folder exactly as it was, and names every problem', () => {
    // GIVEN a previous output and a folder where one of three environments is invalid
    const out = join(tempDir(), ENVIRONMENTS_OUTDIR);
    synthAllEnvironments({ envDir: ENV_DIR, outdir: out });
    const before = snapshotDir(out);
    const broken = rawExample();
    broken.secrets[0].objectType = 'ssm';
    delete broken.coder.accessUrl;

    // WHEN
    const run = () => synthAllEnvironments({ envDir: envDirWith({ 'zz-broken.yaml': broken }), outdir: out });

    // THEN
    expect(run).toThrow(EnvironmentSetError);
    expect(run).toThrow(/zz-broken\.yaml: secrets\[0\]\.objectType: must be secretsmanager or ssmparameter/);
    expect(run).toThrow(/zz-broken\.yaml: coder\.accessUrl: required/);
    expect(snapshotDir(out)).toEqual(before);
  });

  test('an invalid environment creates no output folder when there was none', () => {
    const out = join(tempDir(), ENVIRONMENTS_OUTDIR);
    expect(() => synthAllEnvironments({ envDir: envDirWith({ 'broken.yaml': 'cluster: [' }), outdir: out })).toThrow();
    expect(existsSync(out)).toBe(false);
  });

  test('refuses a file name that cannot name a folder and an Argo CD Application', () => {
    const dir = envDirWith({ 'Prod_EU.yaml': rawExample() });
    expect(() => synthAllEnvironments({ envDir: dir, outdir: join(tempDir(), 'out') })).toThrow(
      /Prod_EU\.yaml: the file name \(without \.yaml\) must be a DNS-1123 label/,
    );
  });

  test('the command prints one line per folder and file, and on failure says the output was left unchanged', () => {
    const log = jest.spyOn(console, 'log').mockImplementation(() => undefined);
    const error = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      const out = join(tempDir(), ENVIRONMENTS_OUTDIR);
      expect(runSynthAll({ envDir: ENV_DIR, outdir: out })).toBe(0);
      expect(log).toHaveBeenCalledWith(`wrote ${join(out, MANIFESTS_SUBDIR, 'staging')}/ (2 files)`);

      const empty = tempDir();
      mkdirSync(join(empty, 'sub'));
      expect(runSynthAll({ envDir: empty, outdir: out })).toBe(1);
      expect(error).toHaveBeenCalledWith(`${empty}: holds no *.yaml environment file`);
      expect(error).toHaveBeenCalledWith(`synth:all failed; ${out}/ was left unchanged`);
    } finally {
      log.mockRestore();
      error.mockRestore();
    }
  });
});

describe('environment folders that would go wrong', () => {
  test('two environments on the same namespace of the same cluster are refused', () => {
    const dir = envDirWith({ 'copy.yaml': rawExample() });
    expect(() => synthAllEnvironments({ envDir: dir, outdir: join(tempDir(), 'out') })).toThrow(
      /example\.yaml: namespace\.name: \S+copy\.yaml already uses namespace coder of cluster coder-example/,
    );
  });

  test("an environment that takes another's namespace for its workspaces, or disagrees on the driver, is refused", () => {
    const other = rawExample();
    other.namespace.name = 'coder-b';
    other.coder.workspaceNamespaces = [{ name: 'coder', create: false }];
    other.csiDriver.namespace = 'kube-system';
    const dir = envDirWith({ 'b.yaml': other });
    expect(() => synthAllEnvironments({ envDir: dir, outdir: join(tempDir(), 'out') })).toThrow(
      /example\.yaml: namespace\.name: \S+b\.yaml already uses namespace coder of cluster/,
    );
    expect(() => synthAllEnvironments({ envDir: dir, outdir: join(tempDir(), 'out') })).toThrow(
      /example\.yaml: csiDriver\.namespace: \S+b\.yaml says the driver of cluster coder-example runs in kube-system/,
    );
  });

  test('a .yml file is reported instead of being skipped without a word', () => {
    const dir = envDirWith({ 'prod.yml': rawExample() });
    expect(() => synthAllEnvironments({ envDir: dir, outdir: join(tempDir(), 'out') })).toThrow(
      /prod\.yml: environment files end in \.yaml/,
    );
  });
});
