import { posix } from 'path';
import { Chart, ChartProps } from 'cdk8s';
import { Construct } from 'constructs';
import { AwsSecretObject, AwsSecretProviderClass, mountedFileName, SyncedSecretKey } from './aws-secret-provider-class';
import { CoderDeployment, SecretEnvVar } from './coder-deployment';
import { coderLabels } from './coder-labels';
import { CoderService } from './coder-service';
import { EnvironmentConfig } from './environment-config';
import { IrsaServiceAccount } from './irsa-service-account';
import { SecretMountSmokeTest } from './secret-mount-smoke-test';
import { CoderWorkspaceRbac } from './workspace-rbac';

export interface CoderChartProps extends ChartProps {
  readonly config: EnvironmentConfig;
}

/**
 * How the configured secrets reach Coder: the objects ASCP mounts, the synced Secret's keys and the env that reads
 * them.
 */
export interface SecretWiring {
  readonly objects: AwsSecretObject[];
  readonly syncedKeys: SyncedSecretKey[];
  /** Settings read from the synced Secret. */
  readonly env: SecretEnvVar[];
  /** Settings whose value is the path of a mounted file. */
  readonly fileEnv: Record<string, string>;
}

/**
 * Derives the SecretProviderClass objects and the env wiring from an environment. Every setting consumed through env
 * becomes a key of the synced Secret named after the mounted file, so `secretObjects[].data[].objectName` always
 * names a file the SecretProviderClass mounts.
 */
export function secretWiring(config: EnvironmentConfig): SecretWiring {
  const translation = config.secretProviderClass.pathTranslation;
  const secretName = config.secretProviderClass.syncedSecretName;
  const syncedKeys: SyncedSecretKey[] = [];
  const env: SecretEnvVar[] = [];
  const fileEnv: Record<string, string> = {};
  const consume = (target: { env?: string; fileEnv?: string }, nameOrAlias: string) => {
    const file = mountedFileName(nameOrAlias, translation);
    if (target.env !== undefined) {
      syncedKeys.push({ objectName: file, key: file });
      env.push({ name: target.env, secretName, key: file });
    }
    if (target.fileEnv !== undefined) {
      fileEnv[target.fileEnv] = posix.join(config.secretProviderClass.mountPath, file);
    }
  };

  const objects = config.secrets.map(secret => {
    consume(secret, secret.objectAlias ?? secret.objectName);
    for (const entry of secret.jmesPath ?? []) {
      consume(entry, entry.objectAlias);
    }
    return {
      objectName: secret.objectName,
      objectType: secret.objectType,
      objectAlias: secret.objectAlias,
      objectVersion: secret.objectVersion,
      objectVersionLabel: secret.objectVersionLabel,
      filePermission: secret.filePermission,
      jmesPath: secret.jmesPath?.map(entry => ({ path: entry.path, objectAlias: entry.objectAlias })),
      failoverObject: secret.failoverObject,
    };
  });

  return { objects, syncedKeys, env, fileEnv };
}

/**
 * The namespaced objects of one environment, in apply order: the ServiceAccount (with the IRSA role annotation, or
 * without it for Pod Identity), the SecretProviderClass, the workspace RBAC, the Service and last the Deployment that
 * needs all of them.
 */
export class CoderChart extends Chart {
  public readonly serviceAccount: IrsaServiceAccount;
  public readonly secretProviderClass: AwsSecretProviderClass;
  public readonly deployment: CoderDeployment;

  constructor(scope: Construct, id: string, props: CoderChartProps) {
    const { config } = props;
    super(scope, id, { ...props, namespace: config.namespace.name });

    const namespace = config.namespace.name;
    const labels = coderLabels(config.coder.name, config.coder.version);
    const wiring = secretWiring(config);

    const podIdentity = config.auth === 'podIdentity';

    // With Pod Identity the association made in AWS names the role. A role annotation as well would make the EKS
    // webhook inject IRSA credentials too, which the AWS SDKs try before Pod Identity's.
    this.serviceAccount = new IrsaServiceAccount(this, 'ServiceAccount', {
      name: config.serviceAccount.name,
      roleArn: podIdentity ? undefined : config.serviceAccount.roleArn,
      stsRegionalEndpoints: config.serviceAccount.stsRegionalEndpoints,
      tokenExpirationSeconds: config.serviceAccount.tokenExpirationSeconds,
      labels,
    });

    this.secretProviderClass = new AwsSecretProviderClass(this, 'SecretProviderClass', {
      name: config.secretProviderClass.name,
      region: config.cluster.region,
      failoverRegion: config.secretProviderClass.failoverRegion,
      pathTranslation: config.secretProviderClass.pathTranslation,
      usePodIdentity: podIdentity,
      objects: wiring.objects,
      syncedSecrets:
        wiring.syncedKeys.length === 0
          ? []
          : [
              {
                secretName: config.secretProviderClass.syncedSecretName,
                type: 'Opaque',
                labels,
                data: wiring.syncedKeys,
              },
            ],
      labels,
    });

    const workspaceNamespaces = [
      ...(config.coder.workspacesInOwnNamespace ? [namespace] : []),
      ...config.coder.workspaceNamespaces.map(n => n.name),
    ];
    for (const workspaceNamespace of workspaceNamespaces) {
      new CoderWorkspaceRbac(this, `WorkspaceRbac-${workspaceNamespace}`, {
        namespace: workspaceNamespace,
        serviceAccountName: config.serviceAccount.name,
        serviceAccountNamespace: namespace,
        bindingName: config.coder.name,
        labels,
      });
    }

    new CoderService(this, 'Service', {
      name: config.coder.name,
      version: config.coder.version,
      type: config.coder.service.type,
      externalTrafficPolicy: config.coder.service.externalTrafficPolicy,
      annotations: config.coder.service.annotations,
    });

    this.deployment = new CoderDeployment(this, 'Deployment', {
      name: config.coder.name,
      version: config.coder.version,
      image: config.coder.image,
      imageDigest: config.coder.imageDigest,
      accessUrl: config.coder.accessUrl,
      replicas: config.coder.replicas,
      serviceAccountName: this.serviceAccount.name,
      secretProviderClassName: this.secretProviderClass.name,
      secretsMountPath: config.secretProviderClass.mountPath,
      secretEnv: wiring.env,
      env: { ...wiring.fileEnv, ...config.coder.env },
      restartOnSecretChange: config.coder.restartOnSecretChange && wiring.env.length > 0,
      resources: config.coder.resources,
      readOnlyRootFilesystem: config.coder.readOnlyRootFilesystem,
      requireRoleAnnotation: !podIdentity,
    });

    if (config.smokeTest.enabled) {
      new SecretMountSmokeTest(this, 'SmokeTest', {
        serviceAccountName: this.serviceAccount.name,
        secretProviderClass: this.secretProviderClass,
        mountPath: config.secretProviderClass.mountPath,
        image: config.smokeTest.image,
        activeDeadlineSeconds: config.smokeTest.activeDeadlineSeconds,
        ttlSecondsAfterFinished: config.smokeTest.ttlSecondsAfterFinished,
        requireRoleAnnotation: !podIdentity,
      });
    }
  }
}
