// Object merging for strategic merge patch: mergeMap and the directives it honours ($patch on maps,
// $retainKeys, $deleteFromPrimitiveList/<key>, null deletion), mirroring mergeMap, handleDirectiveInMergeMap,
// applyRetainKeysDirective, discardNullValuesFromPatch and removeDirectives of k8s.io/apimachinery
// pkg/util/strategicpatch (server-side options: MergeParallelList and IgnoreUnmatchedNulls both true).
//
// Like upstream we mutate `original` and `patch` in place; the entry point hands us private copies.
// Upstream iterates the patch map in Go's random order; we take patch keys in document order, except that
// $deleteFromPrimitiveList lists run last, so a patch that adds and deletes the same scalar deletes it (the
// order kubectl's patches get when they also carry $setElementOrder, the usual case).

import { goKind, hasKey, isObject, setKey, type JsonObject, type JsonValue } from './json.js';
import { mergePatchIntoOriginal } from './smp-order-directive.js';
import { lookupForSlice, lookupForStruct, patchStrategyOf, type Schema } from './smp-schema.js';
import { mergeSliceHandler } from './smp-slice.js';
import {
  ERR_BAD_FORMAT_PRIMITIVE_LIST,
  ERR_BAD_FORMAT_RETAIN_KEYS,
  ERR_BAD_FORMAT_SET_ELEMENT_ORDER,
  badRequest,
  errBadPatchType,
} from './smp-errors.js';

export const DELETE_FROM_PRIMITIVE_LIST = '$deleteFromPrimitiveList';
export const SET_ELEMENT_ORDER = '$setElementOrder';
const RETAIN_KEYS = '$retainKeys';

/** extractKey: "<prefix>/<key>" -> "<key>", or the format error for that prefix. */
export function extractKey(s: string, prefix: string): string {
  const slash = s.indexOf('/');
  if (slash < 0 || s.slice(0, slash) !== prefix) {
    throw badRequest(prefix === DELETE_FROM_PRIMITIVE_LIST ? ERR_BAD_FORMAT_PRIMITIVE_LIST : ERR_BAD_FORMAT_SET_ELEMENT_ORDER);
  }
  return s.slice(slash + 1);
}

/** removeDirectives: drops every map carrying `$patch` (and list items that are such maps), recursively. */
export function removeDirectives(v: JsonValue): { value: JsonValue; keep: boolean } {
  if (isObject(v)) {
    if (hasKey(v, '$patch')) return { value: null, keep: false };
    for (const k of Object.keys(v)) {
      const r = removeDirectives(v[k]!);
      if (r.keep) setKey(v, k, r.value);
      else delete v[k];
    }
    return { value: v, keep: true };
  }
  if (Array.isArray(v)) {
    const out: JsonValue[] = [];
    for (const item of v) {
      const r = removeDirectives(item);
      if (r.keep) out.push(r.value);
    }
    return { value: out, keep: true };
  }
  return { value: v, keep: true };
}

/** discardNullValuesFromPatch: drops null-valued keys at every depth (null list items stay). */
function discardNulls(v: JsonValue): void {
  if (isObject(v)) {
    for (const k of Object.keys(v)) {
      const child = v[k]!;
      if (child === null) delete v[k];
      else discardNulls(child);
    }
  } else if (Array.isArray(v)) {
    for (const item of v) discardNulls(item);
  }
}

/** handleDirectiveInMergeMap: `$patch: replace` keeps the patch map as is, `$patch: delete` empties it. */
function handleDirective(directive: JsonValue, patch: JsonObject): JsonObject {
  if (directive === 'replace') {
    delete patch.$patch;
    return patch;
  }
  if (directive === 'delete') return {};
  throw errBadPatchType(directive, patch);
}

/** applyRetainKeysDirective: every set key must be retained; live keys that are not retained are cleared. */
function applyRetainKeys(original: JsonObject, patch: JsonObject): void {
  if (!hasKey(patch, RETAIN_KEYS)) return;
  const list = patch[RETAIN_KEYS];
  delete patch[RETAIN_KEYS];
  if (!Array.isArray(list)) throw badRequest(ERR_BAD_FORMAT_RETAIN_KEYS);
  const retained = new Set(list.filter((v): v is string => typeof v === 'string'));
  for (const [k, v] of Object.entries(patch)) {
    if (v === null || k.startsWith(DELETE_FROM_PRIMITIVE_LIST) || k.startsWith(SET_ELEMENT_ORDER)) continue;
    if (!retained.has(k)) throw badRequest(ERR_BAD_FORMAT_RETAIN_KEYS);
  }
  for (const k of Object.keys(original)) if (!retained.has(k)) delete original[k];
}

/** Stores a patch value for a key the live object lacks (or holds with another type). */
function takePatchValue(original: JsonObject, k: string, patchV: JsonValue): void {
  discardNulls(patchV);
  const r = removeDirectives(patchV);
  if (r.keep) setKey(original, k, r.value);
  else delete original[k];
}

/** mergeMap: merges `patch` into `original` (both mutated) and returns the merged object. */
export function mergeMap(original: JsonObject, patch: JsonObject, schema: Schema | undefined): JsonObject {
  if (hasKey(patch, '$patch')) return handleDirective(patch.$patch!, patch);

  applyRetainKeys(original, patch);
  mergePatchIntoOriginal(original, patch, schema);

  const keys = Object.keys(patch);
  const ordered = [...keys.filter((k) => !k.startsWith(DELETE_FROM_PRIMITIVE_LIST)), ...keys.filter((k) => k.startsWith(DELETE_FROM_PRIMITIVE_LIST))];
  for (const patchKey of ordered) {
    const patchV = patch[patchKey]!;
    const isDeleteList = patchKey.startsWith(DELETE_FROM_PRIMITIVE_LIST);
    const k = isDeleteList ? extractKey(patchKey, DELETE_FROM_PRIMITIVE_LIST) : patchKey;

    // null deletes the key (even for a delete list, whose null value deletes the list itself).
    if (patchV === null) {
      delete original[k];
      continue;
    }
    if (!hasKey(original, k) || goKind(original[k]) !== goKind(patchV)) {
      if (!isDeleteList) takePatchValue(original, k, patchV);
      continue;
    }
    const cur = original[k]!;
    if (isObject(cur)) {
      const { sub, meta } = lookupForStruct(schema, k);
      const strategy = patchStrategyOf(meta.strategies);
      setKey(original, k, strategy === 'replace' ? patchV : mergeMap(cur, patchV as JsonObject, sub));
    } else if (Array.isArray(cur)) {
      const { sub, meta } = lookupForSlice(schema, k);
      const strategy = patchStrategyOf(meta.strategies);
      setKey(original, k, mergeSliceHandler(cur, patchV as JsonValue[], sub, strategy, meta.mergeKey, isDeleteList));
    } else {
      setKey(original, k, patchV);
    }
  }
  return original;
}
