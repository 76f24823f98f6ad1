import { App, YamlOutputType } from 'cdk8s';
import { addArgoCdSyncAnnotations } from './argocd-sync-waves';
import { ClusterScopedChart } from './cluster-scoped-chart';
import { CoderChart } from './coder-chart';
import { EnvironmentConfig } from './environment-config';

/** The charts of one environment, in the order their files are applied. */
export interface EnvironmentCharts {
  readonly clusterScoped: ClusterScopedChart;
  readonly coder: CoderChart;
}

/**
 * Adds the charts of one environment to an app. The namespaced chart depends on the cluster-scoped one, so cdk8s
 * prefixes their files `0000-` and `0001-` and `kubectl apply -f` creates the Namespace before anything in it; the
 * Argo CD sync waves give Argo CD the same order.
 */
export function addEnvironmentCharts(app: App, config: EnvironmentConfig): EnvironmentCharts {
  const clusterScoped = new ClusterScopedChart(app, 'coder-cluster', { config, disableResourceNameHashes: true });
  const coder = new CoderChart(app, 'coder', { config, disableResourceNameHashes: true });
  coder.addDependency(clusterScoped);
  addArgoCdSyncAnnotations(clusterScoped, coder);
  return { clusterScoped, coder };
}

/** A cdk8s app of one environment and its charts. */
export interface EnvironmentApp {
  readonly app: App;
  /** The charts, for what is derived from the emitted objects, such as the IAM policies. */
  readonly charts: EnvironmentCharts;
}

/** A cdk8s app that writes one YAML file per chart into `outdir`. */
export function environmentApp(config: EnvironmentConfig, outdir: string): EnvironmentApp {
  const app = new App({ outdir, outputFileExtension: '.k8s.yaml', yamlOutputType: YamlOutputType.FILE_PER_CHART });
  const charts = addEnvironmentCharts(app, config);
  return { app, charts };
}
