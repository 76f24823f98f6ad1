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
  // Settings that take a file path (`*_FILE`) name a file, not its content.
  if (name.endsWith('_FILE')) {
    return false;
  }
  // The named ones, then any name that says what it holds: Coder's settings follow that habit
  // (CODER_NOTIFICATIONS_EMAIL_AUTH_PASSWORD, CODER_EXTERNAL_TOKEN_ENCRYPTION_KEYS, ...).
  return [
    /^CODER_PG_CONNECTION_URL$/,
    /^CODER_LICENSE$/,
    /(^|_)(SECRET|PASSWORD|PSK|PRIVATE_KEY|ENCRYPTION_KEYS?|API_KEY)(_|$)/,
  ].some(pattern => pattern.test(name));
}

/**
 * Whether a connection string embeds a password: a user part with a colon before the `@` that ends it
 * (user, colon, password, at sign, host), or a `password=` parameter (in a URL's query or a `key=value` DSN).
 */
export function urlHasPassword(url: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\/[^@\s]*:[^@\s]*@/i.test(url) || /(^|[\s?&;])(ssl)?password=/i.test(url);
}

/** Whether a URL carries credentials (a user part ending in an at sign) before its host. */
export function urlHasCredentials(url: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\/[^/@\s]*@/i.test(url);
}
