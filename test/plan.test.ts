import { readFileSync } from 'fs';
import { join } from 'path';
import { loadEnvironment } from '../lib/environment-config';
import { readManifestDir } from '../lib/manifest-files';
import { identityChains, renderMermaid, renderPlan } from '../lib/plan';
import { renderEnvironment } from '../lib/synth';
import { EXAMPLE_ENV, exampleConfig, ROOT, synthObjects, tempDir } from './support';

function examplePlan(): string {
  const out = tempDir();
  renderEnvironment(loadEnvironment(EXAMPLE_ENV), out, EXAMPLE_ENV);
  return renderPlan('Plan for environments/example.yaml', readManifestDir(out));
}

describe('the plan', () => {
  const plan = examplePlan();
  const lines = plan.split('\n');

  test('lists the objects in apply order with their files', () => {
    const objects = lines.filter(l => /^\s+\d+\. /.test(l)).map(l => l.trim().replace(/\s+/g, ' '));
    expect(objects[0]).toBe('1. Namespace coder 0000-coder-cluster.k8s.yaml');
    expect(objects.map(o => o.split(' ')[1])).toEqual([
      'Namespace',
      'Namespace',
      'ClusterRole',
      'ClusterRoleBinding',
      'ServiceAccount',
      'SecretProviderClass',
      'Role',
      'RoleBinding',
      'Service',
      'Deployment',
      'Job',
    ]);
  });

  test('shows the identity chain link by link', () => {
    expect(lines).toContain('Identity of Deployment coder/coder:');
    expect(lines).toContain('  pod runs as ServiceAccount coder/coder');
    expect(lines).toContain(
      '  ServiceAccount coder/coder assumes IAM role arn:aws:iam::111122223333:role/coder-secrets-reader (IRSA), ' +
        'trust subject system:serviceaccount:coder:coder',
    );
    expect(lines).toContain(
      '    secretsmanager coder/postgres-connection-url -> /mnt/secrets-store/pg-connection-url -> ' +
        'Secret coder-secrets[pg-connection-url] -> env CODER_PG_CONNECTION_URL',
    );
    expect(lines).toContain(
      '    secretsmanager coder/github-oauth (jmesPath client_secret) -> /mnt/secrets-store/github-client-secret -> ' +
        'Secret coder-secrets[github-client-secret] -> env CODER_OAUTH2_GITHUB_CLIENT_SECRET',
    );
  });

  test('names the failover region', () => {
    const config = exampleConfig(raw => {
      raw.secretProviderClass.failoverRegion = 'us-west-2';
    });
    const out = tempDir();
    renderEnvironment(config, out, 'test.yaml');
    expect(renderPlan('Plan', readManifestDir(out))).toContain(
      '  SecretProviderClass coder/coder-secrets reads in us-east-1 (failover us-west-2):',
    );
  });

  test('matches the reviewed plan', () => {
    expect(plan).toMatchSnapshot();
  });

  test('names the role of a Pod Identity association, which no manifest holds', () => {
    const config = exampleConfig(raw => {
      raw.auth = 'podIdentity';
      delete raw.serviceAccount.stsRegionalEndpoints;
    });
    const [coder] = identityChains(synthObjects(config), { podIdentityRoleArn: config.serviceAccount.roleArn });
    expect(coder.role).toBe('IAM role arn:aws:iam::111122223333:role/coder-secrets-reader (Pod Identity association)');
    expect(coder.trustSubject).toBe('the association of coder/coder');
  });

  test('follows a file handed over by path', () => {
    const config = exampleConfig(raw => {
      raw.secrets.push({
        objectName: 'coder/tls',
        objectType: 'secretsmanager',
        objectAlias: 'tls.crt',
        fileEnv: 'CODER_TLS_CERT_FILE',
      });
    });
    const coder = identityChains(synthObjects(config)).find(c => c.workload === 'Deployment coder/coder')!;
    expect(coder.routes).toContainEqual({
      source: 'secretsmanager coder/tls',
      file: '/mnt/secrets-store/tls.crt',
      syncedKey: undefined,
      env: ['CODER_TLS_CERT_FILE'],
    });
  });
});

describe("the README's flowchart", () => {
  test('is the one the code generates for the example environment (regenerate: npm run plan -- --write-readme)', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const out = tempDir();
    renderEnvironment(loadEnvironment(EXAMPLE_ENV), out, EXAMPLE_ENV);
    expect(readme).toContain(renderMermaid(readManifestDir(out).map(e => e.object)));
  });
});
