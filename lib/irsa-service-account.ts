import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';

/** The annotation the EKS pod identity webhook and ASCP read the IAM role from. */
export const ROLE_ARN_ANNOTATION = 'eks.amazonaws.com/role-arn';

export interface IrsaServiceAccountProps {
  readonly name: string;
  /** @default - the chart's namespace */
  readonly namespace?: string;
  /**
   * IAM role the pods of this ServiceAccount assume through IRSA. Leave it out for EKS Pod Identity, where an
   * association made in AWS takes the annotation's place.
   *
   * @default - no role annotation
   */
  readonly roleArn?: string;
  /**
   * Sets `eks.amazonaws.com/sts-regional-endpoints`, so that the pod calls the STS endpoint of its own region.
   *
   * @default - the webhook's default
   */
  readonly stsRegionalEndpoints?: boolean;
  /**
   * Sets `eks.amazonaws.com/token-expiration`: lifetime of the projected web identity token, 600 to 86400 seconds.
   *
   * @default - the webhook's default, 86400
   */
  readonly tokenExpirationSeconds?: number;
  /**
   * Mount the ServiceAccount token into pods. Coder needs it to create workspaces through the Kubernetes API.
   *
   * @default true
   */
  readonly automountToken?: boolean;
  /** @default - no labels */
  readonly labels?: Record<string, string>;
}

/**
 * A ServiceAccount that carries the IRSA role annotation. ASCP reads the annotation on the mounting pod's own
 * ServiceAccount, so this is the account the workload runs as.
 *
 * @see https://docs.aws.amazon.com/eks/latest/userguide/iam-roles-for-service-accounts.html
 */
export class IrsaServiceAccount extends Construct {
  public readonly name: string;
  public readonly namespace: string | undefined;
  public readonly roleArn: string | undefined;
  public readonly apiObject: k8s.KubeServiceAccount;

  constructor(scope: Construct, id: string, props: IrsaServiceAccountProps) {
    super(scope, id);

    const annotations: Record<string, string> = {};
    if (props.roleArn !== undefined) {
      annotations[ROLE_ARN_ANNOTATION] = props.roleArn;
    }
    if (props.stsRegionalEndpoints !== undefined) {
      annotations['eks.amazonaws.com/sts-regional-endpoints'] = String(props.stsRegionalEndpoints);
    }
    if (props.tokenExpirationSeconds !== undefined) {
      annotations['eks.amazonaws.com/token-expiration'] = String(props.tokenExpirationSeconds);
    }

    this.name = props.name;
    this.roleArn = props.roleArn;
    this.apiObject = new k8s.KubeServiceAccount(this, 'Resource', {
      metadata: {
        name: props.name,
        namespace: props.namespace,
        labels: props.labels,
        annotations: Object.keys(annotations).length > 0 ? annotations : undefined,
      },
      automountServiceAccountToken: props.automountToken ?? true,
    });
    this.namespace = this.apiObject.metadata.namespace;
  }
}
