// The committed state: key -> StoredObject plus the sorted key index, and the two LIST paths over it — the current
// state, and a consistent snapshot at an older revision (what a continue token of a paginated LIST reads, like
// upstream's etcd range read at the first page's revision).

import type { EventHistory } from './history.js';
import type { KubeObject, ListOptions, ListResult, StoredObject } from './interface.js';
import { SortedKeys } from './sorted-keys.js';

type Filter = ((obj: KubeObject) => boolean) | undefined;

export class CommittedState {
  private readonly objects = new Map<string, StoredObject>();
  private readonly keys = new SortedKeys();

  load(objects: Iterable<StoredObject>): void {
    this.objects.clear();
    const keys: string[] = [];
    for (const o of objects) {
      this.objects.set(o.key, o);
      keys.push(o.key);
    }
    this.keys.reset(keys);
  }

  get(key: string): StoredObject | undefined {
    return this.objects.get(key);
  }

  put(stored: StoredObject): void {
    if (!this.objects.has(stored.key)) this.keys.insert(stored.key);
    this.objects.set(stored.key, stored);
  }

  remove(key: string): void {
    if (this.objects.delete(key)) this.keys.remove(key);
  }

  count(prefix: string): number {
    const [start, end] = this.keys.range(prefix);
    return end - start;
  }

  /** Lists the current state. `revision` is the committed revision it reflects. */
  list(prefix: string, options: ListOptions, revision: number): ListResult {
    const [start, end] = this.keys.range(prefix, options.startAfter);
    const limit = options.limit && options.limit > 0 ? options.limit : Infinity;
    const filter = options.filter;
    const items: StoredObject[] = [];
    const keys = this.keys;
    const objects = this.objects;
    let i = start;
    if (!filter) {
      const stop = Math.min(end, start + limit);
      for (; i < stop; i++) items.push(objects.get(keys.at(i))!);
      return { items, revision, more: i < end, remaining: end - i };
    }
    for (; i < end && items.length < limit; i++) {
      const o = objects.get(keys.at(i))!;
      if (filter(o.object)) items.push(o);
    }
    // `more` must mean "another *matching* item exists", so look ahead for one (upstream does the same by reading
    // further pages until the predicate matches or the range ends).
    let more = false;
    for (; i < end; i++) {
      if (filter(objects.get(keys.at(i))!.object)) {
        more = true;
        break;
      }
    }
    return { items, revision, more };
  }

  /**
   * Lists the state as of `atRevision` (must be retained: >= history.compactedRevision). Rebuilt from the current
   * state by undoing the history after `atRevision`: for each key changed since, its state then is the `prev` of
   * its first later event (absent for ADDED). Cost: O(log n + page + events since atRevision).
   */
  listAt(prefix: string, options: ListOptions, atRevision: number, history: EventHistory): ListResult {
    const startAfter = options.startAfter;
    const then = new Map<string, StoredObject | undefined>();
    history.forEachAfter(atRevision, (e) => {
      if (!e.key.startsWith(prefix) || (startAfter !== undefined && e.key <= startAfter) || then.has(e.key)) return;
      then.set(e.key, e.prev);
    });
    // Keys deleted since atRevision are no longer in the index; merge them in (sorted) alongside it.
    const gone: string[] = [];
    for (const [key, old] of then) if (old && !this.objects.has(key)) gone.push(key);
    gone.sort();

    const [start, end] = this.keys.range(prefix, startAfter);
    const limit = options.limit && options.limit > 0 ? options.limit : Infinity;
    const filter: Filter = options.filter;
    const items: StoredObject[] = [];
    let i = start;
    let g = 0;
    let more = false;
    const nextKey = (): string => (g < gone.length && (i >= end || gone[g] < this.keys.at(i)) ? gone[g++] : this.keys.at(i++));
    const stateOf = (key: string): StoredObject | undefined => (then.has(key) ? then.get(key) : this.objects.get(key));
    while (i < end || g < gone.length) {
      const o = stateOf(nextKey());
      if (!o || (filter && !filter(o.object))) continue;
      if (items.length >= limit) {
        more = true;
        break;
      }
      items.push(o);
    }
    if (!more || filter) return { items, revision: atRevision, more };
    // Unfiltered: count what is left, so later pages report remaining too (upstream remainingItemCount on every page).
    let remaining = 1;
    while (i < end || g < gone.length) if (stateOf(nextKey())) remaining++;
    return { items, revision: atRevision, more, remaining };
  }
}
