import { spawn } from 'child_process';
import { mkdirSync, writeFileSync } from 'fs';
import { dirname, join } from 'path';
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

  test('mounts the same SecretProviderClass read-only, and the synced Secret as an optional volume', () => {
    expect(pod.volumes).toEqual([
      {
        name: 'secrets-store',
        csi: {
          driver: 'secrets-store.csi.k8s.io',
          readOnly: true,
          volumeAttributes: { secretProviderClass: 'coder-secrets' },
        },
      },
      { name: 'synced-0', secret: { secretName: 'coder-secrets', optional: true } },
    ]);
    expect(container.volumeMounts).toEqual([
      { name: 'secrets-store', mountPath: '/mnt/secrets-store', readOnly: true },
      { name: 'synced-0', mountPath: '/synced/coder-secrets', readOnly: true },
    ]);
  });

  test('checks every mounted file and every synced key, by name, holding no value in its environment', () => {
    expect(container.command.slice(4)).toEqual([
      'file:pg-connection-url',
      'file:github-oauth.json',
      'file:github-client-id',
      'file:github-client-secret',
      'key:coder-secrets/pg-connection-url',
      'key:coder-secrets/github-client-id',
      'key:coder-secrets/github-client-secret',
    ]);
    expect(container.env).toEqual([
      { name: 'MOUNT', value: '/mnt/secrets-store' },
      { name: 'SYNCED', value: '/synced' },
      { name: 'WAIT_SECONDS', value: '150' },
      { name: 'POLL_SECONDS', value: '5' },
    ]);
  });

  test('uses a small pinned image, finishes in bounded time and cleans itself up', () => {
    expect(container.image).toBe('busybox:1.36.1');
    expect(job.spec).toMatchObject({ backoffLimit: 0, activeDeadlineSeconds: 180, ttlSecondsAfterFinished: 3600 });
    expect(pod.restartPolicy).toBe('Never');
  });

  test("meets the restricted profile, as Coder's user", () => {
    expect(pod.securityContext).toEqual({
      runAsNonRoot: true,
      runAsUser: 1000,
      runAsGroup: 1000,
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
  interface Scratch {
    readonly mount: string;
    readonly synced: string;
  }

  /** A CSI mount and a folder of synced Secrets (`<Secret>/<key>` files), as the Job sees them. */
  function scratch(files: Record<string, string>, synced: Record<string, string>): Scratch {
    const root = tempDir();
    const dirs = { mount: join(root, 'mnt'), synced: join(root, 'synced') };
    mkdirSync(dirs.mount);
    mkdirSync(dirs.synced);
    for (const [name, content] of Object.entries(files)) {
      writeFileSync(join(dirs.mount, name), content);
    }
    for (const [path, content] of Object.entries(synced)) {
      addSynced(dirs, path, content);
    }
    return dirs;
  }

  function addSynced(dirs: Scratch, path: string, content: string): void {
    mkdirSync(dirname(join(dirs.synced, path)), { recursive: true });
    writeFileSync(join(dirs.synced, path), content);
  }

  /** Runs the script as the Job would and resolves with its exit code and output. */
  function runScript(
    dirs: Scratch,
    checks: string[],
    waitSeconds = 0,
  ): Promise<{ status: number | null; output: string }> {
    const env = {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      MOUNT: dirs.mount,
      SYNCED: dirs.synced,
      WAIT_SECONDS: String(waitSeconds),
      POLL_SECONDS: '1',
    };
    const child = spawn('sh', ['-c', SMOKE_TEST_SCRIPT, 'smoke-test', ...checks], { env });
    let output = '';
    child.stdout.on('data', chunk => (output += chunk));
    child.stderr.on('data', chunk => (output += chunk));
    return new Promise(resolve => child.on('close', status => resolve({ status, output })));
  }

  const checks = ['file:db-url', 'file:oauth.json', 'key:coder-secrets/db-url'];
  const value = ['placeholder', 'value', 'never', 'printed'].join('-');

  test('passes when every file and key is there, printing names and no value', async () => {
    const result = await runScript(
      scratch({ 'db-url': value, 'oauth.json': value }, { 'coder-secrets/db-url': value }),
      checks,
    );
    expect(result.status).toBe(0);
    expect(result.output).toBe(
      'ok: file db-url\nok: file oauth.json\nok: synced Secret key coder-secrets/db-url\nsmoke test passed\n',
    );
  });

  test('fails naming an absent file, an empty file and a missing key, still printing no value', async () => {
    const result = await runScript(scratch({ 'oauth.json': '' }, {}), checks);
    expect(result.status).toBe(1);
    expect(result.output).toContain('MISSING: file db-url is absent or empty');
    expect(result.output).toContain('MISSING: file oauth.json is absent or empty');
    expect(result.output).toContain('MISSING: synced Secret key coder-secrets/db-url is absent or empty');
    expect(result.output).not.toContain(value);
    expect(result.output).toMatch(/smoke test failed\n$/);
  });

  test('waits for a synced Secret that appears after the mount', async () => {
    const dirs = scratch({ 'db-url': value, 'oauth.json': value }, {});
    const run = runScript(dirs, checks, 10);
    setTimeout(() => addSynced(dirs, 'coder-secrets/db-url', value), 1500);
    const result = await run;
    expect(result.status).toBe(0);
    expect(result.output).toContain('ok: synced Secret key coder-secrets/db-url');
  });

  test('treats a file name as data, never as code', async () => {
    const result = await runScript(scratch({}, {}), ['file:$(touch /tmp/pwned-by-smoke-test)']);
    expect(result.status).toBe(1);
    expect(result.output).toContain('MISSING: file $(touch /tmp/pwned-by-smoke-test)');
  });
});
