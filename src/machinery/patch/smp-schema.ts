// Patch metadata lookups over the fact table, standing in for upstream's strategicpatch.PatchMetaFromStruct
// (LookupPatchMetadataForStruct / LookupPatchMetadataForSlice on Go struct tags).
//
// A Schema describes the value being merged: a struct type, a map (element type), a list (element type) or a
// scalar. `undefined` means "no type information": every lookup then yields no strategy and no merge key, so
// maps merge recursively and lists are replaced. Upstream fails instead on fields its Go struct does not have;
// we only list fields that hold objects, lists or maps, so an unlisted field is treated as having no metadata
// (for objects read back from storage the two only differ for payloads the typed decode would reject anyway).

import { fieldInfo, isKnownType, typeInfo, type FactTable, type FieldFact, type TypeRef } from './facts.js';
import { internal } from './smp-errors.js';

export interface Schema {
  table: FactTable;
  /** struct type name, or the element/value type for lists and maps, or the primitive name for scalars */
  type: TypeRef;
  shape: 'struct' | 'map' | 'slice' | 'scalar';
}

export interface PatchMeta {
  /** The tag split on "," (upstream strings.Split, so an absent strategy is [""]). */
  strategies: string[];
  mergeKey: string;
}

const NO_META: PatchMeta = { strategies: [''], mergeKey: '' };

export function rootSchema(type: TypeRef | undefined, table: FactTable): Schema | undefined {
  return type === undefined ? undefined : { table, type, shape: 'struct' };
}

/** Go reflect Kind name of the type a schema stands for (what upstream prints as schema.Name()). */
export function schemaName(s: Schema | undefined): string {
  if (!s) return 'interface';
  if (s.shape !== 'scalar') return s.shape;
  return s.type === 'string' || s.type === 'int32' || s.type === 'int64' ? s.type : 'struct';
}

/** Go type name (t.Name()) of a struct type, as printed in lookup errors. */
function goTypeName(type: TypeRef): string {
  return type.slice(type.lastIndexOf('.') + 1);
}

function schemaOf(table: FactTable, fact: FieldFact): Schema {
  if (fact.list) return { table, type: fact.type, shape: 'slice' };
  if (fact.map) return { table, type: fact.type, shape: 'map' };
  return { table, type: fact.type, shape: isKnownType(fact.type, table) ? 'struct' : 'scalar' };
}

/** forkedjson.LookupPatchMetadataForStruct: the sub-schema and patch metadata of a key inside an object. */
export function lookupForStruct(s: Schema | undefined, key: string): { sub: Schema | undefined; meta: PatchMeta } {
  if (!s) return { sub: undefined, meta: NO_META };
  // Upstream (v0.36) resolves keys against struct types only; maps, slices and scalars fail the lookup.
  const kind = schemaName(s);
  if (kind !== 'struct') throw internal(`merging an object in json but data type is not struct, instead is: ${kind}`);
  // Structs without JSON-visible fields (opaque types, Quantity) have no field to find.
  if (s.shape === 'scalar' || typeInfo(s.type, s.table)?.opaque) {
    throw internal(`unable to find api field in struct ${goTypeName(s.type)} for the json field ${JSON.stringify(key)}`);
  }
  if (!isKnownType(s.type, s.table)) return { sub: undefined, meta: NO_META };
  const fact = fieldInfo(s.type, key, s.table);
  if (!fact) return { sub: undefined, meta: NO_META };
  const meta: PatchMeta = { strategies: (fact.patchStrategy ?? '').split(','), mergeKey: fact.patchMergeKey ?? '' };
  return { sub: schemaOf(s.table, fact), meta };
}

/** PatchMetaFromStruct.LookupPatchMetadataForSlice: the element schema and metadata of a list-valued key. */
export function lookupForSlice(s: Schema | undefined, key: string): { sub: Schema | undefined; meta: PatchMeta } {
  const { sub, meta } = lookupForStruct(s, key);
  if (!sub) return { sub: undefined, meta };
  if (sub.shape !== 'slice') throw internal(`expected slice or array type, but got: ${schemaName(s)}`);
  const elem: Schema = { table: sub.table, type: sub.type, shape: isKnownType(sub.type, sub.table) ? 'struct' : 'scalar' };
  return { sub: elem, meta };
}

/** extractRetainKeysPatchStrategy: splits off "retainKeys" and returns the remaining strategy. */
export function patchStrategyOf(strategies: string[]): string {
  if (strategies.length === 1) return strategies[0] === 'retainKeys' ? '' : strategies[0]!;
  if (strategies.length === 2) {
    if (strategies[0] === 'retainKeys') return strategies[1]!;
    if (strategies[1] === 'retainKeys') return strategies[0]!;
  }
  if (strategies.length === 0) return '';
  throw internal(`unexpected patch strategy: [${strategies.join(' ')}]`);
}
