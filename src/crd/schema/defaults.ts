// Structural defaulting (upstream apiextensions-apiserver/pkg/apiserver/schema/defaulting): absent fields whose schema
// has a `default` get a copy of it, recursively (defaults inside a defaulted object apply too); a null in a field
// that is not nullable is replaced by its default, or dropped when there is none. Runs on every write and every read,
// after pruning.
import { additionalSchema, isObject, itemsSchema, type JSONSchemaProps } from './types.js';

export function applyDefaults(s: JSONSchemaProps, v: unknown): void {
  if (Array.isArray(v)) {
    const items = itemsSchema(s);
    if (!items) return;
    for (let i = 0; i < v.length; i++) {
      if (v[i] === null && !items.nullable && items.default !== undefined) v[i] = structuredClone(items.default);
      applyDefaults(items, v[i]);
    }
    return;
  }
  if (!isObject(v)) return;
  const props = s.properties ?? {};
  for (const [k, p] of Object.entries(props)) {
    if (!(k in v) || (v[k] === null && !p.nullable)) {
      if (p.default !== undefined) v[k] = structuredClone(p.default);
      else if (v[k] === null && p.type) delete v[k];
    }
    if (k in v) applyDefaults(p, v[k]);
  }
  const extra = additionalSchema(s);
  if (extra) {
    for (const k of Object.keys(v)) {
      if (k in props) continue;
      if (v[k] === null && !extra.nullable && extra.default !== undefined) v[k] = structuredClone(extra.default);
      applyDefaults(extra, v[k]);
    }
  }
}
