import { readFileSync, writeFileSync } from 'fs';
import { join } from 'path';
import { ConfigError, loadEnvironment } from '../lib/environment-config';
import { environmentWarnings } from '../lib/environment-rules';
import { tempDir, writeExampleVariant } from './support';

function problemsOf(file: string): { path: string; message: string }[] {
  try {
    loadEnvironment(file);
  } catch (err) {
    if (err instanceof ConfigError) {
      return [...err.problems];
    }
    throw err;
  }
  throw new Error(`${file} was accepted`);
}

const ARN = 'arn:aws:secretsmanager:us-east-1:111122223333:secret:coder/pg-AbCdEf';

// Each row: the rule, a one-change edit of the example, the field path the error must name, words it must say.
const rules: [string, (raw: any) => void, string, RegExp][] = [
  [
    'required field present',
    raw => {
      delete raw.cluster.region;
    },
    'cluster.region',
    /required, got nothing/,
  ],
  [
    'unknown keys rejected',
    raw => {
      raw.secrets[0].objectAlais = 'x';
    },
    'secrets[0].objectAlais',
    /unknown field/,
  ],
  [
    'namespace is a DNS-1123 label',
    raw => {
      raw.namespace.name = 'Coder_NS';
    },
    'namespace.name',
    /DNS-1123 label.*got "Coder_NS"/,
  ],
  [
    'object names are DNS-1123 subdomains',
    raw => {
      raw.secretProviderClass.name = 'Coder Secrets';
    },
    'secretProviderClass.name',
    /DNS-1123 subdomain/,
  ],
  [
    'region is a real AWS region',
    raw => {
      raw.cluster.region = 'us-east1';
    },
    'cluster.region',
    /AWS region.*got "us-east1"/,
  ],
  [
    'role ARN is an IAM role ARN',
    raw => {
      raw.serviceAccount.roleArn = 'arn:aws:iam::111122223333:user/coder';
    },
    'serviceAccount.roleArn',
    /IAM role ARN/,
  ],
  [
    'role ARN partition matches the region',
    raw => {
      raw.serviceAccount.roleArn = 'arn:aws-cn:iam::111122223333:role/coder';
    },
    'serviceAccount.roleArn',
    /partition aws, the partition of us-east-1/,
  ],
  [
    "role ARN is in the cluster's account",
    raw => {
      raw.serviceAccount.roleArn = 'arn:aws:iam::444455556666:role/coder';
    },
    'serviceAccount.roleArn',
    /cluster's account 111122223333/,
  ],
  [
    'account id has 12 digits',
    raw => {
      raw.cluster.accountId = '1111222233';
    },
    'cluster.accountId',
    /12-digit/,
  ],
  [
    'objectName required',
    raw => {
      delete raw.secrets[0].objectName;
    },
    'secrets[0].objectName',
    /required/,
  ],
  [
    'objectType is secretsmanager or ssmparameter',
    raw => {
      raw.secrets[0].objectType = 'ssm';
    },
    'secrets[0].objectType',
    /secretsmanager or ssmparameter, got "ssm"/,
  ],
  [
    'objectType required unless objectName is an ARN',
    raw => {
      delete raw.secrets[0].objectType;
    },
    'secrets[0].objectType',
    /required unless objectName is a full ARN/,
  ],
  [
    'ARN service agrees with objectType',
    raw => {
      raw.secrets[0].objectName = ARN;
      raw.secrets[0].objectType = 'ssmparameter';
    },
    'secrets[0].objectType',
    /agree with the ARN/,
  ],
  [
    'ARN region equals the SecretProviderClass region',
    raw => {
      raw.secrets[0].objectName = ARN.replace('us-east-1', 'eu-west-1');
    },
    'secrets[0].objectName',
    /must be an ARN in us-east-1/,
  ],
  [
    'SSM parameters are named, not given as ARNs',
    raw => {
      raw.secrets[0].objectName = 'arn:aws:ssm:us-east-1:111122223333:parameter/coder/pg';
      raw.secrets[0].objectType = 'ssmparameter';
    },
    'secrets[0].objectName',
    /given by name, not by ARN/,
  ],
  [
    'jmesPath entries need a path',
    raw => {
      delete raw.secrets[1].jmesPath[0].path;
    },
    'secrets[1].jmesPath[0].path',
    /required/,
  ],
  [
    'jmesPath entries need an objectAlias',
    raw => {
      delete raw.secrets[1].jmesPath[1].objectAlias;
    },
    'secrets[1].jmesPath[1].objectAlias',
    /required/,
  ],
  [
    'filePermission is four octal digits',
    raw => {
      raw.secrets[0].filePermission = '0800';
    },
    'secrets[0].filePermission',
    /four octal digits such as 0400, got "0800"/,
  ],
  [
    'pathTranslation is "False" or one character',
    raw => {
      raw.secretProviderClass.pathTranslation = '--';
    },
    'secretProviderClass.pathTranslation',
    /"False" or a single character/,
  ],
  [
    'failover needs objectAlias',
    raw => {
      raw.secretProviderClass.failoverRegion = 'us-west-2';
      delete raw.secrets[1].objectAlias;
      raw.secrets[1].failoverObject = { objectName: 'coder/github-oauth' };
    },
    'secrets[1].objectAlias',
    /required when failoverObject is set/,
  ],
  [
    'failover needs a failoverRegion',
    raw => {
      raw.secrets[0].failoverObject = { objectName: 'coder/pg' };
    },
    'secrets[0].failoverObject',
    /needs secretProviderClass.failoverRegion/,
  ],
  [
    'failoverRegion differs from the region',
    raw => {
      raw.secretProviderClass.failoverRegion = 'us-east-1';
    },
    'secretProviderClass.failoverRegion',
    /must differ from cluster.region/,
  ],
  [
    'mounted file names are unique',
    raw => {
      raw.secrets[1].jmesPath[0].objectAlias = 'pg-connection-url';
    },
    'secrets[1].jmesPath[0].objectAlias',
    /"pg-connection-url" is already used by secrets\[0\]\.objectAlias/,
  ],
  [
    'translated file names are unique',
    raw => {
      raw.secrets.push({ objectName: 'coder_postgres', objectType: 'secretsmanager' });
      raw.secrets.push({ objectName: 'coder/postgres', objectType: 'secretsmanager' });
    },
    'secrets[3].objectName',
    /mounted file name "coder_postgres" is already used by secrets\[2\]\.objectName/,
  ],
  [
    'no alias escapes the mount',
    raw => {
      raw.secretProviderClass.pathTranslation = 'False';
      raw.secrets[1].objectAlias = '../etc/passwd';
    },
    'secrets[1].objectAlias',
    /climb out of the mount/,
  ],
  [
    'files read through env are valid Secret keys',
    raw => {
      raw.secrets[0].objectAlias = 'pg url';
    },
    'secrets[0].objectAlias',
    /usable as a Kubernetes Secret key/,
  ],
  [
    'each setting is set once',
    raw => {
      raw.coder.env.CODER_OAUTH2_GITHUB_CLIENT_ID = 'abc';
    },
    'coder.env.CODER_OAUTH2_GITHUB_CLIENT_ID',
    /already set by secrets\[1\]\.jmesPath\[0\]\.env/,
  ],
  [
    'standard settings are not overridden',
    raw => {
      raw.coder.env.CODER_HTTP_ADDRESS = '0.0.0.0:80';
    },
    'coder.env.CODER_HTTP_ADDRESS',
    /set by the Deployment itself/,
  ],
  [
    'secret settings never come as plain values',
    raw => {
      raw.coder.env.CODER_OIDC_CLIENT_SECRET = 'not-a-real-value';
    },
    'coder.env.CODER_OIDC_CLIENT_SECRET',
    /carries secret material/,
  ],
  [
    'Coder gets a database URL',
    raw => {
      delete raw.secrets[0].env;
    },
    'secrets',
    /CODER_PG_CONNECTION_URL.*built-in PostgreSQL/,
  ],
  [
    'CODER_ACCESS_URL is an http(s) URL',
    raw => {
      raw.coder.accessUrl = 'coder.example.com';
    },
    'coder.accessUrl',
    /http/,
  ],
  [
    'the pod never runs as default',
    raw => {
      raw.serviceAccount.name = 'default';
    },
    'serviceAccount.name',
    /not be "default"/,
  ],
  [
    'workspace namespaces are distinct',
    raw => {
      raw.coder.workspaceNamespaces = [{ name: 'coder' }];
    },
    'coder.workspaceNamespaces[0].name',
    /must differ/,
  ],
  [
    'the image is pinned',
    raw => {
      raw.coder.version = 'latest';
    },
    'coder.version',
    /release number/,
  ],
  [
    "Coder's namespace is not a system namespace",
    raw => {
      raw.namespace.name = 'kube-system';
    },
    'namespace.name',
    /not a system namespace/,
  ],
  [
    "no workspace namespace is the CSI driver's",
    raw => {
      raw.coder.workspaceNamespaces = [{ name: 'aws-secrets-manager' }];
    },
    'coder.workspaceNamespaces[0].name',
    /the CSI driver's/,
  ],
  [
    'the mount hides nothing Coder needs',
    raw => {
      raw.secretProviderClass.mountPath = '/opt';
    },
    'secretProviderClass.mountPath',
    /must not be \/opt\/coder or a folder that holds it/,
  ],
  [
    'the mount shares no path with another volume',
    raw => {
      raw.secretProviderClass.mountPath = '/tmp';
    },
    'secretProviderClass.mountPath',
    /must not be \/tmp/,
  ],
  [
    'secret names use the characters AWS allows',
    raw => {
      raw.secrets[1].objectName = 'coder/git?ub';
    },
    'secrets[1].objectName',
    /no spaces or wildcards/,
  ],
  [
    'parameter names use the characters AWS allows',
    raw => {
      raw.secrets.push({ objectName: '/coder/feature flags', objectType: 'ssmparameter', objectAlias: 'flags' });
    },
    'secrets[2].objectName',
    /must be a parameter name/,
  ],
  [
    'quantities are Kubernetes quantities',
    raw => {
      raw.coder.resources = { limits: { memory: '-1Gi' } };
    },
    'coder.resources.limits.memory',
    /Kubernetes quantity/,
  ],
  [
    'requests fit within limits',
    raw => {
      raw.coder.resources = { requests: { memory: '8Gi' } };
    },
    'coder.resources.requests.memory',
    /must not exceed the limit 4Gi, got "8Gi"/,
  ],
  [
    "Coder's name starts with a letter (Service names do)",
    raw => {
      raw.coder.name = '1coder';
    },
    'coder.name',
    /DNS-1035/,
  ],
  [
    'Service annotation keys are qualified names',
    raw => {
      raw.coder.service.annotations = { 'bad key!': 'x' };
    },
    'coder.service.annotations.bad key!',
    /annotation key/,
  ],
  [
    'pathTranslation is one ASCII character',
    raw => {
      raw.secretProviderClass.pathTranslation = 'é';
    },
    'secretProviderClass.pathTranslation',
    /single character/,
  ],
  [
    'a file name is not the mount itself',
    raw => {
      raw.secrets[0].objectAlias = '.';
    },
    'secrets[0].objectAlias',
    /not the mount directory itself/,
  ],
  [
    'the cache directory stays on its writable volume',
    raw => {
      raw.coder.env.CODER_CACHE_DIRECTORY = '/home/coder/.cache';
    },
    'coder.env.CODER_CACHE_DIRECTORY',
    /writable cache volume/,
  ],
  [
    'replicas stay in range',
    raw => {
      raw.coder.replicas = 3000000000;
    },
    'coder.replicas',
    /at most 1000/,
  ],
  [
    'jmesPath paths are JMESPath expressions',
    raw => {
      raw.secrets[1].jmesPath[0].path = 'client-id';
    },
    'secrets[1].jmesPath[0].path',
    /must be a JMESPath expression/,
  ],
  [
    'an SSM failover object takes a version or a label, not both',
    raw => {
      raw.secretProviderClass.failoverRegion = 'us-west-2';
      raw.secrets.push({
        objectName: '/coder/param',
        objectType: 'ssmparameter',
        objectAlias: 'param',
        failoverObject: { objectName: '/coder/param-dr', objectVersion: '3', objectVersionLabel: 'current' },
      });
    },
    'secrets[2].failoverObject.objectVersionLabel',
    /objectVersion or objectVersionLabel, not both/,
  ],
  [
    'versions have the form each store uses',
    raw => {
      raw.secrets[0].objectVersion = 'v1';
    },
    'secrets[0].objectVersion',
    /Secrets Manager version id/,
  ],
  [
    'hierarchical SSM names start with a slash',
    raw => {
      raw.secrets.push({ objectName: 'coder/param', objectType: 'ssmparameter', objectAlias: 'param' });
    },
    'secrets[2].objectName',
    /leading slash/,
  ],
  [
    'a file is not also a folder (pathTranslation "False")',
    raw => {
      raw.secretProviderClass.pathTranslation = 'False';
      raw.secrets[0].objectAlias = 'cfg';
      raw.secrets[1].objectAlias = 'cfg/oauth.json';
    },
    '',
    /mounted file "cfg" \(secrets\[0\]\.objectAlias\) would also have to be the folder of "cfg\/oauth\.json"/,
  ],
  [
    'an ARN given with a failover region has a failoverObject',
    raw => {
      raw.secretProviderClass.failoverRegion = 'us-west-2';
      raw.secrets[0].objectName = 'arn:aws:secretsmanager:us-east-1:111122223333:secret:coder/pg-AbCdEf';
    },
    'secrets[0].failoverObject',
    /is required for an object given by ARN/,
  ],
  [
    'a file Coder reads by path is readable by Coder',
    raw => {
      raw.secrets.push({
        objectName: 'coder/tls-key',
        objectType: 'secretsmanager',
        objectAlias: 'tls.key',
        filePermission: '0400',
        fileEnv: 'CODER_TLS_KEY_FILE',
      });
    },
    'secrets[2].filePermission',
    /must let others read the file/,
  ],
  [
    'setting names are environment variable names',
    raw => {
      raw.coder.env['CODER-PG-URL'] = 'x';
    },
    'coder.env.CODER-PG-URL',
    /key must be an environment variable name/,
  ],
];

describe('environment file rules', () => {
  test.each(rules)('%s', (_rule, patch, path, message) => {
    const problems = problemsOf(writeExampleVariant(patch));
    const matching = problems.filter(p => p.path === path);
    expect(matching.map(p => p.message)).toEqual(expect.arrayContaining([expect.stringMatching(message)]));
  });

  test('the example environment breaks none of them', () => {
    expect(() => loadEnvironment(writeExampleVariant(() => undefined))).not.toThrow();
  });

  test('a file with several problems reports all of them, each with its path', () => {
    const file = writeExampleVariant(raw => {
      raw.cluster.region = 'mars-1';
      raw.namespace.name = 'Coder';
      raw.secrets[0].objectType = 'ssm';
      raw.secrets[1].jmesPath[0].objectAlias = 'pg-connection-url';
      raw.coder.version = 'latest';
    });
    expect(problemsOf(file).map(p => p.path)).toEqual(
      expect.arrayContaining([
        'cluster.region',
        'namespace.name',
        'secrets[0].objectType',
        'secrets[1].jmesPath[0].objectAlias',
        'coder.version',
      ]),
    );
  });

  test('errors read <file>: <field path>: <what is wrong>, got <value>', () => {
    const file = writeExampleVariant(raw => {
      raw.secrets[1].objectType = 'ssm';
    });
    expect(() => loadEnvironment(file)).toThrow(
      `${file}: secrets[1].objectType: must be secretsmanager or ssmparameter, got "ssm"`,
    );
  });

  test('a plain secret value is never echoed', () => {
    // Assembled at run time so that this file holds no secret-shaped literal.
    const password = ['not', 'a', 'real', 'password'].join('-');
    const file = writeExampleVariant(raw => {
      raw.coder.env.CODER_PG_CONNECTION_URL = ['postgres://coder', password].join(':') + '@db/coder';
    });
    expect(() => loadEnvironment(file)).toThrow(/CODER_PG_CONNECTION_URL carries secret material/);
    expect(() => loadEnvironment(file)).not.toThrow(password);
  });

  // Secret-shaped values are assembled at run time, so that this file holds none.
  const password = ['not', 'a', 'real', 'one'].join('-');
  const accessKey = ['AKIA', 'IOSFODNN7', 'EXAMPLE'].join('');
  const randomLooking = ['Zq8XvR3kLm9P', 'wT2bYc7NfH4jG', 'd6Ks1AeUo5Ii0Ve'].join('');
  test.each([
    [
      'a secret setting of the wrong type',
      (raw: any) => {
        raw.coder.env.CODER_OIDC_CLIENT_SECRET = [password];
      },
      'coder.env.CODER_OIDC_CLIENT_SECRET',
    ],
    [
      'a setting named like a secret',
      (raw: any) => {
        raw.coder.env.CODER_EXTERNAL_TOKEN_ENCRYPTION_KEYS = password;
      },
      'coder.env.CODER_EXTERNAL_TOKEN_ENCRYPTION_KEYS',
    ],
    [
      'an access key in an innocent setting',
      (raw: any) => {
        raw.coder.env.CODER_BANNER = accessKey;
      },
      'coder.env.CODER_BANNER',
    ],
    [
      'a password after a slash, with IAM database authentication',
      (raw: any) => {
        delete raw.secrets[0].env;
        raw.coder.env.CODER_PG_CONNECTION_AUTH = 'awsiamrds';
        raw.coder.env.CODER_PG_CONNECTION_URL = ['postgres://coder', `pa/${password}@db/coder`].join(':');
      },
      'coder.env.CODER_PG_CONNECTION_URL',
    ],
    [
      'a password parameter, with IAM database authentication',
      (raw: any) => {
        delete raw.secrets[0].env;
        raw.coder.env.CODER_PG_CONNECTION_AUTH = 'awsiamrds';
        raw.coder.env.CODER_PG_CONNECTION_URL = `host=db user=coder ${['password', password].join('=')}`;
      },
      'coder.env.CODER_PG_CONNECTION_URL',
    ],
    [
      'credentials in the access URL',
      (raw: any) => {
        raw.coder.accessUrl = ['https://admin', `${password}@coder.example.com`].join(':');
      },
      'coder.accessUrl',
    ],
    [
      'credentials in the Argo CD repository URL',
      (raw: any) => {
        raw.argocd.repoURL = ['https://x-access-token', `${password}@git.example.com/platform/coder.git`].join(':');
      },
      'argocd.repoURL',
    ],
  ])('%s is refused and never echoed', (_what, patch, path) => {
    const file = writeExampleVariant(patch);
    const problems = problemsOf(file);
    expect(problems.map(p => p.path)).toContain(path);
    expect(JSON.stringify(problems)).not.toContain(password);
    expect(JSON.stringify(problems)).not.toContain(accessKey);
    expect(JSON.stringify(problems)).not.toContain(randomLooking);
  });

  test('a password-less URL may be plain with IAM database authentication', () => {
    const file = writeExampleVariant(raw => {
      delete raw.secrets[0].env;
      raw.coder.env.CODER_PG_CONNECTION_AUTH = 'awsiamrds';
      raw.coder.env.CODER_PG_CONNECTION_URL = 'postgres://coder@db.example.com:5432/coder?sslmode=verify-full';
    });
    expect(() => loadEnvironment(file)).not.toThrow();
  });

  test('YAML syntax errors name the line', () => {
    const file = join(tempDir(), 'broken.yaml');
    writeFileSync(file, 'cluster:\n  name: [unclosed\n');
    expect(problemsOf(file)[0].message).toMatch(/not valid YAML at line \d+/);
  });

  test('an empty file says so', () => {
    const file = join(tempDir(), 'empty.yaml');
    writeFileSync(file, '# nothing yet\n');
    expect(problemsOf(file)).toEqual([{ path: '', message: expect.stringMatching(/^is empty/) }]);
  });

  test('YAML merge keys are resolved', () => {
    const file = writeExampleVariant(() => undefined);
    const text = readFileSync(file, 'utf8');
    const merged = text.replace(
      'objectName: coder/postgres-connection-url\n    objectType: secretsmanager',
      'objectName: coder/postgres-connection-url\n    <<: { objectType: secretsmanager }',
    );
    expect(merged).not.toBe(text);
    writeFileSync(file, merged);
    expect(loadEnvironment(file).secrets[0].objectType).toBe('secretsmanager');
  });

  test('a missing file is named', () => {
    expect(() => loadEnvironment('/nonexistent/env.yaml')).toThrow('/nonexistent/env.yaml: cannot be read: ENOENT');
  });
});

describe('warnings for valid but risky settings', () => {
  test('rotation with settings read through env', () => {
    const config = loadEnvironment(
      writeExampleVariant(raw => {
        raw.csiDriver.rotation = { enabled: true };
        raw.coder.restartOnSecretChange = false;
      }),
    );
    const warnings = environmentWarnings(config);
    expect(warnings.map(w => w.path)).toEqual([
      'secrets[0].env',
      'secrets[1].jmesPath[0].env',
      'secrets[1].jmesPath[1].env',
    ]);
    expect(warnings[0].message).toMatch(/never changes until the pod restarts/);
  });

  test('more than one replica', () => {
    const config = loadEnvironment(
      writeExampleVariant(raw => {
        raw.coder.replicas = 2;
      }),
    );
    expect(environmentWarnings(config)).toEqual([expect.objectContaining({ path: 'coder.replicas' })]);
  });

  test('none for the example environment', () => {
    expect(environmentWarnings(loadEnvironment(writeExampleVariant(() => undefined)))).toEqual([]);
  });
});
