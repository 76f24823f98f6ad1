import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { coderLabels, coderSelectorLabels } from './coder-labels';
import { PG_CONNECTION_AUTH, PG_CONNECTION_URL } from './coder-settings';
import { SECRETS_STORE_CSI_DRIVER } from './csi-driver';
import { addWorkloadValidation, describeObject, Manifest } from './manifest-checks';

/** The port Coder serves HTTP on inside the pod, named `http`. */
export const CODER_HTTP_PORT = 8080;

/** The port Coder serves Prometheus metrics on when CODER_PROMETHEUS_ENABLE is "true". */
export const CODER_PROMETHEUS_PORT = 2112;

/** Name of the CSI volume in the pod. */
export const SECRETS_VOLUME_NAME = 'secrets-store';

/** Where Coder caches provider binaries when the root filesystem is read-only. */
export const CODER_CACHE_DIRECTORY = '/var/cache/coder';

/** A Coder setting read from a key of a Kubernetes Secret that the CSI driver syncs. */
export interface SecretEnvVar {
  /** Environment variable, such as CODER_PG_CONNECTION_URL. */
  readonly name: string;
  readonly secretName: string;
  readonly key: string;
}

/** CPU and memory as Kubernetes quantities. */
export interface CpuMemory {
  readonly cpu?: string;
  readonly memory?: string;
}

export interface CoderResources {
  /** @default { cpu: '500m', memory: '1Gi' } */
  readonly requests?: CpuMemory;
  /** @default { cpu: '2', memory: '4Gi' } */
  readonly limits?: CpuMemory;
}

export interface CoderDeploymentProps {
  /** Name of the Deployment and value of the `app.kubernetes.io/instance` label. */
  readonly name: string;
  /** @default - the chart's namespace */
  readonly namespace?: string;
  /** Coder release without the leading "v", such as 2.29.0. */
  readonly version: string;
  /** @default 'ghcr.io/coder/coder' */
  readonly image?: string;
  /**
   * Pins the image to one build as well as to its tag, such as `sha256:<64 hex digits>`.
   *
   * @default - the tag alone
   */
  readonly imageDigest?: string;
  /** External URL of Coder (CODER_ACCESS_URL). */
  readonly accessUrl: string;
  /**
   * More than one replica needs a Coder high-availability licence.
   *
   * @default 1
   */
  readonly replicas?: number;
  /** The ServiceAccount that carries the IRSA role annotation; never `default`. */
  readonly serviceAccountName: string;
  /** Name of the SecretProviderClass the CSI volume mounts; it must be in the pod's namespace. */
  readonly secretProviderClassName: string;
  /** Directory the CSI volume is mounted at in the Coder container. */
  readonly secretsMountPath: string;
  /** @default - no setting is read from a synced Secret */
  readonly secretEnv?: readonly SecretEnvVar[];
  /** Non-secret settings, added after the standard ones. @default - none */
  readonly env?: Record<string, string>;
  /** @default - see {@link CoderResources} */
  readonly resources?: CoderResources;
  /**
   * Mount the root filesystem read-only. Coder then gets writable emptyDirs at /tmp and at its cache directory.
   *
   * @default true
   */
  readonly readOnlyRootFilesystem?: boolean;
  /**
   * Check at synth time that the pod's ServiceAccount carries the IRSA role annotation. Turn it off for EKS Pod
   * Identity, where an association made in AWS takes the annotation's place.
   *
   * @default true
   */
  readonly requireRoleAnnotation?: boolean;
  /**
   * Annotate the Deployment so that Stakater Reloader, when it runs on the cluster, restarts Coder whenever one of
   * the Secrets in `secretEnv` changes. Settings read through env change only when the process restarts, so with the
   * driver's rotation on this is what brings a rotated secret to Coder.
   *
   * @default false
   * @see https://github.com/stakater/Reloader
   */
  readonly restartOnSecretChange?: boolean;
}

/** The annotation Stakater Reloader reads: a comma-separated list of Secrets whose change restarts the workload. */
export const RELOADER_SECRET_ANNOTATION = 'secret.reloader.stakater.com/reload';

/** Requests when none are given; the limits below must stay at least as high. */
export const DEFAULT_REQUESTS: CpuMemory = { cpu: '500m', memory: '1Gi' };
export const DEFAULT_LIMITS: CpuMemory = { cpu: '2', memory: '4Gi' };

/** Paths of the Coder container that a volume mounted over them (or over a folder holding them) would hide. */
export const RESERVED_CONTAINER_PATHS: readonly string[] = [
  '/opt/coder',
  '/tmp',
  CODER_CACHE_DIRECTORY,
  '/var/run/secrets/kubernetes.io/serviceaccount',
  '/var/run/secrets/eks.amazonaws.com',
  '/etc',
  '/usr',
  '/bin',
  '/sbin',
  '/lib',
  '/proc',
  '/sys',
  '/dev',
];

/**
 * The Coder server Deployment as Coder's official chart deploys it, with the Secrets Store CSI volume mounted
 * read-only and secret settings read from the Secret the driver syncs.
 *
 * @see https://github.com/coder/coder/tree/main/helm/coder
 */
export class CoderDeployment extends Construct {
  public readonly name: string;
  public readonly apiObject: k8s.KubeDeployment;

  constructor(scope: Construct, id: string, props: CoderDeploymentProps) {
    super(scope, id);

    const readOnlyRoot = props.readOnlyRootFilesystem ?? true;
    const userEnv = props.env ?? {};
    const prometheus = userEnv.CODER_PROMETHEUS_ENABLE === 'true';
    const labels = coderLabels(props.name, props.version);

    const volumes: k8s.Volume[] = [
      {
        name: SECRETS_VOLUME_NAME,
        csi: {
          driver: SECRETS_STORE_CSI_DRIVER,
          readOnly: true,
          volumeAttributes: { secretProviderClass: props.secretProviderClassName },
        },
      },
    ];
    const volumeMounts: k8s.VolumeMount[] = [
      { name: SECRETS_VOLUME_NAME, mountPath: props.secretsMountPath, readOnly: true },
    ];
    if (readOnlyRoot) {
      volumes.push({ name: 'tmp', emptyDir: {} }, { name: 'cache', emptyDir: {} });
      volumeMounts.push({ name: 'tmp', mountPath: '/tmp' }, { name: 'cache', mountPath: CODER_CACHE_DIRECTORY });
    }

    const reloadSecrets = [...new Set((props.secretEnv ?? []).map(e => e.secretName))].sort();
    const annotations =
      props.restartOnSecretChange && reloadSecrets.length > 0
        ? { [RELOADER_SECRET_ANNOTATION]: reloadSecrets.join(',') }
        : undefined;
    const digest = props.imageDigest ? `@${props.imageDigest}` : '';
    const image = `${props.image ?? 'ghcr.io/coder/coder'}:v${props.version}${digest}`;

    this.name = props.name;
    this.apiObject = new k8s.KubeDeployment(this, 'Resource', {
      metadata: { name: props.name, namespace: props.namespace, labels, annotations },
      spec: {
        replicas: props.replicas ?? 1,
        selector: { matchLabels: coderSelectorLabels(props.name) },
        template: {
          metadata: { labels },
          spec: {
            serviceAccountName: props.serviceAccountName,
            automountServiceAccountToken: true,
            restartPolicy: 'Always',
            terminationGracePeriodSeconds: 60,
            securityContext: { seccompProfile: { type: 'RuntimeDefault' } },
            affinity: {
              podAntiAffinity: {
                preferredDuringSchedulingIgnoredDuringExecution: [
                  {
                    weight: 1,
                    podAffinityTerm: {
                      topologyKey: 'kubernetes.io/hostname',
                      labelSelector: {
                        matchExpressions: [{ key: 'app.kubernetes.io/instance', operator: 'In', values: [props.name] }],
                      },
                    },
                  },
                ],
              },
            },
            containers: [
              {
                name: 'coder',
                image,
                imagePullPolicy: 'IfNotPresent',
                command: ['/opt/coder'],
                args: ['server'],
                env: coderEnv(props, readOnlyRoot),
                ports: [
                  { name: 'http', containerPort: CODER_HTTP_PORT, protocol: 'TCP' },
                  ...(prometheus
                    ? [{ name: 'prometheus-http', containerPort: CODER_PROMETHEUS_PORT, protocol: 'TCP' }]
                    : []),
                ],
                readinessProbe: {
                  httpGet: { path: '/healthz', port: k8s.IntOrString.fromString('http'), scheme: 'HTTP' },
                },
                resources: resourceRequirements(props.resources),
                securityContext: {
                  runAsNonRoot: true,
                  runAsUser: 1000,
                  runAsGroup: 1000,
                  readOnlyRootFilesystem: readOnlyRoot,
                  allowPrivilegeEscalation: false,
                  capabilities: { drop: ['ALL'] },
                  seccompProfile: { type: 'RuntimeDefault' },
                },
                volumeMounts,
              },
            ],
            volumes,
          },
        },
      },
    });

    addWorkloadValidation(
      this,
      this.apiObject,
      { requireRoleAnnotation: props.requireRoleAnnotation },
      coderSettingProblems,
    );
  }
}

/**
 * Coder needs an external database (without CODER_PG_CONNECTION_URL it starts a built-in PostgreSQL in the pod and
 * loses everything on restart) and an http(s) access URL.
 */
function coderSettingProblems(manifest: Manifest): string[] {
  const problems: string[] = [];
  const env: k8s.EnvVar[] = manifest.spec.template.spec.containers[0].env ?? [];
  const at = `${describeObject(manifest)}: spec.template.spec.containers[0].env`;
  const byName = new Map(env.map(e => [e.name, e]));
  const url = byName.get(PG_CONNECTION_URL);
  if (url === undefined) {
    problems.push(
      `${at}: must set ${PG_CONNECTION_URL} (from a synced Secret, or with ${PG_CONNECTION_AUTH}=awsiamrds)`,
    );
  } else if (url.value !== undefined && byName.get(PG_CONNECTION_AUTH)?.value !== 'awsiamrds') {
    problems.push(
      `${at}: ${PG_CONNECTION_URL} must come from a synced Secret unless ${PG_CONNECTION_AUTH} is awsiamrds`,
    );
  }
  const accessUrl = byName.get('CODER_ACCESS_URL')?.value;
  if (accessUrl === undefined || !/^https?:\/\/[^/]/.test(accessUrl)) {
    problems.push(
      `${at}: CODER_ACCESS_URL must be an http:// or https:// URL, got ${JSON.stringify(accessUrl ?? null)}`,
    );
  }
  return problems;
}

/**
 * Coder's standard settings in the order its chart writes them (KUBE_POD_IP must come before the relay URL that
 * expands it), then the secret settings, then the user's own.
 */
function coderEnv(props: CoderDeploymentProps, readOnlyRoot: boolean): k8s.EnvVar[] {
  const env: k8s.EnvVar[] = [
    { name: 'CODER_HTTP_ADDRESS', value: `0.0.0.0:${CODER_HTTP_PORT}` },
    { name: 'CODER_PROMETHEUS_ADDRESS', value: `0.0.0.0:${CODER_PROMETHEUS_PORT}` },
    { name: 'CODER_ACCESS_URL', value: props.accessUrl },
    { name: 'KUBE_POD_IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } },
    { name: 'CODER_DERP_SERVER_RELAY_URL', value: `http://$(KUBE_POD_IP):${CODER_HTTP_PORT}` },
  ];
  const userEnv = props.env ?? {};
  if (readOnlyRoot && userEnv.CODER_CACHE_DIRECTORY === undefined) {
    env.push({ name: 'CODER_CACHE_DIRECTORY', value: CODER_CACHE_DIRECTORY });
  }
  for (const secret of props.secretEnv ?? []) {
    env.push({ name: secret.name, valueFrom: { secretKeyRef: { name: secret.secretName, key: secret.key } } });
  }
  for (const [name, value] of Object.entries(userEnv)) {
    env.push({ name, value });
  }
  return env;
}

function resourceRequirements(resources: CoderResources = {}): k8s.ResourceRequirements {
  const quantities = (values: CpuMemory) =>
    Object.fromEntries(
      Object.entries(values)
        .filter(([, v]) => v !== undefined)
        .map(([k, v]) => [k, k8s.Quantity.fromString(v as string)]),
    );
  return {
    requests: quantities({ ...DEFAULT_REQUESTS, ...resources.requests }),
    limits: quantities({ ...DEFAULT_LIMITS, ...resources.limits }),
  };
}
