/**
 * What this project knows about Coder's own settings (environment variables) that the synth must treat specially.
 *
 * @see https://coder.com/docs/reference/cli/server
 */

/** Settings the Deployment sets itself; an environment file may not set them again. */
export const STANDARD_CODER_ENV: readonly string[] = [
  'CODER_HTTP_ADDRESS',
  'CODER_PROMETHEUS_ADDRESS',
  'CODER_ACCESS_URL',
  'KUBE_POD_IP',
  'CODER_DERP_SERVER_RELAY_URL',
];

/** The setting without which Coder starts a built-in PostgreSQL inside the pod and loses all state on restart. */
export const PG_CONNECTION_URL = 'CODER_PG_CONNECTION_URL';

/** With this set to `awsiamrds`, Coder authenticates to RDS with the pod's IAM role and the URL holds no password. */
export const PG_CONNECTION_AUTH = 'CODER_PG_CONNECTION_AUTH';

/**
 * Whether a setting carries secret material and must therefore come from AWS Secrets Manager, never from a plain
 * value in the environment file.
 */
export function isSecretSetting(name: string): boolean {
  return [
    /^CODER_PG_CONNECTION_URL$/,
    /^CODER_OAUTH2_GITHUB_CLIENT_SECRET$/,
    /^CODER_OIDC_CLIENT_SECRET$/,
    /^CODER_EXTERNAL_AUTH_\d+_CLIENT_SECRET$/,
    /^CODER_EMAIL_AUTH_PASSWORD$/,
    /^CODER_PROVISIONER_DAEMON_PSK$/,
    /^CODER_LICENSE$/,
  ].some(pattern => pattern.test(name));
}

/** Whether a PostgreSQL URL embeds a password: a colon in the user part, before the `@` that ends it. */
export function urlHasPassword(url: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\/[^/@:]*:[^/@]*@/i.test(url);
}
