import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { Testing } from 'cdk8s';
import { parse, stringify } from 'yaml';
import { awsOutputFiles } from '../lib/aws-outputs';
import { addEnvironmentCharts } from '../lib/environment-app';
import { EnvironmentConfig, parseEnvironment } from '../lib/environment-config';
import { Manifest } from '../lib/schema-problems';

export { readManifestDir } from '../lib/manifest-files';
export type { Manifest };

export const ROOT = join(__dirname, '..');
export const EXAMPLE_ENV = join(ROOT, 'environments', 'example.yaml');

/** The example environment as parsed YAML, before validation. */
export function rawExample(): any {
  return parse(readFileSync(EXAMPLE_ENV, 'utf8'));
}

/** Writes the example environment, after `patch` edits its parsed YAML, into a fresh file and returns its path. */
export function writeExampleVariant(patch: (raw: any) => void): string {
  const raw = rawExample();
  patch(raw);
  const file = join(tempDir(), 'env.yaml');
  writeFileSync(file, stringify(raw));
  return file;
}

/** The example environment after `patch` edits its parsed YAML, validated like a real file. */
export function exampleConfig(patch: (raw: any) => void = () => undefined): EnvironmentConfig {
  const raw = rawExample();
  patch(raw);
  return parseEnvironment(raw, 'test.yaml');
}

/** The example environment switched to EKS Pod Identity. */
export function podIdentityConfig(): EnvironmentConfig {
  return exampleConfig(raw => {
    raw.auth = 'podIdentity';
    delete raw.cluster.oidcIssuer;
    delete raw.serviceAccount.stsRegionalEndpoints;
  });
}

/** Every object an environment emits, cluster-scoped chart first, in file order. */
export function synthObjects(config: EnvironmentConfig): Manifest[] {
  const app = Testing.app();
  const charts = addEnvironmentCharts(app, config);
  return [...Testing.synth(charts.clusterScoped), ...Testing.synth(charts.coder)] as Manifest[];
}

/** Every object and every AWS-side document an environment emits, both taken from one set of charts. */
export function synthAll(config: EnvironmentConfig): { objects: Manifest[]; aws: Record<string, any> } {
  const app = Testing.app();
  const charts = addEnvironmentCharts(app, config);
  const aws = Object.fromEntries(awsOutputFiles(config, charts.coder).map(file => [file.name, file.document]));
  return { objects: [...Testing.synth(charts.clusterScoped), ...Testing.synth(charts.coder)] as Manifest[], aws };
}

/** The single object of `kind` (and `name`, when several share the kind). */
export function find(objects: Manifest[], kind: string, name?: string): Manifest {
  const found = objects.filter(o => o.kind === kind && (name === undefined || o.metadata.name === name));
  if (found.length !== 1) {
    throw new Error(`expected one ${kind}${name ? ` named ${name}` : ''}, found ${found.length}`);
  }
  return found[0];
}

const createdDirs: string[] = [];

// Every test file gets its own copy of this module, so this removes that file's directories when it ends.
afterAll(() => {
  for (const dir of createdDirs.splice(0)) {
    rmSync(dir, { recursive: true, force: true });
  }
});

/** A fresh, empty temporary directory, removed when the test file ends. */
export function tempDir(prefix = 'coder-eks-test-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  createdDirs.push(dir);
  return dir;
}

/** Every file below `dir` with its bytes, keyed by relative path. */
export function snapshotDir(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) {
      const full = join(entry.parentPath, entry.name);
      out[full.slice(dir.length + 1)] = readFileSync(full, 'utf8');
    }
  }
  return out;
}
