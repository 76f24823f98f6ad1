import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { ARGOCD_API_VERSION, ArgoCdApplicationProps, MANIFEST_GLOB } from './argocd-application';

/** One environment of the fleet: the Application the ApplicationSet generates for it. */
export interface FleetEnvironment {
  /** The environment's name; the generated Application is `<applicationPrefix><environment>`. */
  readonly environment: string;
  readonly application: ArgoCdApplicationProps;
}

export interface ArgoCdApplicationSetProps {
  /**
   * Name of the ApplicationSet.
   *
   * @default 'coder'
   */
  readonly name?: string;
  /** Namespace Argo CD runs in; every environment's Application must live there too. */
  readonly namespace: string;
  /** The environments, one list generator element each. */
  readonly environments: readonly FleetEnvironment[];
  /** Prefix of the generated Applications' names, followed by the environment's name. */
  readonly applicationPrefix: string;
  /** @default - no labels */
  readonly labels?: Record<string, string>;
}

/**
 * The part of the template that differs in shape between environments: a destination given by server URL or by
 * cluster name, and `CreateNamespace=true` only where the manifests do not create the namespace. Argo CD (2.10 or
 * later) renders it with Go templates and merges it into each generated Application.
 */
const TEMPLATE_PATCH = `spec:
  destination:
  {{- if .server }}
    server: {{ .server | quote }}
  {{- else }}
    name: {{ .clusterName | quote }}
  {{- end }}
{{- if .createNamespace }}
  syncPolicy:
    syncOptions:
      - CreateNamespace=true
{{- end }}
`;

/**
 * An Argo CD ApplicationSet whose list generator holds one element per environment, so that one object on the Argo
 * CD cluster keeps a whole fleet of clusters in sync. Each generated Application is the same as the one
 * {@link ArgoCdApplication} writes for that environment; apply one or the other, not both.
 *
 * @see https://argo-cd.readthedocs.io/en/stable/operator-manual/applicationset/Generators-List/
 */
export class ArgoCdApplicationSet extends Construct {
  public readonly apiObject: ApiObject;

  constructor(scope: Construct, id: string, props: ArgoCdApplicationSetProps) {
    super(scope, id);

    const elements = props.environments.map(({ environment, application }) => {
      if (
        !application.name.startsWith(props.applicationPrefix) ||
        application.name.slice(props.applicationPrefix.length) !== environment
      ) {
        throw new Error(
          `ApplicationSet: Application ${application.name} must be named ` + `${props.applicationPrefix}${environment}`,
        );
      }
      if ((application.namespace ?? 'argocd') !== props.namespace) {
        throw new Error(
          `ApplicationSet ${props.namespace}: environment ${environment} belongs to Argo CD in ` +
            `namespace ${application.namespace}`,
        );
      }
      // Every key is present in every element: the template fails on a missing key (missingkey=error).
      return {
        environment,
        project: application.project ?? 'default',
        repoURL: application.repoURL,
        targetRevision: application.targetRevision ?? 'HEAD',
        path: application.path,
        server: application.destination.server ?? '',
        clusterName: application.destination.name ?? '',
        namespace: application.destination.namespace,
        createNamespace: application.createNamespace ?? false,
      };
    });

    this.apiObject = new ApiObject(this, 'Resource', {
      apiVersion: ARGOCD_API_VERSION,
      kind: 'ApplicationSet',
      metadata: { name: props.name ?? 'coder', namespace: props.namespace, labels: props.labels },
      spec: {
        goTemplate: true,
        goTemplateOptions: ['missingkey=error'],
        generators: [{ list: { elements } }],
        template: {
          metadata: { name: `${props.applicationPrefix}{{ .environment }}`, labels: props.labels },
          spec: {
            project: '{{ .project }}',
            source: {
              repoURL: '{{ .repoURL }}',
              targetRevision: '{{ .targetRevision }}',
              path: '{{ .path }}',
              directory: { include: MANIFEST_GLOB },
            },
            destination: { namespace: '{{ .namespace }}' },
            syncPolicy: { automated: { prune: true, selfHeal: true } },
          },
        },
        templatePatch: TEMPLATE_PATCH,
      },
    });
  }
}
