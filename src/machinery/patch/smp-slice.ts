// List merging for strategic merge patch: mergeSliceHandler, mergeSlice, mergeSliceWithSpecialElements,
// mergeSliceWithoutSpecialElements and deleteMatchingEntries of k8s.io/apimachinery pkg/util/strategicpatch.
//
// Go slices alias their backing array, and upstream's result depends on it: deleteMatchingEntries shifts the
// live list left in place and later appends of new patch items land in the freed slots, all inside the array
// the caller still holds as the "server order" of the list (mergePatchIntoOriginal reads it afterwards to order
// a $setElementOrder list). GoSliceView reproduces exactly that: in-place deletes, appends that fill the
// original array up to its old length and then move to a private array. Spare capacity beyond the old length
// is invisible to every reader, so it does not need modelling.

import type { JsonObject, JsonValue } from './json.js';
import { hasKey } from './json.js';
import { mergeMap } from './smp-map.js';
import {
  deduplicateScalars,
  deleteFromSlice,
  findMapByKey,
  normalizeElementOrder,
  partitionMaps,
  partitionPrimitives,
  sliceElementType,
} from './smp-order.js';
import { errBadPatchType, errNoMergeKey, internal } from './smp-errors.js';
import { schemaName, type Schema } from './smp-schema.js';

class GoSliceView {
  private backing: JsonValue[];
  private len: number;
  /** Whether `backing` is still the caller's array (whose length is the capacity that matters). */
  private shared = true;

  constructor(original: JsonValue[]) {
    this.backing = original;
    this.len = original.length;
  }

  items(): JsonValue[] {
    return this.backing.slice(0, this.len);
  }

  get(i: number): JsonValue {
    return this.backing[i]!;
  }

  set(i: number, v: JsonValue): void {
    this.backing[i] = v;
  }

  /** append(s[:i], s[i+1:]...): shifts left in place; the old last slot keeps its value. */
  removeAt(i: number): void {
    for (let j = i; j < this.len - 1; j++) this.backing[j] = this.backing[j + 1]!;
    this.len--;
  }

  /** append(s, v): in place while below the original array's length, otherwise on a private copy. */
  append(v: JsonValue): void {
    if (this.shared && this.len >= this.backing.length) {
      this.backing = this.backing.slice(0, this.len);
      this.shared = false;
    }
    this.backing[this.len++] = v;
  }

  /** The list was replaced ($patch: replace): continue on a new array. */
  replaceWith(list: JsonValue[]): void {
    this.backing = list;
    this.len = list.length;
    this.shared = false;
  }
}

/** mergeSliceHandler: merge lists with the merge strategy (and all delete lists), replace all others. */
export function mergeSliceHandler(
  original: JsonValue[],
  patch: JsonValue[],
  elem: Schema | undefined,
  strategy: string,
  mergeKey: string,
  isDeleteList: boolean,
): JsonValue[] {
  if (strategy === 'merge' || isDeleteList) return mergeSlice(original, patch, elem, mergeKey, isDeleteList);
  return patch;
}

function mergeSlice(original: JsonValue[], patch: JsonValue[], elem: Schema | undefined, mergeKey: string, isDeleteList: boolean): JsonValue[] {
  if (original.length === 0 && patch.length === 0) return original;
  const kind = sliceElementType(original, patch);
  if (kind !== 'map') {
    if (isDeleteList) return deleteFromSlice(original, patch);
    const merged = deduplicateScalars([...original, ...patch]);
    const [inPatch, serverOnly] = partitionPrimitives(merged, patch);
    return normalizeElementOrder(inPatch, serverOnly, patch, original, '', kind);
  }
  if (mergeKey === '') throw internal(`cannot merge lists without merge key for ${schemaName(elem)}`);
  const view = new GoSliceView(original);
  const rest = applySpecialElements(view, patch as JsonObject[], mergeKey);
  const serverOrder = view.items();
  const merged = mergeRegularElements(view, rest, mergeKey, elem);
  const [inPatch, serverOnly] = partitionMaps(merged, rest, mergeKey);
  return normalizeElementOrder(inPatch, serverOnly, rest, serverOrder, mergeKey, 'map');
}

/**
 * mergeSliceWithSpecialElements: applies `$patch: delete` items to the live list and returns the remaining
 * patch items; with a `$patch: replace` item the list becomes the remaining items and nothing is left to merge.
 */
function applySpecialElements(view: GoSliceView, patch: JsonObject[], mergeKey: string): JsonObject[] {
  const rest: JsonObject[] = [];
  let replace = false;
  for (const v of patch) {
    if (!hasKey(v, '$patch')) {
      rest.push(v);
      continue;
    }
    switch (v.$patch) {
      case 'delete':
        if (!hasKey(v, mergeKey)) throw errNoMergeKey(v, mergeKey);
        deleteMatchingEntries(view, mergeKey, v[mergeKey]!);
        break;
      case 'replace':
        replace = true; // keep scanning: other directive items are still pruned
        break;
      case 'merge':
        throw internal('merging lists cannot yet be specified in the patch');
      default:
        throw errBadPatchType(v.$patch, v);
    }
  }
  if (!replace) return rest;
  view.replaceWith(rest);
  return [];
}

/** deleteMatchingEntries: removes every live item whose merge key has this value. */
function deleteMatchingEntries(view: GoSliceView, mergeKey: string, value: JsonValue): void {
  for (;;) {
    const i = findMapByKey(view.items(), mergeKey, value);
    if (i < 0) return;
    view.removeAt(i);
  }
}

/** mergeSliceWithoutSpecialElements: merges items into their live counterpart by merge key, appends new ones. */
function mergeRegularElements(view: GoSliceView, patch: JsonObject[], mergeKey: string, elem: Schema | undefined): JsonValue[] {
  for (const v of patch) {
    if (!hasKey(v, mergeKey)) throw errNoMergeKey(v, mergeKey);
    const i = findMapByKey(view.items(), mergeKey, v[mergeKey]!);
    if (i >= 0) view.set(i, mergeMap(view.get(i) as JsonObject, v, elem));
    else view.append(v);
  }
  return view.items();
}
