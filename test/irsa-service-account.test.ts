import { Testing } from 'cdk8s';
import { IrsaServiceAccount, ROLE_ARN_ANNOTATION } from '../lib/irsa-service-account';
import { exampleConfig, find, podIdentityConfig, synthObjects } from './support';

describe('IrsaServiceAccount', () => {
  test('carries the role ARN annotation and mounts its token', () => {
    // GIVEN
    const chart = Testing.chart();

    // WHEN
    new IrsaServiceAccount(chart, 'Sa', {
      name: 'coder',
      namespace: 'coder',
      roleArn: 'arn:aws:iam::111122223333:role/reader',
    });

    // THEN
    const [sa] = Testing.synth(chart);
    expect(sa.kind).toBe('ServiceAccount');
    expect(sa.metadata.annotations).toEqual({ 'eks.amazonaws.com/role-arn': 'arn:aws:iam::111122223333:role/reader' });
    expect(sa.automountServiceAccountToken).toBe(true);
  });

  test('writes the optional webhook annotations as strings', () => {
    const chart = Testing.chart();
    new IrsaServiceAccount(chart, 'Sa', {
      name: 'coder',
      roleArn: 'arn:aws:iam::111122223333:role/reader',
      stsRegionalEndpoints: true,
      tokenExpirationSeconds: 3600,
    });
    const [sa] = Testing.synth(chart);
    expect(sa.metadata.annotations['eks.amazonaws.com/sts-regional-endpoints']).toBe('true');
    expect(sa.metadata.annotations['eks.amazonaws.com/token-expiration']).toBe('3600');
  });

  test('has no annotations without a role', () => {
    const chart = Testing.chart();
    new IrsaServiceAccount(chart, 'Sa', { name: 'coder' });
    const [sa] = Testing.synth(chart);
    expect(sa.metadata.annotations).toBeUndefined();
  });

  test('the example environment annotates the account Coder runs as', () => {
    const objects = synthObjects(exampleConfig());
    const sa = find(objects, 'ServiceAccount');
    expect(sa.metadata).toMatchObject({ name: 'coder', namespace: 'coder' });
    expect(sa.metadata.annotations[ROLE_ARN_ANNOTATION]).toBe('arn:aws:iam::111122223333:role/coder-secrets-reader');
    expect(find(objects, 'Deployment').spec.template.spec.serviceAccountName).toBe('coder');
  });

  test('with Pod Identity: no role annotation, and the SecretProviderClass says usePodIdentity as the string "true"', () => {
    const objects = synthObjects(podIdentityConfig());
    expect(find(objects, 'ServiceAccount').metadata.annotations?.[ROLE_ARN_ANNOTATION]).toBeUndefined();
    expect(find(objects, 'SecretProviderClass').spec.parameters.usePodIdentity).toBe('true');
    expect(find(objects, 'Deployment').spec.template.spec.serviceAccountName).toBe('coder');
  });

  test('with IRSA the SecretProviderClass says nothing about Pod Identity', () => {
    expect(find(synthObjects(exampleConfig()), 'SecretProviderClass').spec.parameters.usePodIdentity).toBeUndefined();
  });

  test('a renamed ServiceAccount is the one the pod runs as', () => {
    const objects = synthObjects(
      exampleConfig(raw => {
        raw.serviceAccount.name = 'coder-server';
      }),
    );
    expect(find(objects, 'ServiceAccount').metadata.name).toBe('coder-server');
    expect(find(objects, 'Deployment').spec.template.spec.serviceAccountName).toBe('coder-server');
    expect(find(objects, 'RoleBinding').subjects).toEqual([
      { kind: 'ServiceAccount', name: 'coder-server', namespace: 'coder' },
    ]);
  });
});
