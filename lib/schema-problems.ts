import type { ErrorObject } from 'ajv';

/** A Kubernetes object as it is written to a manifest. */
export interface Manifest {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: { name: string; namespace?: string; [key: string]: any };
  readonly [field: string]: any;
}

/** One way in which an object breaks a schema. */
export interface SchemaProblem {
  /** The field in kubectl's notation, such as `spec.template.spec.containers[0].image`; empty for the object. */
  readonly path: string;
  /** What is wrong, such as `must be integer` or `unknown field`. */
  readonly message: string;
}

/**
 * Checks objects against the schemas of one source (a Kubernetes version, a CRD, an npm package of models).
 */
export interface ManifestValidator {
  /** Names the schemas, such as `Kubernetes 1.28 (../shared/k8s-schemas)`; shown next to every problem. */
  readonly label: string;
  /**
   * @returns the problems found, an empty list for a valid object, or `undefined` when this validator has no schema
   *   for the object's apiVersion and kind (it is someone else's to check)
   */
  validate(object: Manifest): SchemaProblem[] | undefined;
}

/** Renders a JSON pointer such as `/spec/containers/0/image` as `spec.containers[0].image`. */
export function pointerToPath(pointer: string): string {
  if (pointer === '') {
    return '';
  }
  return pointer
    .slice(1)
    .split('/')
    .map(segment => segment.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce((out, key) => (/^\d+$/.test(key) ? `${out}[${key}]` : out ? `${out}.${key}` : key), '');
}

function join(path: string, key: string): string {
  return path ? `${path}.${key}` : key;
}

/**
 * Turns ajv's errors into one problem per field. Each alternative of a `oneOf` (such as int-or-string) reports its own
 * type error at the same field; those are folded into the `oneOf` error as one message naming the allowed types.
 */
export function problemsFromAjvErrors(errors: readonly ErrorObject[] | null | undefined): SchemaProblem[] {
  const all = errors ?? [];
  const oneOfPaths = new Set(all.filter(e => e.keyword === 'oneOf').map(e => e.instancePath));
  const isAlternative = (e: ErrorObject) => e.keyword === 'type' && oneOfPaths.has(e.instancePath);

  const problems: SchemaProblem[] = [];
  for (const error of all.filter(e => !isAlternative(e))) {
    const path = pointerToPath(error.instancePath);
    switch (error.keyword) {
      case 'additionalProperties':
        problems.push({ path: join(path, error.params.additionalProperty), message: 'unknown field' });
        break;
      case 'required':
        problems.push({ path: join(path, error.params.missingProperty), message: 'required field is missing' });
        break;
      case 'enum':
        problems.push({ path, message: `must be one of ${error.params.allowedValues.map(String).join(', ')}` });
        break;
      case 'oneOf': {
        const types = all
          .filter(e => isAlternative(e) && e.instancePath === error.instancePath)
          .map(e => e.params.type);
        const message = types.length > 0 ? `must be ${types.join(' or ')}` : (error.message ?? 'invalid');
        problems.push({ path, message });
        break;
      }
      default:
        problems.push({ path, message: error.message ?? error.keyword });
    }
  }
  return problems;
}
