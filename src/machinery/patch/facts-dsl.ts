// The compact notation the fact tables are written in, and its expansion into FieldFact records.
//
// A field is written as one string: `<type>[suffix] [key=value ...]`
//   <type>   a struct type with a short group prefix (`core.PodSpec`, `meta.ObjectMeta`, ...), or a primitive
//            item type (`string`, `int32`, `int64`, `Quantity`, `Time`) for lists and maps of scalars
//   suffix   `[]` for a list, `{}` for a map (additionalProperties); none for a nested struct
//   ps=      patch strategy (Go tag patchStrategy / x-kubernetes-patch-strategy), e.g. ps=merge,retainKeys
//   pmk=     patch merge key (patchMergeKey / x-kubernetes-patch-merge-key)
//   lt=      list type (+listType / x-kubernetes-list-type): atomic | set | map
//   lmk=     list map keys, comma separated (+listMapKey / x-kubernetes-list-map-keys)
//   mt=      map type (+mapType / x-kubernetes-map-type): atomic | granular
// Scalar fields (including Time, IntOrString and single Quantity values) are not listed: strategic merge only
// needs to know about fields it can descend into.

export type ListType = 'atomic' | 'set' | 'map';
export type MapType = 'atomic' | 'granular';

export interface FieldFact {
  /** Full type name of the nested struct, list item or map value (primitives keep their short name). */
  type: string;
  /** The field is a JSON array of `type`. */
  list?: true;
  /** The field is a JSON object with arbitrary keys and `type` values. */
  map?: true;
  /** Raw patch strategy, possibly two comma-separated values ("merge,retainKeys"). */
  patchStrategy?: string;
  patchMergeKey?: string;
  listType?: ListType;
  listMapKeys?: string[];
  mapType?: MapType;
}

/** Per-type facts: x-kubernetes-map-type on the type itself (+structType), and opaque types. */
export interface TypeFact {
  mapType?: MapType;
  /**
   * A Go struct with no JSON-visible fields whose value is arbitrary JSON (runtime.RawExtension, FieldsV1):
   * strategic merge cannot look up any key inside it.
   */
  opaque?: true;
}

export type FieldSpecs = Record<string, Record<string, string>>;

const PREFIXES: Record<string, string> = {
  core: 'io.k8s.api.core.v1.',
  apps: 'io.k8s.api.apps.v1.',
  coord: 'io.k8s.api.coordination.v1.',
  storage: 'io.k8s.api.storage.v1.',
  policy: 'io.k8s.api.policy.v1.',
  meta: 'io.k8s.apimachinery.pkg.apis.meta.v1.',
  runtime: 'io.k8s.apimachinery.pkg.runtime.',
};

const PRIMITIVES: Record<string, string> = {
  string: 'string',
  int32: 'int32',
  int64: 'int64',
  Quantity: 'io.k8s.apimachinery.pkg.api.resource.Quantity',
  Time: 'io.k8s.apimachinery.pkg.apis.meta.v1.Time',
};

/** `core.PodSpec` -> `io.k8s.api.core.v1.PodSpec`; primitives map to themselves. */
export function expandTypeName(short: string): string {
  const prim = PRIMITIVES[short];
  if (prim) return prim;
  const dot = short.indexOf('.');
  const prefix = dot > 0 ? PREFIXES[short.slice(0, dot)] : undefined;
  if (!prefix) throw new Error(`facts: unknown type prefix in ${JSON.stringify(short)}`);
  return prefix + short.slice(dot + 1);
}

export function parseFieldSpec(spec: string): FieldFact {
  const [head, ...opts] = spec.trim().split(/\s+/);
  let type = head!;
  const fact: FieldFact = { type: '' };
  if (type.endsWith('[]')) {
    fact.list = true;
    type = type.slice(0, -2);
  } else if (type.endsWith('{}')) {
    fact.map = true;
    type = type.slice(0, -2);
  }
  fact.type = expandTypeName(type);
  for (const opt of opts) {
    const eq = opt.indexOf('=');
    const key = opt.slice(0, eq);
    const value = opt.slice(eq + 1);
    switch (key) {
      case 'ps':
        fact.patchStrategy = value;
        break;
      case 'pmk':
        fact.patchMergeKey = value;
        break;
      case 'lt':
        fact.listType = value as ListType;
        break;
      case 'lmk':
        fact.listMapKeys = value.split(',');
        break;
      case 'mt':
        fact.mapType = value as MapType;
        break;
      default:
        throw new Error(`facts: unknown option ${JSON.stringify(opt)} in ${JSON.stringify(spec)}`);
    }
  }
  return fact;
}

/** Expands a table written in the compact notation, keyed by full type names. */
export function expandSpecs(specs: FieldSpecs): Record<string, Record<string, FieldFact>> {
  const out: Record<string, Record<string, FieldFact>> = {};
  for (const [shortType, fields] of Object.entries(specs)) {
    const name = expandTypeName(shortType);
    if (out[name]) throw new Error(`facts: type ${name} listed twice`);
    const facts: Record<string, FieldFact> = {};
    for (const [field, spec] of Object.entries(fields)) facts[field] = parseFieldSpec(spec);
    out[name] = facts;
  }
  return out;
}
