// The ordered key index behind list(): a plain sorted array with binary search. Keys under one prefix form one
// contiguous run, so a page costs O(log n + page) — the role etcd's B-tree index plays for range reads upstream.
// Inserts/removes splice the array (a memmove); with Kubernetes-sized stores (10^4..10^5 keys) that is microseconds,
// and the common case (names appended in increasing order) touches only the tail.

export class SortedKeys {
  private keys: string[] = [];

  get size(): number {
    return this.keys.length;
  }

  /** Replaces the contents (bulk load at open). Sorts only if the input is not already ordered. */
  reset(keys: string[]): void {
    let sorted = true;
    for (let i = 1; i < keys.length; i++) {
      if (keys[i - 1] >= keys[i]) {
        sorted = false;
        break;
      }
    }
    this.keys = sorted ? keys : [...new Set(keys)].sort();
  }

  /** Inserts `key` if absent. */
  insert(key: string): void {
    const keys = this.keys;
    const n = keys.length;
    if (n === 0 || keys[n - 1] < key) {
      keys.push(key);
      return;
    }
    const i = this.lowerBound(key);
    if (keys[i] !== key) keys.splice(i, 0, key);
  }

  /** Removes `key` if present. */
  remove(key: string): void {
    const i = this.lowerBound(key);
    if (this.keys[i] === key) this.keys.splice(i, 1);
  }

  at(i: number): string {
    return this.keys[i];
  }

  /** Index of the first key >= `key`. */
  lowerBound(key: string): number {
    const keys = this.keys;
    let lo = 0;
    let hi = keys.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (keys[mid] < key) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Index of the first key > `key`. */
  upperBound(key: string): number {
    const keys = this.keys;
    let lo = 0;
    let hi = keys.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (keys[mid] <= key) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /**
   * The index range [start, end) of keys beginning with `prefix` and, if given, strictly after `startAfter`.
   * Keys with a common prefix are contiguous in sorted order, so `end` is a second binary search.
   */
  range(prefix: string, startAfter?: string): [number, number] {
    const first = this.lowerBound(prefix);
    const keys = this.keys;
    let lo = first;
    let hi = keys.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (keys[mid].startsWith(prefix)) lo = mid + 1;
      else hi = mid;
    }
    const end = lo;
    const start = startAfter !== undefined && startAfter >= prefix ? Math.max(first, this.upperBound(startAfter)) : first;
    return [Math.min(start, end), end];
  }
}
