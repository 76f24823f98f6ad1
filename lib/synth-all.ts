import { readdirSync, rmSync } from 'fs';
import { join } from 'path';
import { ARGOCD_SUBDIR, AWS_SUBDIR, MANIFESTS_SUBDIR, writeArgoCdOutputs } from './argocd-outputs';
import { ConfigError } from './environment-config';
import { EnvironmentSetError, loadEnvironmentSet } from './environment-set';
import { assertReplaceable, publishDirectory, stagingDirFor } from './publish';
import { renderEnvironmentOutputs } from './synth';

export interface SynthAllOptions {
  /** Folder of environment files; every `*.yaml` in it is one environment. */
  readonly envDir: string;
  /** Folder that receives every environment's output; replaced whole, and only when every environment succeeds. */
  readonly outdir: string;
}

/** What one environment's synth wrote. */
export interface EnvironmentOutput {
  readonly name: string;
  /** The environment's folder of manifests, relative to the output folder: what `kubectl apply -f` is given. */
  readonly folder: string;
  readonly files: number;
  /** The environment's AWS side (IAM policies, add-on values), relative to the output folder. */
  readonly awsFolder: string;
  /** One line per risky setting, `<file>: <field path>: <why>`. */
  readonly warnings: string[];
}

/** What {@link synthAllEnvironments} wrote, relative to the output folder. */
export interface SynthAllResult {
  readonly environments: EnvironmentOutput[];
  /** Argo CD files under `argocd/`; empty when no environment has `argocd` settings. */
  readonly argocd: string[];
}

/**
 * Renders every environment of `envDir` into `<outdir>/manifests/<name>/`, its AWS side into `<outdir>/aws/<name>/`
 * and the Argo CD objects into `<outdir>/argocd/`. Everything is rendered into a staging folder first and swapped
 * into `outdir` in one rename, so
 * that an invalid environment file or a failing synth leaves every output folder exactly as it was.
 */
export function synthAllEnvironments(options: SynthAllOptions): SynthAllResult {
  const environments = loadEnvironmentSet(options.envDir);

  const keep = [options.envDir, process.cwd()];
  assertReplaceable(options.outdir, keep);
  // Rendering beside the output lets the publish rename the result into place rather than copy it.
  const staging = stagingDirFor(options.outdir);
  try {
    const failures: ConfigError[] = [];
    const outputs = environments.flatMap(environment => {
      const folder = `${MANIFESTS_SUBDIR}/${environment.name}`;
      const awsFolder = `${AWS_SUBDIR}/${environment.name}`;
      let warnings: string[];
      try {
        warnings = renderEnvironmentOutputs(
          environment.config,
          environment.file,
          join(staging, folder),
          join(staging, awsFolder),
        );
      } catch (err) {
        // Keep going, so that one run reports the problems of every environment.
        if (!(err instanceof ConfigError)) {
          throw err;
        }
        failures.push(err);
        return [];
      }
      return [
        { name: environment.name, folder, files: readdirSync(join(staging, folder)).length, awsFolder, warnings },
      ];
    });
    if (failures.length > 0) {
      throw new EnvironmentSetError(failures);
    }
    const argocd = writeArgoCdOutputs(environments, join(staging, ARGOCD_SUBDIR)).map(f => `${ARGOCD_SUBDIR}/${f}`);
    publishDirectory(staging, options.outdir, keep);
    return { environments: outputs, argocd };
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

/**
 * The command-line entry point: one line per environment folder and Argo CD file on stdout, every problem on stderr.
 *
 * @returns the process exit code
 */
export function runSynthAll(options: SynthAllOptions): number {
  try {
    const result = synthAllEnvironments(options);
    for (const environment of result.environments) {
      for (const warning of environment.warnings) {
        console.error(`warning: ${warning}`);
      }
      console.log(`wrote ${join(options.outdir, environment.folder)}/ (${environment.files} files)`);
      console.log(`wrote ${join(options.outdir, environment.awsFolder)}/`);
    }
    for (const file of result.argocd) {
      console.log(`wrote ${join(options.outdir, file)}`);
    }
    return 0;
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    console.error(err instanceof EnvironmentSetError ? message : `${options.envDir}: ${message}`);
    console.error(`synth:all failed; ${options.outdir}/ was left unchanged`);
    return 1;
  }
}
