import { AwsPartition } from './aws-regions';

/** `arn:<partition>:iam::<account>:role/<optional path/><name>`, as IAM defines role names and paths. */
export const ROLE_ARN = /^arn:(aws|aws-cn|aws-us-gov):iam::(\d{12}):role\/((?:[!-~]+\/)*)([A-Za-z0-9+=,.@_-]{1,64})$/;

/**
 * A Secrets Manager secret ARN: `arn:<partition>:secretsmanager:<region>:<account>:secret:<name>-<6 characters>`.
 * The suffix is not checked, because a secret's name may itself end in a dash and six characters.
 */
export const SECRET_ARN =
  /^arn:(aws|aws-cn|aws-us-gov):secretsmanager:([a-z0-9-]+):(\d{12}):secret:([A-Za-z0-9/_+=.@-]+)$/;

/**
 * A KMS key ARN: `arn:<partition>:kms:<region>:<account>:key/<key id>`, the key id being a UUID or a multi-Region
 * `mrk-` id. Alias ARNs are not accepted: IAM authorizes kms:Decrypt against the key, never against an alias.
 */
export const KMS_KEY_ARN = new RegExp(
  '^arn:(aws|aws-cn|aws-us-gov):kms:([a-z0-9-]+):(\\d{12}):key/' +
    '([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|mrk-[0-9a-f]{32})$',
);

/** The parts of an IAM role ARN. */
export interface RoleArnParts {
  readonly partition: AwsPartition;
  readonly accountId: string;
  /** The role's path, `/` when it has none; `aws iam create-role --path` takes it in this form. */
  readonly path: string;
  /** The role's name, what `aws iam create-role --role-name` takes. */
  readonly name: string;
}

/**
 * Splits an IAM role ARN into its parts.
 *
 * @throws when `arn` is not a role ARN; the environment file's schema refuses such values first
 */
export function parseRoleArn(arn: string): RoleArnParts {
  const match = ROLE_ARN.exec(arn);
  if (!match) {
    throw new Error(`not an IAM role ARN: ${JSON.stringify(arn)}`);
  }
  return { partition: match[1] as AwsPartition, accountId: match[2], path: `/${match[3]}`, name: match[4] };
}

/** The parts of an ARN that carry a region: Secrets Manager secrets and KMS keys. */
export interface RegionalArnParts {
  readonly partition: AwsPartition;
  readonly region: string;
  readonly accountId: string;
}

/** The partition, region and account of a secret ARN, or undefined when `arn` is not one. */
export function parseSecretArn(arn: string): RegionalArnParts | undefined {
  return regionalParts(SECRET_ARN.exec(arn));
}

/** The partition, region and account of a KMS key ARN, or undefined when `arn` is not one. */
export function parseKmsKeyArn(arn: string): RegionalArnParts | undefined {
  return regionalParts(KMS_KEY_ARN.exec(arn));
}

function regionalParts(match: RegExpExecArray | null): RegionalArnParts | undefined {
  return match ? { partition: match[1] as AwsPartition, region: match[2], accountId: match[3] } : undefined;
}

/** Whether a SecretProviderClass objectName is an ARN rather than a name. ASCP decides the same way. */
export function isArn(objectName: string): boolean {
  return objectName.startsWith('arn:');
}

/**
 * The resource pattern for a Secrets Manager secret known by name. Secrets Manager appends a dash and six random
 * characters to every secret's ARN; `-??????` matches exactly those, where `-*` would also match every other secret
 * whose name starts with this one.
 */
export function secretArnPattern(partition: AwsPartition, region: string, accountId: string, name: string): string {
  return `arn:${partition}:secretsmanager:${region}:${accountId}:secret:${name}-??????`;
}

/** The ARN of an SSM parameter known by name; a leading slash of a hierarchical name is not repeated. */
export function parameterArn(partition: AwsPartition, region: string, accountId: string, name: string): string {
  return `arn:${partition}:ssm:${region}:${accountId}:parameter/${name.replace(/^\//, '')}`;
}

/** The parts of an ARN: `arn:<partition>:<service>:<region>:<account>:<resource>`. */
export interface ParsedArn {
  readonly partition: string;
  readonly service: string;
  readonly region: string;
  readonly account: string;
  readonly resource: string;
}

/** Splits an ARN into its parts, or returns undefined when it does not have them. */
export function parseArn(arn: string): ParsedArn | undefined {
  const parts = arn.split(':');
  if (parts.length < 6 || parts[0] !== 'arn' || parts.slice(1, 3).some(p => p === '') || parts[5] === '') {
    return undefined;
  }
  return {
    partition: parts[1],
    service: parts[2],
    region: parts[3],
    account: parts[4],
    resource: parts.slice(5).join(':'),
  };
}
