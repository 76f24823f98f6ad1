import { existsSync } from 'fs';
import { join } from 'path';
import { argoCdModelsValidator, kubernetesModelsValidator } from './kubernetes-models-validator';
import { ManifestEntry } from './manifest-files';
import { crdSchemaValidator, kubernetesDefinitionsValidator } from './openapi-schema-validator';
import { ManifestValidator, SchemaProblem } from './schema-problems';

/** A schema problem of one object in one file. */
export interface ManifestProblem extends SchemaProblem {
  readonly file: string;
  /** Absent when the document is not a Kubernetes object at all. */
  readonly kind?: string;
  /** `namespace/name`, or the name alone for a cluster-scoped object. */
  readonly name?: string;
  /** The label of the validator that found it. */
  readonly schema: string;
}

/** What {@link validateManifests} found. */
export interface ValidationResult {
  readonly problems: ManifestProblem[];
  /** Objects that no validator has a schema for; they were not checked at all. */
  readonly unchecked: ManifestEntry[];
}

/** `dist/0001-coder.k8s.yaml: Deployment coder/coder: spec.replicas: must be integer [Kubernetes 1.28.0 ...]` */
export function formatManifestProblem(problem: ManifestProblem): string {
  const where = problem.path ? `${problem.path}: ` : '';
  const what = problem.kind === undefined ? '' : `${problem.kind} ${problem.name}: `;
  return `${problem.file}: ${what}${where}${problem.message} [${problem.schema}]`;
}

function objectName(entry: ManifestEntry): string {
  const metadata = entry.object.metadata ?? {};
  return metadata.namespace ? `${metadata.namespace}/${metadata.name}` : String(metadata.name);
}

/** Checks every object with every validator that has a schema for it. */
export function validateManifests(
  entries: readonly ManifestEntry[],
  validators: readonly ManifestValidator[],
): ValidationResult {
  const problems: ManifestProblem[] = [];
  const unchecked: ManifestEntry[] = [];

  for (const entry of entries) {
    const { object } = entry;
    if (typeof object.apiVersion !== 'string' || typeof object.kind !== 'string' || !object.metadata?.name) {
      problems.push({
        file: entry.file,
        path: '',
        message:
          'not a Kubernetes object: apiVersion, kind and metadata.name are required, and kubectl apply would refuse it',
        schema: 'kubectl',
      });
      continue;
    }
    const at = { file: entry.file, kind: object.kind, name: objectName(entry) };

    let checked = false;
    for (const validator of validators) {
      const found = validator.validate(object);
      if (found !== undefined) {
        checked = true;
        problems.push(...found.map(p => ({ ...at, ...p, schema: validator.label })));
      }
    }
    if (!checked) {
      unchecked.push(entry);
    }
  }
  return { problems, unchecked };
}

/**
 * The team's shared folder beside the project (`<project>/../shared`). Resolved from this file's directory, which is
 * `lib/` under ts-jest and `.build/` in the esbuild bundle: one level below the project root either way.
 */
export const DEFAULT_SHARED_DIR = join(__dirname, '..', '..', 'shared');

/** The Kubernetes releases checked with the definitions in `<shared>/k8s-schemas/v<release>/_definitions.json`. */
export const SHARED_KUBERNETES_RELEASES: readonly string[] = ['1.28.0', '1.36.0'];

/** The SecretProviderClass CRD, relative to the shared folder. */
export const SECRET_PROVIDER_CLASS_CRD = join('crds', 'secretproviderclasses.secrets-store.csi.x-k8s.io.yaml');

/** The validators available here, and a sentence for each check that had to be skipped. */
export interface AvailableValidators {
  readonly validators: ManifestValidator[];
  readonly skipped: string[];
}

const cache = new Map<string, AvailableValidators>();

/**
 * Every validator this project checks manifests with: always the npm models (built-in kinds and Argo CD's CRDs,
 * without unknown-field checks), and, when the shared folder is present, the strict checks against the Kubernetes
 * 1.28 and 1.36 definitions and the SecretProviderClass CRD. Built once per shared folder.
 */
export function availableValidators(sharedDir: string = DEFAULT_SHARED_DIR): AvailableValidators {
  const cached = cache.get(sharedDir);
  if (cached) {
    return cached;
  }

  const validators: ManifestValidator[] = [kubernetesModelsValidator(), argoCdModelsValidator()];
  const skipped: string[] = [];
  for (const release of SHARED_KUBERNETES_RELEASES) {
    const file = join(sharedDir, 'k8s-schemas', `v${release}`, '_definitions.json');
    if (existsSync(file)) {
      validators.push(kubernetesDefinitionsValidator(file, `Kubernetes ${release}, strict`));
    } else {
      skipped.push(`Kubernetes ${release} strict check skipped: ${file} not found`);
    }
  }
  const crd = join(sharedDir, SECRET_PROVIDER_CLASS_CRD);
  if (existsSync(crd)) {
    validators.push(crdSchemaValidator(crd, 'SecretProviderClass CRD, strict'));
  } else {
    skipped.push(`SecretProviderClass CRD check skipped: ${crd} not found`);
  }

  const result = { validators, skipped };
  cache.set(sharedDir, result);
  return result;
}
