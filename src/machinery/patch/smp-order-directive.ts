// The $setElementOrder/<list> directive of strategic merge patch: mergePatchIntoOriginal and
// validatePatchWithSetOrderList of k8s.io/apimachinery pkg/util/strategicpatch. It merges the named list first,
// then orders the result: items named in the directive follow the directive's order, the server's other items
// keep their relative server order and are interleaved by their server positions.
// (Design: kubernetes/community contributors/design-proposals/cli/preserve-order-in-strategic-merge-patch.md.)

import { goSprintV } from './go-format.js';
import { hasKey, isObject, setKey, type JsonObject, type JsonValue } from './json.js';
import { SET_ELEMENT_ORDER, extractKey, removeDirectives } from './smp-map.js';
import {
  extractToDeleteItems,
  goEq,
  normalizeElementOrder,
  partitionMaps,
  partitionPrimitives,
  sliceElementType,
} from './smp-order.js';
import { MAP_TYPE, SLICE_TYPE, errBadArgType, errNoMergeKey, internal } from './smp-errors.js';
import { lookupForSlice, patchStrategyOf, type Schema } from './smp-schema.js';
import { mergeSliceHandler } from './smp-slice.js';

/** mergeKeyValueEqual: equal merge key values (or equal items for primitive lists). */
function mergeKeyValueEqual(left: JsonValue, right: JsonValue, mergeKey: string): boolean {
  if (mergeKey === '') return goEq(left, right);
  if (!isObject(left)) throw errBadArgType(MAP_TYPE, left);
  if (!isObject(right)) throw errBadArgType(MAP_TYPE, right);
  if (!hasKey(left, mergeKey)) throw errNoMergeKey(left, mergeKey);
  if (!hasKey(right, mergeKey)) throw errNoMergeKey(right, mergeKey);
  return goEq(left[mergeKey], right[mergeKey]);
}

/**
 * validatePatchWithSetOrderList: the patch list's items (other than delete directives) must appear in the
 * $setElementOrder list, in the same relative order.
 */
function validatePatchWithSetOrderList(patchList: JsonValue[], setOrder: JsonValue[], mergeKey: string): void {
  if (setOrder.length === 0 || patchList.length === 0) return;
  const nonDelete = mergeKey !== '' ? extractToDeleteItems(patchList).keep : patchList;
  let pi = 0;
  let si = 0;
  while (pi < nonDelete.length && si < setOrder.length) {
    const item = nonDelete[pi]!;
    if (isObject(item) && hasKey(item, '$patch')) {
      pi++;
      continue;
    }
    if (mergeKeyValueEqual(item, setOrder[si]!, mergeKey)) pi++;
    si++;
  }
  if (pi < nonDelete.length && si >= setOrder.length) {
    throw internal(`The order in patch list:\n${goSprintV(patchList)}\n doesn't match ${SET_ELEMENT_ORDER} list:\n${goSprintV(setOrder)}\n`);
  }
}

/**
 * mergePatchIntoOriginal: handles every `$setElementOrder/<key>` of this patch level, merging and ordering
 * `<key>`, then removes both from the patch so the main merge loop skips them.
 */
export function mergePatchIntoOriginal(original: JsonObject, patch: JsonObject, schema: Schema | undefined): void {
  for (const key of Object.keys(patch)) {
    if (!key.startsWith(SET_ELEMENT_ORDER)) continue;
    const setOrder = patch[key]!;
    delete patch[key];
    if (!Array.isArray(setOrder)) throw errBadArgType(SLICE_TYPE, setOrder);
    const listKey = extractKey(key, SET_ELEMENT_ORDER);

    const foundOriginal = hasKey(original, listKey);
    const foundPatch = hasKey(patch, listKey);
    const originalList = foundOriginal ? original[listKey]! : null;
    const patchList = foundPatch ? patch[listKey]! : null;
    if (foundOriginal && !Array.isArray(originalList)) throw errBadArgType(SLICE_TYPE, originalList);
    if (foundPatch && !Array.isArray(patchList)) throw errBadArgType(SLICE_TYPE, patchList);
    const originalItems = (originalList ?? []) as JsonValue[];
    const patchItems = (patchList ?? []) as JsonValue[];

    const { sub, meta } = lookupForSlice(schema, listKey);
    const strategy = patchStrategyOf(meta.strategies);
    validatePatchWithSetOrderList(patchItems, setOrder, meta.mergeKey);

    let merged: JsonValue[];
    if (foundOriginal && !foundPatch) merged = originalItems;
    else if (!foundOriginal && foundPatch) merged = removeDirectives(patchItems).value as JsonValue[];
    else if (foundOriginal && foundPatch) merged = mergeSliceHandler(originalItems, patchItems, sub, strategy, meta.mergeKey, false);
    else continue;

    const [inOrder, serverOnly] =
      meta.mergeKey === '' ? partitionPrimitives(merged, setOrder) : partitionMaps(merged, setOrder, meta.mergeKey);
    // `originalItems` is the live array itself: the merge above may have shifted and refilled it in place,
    // exactly like the Go slice upstream reads here.
    const kind = sliceElementType(originalItems, patchItems);
    setKey(original, listKey, normalizeElementOrder(inOrder, serverOnly, setOrder, originalItems, meta.mergeKey, kind));
    delete patch[listKey];
  }
}
