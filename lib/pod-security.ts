import { describeObject, Manifest } from './manifest-checks';

/**
 * The Kubernetes Pod Security Standards' `restricted` profile (which includes `baseline`), control by control, as
 * a check of a pod spec. The admission controller enforces the same rules when the namespace carries the
 * `pod-security.kubernetes.io/enforce: restricted` label; checking at synth time catches a violation in review
 * instead of as a rejected pod.
 *
 * @see https://kubernetes.io/docs/concepts/security/pod-security-standards/
 */

/** One control the pod breaks, with the path of the offending field inside the pod spec. */
export interface PodSecurityViolation {
  /** The control's name as the Pod Security Standards page titles it. */
  readonly control: string;
  readonly path: string;
  readonly message: string;
}

/** Volume types the restricted profile allows. */
export const RESTRICTED_VOLUME_TYPES: readonly string[] = [
  'configMap',
  'csi',
  'downwardAPI',
  'emptyDir',
  'ephemeral',
  'persistentVolumeClaim',
  'projected',
  'secret',
];

/** The only capability the restricted profile lets a container add. */
const ADDABLE_CAPABILITY = 'NET_BIND_SERVICE';

/** Sysctls the baseline profile allows. */
const SAFE_SYSCTLS: readonly string[] = [
  'kernel.shm_rmid_forced',
  'net.ipv4.ip_local_port_range',
  'net.ipv4.ip_unprivileged_port_start',
  'net.ipv4.tcp_syncookies',
  'net.ipv4.ping_group_range',
  'net.ipv4.ip_local_reserved_ports',
  'net.ipv4.tcp_keepalive_time',
  'net.ipv4.tcp_fin_timeout',
  'net.ipv4.tcp_keepalive_intvl',
  'net.ipv4.tcp_keepalive_probes',
];

const SELINUX_TYPES: readonly (string | undefined)[] = [
  undefined,
  '',
  'container_t',
  'container_init_t',
  'container_kvm_t',
  'container_engine_t',
];

/** The restricted profile's violations of a workload's pod template, as lines that name the object and the field. */
export function restrictedProblems(workload: Manifest): string[] {
  return restrictedViolations(workload.spec?.template?.spec ?? {}, 'spec.template.spec').map(
    v => `${describeObject(workload)}: ${v.path}: ${v.message} (Pod Security Standard "restricted", ${v.control})`,
  );
}

/** Every violation of the restricted profile in a pod spec; `at` prefixes the paths (such as `spec.template.spec`). */
export function restrictedViolations(pod: any, at: string = 'spec'): PodSecurityViolation[] {
  const violations: PodSecurityViolation[] = [];
  const add = (control: string, path: string, message: string) =>
    violations.push({ control, path: `${at}.${path}`, message });
  const podContext = pod.securityContext ?? {};

  for (const field of ['hostNetwork', 'hostPID', 'hostIPC'] as const) {
    if (pod[field]) {
      add('Host Namespaces', field, 'must be unset or false');
    }
  }

  (pod.volumes ?? []).forEach((volume: any, i: number) => {
    const types = Object.keys(volume).filter(k => k !== 'name');
    if (volume.hostPath !== undefined) {
      add('HostPath Volumes', `volumes[${i}].hostPath`, 'hostPath volumes are forbidden');
    }
    for (const type of types.filter(t => !RESTRICTED_VOLUME_TYPES.includes(t))) {
      add('Volume Types', `volumes[${i}].${type}`, `must be one of ${RESTRICTED_VOLUME_TYPES.join(', ')}`);
    }
  });

  (podContext.sysctls ?? []).forEach((sysctl: any, i: number) => {
    if (!SAFE_SYSCTLS.includes(sysctl.name)) {
      add('Sysctls', `securityContext.sysctls[${i}].name`, `"${sysctl.name}" is not a safe sysctl`);
    }
  });

  checkContext(podContext, 'securityContext', add);

  const containers = [
    ...(pod.containers ?? []).map((c: any, i: number) => [c, `containers[${i}]`]),
    ...(pod.initContainers ?? []).map((c: any, i: number) => [c, `initContainers[${i}]`]),
    ...(pod.ephemeralContainers ?? []).map((c: any, i: number) => [c, `ephemeralContainers[${i}]`]),
  ] as [any, string][];

  for (const [container, path] of containers) {
    const context = container.securityContext ?? {};
    checkContext(context, `${path}.securityContext`, add);

    if (context.privileged) {
      add('Privileged Containers', `${path}.securityContext.privileged`, 'must be unset or false');
    }
    if (context.procMount !== undefined && context.procMount !== 'Default') {
      add('/proc Mount Type', `${path}.securityContext.procMount`, 'must be unset or Default');
    }
    (container.ports ?? []).forEach((port: any, p: number) => {
      if (port.hostPort) {
        add('Host Ports', `${path}.ports[${p}].hostPort`, 'must be unset or 0');
      }
    });
    if (context.allowPrivilegeEscalation !== false) {
      add('Privilege Escalation', `${path}.securityContext.allowPrivilegeEscalation`, 'must be false');
    }
    if (context.runAsNonRoot !== true && podContext.runAsNonRoot !== true) {
      add('Running as Non-root', `${path}.securityContext.runAsNonRoot`, 'must be true here or on the pod');
    }
    const seccomp = context.seccompProfile?.type ?? podContext.seccompProfile?.type;
    if (seccomp !== 'RuntimeDefault' && seccomp !== 'Localhost') {
      add(
        'Seccomp',
        `${path}.securityContext.seccompProfile.type`,
        'must be RuntimeDefault or Localhost, here or on the pod',
      );
    }
    const capabilities = context.capabilities ?? {};
    if (!(capabilities.drop ?? []).includes('ALL')) {
      add('Capabilities', `${path}.securityContext.capabilities.drop`, 'must include ALL');
    }
    (capabilities.add ?? []).forEach((capability: string, c: number) => {
      if (capability !== ADDABLE_CAPABILITY) {
        add(
          'Capabilities',
          `${path}.securityContext.capabilities.add[${c}]`,
          `may only add ${ADDABLE_CAPABILITY}, not ${capability}`,
        );
      }
    });
  }
  return violations;
}

/** The controls that apply alike to the pod's security context and to each container's. */
function checkContext(context: any, path: string, add: (control: string, path: string, message: string) => void): void {
  if (context.windowsOptions?.hostProcess) {
    add('HostProcess', `${path}.windowsOptions.hostProcess`, 'must be unset or false');
  }
  if (context.runAsUser === 0) {
    add('Running as Non-root user', `${path}.runAsUser`, 'must not be 0');
  }
  if (context.seccompProfile?.type === 'Unconfined') {
    add('Seccomp', `${path}.seccompProfile.type`, 'must not be Unconfined');
  }
  if (context.appArmorProfile?.type === 'Unconfined') {
    add('AppArmor', `${path}.appArmorProfile.type`, 'must not be Unconfined');
  }
  const seLinux = context.seLinuxOptions;
  if (seLinux !== undefined) {
    if (!SELINUX_TYPES.includes(seLinux.type)) {
      add(
        'SELinux',
        `${path}.seLinuxOptions.type`,
        `must be unset or one of ${SELINUX_TYPES.filter(Boolean).join(', ')}`,
      );
    }
    for (const field of ['user', 'role']) {
      if (seLinux[field]) {
        add('SELinux', `${path}.seLinuxOptions.${field}`, 'must be unset');
      }
    }
  }
}
