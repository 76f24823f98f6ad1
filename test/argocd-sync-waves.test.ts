import { readdirSync } from 'fs';
import { join } from 'path';
import {
  HOOK_ANNOTATION,
  isCustomResource,
  SKIP_DRY_RUN_ON_MISSING_RESOURCE,
  SYNC_OPTIONS_ANNOTATION,
  SYNC_WAVE_ANNOTATION,
  syncWaveOf,
} from '../lib/argocd-sync-waves';
import { loadEnvironment } from '../lib/environment-config';
import { exampleConfig, find, Manifest, ROOT, synthObjects } from './support';

const ENV_DIR = join(ROOT, 'environments');
const environmentFiles = readdirSync(ENV_DIR)
  .filter(f => f.endsWith('.yaml'))
  .sort();

const waveOf = (object: Manifest): number => Number(object.metadata.annotations?.[SYNC_WAVE_ANNOTATION]);

describe('Argo CD sync waves', () => {
  test('the example gives Namespace < ServiceAccount, RBAC, SecretProviderClass < Service and Deployment', () => {
    // GIVEN
    const objects = synthObjects(exampleConfig());

    // WHEN
    const wave = (kind: string) => waveOf(find(objects, kind, kind === 'Namespace' ? 'coder' : undefined));

    // THEN
    const prerequisites = ['ServiceAccount', 'ClusterRole', 'ClusterRoleBinding', 'Role', 'RoleBinding'];
    for (const kind of [...prerequisites, 'SecretProviderClass']) {
      expect(wave(kind)).toBeGreaterThan(wave('Namespace'));
      expect(wave(kind)).toBeLessThan(wave('Deployment'));
      expect(wave(kind)).toBeLessThan(wave('Service'));
    }
    expect(find(objects, 'Namespace', 'coder').metadata.annotations).toEqual({ [SYNC_WAVE_ANNOTATION]: '-1' });
    expect(find(objects, 'SecretProviderClass').metadata.annotations).toEqual({
      [SYNC_WAVE_ANNOTATION]: '0',
      [SYNC_OPTIONS_ANNOTATION]: SKIP_DRY_RUN_ON_MISSING_RESOURCE,
    });
    expect(find(objects, 'Deployment').metadata.annotations).toEqual({
      [SYNC_WAVE_ANNOTATION]: '1',
      'secret.reloader.stakater.com/reload': 'coder-secrets',
    });
  });

  test.each(environmentFiles)(
    '%s: every object but the smoke test hook has a wave, never decreasing in apply order',
    file => {
      const objects = synthObjects(loadEnvironment(join(ENV_DIR, file))).filter(o => o.kind !== 'Job');
      for (const object of objects) {
        expect(Number.isInteger(waveOf(object))).toBe(true);
      }
      const waves = objects.map(waveOf);
      expect(waves).toEqual([...waves].sort((a, b) => a - b));
    },
  );

  test.each(environmentFiles)(
    '%s: no hook but the smoke test Job, and only custom resources skip the dry run',
    file => {
      for (const object of synthObjects(loadEnvironment(join(ENV_DIR, file)))) {
        const annotations = object.metadata.annotations ?? {};
        if (object.kind === 'Job') {
          expect(annotations[HOOK_ANNOTATION]).toBe('PostSync');
          expect(annotations[SYNC_WAVE_ANNOTATION]).toBeUndefined();
          continue;
        }
        expect(annotations[HOOK_ANNOTATION]).toBeUndefined();
        if (object.kind === 'SecretProviderClass') {
          expect(annotations[SYNC_OPTIONS_ANNOTATION]).toBe(SKIP_DRY_RUN_ON_MISSING_RESOURCE);
        } else {
          expect(annotations[SYNC_OPTIONS_ANNOTATION]).toBeUndefined();
        }
      }
    },
  );

  test('keeps the annotations an object already had', () => {
    const objects = synthObjects(exampleConfig());
    expect(find(objects, 'ServiceAccount').metadata.annotations).toMatchObject({
      'eks.amazonaws.com/role-arn': 'arn:aws:iam::111122223333:role/coder-secrets-reader',
      [SYNC_WAVE_ANNOTATION]: '0',
    });
  });

  test('a kind without a wave is refused rather than left in the default wave', () => {
    expect(() => syncWaveOf('ConfigMap')).toThrow(/ConfigMap has no Argo CD sync wave/);
  });

  test.each([
    ['v1', false],
    ['apps/v1', false],
    ['rbac.authorization.k8s.io/v1', false],
    ['secrets-store.csi.x-k8s.io/v1', true],
  ])('%s is a custom resource: %s', (apiVersion, expected) => {
    expect(isCustomResource(apiVersion)).toBe(expected);
  });
});
