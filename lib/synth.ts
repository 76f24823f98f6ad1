import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { awsOutputFiles, writeAwsOutputFiles } from './aws-outputs';
import { environmentApp } from './environment-app';
import { ConfigError, loadEnvironment } from './environment-config';
import { publishDirectories } from './publish';

export interface SynthOptions {
  /** The environment file to render. */
  readonly envFile: string;
  /** Directory that receives the manifests; replaced whole, and only when the synth succeeds. */
  readonly outdir: string;
  /**
   * Directory that receives the AWS side: IAM policies, add-on configuration values, summary. Replaced together with
   * `outdir`, and kept outside it so that `kubectl apply -R -f <outdir>` never reads these JSON files.
   */
  readonly awsOutdir: string;
  /**
   * Directory to render into first. `cdk8s synth` passes its own output directory (CDK8S_OUTDIR), which it empties
   * before the app runs; that is why the published output lives elsewhere.
   *
   * @default - a temporary directory, removed afterwards
   */
  readonly stagingDir?: string;
}

/**
 * Renders one environment into staging directories and, only if every step succeeds, swaps the manifests into
 * `outdir` and the AWS side into `awsOutdir`. A failed synth leaves both directories exactly as they were.
 *
 * @returns the paths of the files written, manifests in apply order, then the AWS files
 */
export function synthEnvironment(options: SynthOptions): string[] {
  const config = loadEnvironment(options.envFile);

  const staging = options.stagingDir ?? mkdtempSync(join(tmpdir(), 'coder-eks-synth-'));
  const awsStaging = mkdtempSync(join(tmpdir(), 'coder-eks-aws-'));
  try {
    rmSync(staging, { recursive: true, force: true });
    mkdirSync(staging, { recursive: true });
    const { app, charts } = environmentApp(config, staging);
    writeAwsOutputFiles(awsStaging, awsOutputFiles(config, charts.coder));
    app.synth();
    publishDirectories([{ source: staging, dest: options.outdir }, { source: awsStaging, dest: options.awsOutdir }]);
    return [
      ...readdirSync(options.outdir).sort().map(file => join(options.outdir, file)),
      ...readdirSync(options.awsOutdir).sort().map(file => join(options.awsOutdir, file)),
    ];
  } finally {
    if (options.stagingDir === undefined) {
      rmSync(staging, { recursive: true, force: true });
    }
    rmSync(awsStaging, { recursive: true, force: true });
  }
}

/**
 * The command-line entry point: synthesizes, reports what was written on stdout and every problem on stderr.
 *
 * @returns the process exit code
 */
export function runSynth(options: SynthOptions): number {
  try {
    for (const file of synthEnvironment(options)) {
      console.log(`wrote ${file}`);
    }
    return 0;
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
    } else {
      console.error(`${options.envFile}: ${err instanceof Error ? err.message : String(err)}`);
    }
    console.error(`synth failed; ${options.outdir}/ and ${options.awsOutdir}/ were left unchanged`);
    return 1;
  }
}
