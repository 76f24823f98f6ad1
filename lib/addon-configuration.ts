/** The managed EKS add-on that installs the Secrets Store CSI driver together with ASCP. */
export const ASCP_ADDON_NAME = 'aws-secrets-store-csi-driver-provider';

/** The add-on that runs the EKS Pod Identity agent; Pod Identity needs it on the cluster. */
export const POD_IDENTITY_AGENT_ADDON_NAME = 'eks-pod-identity-agent';

/**
 * The driver's settings inside the add-on's configuration values. The add-on passes them to its bundled
 * secrets-store-csi-driver chart, whose values use these names.
 */
export interface CsiDriverAddonValues {
  readonly syncSecret: { readonly enabled: boolean };
  readonly enableSecretRotation?: boolean;
  readonly rotationPollInterval?: string;
}

/** The JSON document `aws eks create-addon --configuration-values` takes for the ASCP add-on. */
export interface AscpAddonConfiguration {
  readonly 'secrets-store-csi-driver': CsiDriverAddonValues;
}

export interface AscpAddonConfigurationProps {
  /**
   * Whether a SecretProviderClass syncs a Kubernetes Secret; the driver does so only when told to. The add-on does not
   * create the RBAC that sync needs, which is why the synth emits it.
   */
  readonly syncSecret: boolean;
  /**
   * Re-read mounted objects every `pollInterval`.
   *
   * @default - rotation off, the driver's default
   */
  readonly rotation?: { readonly pollInterval: string };
}

/**
 * The configuration values of the ASCP add-on. Only the settings this project depends on are written, so the
 * add-on's defaults apply to everything else, including the CSIDriver's token audiences, which the add-on sets
 * itself (since ASCP 3.0 Pod Identity needs `pods.eks.amazonaws.com` among them): writing `tokenRequests` here would
 * replace that list.
 */
export function ascpAddonConfiguration(props: AscpAddonConfigurationProps): AscpAddonConfiguration {
  const syncSecret = { enabled: props.syncSecret };
  const driver: CsiDriverAddonValues =
    props.rotation === undefined
      ? { syncSecret }
      : { syncSecret, enableSecretRotation: true, rotationPollInterval: props.rotation.pollInterval };
  return { 'secrets-store-csi-driver': driver };
}

/**
 * The same driver settings as values of the Secrets Store CSI driver's own Helm chart, for a cluster where the driver
 * and ASCP were installed with Helm rather than as the add-on (`helm upgrade ... -f` reads JSON as YAML).
 */
export function csiDriverHelmValues(props: AscpAddonConfigurationProps): CsiDriverAddonValues {
  return ascpAddonConfiguration(props)['secrets-store-csi-driver'];
}
