import { readFileSync } from 'fs';
import { LineCounter, parseDocument } from 'yaml';
import { z } from 'zod';
import { KMS_KEY_ARN, ROLE_ARN } from './aws-arns';
import { QUANTITY } from './quantity';
import { redactSecretMaterial } from './secret-scan';
import { isAwsRegion } from './aws-regions';
import { parseOidcIssuer } from './eks-oidc-issuer';
import { isSecretSetting, urlHasCredentials } from './coder-settings';
import { environmentRuleProblems, formatPath, isValidPathTranslation, looksSecret } from './environment-rules';

/** A Kubernetes DNS-1123 label: namespaces, container and port names. */
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** A Kubernetes DNS-1123 subdomain: names of most objects. */
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** Coder reads its settings from environment variables whose names are C identifiers. */
const ENV_VAR_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

const dnsLabel = z.string().max(63, { error: 'must be at most 63 characters (a DNS-1123 label)' }).regex(DNS_LABEL, {
  error: 'must be a DNS-1123 label: lower-case letters, digits and "-", starting and ending with a letter or digit',
});

const dnsSubdomain = z
  .string()
  .max(253, { error: 'must be at most 253 characters (a DNS-1123 subdomain)' })
  .regex(DNS_SUBDOMAIN, { error: 'must be a DNS-1123 subdomain: lower-case letters, digits, "-" and "."' });

const envVarName = z.string().regex(ENV_VAR_NAME, {
  error: 'must be an environment variable name: letters, digits and "_", not starting with a digit',
});

const region = z.string().refine(isAwsRegion, { error: 'must be an AWS region such as us-east-1' });

const quantity = z.string().regex(QUANTITY, { error: 'must be a Kubernetes quantity such as 500m, 2 or 4Gi' });

/** A label or annotation key: an optional DNS subdomain prefix and `/`, then a name of at most 63 characters. */
const QUALIFIED_NAME =
  /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;

const annotations = z.record(
  z.string().regex(QUALIFIED_NAME, { error: 'must be an annotation key: an optional DNS prefix and "/", then a name' }),
  z.string(),
);

const namespaceRef = z.strictObject({
  /** The namespace's name. */
  name: dnsLabel,
  /** Whether the synth emits the Namespace; false when it already exists on the cluster. */
  create: z.boolean().default(true),
});

/** A setting whose value is the path of a mounted file; only Coder's settings that take a file path end in _FILE. */
const fileEnvName = envVarName.regex(/_FILE$/, {
  error: 'must be a Coder setting that takes a file path (ending in _FILE)',
});

const jmesPathEntry = z.strictObject({
  /** JMESPath expression that selects one field of a JSON secret. */
  path: z.string().min(1, { error: 'must not be empty' }),
  /** File name the selected field is mounted as. */
  objectAlias: z.string().min(1, { error: 'must not be empty' }),
  /** Coder setting that receives the field through the synced Kubernetes Secret. */
  env: envVarName.optional(),
  /** Coder setting that receives the path of the mounted file, such as CODER_TLS_KEY_FILE. */
  fileEnv: fileEnvName.optional(),
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
  objectType: z
    .enum(['secretsmanager', 'ssmparameter'], { error: 'must be secretsmanager or ssmparameter' })
    .optional(),
  /** File name the object is mounted as; defaults to objectName with "/" translated. */
  objectAlias: z.string().min(1, { error: 'must not be empty' }).optional(),
  objectVersion: z.string().min(1).optional(),
  objectVersionLabel: z.string().min(1).optional(),
  /** Octal mode of the mounted file, such as 0400. */
  filePermission: z
    .string()
    .regex(/^[0-7]{4}$/, { error: 'must be four octal digits such as 0400' })
    .optional(),
  jmesPath: z.array(jmesPathEntry).min(1, { error: 'must list at least one entry when present' }).optional(),
  failoverObject: failoverObject.optional(),
  /** Coder setting that receives the whole object through the synced Kubernetes Secret. */
  env: envVarName.optional(),
  /** Coder setting that receives the path of the mounted file, such as CODER_TLS_CERT_FILE. */
  fileEnv: fileEnvName.optional(),
});

const resourceList = z.strictObject({ cpu: quantity.optional(), memory: quantity.optional() });

const coderSettings = z.strictObject({
  /** Coder release, without the leading "v"; the image tag is `v<version>`. */
  version: z
    .string()
    .regex(/^\d+\.\d+\.\d+$/, { error: 'must be a release number such as 2.29.0 (no "v", no "latest")' }),
  image: z
    .string()
    .regex(/^[a-z0-9.-]+(:[0-9]+)?(\/[a-z0-9._-]+)+$/, { error: 'must be an image repository without a tag' })
    .default('ghcr.io/coder/coder'),
  /** Pins the image further to one build: `sha256:` and 64 hex digits. */
  imageDigest: z
    .string()
    .regex(/^sha256:[a-f0-9]{64}$/, { error: 'must be sha256: followed by 64 lower-case hex digits' })
    .optional(),
  /** Name of the Deployment, the Service, the workspace RoleBinding and the `app.kubernetes.io/instance` label. */
  name: z
    .string()
    .max(63, { error: 'must be at most 63 characters' })
    .regex(/^[a-z]([-a-z0-9]*[a-z0-9])?$/, { error: 'must be a DNS-1035 label (Service names start with a letter)' })
    .default('coder'),
  /** The external URL users and workspaces reach Coder at (CODER_ACCESS_URL). */
  accessUrl: z
    .url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' })
    .refine(url => !urlHasCredentials(url), { error: 'must not carry credentials before the host' }),
  /** More than one replica needs a Coder licence for high availability. */
  replicas: z.int().min(1, { error: 'must be at least 1' }).max(1000, { error: 'must be at most 1000' }).default(1),
  /** Non-secret Coder settings, added after the standard ones. */
  env: z.record(envVarName, z.string()).default({}),
  resources: z.strictObject({ requests: resourceList.optional(), limits: resourceList.optional() }).prefault({}),
  /**
   * Annotate the Deployment for Stakater Reloader, which must run on the cluster, so that Coder restarts when the
   * synced Secret changes: settings read through env change only on restart.
   */
  restartOnSecretChange: z.boolean().default(false),
  /** Mount the root filesystem read-only, with writable emptyDirs for /tmp and the cache directory. */
  readOnlyRootFilesystem: z.boolean().default(true),
  service: z
    .strictObject({
      type: z
        .enum(['ClusterIP', 'NodePort', 'LoadBalancer'], { error: 'must be ClusterIP, NodePort or LoadBalancer' })
        .default('LoadBalancer'),
      externalTrafficPolicy: z.enum(['Cluster', 'Local'], { error: 'must be Cluster or Local' }).default('Cluster'),
      annotations: annotations.default({}),
    })
    .prefault({}),
  /** Namespaces besides Coder's own where Coder may create workspaces. */
  workspaceNamespaces: z.array(namespaceRef).default([]),
  /**
   * Let Coder create workspaces in its own namespace too, as Coder's chart does. With false, workspaces live only in
   * workspaceNamespaces, and Coder's namespace can enforce the restricted Pod Security profile without rejecting
   * workspace pods that do not meet it.
   */
  workspacesInOwnNamespace: z.boolean().default(true),
});

/** A path inside a Git repository: relative, `/`-separated, without `..`. */
const REPO_PATH = /^(?!\/)(?!.*(^|\/)\.\.(\/|$))[^\\]+$/;

/** Where Argo CD reads this environment's manifests from and which cluster it syncs them to. */
const argocdSettings = z.strictObject({
  /** The Git repository Argo CD watches, holding the committed output of `npm run synth:all`. */
  repoURL: z
    .string()
    .min(1, { error: 'must not be empty' })
    .refine(url => !urlHasCredentials(url), {
      error: 'must not carry credentials: give Argo CD a repository Secret instead',
    }),
  /** Branch, tag or commit Argo CD syncs. */
  targetRevision: z.string().min(1, { error: 'must not be empty' }).default('HEAD'),
  /** This environment's folder in that repository; by default `dist-envs/manifests/<environment name>`. */
  path: z
    .string()
    .regex(REPO_PATH, { error: 'must be a relative path inside the repository, without ".."' })
    .optional(),
  /** The Argo CD project. */
  project: dnsSubdomain.default('default'),
  /** Namespace Argo CD runs in, where the Application and ApplicationSet are created. */
  namespace: dnsLabel.default('argocd'),
  /** The cluster, as Argo CD knows it: its API server URL or the name it was registered under. */
  destination: z
    .strictObject({
      server: z.url({ protocol: /^https?$/, error: "must be the https:// URL of the cluster's API server" }).optional(),
      name: z.string().min(1, { error: 'must not be empty' }).optional(),
    })
    .refine(d => (d.server === undefined) !== (d.name === undefined), {
      error: 'must set exactly one of server and name',
    }),
});

/** The schema of one environment file: every field, then the rules that relate fields to each other. */
export const environmentSchema = z
  .strictObject({
    cluster: z.strictObject({
      /** EKS cluster name. */
      name: z.string().regex(/^[0-9A-Za-z][A-Za-z0-9_-]{0,99}$/, { error: 'must be an EKS cluster name' }),
      region,
      accountId: z.string().regex(/^\d{12}$/, { error: 'must be a 12-digit AWS account id in quotes' }),
      /** The cluster's OIDC issuer; the IRSA trust policy names it. Not needed with Pod Identity. */
      oidcIssuer: z
        .string()
        .refine(value => parseOidcIssuer(value) !== undefined, {
          error: 'must be an EKS OIDC issuer such as https://oidc.eks.<region>.amazonaws.com/id/<32-character id>',
        })
        .transform(value => parseOidcIssuer(value)!)
        .optional(),
    }),
    /** How the pod gets its AWS credentials: IRSA (role annotation and OIDC trust) or EKS Pod Identity. */
    auth: z.enum(['irsa', 'podIdentity'], { error: 'must be irsa or podIdentity' }).default('irsa'),
    namespace: namespaceRef.extend({
      /**
       * Pod Security Standard the created namespace enforces (labels pod-security.kubernetes.io/*), or none to opt out.
       */
      podSecurity: z
        .enum(['restricted', 'baseline', 'none'], { error: 'must be restricted, baseline or none' })
        .default('restricted'),
    }),
    serviceAccount: z.strictObject({
      name: dnsSubdomain.default('coder'),
      /** The IAM role the pod assumes, through IRSA or a Pod Identity association. */
      roleArn: z
        .string()
        .regex(ROLE_ARN, { error: 'must be an IAM role ARN: arn:<partition>:iam::<12-digit account>:role/<name>' }),
      /** Sets eks.amazonaws.com/sts-regional-endpoints. */
      stsRegionalEndpoints: z.boolean().optional(),
      /** Sets eks.amazonaws.com/token-expiration, in seconds. */
      tokenExpirationSeconds: z
        .int()
        .min(600, { error: 'must be at least 600' })
        .max(86400, { error: 'must be at most 86400' })
        .optional(),
    }),
    csiDriver: z
      .strictObject({
        /**
         * How the driver and ASCP are installed: the managed EKS add-on (configured by aws/addon-configuration.json),
         * or the Helm charts (configured by aws/csi-driver-helm-values.json).
         */
        install: z.enum(['addon', 'helm'], { error: 'must be addon or helm' }).default('addon'),
        /** Namespace the Secrets Store CSI driver runs in: the managed add-on's, or kube-system for a Helm install. */
        namespace: dnsLabel.default('aws-secrets-manager'),
        serviceAccountName: dnsSubdomain.default('secrets-store-csi-driver'),
        /** The driver's rotation settings, written into the managed add-on's configuration values. */
        rotation: z
          .strictObject({
            enabled: z.boolean().default(false),
            pollInterval: z
              .string()
              .regex(/^(\d+(ns|us|ms|s|m|h))+$/, { error: 'must be a duration such as 2m or 30s' })
              .default('2m'),
          })
          .prefault({}),
      })
      .prefault({}),
    secretProviderClass: z
      .strictObject({
        name: dnsSubdomain.default('coder-secrets'),
        /** Directory in the Coder container where the objects are mounted as files. */
        mountPath: z
          .string()
          .regex(/^\/[^:]*$/, { error: 'must be an absolute path' })
          .default('/mnt/secrets-store'),
        /** Name of the Kubernetes Secret that the driver syncs for settings consumed through env. */
        syncedSecretName: dnsSubdomain.default('coder-secrets'),
        /** Character that replaces "/" in file names, or "False" to keep slashes. */
        pathTranslation: z
          .string()
          .refine(isValidPathTranslation, { error: 'must be "False" or a single character' })
          .optional(),
        failoverRegion: region.optional(),
      })
      .prefault({}),
    secrets: z.array(secretObject).min(1, { error: 'must list at least one secret' }),
    /**
     * Customer-managed KMS key that encrypts the secrets and SecureString parameters. Secrets encrypted with the
     * AWS managed keys need no KMS permission in the role's policy, so leave it out for those.
     */
    kmsKeyArn: z
      .string()
      .regex(KMS_KEY_ARN, {
        error: 'must be a KMS key ARN: arn:<partition>:kms:<region>:<12-digit account>:key/<key id> (not an alias)',
      })
      .optional(),
    coder: coderSettings,
    /** Argo CD outputs of `npm run synth:all` for this environment; none when absent. */
    argocd: argocdSettings.optional(),
    /** A Job that checks, on the cluster, that every secret is mounted and synced. */
    smokeTest: z
      .strictObject({
        enabled: z.boolean().default(false),
        image: z
          .string()
          .regex(/^[a-z0-9.\/-]+:[\w.-]+(@sha256:[a-f0-9]{64})?$/, { error: 'must be an image with a pinned tag' })
          .refine(image => !/:latest(@|$)/.test(image), { error: 'must not use the tag latest' })
          .default('busybox:1.36.1'),
        activeDeadlineSeconds: z
          .int()
          .min(30, { error: 'must be at least 30' })
          .max(3600, { error: 'must be at most 3600' })
          .default(180),
        ttlSecondsAfterFinished: z
          .int()
          .min(0, { error: 'must not be negative' })
          .max(2_147_483_647, { error: 'must fit in 32 bits' })
          .default(3600),
      })
      .prefault({}),
  })
  .check(
    z.superRefine(
      (document, ctx) => {
        for (const problem of environmentRuleProblems(document)) {
          // The input is always given: zod would otherwise report the whole document as the offending value.
          ctx.addIssue({
            code: 'custom',
            path: problem.path,
            message: problem.message,
            input: problem.input,
            params: { hideInput: problem.hideInput === true },
          });
        }
      },
      { when: () => true },
    ),
  );

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
  constructor(
    public readonly file: string,
    public readonly problems: readonly ConfigProblem[],
  ) {
    super(problems.map(p => `${file}: ${p.path ? `${p.path}: ` : ''}${p.message}`).join('\n'));
    this.name = 'ConfigError';
  }
}

function describeValue(value: unknown): string {
  if (value === undefined) {
    return 'nothing';
  }
  return JSON.stringify(value);
}

/** What a field of the wrong type must be, in the words of the YAML the user writes. */
function typeMessage(expected: string, input: unknown): string {
  if (input === undefined) {
    return 'required';
  }
  const names: Record<string, string> = {
    string: 'a string',
    number: 'a number',
    int: 'a whole number',
    boolean: 'true or false',
    array: 'a list',
    object: 'a mapping',
    record: 'a mapping',
  };
  const hint =
    expected === 'string' && (typeof input === 'number' || typeof input === 'boolean') ? ' (quote it in YAML)' : '';
  return `must be ${names[expected] ?? expected}${hint}`;
}

/**
 * Whether the value found at a path must not be echoed: a plain value of a setting that carries secrets, or anything
 * that looks like secret material, wherever it stands. Logs and CI output are no place for either.
 */
function mayHoldSecret(path: readonly PropertyKey[], value: unknown): boolean {
  const setting = path[0] === 'coder' && path[1] === 'env' && typeof path[2] === 'string' ? path[2] : undefined;
  return (setting !== undefined && isSecretSetting(setting)) || looksSecret(value);
}

/**
 * A field path and message safe to print: a key or a quoted name that looks like secret material (a mistake the
 * rules refuse) is replaced by `<hidden>`, so that the refusal does not itself leak it.
 */
function safeProblem(path: readonly PropertyKey[], message: string): ConfigProblem {
  const safePath = path.map(key => (typeof key === 'string' && looksSecret(key) ? '<hidden>' : key));
  return { path: formatPath(safePath), message: redactSecretMaterial(message) };
}

function problemsOf(error: z.ZodError): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  for (const issue of error.issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        problems.push(safeProblem([...issue.path, key], 'unknown field (check its spelling and indentation)'));
      }
      continue;
    }
    const input = (issue as { input?: unknown }).input;
    const message =
      issue.code === 'invalid_type'
        ? typeMessage(issue.expected, input)
        : issue.code === 'invalid_key'
          ? `key ${issue.issues.map(i => i.message).join('; ')}`
          : issue.message;
    if (issue.code === 'custom' && issue.params?.hideInput) {
      problems.push(safeProblem(issue.path, message));
    } else if (mayHoldSecret(issue.path, input)) {
      problems.push(safeProblem(issue.path, `${message} (the value is not shown)`));
    } else {
      problems.push(safeProblem(issue.path, `${message}, got ${describeValue(input)}`));
    }
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
    throw new ConfigError(file, [
      { path: '', message: `cannot be read: ${(err as NodeJS.ErrnoException).code ?? String(err)}` },
    ]);
  }

  const lines = new LineCounter();
  // YAML merge keys (<<: *defaults) are resolved, as most YAML tools do.
  const document = parseDocument(text, { prettyErrors: false, lineCounter: lines, merge: true });
  if (document.errors.length > 0) {
    throw new ConfigError(
      file,
      document.errors.map(e => {
        const { line, col } = lines.linePos(e.pos[0]);
        return { path: '', message: `is not valid YAML at line ${line}, column ${col}: ${e.message}` };
      }),
    );
  }

  const parsed = document.toJS();
  if (parsed === null || parsed === undefined) {
    throw new ConfigError(file, [
      { path: '', message: 'is empty: an environment file is a YAML mapping, such as environments/example.yaml' },
    ]);
  }
  return parseEnvironment(parsed, file);
}
