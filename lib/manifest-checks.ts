import { ApiObject } from 'cdk8s';
import { IConstruct, IValidation } from 'constructs';
import { restrictedProblems } from './pod-security';
import { SECRETS_STORE_CSI_DRIVER } from './csi-driver';
import { ROLE_ARN_ANNOTATION } from './irsa-service-account';
import { Manifest } from './schema-problems';

/**
 * Checks that span several of the objects a synth writes: the wiring between a pod, its ServiceAccount, the
 * SecretProviderClass it mounts and the Secret the driver syncs. Each failure here is one that otherwise shows up
 * only on a cluster, as a pod stuck in ContainerCreating or CreateContainerConfigError.
 *
 * The functions take plain manifests, exactly what would be written, so the constructs can attach them with
 * `node.addValidation` and any app that composes the constructs gets them too.
 */

export type { Manifest };

/** Kinds this project emits that have no namespace. */
export const CLUSTER_SCOPED_KINDS: readonly string[] = ['Namespace', 'ClusterRole', 'ClusterRoleBinding'];

/** `Kind namespace/name`, or `Kind name` for a cluster-scoped object. */
export function describeObject(object: Manifest): string {
  const { name, namespace } = object.metadata;
  return `${object.kind} ${namespace ? `${namespace}/` : ''}${name}`;
}

/** Every object the app that holds `scope` would write, resolved as it would be written. */
export function emittedObjects(scope: IConstruct): Manifest[] {
  return scope.node.root.node
    .findAll()
    .filter((c): c is ApiObject => c instanceof ApiObject)
    .map(o => o.toJson() as Manifest);
}

function problem(object: Manifest, path: string, message: string, value?: unknown): string {
  const got = value === undefined ? '' : `, got ${JSON.stringify(value)}`;
  return `${describeObject(object)}: ${path}: ${message}${got}`;
}

/** Cluster-scoped objects must carry no namespace: the API server would ignore it, Argo CD would report drift. */
export function clusterScopeProblems(objects: readonly Manifest[]): string[] {
  return objects
    .filter(o => CLUSTER_SCOPED_KINDS.includes(o.kind) && o.metadata.namespace !== undefined)
    .map(o => problem(o, 'metadata.namespace', 'must not be set on a cluster-scoped object', o.metadata.namespace));
}

/** What a SecretProviderClass mounts and syncs, read back from its manifest. */
interface ProviderClassView {
  readonly object: Manifest;
  /** Synced Secret name → the keys it gets. */
  readonly syncedKeys: Map<string, Set<string>>;
}

function providerClasses(objects: readonly Manifest[]): ProviderClassView[] {
  return objects
    .filter(o => o.kind === 'SecretProviderClass')
    .map(object => {
      const syncedKeys = new Map<string, Set<string>>();
      for (const secret of object.spec?.secretObjects ?? []) {
        syncedKeys.set(secret.secretName, new Set((secret.data ?? []).map((d: { key: string }) => d.key)));
      }
      return { object, syncedKeys };
    });
}

export interface PodCheckOptions {
  /**
   * Require the pod's ServiceAccount to carry the IRSA role annotation. Off for EKS Pod Identity, where an
   * association in AWS replaces it.
   *
   * @default true
   */
  readonly requireRoleAnnotation?: boolean;
}

/**
 * Checks one pod template (of a Deployment, a Job, ...) against the objects written beside it:
 * - the CSI volume is read-only, as are its mounts, and names a SecretProviderClass in the pod's namespace;
 * - every `secretKeyRef` names a Secret and key that a SecretProviderClass mounted by this very pod syncs (the
 *   driver creates the Secret only while such a pod runs);
 * - the pod runs as an emitted ServiceAccount of its own, not `default`, carrying the role annotation.
 */
export function podProblems(owner: Manifest, objects: readonly Manifest[], options: PodCheckOptions = {}): string[] {
  const problems: string[] = [];
  const pod = owner.spec?.template?.spec ?? {};
  const namespace = owner.metadata.namespace;
  const at = 'spec.template.spec';
  const classes = providerClasses(objects);
  const mountedClasses: ProviderClassView[] = [];
  const csiVolumes = new Set<string>();

  (pod.volumes ?? []).forEach((volume: any, i: number) => {
    if (volume.csi?.driver !== SECRETS_STORE_CSI_DRIVER) {
      return;
    }
    csiVolumes.add(volume.name);
    if (volume.csi.readOnly !== true) {
      problems.push(
        problem(
          owner,
          `${at}.volumes[${i}].csi.readOnly`,
          'must be true (the driver refuses other mounts)',
          volume.csi.readOnly ?? null,
        ),
      );
    }
    const className = volume.csi.volumeAttributes?.secretProviderClass;
    const found = classes.find(c => c.object.metadata.name === className && c.object.metadata.namespace === namespace);
    if (found === undefined) {
      const candidates = classes.map(c => describeObject(c.object)).join(', ') || 'none';
      problems.push(
        problem(
          owner,
          `${at}.volumes[${i}].csi.volumeAttributes.secretProviderClass`,
          `must name a SecretProviderClass emitted in namespace ${namespace} (the driver looks only there); ` +
            `emitted: ${candidates}`,
          className ?? null,
        ),
      );
    } else {
      mountedClasses.push(found);
    }
  });

  (pod.containers ?? []).forEach((container: any, c: number) => {
    (container.volumeMounts ?? []).forEach((mount: any, m: number) => {
      if (csiVolumes.has(mount.name) && mount.readOnly !== true) {
        problems.push(
          problem(
            owner,
            `${at}.containers[${c}].volumeMounts[${m}].readOnly`,
            'must be true for the Secrets Store CSI volume',
            mount.readOnly ?? null,
          ),
        );
      }
    });
    (container.env ?? []).forEach((variable: any, e: number) => {
      const ref = variable.valueFrom?.secretKeyRef;
      if (ref === undefined) {
        return;
      }
      const path = `${at}.containers[${c}].env[${e}].valueFrom.secretKeyRef`;
      const producers = mountedClasses.filter(view => view.syncedKeys.has(ref.name));
      if (producers.length === 0) {
        problems.push(
          problem(
            owner,
            `${path}.name`,
            `${variable.name} must read a Secret that a SecretProviderClass ` +
              'mounted by this pod syncs in secretObjects (the driver creates it only while such a pod runs)',
            ref.name,
          ),
        );
      } else if (!producers.some(view => view.syncedKeys.get(ref.name)!.has(ref.key))) {
        const keys = [...producers[0].syncedKeys.get(ref.name)!].join(', ');
        problems.push(
          problem(
            owner,
            `${path}.key`,
            `${variable.name} must read a key that secretObjects gives ` + `Secret ${ref.name}: ${keys}`,
            ref.key,
          ),
        );
      }
    });
  });

  const serviceAccountName = pod.serviceAccountName;
  const account = objects.find(
    o => o.kind === 'ServiceAccount' && o.metadata.name === serviceAccountName && o.metadata.namespace === namespace,
  );
  if (serviceAccountName === undefined || serviceAccountName === 'default') {
    problems.push(
      problem(
        owner,
        `${at}.serviceAccountName`,
        "must name the ServiceAccount that carries the IAM role, not the namespace's default",
        serviceAccountName ?? null,
      ),
    );
  } else if (account === undefined) {
    problems.push(
      problem(
        owner,
        `${at}.serviceAccountName`,
        `must name a ServiceAccount emitted in namespace ${namespace}`,
        serviceAccountName,
      ),
    );
  } else if ((options.requireRoleAnnotation ?? true) && !account.metadata.annotations?.[ROLE_ARN_ANNOTATION]) {
    problems.push(
      problem(
        owner,
        `${at}.serviceAccountName`,
        `must name a ServiceAccount with the ${ROLE_ARN_ANNOTATION} annotation (ASCP reads the role there)`,
        serviceAccountName,
      ),
    );
  }
  return problems;
}

/**
 * Every `secretObjects[].data[].objectName` must be a file the SecretProviderClass mounts, or the sync fails with
 * "file matching objectName not found".
 */
export function syncedFileProblems(object: Manifest, mountedFiles: readonly string[]): string[] {
  const problems: string[] = [];
  (object.spec?.secretObjects ?? []).forEach((secret: any, s: number) => {
    (secret.data ?? []).forEach((entry: any, d: number) => {
      if (!mountedFiles.includes(entry.objectName)) {
        problems.push(
          problem(
            object,
            `spec.secretObjects[${s}].data[${d}].objectName`,
            `must name a mounted file: ${mountedFiles.join(', ')}`,
            entry.objectName,
          ),
        );
      }
    });
    if (!secret.type) {
      problems.push(
        problem(object, `spec.secretObjects[${s}].type`, 'must be set, such as Opaque', secret.type ?? null),
      );
    }
  });
  return problems;
}

/**
 * A validation that computes its answer once. The synth validates before it writes anything and `App.synth()` then
 * validates again; the tree does not change in between, so the second pass reuses the first answer. Attach it last,
 * once the construct's objects are complete.
 */
export function validationOnce(check: () => string[]): IValidation {
  let answer: string[] | undefined;
  return { validate: () => (answer ??= check()) };
}

/**
 * Attaches to a workload construct the checks every pod that mounts secrets must pass: its wiring to the objects
 * emitted beside it ({@link podProblems}) and the restricted Pod Security Standard, plus any checks of its own.
 */
export function addWorkloadValidation(
  scope: IConstruct,
  workload: ApiObject,
  options: PodCheckOptions = {},
  extraChecks: (manifest: Manifest) => string[] = () => [],
): void {
  scope.node.addValidation(
    validationOnce(() => {
      const manifest = workload.toJson() as Manifest;
      return [
        ...podProblems(manifest, emittedObjects(scope), options),
        ...restrictedProblems(manifest),
        ...extraChecks(manifest),
      ];
    }),
  );
}
