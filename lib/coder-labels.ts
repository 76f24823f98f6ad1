/**
 * The labels that select Coder's pods, as Coder's own chart sets them. A Deployment's selector cannot change after
 * the first apply, so these depend only on the instance name, never on where a construct sits in the tree.
 */
export function coderSelectorLabels(instance: string): Record<string, string> {
  return {
    'app.kubernetes.io/name': 'coder',
    'app.kubernetes.io/instance': instance,
  };
}

/** The selector labels plus the descriptive ones put on every object of one Coder instance. */
export function coderLabels(instance: string, version: string): Record<string, string> {
  return {
    ...coderSelectorLabels(instance),
    'app.kubernetes.io/part-of': 'coder',
    'app.kubernetes.io/version': version,
    'app.kubernetes.io/managed-by': 'cdk8s',
  };
}
