import { spawnSync } from 'child_process';
import { createHash } from 'crypto';
import { readdirSync, readFileSync, statSync } from 'fs';
import { join, relative } from 'path';
import { findSecretMaterial } from '../lib/secret-scan';
import { EXAMPLE_ENV, ROOT, tempDir } from './support';

// Secret-shaped samples are assembled at run time, so that this file holds none itself.
const samples: [string, string][] = [
  [
    'connection string with a password',
    ['postgres://coder', 'not-real', 'db.internal:5432/coder'].join(':').replace(':db', '@db'),
  ],
  ['private key', ['-----BEGIN', 'RSA PRIVATE KEY-----'].join(' ')],
  ['AWS access key id', `AKIA${'IOSFODNN7'}${'EXAMPLE'}`],
  ['high-entropy string', createHash('sha256').update('a fixed input').digest('base64')],
];

describe('findSecretMaterial', () => {
  test.each([
    [40, 0.99],
    [32, 0.95],
  ])('finds nearly every random %i-character token (a fixed seed keeps this deterministic)', (length, rate) => {
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
    let seed = 20261204;
    const next = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const tokens = Array.from({ length: 500 }, () =>
      Array.from({ length }, () => alphabet[Math.floor(next() * 64)]).join(''),
    );
    const found = tokens.filter(token => findSecretMaterial(token).length === 1).length;
    expect(found / tokens.length).toBeGreaterThanOrEqual(rate);
  });

  test.each(samples)('finds a %s', (kind, value) => {
    expect(findSecretMaterial(`key: ${value}\n`).map(f => f.kind)).toContain(kind);
  });

  test('shows only the start of what it finds', () => {
    const [finding] = findSecretMaterial(samples[2][1]);
    expect(finding.excerpt).toBe('AKIAIO...');
  });

  test.each([
    ['a secret name', 'objectName: coder/postgres-connection-url'],
    ['a secret ARN', 'arn:aws:secretsmanager:us-east-1:111122223333:secret:coder/pg-AbCdEf'],
    ['a password-less URL', 'postgres://coder@db.example.com:5432/coder?sslmode=verify-full'],
    ['an image digest', `ghcr.io/coder/coder:v2.29.0@sha256:${'0123456789abcdef'.repeat(4)}`],
    ['a long name', 'secrets-store-csi-driver-sync-secrets-for-the-coder-namespace'],
  ])('ignores %s', (_what, text) => {
    expect(findSecretMaterial(text)).toEqual([]);
  });
});

/** The project's own files that hold output, fixtures or documentation (not dependencies, not the lockfile's hashes). */
function projectFiles(): string[] {
  const roots = [
    'dist',
    'aws',
    'environments',
    'test',
    'lib',
    'imports',
    'scripts',
    'README.md',
    'main.ts',
    'cdk8s.yaml',
  ];
  const walk = (path: string): string[] =>
    statSync(path).isDirectory() ? readdirSync(path).flatMap(entry => walk(join(path, entry))) : [path];
  return roots.map(root => join(ROOT, root)).flatMap(walk);
}

describe('no secret material', () => {
  test.each(projectFiles().map(file => [relative(ROOT, file)]))('in %s', file => {
    expect(findSecretMaterial(readFileSync(join(ROOT, file), 'utf8'))).toEqual([]);
  });

  test('in what a synth prints', () => {
    const result = spawnSync(process.execPath, ['scripts/run-ts.js', 'main.ts'], {
      cwd: ROOT,
      encoding: 'utf8',
      env: {
        ...process.env,
        ENV_FILE: EXAMPLE_ENV,
        OUT_DIR: join(tempDir(), 'dist'),
        AWS_OUT_DIR: join(tempDir(), 'aws'),
      },
    });
    expect(result.status).toBe(0);
    expect(findSecretMaterial(result.stdout + result.stderr)).toEqual([]);
  });

  test('environment files hold names and ARNs only: no setting of theirs carries a value of a secret', () => {
    for (const file of readdirSync(join(ROOT, 'environments'))) {
      const text = readFileSync(join(ROOT, 'environments', file), 'utf8');
      expect(text).not.toMatch(/_(SECRET|PASSWORD|PSK|KEY)\s*:/);
    }
  });
});
