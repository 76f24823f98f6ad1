import { readFileSync } from 'fs';
import { parseDocument } from 'yaml';
import { z } from 'zod';
import { isAwsRegion } from './aws-regions';

/** A Kubernetes DNS-1123 label: namespaces, container and port names. */
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** A Kubernetes DNS-1123 subdomain: names of most objects. */
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** Coder reads its settings from environment variables whose names are C identifiers. */
const ENV_VAR_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** `arn:<partition>:iam::<account>:role/<optional path/><name>`, as IAM defines role names and paths. */
export const ROLE_ARN = /^arn:(aws|aws-cn|aws-us-gov):iam::(\d{12}):role\/((?:[!-~]+\/)*)([A-Za-z0-9+=,.@_-]{1,64})$/;

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

/** A path inside a Git repository: relative, `/`-separated, without `..`. */
const REPO_PATH = /^(?!\/)(?!.*(^|\/)\.\.(\/|$))[^\\]+$/;

/** Where Argo CD reads this environment's manifests from and which cluster it syncs them to. */
const argocdSettings = z.strictObject({
  /** The Git repository Argo CD watches, holding the committed output of `npm run synth:all`. */
  repoURL: z.string().min(1, { error: 'must not be empty' }),
  /** Branch, tag or commit Argo CD syncs. */
  targetRevision: z.string().min(1, { error: 'must not be empty' }).default('HEAD'),
  /** This environment's folder in that repository; by default `dist-envs/manifests/<environment name>`. */
  path: z.string().regex(REPO_PATH, { error: 'must be a relative path inside the repository, without ".."' }).optional(),
  /** The Argo CD project. */
  project: dnsSubdomain.default('default'),
  /** Namespace Argo CD runs in, where the Application and ApplicationSet are created. */
  namespace: dnsLabel.default('argocd'),
  /** The cluster, as Argo CD knows it: its API server URL or the name it was registered under. */
  destination: z.strictObject({
    server: z.url({ protocol: /^https?$/, error: 'must be the https:// URL of the cluster\'s API server' }).optional(),
    name: z.string().min(1, { error: 'must not be empty' }).optional(),
  }).refine(d => (d.server === undefined) !== (d.name === undefined), { error: 'must set exactly one of server and name' }),
});

/** The schema of one environment file. */
export const environmentSchema = z.strictObject({
  cluster: z.strictObject({
    /** EKS cluster name. */
    name: z.string().regex(/^[0-9A-Za-z][A-Za-z0-9_-]{0,99}$/, { error: 'must be an EKS cluster name' }),
    region,
    accountId: z.string().regex(/^\d{12}$/, { error: 'must be a 12-digit AWS account id in quotes' }),
  }),
  namespace: namespaceRef,
  serviceAccount: z.strictObject({
    name: dnsSubdomain.default('coder'),
    /** The IAM role the pod assumes through IRSA. */
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
    /** The driver's rotation settings; the driver is configured elsewhere, this tells the synth what to expect. */
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
  coder: coderSettings,
  /** Argo CD outputs of `npm run synth:all` for this environment; none when absent. */
  argocd: argocdSettings.optional(),
});

/** An environment file after defaults are applied. */
export type EnvironmentConfig = z.output<typeof environmentSchema>;

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
