import { createHash } from 'crypto';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { AwsSecretProviderClass } from './aws-secret-provider-class';
import { SECRETS_STORE_CSI_DRIVER } from './csi-driver';
import { addWorkloadValidation } from './manifest-checks';

/** A small image with a POSIX shell, pinned. */
export const DEFAULT_SMOKE_TEST_IMAGE = 'busybox:1.36.1';

export interface SecretMountSmokeTestProps {
  /**
   * The Job's name is this prefix and a hash of the Job's spec. A Job's pod template cannot change after creation,
   * so a changed test gets a new name, which `kubectl apply` creates (and runs) instead of failing on the old one.
   *
   * @default - `<SecretProviderClass name>-smoke-test`
   */
  readonly namePrefix?: string;
  /** @default - the chart's namespace */
  readonly namespace?: string;
  /** The ServiceAccount the workload runs as: the test must authenticate exactly as the workload does. */
  readonly serviceAccountName: string;
  /** The SecretProviderClass the workload mounts. */
  readonly secretProviderClass: AwsSecretProviderClass;
  /** Where the workload mounts it. */
  readonly mountPath: string;
  /** @default DEFAULT_SMOKE_TEST_IMAGE */
  readonly image?: string;
  /**
   * How long the test may run before Kubernetes stops it and marks it failed, in seconds.
   *
   * @default 180
   */
  readonly activeDeadlineSeconds?: number;
  /**
   * How long the finished Job stays for its result to be read, in seconds, before Kubernetes deletes it.
   *
   * @default 3600
   */
  readonly ttlSecondsAfterFinished?: number;
  /**
   * Run as an Argo CD PostSync hook, after every sync. The hook annotations belong on this Job only.
   *
   * @default true
   */
  readonly argoCdPostSyncHook?: boolean;
  /** @default true */
  readonly requireRoleAnnotation?: boolean;
}

/** Where the Job mounts each synced Secret, as `<dir>/<Secret name>/<key>`. */
export const SYNCED_SECRETS_DIR = '/synced';

/**
 * The checking script. It receives what to check as arguments (`file:<name>` for a file of the CSI mount,
 * `key:<Secret>/<key>` for a key of a synced Secret), never interpolated into the script, and prints names only,
 * never a value. The driver creates a synced Secret a moment after the mount, and the kubelet fills an optional
 * Secret volume once the Secret exists, so the script checks again every POLL_SECONDS until WAIT_SECONDS have passed.
 */
export const SMOKE_TEST_SCRIPT = `
run_checks() {
  missing=0
  for check in "$@"; do
    case "$check" in
      file:*) path="$MOUNT/\${check#file:}"; what="file \${check#file:}" ;;
      key:*) path="$SYNCED/\${check#key:}"; what="synced Secret key \${check#key:}" ;;
      *) continue ;;
    esac
    if [ -s "$path" ]; then
      if [ "$report" = 1 ]; then echo "ok: $what"; fi
    else
      missing=1
      if [ "$report" = 1 ]; then echo "MISSING: $what is absent or empty"; fi
    fi
  done
}
deadline=$(( $(date +%s) + WAIT_SECONDS ))
report=0
run_checks "$@"
while [ "$missing" -ne 0 ] && [ "$(date +%s)" -lt "$deadline" ]; do
  sleep "$POLL_SECONDS"
  run_checks "$@"
done
report=1
run_checks "$@"
if [ "$missing" -ne 0 ]; then echo "smoke test failed"; exit 1; fi
echo "smoke test passed"
`.trim();

/**
 * A Job that authenticates as the workload, mounts the same SecretProviderClass read-only, and checks that every
 * expected file exists and is non-empty and that every key of every synced Secret exists, printing names and never
 * values. It exits non-zero, naming what is missing, when the mount or the sync is broken: the check the team used to
 * do by exec-ing into a pod.
 */
export class SecretMountSmokeTest extends Construct {
  public readonly name: string;
  public readonly apiObject: k8s.KubeJob;

  constructor(scope: Construct, id: string, props: SecretMountSmokeTestProps) {
    super(scope, id);

    const spc = props.secretProviderClass;
    const deadline = props.activeDeadlineSeconds ?? 180;
    const env: k8s.EnvVar[] = [
      { name: 'MOUNT', value: props.mountPath },
      { name: 'SYNCED', value: SYNCED_SECRETS_DIR },
      // Leave time to report before Kubernetes stops the pod at the deadline.
      { name: 'WAIT_SECONDS', value: String(Math.max(0, deadline - 30)) },
      { name: 'POLL_SECONDS', value: '5' },
    ];
    const checks = [
      ...spc.mountedFiles.map(file => `file:${file}`),
      ...spc.syncedSecrets.flatMap(secret => secret.data.map(d => `key:${secret.secretName}/${d.key}`)),
    ];
    // Each synced Secret as an optional volume: a missing Secret or key is then reported by name, where an env
    // reference would stop the pod before the script runs, and the script never holds a value in its environment.
    const syncedVolumes: k8s.Volume[] = spc.syncedSecrets.map((secret, i) => ({
      name: `synced-${i}`,
      secret: { secretName: secret.secretName, optional: true },
    }));
    const syncedMounts: k8s.VolumeMount[] = spc.syncedSecrets.map((secret, i) => ({
      name: `synced-${i}`,
      mountPath: `${SYNCED_SECRETS_DIR}/${secret.secretName}`,
      readOnly: true,
    }));

    const spec: k8s.JobSpec = {
      backoffLimit: 0,
      activeDeadlineSeconds: deadline,
      ttlSecondsAfterFinished: props.ttlSecondsAfterFinished ?? 3600,
      template: {
        metadata: { labels: { 'app.kubernetes.io/name': 'secret-mount-smoke-test' } },
        spec: {
          serviceAccountName: props.serviceAccountName,
          // ASCP gets the pod's identity through the CSI driver; the script itself never calls the Kubernetes API.
          automountServiceAccountToken: false,
          restartPolicy: 'Never',
          // Coder's user, so that the files are checked as Coder would read them.
          securityContext: {
            runAsNonRoot: true,
            runAsUser: 1000,
            runAsGroup: 1000,
            seccompProfile: { type: 'RuntimeDefault' },
          },
          containers: [
            {
              name: 'check',
              image: props.image ?? DEFAULT_SMOKE_TEST_IMAGE,
              imagePullPolicy: 'IfNotPresent',
              command: ['sh', '-c', SMOKE_TEST_SCRIPT, 'smoke-test', ...checks],
              env,
              resources: {
                requests: { cpu: k8s.Quantity.fromString('10m'), memory: k8s.Quantity.fromString('16Mi') },
                limits: { cpu: k8s.Quantity.fromString('100m'), memory: k8s.Quantity.fromString('32Mi') },
              },
              securityContext: {
                allowPrivilegeEscalation: false,
                readOnlyRootFilesystem: true,
                capabilities: { drop: ['ALL'] },
              },
              volumeMounts: [{ name: 'secrets-store', mountPath: props.mountPath, readOnly: true }, ...syncedMounts],
            },
          ],
          volumes: [
            {
              name: 'secrets-store',
              csi: {
                driver: SECRETS_STORE_CSI_DRIVER,
                readOnly: true,
                volumeAttributes: { secretProviderClass: spc.name },
              },
            },
            ...syncedVolumes,
          ],
        },
      },
    };
    const hash = createHash('sha256')
      .update(JSON.stringify(k8s.toJson_JobSpec(spec)))
      .digest('hex')
      .slice(0, 8);
    // The name becomes the pods' job-name label: at most 63 characters, no dots, alphanumeric at both ends.
    const prefix = (props.namePrefix ?? `${spc.name}-smoke-test`).replace(/\./g, '-').slice(0, 54).replace(/-+$/, '');
    this.name = `${prefix}-${hash}`;

    this.apiObject = new k8s.KubeJob(this, 'Resource', {
      metadata: {
        name: this.name,
        namespace: props.namespace,
        labels: { 'app.kubernetes.io/name': 'secret-mount-smoke-test', 'app.kubernetes.io/part-of': 'coder' },
        annotations:
          (props.argoCdPostSyncHook ?? true)
            ? { 'argocd.argoproj.io/hook': 'PostSync', 'argocd.argoproj.io/hook-delete-policy': 'BeforeHookCreation' }
            : undefined,
      },
      spec,
    });

    addWorkloadValidation(this, this.apiObject, { requireRoleAnnotation: props.requireRoleAnnotation });
  }
}
