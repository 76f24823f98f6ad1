import { readdirSync } from 'fs';
import { join } from 'path';
import { JsonPatch, Testing } from 'cdk8s';
import { CoderDeployment } from '../lib/coder-deployment';
import { loadEnvironment } from '../lib/environment-config';
import { environmentWarnings } from '../lib/environment-rules';
import { restrictedViolations } from '../lib/pod-security';
import { exampleConfig, find, Manifest, ROOT, synthAll, synthObjects } from './support';

const ENV_DIR = join(ROOT, 'environments');
const environments = readdirSync(ENV_DIR)
  .filter(f => f.endsWith('.yaml'))
  .sort()
  .map(file => [file, synthObjects(loadEnvironment(join(ENV_DIR, file)))] as [string, Manifest[]]);

/** Every pod template an environment emits, with the object that owns it. */
function podTemplates(objects: Manifest[]): [Manifest, any][] {
  return objects.filter(o => o.spec?.template?.spec).map(o => [o, o.spec.template.spec]);
}

/** Each control of the restricted profile, checked on every pod template of every environment. */
const controls: [string, (pod: any, container: any) => boolean][] = [
  ['runs as non-root', (pod, c) => (c.securityContext?.runAsNonRoot ?? pod.securityContext?.runAsNonRoot) === true],
  ['runs with a non-zero uid', (pod, c) => (c.securityContext?.runAsUser ?? pod.securityContext?.runAsUser) !== 0],
  ['forbids privilege escalation', (_pod, c) => c.securityContext?.allowPrivilegeEscalation === false],
  ['drops ALL capabilities', (_pod, c) => (c.securityContext?.capabilities?.drop ?? []).includes('ALL')],
  [
    'adds no capability beyond NET_BIND_SERVICE',
    (_pod, c) => (c.securityContext?.capabilities?.add ?? []).every((cap: string) => cap === 'NET_BIND_SERVICE'),
  ],
  [
    'uses seccomp RuntimeDefault or Localhost',
    (pod, c) =>
      ['RuntimeDefault', 'Localhost'].includes(
        c.securityContext?.seccompProfile?.type ?? pod.securityContext?.seccompProfile?.type,
      ),
  ],
  ['is not privileged', (_pod, c) => !c.securityContext?.privileged],
  ['uses no host ports', (_pod, c) => (c.ports ?? []).every((p: any) => !p.hostPort)],
  ['shares no host namespace', pod => !pod.hostNetwork && !pod.hostPID && !pod.hostIPC],
  ['mounts no host path', pod => (pod.volumes ?? []).every((v: any) => v.hostPath === undefined)],
  [
    'uses allowed volume types only',
    pod =>
      (pod.volumes ?? []).every((v: any) =>
        Object.keys(v)
          .filter(k => k !== 'name')
          .every(t =>
            [
              'configMap',
              'csi',
              'downwardAPI',
              'emptyDir',
              'ephemeral',
              'persistentVolumeClaim',
              'projected',
              'secret',
            ].includes(t),
          ),
      ),
  ],
];

describe.each(environments)('%s: restricted Pod Security Standard', (_file, objects) => {
  test.each(controls)('every container %s', (_control, holds) => {
    const templates = podTemplates(objects);
    expect(templates.length).toBeGreaterThan(0);
    for (const [, pod] of templates) {
      for (const container of [...pod.containers, ...(pod.initContainers ?? [])]) {
        expect(holds(pod, container)).toBe(true);
      }
    }
  });

  test('the checker finds no violation either', () => {
    for (const [, pod] of podTemplates(objects)) {
      expect(restrictedViolations(pod)).toEqual([]);
    }
  });
});

describe('the restricted checker', () => {
  const compliant = () => ({
    securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
    containers: [{ name: 'c', securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } } }],
    volumes: [{ name: 'v', emptyDir: {} }],
  });

  test('accepts a compliant pod', () => {
    expect(restrictedViolations(compliant())).toEqual([]);
  });

  test.each([
    [
      'Host Namespaces',
      (pod: any) => {
        pod.hostNetwork = true;
      },
      'spec.hostNetwork',
    ],
    [
      'HostPath Volumes',
      (pod: any) => {
        pod.volumes.push({ name: 'h', hostPath: { path: '/' } });
      },
      'spec.volumes[1].hostPath',
    ],
    [
      'Volume Types',
      (pod: any) => {
        pod.volumes.push({ name: 'n', nfs: { server: 's', path: '/' } });
      },
      'spec.volumes[1].nfs',
    ],
    [
      'Privileged Containers',
      (pod: any) => {
        pod.containers[0].securityContext.privileged = true;
      },
      'spec.containers[0].securityContext.privileged',
    ],
    [
      'Host Ports',
      (pod: any) => {
        pod.containers[0].ports = [{ containerPort: 80, hostPort: 80 }];
      },
      'spec.containers[0].ports[0].hostPort',
    ],
    [
      'Privilege Escalation',
      (pod: any) => {
        delete pod.containers[0].securityContext.allowPrivilegeEscalation;
      },
      'spec.containers[0].securityContext.allowPrivilegeEscalation',
    ],
    [
      'Running as Non-root',
      (pod: any) => {
        delete pod.securityContext.runAsNonRoot;
      },
      'spec.containers[0].securityContext.runAsNonRoot',
    ],
    [
      'Running as Non-root user',
      (pod: any) => {
        pod.containers[0].securityContext.runAsUser = 0;
      },
      'spec.containers[0].securityContext.runAsUser',
    ],
    [
      'Seccomp',
      (pod: any) => {
        delete pod.securityContext.seccompProfile;
      },
      'spec.containers[0].securityContext.seccompProfile.type',
    ],
    [
      'Capabilities',
      (pod: any) => {
        pod.containers[0].securityContext.capabilities.add = ['SYS_ADMIN'];
      },
      'spec.containers[0].securityContext.capabilities.add[0]',
    ],
    [
      'Sysctls',
      (pod: any) => {
        pod.securityContext.sysctls = [{ name: 'kernel.msgmax', value: '1' }];
      },
      'spec.securityContext.sysctls[0].name',
    ],
    [
      '/proc Mount Type',
      (pod: any) => {
        pod.containers[0].securityContext.procMount = 'Unmasked';
      },
      'spec.containers[0].securityContext.procMount',
    ],
    [
      'SELinux',
      (pod: any) => {
        pod.securityContext.seLinuxOptions = { type: 'spc_t' };
      },
      'spec.securityContext.seLinuxOptions.type',
    ],
    [
      'HostProcess',
      (pod: any) => {
        pod.securityContext.windowsOptions = { hostProcess: true };
      },
      'spec.securityContext.windowsOptions.hostProcess',
    ],
  ])('reports %s', (control, breakIt, path) => {
    const pod = compliant();
    breakIt(pod);
    const violations = restrictedViolations(pod);
    expect(violations).toContainEqual(expect.objectContaining({ control, path }));
    expect(violations.map(v => v.path)).toEqual(violations.map(() => path));
  });

  test('a Coder pod that breaks the profile fails the synth', () => {
    // The check is attached to the Deployment, so it runs on every synth, not only in this suite.
    const chart = Testing.chart();
    const deployment = new CoderDeployment(chart, 'Coder', {
      name: 'coder',
      version: '2.29.0',
      accessUrl: 'https://c.example.com',
      serviceAccountName: 'coder',
      secretProviderClassName: 's',
      secretsMountPath: '/mnt/s',
    });
    deployment.apiObject.addJsonPatch(JsonPatch.add('/spec/template/spec/hostNetwork', true));
    expect(deployment.node.validate()).toContainEqual(
      'Deployment coder: spec.template.spec.hostNetwork: must be unset or false (Pod Security Standard "restricted", Host Namespaces)',
    );
  });
});

describe('the application namespace', () => {
  test('enforces, audits and warns on the restricted profile', () => {
    expect(find(synthObjects(exampleConfig()), 'Namespace', 'coder').metadata.labels).toMatchObject({
      'pod-security.kubernetes.io/enforce': 'restricted',
      'pod-security.kubernetes.io/audit': 'restricted',
      'pod-security.kubernetes.io/warn': 'restricted',
    });
  });

  test('can opt out', () => {
    const labels = find(
      synthObjects(
        exampleConfig(raw => {
          raw.namespace.podSecurity = 'none';
        }),
      ),
      'Namespace',
      'coder',
    ).metadata.labels;
    expect(Object.keys(labels).filter(l => l.startsWith('pod-security.kubernetes.io/'))).toEqual([]);
  });

  test("workspace namespaces are left to Coder's templates", () => {
    const objects = synthObjects(
      exampleConfig(raw => {
        raw.coder.workspaceNamespaces = [{ name: 'workspaces' }];
      }),
    );
    expect(
      find(objects, 'Namespace', 'workspaces').metadata.labels['pod-security.kubernetes.io/enforce'],
    ).toBeUndefined();
  });
});

describe('images', () => {
  test('are pinned to a version tag', () => {
    for (const [, objects] of environments) {
      for (const [, pod] of podTemplates(objects)) {
        for (const container of pod.containers) {
          expect(container.image).toMatch(/:v?\d+\.\d+\.\d+(@sha256:[a-f0-9]{64})?$/);
        }
      }
    }
  });

  test('can be pinned to a digest too', () => {
    const digest = `sha256:${'ab'.repeat(32)}`;
    const objects = synthObjects(
      exampleConfig(raw => {
        raw.coder.imageDigest = digest;
      }),
    );
    expect(find(objects, 'Deployment').spec.template.spec.containers[0].image).toBe(
      `ghcr.io/coder/coder:v2.29.0@${digest}`,
    );
  });
});

/** What each role is for; a rule that is not listed here fails the test below. */
const RBAC_INTENT = [
  {
    kind: 'ClusterRole',
    name: 'secrets-store-csi-driver-sync-secrets',
    apiGroup: '',
    resource: 'secrets',
    verbs: 'create,delete,get,list,patch,update,watch',
    why: 'the CSI driver creates the synced Secret',
  },
  ...['pods', 'persistentvolumeclaims'].map(resource => ({
    kind: 'Role',
    name: 'coder-workspace-perms',
    apiGroup: '',
    resource,
    verbs: 'create,delete,deletecollection,get,list,patch,update,watch',
    why: 'Coder manages workspaces',
  })),
  {
    kind: 'Role',
    name: 'coder-workspace-perms',
    apiGroup: 'apps',
    resource: 'deployments',
    verbs: 'create,delete,deletecollection,get,list,patch,update,watch',
    why: 'Coder manages workspaces',
  },
];

describe.each(environments)('%s: least privilege', (_file, objects) => {
  const rules = objects
    .filter(o => o.kind === 'ClusterRole' || o.kind === 'Role')
    .flatMap(role =>
      role.rules.flatMap((rule: any) =>
        rule.apiGroups.flatMap((apiGroup: string) =>
          rule.resources.map((resource: string) => ({
            kind: role.kind,
            name: role.metadata.name,
            apiGroup,
            resource,
            verbs: rule.verbs.join(','),
          })),
        ),
      ),
    );

  test('every RBAC rule emitted is one the documented intent lists', () => {
    const intent = RBAC_INTENT.map(({ why: _why, ...rule }) => rule);
    for (const rule of rules) {
      expect(intent).toContainEqual(rule);
    }
  });

  test('no wildcard verbs, resources or API groups', () => {
    for (const role of objects.filter(o => o.kind === 'ClusterRole' || o.kind === 'Role')) {
      for (const rule of role.rules) {
        expect([...rule.verbs, ...rule.resources, ...rule.apiGroups]).not.toContain('*');
        expect(rule.nonResourceURLs).toBeUndefined();
      }
    }
  });

  test('the only ClusterRole is the CSI secret-sync one; workspace permissions are namespaced', () => {
    expect(objects.filter(o => o.kind === 'ClusterRole').map(o => o.metadata.name)).toEqual([
      'secrets-store-csi-driver-sync-secrets',
    ]);
    expect(objects.filter(o => o.kind === 'ClusterRoleBinding').map(o => o.roleRef.name)).toEqual([
      'secrets-store-csi-driver-sync-secrets',
    ]);
    for (const binding of objects.filter(o => o.kind === 'RoleBinding')) {
      expect(binding.roleRef.kind).toBe('Role');
    }
  });

  test('ServiceAccount tokens are mounted only into Coder, which uses the Kubernetes API', () => {
    const mounting = podTemplates(objects)
      .filter(([, pod]) => pod.automountServiceAccountToken !== false)
      .map(([o]) => o);
    expect(mounting.map(o => `${o.kind}/${o.metadata.name}`)).toEqual(['Deployment/coder']);
    for (const account of objects.filter(o => o.kind === 'ServiceAccount')) {
      expect(
        mounting.some(o => o.spec.template.spec.serviceAccountName === account.metadata.name) ||
          account.automountServiceAccountToken === false,
      ).toBe(true);
    }
  });
});

describe('rotation that reaches Coder', () => {
  const rotating = (patch: (raw: any) => void = () => undefined) =>
    exampleConfig(raw => {
      raw.csiDriver.rotation = { enabled: true, pollInterval: '2m' };
      raw.coder.restartOnSecretChange = false;
      patch(raw);
    });

  test('restartOnSecretChange asks Stakater Reloader to restart Coder when the synced Secret changes', () => {
    const deployment = find(
      synthObjects(
        rotating(raw => {
          raw.coder.restartOnSecretChange = true;
        }),
      ),
      'Deployment',
    );
    expect(deployment.metadata.annotations['secret.reloader.stakater.com/reload']).toBe('coder-secrets');
  });

  test('no restart annotation unless asked', () => {
    expect(
      find(synthObjects(rotating()), 'Deployment').metadata.annotations['secret.reloader.stakater.com/reload'],
    ).toBeUndefined();
  });

  test('the synth warns about env read under rotation only when nothing restarts Coder', () => {
    expect(environmentWarnings(rotating())).toHaveLength(3);
    expect(
      environmentWarnings(
        rotating(raw => {
          raw.coder.restartOnSecretChange = true;
        }),
      ),
    ).toEqual([]);
  });

  test('fileEnv hands Coder the path of the mounted file instead of its value', () => {
    const config = rotating(raw => {
      raw.secrets.push({
        objectName: 'coder/tls-key',
        objectType: 'secretsmanager',
        objectAlias: 'tls.key',
        fileEnv: 'CODER_TLS_KEY_FILE',
      });
    });
    const env = find(synthObjects(config), 'Deployment').spec.template.spec.containers[0].env;
    expect(env).toContainEqual({ name: 'CODER_TLS_KEY_FILE', value: '/mnt/secrets-store/tls.key' });
    expect(environmentWarnings(config).map(w => w.path)).not.toContain('secrets[2].fileEnv');
  });
});

/** Every statement of every policy document the AWS side holds. */
function statements(aws: Record<string, any>): { file: string; statement: any }[] {
  return Object.entries(aws)
    .filter(([, document]) => document?.Version === '2012-10-17')
    .flatMap(([file, document]) => document.Statement.map((statement: any) => ({ file, statement })));
}

const identities: [string, ReturnType<typeof synthAll>['aws']][] = [
  ...readdirSync(ENV_DIR)
    .filter(f => f.endsWith('.yaml'))
    .sort()
    .map(file => [file, synthAll(loadEnvironment(join(ENV_DIR, file))).aws] as [string, Record<string, any>]),
  [
    'example.yaml with auth: podIdentity',
    synthAll(
      exampleConfig(raw => {
        raw.auth = 'podIdentity';
        delete raw.serviceAccount.stsRegionalEndpoints;
      }),
    ).aws,
  ],
  [
    'example.yaml with a KMS key and an SSM parameter',
    synthAll(
      exampleConfig(raw => {
        raw.kmsKeyArn = 'arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab';
        raw.secrets.push({ objectName: '/coder/feature-flags', objectType: 'ssmparameter', objectAlias: 'flags' });
      }),
    ).aws,
  ],
];

describe.each(identities)('%s: least-privilege IAM', (_name, aws) => {
  test('has policy documents to check', () => {
    expect(statements(aws).length).toBeGreaterThanOrEqual(2);
  });

  test('no statement grants or trusts "*"', () => {
    for (const { statement } of statements(aws)) {
      for (const resource of [statement.Resource ?? []].flat()) {
        expect(resource).not.toContain('*');
      }
      expect(JSON.stringify(statement.Principal ?? {})).not.toContain('*');
      for (const action of [statement.Action].flat()) {
        expect(action).not.toContain('*');
      }
    }
  });

  test('trust conditions use StringEquals, never StringLike', () => {
    for (const { file, statement } of statements(aws).filter(s => s.statement.Principal !== undefined)) {
      expect(Object.keys(statement.Condition ?? { StringEquals: {} }).every(op => op === 'StringEquals')).toBe(true);
      expect(JSON.stringify(statement)).not.toMatch(/StringLike/);
      expect(file).toBe('trust-policy.json');
    }
  });
});
