// JSON Merge Patch (RFC 7386) as kube-apiserver applies application/merge-patch+json: the body is first decoded
// into map[string]interface{} (strictly, unless fieldValidation=Ignore), then evanphx/json-patch v4's MergePatch
// merges it (jsonPatcher.applyJSPatch in k8s.io/apiserver/pkg/endpoints/handlers/patch.go).
//
// RFC semantics: null deletes a key, objects merge recursively, anything else replaces. Library details kept:
//   - a value stored where the document had no object (absent, null or a scalar) has its null-valued object
//     keys pruned at every depth, including inside arrays (nulls that are array elements stay);
//   - a non-object value replacing an existing object is stored verbatim (no pruning);
//   - a body of `null` or a scalar is 400 "Invalid JSON Patch"; an array body is 400 under Warn/Strict
//     validation, and under Ignore replaces the whole document (with its object nulls pruned).

import { PatchError, unmarshalTypeError } from './errors.js';
import type { FieldValidation } from './json-patch-decode.js';
import { cloneJson, hasKey, isObject, setKey, type JsonObject, type JsonValue } from './json.js';

export interface MergePatchOptions {
  /** The request's fieldValidation; the apiserver defaults an absent parameter to Warn. */
  fieldValidation?: FieldValidation;
}

/** jsonpatch.ErrBadJSONPatch */
export const BAD_MERGE_PATCH_MESSAGE = 'Invalid JSON Patch';

/** pruneNulls: drop null-valued keys from objects, recursing through objects and arrays. */
function pruneNulls(v: JsonValue): void {
  if (isObject(v)) {
    for (const k of Object.keys(v)) {
      const child = v[k]!;
      if (child === null) delete v[k];
      else pruneNulls(child);
    }
  } else if (Array.isArray(v)) {
    for (const child of v) if (child !== null) pruneNulls(child);
  }
}

/** merge(cur, patch) for a key present in both with a non-null current value. */
function mergeValue(cur: JsonValue, patch: JsonValue): JsonValue {
  if (!isObject(cur)) {
    pruneNulls(patch);
    return patch;
  }
  if (!isObject(patch)) return patch;
  mergeDocs(cur, patch);
  return cur;
}

/** mergeDocs: applies an object patch onto an object, in place. */
function mergeDocs(doc: JsonObject, patch: JsonObject): void {
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) {
      delete doc[k];
      continue;
    }
    const cur = hasKey(doc, k) ? doc[k]! : null;
    if (cur === null) {
      pruneNulls(v);
      setKey(doc, k, v);
    } else {
      setKey(doc, k, mergeValue(cur, v));
    }
  }
}

/**
 * Applies a JSON merge patch (the parsed request body) to `doc`, returning a new document.
 * Throws PatchError 400 for bodies the apiserver rejects.
 */
export function applyMergePatch(doc: JsonValue, patch: unknown, options: MergePatchOptions = {}): JsonValue {
  const validation = options.fieldValidation ?? 'Warn';
  if (validation !== 'Ignore' && patch !== null && !isObject(patch)) {
    throw PatchError.badRequest(`error decoding patch: ${unmarshalTypeError(patch, 'map[string]interface {}')}`);
  }
  if (patch === null || patch === undefined) throw PatchError.badRequest(BAD_MERGE_PATCH_MESSAGE);
  const p = cloneJson(patch) as JsonValue;
  if (Array.isArray(p)) {
    pruneNulls(p);
    return p;
  }
  if (!isObject(p)) throw PatchError.badRequest(BAD_MERGE_PATCH_MESSAGE);
  if (!isObject(doc)) {
    // Upstream: a document that is not an object is replaced by the patch with its nulls pruned.
    pruneNulls(p);
    return p;
  }
  const out = cloneJson(doc);
  mergeDocs(out, p);
  return out;
}
