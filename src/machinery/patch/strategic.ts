// Strategic merge patch (application/strategic-merge-patch+json) as kube-apiserver applies it:
// strategicPatchObject -> strategicpatch.StrategicMergeMapPatch -> interpretStrategicMergePatchError in
// k8s.io/apiserver/pkg/endpoints/handlers/patch.go, with the merge itself in smp-map.ts / smp-slice.ts /
// smp-order*.ts and the per-field strategies from the fact table (facts.ts) instead of Go struct tags.
//
// Directives: `$patch: replace|delete` on maps, `$patch: delete|replace` items in merge lists,
// `$setElementOrder/<list>`, `$retainKeys`, `$deleteFromPrimitiveList/<list>`; null deletes a key.
//
// What stays the caller's job, as upstream does it outside the merge: decoding the merged map into the typed
// object (which drops or, with fieldValidation=Strict, rejects unknown fields, including directive keys that
// survive inside newly added values), defaulting, and rejecting SMP for custom resources (415, the content type
// is not offered for them).

import { PatchError, unmarshalTypeError } from './errors.js';
import { FACTS, type FactTable, type TypeRef } from './facts.js';
import { cloneJson, isObject, type JsonObject, type JsonValue } from './json.js';
import { SmpFailure } from './smp-errors.js';
import { mergeMap } from './smp-map.js';
import { rootSchema } from './smp-schema.js';

function toPatchError(e: SmpFailure): PatchError {
  switch (e.kind) {
    case 'badRequest':
      return PatchError.badRequest(e.message);
    case 'invalid':
      return PatchError.invalid(e.message);
    case 'panic':
      return PatchError.panicked(e.message);
    default:
      return PatchError.internal(e.message);
  }
}

/**
 * Applies a strategic merge patch (the parsed request body) to `doc`, returning a new object.
 *
 * @param schema the root type of `doc` in `table` (see typeFor); undefined merges without type information
 *               (maps merge, lists are replaced)
 * @throws PatchError 400 when the body is not a JSON object or a directive is malformed, 422 for lists of
 *         lists, 500 for the other merge errors (missing merge key, unknown $patch value, ...), with
 *         upstream's messages
 */
export function applyStrategicMergePatch(doc: JsonObject, patch: unknown, schema: TypeRef | undefined, table: FactTable = FACTS): JsonObject {
  if (!isObject(doc)) throw new TypeError('applyStrategicMergePatch: the document must be a JSON object');
  // A `null` body decodes to a nil map upstream, which merges as a no-op.
  if (patch === null) return cloneJson(doc);
  if (!isObject(patch)) throw PatchError.badRequest(unmarshalTypeError(patch, 'map[string]interface {}'));
  try {
    return mergeMap(cloneJson(doc), cloneJson(patch) as JsonObject, rootSchema(schema, table));
  } catch (e) {
    if (e instanceof SmpFailure) throw toPatchError(e);
    throw e;
  }
}

export type { JsonObject, JsonValue };
