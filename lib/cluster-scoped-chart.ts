import { ApiObject, Chart, ChartProps } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { secretWiring } from './coder-chart';
import { CsiSecretSyncRbac } from './csi-secret-sync-rbac';
import { EnvironmentConfig } from './environment-config';
import { clusterScopeProblems, describeObject, Manifest, validationOnce } from './manifest-checks';

export interface ClusterScopedChartProps extends ChartProps {
  readonly config: EnvironmentConfig;
}

/**
 * The labels that make the Pod Security admission controller enforce a profile in a namespace, and warn and audit
 * against the same one.
 */
export function podSecurityLabels(level: 'restricted' | 'baseline' | 'none'): Record<string, string> {
  if (level === 'none') {
    return {};
  }
  return {
    'pod-security.kubernetes.io/enforce': level,
    'pod-security.kubernetes.io/audit': level,
    'pod-security.kubernetes.io/warn': level,
  };
}

/**
 * The cluster-scoped objects of one environment: the Namespaces the synth creates and the CSI driver's secret-sync
 * RBAC. The chart has no namespace, because cdk8s would stamp a chart's namespace on cluster-scoped objects too.
 */
export class ClusterScopedChart extends Chart {
  constructor(scope: Construct, id: string, props: ClusterScopedChartProps) {
    super(scope, id, { ...props, namespace: undefined });

    const { config } = props;
    const labels = { 'app.kubernetes.io/part-of': 'coder', 'app.kubernetes.io/managed-by': 'cdk8s' };

    if (config.namespace.create) {
      new k8s.KubeNamespace(this, `Namespace-${config.namespace.name}`, {
        metadata: {
          name: config.namespace.name,
          labels: { ...labels, ...podSecurityLabels(config.namespace.podSecurity) },
        },
      });
    }
    // Workspace namespaces get no Pod Security labels: what a workspace pod needs is up to Coder's templates.
    for (const namespace of config.coder.workspaceNamespaces.filter(n => n.create)) {
      new k8s.KubeNamespace(this, `Namespace-${namespace.name}`, { metadata: { name: namespace.name, labels } });
    }

    // Without a synced Secret the driver needs no right on Secrets at all.
    if (secretWiring(config).syncedKeys.length === 0) {
      return;
    }
    const rbac = new CsiSecretSyncRbac(this, 'CsiSecretSyncRbac', {
      driverNamespace: config.csiDriver.namespace,
      driverServiceAccountName: config.csiDriver.serviceAccountName,
      labels,
    });

    this.node.addValidation(
      validationOnce(() => {
        const objects = this.node
          .findAll()
          .filter((c): c is ApiObject => c instanceof ApiObject)
          .map(o => o.toJson() as Manifest);
        const binding = rbac.clusterRoleBinding.toJson() as Manifest;
        const subjectNamespace = binding.subjects?.[0]?.namespace;
        const problems = clusterScopeProblems(objects);
        if (subjectNamespace !== config.csiDriver.namespace) {
          problems.push(
            `${describeObject(binding)}: subjects[0].namespace: must be the driver namespace ` +
              `${config.csiDriver.namespace} (csiDriver.namespace), got ${JSON.stringify(subjectNamespace)}`,
          );
        }
        return problems;
      }),
    );
  }
}
