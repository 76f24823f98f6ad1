/**
 * The request of `aws eks create-pod-identity-association --cli-input-json`, with the API's own member names. EKS
 * then gives pods of this ServiceAccount the role's credentials through the Pod Identity agent.
 *
 * @see https://docs.aws.amazon.com/eks/latest/APIReference/API_CreatePodIdentityAssociation.html
 */
export interface PodIdentityAssociation {
  readonly clusterName: string;
  readonly namespace: string;
  readonly serviceAccount: string;
  readonly roleArn: string;
}

export interface PodIdentityAssociationProps {
  readonly clusterName: string;
  /** Namespace of the ServiceAccount the pod runs as. */
  readonly namespace: string;
  /** Name of the ServiceAccount the pod runs as. */
  readonly serviceAccountName: string;
  readonly roleArn: string;
}

/** The association between the ServiceAccount Coder runs as and its IAM role. */
export function podIdentityAssociation(props: PodIdentityAssociationProps): PodIdentityAssociation {
  return {
    clusterName: props.clusterName,
    namespace: props.namespace,
    serviceAccount: props.serviceAccountName,
    roleArn: props.roleArn,
  };
}
