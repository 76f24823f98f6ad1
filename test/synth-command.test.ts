import { spawnSync } from 'child_process';
import { join } from 'path';
import { EXAMPLE_ENV, ROOT, snapshotDir, tempDir, writeExampleVariant } from './support';

/** Runs a documented synth command from the project root with the given environment; never throws. */
function run(command: string, args: string[], env: Record<string, string>) {
  const result = spawnSync(command, args, {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, CDK8S_CHECK_UPGRADE: 'false', ...env },
    timeout: 60_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

const synthCommands: [string, string, string[]][] = [
  ['npm run synth', 'npm', ['run', '--silent', 'synth']],
  ['npx cdk8s synth', process.execPath, [join(ROOT, 'node_modules', 'cdk8s-cli', 'bin', 'cdk8s'), 'synth']],
];

describe('the synth commands', () => {
  const out = join(tempDir(), 'dist');
  const awsOut = join(tempDir(), 'aws');
  let before: Record<string, string>;

  beforeAll(() => {
    const first = run(process.execPath, ['scripts/run-ts.js', 'main.ts'], {
      ENV_FILE: EXAMPLE_ENV,
      OUT_DIR: out,
      AWS_OUT_DIR: awsOut,
    });
    expect(first.status).toBe(0);
    expect(first.stdout).toBe(
      [
        `wrote ${out}/0000-coder-cluster.k8s.yaml`,
        `wrote ${out}/0001-coder.k8s.yaml`,
        ...['addon-configuration.json', 'permissions-policy.json', 'summary.json', 'trust-policy.json'].map(
          f => `wrote ${awsOut}/${f}`,
        ),
      ].join('\n') + '\n',
    );
    before = snapshotDir(out);
  });

  test.each(synthCommands)(
    'a failed %s reports every problem and leaves the output as it was',
    (_name, command, args) => {
      const bad = writeExampleVariant(raw => {
        raw.cluster.region = 'us-east1';
        raw.secrets[0].objectType = 'ssm';
      });

      const result = run(command, args, { ENV_FILE: bad, OUT_DIR: out, AWS_OUT_DIR: awsOut });

      expect(result.status).not.toBe(0);
      expect(result.stderr).toContain(
        `${bad}: cluster.region: must be an AWS region such as us-east-1, got "us-east1"`,
      );
      expect(result.stderr).toContain(
        `${bad}: secrets[0].objectType: must be secretsmanager or ssmparameter, got "ssm"`,
      );
      expect(snapshotDir(out)).toEqual(before);
    },
  );

  test('the app prints no stack trace for a user mistake', () => {
    const bad = writeExampleVariant(raw => {
      raw.coder.replicas = 0;
    });
    const result = run(process.execPath, ['scripts/run-ts.js', 'main.ts'], {
      ENV_FILE: bad,
      OUT_DIR: out,
      AWS_OUT_DIR: awsOut,
    });
    expect(result.status).toBe(1);
    expect(result.stderr).not.toMatch(/^\s+at /m);
    expect(result.stderr.trim().split('\n')).toEqual([
      `${bad}: coder.replicas: must be at least 1, got 0`,
      `synth failed; ${out}/ and ${awsOut}/ were left unchanged`,
    ]);
  });

  test('cdk8s synth publishes into OUT_DIR too', () => {
    const fresh = join(tempDir(), 'dist');
    const result = run(synthCommands[1][1], synthCommands[1][2], {
      ENV_FILE: EXAMPLE_ENV,
      OUT_DIR: fresh,
      AWS_OUT_DIR: join(tempDir(), 'aws'),
    });
    expect(result.status).toBe(0);
    expect(snapshotDir(fresh)).toEqual(before);
  });

  test('a risky setting synthesizes with a warning on stderr', () => {
    const risky = writeExampleVariant(raw => {
      raw.coder.restartOnSecretChange = false;
      raw.csiDriver.rotation = { enabled: true };
    });
    const result = run(process.execPath, ['scripts/run-ts.js', 'main.ts'], {
      ENV_FILE: risky,
      OUT_DIR: join(tempDir(), 'dist'),
      AWS_OUT_DIR: join(tempDir(), 'aws'),
    });
    expect(result.status).toBe(0);
    expect(result.stderr).toContain(`warning: ${risky}: secrets[0].env: rotation is on`);
  });
});
