import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';

/** API version of Argo CD's Application and ApplicationSet. */
export const ARGOCD_API_VERSION = 'argoproj.io/v1alpha1';

/** Argo CD reads only these files of an environment folder, so a stray README or notes file is never applied. */
export const MANIFEST_GLOB = '*.k8s.yaml';

/** The cluster an Application syncs to, as Argo CD knows it: exactly one of `server` and `name`. */
export interface ArgoCdDestination {
  /**
   * URL of the cluster's API server, such as `https://kubernetes.default.svc` for Argo CD's own cluster.
   *
   * @default - the cluster is given by name
   */
  readonly server?: string;
  /**
   * Name the cluster was registered under in Argo CD.
   *
   * @default - the cluster is given by server URL
   */
  readonly name?: string;
  /** Namespace objects without one are created in; Coder's namespace. */
  readonly namespace: string;
}

export interface ArgoCdApplicationProps {
  /** Name of the Application, such as `coder-staging`. */
  readonly name: string;
  /**
   * Namespace Argo CD runs in.
   *
   * @default 'argocd'
   */
  readonly namespace?: string;
  /** @default 'default' */
  readonly project?: string;
  /** The Git repository Argo CD watches. */
  readonly repoURL: string;
  /** @default 'HEAD' */
  readonly targetRevision?: string;
  /** The environment's folder in the repository, read as a plain directory of manifests. */
  readonly path: string;
  readonly destination: ArgoCdDestination;
  /**
   * Let Argo CD create the destination namespace. Needed when the manifests do not contain its Namespace (the
   * environment declares it pre-existing); Argo CD then creates it if it is missing after all.
   *
   * @default false
   */
  readonly createNamespace?: boolean;
  /** @default - no labels */
  readonly labels?: Record<string, string>;
}

/**
 * An Argo CD Application that syncs one environment's folder of manifests to one cluster, pruning objects removed
 * from the folder and undoing changes made by hand (`syncPolicy.automated.{prune,selfHeal}`).
 *
 * @see https://argo-cd.readthedocs.io/en/stable/user-guide/application-specification/
 */
export class ArgoCdApplication extends Construct {
  public readonly apiObject: ApiObject;

  constructor(scope: Construct, id: string, props: ArgoCdApplicationProps) {
    super(scope, id);

    const { server, name, namespace } = props.destination;
    if ((server === undefined) === (name === undefined)) {
      throw new Error(`Application ${props.name}: destination must set exactly one of server and name`);
    }

    this.apiObject = new ApiObject(this, 'Resource', {
      apiVersion: ARGOCD_API_VERSION,
      kind: 'Application',
      metadata: { name: props.name, namespace: props.namespace ?? 'argocd', labels: props.labels },
      spec: {
        project: props.project ?? 'default',
        source: {
          repoURL: props.repoURL,
          targetRevision: props.targetRevision ?? 'HEAD',
          path: props.path,
          directory: { include: MANIFEST_GLOB },
        },
        destination: server !== undefined ? { server, namespace } : { name, namespace },
        syncPolicy: {
          automated: { prune: true, selfHeal: true },
          syncOptions: props.createNamespace ? ['CreateNamespace=true'] : undefined,
        },
      },
    });
  }
}
