import { Manifest, ManifestValidator, problemsFromAjvErrors, SchemaProblem } from './schema-problems';

/** A model class of the kubernetes-models family: constructed from an object, it validates against its schema. */
interface ModelClass {
  readonly apiVersion?: string;
  readonly kind?: string;
  new (data: unknown): { validate(): void };
}

export interface KubernetesModelsValidatorProps {
  /** The npm package of models, such as `kubernetes-models` or `@kubernetes-models/argo-cd`. */
  readonly packageName: string;
  /** What the package's schemas are, for messages, such as `Kubernetes 1.33.0`. */
  readonly schemaVersion: string;
}

/**
 * Validates objects with the models of the kubernetes-models npm family, which carry the upstream OpenAPI schemas
 * and check an object on `.validate()`. The schemas do not forbid unknown fields; see {@link OpenApiSchemaValidator}
 * for that.
 */
export class KubernetesModelsValidator implements ManifestValidator {
  public readonly label: string;
  private readonly props: KubernetesModelsValidatorProps;

  constructor(props: KubernetesModelsValidatorProps) {
    this.props = props;
    this.label = `${props.schemaVersion} (npm ${props.packageName})`;
  }

  public validate(object: Manifest): SchemaProblem[] | undefined {
    const [group, version] = splitApiVersion(object.apiVersion);

    // A group the package does not model belongs to another validator; a version missing from a group it models is
    // an error, as the API server would refuse it.
    if (group !== '' && this.load(group) === undefined) {
      return undefined;
    }
    const models = this.load(group === '' ? version : `${group}/${version}`);
    if (models === undefined && group === '') {
      return undefined;
    }
    if (models === undefined) {
      return [{ path: 'apiVersion', message: `${object.apiVersion} does not exist in ${this.props.schemaVersion}` }];
    }
    const model = models[object.kind];
    if (typeof model !== 'function' || model.kind !== object.kind || model.apiVersion !== object.apiVersion) {
      const message = `${object.apiVersion} has no kind ${object.kind} in ${this.props.schemaVersion}`;
      return [{ path: 'kind', message }];
    }

    try {
      new model(object).validate();
      return [];
    } catch (err) {
      const errors = (err as { errors?: Parameters<typeof problemsFromAjvErrors>[0] }).errors;
      if (!errors) {
        throw err;
      }
      return problemsFromAjvErrors(errors);
    }
  }

  /** The module of one group or group version, or undefined when the package has none. */
  private load(groupVersion: string): Record<string, ModelClass> | undefined {
    try {
      // The module name is only known at run time; the packages stay outside the esbuild bundle.
      return require(`${this.props.packageName}/${groupVersion}`);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ERR_PACKAGE_PATH_NOT_EXPORTED' || code === 'MODULE_NOT_FOUND') {
        return undefined;
      }
      throw err;
    }
  }
}

/** `apps/v1` → `['apps', 'v1']`; `v1` → `['', 'v1']`. */
export function splitApiVersion(apiVersion: string): [group: string, version: string] {
  const slash = apiVersion.lastIndexOf('/');
  return slash < 0 ? ['', apiVersion] : [apiVersion.slice(0, slash), apiVersion.slice(slash + 1)];
}

/**
 * The Kubernetes release whose schemas `kubernetes-models` 4.5.x carries. Release 5 of the package moved to
 * Kubernetes 1.36 but is ESM-only and needs Node.js 22, so this project, on Node.js 20, stays on 4.5.x and checks
 * 1.28 and 1.36 with the definitions in ../shared when they are present.
 */
export const KUBERNETES_MODELS_SCHEMA_VERSION = 'Kubernetes 1.33.0';

/** The Argo CD release whose CRDs `@kubernetes-models/argo-cd` 2.7.x carries. */
export const ARGO_CD_MODELS_SCHEMA_VERSION = 'Argo CD 2.14.11 CRDs';

/** Validates built-in kinds (core, apps, rbac, ...) with the `kubernetes-models` package. */
export function kubernetesModelsValidator(): KubernetesModelsValidator {
  return new KubernetesModelsValidator({
    packageName: 'kubernetes-models',
    schemaVersion: KUBERNETES_MODELS_SCHEMA_VERSION,
  });
}

/** Validates Argo CD's Application, ApplicationSet and AppProject with `@kubernetes-models/argo-cd`. */
export function argoCdModelsValidator(): KubernetesModelsValidator {
  return new KubernetesModelsValidator({
    packageName: '@kubernetes-models/argo-cd',
    schemaVersion: ARGO_CD_MODELS_SCHEMA_VERSION,
  });
}
