import { readFileSync } from 'fs';
import Ajv, { ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { parseAllDocuments } from 'yaml';
import { splitApiVersion } from './kubernetes-models-validator';
import { Manifest, ManifestValidator, problemsFromAjvErrors, SchemaProblem } from './schema-problems';

type Schema = Record<string, any>;

/** One kind the validator has a schema for, and where that schema sits in the root document. */
export interface KindSchema {
  readonly apiVersion: string;
  readonly kind: string;
  /** JSON pointer into the root document, such as `/definitions/io.k8s.api.apps.v1.Deployment`. */
  readonly pointer: string;
}

export interface OpenApiSchemaValidatorProps {
  /** Names the schemas in every problem reported. */
  readonly label: string;
  /** The document that holds the schemas and everything their `$ref`s point to, after {@link strictSchema}. */
  readonly root: Schema;
  readonly kinds: readonly KindSchema[];
}

/**
 * Validates objects with ajv against OpenAPI schemas: the Kubernetes API definitions or a CRD's openAPIV3Schema.
 * A schema is compiled the first time an object of its kind is checked, so a large definitions file costs little for
 * a few kinds.
 */
export class OpenApiSchemaValidator implements ManifestValidator {
  public readonly label: string;
  private readonly ajv: Ajv;
  private readonly pointers = new Map<string, string>();
  private readonly groups = new Set<string>();
  private readonly compiled = new Map<string, ValidateFunction>();

  constructor(props: OpenApiSchemaValidatorProps) {
    this.label = props.label;

    // The schemas carry Kubernetes' own x- keywords, which ajv's strict mode would refuse as unknown.
    this.ajv = new Ajv({ strict: false, allErrors: true });
    addFormats(this.ajv);
    this.ajv.addSchema(props.root, 'root');

    for (const kind of props.kinds) {
      this.pointers.set(`${kind.apiVersion} ${kind.kind}`, kind.pointer);
      this.groups.add(splitApiVersion(kind.apiVersion)[0]);
    }
  }

  public validate(object: Manifest): SchemaProblem[] | undefined {
    const key = `${object.apiVersion} ${object.kind}`;
    const pointer = this.pointers.get(key);
    if (pointer === undefined) {
      // A kind unknown in a group these schemas define is an error; a group they do not define is someone else's.
      return this.groups.has(splitApiVersion(object.apiVersion)[0])
        ? [{ path: 'kind', message: `${object.apiVersion} ${object.kind} does not exist in ${this.label}` }]
        : undefined;
    }

    let validate = this.compiled.get(key);
    if (validate === undefined) {
      validate = this.ajv.getSchema(`root#${pointer}`);
      if (validate === undefined) {
        throw new Error(`${this.label}: no schema at ${pointer}`);
      }
      this.compiled.set(key, validate);
    }
    return validate(object) ? [] : problemsFromAjvErrors(validate.errors);
  }
}

/**
 * Returns a copy of a schema in which every object that lists its `properties` refuses any other field, as the API
 * server does with strict field validation (kubectl's default). Objects that declare `additionalProperties` (maps) or
 * `x-kubernetes-preserve-unknown-fields` keep accepting anything.
 */
export function strictSchema(schema: Schema): Schema {
  if (schema === null || typeof schema !== 'object' || Array.isArray(schema)) {
    return schema;
  }
  const out: Schema = { ...schema };
  if (schema.properties) {
    out.properties = mapValues(schema.properties, strictSchema);
    if (schema.additionalProperties === undefined && schema['x-kubernetes-preserve-unknown-fields'] !== true) {
      out.additionalProperties = false;
    }
  }
  if (schema.additionalProperties && typeof schema.additionalProperties === 'object') {
    out.additionalProperties = strictSchema(schema.additionalProperties);
  }
  if (schema.items) {
    out.items = Array.isArray(schema.items) ? schema.items.map(strictSchema) : strictSchema(schema.items);
  }
  for (const keyword of ['oneOf', 'anyOf', 'allOf']) {
    if (Array.isArray(schema[keyword])) {
      out[keyword] = schema[keyword].map(strictSchema);
    }
  }
  if (schema.not) {
    out.not = strictSchema(schema.not);
  }
  if (schema.definitions) {
    out.definitions = mapValues(schema.definitions, strictSchema);
  }
  return out;
}

function mapValues(record: Schema, fn: (value: any) => any): Schema {
  return Object.fromEntries(Object.entries(record).map(([key, value]) => [key, fn(value)]));
}

function escapePointer(segment: string): string {
  return segment.replace(/~/g, '~0').replace(/\//g, '~1');
}

/**
 * A strict validator for the Kubernetes API definitions of one release, in the form cdk8s uses: a `definitions`
 * object whose API objects carry `x-kubernetes-group-version-kind`.
 *
 * @param file path of `_definitions.json`
 * @param label names the release, such as `Kubernetes 1.28.0`
 */
export function kubernetesDefinitionsValidator(file: string, label: string): OpenApiSchemaValidator {
  const document = JSON.parse(readFileSync(file, 'utf8')) as Schema;
  const definitions: Schema = document.definitions ?? {};

  const kinds: KindSchema[] = [];
  for (const [name, definition] of Object.entries(definitions)) {
    for (const gvk of definition['x-kubernetes-group-version-kind'] ?? []) {
      kinds.push({
        apiVersion: gvk.group ? `${gvk.group}/${gvk.version}` : gvk.version,
        kind: gvk.kind,
        pointer: `/definitions/${escapePointer(name)}`,
      });
    }
  }

  return new OpenApiSchemaValidator({ label, root: strictSchema({ definitions }), kinds });
}

/**
 * A strict validator for the custom resources of one CRD file: every served version's `openAPIV3Schema`.
 *
 * The schemas declare `metadata` as a bare object; the API server checks it as ObjectMeta, which this does not.
 */
export function crdSchemaValidator(file: string, label?: string): OpenApiSchemaValidator {
  const definitions: Schema = {};
  const kinds: KindSchema[] = [];
  for (const document of parseAllDocuments(readFileSync(file, 'utf8'))) {
    const crd = document.toJS();
    if (crd?.kind !== 'CustomResourceDefinition') {
      continue;
    }
    for (const version of crd.spec.versions ?? []) {
      if (!version.served || !version.schema?.openAPIV3Schema) {
        continue;
      }
      const apiVersion = `${crd.spec.group}/${version.name}`;
      const key = `${apiVersion}/${crd.spec.names.kind}`;
      definitions[key] = version.schema.openAPIV3Schema;
      kinds.push({ apiVersion, kind: crd.spec.names.kind, pointer: `/definitions/${escapePointer(key)}` });
    }
  }
  if (kinds.length === 0) {
    throw new Error(`${file}: holds no CustomResourceDefinition with a served openAPIV3Schema`);
  }

  return new OpenApiSchemaValidator({ label: label ?? `CRD ${file}`, root: strictSchema({ definitions }), kinds });
}
