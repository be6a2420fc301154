// Structural pruning (upstream apiextensions-apiserver/pkg/apiserver/schema/pruning): fields the schema does not
// specify are dropped on every write and read, unless x-kubernetes-preserve-unknown-fields keeps them. apiVersion, kind
// and metadata always survive at the root and in embedded resources (metadata keeps only ObjectMeta's fields). The
// removed paths are what fieldValidation=Strict|Warn reports as unknown fields.
import { additionalSchema, child, isObject, itemsSchema, type JSONSchemaProps } from './types.js';

const OBJECT_META_FIELDS = new Set([
  'name',
  'generateName',
  'namespace',
  'selfLink',
  'uid',
  'resourceVersion',
  'generation',
  'creationTimestamp',
  'deletionTimestamp',
  'deletionGracePeriodSeconds',
  'labels',
  'annotations',
  'ownerReferences',
  'finalizers',
  'managedFields',
]);

/** Prunes `obj` (a whole custom resource) in place; returns the pruned paths, e.g. `spec.foo`, `spec.items[0].bar`. */
export function prune(schema: JSONSchemaProps, obj: Record<string, unknown>): string[] {
  const out: string[] = [];
  pruneResource(schema, obj, '', out);
  return out;
}

/** The pruned paths without changing `obj`. */
export function unknownFields(schema: JSONSchemaProps, obj: Record<string, unknown>): string[] {
  return prune(schema, structuredClone(obj));
}

function pruneResource(s: JSONSchemaProps, obj: Record<string, unknown>, path: string, out: string[]): void {
  const meta = obj.metadata;
  if (isObject(meta)) {
    for (const k of Object.keys(meta)) {
      if (!OBJECT_META_FIELDS.has(k)) {
        delete meta[k];
        out.push(child(child(path, 'metadata'), k));
      }
    }
  }
  pruneObject(s, obj, path, out, true);
}

function pruneObject(s: JSONSchemaProps, obj: Record<string, unknown>, path: string, out: string[], resource: boolean): void {
  const props = s.properties ?? {};
  const extra = additionalSchema(s);
  const preserve = s['x-kubernetes-preserve-unknown-fields'] === true;
  for (const k of Object.keys(obj)) {
    if (resource && (k === 'apiVersion' || k === 'kind' || k === 'metadata')) continue;
    const p = props[k] ?? extra;
    if (!p) {
      if (!preserve) {
        delete obj[k];
        out.push(child(path, k));
      }
      continue;
    }
    pruneValue(p, obj[k], child(path, k), out);
  }
}

function pruneValue(s: JSONSchemaProps, v: unknown, path: string, out: string[]): void {
  if (Array.isArray(v)) {
    const items = itemsSchema(s);
    if (items) v.forEach((x, i) => pruneValue(items, x, `${path}[${i}]`, out));
    return;
  }
  if (!isObject(v)) return;
  if (s['x-kubernetes-embedded-resource']) {
    pruneResource(s, v, path, out);
    return;
  }
  // A schema that specifies nothing about the object's fields (no properties, no additionalProperties) keeps them
  // only with x-kubernetes-preserve-unknown-fields; pruneObject handles both.
  pruneObject(s, v, path, out, false);
}
