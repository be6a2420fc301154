// Merges kubesim's fact tables into the generated schemas: number and byte formats (formats.ts), the special named
// types, and the strategic-merge / list / map facts shared with the patch machinery (src/machinery/patch/facts.ts),
// written as the x-kubernetes-* extensions kube-openapi emits from the Go struct tags and +listType markers.
import { FIELD_FACTS, TYPE_FACTS, type FactTable, type FieldFact } from '../machinery/patch/facts.js';
import { FIELD_FORMATS, TYPE_OVERRIDES } from './formats.js';
import type { Artifact, Schema } from './schema.js';

const META = 'io.k8s.apimachinery.pkg.apis.meta.v1.';

/** The innermost value schema of a property (list items, map values), where a scalar's type and format sit. */
function leaf(s: Schema): Schema {
  let cur = s;
  while (cur.items ?? cur.additionalProperties) cur = (cur.items ?? cur.additionalProperties)!;
  return cur;
}

function applyOverrides(schemas: Record<string, Schema>): void {
  for (const [name, override] of Object.entries(TYPE_OVERRIDES)) {
    const s = schemas[name] as Record<string, unknown> | undefined;
    if (!s) continue;
    for (const [k, v] of Object.entries(override)) {
      if (v === undefined) delete s[k];
      else s[k] = structuredClone(v);
    }
  }
}

/** Numbers are int32 unless the table says int64 or double; []byte strings are format byte. */
function applyFormats(schemas: Record<string, Schema>): void {
  for (const [name, schema] of Object.entries(schemas)) {
    const formats = FIELD_FORMATS[name] ?? {};
    for (const [field, prop] of Object.entries(schema.properties ?? {})) {
      const value = leaf(prop);
      const fact = formats[field];
      if (value.type === 'integer') {
        if (fact === 'double') value.type = 'number';
        value.format = fact === 'int64' || fact === 'double' ? fact : 'int32';
      } else if (value.type === 'string' && fact === 'byte') {
        value.format = 'byte';
      }
    }
  }
}

function fieldExtensions(prop: Schema, fact: FieldFact): void {
  if (fact.patchStrategy) prop['x-kubernetes-patch-strategy'] = fact.patchStrategy;
  if (fact.patchMergeKey) prop['x-kubernetes-patch-merge-key'] = fact.patchMergeKey;
  if (fact.listType) prop['x-kubernetes-list-type'] = fact.listType;
  if (fact.listMapKeys) prop['x-kubernetes-list-map-keys'] = [...fact.listMapKeys];
  if (fact.mapType) prop['x-kubernetes-map-type'] = fact.mapType;
}

export function applyPatchFacts(schemas: Record<string, Schema>, facts: FactTable = { fields: FIELD_FACTS, types: TYPE_FACTS }): void {
  for (const [type, fields] of Object.entries(facts.fields)) {
    const props = schemas[type]?.properties;
    if (!props) continue;
    for (const [field, fact] of Object.entries(fields)) {
      const prop = props[field];
      if (prop) fieldExtensions(prop, fact);
    }
  }
  for (const [type, fact] of Object.entries(facts.types)) {
    const s = schemas[type];
    if (s && fact.mapType) s['x-kubernetes-map-type'] = fact.mapType;
  }
}

/** A deep copy of the generated schemas with every fact table applied. */
export function enrichSchemas(generated: Record<string, Schema>): Record<string, Schema> {
  const schemas = structuredClone(generated);
  applyOverrides(schemas);
  applyFormats(schemas);
  applyPatchFacts(schemas);
  // meta/v1 Status declares `kind?: string`, so the generator cannot see its kind; DeleteOptions and WatchEvent get
  // one entry per served group-version in each document (document.ts), like upstream.
  const status = schemas[`${META}Status`];
  if (status) status['x-kubernetes-group-version-kind'] = [{ group: '', kind: 'Status', version: 'v1' }];
  return schemas;
}

const enriched = new WeakMap<Artifact, Record<string, Schema>>();

/** enrichSchemas of an artifact, computed once (documents of several catalogues and the field validator share it). */
export function enrichedSchemas(artifact: Artifact): Record<string, Schema> {
  let schemas = enriched.get(artifact);
  if (!schemas) {
    schemas = enrichSchemas(artifact.schemas);
    enriched.set(artifact, schemas);
  }
  return schemas;
}
