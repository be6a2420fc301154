// Unknown-field detection from the served schemas: what kube-apiserver's strict decoder reports for
// fieldValidation=Strict (400 "strict decoding error: unknown field ...") and Warn (a Warning header per field).
// kubectl --validate=strict relies on it: our v3 documents list fieldValidation on every PATCH operation, so
// kubectl leaves field validation to the server (its own client-side check reads OpenAPI v2, which is minimal).
import { enrichedSchemas } from './enrich.js';
import { kindIndex } from './document.js';
import { loadArtifact, refOf, type GVK, type Schema } from './schema.js';

/** Unknown fields of an object of kind `gvk`, as upstream paths (`spec.template.spec.containers[0].foo`). */
export type UnknownFields = (gvk: GVK, obj: unknown) => string[];

function resolve(schema: Schema, schemas: Record<string, Schema>): Schema {
  let cur = schema;
  for (let name = refOf(cur); name && schemas[name]; name = refOf(cur)) cur = schemas[name]!;
  return cur;
}

function walk(schema: Schema, value: unknown, path: string, out: string[], schemas: Record<string, Schema>): void {
  if (value === null || typeof value !== 'object') return;
  const s = resolve(schema, schemas);
  if (Array.isArray(value)) {
    if (s.items) value.forEach((v, i) => walk(s.items!, v, `${path}[${i}]`, out, schemas));
    return;
  }
  const at = (k: string) => (path ? `${path}.${k}` : k);
  if (s.properties) {
    for (const [k, v] of Object.entries(value)) {
      const p = s.properties[k];
      if (p) walk(p, v, at(k), out, schemas);
      // CRD schemas' x-kubernetes-* extensions: JSONSchemaProps declares them upstream, the generated schema cannot.
      else if (!k.startsWith('x-kubernetes-')) out.push(at(k));
    }
  } else if (s.additionalProperties) {
    for (const [k, v] of Object.entries(value)) walk(s.additionalProperties, v, at(k), out, schemas);
  }
  // an object schema without properties (RawExtension, FieldsV1, JSON) holds arbitrary JSON
}

/** A detector over a set of schemas; kinds without a schema have no unknown fields. */
export function unknownFieldsDetector(schemas: Record<string, Schema>): UnknownFields {
  const kinds = kindIndex(schemas);
  return (gvk, obj) => {
    const name = kinds(gvk);
    const out: string[] = [];
    if (name) walk(schemas[name]!, obj, '', out, schemas);
    return out;
  };
}

let detector: Promise<UnknownFields | undefined> | undefined;

/** The detector over the generated schemas (undefined when they are unavailable: then nothing is flagged). */
export function loadUnknownFieldsDetector(): Promise<UnknownFields | undefined> {
  detector ??= loadArtifact().then((a) => a && unknownFieldsDetector(enrichedSchemas(a)));
  return detector;
}

/** kube-apiserver's message for fieldValidation=Strict on create/update (a 400 BadRequest). */
export function strictDecodingMessage(gvk: GVK, fields: string[]): string {
  const detail = fields.map((f) => `unknown field ${JSON.stringify(f)}`).join(', ');
  return `${gvk.kind} in version ${JSON.stringify(gvk.version)} cannot be handled as a ${gvk.kind}: strict decoding error: ${detail}`;
}

/** The Warning header values for fieldValidation=Warn (RFC 7234 warn-code 299, as upstream). */
export function unknownFieldWarnings(fields: string[]): string[] {
  return fields.map((f) => `299 - ${JSON.stringify(`unknown field ${JSON.stringify(f)}`)}`);
}
