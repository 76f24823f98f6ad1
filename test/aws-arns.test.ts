import { parameterArn, parseKmsKeyArn, parseRoleArn, parseSecretArn, secretArnPattern } from '../lib/aws-arns';
import { issuerUrl, oidcProviderArn, parseOidcIssuer } from '../lib/eks-oidc-issuer';

describe('parseRoleArn', () => {
  test.each([
    ['arn:aws:iam::111122223333:role/coder-reader', { partition: 'aws', path: '/', name: 'coder-reader' }],
    ['arn:aws-cn:iam::111122223333:role/team/eks/reader', { partition: 'aws-cn', path: '/team/eks/', name: 'reader' }],
  ])('%s', (arn, expected) => {
    expect(parseRoleArn(arn)).toEqual({ accountId: '111122223333', ...expected });
  });

  test('refuses what is not a role ARN', () => {
    expect(() => parseRoleArn('arn:aws:iam::111122223333:user/x')).toThrow(/not an IAM role ARN/);
  });
});

describe('regional ARNs', () => {
  test('a secret ARN and a KMS key ARN give their partition, region and account', () => {
    expect(parseSecretArn('arn:aws:secretsmanager:eu-west-1:111122223333:secret:a/b-AbCdEf')).toEqual({
      partition: 'aws',
      region: 'eu-west-1',
      accountId: '111122223333',
    });
    expect(
      parseKmsKeyArn('arn:aws-us-gov:kms:us-gov-east-1:111122223333:key/mrk-0123456789abcdef0123456789abcdef'),
    ).toEqual({ partition: 'aws-us-gov', region: 'us-gov-east-1', accountId: '111122223333' });
  });

  test('an SSM parameter ARN is not a secret ARN, and a KMS alias is not a key', () => {
    expect(parseSecretArn('arn:aws:ssm:eu-west-1:111122223333:parameter/a')).toBeUndefined();
    expect(parseKmsKeyArn('arn:aws:kms:eu-west-1:111122223333:alias/coder')).toBeUndefined();
  });

  test('a secret known by name matches exactly its own six-character suffix', () => {
    expect(secretArnPattern('aws', 'us-east-1', '111122223333', 'coder/db')).toBe(
      'arn:aws:secretsmanager:us-east-1:111122223333:secret:coder/db-??????',
    );
    expect(parameterArn('aws', 'us-east-1', '111122223333', '/coder/db')).toBe(
      'arn:aws:ssm:us-east-1:111122223333:parameter/coder/db',
    );
  });
});

describe('parseOidcIssuer', () => {
  test('accepts the issuer with or without https:// and keeps host and path', () => {
    const withScheme = parseOidcIssuer('https://oidc.eks.eu-west-1.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF');
    const without = parseOidcIssuer('oidc.eks.eu-west-1.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF');
    expect(withScheme).toEqual(without);
    expect(withScheme).toEqual({
      hostAndPath: 'oidc.eks.eu-west-1.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF',
      region: 'eu-west-1',
      domain: 'amazonaws.com',
      id: '0123456789ABCDEF0123456789ABCDEF',
    });
    expect(issuerUrl(withScheme!)).toBe('https://oidc.eks.eu-west-1.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF');
    expect(oidcProviderArn('aws', '111122223333', withScheme!)).toBe(
      'arn:aws:iam::111122223333:oidc-provider/' +
        'oidc.eks.eu-west-1.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF',
    );
  });

  test.each([
    'http://oidc.eks.eu-west-1.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF',
    'https://oidc.eks.eu-west-1.amazonaws.com/id/0123456789abcdef0123456789abcdef',
    'https://oidc.eks.eu-west-1.amazonaws.com/id/0123',
    'https://oidc.eks.eu-west-1.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF/',
    'https://token.actions.githubusercontent.com',
    '0123456789ABCDEF0123456789ABCDEF',
  ])('refuses %s', value => {
    expect(parseOidcIssuer(value)).toBeUndefined();
  });
});
