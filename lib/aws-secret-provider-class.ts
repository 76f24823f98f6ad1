import { Construct } from 'constructs';
import { stringify } from 'yaml';
import { SecretProviderClass } from '../imports/secrets-store.csi.x-k8s.io';
import { describeObject, Manifest, syncedFileProblems, validationOnce } from './manifest-checks';

/** One field of a JSON secret, mounted as a file of its own. */
export interface JmesPathEntry {
  /** JMESPath expression that selects the field, such as `client_secret`. */
  readonly path: string;
  /** File name the field is mounted as; also the name `secretObjects[].data[].objectName` refers to. */
  readonly objectAlias: string;
}

/** The same object in the failover region, read when the primary region cannot be reached. */
export interface FailoverObject {
  readonly objectName: string;
  readonly objectVersion?: string;
  readonly objectVersionLabel?: string;
}

/**
 * One AWS Secrets Manager secret or SSM parameter that the AWS provider (ASCP) mounts as a file.
 *
 * @see https://github.com/aws/secrets-store-csi-driver-provider-aws#secretproviderclass-options
 */
export interface AwsSecretObject {
  /** Secret or parameter name; for Secrets Manager also a full ARN. */
  readonly objectName: string;
  /**
   * `secretsmanager` or `ssmparameter`.
   *
   * @default - taken from the ARN in objectName
   */
  readonly objectType?: 'secretsmanager' | 'ssmparameter';
  /**
   * File name of the mounted object.
   *
   * @default - objectName with "/" replaced by the path translation character
   */
  readonly objectAlias?: string;
  /** @default - the current version */
  readonly objectVersion?: string;
  /** @default - AWSCURRENT */
  readonly objectVersionLabel?: string;
  /**
   * Mode of the mounted file as four octal digits.
   *
   * @default - the driver's default, 0644
   */
  readonly filePermission?: string;
  /** @default - the object is mounted whole and no field is extracted */
  readonly jmesPath?: readonly JmesPathEntry[];
  /** @default - no failover */
  readonly failoverObject?: FailoverObject;
}

/** One key of a synced Kubernetes Secret, copied from a mounted file. */
export interface SyncedSecretKey {
  /** Name of the mounted file: an objectAlias, a jmesPath objectAlias, or the translated objectName. */
  readonly objectName: string;
  /** Key in the Kubernetes Secret. */
  readonly key: string;
}

/**
 * A Kubernetes Secret that the CSI driver creates from mounted files, so that a container can read them through env.
 * It exists only while a running pod mounts the volume.
 */
export interface SyncedSecret {
  readonly secretName: string;
  /** @default 'Opaque' */
  readonly type?: string;
  /** @default - no labels */
  readonly labels?: Record<string, string>;
  readonly data: readonly SyncedSecretKey[];
}

export interface AwsSecretProviderClassProps {
  /** Name of the SecretProviderClass; pods refer to it in `volumeAttributes.secretProviderClass`. */
  readonly name: string;
  /**
   * Namespace of the SecretProviderClass. The driver looks it up in the mounting pod's namespace only.
   *
   * @default - the chart's namespace
   */
  readonly namespace?: string;
  /** Region ASCP reads the objects from; always emitted so that the provider never guesses from node labels. */
  readonly region: string;
  /** @default - no failover region */
  readonly failoverRegion?: string;
  /**
   * Character that replaces "/" in file names, or `False` to keep slashes.
   *
   * @default '_' (ASCP's own default; the parameter is then not emitted)
   */
  readonly pathTranslation?: string;
  /**
   * Authenticate with EKS Pod Identity instead of IRSA. ASCP reads the parameter as the string "true".
   *
   * @default false
   */
  readonly usePodIdentity?: boolean;
  readonly objects: readonly AwsSecretObject[];
  /** @default - no Kubernetes Secret is synced */
  readonly syncedSecrets?: readonly SyncedSecret[];
  /** @default - no labels */
  readonly labels?: Record<string, string>;
  /** @default - no annotations */
  readonly annotations?: Record<string, string>;
}

/** The path translation ASCP applies when the parameter is absent. */
export const DEFAULT_PATH_TRANSLATION = '_';

/**
 * The file name ASCP writes an object (or a jmesPath entry, given its objectAlias) to, following the provider's own
 * rule: the alias or the name, with "/" replaced by the translation character, or only a leading "/" removed when
 * translation is `False`.
 */
export function mountedFileName(nameOrAlias: string, pathTranslation: string = DEFAULT_PATH_TRANSLATION): string {
  if (pathTranslation.toLowerCase() === 'false') {
    return nameOrAlias.replace(/^\/+/, '');
  }
  return nameOrAlias.split('/').join(pathTranslation);
}

/** ASCP's own test for a file name that climbs out of the mount directory. */
const ESCAPING_PATH = /(\/\.\.\/)|(^\.\.\/)|(\/\.\.$)|(^\.\.$)/;

/** Whether ASCP would refuse a mounted file name because it leaves the mount directory. */
export function escapesMount(fileName: string): boolean {
  return ESCAPING_PATH.test(fileName);
}

/**
 * A SecretProviderClass for the AWS provider (ASCP) of the Secrets Store CSI driver.
 *
 * `spec.parameters.objects` is a YAML list serialized into one string, as ASCP expects.
 */
export class AwsSecretProviderClass extends Construct {
  public readonly name: string;
  public readonly namespace: string | undefined;
  /** The region ASCP reads the objects from. */
  public readonly region: string;
  /** The region ASCP also reads every object from, if any. */
  public readonly failoverRegion: string | undefined;
  /** The objects ASCP mounts; the IAM permissions policy grants exactly these. */
  public readonly objects: readonly AwsSecretObject[];
  /** Every file name this SecretProviderClass mounts, in the order ASCP writes them. */
  public readonly mountedFiles: readonly string[];
  public readonly syncedSecrets: readonly SyncedSecret[];
  public readonly usePodIdentity: boolean;
  public readonly apiObject: SecretProviderClass;

  constructor(scope: Construct, id: string, props: AwsSecretProviderClassProps) {
    super(scope, id);

    const translation = props.pathTranslation ?? DEFAULT_PATH_TRANSLATION;
    this.name = props.name;
    this.region = props.region;
    this.failoverRegion = props.failoverRegion;
    this.objects = props.objects;
    this.usePodIdentity = props.usePodIdentity ?? false;
    this.mountedFiles = props.objects.flatMap(object => [
      mountedFileName(object.objectAlias ?? object.objectName, translation),
      ...(object.jmesPath ?? []).map(entry => mountedFileName(entry.objectAlias, translation)),
    ]);
    this.syncedSecrets = props.syncedSecrets ?? [];

    const parameters: Record<string, string> = {
      region: props.region,
      objects: serializeObjects(props.objects),
    };
    if (props.failoverRegion) {
      parameters.failoverRegion = props.failoverRegion;
    }
    if (props.pathTranslation !== undefined) {
      parameters.pathTranslation = props.pathTranslation;
    }
    if (this.usePodIdentity) {
      parameters.usePodIdentity = 'true';
    }

    this.apiObject = new SecretProviderClass(this, 'Resource', {
      metadata: { name: props.name, namespace: props.namespace, labels: props.labels, annotations: props.annotations },
      spec: {
        provider: 'aws',
        parameters,
        secretObjects:
          this.syncedSecrets.length === 0
            ? undefined
            : this.syncedSecrets.map(secret => ({
                secretName: secret.secretName,
                type: secret.type ?? 'Opaque',
                labels: secret.labels,
                data: secret.data.map(d => ({ objectName: d.objectName, key: d.key })),
              })),
      },
    });
    this.namespace = this.apiObject.metadata.namespace;

    this.node.addValidation(
      validationOnce(() => {
        const manifest = this.apiObject.toJson() as Manifest;
        return [
          ...mountedFileProblems(manifest, this.mountedFiles),
          ...syncedFileProblems(manifest, this.mountedFiles),
        ];
      }),
    );
  }
}

/** File names must be unique (ASCP would overwrite or refuse) and stay inside the mount directory. */
function mountedFileProblems(manifest: Manifest, files: readonly string[]): string[] {
  const problems: string[] = [];
  files.forEach((file, i) => {
    if (files.indexOf(file) < i) {
      problems.push(`${describeObject(manifest)}: spec.parameters.objects: mounted file name "${file}" is used twice`);
    }
    if (escapesMount(file)) {
      problems.push(
        `${describeObject(manifest)}: spec.parameters.objects: file name "${file}" climbs out of the mount`,
      );
    }
  });
  return problems;
}

/** Serializes the objects as the YAML list ASCP parses, keeping only the fields that are set. */
function serializeObjects(objects: readonly AwsSecretObject[]): string {
  const list = objects.map(object =>
    withoutUndefined({
      objectName: object.objectName,
      objectType: object.objectType,
      objectAlias: object.objectAlias,
      objectVersion: object.objectVersion,
      objectVersionLabel: object.objectVersionLabel,
      filePermission: object.filePermission,
      jmesPath: object.jmesPath?.map(entry => ({ path: entry.path, objectAlias: entry.objectAlias })),
      failoverObject: object.failoverObject && withoutUndefined({ ...object.failoverObject }),
    }),
  );
  // ASCP parses this with a YAML 1.1 parser, where yes, on, 0b101 or 1_000 are not strings: quote them as 1.1 needs.
  return stringify(list, { lineWidth: 0, version: '1.1' });
}

function withoutUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
