// Element ordering and list bookkeeping for strategic merge patch, mirroring k8s.io/apimachinery
// pkg/util/strategicpatch (normalizeElementOrder, normalizeSliceOrder, mergeSortedSlice, index,
// partition*ByPresentInList, deduplicateScalars, sliceElementType).
//
// Upstream sorts with sort.SliceStable and a comparator that is not a strict weak order (an item missing from
// the reference order compares "less" than everything), so the result depends on the exact algorithm. We run
// Go's algorithm (insertion sort over blocks of 20, then SymMerge) to get the same permutation.

import { goSprintV } from './go-format.js';
import { goKind, hasKey, isObject, type GoKind, type JsonValue } from './json.js';
import {
  ERR_NO_LIST_OF_LISTS,
  MAP_TYPE,
  SmpFailure,
  errBadArgType,
  errNoMergeKey,
  internal,
  panicked,
} from './smp-errors.js';

/** Go `==` on two interface{} values holding decoded JSON (panics on maps and slices of the same kind). */
export function goEq(a: JsonValue | undefined, b: JsonValue | undefined): boolean {
  const ka = goKind(a);
  if (ka !== goKind(b)) return false;
  if (ka === 'map' || ka === 'slice') throw panicked(`runtime error: comparing uncomparable type ${ka === 'map' ? MAP_TYPE : '[]interface {}'}`);
  return ka === 'nil' || a === b;
}

/** A hashable key for Go map[interface{}] lookups (panics on unhashable maps and slices). */
export function goHashKey(v: JsonValue | undefined): string {
  const k = goKind(v);
  if (k === 'map' || k === 'slice') throw panicked(`runtime error: hash of unhashable type ${k === 'map' ? MAP_TYPE : '[]interface {}'}`);
  return `${k}:${String(v)}`;
}

/** sliceElementType: the common Go kind of the elements of all lists. */
export function sliceElementType(...lists: JsonValue[][]): GoKind {
  let prev: GoKind | undefined;
  for (const list of lists) {
    for (const v of list) {
      const cur = goKind(v);
      if (prev === undefined) {
        if (cur === 'nil') throw panicked('runtime error: invalid memory address or nil pointer dereference');
        if (cur === 'slice') throw new SmpFailure('invalid', ERR_NO_LIST_OF_LISTS);
        prev = cur;
      } else if (prev !== cur) {
        throw internal(`list element types are not identical: ${goSprintV(lists)}`);
      }
    }
  }
  if (prev === undefined) throw internal('no elements in any of the given slices');
  return prev;
}

/** index: position of `val` in `list`, comparing merge key values for maps and whole values otherwise. */
export function indexOf(list: JsonValue[], val: JsonValue, mergeKey: string, kind: GoKind): number {
  const get = (item: JsonValue): JsonValue | undefined => {
    if (kind !== 'map') return item;
    return isObject(item) && hasKey(item, mergeKey) ? item[mergeKey] : undefined;
  };
  const want = get(val);
  for (let i = 0; i < list.length; i++) if (goEq(want, get(list[i]!))) return i;
  return -1;
}

/** sort.SliceStable, step for step (less is called on the live, partially sorted array). */
export function goSliceStable<T>(data: T[], less: (i: number, j: number) => boolean): void {
  const swap = (i: number, j: number): void => {
    const t = data[i]!;
    data[i] = data[j]!;
    data[j] = t;
  };
  const insertionSort = (a: number, b: number): void => {
    for (let i = a + 1; i < b; i++) for (let j = i; j > a && less(j, j - 1); j--) swap(j, j - 1);
  };
  const swapRange = (a: number, b: number, n: number): void => {
    for (let i = 0; i < n; i++) swap(a + i, b + i);
  };
  const rotate = (a: number, m: number, b: number): void => {
    let i = m - a;
    let j = b - m;
    while (i !== j) {
      if (i > j) {
        swapRange(m - i, m, j);
        i -= j;
      } else {
        swapRange(m - i, m + j - i, i);
        j -= i;
      }
    }
    swapRange(m - i, m, i);
  };
  const symMerge = (a: number, m: number, b: number): void => {
    if (m - a === 1) {
      let i = m;
      let j = b;
      while (i < j) {
        const h = (i + j) >>> 1;
        if (less(h, a)) i = h + 1;
        else j = h;
      }
      for (let k = a; k < i - 1; k++) swap(k, k + 1);
      return;
    }
    if (b - m === 1) {
      let i = a;
      let j = m;
      while (i < j) {
        const h = (i + j) >>> 1;
        if (!less(m, h)) i = h + 1;
        else j = h;
      }
      for (let k = m; k > i; k--) swap(k, k - 1);
      return;
    }
    const mid = (a + b) >>> 1;
    const n = mid + m;
    let start: number;
    let r: number;
    if (m > mid) {
      start = n - b;
      r = mid;
    } else {
      start = a;
      r = m;
    }
    const p = n - 1;
    while (start < r) {
      const c = (start + r) >>> 1;
      if (!less(p - c, c)) start = c + 1;
      else r = c;
    }
    const end = n - start;
    if (start < m && m < end) rotate(start, m, end);
    if (a < start && start < mid) symMerge(a, start, mid);
    if (mid < end && end < b) symMerge(mid, end, b);
  };
  const n = data.length;
  let blockSize = 20;
  let a = 0;
  let b = blockSize;
  while (b <= n) {
    insertionSort(a, b);
    a = b;
    b += blockSize;
  }
  insertionSort(a, n);
  while (blockSize < n) {
    a = 0;
    b = 2 * blockSize;
    while (b <= n) {
      symMerge(a, a + blockSize, b);
      a = b;
      b += 2 * blockSize;
    }
    const m = a + blockSize;
    if (m < n) symMerge(a, m, n);
    blockSize *= 2;
  }
}

/** validateMergeKeyInLists */
function validateMergeKeyInLists(mergeKey: string, ...lists: JsonValue[][]): void {
  for (const list of lists) {
    for (const item of list) {
      if (!isObject(item)) throw errBadArgType(MAP_TYPE, item);
      if (!hasKey(item, mergeKey)) throw errNoMergeKey(item, mergeKey);
    }
  }
}

/** extractToDeleteItems: splits off the `$patch: delete` items. */
export function extractToDeleteItems(list: JsonValue[]): { keep: JsonValue[]; del: JsonValue[] } {
  const keep: JsonValue[] = [];
  const del: JsonValue[] = [];
  for (const v of list) {
    if (!isObject(v)) throw errBadArgType(MAP_TYPE, v);
    if (hasKey(v, '$patch') && v.$patch === 'delete') del.push(v);
    else keep.push(v);
  }
  return { keep, del };
}

/** normalizeSliceOrder: sorts `toSort` by its items' positions in `order`; delete directives go last. */
function normalizeSliceOrder(toSort: JsonValue[], order: JsonValue[], mergeKey: string, kind: GoKind): JsonValue[] {
  let items = [...toSort];
  let del: JsonValue[] = [];
  if (kind === 'map') {
    validateMergeKeyInLists(mergeKey, toSort, order);
    ({ keep: items, del } = extractToDeleteItems(toSort));
  }
  goSliceStable(items, (i, j) => {
    const ii = indexOf(order, items[i]!, mergeKey, kind);
    if (ii >= 0) {
      const ij = indexOf(order, items[j]!, mergeKey, kind);
      if (ij >= 0) return ii < ij;
    }
    return true;
  });
  return [...items, ...del];
}

/** mergeSortedSlice: interleaves server-only items into the patch items by their server order. */
function mergeSortedSlice(left: JsonValue[], right: JsonValue[], serverOrder: JsonValue[], mergeKey: string, kind: GoKind): JsonValue[] {
  const out: JsonValue[] = [];
  let i = 0;
  let j = 0;
  while (i < left.length && j < right.length) {
    const li = indexOf(serverOrder, left[i]!, mergeKey, kind);
    const ri = indexOf(serverOrder, right[j]!, mergeKey, kind);
    if (li >= 0 && ri >= 0 && li < ri) out.push(left[i++]!);
    else out.push(right[j++]!);
  }
  return out.concat(left.slice(i), right.slice(j));
}

/**
 * normalizeElementOrder: patch items in patch order, server-only items in server order, merged so that each
 * server-only item stays before the first patch item that comes after it on the server.
 */
export function normalizeElementOrder(
  patch: JsonValue[],
  serverOnly: JsonValue[],
  patchOrder: JsonValue[],
  serverOrder: JsonValue[],
  mergeKey: string,
  kind: GoKind,
): JsonValue[] {
  const p = normalizeSliceOrder(patch, patchOrder, mergeKey, kind);
  const s = normalizeSliceOrder(serverOnly, serverOrder, mergeKey, kind);
  return mergeSortedSlice(s, p, serverOrder, mergeKey, kind);
}

/** findMapInSliceBasedOnKeyValue */
export function findMapByKey(list: JsonValue[], key: string, value: JsonValue | undefined): number {
  for (let k = 0; k < list.length; k++) {
    const v = list[k]!;
    if (!isObject(v)) throw internal(`value for key ${k} is not a map.`);
    if (hasKey(v, key) && goEq(v[key], value)) return k;
  }
  return -1;
}

/** partitionPrimitivesByPresentInList: [items present in `by`, the others]. */
export function partitionPrimitives(list: JsonValue[], by: JsonValue[]): [JsonValue[], JsonValue[]] {
  const present = new Set(by.map(goHashKey));
  const inPatch: JsonValue[] = [];
  const serverOnly: JsonValue[] = [];
  for (const v of list) (present.has(goHashKey(v)) ? inPatch : serverOnly).push(v);
  return [inPatch, serverOnly];
}

/** partitionMapsByPresentInList: [maps whose merge key value appears in `by`, the others]. */
export function partitionMaps(list: JsonValue[], by: JsonValue[], mergeKey: string): [JsonValue[], JsonValue[]] {
  const inPatch: JsonValue[] = [];
  const serverOnly: JsonValue[] = [];
  for (const v of list) {
    if (!isObject(v)) throw errBadArgType(MAP_TYPE, v);
    if (!hasKey(v, mergeKey)) throw errNoMergeKey(v, mergeKey);
    (findMapByKey(by, mergeKey, v[mergeKey]) >= 0 ? inPatch : serverOnly).push(v);
  }
  return [inPatch, serverOnly];
}

/** deduplicateScalars: Go's in-place "clever" de-duplication (it moves the last element into each hole). */
export function deduplicateScalars(s: JsonValue[]): JsonValue[] {
  const out = [...s];
  let length = out.length - 1;
  for (let i = 0; i < length; i++) {
    for (let j = i + 1; j <= length; j++) {
      if (goEq(out[i], out[j])) {
        out[j] = out[length]!;
        out.length = length;
        length--;
        j--;
      }
    }
  }
  return out;
}

/** deleteFromSlice: drops every element that appears in `toDelete`. */
export function deleteFromSlice(current: JsonValue[], toDelete: JsonValue[]): JsonValue[] {
  const del = new Set(toDelete.map(goHashKey));
  return current.filter((v) => !del.has(goHashKey(v)));
}
