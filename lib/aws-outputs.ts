import { mkdirSync, writeFileSync } from 'fs';
import { join } from 'path';
import { z } from 'zod';
import {
  ascpAddonConfiguration,
  ASCP_ADDON_NAME,
  csiDriverHelmValues,
  POD_IDENTITY_AGENT_ADDON_NAME,
} from './addon-configuration';
import { parseRoleArn } from './aws-arns';
import { partitionOf } from './aws-regions';
import { CoderChart } from './coder-chart';
import { issuerUrl, oidcProviderArn } from './eks-oidc-issuer';
import { EnvironmentConfig } from './environment-config';
import {
  irsaTrustPolicy,
  permissionsPolicySchema,
  podIdentityTrustPolicy,
  secretsReadPolicy,
  trustPolicySchema,
} from './iam-policies';
import { PodIdentityAssociation, podIdentityAssociation } from './pod-identity-association';

/** File names inside the AWS output directory; the README's commands refer to them. */
export const AWS_FILES = {
  trustPolicy: 'trust-policy.json',
  permissionsPolicy: 'permissions-policy.json',
  addonConfiguration: 'addon-configuration.json',
  csiDriverHelmValues: 'csi-driver-helm-values.json',
  podIdentityAssociation: 'pod-identity-association.json',
  summary: 'summary.json',
} as const;

/** One JSON document of the AWS side. */
export interface AwsOutputFile {
  /** File name inside the AWS output directory. */
  readonly name: string;
  /** The document; written as JSON. */
  readonly document: unknown;
}

/** An add-on the cluster needs, in the order to create them. */
export interface RequiredAddon {
  readonly name: string;
  /** File for `aws eks create-addon --configuration-values`, when the add-on needs settings. */
  readonly configurationValuesFile?: string;
}

/** `summary.json`: what a user creates in AWS for one environment, and from which files. */
export interface AwsSummary {
  readonly auth: 'irsa' | 'podIdentity';
  readonly cluster: { readonly name: string; readonly region: string; readonly accountId: string };
  /** The ServiceAccount the pod runs as: the trust policy's `sub`, or the Pod Identity association's account. */
  readonly serviceAccount: { readonly namespace: string; readonly name: string };
  readonly role: {
    readonly arn: string;
    readonly name: string;
    readonly path: string;
    readonly trustPolicyFile: string;
    /** Name for `aws iam put-role-policy --policy-name`. */
    readonly permissionsPolicyName: string;
    readonly permissionsPolicyFile: string;
  };
  /** IRSA only: the issuer URL the account's IAM OIDC provider must be created for. */
  readonly oidcIssuer?: string;
  /** IRSA only: the ARN of that IAM OIDC provider, the trust policy's principal. */
  readonly oidcProviderArn?: string;
  readonly addons: RequiredAddon[];
  /** With a Helm-installed driver: the values file for the secrets-store-csi-driver chart. */
  readonly csiDriverHelmValuesFile?: string;
  /** Pod Identity only: the association, exactly as `create-pod-identity-association --cli-input-json` takes it. */
  readonly podIdentityAssociation?: PodIdentityAssociation;
  readonly podIdentityAssociationFile?: string;
}

/** Throws, naming the file and the fields, when a generated policy breaks the IAM policy schema. */
function checkPolicy(schema: z.ZodType, document: unknown, file: string): void {
  const result = schema.safeParse(document);
  if (!result.success) {
    const problems = result.error.issues.map(issue => `${issue.path.join('.')}: ${issue.message}`).join('; ');
    throw new Error(`${file} would not be a valid IAM policy (${problems}); please report this as a bug`);
  }
}

/** IAM's limit on the size of a role's inline policies, in characters without white space. */
export const INLINE_POLICY_LIMIT = 10_240;

/** Warnings about the AWS side that AWS would refuse although the synth succeeded, such as an oversized policy. */
export function awsOutputWarnings(files: readonly AwsOutputFile[]): string[] {
  const policy = files.find(file => file.name === AWS_FILES.permissionsPolicy);
  const size = policy === undefined ? 0 : JSON.stringify(policy.document).length;
  return size <= INLINE_POLICY_LIMIT
    ? []
    : [
        `${AWS_FILES.permissionsPolicy} is ${size} characters; IAM allows ${INLINE_POLICY_LIMIT} for a role's inline ` +
          'policies, so aws iam put-role-policy will refuse it: split the secrets over two roles or name them by ' +
          'ARN prefix',
      ];
}

/**
 * The AWS side of one environment, derived from the constructs the chart emitted rather than from the environment
 * file a second time: the trust policy names the ServiceAccount the pod actually runs as, and the permissions policy
 * grants the objects the SecretProviderClass actually mounts, so the two halves of the identity cannot disagree.
 *
 * Every policy is checked against the IAM policy schema before it is returned; a failure is a bug of this project.
 */
export function awsOutputFiles(config: EnvironmentConfig, chart: CoderChart): AwsOutputFile[] {
  const { name: clusterName, region, accountId } = config.cluster;
  const partition = partitionOf(region);
  const role = parseRoleArn(config.serviceAccount.roleArn);
  const serviceAccount = { namespace: chart.serviceAccount.namespace!, name: chart.serviceAccount.name };
  const spc = chart.secretProviderClass;

  const trustPolicy =
    config.auth === 'irsa'
      ? irsaTrustPolicy({
          partition,
          accountId,
          issuer: config.cluster.oidcIssuer!,
          namespace: serviceAccount.namespace,
          serviceAccountName: serviceAccount.name,
        })
      : podIdentityTrustPolicy();
  const permissionsPolicy = secretsReadPolicy({
    partition,
    accountId,
    region: spc.region,
    failoverRegion: spc.failoverRegion,
    objects: spc.objects,
    kmsKeyArn: config.kmsKeyArn,
  });
  checkPolicy(trustPolicySchema, trustPolicy, AWS_FILES.trustPolicy);
  checkPolicy(permissionsPolicySchema, permissionsPolicy, AWS_FILES.permissionsPolicy);

  const driverSettings = {
    syncSecret: spc.syncedSecrets.length > 0,
    rotation: config.csiDriver.rotation.enabled ? { pollInterval: config.csiDriver.rotation.pollInterval } : undefined,
  };
  const helm = config.csiDriver.install === 'helm';

  const files: AwsOutputFile[] = [
    { name: AWS_FILES.trustPolicy, document: trustPolicy },
    { name: AWS_FILES.permissionsPolicy, document: permissionsPolicy },
    helm
      ? { name: AWS_FILES.csiDriverHelmValues, document: csiDriverHelmValues(driverSettings) }
      : { name: AWS_FILES.addonConfiguration, document: ascpAddonConfiguration(driverSettings) },
  ];
  // A Helm-installed driver must not get the add-on as well: two drivers and providers on one cluster fail.
  const ascpAddons: RequiredAddon[] = helm
    ? []
    : [{ name: ASCP_ADDON_NAME, configurationValuesFile: AWS_FILES.addonConfiguration }];
  const summaryBase = {
    auth: config.auth,
    cluster: { name: clusterName, region, accountId },
    serviceAccount,
    role: {
      arn: config.serviceAccount.roleArn,
      name: role.name,
      path: role.path,
      trustPolicyFile: AWS_FILES.trustPolicy,
      permissionsPolicyName: `${config.coder.name}-secrets-read`,
      permissionsPolicyFile: AWS_FILES.permissionsPolicy,
    },
    ...(helm ? { csiDriverHelmValuesFile: AWS_FILES.csiDriverHelmValues } : {}),
  };

  let summary: AwsSummary;
  if (config.auth === 'irsa') {
    const issuer = config.cluster.oidcIssuer!;
    summary = {
      ...summaryBase,
      oidcIssuer: issuerUrl(issuer),
      oidcProviderArn: oidcProviderArn(partition, accountId, issuer),
      addons: ascpAddons,
    };
  } else {
    const association = podIdentityAssociation({
      clusterName,
      namespace: serviceAccount.namespace,
      serviceAccountName: serviceAccount.name,
      roleArn: config.serviceAccount.roleArn,
    });
    files.push({ name: AWS_FILES.podIdentityAssociation, document: association });
    summary = {
      ...summaryBase,
      // The agent serves Pod Identity's credentials on each node; without it the pods get none.
      addons: [{ name: POD_IDENTITY_AGENT_ADDON_NAME }, ...ascpAddons],
      podIdentityAssociation: association,
      podIdentityAssociationFile: AWS_FILES.podIdentityAssociation,
    };
  }
  files.push({ name: AWS_FILES.summary, document: summary });
  return files;
}

/**
 * A document as the AWS output files hold it: JSON with two-space indent and a final newline. Key order is the
 * order the builders write, which is fixed, so the same environment always gives the same bytes.
 */
export function formatJson(document: unknown): string {
  return `${JSON.stringify(document, null, 2)}\n`;
}

/** Writes the files into `dir`, creating it. */
export function writeAwsOutputFiles(dir: string, files: readonly AwsOutputFile[]): void {
  mkdirSync(dir, { recursive: true });
  for (const file of files) {
    writeFileSync(join(dir, file.name), formatJson(file.document));
  }
}
