import { Chart, ChartProps } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { CsiSecretSyncRbac } from './csi-secret-sync-rbac';
import { EnvironmentConfig } from './environment-config';

export interface ClusterScopedChartProps extends ChartProps {
  readonly config: EnvironmentConfig;
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

    for (const namespace of [config.namespace, ...config.coder.workspaceNamespaces]) {
      if (namespace.create) {
        new k8s.KubeNamespace(this, `Namespace-${namespace.name}`, { metadata: { name: namespace.name, labels } });
      }
    }

    new CsiSecretSyncRbac(this, 'CsiSecretSyncRbac', {
      driverNamespace: config.csiDriver.namespace,
      driverServiceAccountName: config.csiDriver.serviceAccountName,
      labels,
    });
  }
}
