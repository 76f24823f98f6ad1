import { z } from 'zod';
import { isArn, parameterArn, secretArnPattern } from './aws-arns';
import { AwsPartition } from './aws-regions';
import { AwsSecretObject } from './aws-secret-provider-class';
import { EksOidcIssuer, oidcProviderArn } from './eks-oidc-issuer';

/** The only policy language version that supports policy variables and current condition operators. */
export const POLICY_VERSION = '2012-10-17';

/** The audience the EKS pod identity webhook puts in IRSA's projected web identity token. */
export const IRSA_AUDIENCE = 'sts.amazonaws.com';

/** The service principal EKS Pod Identity assumes roles as. */
export const POD_IDENTITY_PRINCIPAL = 'pods.eks.amazonaws.com';

/** Condition operator → condition key → value(s). */
export type PolicyConditions = Record<string, Record<string, string | string[]>>;

/** One statement of an IAM policy document, with keys in the order IAM's own documentation writes them. */
export interface PolicyStatement {
  readonly Sid: string;
  readonly Effect: 'Allow' | 'Deny';
  /** Who may assume the role: only in trust policies. */
  readonly Principal?: { readonly Federated: string } | { readonly Service: string };
  readonly Action: string[];
  /** What the actions apply to: only in permissions policies. */
  readonly Resource?: string[];
  readonly Condition?: PolicyConditions;
}

/** An IAM policy document, as `aws iam create-role` and `aws iam put-role-policy` take it. */
export interface PolicyDocument {
  readonly Version: typeof POLICY_VERSION;
  readonly Statement: PolicyStatement[];
}

const conditions = z.record(z.string().min(1), z.record(z.string().min(1), z.union([z.string(), z.array(z.string())])));
const actions = z.array(z.string().regex(/^[a-z0-9-]+:[A-Za-z]+$/, { error: 'must be a service:Action name' })).min(1);
const statementId = z.string().regex(/^[A-Za-z0-9]+$/, { error: 'must be letters and digits' });

/**
 * A statement of a trust policy: it names a principal and no resource. Sids are optional in IAM but always
 * written here, so that a reviewer reads what each statement is for.
 */
const trustStatement = z.strictObject({
  Sid: statementId,
  Effect: z.literal('Allow'),
  Principal: z.union([
    z.strictObject({ Federated: z.string().startsWith('arn:') }),
    z.strictObject({ Service: z.string().min(1) }),
  ]),
  Action: actions,
  Condition: conditions.optional(),
});

/**
 * A statement of a permissions policy: it names resources and no principal. No resource may contain `*`: every
 * action this role needs is scoped to exact ARNs (Secrets Manager's `-??????` suffix pattern is the only wildcard).
 */
const permissionsStatement = z.strictObject({
  Sid: statementId,
  Effect: z.literal('Allow'),
  Action: actions,
  Resource: z
    .array(
      z
        .string()
        .startsWith('arn:', { error: 'must be an ARN' })
        .refine(arn => !arn.includes('*'), { error: 'must not contain "*"' }),
    )
    .min(1),
  Condition: conditions.optional(),
});

/** What a role trust policy must look like; used to check every generated document before it is written. */
export const trustPolicySchema = z.strictObject({
  Version: z.literal(POLICY_VERSION),
  Statement: z.array(trustStatement).min(1),
});

/** What a permissions policy must look like; used to check every generated document before it is written. */
export const permissionsPolicySchema = z.strictObject({
  Version: z.literal(POLICY_VERSION),
  Statement: z.array(permissionsStatement).min(1),
});

export interface IrsaTrustPolicyProps {
  readonly partition: AwsPartition;
  /** The account that holds the role and the cluster's IAM OIDC provider. */
  readonly accountId: string;
  readonly issuer: EksOidcIssuer;
  /** Namespace of the ServiceAccount the pod runs as. */
  readonly namespace: string;
  /** Name of the ServiceAccount the pod runs as. */
  readonly serviceAccountName: string;
}

/**
 * The trust policy of an IRSA role: only tokens that the cluster's OIDC issuer minted for this one ServiceAccount,
 * for STS, may assume the role. A `sub` that differs from the ServiceAccount the pod runs as makes every mount fail
 * with AccessDenied, which is why the caller passes the names of the ServiceAccount it emitted.
 *
 * @see https://docs.aws.amazon.com/eks/latest/userguide/associate-service-account-role.html
 */
export function irsaTrustPolicy(props: IrsaTrustPolicyProps): PolicyDocument {
  const issuer = props.issuer.hostAndPath;
  return {
    Version: POLICY_VERSION,
    Statement: [
      {
        Sid: 'AssumeFromServiceAccount',
        Effect: 'Allow',
        Principal: { Federated: oidcProviderArn(props.partition, props.accountId, props.issuer) },
        Action: ['sts:AssumeRoleWithWebIdentity'],
        Condition: {
          StringEquals: {
            [`${issuer}:sub`]: `system:serviceaccount:${props.namespace}:${props.serviceAccountName}`,
            [`${issuer}:aud`]: IRSA_AUDIENCE,
          },
        },
      },
    ],
  };
}

/**
 * The trust policy of a role used through EKS Pod Identity. Which ServiceAccount may use the role is decided by the
 * Pod Identity association, not here; `sts:TagSession` lets EKS attach the pod's session tags.
 *
 * @see https://docs.aws.amazon.com/eks/latest/userguide/pod-id-role.html
 */
export function podIdentityTrustPolicy(): PolicyDocument {
  return {
    Version: POLICY_VERSION,
    Statement: [
      {
        Sid: 'AssumeFromPodIdentity',
        Effect: 'Allow',
        Principal: { Service: POD_IDENTITY_PRINCIPAL },
        Action: ['sts:AssumeRole', 'sts:TagSession'],
      },
    ],
  };
}

export interface SecretsReadPolicyProps {
  readonly partition: AwsPartition;
  /** The account secrets and parameters given by name live in. */
  readonly accountId: string;
  /** The SecretProviderClass's region. */
  readonly region: string;
  /** @default - no failover region */
  readonly failoverRegion?: string;
  /** The objects the SecretProviderClass mounts. */
  readonly objects: readonly AwsSecretObject[];
  /**
   * Customer-managed KMS key that encrypts the objects, in `region`.
   *
   * @default - no KMS permission: the AWS managed keys need none in the role's policy
   */
  readonly kmsKeyArn?: string;
}

/**
 * The least-privilege permissions policy for the objects of one SecretProviderClass: exactly the calls ASCP makes,
 * on exactly the configured objects, in every region ASCP reads them from.
 *
 * With a failover region ASCP reads every object in both regions and fails the whole mount when either answers with
 * a client error such as AccessDenied, so each object is granted in the failover region too: under its
 * failoverObject name when it has one, else under its own name.
 */
export function secretsReadPolicy(props: SecretsReadPolicyProps): PolicyDocument {
  const secrets: string[] = [];
  const parameters: string[] = [];
  const add = (objectName: string, type: AwsSecretObject['objectType'], region: string) => {
    if (isArn(objectName)) {
      // ASCP accepts ARNs for Secrets Manager only; the environment file's schema refuses any other.
      secrets.push(objectName);
    } else if (type === 'ssmparameter') {
      parameters.push(parameterArn(props.partition, region, props.accountId, objectName));
    } else {
      secrets.push(secretArnPattern(props.partition, region, props.accountId, objectName));
    }
  };

  for (const object of props.objects) {
    add(object.objectName, object.objectType, props.region);
    if (props.failoverRegion !== undefined) {
      add(object.failoverObject?.objectName ?? object.objectName, object.objectType, props.failoverRegion);
    }
  }

  const statements: PolicyStatement[] = [];
  if (secrets.length > 0) {
    statements.push({
      Sid: 'ReadSecrets',
      Effect: 'Allow',
      // On rotation and re-mounts ASCP asks DescribeSecret for the current version before fetching the value again.
      Action: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'],
      Resource: unique(secrets),
    });
  }
  if (parameters.length > 0) {
    statements.push({
      Sid: 'ReadParameters',
      Effect: 'Allow',
      Action: ['ssm:GetParameters'],
      Resource: unique(parameters),
    });
  }
  if (props.kmsKeyArn !== undefined) {
    const services = [
      ...(secrets.length > 0 ? [`secretsmanager.${props.region}.amazonaws.com`] : []),
      ...(parameters.length > 0 ? [`ssm.${props.region}.amazonaws.com`] : []),
    ];
    statements.push({
      Sid: 'DecryptThroughSecretStores',
      Effect: 'Allow',
      Action: ['kms:Decrypt'],
      Resource: [props.kmsKeyArn],
      // Only Secrets Manager and Parameter Store may use the key on the role's behalf, never a direct kms:Decrypt.
      Condition: { StringEquals: { 'kms:ViaService': services } },
    });
  }

  return { Version: POLICY_VERSION, Statement: statements };
}

/** The values in first-seen order, each once: a secret listed for both regions by ARN is granted once. */
function unique(values: readonly string[]): string[] {
  return [...new Set(values)];
}
