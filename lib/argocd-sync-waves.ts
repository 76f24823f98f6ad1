import { ApiObject, Chart } from 'cdk8s';

/** Argo CD applies lower waves first and waits for each wave to be healthy before the next. */
export const SYNC_WAVE_ANNOTATION = 'argocd.argoproj.io/sync-wave';

/** Per-object Argo CD sync options. */
export const SYNC_OPTIONS_ANNOTATION = 'argocd.argoproj.io/sync-options';

/** Makes an object a hook (deleted and recreated on every sync); this project never sets it. */
export const HOOK_ANNOTATION = 'argocd.argoproj.io/hook';

/**
 * Lets the first sync pass its dry run before the custom resource's CRD is known to Argo CD, for instance while the
 * CSI driver add-on is still being installed.
 */
export const SKIP_DRY_RUN_ON_MISSING_RESOURCE = 'SkipDryRunOnMissingResource=true';

/**
 * The waves, in the order `kubectl apply -f` meets the same objects: Namespaces, then everything the Coder pod needs
 * to start, then the workload. Within one wave Argo CD sorts by kind and puts custom resources last, so without its
 * own wave the SecretProviderClass would land after the Deployment and the first pod would fail to mount it.
 */
export enum SyncWave {
  /** Namespaces, before anything that lives in them. */
  NAMESPACES = -1,
  /** ServiceAccount, RBAC and SecretProviderClass: what the pod needs before it is scheduled. */
  PREREQUISITES = 0,
  /** The Service and the Deployment. */
  WORKLOAD = 1,
}

const WAVE_BY_KIND: Record<string, SyncWave> = {
  Namespace: SyncWave.NAMESPACES,
  ServiceAccount: SyncWave.PREREQUISITES,
  ClusterRole: SyncWave.PREREQUISITES,
  ClusterRoleBinding: SyncWave.PREREQUISITES,
  Role: SyncWave.PREREQUISITES,
  RoleBinding: SyncWave.PREREQUISITES,
  SecretProviderClass: SyncWave.PREREQUISITES,
  Service: SyncWave.WORKLOAD,
  Deployment: SyncWave.WORKLOAD,
};

/** API groups served by every cluster; objects of any other group are custom resources. */
const BUILT_IN_GROUPS: ReadonlySet<string> = new Set(['', 'apps', 'rbac.authorization.k8s.io', 'policy', 'batch']);

/**
 * The wave of a kind this project emits.
 *
 * @throws Error for a kind without a wave, so that a new object cannot silently land in Argo CD's default wave
 */
export function syncWaveOf(kind: string): SyncWave {
  const wave = WAVE_BY_KIND[kind];
  if (wave === undefined) {
    throw new Error(`${kind} has no Argo CD sync wave: add it to WAVE_BY_KIND in lib/argocd-sync-waves.ts`);
  }
  return wave;
}

/** Whether an apiVersion belongs to a custom resource, whose CRD may not exist yet when Argo CD first syncs. */
export function isCustomResource(apiVersion: string): boolean {
  const group = apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.indexOf('/')) : '';
  return !BUILT_IN_GROUPS.has(group);
}

/**
 * Annotates every object of the charts with its sync wave, and custom resources with
 * {@link SKIP_DRY_RUN_ON_MISSING_RESOURCE}. Hooks, such as the smoke test Job, run after the sync and get no wave.
 * The annotations change nothing for `kubectl apply`.
 */
export function addArgoCdSyncAnnotations(...charts: Chart[]): void {
  for (const chart of charts) {
    for (const object of chart.node.findAll().filter((c): c is ApiObject => c instanceof ApiObject)) {
      if (object.metadata.toJson().annotations?.[HOOK_ANNOTATION] !== undefined) {
        continue;
      }
      object.metadata.addAnnotation(SYNC_WAVE_ANNOTATION, String(syncWaveOf(object.kind)));
      if (isCustomResource(object.apiVersion)) {
        object.metadata.addAnnotation(SYNC_OPTIONS_ANNOTATION, SKIP_DRY_RUN_ON_MISSING_RESOURCE);
      }
    }
  }
}
