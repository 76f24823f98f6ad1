import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { clusterScopeProblems, Manifest, validationOnce } from './manifest-checks';

/** The verbs the driver's own Helm chart grants for secret sync; the driver lists and watches cluster-wide. */
export const SECRET_SYNC_VERBS: readonly string[] = ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'];

export interface CsiSecretSyncRbacProps {
  /** Namespace the Secrets Store CSI driver runs in: the managed add-on's namespace, or kube-system for Helm. */
  readonly driverNamespace: string;
  /** @default 'secrets-store-csi-driver' */
  readonly driverServiceAccountName?: string;
  /**
   * Name of the ClusterRole and of its ClusterRoleBinding.
   *
   * @default 'secrets-store-csi-driver-sync-secrets'
   */
  readonly name?: string;
  /** @default - no labels */
  readonly labels?: Record<string, string>;
}

/**
 * The ClusterRole and ClusterRoleBinding that let the Secrets Store CSI driver create the Kubernetes Secrets listed in
 * `secretObjects`. The managed EKS add-on accepts `syncSecret.enabled` but does not grant this, so sync fails with
 * "secrets is forbidden" until these exist. Both objects are cluster-scoped: keep this construct in a chart that has
 * no namespace, or the chart's namespace would be stamped on them.
 *
 * @see https://secrets-store-csi-driver.sigs.k8s.io/topics/sync-as-kubernetes-secret
 */
export class CsiSecretSyncRbac extends Construct {
  public readonly clusterRole: k8s.KubeClusterRole;
  public readonly clusterRoleBinding: k8s.KubeClusterRoleBinding;

  constructor(scope: Construct, id: string, props: CsiSecretSyncRbacProps) {
    super(scope, id);

    const name = props.name ?? 'secrets-store-csi-driver-sync-secrets';

    this.clusterRole = new k8s.KubeClusterRole(this, 'ClusterRole', {
      metadata: { name, labels: props.labels },
      rules: [{ apiGroups: [''], resources: ['secrets'], verbs: [...SECRET_SYNC_VERBS] }],
    });

    this.clusterRoleBinding = new k8s.KubeClusterRoleBinding(this, 'ClusterRoleBinding', {
      metadata: { name, labels: props.labels },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name },
      subjects: [
        {
          kind: 'ServiceAccount',
          name: props.driverServiceAccountName ?? 'secrets-store-csi-driver',
          namespace: props.driverNamespace,
        },
      ],
    });

    this.node.addValidation(
      validationOnce(() =>
        clusterScopeProblems([this.clusterRole.toJson(), this.clusterRoleBinding.toJson()] as Manifest[]),
      ),
    );
  }
}
