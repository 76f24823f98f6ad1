import { parseOidcIssuer } from '../lib/eks-oidc-issuer';
import {
  irsaTrustPolicy,
  PolicyDocument,
  permissionsPolicySchema,
  podIdentityTrustPolicy,
  secretsReadPolicy,
  trustPolicySchema,
} from '../lib/iam-policies';

const ISSUER = parseOidcIssuer('https://oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE')!;
const KEY = 'arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab';

const SUB = 'oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE:sub';
const AUD = 'oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE:aud';

function resources(policy: PolicyDocument): string[] {
  return policy.Statement.flatMap(statement => statement.Resource ?? []);
}

/** The messages with which a permissions policy is refused, empty when it is valid. */
function permissionsProblems(document: unknown): string[] {
  const result = permissionsPolicySchema.safeParse(document);
  return result.success ? [] : result.error.issues.map(issue => issue.message);
}

describe('irsaTrustPolicy', () => {
  test("lets only the one ServiceAccount assume the role through the cluster's OIDC provider", () => {
    const policy = irsaTrustPolicy({
      partition: 'aws',
      accountId: '111122223333',
      issuer: ISSUER,
      namespace: 'coder',
      serviceAccountName: 'coder',
    });

    expect(policy).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'AssumeFromServiceAccount',
          Effect: 'Allow',
          Principal: {
            Federated:
              'arn:aws:iam::111122223333:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/' +
              'EXAMPLED539D4633E53DE1B71EXAMPLE',
          },
          Action: ['sts:AssumeRoleWithWebIdentity'],
          Condition: {
            StringEquals: { [SUB]: 'system:serviceaccount:coder:coder', [AUD]: 'sts.amazonaws.com' },
          },
        },
      ],
    });
    expect(() => trustPolicySchema.parse(policy)).not.toThrow();
  });

  test('names the provider in the China partition with its own issuer domain', () => {
    const issuer = parseOidcIssuer('oidc.eks.cn-north-1.amazonaws.com.cn/id/0123456789ABCDEF0123456789ABCDEF')!;
    const policy = irsaTrustPolicy({
      partition: 'aws-cn',
      accountId: '111122223333',
      issuer,
      namespace: 'a',
      serviceAccountName: 'b',
    });
    expect(policy.Statement[0].Principal).toEqual({
      Federated:
        'arn:aws-cn:iam::111122223333:oidc-provider/oidc.eks.cn-north-1.amazonaws.com.cn/id/' +
        '0123456789ABCDEF0123456789ABCDEF',
    });
  });
});

describe('podIdentityTrustPolicy', () => {
  test('trusts the EKS Pod Identity service to assume the role and tag the session', () => {
    const policy = podIdentityTrustPolicy();
    expect(policy).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'AssumeFromPodIdentity',
          Effect: 'Allow',
          Principal: { Service: 'pods.eks.amazonaws.com' },
          Action: ['sts:AssumeRole', 'sts:TagSession'],
        },
      ],
    });
    expect(() => trustPolicySchema.parse(policy)).not.toThrow();
  });
});

describe('secretsReadPolicy', () => {
  const base = { partition: 'aws', accountId: '111122223333', region: 'us-east-1' } as const;

  test('grants a secret given by name through its six-character suffix, and an ARN as it is', () => {
    const arn = 'arn:aws:secretsmanager:us-east-1:444455556666:secret:shared/db-AbCdEf';
    const policy = secretsReadPolicy({
      ...base,
      objects: [{ objectName: 'coder/db', objectType: 'secretsmanager' }, { objectName: arn }],
    });

    expect(policy).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'ReadSecrets',
          Effect: 'Allow',
          Action: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'],
          Resource: ['arn:aws:secretsmanager:us-east-1:111122223333:secret:coder/db-??????', arn],
        },
      ],
    });
  });

  test('grants parameters with ssm:GetParameters, without repeating the leading slash', () => {
    const policy = secretsReadPolicy({
      ...base,
      objects: [
        { objectName: '/coder/license', objectType: 'ssmparameter' },
        { objectName: 'flat', objectType: 'ssmparameter' },
      ],
    });
    expect(policy.Statement).toEqual([
      {
        Sid: 'ReadParameters',
        Effect: 'Allow',
        Action: ['ssm:GetParameters'],
        Resource: [
          'arn:aws:ssm:us-east-1:111122223333:parameter/coder/license',
          'arn:aws:ssm:us-east-1:111122223333:parameter/flat',
        ],
      },
    ]);
  });

  test('grants every object in the failover region too, under its failoverObject name when it has one', () => {
    const failoverArn = 'arn:aws:secretsmanager:us-west-2:111122223333:secret:coder/db-replica-XyZ123';
    const policy = secretsReadPolicy({
      ...base,
      failoverRegion: 'us-west-2',
      objects: [
        { objectName: 'coder/db', objectType: 'secretsmanager', failoverObject: { objectName: failoverArn } },
        { objectName: 'coder/oauth', objectType: 'secretsmanager' },
        { objectName: 'coder/param', objectType: 'ssmparameter', failoverObject: { objectName: 'coder/param-dr' } },
      ],
    });
    expect(resources(policy)).toEqual([
      'arn:aws:secretsmanager:us-east-1:111122223333:secret:coder/db-??????',
      failoverArn,
      'arn:aws:secretsmanager:us-east-1:111122223333:secret:coder/oauth-??????',
      'arn:aws:secretsmanager:us-west-2:111122223333:secret:coder/oauth-??????',
      'arn:aws:ssm:us-east-1:111122223333:parameter/coder/param',
      'arn:aws:ssm:us-west-2:111122223333:parameter/coder/param-dr',
    ]);
  });

  test('lists an ARN used in both regions once', () => {
    const arn = 'arn:aws:secretsmanager:us-east-1:111122223333:secret:coder/db-AbCdEf';
    const policy = secretsReadPolicy({ ...base, failoverRegion: 'us-west-2', objects: [{ objectName: arn }] });
    expect(resources(policy)).toEqual([arn]);
  });

  test('allows kms:Decrypt on the customer-managed key only through the services that read the objects', () => {
    const both = secretsReadPolicy({
      ...base,
      kmsKeyArn: KEY,
      objects: [
        { objectName: 's', objectType: 'secretsmanager' },
        { objectName: 'p', objectType: 'ssmparameter' },
      ],
    });
    expect(both.Statement[2]).toEqual({
      Sid: 'DecryptThroughSecretStores',
      Effect: 'Allow',
      Action: ['kms:Decrypt'],
      Resource: [KEY],
      Condition: {
        StringEquals: { 'kms:ViaService': ['secretsmanager.us-east-1.amazonaws.com', 'ssm.us-east-1.amazonaws.com'] },
      },
    });

    const secretsOnly = secretsReadPolicy({
      ...base,
      kmsKeyArn: KEY,
      objects: [{ objectName: 's', objectType: 'secretsmanager' }],
    });
    expect(secretsOnly.Statement[1].Condition).toEqual({
      StringEquals: { 'kms:ViaService': ['secretsmanager.us-east-1.amazonaws.com'] },
    });
  });

  test('has no KMS statement without a customer-managed key', () => {
    const policy = secretsReadPolicy({ ...base, objects: [{ objectName: 's', objectType: 'secretsmanager' }] });
    expect(policy.Statement.map(s => s.Action).flat()).not.toContain('kms:Decrypt');
  });

  test('follows the partition into every ARN', () => {
    const policy = secretsReadPolicy({
      partition: 'aws-us-gov',
      accountId: '111122223333',
      region: 'us-gov-west-1',
      objects: [
        { objectName: 's', objectType: 'secretsmanager' },
        { objectName: 'p', objectType: 'ssmparameter' },
      ],
    });
    expect(resources(policy)).toEqual([
      'arn:aws-us-gov:secretsmanager:us-gov-west-1:111122223333:secret:s-??????',
      'arn:aws-us-gov:ssm:us-gov-west-1:111122223333:parameter/p',
    ]);
  });
});

describe('the policy schemas', () => {
  const statement = { Sid: 'All', Effect: 'Allow', Action: ['secretsmanager:GetSecretValue'] };

  test('refuse a "*" resource, alone or inside an ARN', () => {
    const policy = (resource: string) => ({
      Version: '2012-10-17',
      Statement: [{ ...statement, Resource: [resource] }],
    });
    expect(permissionsProblems(policy('*'))).toContain('must not contain "*"');
    expect(permissionsProblems(policy('arn:aws:s3:::b/*'))).toEqual(['must not contain "*"']);
    expect(permissionsProblems(policy('arn:aws:s3:::b'))).toEqual([]);
  });

  test('refuse a principal in a permissions policy, a resource in a trust policy, and another policy version', () => {
    const withPrincipal = { ...statement, Resource: ['arn:aws:s3:::b'], Principal: { Service: 'x' } };
    expect(permissionsProblems({ Version: '2012-10-17', Statement: [withPrincipal] })).not.toEqual([]);
    expect(
      trustPolicySchema.safeParse({
        Version: '2012-10-17',
        Statement: [{ ...podIdentityTrustPolicy().Statement[0], Resource: ['arn:aws:s3:::b'] }],
      }).success,
    ).toBe(false);
    expect(trustPolicySchema.safeParse({ ...podIdentityTrustPolicy(), Version: '2008-10-17' }).success).toBe(false);
  });
});
