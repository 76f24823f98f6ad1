import { readdirSync } from 'fs';
import { basename, join } from 'path';
import { ConfigError, EnvironmentConfig, loadEnvironment } from './environment-config';

/** An environment file, validated, with the name its outputs are filed under. */
export interface NamedEnvironment {
  /** The file name without `.yaml`, such as `staging`. */
  readonly name: string;
  readonly file: string;
  readonly config: EnvironmentConfig;
}

/** Environment names become folder names and part of Argo CD Application names: DNS-1123 labels. */
const ENVIRONMENT_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** Raised when one or more environment files cannot be used; lists the problems of every file. */
export class EnvironmentSetError extends Error {
  constructor(public readonly errors: readonly ConfigError[]) {
    super(errors.map(e => e.message).join('\n'));
    this.name = 'EnvironmentSetError';
  }
}

/**
 * Loads every `*.yaml` file of a folder, in name order.
 *
 * @throws EnvironmentSetError listing the problems of every file, when any file is invalid or badly named
 */
export function loadEnvironmentSet(envDir: string): NamedEnvironment[] {
  let files: string[];
  let misnamed: string[];
  try {
    const all = readdirSync(envDir).sort();
    files = all.filter(f => f.endsWith('.yaml'));
    // A file that looks like an environment but would be skipped is more likely a mistake than an intent.
    misnamed = all.filter(f => /\.ya?ml$/i.test(f) && !f.endsWith('.yaml'));
  } catch (err) {
    throw new EnvironmentSetError([
      new ConfigError(envDir, [
        {
          path: '',
          message: `cannot be read: ${(err as NodeJS.ErrnoException).code ?? String(err)}`,
        },
      ]),
    ]);
  }
  if (files.length === 0) {
    const problem = { path: '', message: 'holds no *.yaml environment file' };
    throw new EnvironmentSetError([new ConfigError(envDir, [problem])]);
  }

  const environments: NamedEnvironment[] = [];
  const errors: ConfigError[] = misnamed.map(
    f =>
      new ConfigError(join(envDir, f), [
        {
          path: '',
          message: 'environment files end in .yaml; rename it, or move it out of the folder',
        },
      ]),
  );
  for (const fileName of files) {
    const file = join(envDir, fileName);
    const name = basename(fileName, '.yaml');
    if (name.length > 50 || !ENVIRONMENT_NAME.test(name)) {
      errors.push(
        new ConfigError(file, [
          {
            path: '',
            message:
              'the file name (without .yaml) must be a DNS-1123 label of at most 50 characters: lower-case letters, ' +
              `digits and "-", got "${name}"`,
          },
        ]),
      );
      continue;
    }
    try {
      environments.push({ name, file, config: loadEnvironment(file) });
    } catch (err) {
      if (!(err instanceof ConfigError)) {
        throw err;
      }
      errors.push(err);
    }
  }

  errors.push(...overlapProblems(environments));
  if (errors.length > 0) {
    throw new EnvironmentSetError(errors);
  }
  return environments;
}

/**
 * Two environments that deploy Coder into the same namespace of the same cluster would fight over the same objects
 * (and, with Argo CD, two Applications would prune each other's).
 */
function overlapProblems(environments: readonly NamedEnvironment[]): ConfigError[] {
  const seen = new Map<string, NamedEnvironment>();
  const errors: ConfigError[] = [];
  for (const environment of environments) {
    const { cluster, namespace } = environment.config;
    const key = `${cluster.accountId}/${cluster.region}/${cluster.name}/${namespace.name}`;
    const other = seen.get(key);
    if (other !== undefined) {
      errors.push(
        new ConfigError(environment.file, [
          {
            path: 'namespace.name',
            message:
              `${other.file} already deploys Coder into namespace ${namespace.name} of cluster ${cluster.name}; ` +
              'give each environment its own cluster or namespace',
          },
        ]),
      );
    } else {
      seen.set(key, environment);
    }
  }
  return errors;
}
