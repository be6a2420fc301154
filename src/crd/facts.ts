// Server-side apply facts from a CRD schema: the merge behaviour structured-merge-diff derives from
// x-kubernetes-list-type (+ list-map-keys) and x-kubernetes-map-type, written into the shared fact table under
// type names private to one custom resource version (`crd:<group>/<version>/<Kind>` and `...#spec.path`).
import type { FactTable, FieldFact } from '../machinery/patch/index.js';
import { additionalSchema, itemsSchema, type JSONSchemaProps } from './schema/types.js';

const OBJECT_META = 'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta';

export function rootTypeName(group: string, version: string, kind: string): string {
  return `crd:${group}/${version}/${kind}`;
}

/** The fact table of one version's schema, rooted at rootTypeName(...). */
export function schemaFacts(root: string, schema: JSONSchemaProps): FactTable {
  const table: FactTable = { fields: {}, types: {} };
  structFacts(root, schema, table);
  table.fields[root]!.metadata = { type: OBJECT_META };
  return table;
}

function structFacts(name: string, s: JSONSchemaProps, table: FactTable): void {
  const fields: Record<string, FieldFact> = {};
  table.fields[name] = fields;
  if (s['x-kubernetes-map-type'] === 'atomic') table.types[name] = { mapType: 'atomic' };
  for (const [k, p] of Object.entries(s.properties ?? {})) {
    const fact = fieldFact(`${name}#${k}`, p, table);
    if (fact) fields[k] = fact;
  }
}

function fieldFact(name: string, s: JSONSchemaProps, table: FactTable): FieldFact | undefined {
  if (s.type === 'array') {
    const items = itemsSchema(s);
    const fact: FieldFact = { type: items?.type === 'object' ? name : (items?.type ?? 'string'), list: true };
    const lt = s['x-kubernetes-list-type'];
    // Unset list types are atomic for custom resources (structured-merge-diff's default), unlike built-in kinds.
    fact.listType = lt === 'map' || lt === 'set' ? lt : 'atomic';
    if (lt === 'map') fact.listMapKeys = [...(s['x-kubernetes-list-map-keys'] ?? [])];
    if (items?.type === 'object') structFacts(name, items, table);
    return fact;
  }
  if (s.type === 'object' || s['x-kubernetes-preserve-unknown-fields']) {
    const extra = additionalSchema(s);
    if (s.properties) {
      structFacts(name, s, table);
      const fact: FieldFact = { type: name };
      if (s['x-kubernetes-map-type'] === 'atomic') fact.mapType = 'atomic';
      return fact;
    }
    if (extra && s.additionalProperties !== true) {
      const fact: FieldFact = { type: extra.type === 'object' ? name : (extra.type ?? 'string'), map: true };
      if (s['x-kubernetes-map-type'] === 'atomic') fact.mapType = 'atomic';
      if (extra.type === 'object') structFacts(name, extra, table);
      return fact;
    }
    if (s['x-kubernetes-map-type'] === 'atomic') return { type: name, mapType: 'atomic' };
  }
  return undefined;
}
