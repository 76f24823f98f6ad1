import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { coderLabels, coderSelectorLabels } from './coder-labels';

export interface CoderServiceProps {
  /** Name of the Service; also the Coder instance whose pods it selects. */
  readonly name: string;
  /** @default - the chart's namespace */
  readonly namespace?: string;
  /** Coder release, for the version label. */
  readonly version: string;
  /** @default 'LoadBalancer' */
  readonly type?: 'ClusterIP' | 'NodePort' | 'LoadBalancer';
  /** Only for NodePort and LoadBalancer. @default 'Cluster' */
  readonly externalTrafficPolicy?: 'Cluster' | 'Local';
  /** Such as the AWS Load Balancer Controller's annotations. @default - none */
  readonly annotations?: Record<string, string>;
}

/**
 * The Service in front of Coder: port 80 to the pod's `http` port. Session affinity stays None because AWS load
 * balancers reject ClientIP.
 */
export class CoderService extends Construct {
  public readonly apiObject: k8s.KubeService;

  constructor(scope: Construct, id: string, props: CoderServiceProps) {
    super(scope, id);

    const type = props.type ?? 'LoadBalancer';
    const annotations = props.annotations ?? {};

    this.apiObject = new k8s.KubeService(this, 'Resource', {
      metadata: {
        name: props.name,
        namespace: props.namespace,
        labels: coderLabels(props.name, props.version),
        annotations: Object.keys(annotations).length > 0 ? annotations : undefined,
      },
      spec: {
        type,
        sessionAffinity: 'None',
        externalTrafficPolicy: type === 'ClusterIP' ? undefined : (props.externalTrafficPolicy ?? 'Cluster'),
        ports: [{ name: 'http', port: 80, targetPort: k8s.IntOrString.fromString('http'), protocol: 'TCP' }],
        selector: coderSelectorLabels(props.name),
      },
    });
  }
}
