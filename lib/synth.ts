import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { environmentApp } from './environment-app';
import { ConfigError, loadEnvironment } from './environment-config';
import { publishDirectory } from './publish';

export interface SynthOptions {
  /** The environment file to render. */
  readonly envFile: string;
  /** Directory that receives the manifests; replaced whole, and only when the synth succeeds. */
  readonly outdir: string;
  /**
   * Directory to render into first. `cdk8s synth` passes its own output directory (CDK8S_OUTDIR), which it empties
   * before the app runs; that is why the published output lives elsewhere.
   *
   * @default - a temporary directory, removed afterwards
   */
  readonly stagingDir?: string;
}

/**
 * Renders one environment into a staging directory and, only if every check passes, swaps the result into
 * `outdir`. A failed synth leaves `outdir` exactly as it was.
 *
 * @returns the names of the files written, in apply order
 */
export function synthEnvironment(options: SynthOptions): string[] {
  const config = loadEnvironment(options.envFile);

  const staging = options.stagingDir ?? mkdtempSync(join(tmpdir(), 'coder-eks-synth-'));
  try {
    rmSync(staging, { recursive: true, force: true });
    mkdirSync(staging, { recursive: true });
    environmentApp(config, staging).synth();
    publishDirectory(staging, options.outdir);
    return readdirSync(options.outdir).sort();
  } finally {
    if (options.stagingDir === undefined) {
      rmSync(staging, { recursive: true, force: true });
    }
  }
}

/**
 * The command-line entry point: synthesizes, reports what was written on stdout and every problem on stderr.
 *
 * @returns the process exit code
 */
export function runSynth(options: SynthOptions): number {
  try {
    const files = synthEnvironment(options);
    for (const file of files) {
      console.log(`wrote ${join(options.outdir, file)}`);
    }
    return 0;
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
    } else {
      console.error(`${options.envFile}: ${err instanceof Error ? err.message : String(err)}`);
    }
    console.error(`synth failed; ${options.outdir}/ was left unchanged`);
    return 1;
  }
}
