import { ConfigError } from '../lib/environment-config';
import { exampleConfig } from './support';

const KEY = 'arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab';
const ISSUER_ID = 'EXAMPLED539D4633E53DE1B71EXAMPLE';

/** The lines of the ConfigError that `patch` causes; fails the test when the patched example is valid. */
function problems(patch: (raw: any) => void): string[] {
  try {
    exampleConfig(patch);
  } catch (err) {
    if (err instanceof ConfigError) {
      return err.message.split('\n');
    }
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('auth and the OIDC issuer', () => {
  test('the example uses IRSA with its issuer, stored without the scheme', () => {
    const config = exampleConfig();
    expect(config.auth).toBe('irsa');
    expect(config.cluster.oidcIssuer).toEqual({
      hostAndPath: `oidc.eks.us-east-1.amazonaws.com/id/${ISSUER_ID}`,
      region: 'us-east-1',
      domain: 'amazonaws.com',
      id: ISSUER_ID,
    });
  });

  test('IRSA is the default', () => {
    expect(
      exampleConfig(raw => {
        delete raw.auth;
      }).auth,
    ).toBe('irsa');
  });

  test('IRSA needs the issuer; Pod Identity does not', () => {
    expect(
      problems(raw => {
        delete raw.cluster.oidcIssuer;
      }),
    ).toEqual([
      'test.yaml: cluster.oidcIssuer: required with auth: irsa (aws eks describe-cluster --name <cluster> ' +
        '--query cluster.identity.oidc.issuer prints it), got nothing',
    ]);
    const config = exampleConfig(raw => {
      raw.auth = 'podIdentity';
      delete raw.cluster.oidcIssuer;
      delete raw.serviceAccount.stsRegionalEndpoints;
    });
    expect(config.auth).toBe('podIdentity');
  });

  test("the issuer must be an EKS issuer of the cluster's region", () => {
    expect(
      problems(raw => {
        raw.cluster.oidcIssuer = 'https://token.actions.githubusercontent.com';
      }),
    ).toEqual([
      'test.yaml: cluster.oidcIssuer: must be an EKS OIDC issuer such as ' +
        'https://oidc.eks.<region>.amazonaws.com/id/<32-character id>, ' +
        'got "https://token.actions.githubusercontent.com"',
    ]);
    expect(
      problems(raw => {
        raw.cluster.oidcIssuer = `oidc.eks.eu-west-1.amazonaws.com/id/${ISSUER_ID}`;
      }),
    ).toEqual([
      'test.yaml: cluster.oidcIssuer: must be the issuer of a cluster in us-east-1, ' +
        `got "oidc.eks.eu-west-1.amazonaws.com/id/${ISSUER_ID}"`,
    ]);
  });

  test('auth is irsa or podIdentity', () => {
    expect(
      problems(raw => {
        raw.auth = 'pod-identity';
      }),
    ).toEqual(['test.yaml: auth: must be irsa or podIdentity, got "pod-identity"']);
  });

  test('Pod Identity refuses the IRSA-only webhook annotations instead of ignoring them', () => {
    expect(
      problems(raw => {
        raw.auth = 'podIdentity';
        raw.serviceAccount.tokenExpirationSeconds = 3600;
      }),
    ).toEqual([
      'test.yaml: serviceAccount.stsRegionalEndpoints: applies to IRSA only; remove it with auth: podIdentity, ' +
        'got true',
      'test.yaml: serviceAccount.tokenExpirationSeconds: applies to IRSA only; remove it with auth: podIdentity, ' +
        'got 3600',
    ]);
  });
});

describe('ARNs the policies are built from', () => {
  test("the role must be in the cluster's partition and account", () => {
    expect(
      problems(raw => {
        raw.serviceAccount.roleArn = 'arn:aws:iam::444455556666:role/reader';
      }),
    ).toEqual([
      "test.yaml: serviceAccount.roleArn: must be in the cluster's account 111122223333: the generated policies " +
        'expect the role, its OIDC provider and the secrets given by name in one account, ' +
        'got "arn:aws:iam::444455556666:role/reader"',
    ]);
    expect(
      problems(raw => {
        raw.serviceAccount.roleArn = 'arn:aws-cn:iam::111122223333:role/reader';
      }),
    ).toEqual([
      'test.yaml: serviceAccount.roleArn: must be in partition aws, the partition of us-east-1, ' +
        'got "arn:aws-cn:iam::111122223333:role/reader"',
    ]);
  });

  test("the KMS key is a key ARN, not an alias, in the cluster's region", () => {
    expect(
      exampleConfig(raw => {
        raw.kmsKeyArn = KEY;
      }).kmsKeyArn,
    ).toBe(KEY);
    expect(
      problems(raw => {
        raw.kmsKeyArn = 'arn:aws:kms:us-east-1:111122223333:alias/coder';
      }),
    ).toEqual([
      'test.yaml: kmsKeyArn: must be a KMS key ARN: arn:<partition>:kms:<region>:<12-digit account>:key/<key id> ' +
        '(not an alias), got "arn:aws:kms:us-east-1:111122223333:alias/coder"',
    ]);
    const elsewhere = KEY.replace('us-east-1', 'us-west-2');
    expect(
      problems(raw => {
        raw.kmsKeyArn = elsewhere;
      }),
    ).toEqual([`test.yaml: kmsKeyArn: must be a key in us-east-1, where the secrets are read, got "${elsewhere}"`]);
  });

  test("an object without objectType must be a Secrets Manager ARN in the cluster's region", () => {
    expect(
      problems(raw => {
        delete raw.secrets[0].objectType;
      }),
    ).toEqual([
      'test.yaml: secrets[0].objectType: is required unless objectName is a full ARN: secretsmanager or ssmparameter, got nothing',
    ]);
    expect(
      problems(raw => {
        raw.secrets[0].objectName = 'arn:aws:ssm:us-east-1:111122223333:parameter/coder/db';
        delete raw.secrets[0].objectType;
      }),
    ).toEqual([
      'test.yaml: secrets[0].objectName: SSM parameters are given by name, not by ARN, ' +
        'got "arn:aws:ssm:us-east-1:111122223333:parameter/coder/db"',
    ]);
    expect(
      problems(raw => {
        raw.secrets[0].objectName = 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:coder/db-AbCdEf';
      }),
    ).toEqual([
      'test.yaml: secrets[0].objectName: must be an ARN in us-east-1: ASCP reads each ARN in the region it is ' +
        'listed for, got "arn:aws:secretsmanager:eu-west-1:111122223333:secret:coder/db-AbCdEf"',
    ]);
  });

  test('a failoverObject needs a failover region, and its ARN must be in that region', () => {
    expect(
      problems(raw => {
        raw.secrets[0].failoverObject = { objectName: 'coder/db-replica' };
      }),
    ).toEqual([
      'test.yaml: secrets[0].failoverObject: needs secretProviderClass.failoverRegion, ' +
        'got {"objectName":"coder/db-replica"}',
    ]);
    const arn = 'arn:aws:secretsmanager:us-east-1:111122223333:secret:coder/db-AbCdEf';
    expect(
      problems(raw => {
        raw.secretProviderClass.failoverRegion = 'us-west-2';
        raw.secrets[0].failoverObject = { objectName: arn };
      }),
    ).toEqual([
      'test.yaml: secrets[0].failoverObject.objectName: must be an ARN in us-west-2: ASCP reads each ARN in the ' +
        `region it is listed for, got "${arn}"`,
    ]);
  });

  test("the failover region differs from the cluster's and shares its partition", () => {
    expect(
      problems(raw => {
        raw.secretProviderClass.failoverRegion = 'us-east-1';
      }),
    ).toEqual(['test.yaml: secretProviderClass.failoverRegion: must differ from cluster.region, got "us-east-1"']);
    expect(
      problems(raw => {
        raw.secretProviderClass.failoverRegion = 'us-gov-west-1';
      }),
    ).toEqual([
      'test.yaml: secretProviderClass.failoverRegion: must be in partition aws, like us-east-1, got "us-gov-west-1"',
    ]);
  });

  test('a field that fails its own check does not also break the rules that read it', () => {
    expect(
      problems(raw => {
        raw.cluster.region = 'us-east1';
        raw.kmsKeyArn = 'not-an-arn';
        raw.cluster.oidcIssuer = 'oidc';
      }),
    ).toEqual([
      'test.yaml: cluster.region: must be an AWS region such as us-east-1, got "us-east1"',
      'test.yaml: cluster.oidcIssuer: must be an EKS OIDC issuer such as ' +
        'https://oidc.eks.<region>.amazonaws.com/id/<32-character id>, got "oidc"',
      'test.yaml: kmsKeyArn: must be a KMS key ARN: arn:<partition>:kms:<region>:<12-digit account>:key/<key id> ' +
        '(not an alias), got "not-an-arn"',
    ]);
  });
});
