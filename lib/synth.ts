import { mkdirSync, readdirSync, rmSync } from 'fs';
import { join } from 'path';
import { IConstruct } from 'constructs';
import { awsOutputFiles, awsOutputWarnings, writeAwsOutputFiles } from './aws-outputs';
import { EnvironmentCharts, environmentApp } from './environment-app';
import { ConfigError, EnvironmentConfig, loadEnvironment } from './environment-config';
import { environmentWarnings } from './environment-rules';
import { assertReplaceable, assertSeparate, publishDirectories, stagingDirFor } from './publish';

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

/** What a successful synth wrote and what it found risky. */
export interface SynthResult {
  /** Paths of the files written: the manifests in apply order, then the AWS side. */
  readonly files: string[];
  /** One line per risky setting, `<file>: <field path>: <why>`. */
  readonly warnings: string[];
}

/**
 * Renders one environment into staging directories and, only if every step succeeds, swaps the manifests into
 * `outdir` and the AWS side into `awsOutdir`. A failed synth leaves both directories exactly as they were.
 *
 * @throws ConfigError listing every problem of the environment file, or of the objects it would produce
 */
export function synthEnvironment(options: SynthOptions): SynthResult {
  const config = loadEnvironment(options.envFile);

  const keep = [options.envFile, process.cwd()];
  for (const dir of [
    options.outdir,
    options.awsOutdir,
    ...(options.stagingDir === undefined ? [] : [options.stagingDir]),
  ]) {
    assertReplaceable(dir, keep);
  }
  // Checked before anything is created, so that a refused run leaves no folder behind.
  assertSeparate([options.outdir, options.awsOutdir]);
  // Rendering beside the outputs lets the publish rename the results into place rather than copy them.
  const staging = options.stagingDir ?? stagingDirFor(options.outdir);
  const awsStaging = stagingDirFor(options.awsOutdir);
  try {
    if (options.stagingDir !== undefined) {
      rmSync(staging, { recursive: true, force: true });
      mkdirSync(staging, { recursive: true });
    }
    const warnings = renderEnvironmentOutputs(config, options.envFile, staging, awsStaging);
    publishDirectories(
      [
        { source: staging, dest: options.outdir },
        { source: awsStaging, dest: options.awsOutdir },
      ],
      keep,
    );
    const files = [
      ...readdirSync(options.outdir)
        .sort()
        .map(file => join(options.outdir, file)),
      ...readdirSync(options.awsOutdir)
        .sort()
        .map(file => join(options.awsOutdir, file)),
    ];
    return { files, warnings };
  } finally {
    if (options.stagingDir === undefined) {
      rmSync(staging, { recursive: true, force: true });
    }
    rmSync(awsStaging, { recursive: true, force: true });
  }
}

/**
 * Writes one environment's manifests into `outdir` after every check the constructs attached has passed.
 *
 * @returns the charts, for what is derived from the emitted objects, such as the IAM policies
 * @param envFile the environment file's name, for error messages
 * @throws ConfigError listing every problem of the objects that would be written
 */
export function renderEnvironment(config: EnvironmentConfig, outdir: string, envFile: string): EnvironmentCharts {
  const { app, charts } = environmentApp(config, outdir);
  const problems = validationProblems(app);
  if (problems.length > 0) {
    throw new ConfigError(
      envFile,
      problems.map(message => ({ path: '', message })),
    );
  }
  app.synth();
  return charts;
}

/**
 * Writes one environment's manifests into `manifestsDir` and its AWS side into `awsDir`, after every check.
 *
 * @returns the warnings about risky settings, each as `<file>: <field path>: <why>`
 * @throws ConfigError listing every problem of the objects that would be written
 */
export function renderEnvironmentOutputs(
  config: EnvironmentConfig,
  envFile: string,
  manifestsDir: string,
  awsDir: string,
): string[] {
  const charts = renderEnvironment(config, manifestsDir, envFile);
  const awsFiles = awsOutputFiles(config, charts.coder);
  writeAwsOutputFiles(awsDir, awsFiles);
  return [
    ...environmentWarnings(config).map(w => `${envFile}: ${w.path}: ${w.message}`),
    ...awsOutputWarnings(awsFiles).map(w => `${envFile}: ${w}`),
  ];
}

/**
 * Runs every check the constructs attached with `node.addValidation`, on the objects as they would be written.
 * `App.synth()` runs them too, but stops with a stack trace; this returns them as plain lines.
 */
export function validationProblems(scope: IConstruct): string[] {
  return scope.node.findAll().flatMap(c => c.node.validate());
}

/**
 * The command-line entry point: synthesizes, reports what was written on stdout and every problem on stderr.
 *
 * @returns the process exit code
 */
export function runSynth(options: SynthOptions): number {
  try {
    const { files, warnings } = synthEnvironment(options);
    for (const warning of warnings) {
      console.error(`warning: ${warning}`);
    }
    for (const file of files) {
      console.log(`wrote ${file}`);
    }
    return 0;
  } catch (err) {
    // A problem of the environment file names the file and the field; anything else (a folder that cannot be
    // written, say) is not the file's fault and says so in its own words.
    console.error(
      err instanceof ConfigError ? err.message : `error: ${err instanceof Error ? err.message : String(err)}`,
    );
    console.error(`synth failed; ${options.outdir}/ and ${options.awsOutdir}/ were left unchanged`);
    return 1;
  }
}
