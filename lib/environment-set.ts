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
 * Environments that share a cluster must not share a namespace: each environment's Coder, workspace RoleBindings and
 * (with Argo CD) Application would overwrite or prune the other's. They must also agree on the CSI driver's
 * namespace, because they all emit the same cluster-wide secret-sync ClusterRoleBinding.
 */
function overlapProblems(environments: readonly NamedEnvironment[]): ConfigError[] {
  const owners = new Map<string, NamedEnvironment>();
  const drivers = new Map<string, NamedEnvironment>();
  const errors: ConfigError[] = [];
  for (const environment of environments) {
    const { cluster, namespace, coder, csiDriver } = environment.config;
    const clusterKey = `${cluster.accountId}/${cluster.region}/${cluster.name}`;
    const problems: { path: string; message: string }[] = [];

    const namespaces = [
      { path: 'namespace.name', name: namespace.name },
      ...coder.workspaceNamespaces.map((n, i) => ({ path: `coder.workspaceNamespaces[${i}].name`, name: n.name })),
    ];
    for (const { path, name } of namespaces) {
      const other = owners.get(`${clusterKey}/${name}`);
      if (other !== undefined && other !== environment) {
        problems.push({
          path,
          message:
            `${other.file} already uses namespace ${name} of cluster ${cluster.name}; give each environment ` +
            'namespaces of its own',
        });
      } else {
        owners.set(`${clusterKey}/${name}`, environment);
      }
    }

    const driver = drivers.get(clusterKey);
    if (driver === undefined) {
      drivers.set(clusterKey, environment);
    } else if (driver.config.csiDriver.namespace !== csiDriver.namespace) {
      problems.push({
        path: 'csiDriver.namespace',
        message:
          `${driver.file} says the driver of cluster ${cluster.name} runs in ${driver.config.csiDriver.namespace}, ` +
          `this file says ${csiDriver.namespace}; a cluster has one driver`,
      });
    }

    if (problems.length > 0) {
      errors.push(new ConfigError(environment.file, problems));
    }
  }
  return errors;
}
