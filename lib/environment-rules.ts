import * as jmespath from 'jmespath';
import { posix } from 'path';
import { isArn, parseArn, parseKmsKeyArn, parseRoleArn, parseSecretArn, ROLE_ARN } from './aws-arns';
import { isAwsRegion, partitionOf } from './aws-regions';
import { DEFAULT_PATH_TRANSLATION, escapesMount, mountedFileName } from './aws-secret-provider-class';
import { issuerDomainOf } from './eks-oidc-issuer';
import type { EnvironmentConfig } from './environment-config';
import { CODER_CACHE_DIRECTORY, DEFAULT_LIMITS, DEFAULT_REQUESTS, RESERVED_CONTAINER_PATHS } from './coder-deployment';
import { parseQuantity } from './quantity';
import { findSecretMaterial } from './secret-scan';
import {
  isSecretSetting,
  PG_CONNECTION_AUTH,
  PG_CONNECTION_URL,
  STANDARD_CODER_ENV,
  urlHasPassword,
} from './coder-settings';

/**
 * The rules of an environment file that span several fields: the rules ASCP enforces when it mounts (so that they
 * fail at synth time instead of minutes after an apply, as a pod stuck in ContainerCreating), and the ones that keep
 * Coder's settings coherent.
 *
 * The rules run even when other fields are invalid, so that one run reports every problem; each rule therefore
 * checks the type of what it reads and stays silent about fields the schema already reports.
 */

/** One broken rule, with the path of the field to change. */
export interface RuleProblem {
  readonly path: (string | number)[];
  readonly message: string;
  /** The offending value, shown after the message. */
  readonly input?: unknown;
  /** Show no value: the rule is about a missing entry, or the value may be secret material. */
  readonly hideInput?: boolean;
}

/** The characters a key of a Kubernetes Secret's `data` may hold. */
const SECRET_KEY = /^[-._a-zA-Z0-9]+$/;

const str = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);
const list = (value: unknown): any[] => (Array.isArray(value) ? value : []);
const record = (value: unknown): Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};

/** Every rule problem of an environment document that may be partly invalid. */
export function environmentRuleProblems(env: any): RuleProblem[] {
  const problems: RuleProblem[] = [];
  const region = str(env?.cluster?.region);
  const knownRegion = region !== undefined && isAwsRegion(region) ? region : undefined;

  problems.push(...identityProblems(env, knownRegion));
  problems.push(...secretObjectProblems(env, knownRegion));
  problems.push(...mountedFileProblems(env));
  problems.push(...coderEnvProblems(env));

  const serviceAccount = str(env?.serviceAccount?.name);
  if (serviceAccount === 'default') {
    problems.push({
      path: ['serviceAccount', 'name'],
      message: 'must not be "default": the role annotation belongs on a ServiceAccount of Coder\'s own',
      input: serviceAccount,
    });
  }

  problems.push(...namespaceProblems(env), ...mountPathProblems(env), ...resourceProblems(env));
  problems.push(...secretMaterialProblems(env));
  return problems;
}

/**
 * An environment file names secrets and never holds one: any key or value that looks like secret material (a password
 * in a URL or a query, a private key, an access key, a long random token) is refused wherever it stands. Plain Coder
 * settings get their own, more specific, message in {@link coderEnvProblems}.
 */
function secretMaterialProblems(document: unknown): RuleProblem[] {
  const problems: RuleProblem[] = [];
  const visit = (value: unknown, path: (string | number)[]) => {
    if (path[0] === 'coder' && path[1] === 'env') {
      return;
    }
    if (typeof value === 'string') {
      if (looksSecret(value)) {
        problems.push({
          path,
          message: 'looks like secret material; an environment file holds names and ARNs only (the value is not shown)',
          hideInput: true,
        });
      }
    } else if (Array.isArray(value)) {
      value.forEach((item, i) => visit(item, [...path, i]));
    } else if (value !== null && typeof value === 'object') {
      for (const [key, item] of Object.entries(value)) {
        visit(item, [...path, key]);
      }
    }
  };
  visit(document, []);
  return problems;
}

/** Coder's namespaces are its own: distinct, and neither Kubernetes' nor the CSI driver's. */
function namespaceProblems(env: any): RuleProblem[] {
  const problems: RuleProblem[] = [];
  const namespaces = [str(env?.namespace?.name), ...list(env?.coder?.workspaceNamespaces).map(n => str(n?.name))];
  const driverNamespace = str(env?.csiDriver?.namespace) ?? 'aws-secrets-manager';
  namespaces.forEach((name, index) => {
    const path = index === 0 ? ['namespace', 'name'] : ['coder', 'workspaceNamespaces', index - 1, 'name'];
    if (name !== undefined && index > 0 && namespaces.indexOf(name) < index) {
      problems.push({
        path,
        message: `must differ from Coder's namespace and from the other workspace namespaces`,
        input: name,
      });
    }
    if (name !== undefined && (SYSTEM_NAMESPACES.includes(name) || name === driverNamespace)) {
      problems.push({
        path,
        message:
          "must be a namespace of Coder's own, not a system namespace or the CSI driver's (its Pod Security " +
          'labels and workspace pods would land there)',
        input: name,
      });
    }
  });

  return problems;
}

/** Namespaces that belong to Kubernetes itself. */
const SYSTEM_NAMESPACES: readonly string[] = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];

/** The secrets mount must not hide what the container needs, nor share a path with another mount. */
function mountPathProblems(env: any): RuleProblem[] {
  const mountPath = str(env?.secretProviderClass?.mountPath);
  if (mountPath === undefined || !mountPath.startsWith('/')) {
    return [];
  }
  const normalized = posix.normalize(mountPath).replace(/\/+$/, '') || '/';
  const hidden = RESERVED_CONTAINER_PATHS.find(
    reserved => reserved === normalized || reserved.startsWith(`${normalized}/`) || normalized === '/',
  );
  return hidden === undefined
    ? []
    : [
        {
          path: ['secretProviderClass', 'mountPath'],
          message: `must not be ${hidden} or a folder that holds it: the mount would hide it from Coder`,
          input: mountPath,
        },
      ];
}

/** Requests must fit within limits, or the API server refuses the pod. */
function resourceProblems(env: any): RuleProblem[] {
  const problems: RuleProblem[] = [];
  const resources = record(env?.coder?.resources);
  const requests = { ...DEFAULT_REQUESTS, ...record(resources.requests) };
  const limits = { ...DEFAULT_LIMITS, ...record(resources.limits) };
  for (const kind of ['cpu', 'memory'] as const) {
    const request = parseQuantity(String(requests[kind]));
    const limit = parseQuantity(String(limits[kind]));
    if (request !== undefined && limit !== undefined && request > limit) {
      problems.push({
        path: ['coder', 'resources', 'requests', kind],
        message: `must not exceed the limit ${limits[kind]}`,
        input: requests[kind],
      });
    }
  }
  return problems;
}

/**
 * The identity's rules: the role, the OIDC issuer and the KMS key belong to the cluster's partition, region and
 * account, which the generated IAM policies are built from; an ARN from elsewhere gives a policy that grants nothing.
 */
function identityProblems(env: any, region: string | undefined): RuleProblem[] {
  const problems: RuleProblem[] = [];
  const auth = env?.auth;
  const accountId = str(env?.cluster?.accountId);
  // A valid issuer has been parsed into an object; a string is one the schema has already refused.
  const issuer = env?.cluster?.oidcIssuer;

  if (auth === 'irsa' && issuer === undefined) {
    problems.push({
      path: ['cluster', 'oidcIssuer'],
      message:
        'required with auth: irsa (aws eks describe-cluster --name <cluster> --query cluster.identity.oidc.issuer ' +
        'prints it)',
    });
  }
  if (auth === 'podIdentity') {
    for (const field of ['stsRegionalEndpoints', 'tokenExpirationSeconds']) {
      if (env?.serviceAccount?.[field] !== undefined) {
        problems.push({
          path: ['serviceAccount', field],
          message: 'applies to IRSA only; remove it with auth: podIdentity',
          input: env.serviceAccount[field],
        });
      }
    }
  }
  if (region === undefined) {
    return problems;
  }

  const partition = partitionOf(region);
  const roleArn = str(env?.serviceAccount?.roleArn);
  const role = roleArn !== undefined && ROLE_ARN.test(roleArn) ? parseRoleArn(roleArn) : undefined;
  if (role !== undefined && role.partition !== partition) {
    problems.push({
      path: ['serviceAccount', 'roleArn'],
      message: `must be in partition ${partition}, the partition of ${region}`,
      input: roleArn,
    });
  } else if (
    role !== undefined &&
    accountId !== undefined &&
    /^\d{12}$/.test(accountId) &&
    role.accountId !== accountId
  ) {
    problems.push({
      path: ['serviceAccount', 'roleArn'],
      message:
        `must be in the cluster's account ${accountId}: the generated policies expect the role, its OIDC provider ` +
        'and the secrets given by name in one account',
      input: roleArn,
    });
  }

  if (issuer !== null && typeof issuer === 'object') {
    if (issuer.region !== region) {
      problems.push({
        path: ['cluster', 'oidcIssuer'],
        message: `must be the issuer of a cluster in ${region}`,
        input: issuer.hostAndPath,
      });
    } else if (issuer.domain !== issuerDomainOf(partition)) {
      problems.push({
        path: ['cluster', 'oidcIssuer'],
        message: `must end in ${issuerDomainOf(partition)} in partition ${partition}`,
        input: issuer.hostAndPath,
      });
    }
  }

  const kmsKeyArn = str(env?.kmsKeyArn);
  const key = kmsKeyArn === undefined ? undefined : parseKmsKeyArn(kmsKeyArn);
  if (key !== undefined && (key.partition !== partition || key.region !== region)) {
    problems.push({
      path: ['kmsKeyArn'],
      message: `must be a key in ${region}, where the secrets are read`,
      input: kmsKeyArn,
    });
  }
  return problems;
}

/** ASCP's checks of each object: type, ARN, region, failover and version rules. */
function secretObjectProblems(env: any, region: string | undefined): RuleProblem[] {
  const problems: RuleProblem[] = [];
  const failoverRegion = str(env?.secretProviderClass?.failoverRegion);

  if (failoverRegion !== undefined && failoverRegion === region) {
    problems.push({
      path: ['secretProviderClass', 'failoverRegion'],
      message: 'must differ from cluster.region',
      input: failoverRegion,
    });
  } else if (
    failoverRegion !== undefined &&
    region !== undefined &&
    isAwsRegion(failoverRegion) &&
    partitionOf(failoverRegion) !== partitionOf(region)
  ) {
    problems.push({
      path: ['secretProviderClass', 'failoverRegion'],
      message: `must be in partition ${partitionOf(region)}, like ${region}`,
      input: failoverRegion,
    });
  }

  list(env?.secrets).forEach((secret, i) => {
    const at = (...rest: (string | number)[]) => ['secrets', i, ...rest];
    const objectName = str(secret?.objectName);
    const objectType = str(secret?.objectType);
    if (objectName === undefined) {
      return;
    }

    problems.push(...objectNameProblems(objectName, objectType, region, at('objectName'), at('objectType')));

    const isSsm = objectType === 'ssmparameter';
    problems.push(
      ...versionProblems(secret, isSsm, at),
      ...versionProblems(record(secret.failoverObject), isSsm, (...rest) => at('failoverObject', ...rest)),
    );
    if (isSsm && !isArn(objectName) && objectName.includes('/') && !objectName.startsWith('/')) {
      problems.push({
        path: at('objectName'),
        message: 'must start with "/": SSM requires a leading slash on a hierarchical parameter name',
        input: objectName,
      });
    }
    list(secret.jmesPath).forEach((entry, j) => {
      const expression = str(entry?.path);
      if (expression !== undefined && expression !== '' && !isJmesPath(expression)) {
        problems.push({
          path: at('jmesPath', j, 'path'),
          message: 'must be a JMESPath expression (quote a key with "-" in it, as "client-id")',
          input: expression,
        });
      }
    });

    const filePermission = str(secret.filePermission);
    const readByCoder = [secret, ...list(secret.jmesPath)].some(target => str(target?.fileEnv) !== undefined);
    // The driver writes the files as root and ignores fsGroup, so Coder (uid 1000) reads a file only through the
    // "other" bits; a setting read through env is read by the driver itself and needs none.
    if (
      readByCoder &&
      filePermission !== undefined &&
      /^[0-7]{4}$/.test(filePermission) &&
      !(Number.parseInt(filePermission, 8) & 0o004)
    ) {
      problems.push({
        path: at('filePermission'),
        message:
          'must let others read the file (such as 0644): Coder reads it through fileEnv as uid 1000, and the ' +
          'mounted files belong to root',
        input: filePermission,
      });
    }

    const failover = secret?.failoverObject;
    if (failover === undefined || failover === null) {
      if (failoverRegion !== undefined && isArn(objectName)) {
        problems.push({
          path: at('failoverObject'),
          message:
            `is required for an object given by ARN when secretProviderClass.failoverRegion is set: ASCP ` +
            `would look up the ${region ?? 'primary'} ARN in ${failoverRegion} too, and fail the whole mount`,
          input: undefined,
        });
      }
      return;
    }
    if (str(secret.objectAlias) === undefined) {
      problems.push({
        path: at('objectAlias'),
        message: 'is required when failoverObject is set',
        input: secret.objectAlias,
      });
    }
    if (failoverRegion === undefined) {
      problems.push({
        path: at('failoverObject'),
        message: 'needs secretProviderClass.failoverRegion',
        input: failover,
      });
    }
    const failoverName = str(failover.objectName);
    if (failoverName !== undefined && failoverRegion !== undefined && isAwsRegion(failoverRegion)) {
      problems.push(
        ...objectNameProblems(
          failoverName,
          objectType,
          failoverRegion,
          at('failoverObject', 'objectName'),
          at('objectType'),
        ),
      );
    }
    if (failover.objectVersion !== secret.objectVersion) {
      problems.push({
        path: at('failoverObject', 'objectVersion'),
        message: `must equal the primary objectVersion (${JSON.stringify(secret.objectVersion ?? null)})`,
        input: failover.objectVersion,
      });
    }
  });
  return problems;
}

/** Whether ASCP's JMESPath implementation could compile the expression. */
function isJmesPath(expression: string): boolean {
  // The package exports compile(), which parses without evaluating; its type definitions only declare search().
  const { compile } = jmespath as unknown as { compile(expression: string): unknown };
  try {
    compile(expression);
    return true;
  } catch {
    return false;
  }
}

/**
 * The version fields of an object or of its failover object: an SSM parameter takes a version number or a label, not
 * both; a Secrets Manager version id is a UUID-like string of 32 to 64 characters.
 */
function versionProblems(
  object: Record<string, unknown>,
  isSsm: boolean,
  at: (...rest: (string | number)[]) => (string | number)[],
): RuleProblem[] {
  const version = object.objectVersion;
  if (isSsm && version !== undefined && object.objectVersionLabel !== undefined) {
    return [
      {
        path: at('objectVersionLabel'),
        message: 'an SSM parameter takes objectVersion or objectVersionLabel, not both',
        input: object.objectVersionLabel,
      },
    ];
  }
  if (typeof version !== 'string') {
    return [];
  }
  if (isSsm && !/^\d+$/.test(version)) {
    return [
      { path: at('objectVersion'), message: 'must be an SSM parameter version number such as 3', input: version },
    ];
  }
  if (!isSsm && !/^[A-Za-z0-9-]{32,64}$/.test(version)) {
    return [
      {
        path: at('objectVersion'),
        message:
          'must be a Secrets Manager version id (32 to 64 characters); use objectVersionLabel for AWSCURRENT and the like',
        input: version,
      },
    ];
  }
  return [];
}

/** Characters AWS allows in a secret's name, and in a parameter's. */
const SECRET_NAME = /^[A-Za-z0-9/_+=.@-]{1,512}$/;
const PARAMETER_NAME = /^[A-Za-z0-9_.\-/]{1,1011}$/;

function objectNameProblems(
  objectName: string,
  objectType: string | undefined,
  region: string | undefined,
  namePath: (string | number)[],
  typePath: (string | number)[],
): RuleProblem[] {
  if (!isArn(objectName)) {
    if (objectType === undefined) {
      return [
        {
          path: typePath,
          message: 'is required unless objectName is a full ARN: secretsmanager or ssmparameter',
          input: undefined,
        },
      ];
    }
    if (objectType === 'secretsmanager' && !SECRET_NAME.test(objectName)) {
      return [
        {
          path: namePath,
          message: 'must be a secret name: letters, digits and /_+=.@- (no spaces or wildcards)',
          input: objectName,
        },
      ];
    }
    if (objectType === 'ssmparameter' && !PARAMETER_NAME.test(objectName)) {
      return [
        {
          path: namePath,
          message: 'must be a parameter name: letters, digits and _.-/ (no spaces or wildcards)',
          input: objectName,
        },
      ];
    }
    return [];
  }

  const arn = parseArn(objectName);
  if (arn === undefined) {
    return [
      {
        path: namePath,
        message: 'is not a valid ARN: arn:<partition>:secretsmanager:<region>:<account>:secret:<name>',
        input: objectName,
      },
    ];
  }
  if (arn.service === 'ssm') {
    return [{ path: namePath, message: 'SSM parameters are given by name, not by ARN', input: objectName }];
  }
  if (arn.service !== 'secretsmanager') {
    return [
      {
        path: namePath,
        message: `must be a Secrets Manager ARN, not one of service "${arn.service}"`,
        input: objectName,
      },
    ];
  }

  if (parseSecretArn(objectName) === undefined) {
    return [
      {
        path: namePath,
        message:
          'must be a Secrets Manager secret ARN: arn:<partition>:secretsmanager:<region>:<account>:secret:<name>',
        input: objectName,
      },
    ];
  }
  const problems: RuleProblem[] = [];
  if (objectType !== undefined && objectType !== 'secretsmanager') {
    problems.push({
      path: typePath,
      message: 'must agree with the ARN in objectName: secretsmanager',
      input: objectType,
    });
  }
  if (region !== undefined && arn.region !== region) {
    problems.push({
      path: namePath,
      message: `must be an ARN in ${region}: ASCP reads each ARN in the region it is listed for`,
      input: objectName,
    });
  } else if (region !== undefined && arn.partition !== partitionOf(region)) {
    problems.push({ path: namePath, message: `must be an ARN in partition ${partitionOf(region)}`, input: objectName });
  }
  return problems;
}

/**
 * File names must be unique in the mount, stay inside it, and, when Coder reads them through env, be usable as keys
 * of the synced Secret. ASCP also refuses an objectName or alias used twice even where the files would differ.
 */
function mountedFileProblems(env: any): RuleProblem[] {
  const problems: RuleProblem[] = [];
  const rawTranslation = str(env?.secretProviderClass?.pathTranslation);
  const translation =
    rawTranslation !== undefined && isValidPathTranslation(rawTranslation) ? rawTranslation : DEFAULT_PATH_TRANSLATION;
  const files = new Map<string, string>();
  const ascpNames = new Map<string, string>();

  const claim = (registry: Map<string, string>, name: string, path: (string | number)[], what: string) => {
    const owner = registry.get(name);
    if (owner !== undefined) {
      problems.push({ path, message: `${what} "${name}" is already used by ${owner}`, input: name });
    } else {
      registry.set(name, formatPath(path));
    }
  };

  const checkFile = (nameOrAlias: string, path: (string | number)[], consumedByEnv: boolean) => {
    const file = mountedFileName(nameOrAlias, translation);
    if (escapesMount(file)) {
      problems.push({ path, message: 'must not climb out of the mount directory with ".."', input: nameOrAlias });
    } else if (file === '.' || file === '') {
      problems.push({ path, message: 'must name a file, not the mount directory itself', input: nameOrAlias });
    }
    claim(files, file, path, 'mounted file name');
    if (consumedByEnv && (!SECRET_KEY.test(file) || file.length > 253)) {
      problems.push({
        path,
        message:
          `mounted file name "${file}" is read through env and must be usable as a Kubernetes Secret key ` +
          '(letters, digits, "-", "_", "."); set an objectAlias',
        input: nameOrAlias,
      });
    }
  };

  const fileClashes = () => {
    // With pathTranslation "False" a name with "/" is a file in a folder, which cannot share a name with a file.
    for (const [file, owner] of files) {
      for (const [other] of files) {
        if (other.startsWith(`${file}/`)) {
          problems.push({
            path: [],
            message: `mounted file "${file}" (${owner}) would also have to be the folder of "${other}"`,
          });
        }
      }
    }
  };

  list(env?.secrets).forEach((secret, i) => {
    const objectName = str(secret?.objectName);
    const objectAlias = str(secret?.objectAlias);
    if (objectName === undefined) {
      return;
    }
    claim(ascpNames, objectName, ['secrets', i, 'objectName'], 'objectName');
    if (objectAlias !== undefined) {
      claim(ascpNames, objectAlias, ['secrets', i, 'objectAlias'], 'objectAlias');
    }
    checkFile(
      objectAlias ?? objectName,
      ['secrets', i, objectAlias !== undefined ? 'objectAlias' : 'objectName'],
      str(secret.env) !== undefined,
    );

    list(secret.jmesPath).forEach((entry, j) => {
      const alias = str(entry?.objectAlias);
      if (alias !== undefined && alias !== '') {
        claim(ascpNames, alias, ['secrets', i, 'jmesPath', j, 'objectAlias'], 'objectAlias');
        checkFile(alias, ['secrets', i, 'jmesPath', j, 'objectAlias'], str(entry.env) !== undefined);
      }
    });
  });
  fileClashes();
  return problems;
}

/** Each setting is set once; secret settings come from secrets; Coder gets a real database. */
function coderEnvProblems(env: any): RuleProblem[] {
  const problems: RuleProblem[] = [];
  const seen = new Map<string, string>();
  const claim = (name: string, path: (string | number)[]) => {
    if (STANDARD_CODER_ENV.includes(name)) {
      problems.push({ path, message: `${name} is set by the Deployment itself; remove it`, input: name });
      return;
    }
    const owner = seen.get(name);
    if (owner !== undefined) {
      problems.push({ path, message: `${name} is already set by ${owner}`, input: name });
    } else {
      seen.set(name, formatPath(path));
    }
  };

  list(env?.secrets).forEach((secret, i) => {
    const targets: [unknown, (string | number)[]][] = [
      [secret, ['secrets', i]],
      ...list(secret?.jmesPath).map((entry, j): [unknown, (string | number)[]] => [
        entry,
        ['secrets', i, 'jmesPath', j],
      ]),
    ];
    for (const [target, path] of targets) {
      for (const field of ['env', 'fileEnv']) {
        const name = str(record(target)[field]);
        if (name !== undefined) {
          claim(name, [...path, field]);
        }
      }
    }
  });

  const plainEnv = record(env?.coder?.env);
  if (plainEnv.CODER_CACHE_DIRECTORY !== undefined && env?.coder?.readOnlyRootFilesystem !== false) {
    problems.push({
      path: ['coder', 'env', 'CODER_CACHE_DIRECTORY'],
      message:
        `is set by the Deployment to its writable cache volume (${CODER_CACHE_DIRECTORY}) while the root ` +
        'filesystem is read-only; remove it, or set coder.readOnlyRootFilesystem: false',
      input: plainEnv.CODER_CACHE_DIRECTORY,
    });
  }
  const iamAuth = plainEnv[PG_CONNECTION_AUTH] === 'awsiamrds';
  for (const [name, value] of Object.entries(plainEnv)) {
    const path = ['coder', 'env', name];
    claim(name, path);
    const passwordlessUrl =
      name === PG_CONNECTION_URL && iamAuth && typeof value === 'string' && !urlHasPassword(value);
    if ((isSecretSetting(name) && !passwordlessUrl) || looksSecret(value)) {
      problems.push({
        path,
        message:
          `${name} carries secret material: read it from AWS Secrets Manager with a secrets[] entry's env, ` +
          'not a plain value (the value is not shown)',
        hideInput: true,
      });
    }
  }

  const hasDatabase = seen.has(PG_CONNECTION_URL);
  if (!hasDatabase && Array.isArray(env?.secrets)) {
    problems.push({
      path: ['secrets'],
      message:
        `no entry sets env: ${PG_CONNECTION_URL}; without it Coder starts a built-in PostgreSQL inside the pod ` +
        `and loses all state on restart (with ${PG_CONNECTION_AUTH}: awsiamrds in coder.env, a password-less URL may ` +
        'be a plain coder.env value)',
      hideInput: true,
    });
  }
  return problems;
}

/**
 * Whether a value looks like secret material: a password in a connection string, or what the secret scanner flags
 * (private keys, AWS access keys, long random tokens). Such a value is refused where it stands and never echoed.
 */
export function looksSecret(value: unknown): boolean {
  const text = typeof value === 'string' ? value : JSON.stringify(value ?? null);
  return urlHasPassword(text) || findSecretMaterial(text).length > 0;
}

/** ASCP accepts "False" (any case) to keep slashes, or exactly one character. */
export function isValidPathTranslation(value: string): boolean {
  // ASCP counts bytes: one ASCII character, other than the "/" it replaces.
  return value.toLowerCase() === 'false' || (/^[\x21-\x7e]$/.test(value) && value !== '/');
}

/** Renders a field path such as `['secrets', 1, 'objectType']` as `secrets[1].objectType`. */
export function formatPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((out, key) => {
    if (typeof key === 'number') {
      return `${out}[${key}]`;
    }
    return out ? `${out}.${String(key)}` : String(key);
  }, '');
}

/** A setting that is valid but risky. */
export interface RuleWarning {
  readonly path: string;
  readonly message: string;
}

/** Warnings for a valid environment: settings that synthesize but are likely to surprise on the cluster. */
export function environmentWarnings(env: EnvironmentConfig): RuleWarning[] {
  const warnings: RuleWarning[] = [];

  if (env.csiDriver.rotation.enabled && !env.coder.restartOnSecretChange) {
    list(env.secrets).forEach((secret, i) => {
      const envPaths = [
        ...(secret.env ? [`secrets[${i}].env`] : []),
        ...list(secret.jmesPath).flatMap((e, j) => (e.env ? [`secrets[${i}].jmesPath[${j}].env`] : [])),
      ];
      for (const path of envPaths) {
        warnings.push({
          path,
          message:
            'rotation is on, but a value read through env never changes until the pod restarts; set ' +
            'coder.restartOnSecretChange (needs Stakater Reloader) or read the setting from the mounted file with ' +
            'fileEnv',
        });
      }
    });
  }

  if (env.coder.workspacesInOwnNamespace && env.namespace.create && env.namespace.podSecurity === 'restricted') {
    warnings.push({
      path: 'namespace.podSecurity',
      message:
        "Coder's namespace enforces the restricted Pod Security profile and also hosts workspaces: workspace pods " +
        "that do not meet it (Coder's stock Kubernetes template does not) will be rejected; put workspaces in " +
        'coder.workspaceNamespaces with coder.workspacesInOwnNamespace: false, or choose baseline',
    });
  }
  if (!env.coder.workspacesInOwnNamespace && env.coder.workspaceNamespaces.length === 0) {
    warnings.push({
      path: 'coder.workspacesInOwnNamespace',
      message: 'is false and coder.workspaceNamespaces is empty: Coder may create workspaces nowhere',
    });
  }

  if (env.auth === 'podIdentity' && env.cluster.oidcIssuer !== undefined) {
    warnings.push({ path: 'cluster.oidcIssuer', message: 'is not used with auth: podIdentity' });
  }

  if (env.coder.replicas > 1) {
    warnings.push({ path: 'coder.replicas', message: 'more than one Coder replica needs a high-availability licence' });
  }

  if (!['kube-system', 'aws-secrets-manager'].includes(env.csiDriver.namespace)) {
    warnings.push({
      path: 'csiDriver.namespace',
      message:
        'the driver usually runs in kube-system (Helm) or aws-secrets-manager (managed add-on); check with ' +
        '`kubectl get sa -A | grep secrets-store-csi-driver`',
    });
  }
  return warnings;
}
