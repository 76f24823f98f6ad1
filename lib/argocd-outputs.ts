import { App, Chart, YamlOutputType } from 'cdk8s';
import { ArgoCdApplication, ArgoCdApplicationProps } from './argocd-application';
import { ArgoCdApplicationSet } from './argocd-application-set';
import { NamedEnvironment } from './environment-set';

/** The committed folder of `npm run synth:all`, from the repository root; Argo CD's default source paths start here. */
export const ENVIRONMENTS_OUTDIR = 'dist-envs';

/** Subfolder of the output that holds one folder of manifests per environment. */
export const MANIFESTS_SUBDIR = 'manifests';

/** Subfolder of the output that holds one folder of AWS files (IAM policies, add-on values) per environment. */
export const AWS_SUBDIR = 'aws';

/** Subfolder of the output that holds the Argo CD objects; no environment folder contains them. */
export const ARGOCD_SUBDIR = 'argocd';

/** Generated Applications are named `coder-<environment>`. */
export const APPLICATION_PREFIX = 'coder-';

const LABELS = { 'app.kubernetes.io/part-of': 'coder', 'app.kubernetes.io/managed-by': 'cdk8s' };

/**
 * The Application of one environment that has `argocd` settings.
 *
 * @returns undefined when the environment has no `argocd` settings
 */
export function applicationProps(environment: NamedEnvironment): ArgoCdApplicationProps | undefined {
  const { argocd, namespace } = environment.config;
  if (argocd === undefined) {
    return undefined;
  }
  return {
    name: `${APPLICATION_PREFIX}${environment.name}`,
    namespace: argocd.namespace,
    project: argocd.project,
    repoURL: argocd.repoURL,
    targetRevision: argocd.targetRevision,
    path: argocd.path ?? `${ENVIRONMENTS_OUTDIR}/${MANIFESTS_SUBDIR}/${environment.name}`,
    destination: { ...argocd.destination, namespace: namespace.name },
    // The manifests create the namespace unless the environment declares it pre-existing.
    createNamespace: !namespace.create,
    labels: LABELS,
  };
}

/**
 * Writes the Argo CD objects of every environment that has `argocd` settings into `outdir`:
 * `applications/<environment>.k8s.yaml`, one Application each, and `applicationset.k8s.yaml`, one ApplicationSet per
 * Argo CD namespace whose list generator covers the same environments.
 *
 * @returns the files written, relative to `outdir`; none when no environment has `argocd` settings
 */
export function writeArgoCdOutputs(environments: readonly NamedEnvironment[], outdir: string): string[] {
  const fleet = environments.flatMap(environment => {
    const application = applicationProps(environment);
    return application ? [{ environment: environment.name, application }] : [];
  });
  if (fleet.length === 0) {
    return [];
  }

  const options = { outputFileExtension: '.k8s.yaml', yamlOutputType: YamlOutputType.FILE_PER_CHART };
  const applications = new App({ ...options, outdir: `${outdir}/applications` });
  for (const { environment, application } of fleet) {
    const chart = new Chart(applications, environment, { disableResourceNameHashes: true });
    new ArgoCdApplication(chart, 'Application', application);
  }
  applications.synth();

  const applicationSets = new App({ ...options, outdir });
  const chart = new Chart(applicationSets, 'applicationset', { disableResourceNameHashes: true });
  const namespaces = [...new Set(fleet.map(f => f.application.namespace ?? 'argocd'))].sort();
  for (const namespace of namespaces) {
    new ArgoCdApplicationSet(chart, `ApplicationSet-${namespace}`, {
      namespace,
      environments: fleet.filter(f => (f.application.namespace ?? 'argocd') === namespace),
      applicationPrefix: APPLICATION_PREFIX,
      labels: LABELS,
    });
  }
  applicationSets.synth();

  return [...fleet.map(f => `applications/${f.environment}.k8s.yaml`), 'applicationset.k8s.yaml'];
}
