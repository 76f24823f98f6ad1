import { ascpAddonConfiguration } from '../lib/addon-configuration';
import { AWS_FILES, formatJson } from '../lib/aws-outputs';
import { EnvironmentConfig } from '../lib/environment-config';
import { permissionsPolicySchema, trustPolicySchema } from '../lib/iam-policies';
import { exampleConfig, find, podIdentityConfig, synthAll } from './support';

const ISSUER = 'oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE';
const ROLE_ARN = 'arn:aws:iam::111122223333:role/coder-secrets-reader';
const KEY = 'arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab';

describe("the example environment's AWS side", () => {
  const { aws } = synthAll(exampleConfig());

  test('writes the policies, the add-on values and the summary, and no Pod Identity association', () => {
    expect(Object.keys(aws).sort()).toEqual([
      'addon-configuration.json',
      'permissions-policy.json',
      'summary.json',
      'trust-policy.json',
    ]);
  });

  test("the trust policy admits only coder:coder through the cluster's OIDC provider", () => {
    expect(aws[AWS_FILES.trustPolicy]).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'AssumeFromServiceAccount',
          Effect: 'Allow',
          Principal: { Federated: `arn:aws:iam::111122223333:oidc-provider/${ISSUER}` },
          Action: ['sts:AssumeRoleWithWebIdentity'],
          Condition: {
            StringEquals: {
              [`${ISSUER}:sub`]: 'system:serviceaccount:coder:coder',
              [`${ISSUER}:aud`]: 'sts.amazonaws.com',
            },
          },
        },
      ],
    });
  });

  test('the permissions policy reads exactly the two configured secrets and nothing else', () => {
    expect(aws[AWS_FILES.permissionsPolicy]).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'ReadSecrets',
          Effect: 'Allow',
          Action: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'],
          Resource: [
            'arn:aws:secretsmanager:us-east-1:111122223333:secret:coder/postgres-connection-url-??????',
            'arn:aws:secretsmanager:us-east-1:111122223333:secret:coder/github-oauth-??????',
          ],
        },
      ],
    });
  });

  test('the add-on values turn on secret sync and rotation every 2m', () => {
    expect(aws[AWS_FILES.addonConfiguration]).toEqual({
      'secrets-store-csi-driver': {
        syncSecret: { enabled: true },
        enableSecretRotation: true,
        rotationPollInterval: '2m',
      },
    });
  });

  test('the summary names the role, the issuer, the add-on and the files', () => {
    expect(aws[AWS_FILES.summary]).toEqual({
      auth: 'irsa',
      cluster: { name: 'coder-example', region: 'us-east-1', accountId: '111122223333' },
      serviceAccount: { namespace: 'coder', name: 'coder' },
      role: {
        arn: ROLE_ARN,
        name: 'coder-secrets-reader',
        path: '/',
        trustPolicyFile: 'trust-policy.json',
        permissionsPolicyName: 'coder-secrets-read',
        permissionsPolicyFile: 'permissions-policy.json',
      },
      oidcIssuer: `https://${ISSUER}`,
      oidcProviderArn: `arn:aws:iam::111122223333:oidc-provider/${ISSUER}`,
      addons: [{ name: 'aws-secrets-store-csi-driver-provider', configurationValuesFile: 'addon-configuration.json' }],
    });
  });
});

describe("the trust policy's sub", () => {
  /** Deterministic pseudo-random numbers in [0, 1) (mulberry32), so that every run tries the same names. */
  function random(seed: number): () => number {
    let state = seed;
    return () => {
      state = (state + 0x6d2b79f5) | 0;
      let t = Math.imul(state ^ (state >>> 15), 1 | state);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
  }

  const ALNUM = 'abcdefghijklmnopqrstuvwxyz0123456789';
  const next = random(20261204);
  const pick = (chars: string) => chars[Math.floor(next() * chars.length)];

  /** A DNS-1123 label of 1 to `max` characters: letters, digits and inner dashes. */
  function dnsLabel(max: number): string {
    const length = 1 + Math.floor(next() * max);
    let label = pick(ALNUM);
    for (let i = 1; i < length - 1; i++) {
      label += pick(`${ALNUM}--`);
    }
    return length > 1 ? label + pick(ALNUM) : label;
  }

  /** A DNS-1123 subdomain of one to four labels, at most 253 characters. */
  function dnsSubdomain(): string {
    const labels = Array.from({ length: 1 + Math.floor(next() * 4) }, () => dnsLabel(63));
    return labels
      .join('.')
      .slice(0, 253)
      .replace(/[-.]+$/, '');
  }

  const cases: [string, string][] = [
    ['a', 'b'],
    ['x'.repeat(63), 'y'.repeat(253)],
    ['0', '9.9'],
    ...Array.from({ length: 60 }, (): [string, string] => [dnsLabel(63), dnsSubdomain()]),
  ];

  test.each(cases)('namespace %s, ServiceAccount %s: equals the account the pod runs as', (namespace, name) => {
    // GIVEN
    const config = exampleConfig(raw => {
      raw.namespace.name = namespace;
      raw.serviceAccount.name = name;
    });

    // WHEN
    const { objects, aws } = synthAll(config);

    // THEN
    const sa = find(objects, 'ServiceAccount');
    expect(sa.metadata).toMatchObject({ name, namespace });
    expect(find(objects, 'Deployment').spec.template.spec.serviceAccountName).toBe(sa.metadata.name);
    expect(aws[AWS_FILES.trustPolicy].Statement[0].Condition.StringEquals[`${ISSUER}:sub`]).toBe(
      `system:serviceaccount:${sa.metadata.namespace}:${sa.metadata.name}`,
    );
    expect(aws[AWS_FILES.summary].serviceAccount).toEqual({ namespace: sa.metadata.namespace, name: sa.metadata.name });
  });
});

describe('Pod Identity mode', () => {
  const { objects, aws } = synthAll(podIdentityConfig());

  test('the trust policy trusts pods.eks.amazonaws.com to assume the role and tag the session', () => {
    expect(aws[AWS_FILES.trustPolicy]).toEqual({
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
  });

  test('the association is written on its own and in the summary, for the ServiceAccount actually emitted', () => {
    const sa = find(objects, 'ServiceAccount');
    const association = {
      clusterName: 'coder-example',
      namespace: sa.metadata.namespace,
      serviceAccount: sa.metadata.name,
      roleArn: ROLE_ARN,
    };
    expect(aws[AWS_FILES.podIdentityAssociation]).toEqual(association);
    expect(aws[AWS_FILES.summary]).toMatchObject({
      auth: 'podIdentity',
      addons: [
        { name: 'eks-pod-identity-agent' },
        { name: 'aws-secrets-store-csi-driver-provider', configurationValuesFile: 'addon-configuration.json' },
      ],
      podIdentityAssociation: association,
      podIdentityAssociationFile: 'pod-identity-association.json',
    });
    expect(aws[AWS_FILES.summary].oidcIssuer).toBeUndefined();
  });

  test('the permissions policy is the same as with IRSA', () => {
    expect(aws[AWS_FILES.permissionsPolicy]).toEqual(synthAll(exampleConfig()).aws[AWS_FILES.permissionsPolicy]);
  });
});

describe('every generated policy', () => {
  const variants: [string, EnvironmentConfig][] = [
    ['the example', exampleConfig()],
    ['Pod Identity', podIdentityConfig()],
    [
      'parameters, an ARN, failover and a customer-managed key',
      exampleConfig(raw => {
        raw.kmsKeyArn = KEY;
        raw.secretProviderClass.failoverRegion = 'us-west-2';
        raw.secrets.push(
          { objectName: '/coder/license', objectType: 'ssmparameter', objectAlias: 'license' },
          {
            objectName: 'arn:aws:secretsmanager:us-east-1:111122223333:secret:coder/tls-AbCdEf',
            objectAlias: 'tls',
            failoverObject: { objectName: 'arn:aws:secretsmanager:us-west-2:111122223333:secret:coder/tls-XyZabc' },
          },
        );
      }),
    ],
    [
      'the China partition',
      exampleConfig(raw => {
        raw.cluster.region = 'cn-north-1';
        raw.cluster.oidcIssuer = 'https://oidc.eks.cn-north-1.amazonaws.com.cn/id/0123456789ABCDEF0123456789ABCDEF';
        raw.serviceAccount.roleArn = 'arn:aws-cn:iam::111122223333:role/coder-secrets-reader';
      }),
    ],
  ];

  test.each(variants)('%s: is a valid policy document with no "*" resource', (_, config) => {
    const { aws } = synthAll(config);
    expect(trustPolicySchema.safeParse(aws[AWS_FILES.trustPolicy]).error).toBeUndefined();
    expect(permissionsPolicySchema.safeParse(aws[AWS_FILES.permissionsPolicy]).error).toBeUndefined();
    for (const statement of aws[AWS_FILES.permissionsPolicy].Statement) {
      expect(statement.Resource.length).toBeGreaterThan(0);
      for (const resource of statement.Resource) {
        expect(resource).not.toContain('*');
      }
    }
  });

  test('in the China partition every ARN says aws-cn', () => {
    const { aws } = synthAll(variants[3][1]);
    expect(aws[AWS_FILES.trustPolicy].Statement[0].Principal.Federated).toMatch(
      /^arn:aws-cn:iam::111122223333:oidc-provider\//,
    );
    for (const resource of aws[AWS_FILES.permissionsPolicy].Statement[0].Resource) {
      expect(resource).toMatch(/^arn:aws-cn:secretsmanager:cn-north-1:/);
    }
  });

  test('with parameters, failover and a key: each object in both regions, kms:Decrypt through both services', () => {
    const policy = synthAll(variants[2][1]).aws[AWS_FILES.permissionsPolicy];
    expect(policy.Statement.map((s: any) => s.Sid)).toEqual([
      'ReadSecrets',
      'ReadParameters',
      'DecryptThroughSecretStores',
    ]);
    expect(policy.Statement[0].Resource).toEqual([
      'arn:aws:secretsmanager:us-east-1:111122223333:secret:coder/postgres-connection-url-??????',
      'arn:aws:secretsmanager:us-west-2:111122223333:secret:coder/postgres-connection-url-??????',
      'arn:aws:secretsmanager:us-east-1:111122223333:secret:coder/github-oauth-??????',
      'arn:aws:secretsmanager:us-west-2:111122223333:secret:coder/github-oauth-??????',
      'arn:aws:secretsmanager:us-east-1:111122223333:secret:coder/tls-AbCdEf',
      'arn:aws:secretsmanager:us-west-2:111122223333:secret:coder/tls-XyZabc',
    ]);
    expect(policy.Statement[1].Resource).toEqual([
      'arn:aws:ssm:us-east-1:111122223333:parameter/coder/license',
      'arn:aws:ssm:us-west-2:111122223333:parameter/coder/license',
    ]);
    expect(policy.Statement[2]).toMatchObject({
      Resource: [KEY],
      Condition: {
        StringEquals: { 'kms:ViaService': ['secretsmanager.us-east-1.amazonaws.com', 'ssm.us-east-1.amazonaws.com'] },
      },
    });
  });
});

describe('ascpAddonConfiguration', () => {
  test("leaves rotation to the driver's default when it is off", () => {
    expect(ascpAddonConfiguration({ syncSecret: true })).toEqual({
      'secrets-store-csi-driver': { syncSecret: { enabled: true } },
    });
  });

  test('follows the environment: no env-consumed secret, no sync; rotation with its interval', () => {
    // With IAM database authentication the URL holds no password and may be a plain setting.
    const config = exampleConfig(raw => {
      delete raw.secrets[0].env;
      raw.secrets[1].jmesPath.forEach((entry: any) => {
        delete entry.env;
      });
      raw.coder.env.CODER_PG_CONNECTION_AUTH = 'awsiamrds';
      raw.coder.env.CODER_PG_CONNECTION_URL = 'postgres://coder@db.example.com:5432/coder';
      raw.csiDriver.rotation = { enabled: true, pollInterval: '30s' };
    });
    expect(synthAll(config).aws[AWS_FILES.addonConfiguration]).toEqual({
      'secrets-store-csi-driver': {
        syncSecret: { enabled: false },
        enableSecretRotation: true,
        rotationPollInterval: '30s',
      },
    });
  });
});

describe('formatJson', () => {
  test('writes two-space JSON with a final newline, the same bytes every time', () => {
    expect(formatJson({ b: 1, a: [true] })).toBe('{\n  "b": 1,\n  "a": [\n    true\n  ]\n}\n');
    const render = () => Object.values(synthAll(exampleConfig()).aws).map(formatJson).join('');
    expect(render()).toBe(render());
  });
});
