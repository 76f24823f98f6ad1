import { spawnSync } from 'child_process';
import { mkdirSync, writeFileSync } from 'fs';
import { join } from 'path';
import { SMOKE_TEST_SCRIPT } from '../lib/secret-mount-smoke-test';
import { exampleConfig, Manifest, synthObjects, tempDir } from './support';

function smokeJob(objects: Manifest[]): Manifest {
  const jobs = objects.filter(o => o.kind === 'Job');
  expect(jobs).toHaveLength(1);
  return jobs[0];
}

describe('the secret mount smoke test Job', () => {
  const objects = synthObjects(exampleConfig());
  const job = smokeJob(objects);
  const pod = job.spec.template.spec;
  const container = pod.containers[0];

  test("is named after the SecretProviderClass and a hash of its spec, in Coder's namespace", () => {
    expect(job.metadata.name).toMatch(/^coder-secrets-smoke-test-[0-9a-f]{8}$/);
    expect(job.metadata.namespace).toBe('coder');
  });

  test('a dotted SecretProviderClass name still gives a valid Job name', () => {
    const dotted = smokeJob(
      synthObjects(
        exampleConfig(raw => {
          raw.secretProviderClass.name = `${'a'.repeat(53)}.b`;
        }),
      ),
    );
    expect(dotted.metadata.name).toMatch(/^a{53}-[0-9a-f]{8}$/);
  });

  test('a changed test gets a new name, an unchanged one keeps it', () => {
    expect(smokeJob(synthObjects(exampleConfig())).metadata.name).toBe(job.metadata.name);
    const changed = smokeJob(
      synthObjects(
        exampleConfig(raw => {
          raw.smokeTest.activeDeadlineSeconds = 300;
        }),
      ),
    );
    expect(changed.metadata.name).not.toBe(job.metadata.name);
  });

  test("runs as Coder's ServiceAccount, without a token of its own", () => {
    expect(pod.serviceAccountName).toBe('coder');
    expect(pod.automountServiceAccountToken).toBe(false);
  });

  test('mounts the same SecretProviderClass read-only', () => {
    expect(pod.volumes).toEqual([
      {
        name: 'secrets-store',
        csi: {
          driver: 'secrets-store.csi.k8s.io',
          readOnly: true,
          volumeAttributes: { secretProviderClass: 'coder-secrets' },
        },
      },
    ]);
    expect(container.volumeMounts).toEqual([
      { name: 'secrets-store', mountPath: '/mnt/secrets-store', readOnly: true },
    ]);
  });

  test('checks every mounted file and every synced key, by name', () => {
    expect(container.command.slice(4)).toEqual([
      'file:pg-connection-url',
      'file:github-oauth.json',
      'file:github-client-id',
      'file:github-client-secret',
      'key:coder-secrets/pg-connection-url:SYNCED_KEY_0',
      'key:coder-secrets/github-client-id:SYNCED_KEY_1',
      'key:coder-secrets/github-client-secret:SYNCED_KEY_2',
    ]);
    expect(container.env).toContainEqual({
      name: 'SYNCED_KEY_0',
      valueFrom: { secretKeyRef: { name: 'coder-secrets', key: 'pg-connection-url', optional: true } },
    });
  });

  test('uses a small pinned image, finishes in bounded time and cleans itself up', () => {
    expect(container.image).toBe('busybox:1.36.1');
    expect(job.spec).toMatchObject({ backoffLimit: 0, activeDeadlineSeconds: 180, ttlSecondsAfterFinished: 3600 });
    expect(pod.restartPolicy).toBe('Never');
  });

  test('meets the restricted profile with a non-root user of its own', () => {
    expect(pod.securityContext).toEqual({
      runAsNonRoot: true,
      runAsUser: 65534,
      runAsGroup: 65534,
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(container.securityContext).toEqual({
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ['ALL'] },
    });
  });

  test('is an Argo CD PostSync hook, the only object with hook annotations', () => {
    expect(job.metadata.annotations).toEqual({
      'argocd.argoproj.io/hook': 'PostSync',
      'argocd.argoproj.io/hook-delete-policy': 'BeforeHookCreation',
    });
    const hooked = objects.filter(o =>
      Object.keys(o.metadata.annotations ?? {}).some(a => a.startsWith('argocd.argoproj.io/hook')),
    );
    expect(hooked).toEqual([job]);
  });

  test('is left out unless enabled', () => {
    const objectsWithout = synthObjects(
      exampleConfig(raw => {
        raw.smokeTest.enabled = false;
      }),
    );
    expect(objectsWithout.some(o => o.kind === 'Job')).toBe(false);
  });
});

describe('the smoke test script', () => {
  /** Runs the script as the Job would, in a scratch mount, and returns its exit code and output. */
  function runScript(files: Record<string, string>, keys: Record<string, string | undefined>, checks: string[]) {
    const mount = join(tempDir(), 'mnt');
    mkdirSync(mount);
    for (const [name, content] of Object.entries(files)) {
      writeFileSync(join(mount, name), content);
    }
    const env: Record<string, string> = { PATH: process.env.PATH ?? '/usr/bin:/bin', MOUNT: mount };
    for (const [name, value] of Object.entries(keys)) {
      if (value !== undefined) {
        env[name] = value;
      }
    }
    const result = spawnSync('sh', ['-c', SMOKE_TEST_SCRIPT, 'smoke-test', ...checks], { env, encoding: 'utf8' });
    return { status: result.status, output: result.stdout + result.stderr };
  }

  const checks = ['file:db-url', 'file:oauth.json', 'key:coder-secrets/db-url:SYNCED_KEY_0'];
  const value = ['placeholder', 'value', 'never', 'printed'].join('-');

  test('passes when every file and key is there, printing names and no value', () => {
    const result = runScript({ 'db-url': value, 'oauth.json': value }, { SYNCED_KEY_0: value }, checks);
    expect(result.status).toBe(0);
    expect(result.output).toBe(
      'ok: file db-url\nok: file oauth.json\nok: synced Secret key coder-secrets/db-url\nsmoke test passed\n',
    );
  });

  test('fails naming an absent file, an empty file and a missing key, still printing no value', () => {
    const result = runScript({ 'oauth.json': '' }, { SYNCED_KEY_0: undefined }, checks);
    expect(result.status).toBe(1);
    expect(result.output).toContain('MISSING: file db-url is absent or empty');
    expect(result.output).toContain('MISSING: file oauth.json is absent or empty');
    expect(result.output).toContain('MISSING: synced Secret key coder-secrets/db-url');
    expect(result.output).toMatch(/smoke test failed\n$/);
  });

  test('treats a file name as data, never as code', () => {
    const result = runScript({}, {}, ['file:$(touch /tmp/pwned-by-smoke-test)']);
    expect(result.status).toBe(1);
    expect(result.output).toContain('MISSING: file $(touch /tmp/pwned-by-smoke-test)');
  });
});
