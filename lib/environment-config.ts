import { readFileSync } from 'fs';
import { parseDocument } from 'yaml';
import { z } from 'zod';
import { isArn, KMS_KEY_ARN, parseKmsKeyArn, parseRoleArn, parseSecretArn, ROLE_ARN } from './aws-arns';
import { isAwsRegion, partitionOf } from './aws-regions';
import { issuerDomainOf, parseOidcIssuer } from './eks-oidc-issuer';

export { ROLE_ARN } from './aws-arns';

/** A Kubernetes DNS-1123 label: namespaces, container and port names. */
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** A Kubernetes DNS-1123 subdomain: names of most objects. */
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** Coder reads its settings from environment variables whose names are C identifiers. */
const ENV_VAR_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Kubernetes resource quantities such as `500m`, `2`, `4Gi`. */
const QUANTITY = /^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$/;

const dnsLabel = z.string()
  .max(63, { error: 'must be at most 63 characters (a DNS-1123 label)' })
  .regex(DNS_LABEL, { error: 'must be a DNS-1123 label: lower-case letters, digits and "-", starting and ending with a letter or digit' });

const dnsSubdomain = z.string()
  .max(253, { error: 'must be at most 253 characters (a DNS-1123 subdomain)' })
  .regex(DNS_SUBDOMAIN, { error: 'must be a DNS-1123 subdomain: lower-case letters, digits, "-" and "."' });

const envVarName = z.string()
  .regex(ENV_VAR_NAME, { error: 'must be an environment variable name: letters, digits and "_", not starting with a digit' });

const region = z.string().refine(isAwsRegion, { error: 'must be an AWS region such as us-east-1' });

const quantity = z.string().regex(QUANTITY, { error: 'must be a Kubernetes quantity such as 500m, 2 or 4Gi' });

const labels = z.record(z.string(), z.string());

const namespaceRef = z.strictObject({
  /** The namespace's name. */
  name: dnsLabel,
  /** Whether the synth emits the Namespace; false when it already exists on the cluster. */
  create: z.boolean().default(true),
});

const jmesPathEntry = z.strictObject({
  /** JMESPath expression that selects one field of a JSON secret. */
  path: z.string().min(1, { error: 'must not be empty' }),
  /** File name the selected field is mounted as. */
  objectAlias: z.string().min(1, { error: 'must not be empty' }),
  /** Coder setting that receives the field through the synced Kubernetes Secret. */
  env: envVarName.optional(),
});

const failoverObject = z.strictObject({
  objectName: z.string().min(1, { error: 'must not be empty' }),
  objectVersion: z.string().min(1).optional(),
  objectVersionLabel: z.string().min(1).optional(),
});

const secretObject = z.strictObject({
  /** Secret or parameter name, or (Secrets Manager only) its full ARN. */
  objectName: z.string().min(1, { error: 'must not be empty' }),
  /** Required unless objectName is an ARN. */
  objectType: z.enum(['secretsmanager', 'ssmparameter'], { error: 'must be secretsmanager or ssmparameter' }).optional(),
  /** File name the object is mounted as; defaults to objectName with "/" translated. */
  objectAlias: z.string().min(1, { error: 'must not be empty' }).optional(),
  objectVersion: z.string().min(1).optional(),
  objectVersionLabel: z.string().min(1).optional(),
  /** Octal mode of the mounted file, such as 0400. */
  filePermission: z.string().regex(/^[0-7]{4}$/, { error: 'must be four octal digits such as 0400' }).optional(),
  jmesPath: z.array(jmesPathEntry).min(1, { error: 'must list at least one entry when present' }).optional(),
  failoverObject: failoverObject.optional(),
  /** Coder setting that receives the whole object through the synced Kubernetes Secret. */
  env: envVarName.optional(),
});

const resourceList = z.strictObject({ cpu: quantity.optional(), memory: quantity.optional() });

const coderSettings = z.strictObject({
  /** Coder release, without the leading "v"; the image tag is `v<version>`. */
  version: z.string().regex(/^\d+\.\d+\.\d+$/, { error: 'must be a release number such as 2.29.0 (no "v", no "latest")' }),
  image: z.string().regex(/^[a-z0-9.-]+(:[0-9]+)?(\/[a-z0-9._-]+)+$/, { error: 'must be an image repository without a tag' })
    .default('ghcr.io/coder/coder'),
  /** Name of the Deployment, the Service, the workspace RoleBinding and the `app.kubernetes.io/instance` label. */
  name: dnsLabel.default('coder'),
  /** The external URL users and workspaces reach Coder at (CODER_ACCESS_URL). */
  accessUrl: z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' }),
  /** More than one replica needs a Coder licence for high availability. */
  replicas: z.int().min(1, { error: 'must be at least 1' }).default(1),
  /** Non-secret Coder settings, added after the standard ones. */
  env: z.record(envVarName, z.string()).default({}),
  resources: z.strictObject({ requests: resourceList.optional(), limits: resourceList.optional() }).prefault({}),
  /** Mount the root filesystem read-only, with writable emptyDirs for /tmp and the cache directory. */
  readOnlyRootFilesystem: z.boolean().default(true),
  service: z.strictObject({
    type: z.enum(['ClusterIP', 'NodePort', 'LoadBalancer'], { error: 'must be ClusterIP, NodePort or LoadBalancer' })
      .default('LoadBalancer'),
    externalTrafficPolicy: z.enum(['Cluster', 'Local'], { error: 'must be Cluster or Local' }).default('Cluster'),
    annotations: labels.default({}),
  }).prefault({}),
  /** Namespaces besides Coder's own where Coder may create workspaces. */
  workspaceNamespaces: z.array(namespaceRef).default([]),
});

/** The fields of one environment file, each checked on its own. */
const environmentFields = z.strictObject({
  cluster: z.strictObject({
    /** EKS cluster name. */
    name: z.string().regex(/^[0-9A-Za-z][A-Za-z0-9_-]{0,99}$/, { error: 'must be an EKS cluster name' }),
    region,
    accountId: z.string().regex(/^\d{12}$/, { error: 'must be a 12-digit AWS account id in quotes' }),
    /** The cluster's OIDC issuer; the IRSA trust policy names it. Not needed with Pod Identity. */
    oidcIssuer: z.string()
      .refine(value => parseOidcIssuer(value) !== undefined, {
        error: 'must be an EKS OIDC issuer such as https://oidc.eks.<region>.amazonaws.com/id/<32-character id>',
      })
      .transform(value => parseOidcIssuer(value)!)
      .optional(),
  }),
  /** How the pod gets its AWS credentials: IRSA (role annotation and OIDC trust) or EKS Pod Identity. */
  auth: z.enum(['irsa', 'podIdentity'], { error: 'must be irsa or podIdentity' }).default('irsa'),
  namespace: namespaceRef,
  serviceAccount: z.strictObject({
    name: dnsSubdomain.default('coder'),
    /** The IAM role the pod assumes, through IRSA or a Pod Identity association. */
    roleArn: z.string().regex(ROLE_ARN, { error: 'must be an IAM role ARN: arn:<partition>:iam::<12-digit account>:role/<name>' }),
    /** Sets eks.amazonaws.com/sts-regional-endpoints. */
    stsRegionalEndpoints: z.boolean().optional(),
    /** Sets eks.amazonaws.com/token-expiration, in seconds. */
    tokenExpirationSeconds: z.int().min(600, { error: 'must be at least 600' }).max(86400, { error: 'must be at most 86400' })
      .optional(),
  }),
  csiDriver: z.strictObject({
    /** Namespace the Secrets Store CSI driver runs in: the managed add-on's, or kube-system for a Helm install. */
    namespace: dnsLabel.default('aws-secrets-manager'),
    serviceAccountName: dnsSubdomain.default('secrets-store-csi-driver'),
    /** The driver's rotation settings, written into the managed add-on's configuration values. */
    rotation: z.strictObject({
      enabled: z.boolean().default(false),
      pollInterval: z.string().regex(/^(\d+(ns|us|ms|s|m|h))+$/, { error: 'must be a duration such as 2m or 30s' })
        .default('2m'),
    }).prefault({}),
  }).prefault({}),
  secretProviderClass: z.strictObject({
    name: dnsSubdomain.default('coder-secrets'),
    /** Directory in the Coder container where the objects are mounted as files. */
    mountPath: z.string().regex(/^\/[^:]*$/, { error: 'must be an absolute path' }).default('/mnt/secrets-store'),
    /** Name of the Kubernetes Secret that the driver syncs for settings consumed through env. */
    syncedSecretName: dnsSubdomain.default('coder-secrets'),
    /** Character that replaces "/" in file names, or "False" to keep slashes. */
    pathTranslation: z.string().optional(),
    failoverRegion: region.optional(),
  }).prefault({}),
  secrets: z.array(secretObject).min(1, { error: 'must list at least one secret' }),
  /**
   * Customer-managed KMS key that encrypts the secrets and SecureString parameters. Secrets encrypted with the
   * AWS managed keys need no KMS permission in the role's policy, so leave it out for those.
   */
  kmsKeyArn: z.string().regex(KMS_KEY_ARN, {
    error: 'must be a KMS key ARN: arn:<partition>:kms:<region>:<12-digit account>:key/<key id> (not an alias)',
  }).optional(),
  coder: coderSettings,
});

/** An environment file after defaults are applied. */
export type EnvironmentConfig = z.output<typeof environmentFields>;

/** A problem that involves more than one field, reported at the field to change. */
interface CrossFieldProblem {
  readonly path: (string | number)[];
  readonly message: string;
  readonly input: unknown;
}

/**
 * The rules that relate fields to each other. They matter most for the IAM policies, which are built from the
 * partition, region and account of the cluster: an ARN from another partition or region would give a policy that
 * grants nothing, and ASCP refuses at mount time what it cannot read (an ARN outside its region, an object without
 * objectType that is not an ARN).
 *
 * zod runs these rules even when a field failed its own check (so that one run reports every problem), and such a
 * field keeps the value as written: each rule therefore reads only fields that passed, and stays silent otherwise.
 */
function crossFieldProblems(config: EnvironmentConfig): CrossFieldProblem[] {
  const problems: CrossFieldProblem[] = [];
  const problem = (path: (string | number)[], message: string, input: unknown) => {
    problems.push({ path, message, input });
  };
  const { region, accountId } = config.cluster;
  const partition = isAwsRegion(region) ? partitionOf(region) : undefined;
  const failoverRegion = config.secretProviderClass.failoverRegion;
  const roleArn = config.serviceAccount.roleArn;
  // A value that failed its own check is still the string the user wrote, not the parsed issuer.
  const issuer = typeof config.cluster.oidcIssuer === 'object' ? config.cluster.oidcIssuer : undefined;

  if (config.auth === 'irsa' && config.cluster.oidcIssuer === undefined) {
    problem(['cluster', 'oidcIssuer'], 'required with auth: irsa (aws eks describe-cluster --name <cluster> '
      + '--query cluster.identity.oidc.issuer prints it)', undefined);
  }
  if (config.auth === 'podIdentity') {
    for (const field of ['stsRegionalEndpoints', 'tokenExpirationSeconds'] as const) {
      const value = config.serviceAccount[field];
      if (value !== undefined) {
        problem(['serviceAccount', field], 'applies to IRSA only; remove it with auth: podIdentity', value);
      }
    }
  }
  config.secrets.forEach((secret, index) => {
    if (!isArn(secret.objectName) && secret.objectType === undefined) {
      problem(['secrets', index, 'objectType'], 'required unless objectName is an ARN', undefined);
    }
    if (secret.failoverObject !== undefined && failoverRegion === undefined) {
      problem(['secrets', index, 'failoverObject'], 'needs secretProviderClass.failoverRegion', secret.failoverObject);
    } else if (secret.failoverObject !== undefined && !isArn(secret.failoverObject.objectName)
      && secret.objectType === undefined) {
      const message = 'must be an ARN too when the object has no objectType';
      problem(['secrets', index, 'failoverObject', 'objectName'], message, secret.failoverObject.objectName);
    }
  });
  if (partition === undefined) {
    // Every rule below compares against the cluster's region, which the schema has already reported.
    return problems;
  }

  const role = ROLE_ARN.test(roleArn) ? parseRoleArn(roleArn) : undefined;
  if (role !== undefined && role.partition !== partition) {
    problem(['serviceAccount', 'roleArn'], `must be in partition ${partition}, the partition of ${region}`, roleArn);
  } else if (role !== undefined && role.accountId !== accountId) {
    problem(['serviceAccount', 'roleArn'], `must be in the cluster's account ${accountId}: the generated policies `
      + 'expect the role, its OIDC provider and the secrets given by name in one account', roleArn);
  }

  if (issuer !== undefined && issuer.region !== region) {
    problem(['cluster', 'oidcIssuer'], `must be the issuer of a cluster in ${region}`, issuer.hostAndPath);
  } else if (issuer !== undefined && issuer.domain !== issuerDomainOf(partition)) {
    const domain = issuerDomainOf(partition);
    problem(['cluster', 'oidcIssuer'], `must end in ${domain} in partition ${partition}`, issuer.hostAndPath);
  }

  const knownFailoverRegion = failoverRegion !== undefined && isAwsRegion(failoverRegion) ? failoverRegion : undefined;
  if (knownFailoverRegion === region) {
    problem(['secretProviderClass', 'failoverRegion'], 'must differ from cluster.region', failoverRegion);
  } else if (knownFailoverRegion !== undefined && partitionOf(knownFailoverRegion) !== partition) {
    const message = `must be in partition ${partition}, like ${region}`;
    problem(['secretProviderClass', 'failoverRegion'], message, failoverRegion);
  }

  const key = config.kmsKeyArn === undefined ? undefined : parseKmsKeyArn(config.kmsKeyArn);
  if (key !== undefined && (key.partition !== partition || key.region !== region)) {
    problem(['kmsKeyArn'], `must be a key in ${region}, where the secrets are read`, config.kmsKeyArn);
  }

  config.secrets.forEach((secret, index) => {
    for (const message of arnProblems(secret.objectName, secret.objectType, region)) {
      problem(['secrets', index, 'objectName'], message, secret.objectName);
    }
    if (secret.failoverObject !== undefined && knownFailoverRegion !== undefined) {
      for (const message of arnProblems(secret.failoverObject.objectName, secret.objectType, knownFailoverRegion)) {
        problem(['secrets', index, 'failoverObject', 'objectName'], message, secret.failoverObject.objectName);
      }
    }
  });

  return problems;
}

/** What is wrong with an objectName given as an ARN, as ASCP checks it; nothing when it is a name. */
function arnProblems(objectName: string, objectType: string | undefined, expectedRegion: string): string[] {
  if (!isArn(objectName)) {
    return [];
  }
  const secret = parseSecretArn(objectName);
  if (secret === undefined || objectType === 'ssmparameter') {
    return ['must be a Secrets Manager secret ARN (arn:<partition>:secretsmanager:<region>:<account>:secret:<name>); '
      + 'SSM parameters are given by name'];
  }
  if (secret.partition !== partitionOf(expectedRegion) || secret.region !== expectedRegion) {
    return [`must be an ARN in ${expectedRegion}: ASCP reads each ARN in the region it is listed for`];
  }
  return [];
}

/** The schema of one environment file: every field, then the rules that relate them. */
export const environmentSchema = environmentFields.superRefine((config, ctx) => {
  for (const problem of crossFieldProblems(config)) {
    ctx.addIssue({ code: 'custom', path: problem.path, message: problem.message, input: problem.input });
  }
});

/** One object of `secrets`, after defaults are applied. */
export type SecretObjectConfig = EnvironmentConfig['secrets'][number];

/** One problem found in an environment file. */
export interface ConfigProblem {
  /** Dotted path of the field, such as `secrets[1].objectType`; empty for the file as a whole. */
  readonly path: string;
  /** What is wrong and what is allowed, followed by the value found. */
  readonly message: string;
}

/** Raised when an environment file cannot be used; lists every problem, not only the first. */
export class ConfigError extends Error {
  constructor(public readonly file: string, public readonly problems: readonly ConfigProblem[]) {
    super(problems.map(p => `${file}: ${p.path ? `${p.path}: ` : ''}${p.message}`).join('\n'));
    this.name = 'ConfigError';
  }
}

/** Renders a zod path such as `['secrets', 1, 'objectType']` as `secrets[1].objectType`. */
export function formatPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((out, key) => {
    if (typeof key === 'number') {
      return `${out}[${key}]`;
    }
    return out ? `${out}.${String(key)}` : String(key);
  }, '');
}

function describeValue(value: unknown): string {
  if (value === undefined) {
    return 'nothing';
  }
  return JSON.stringify(value);
}

function problemsOf(error: z.ZodError): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  for (const issue of error.issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        problems.push({ path: formatPath([...issue.path, key]), message: 'unknown field (check its spelling and indentation)' });
      }
      continue;
    }
    const input = (issue as { input?: unknown }).input;
    const message = input === undefined && issue.code === 'invalid_type' ? 'required' : issue.message;
    problems.push({ path: formatPath(issue.path), message: `${message}, got ${describeValue(input)}` });
  }
  return problems;
}

/**
 * Validates an already parsed environment document and applies its defaults.
 *
 * @param file name used in error messages
 * @throws ConfigError listing every problem found
 */
export function parseEnvironment(document: unknown, file: string): EnvironmentConfig {
  const result = environmentSchema.safeParse(document, { reportInput: true });
  if (!result.success) {
    throw new ConfigError(file, problemsOf(result.error));
  }
  return result.data;
}

/**
 * Reads, parses and validates one environment file.
 *
 * @throws ConfigError when the file is missing, is not YAML, or does not match {@link environmentSchema}
 */
export function loadEnvironment(file: string): EnvironmentConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError(file, [{ path: '', message: `cannot be read: ${(err as NodeJS.ErrnoException).code ?? String(err)}` }]);
  }

  const document = parseDocument(text, { prettyErrors: false });
  if (document.errors.length > 0) {
    throw new ConfigError(file, document.errors.map(e => ({
      path: '',
      message: `is not valid YAML at line ${e.linePos?.[0].line ?? '?'}, column ${e.linePos?.[0].col ?? '?'}: ${e.message}`,
    })));
  }

  return parseEnvironment(document.toJS(), file);
}
