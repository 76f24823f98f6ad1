/** The name the Secrets Store CSI driver registers; pods name it in `csi.driver`. */
export const SECRETS_STORE_CSI_DRIVER = 'secrets-store.csi.k8s.io';
