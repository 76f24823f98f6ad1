import { Testing } from 'cdk8s';
import { parse } from 'yaml';
import { AwsSecretProviderClass, mountedFileName } from '../lib/aws-secret-provider-class';
import { exampleConfig, find, synthObjects } from './support';

describe('mountedFileName', () => {
  test.each([
    ['coder/postgres', undefined, 'coder_postgres'],
    ['coder/postgres', '-', 'coder-postgres'],
    ['/coder/postgres', 'False', 'coder/postgres'],
    ['pg-url', undefined, 'pg-url'],
  ])('%s with translation %s is mounted as %s', (name, translation, expected) => {
    expect(mountedFileName(name, translation)).toBe(expected);
  });
});

describe('AwsSecretProviderClass', () => {
  test('emits provider aws, the region, and the objects as a YAML list', () => {
    // GIVEN
    const chart = Testing.chart();

    // WHEN
    const spc = new AwsSecretProviderClass(chart, 'Spc', {
      name: 'coder-secrets',
      namespace: 'coder',
      region: 'eu-west-1',
      objects: [
        { objectName: 'app/db', objectType: 'secretsmanager', filePermission: '0400' },
        { objectName: 'app/json', objectType: 'secretsmanager', jmesPath: [{ path: 'a.b', objectAlias: 'b' }] },
      ],
    });

    // THEN
    const [manifest] = Testing.synth(chart);
    expect(manifest.apiVersion).toBe('secrets-store.csi.x-k8s.io/v1');
    expect(manifest.metadata).toEqual({ name: 'coder-secrets', namespace: 'coder' });
    expect(manifest.spec.provider).toBe('aws');
    expect(manifest.spec.parameters.region).toBe('eu-west-1');
    expect(typeof manifest.spec.parameters.objects).toBe('string');
    expect(parse(manifest.spec.parameters.objects)).toEqual([
      { objectName: 'app/db', objectType: 'secretsmanager', filePermission: '0400' },
      { objectName: 'app/json', objectType: 'secretsmanager', jmesPath: [{ path: 'a.b', objectAlias: 'b' }] },
    ]);
    expect(manifest.spec.secretObjects).toBeUndefined();
    expect(spc.mountedFiles).toEqual(['app_db', 'app_json', 'b']);
  });

  test('quotes what a YAML 1.1 parser, as ASCP uses, would not read as a string', () => {
    const chart = Testing.chart();
    new AwsSecretProviderClass(chart, 'Spc', {
      name: 's',
      region: 'us-east-1',
      objects: [
        { objectName: 'app/json', objectType: 'secretsmanager', jmesPath: [{ path: 'on', objectAlias: 'yes' }] },
      ],
    });
    const [manifest] = Testing.synth(chart);
    expect(manifest.spec.parameters.objects).toContain('- path: "on"\n      objectAlias: "yes"');
  });

  test('every parameter is a string, usePodIdentity included', () => {
    const chart = Testing.chart();
    new AwsSecretProviderClass(chart, 'Spc', {
      name: 's',
      region: 'us-east-1',
      failoverRegion: 'us-west-2',
      pathTranslation: '-',
      usePodIdentity: true,
      objects: [{ objectName: 'x', objectType: 'ssmparameter' }],
    });
    const [manifest] = Testing.synth(chart);
    expect(manifest.spec.parameters).toMatchObject({
      usePodIdentity: 'true',
      failoverRegion: 'us-west-2',
      pathTranslation: '-',
    });
    for (const value of Object.values(manifest.spec.parameters)) {
      expect(typeof value).toBe('string');
    }
  });

  test('the example environment syncs every env-consumed file into one Opaque Secret', () => {
    const spc = find(synthObjects(exampleConfig()), 'SecretProviderClass');
    expect(spc.metadata.namespace).toBe('coder');
    expect(spc.spec.parameters.region).toBe('us-east-1');
    expect(parse(spc.spec.parameters.objects)).toEqual([
      { objectName: 'coder/postgres-connection-url', objectType: 'secretsmanager', objectAlias: 'pg-connection-url' },
      {
        objectName: 'coder/github-oauth',
        objectType: 'secretsmanager',
        objectAlias: 'github-oauth.json',
        jmesPath: [
          { path: 'client_id', objectAlias: 'github-client-id' },
          { path: 'client_secret', objectAlias: 'github-client-secret' },
        ],
      },
    ]);
    expect(spc.spec.secretObjects).toHaveLength(1);
    expect(spc.spec.secretObjects[0]).toMatchObject({
      secretName: 'coder-secrets',
      type: 'Opaque',
      data: [
        { objectName: 'pg-connection-url', key: 'pg-connection-url' },
        { objectName: 'github-client-id', key: 'github-client-id' },
        { objectName: 'github-client-secret', key: 'github-client-secret' },
      ],
    });
  });

  test('a secret without an alias is synced under its translated name', () => {
    const config = exampleConfig(raw => {
      raw.secretProviderClass.pathTranslation = '-';
      delete raw.secrets[0].objectAlias;
    });
    const objects = synthObjects(config);
    expect(find(objects, 'SecretProviderClass').spec.secretObjects[0].data[0]).toEqual({
      objectName: 'coder-postgres-connection-url',
      key: 'coder-postgres-connection-url',
    });
    const env = find(objects, 'Deployment').spec.template.spec.containers[0].env;
    expect(env.find((e: any) => e.name === 'CODER_PG_CONNECTION_URL').valueFrom.secretKeyRef).toEqual({
      name: 'coder-secrets',
      key: 'coder-postgres-connection-url',
    });
  });
});
