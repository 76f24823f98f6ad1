import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';

/** The verbs Coder's chart grants on each workspace resource. */
export const WORKSPACE_VERBS: readonly string[] = [
  'create',
  'delete',
  'deletecollection',
  'get',
  'list',
  'patch',
  'update',
  'watch',
];

/** Name of the Role, as Coder's chart names it. */
export const WORKSPACE_ROLE_NAME = 'coder-workspace-perms';

export interface CoderWorkspaceRbacProps {
  /** Namespace where Coder creates workspaces and where the Role and RoleBinding live. */
  readonly namespace: string;
  /** The ServiceAccount Coder runs as. */
  readonly serviceAccountName: string;
  readonly serviceAccountNamespace: string;
  /** Name of the RoleBinding. */
  readonly bindingName: string;
  /** @default - no labels */
  readonly labels?: Record<string, string>;
}

/**
 * The namespaced Role `coder-workspace-perms` and its RoleBinding, which let Coder manage workspace pods, volumes and
 * deployments in one namespace. Add one per namespace Coder provisions workspaces in.
 */
export class CoderWorkspaceRbac extends Construct {
  public readonly role: k8s.KubeRole;
  public readonly roleBinding: k8s.KubeRoleBinding;

  constructor(scope: Construct, id: string, props: CoderWorkspaceRbacProps) {
    super(scope, id);

    this.role = new k8s.KubeRole(this, 'Role', {
      metadata: { name: WORKSPACE_ROLE_NAME, namespace: props.namespace, labels: props.labels },
      rules: [
        { apiGroups: [''], resources: ['pods'], verbs: [...WORKSPACE_VERBS] },
        { apiGroups: [''], resources: ['persistentvolumeclaims'], verbs: [...WORKSPACE_VERBS] },
        { apiGroups: ['apps'], resources: ['deployments'], verbs: [...WORKSPACE_VERBS] },
      ],
    });

    this.roleBinding = new k8s.KubeRoleBinding(this, 'RoleBinding', {
      metadata: { name: props.bindingName, namespace: props.namespace, labels: props.labels },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: WORKSPACE_ROLE_NAME },
      subjects: [{ kind: 'ServiceAccount', name: props.serviceAccountName, namespace: props.serviceAccountNamespace }],
    });
  }
}
