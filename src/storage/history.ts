// The bounded event history: the window of recent committed events that watch-from-revision replays and that
// list-at-revision undoes. Upstream this is etcd's MVCC history with periodic compaction; once an event leaves the
// window, reads at or before its revision answer 410 Expired ("too old resource version").

import type { StorageEvent, StoredObject } from './interface.js';

/** A committed event as the engine keeps it: the public event plus the previous state as a StoredObject (with its
 * serialisation), which list-at-revision needs to rebuild old pages without re-serialising. */
export interface CommittedEvent extends StorageEvent {
  readonly prev: StoredObject | undefined;
}

/** A deque of events in increasing revision order. Amortised O(1) append/drop, O(log n) seek by revision. */
export class EventHistory {
  private events: CommittedEvent[] = [];
  private head = 0;
  private compacted = 0;

  /** Revision of the newest event dropped from the window (0 if none ever was). */
  get compactedRevision(): number {
    return this.compacted;
  }

  get size(): number {
    return this.events.length - this.head;
  }

  /** Restores the window after a restart. `events` must be in increasing revision order, all > compactedRevision. */
  reset(events: CommittedEvent[], compactedRevision: number): void {
    this.events = events;
    this.head = 0;
    this.compacted = compactedRevision;
  }

  append(event: CommittedEvent): void {
    this.events.push(event);
  }

  /** Drops every event with revision <= `revision` and records it as the compaction point. */
  dropThrough(revision: number): void {
    if (revision <= this.compacted) return;
    const events = this.events;
    let h = this.head;
    while (h < events.length && events[h].revision <= revision) {
      events[h] = undefined as unknown as CommittedEvent; // release the reference now, not at the next shrink
      h++;
    }
    this.head = h;
    this.compacted = revision;
    // Shrink once the dead prefix dominates, so memory stays proportional to the window.
    if (h > 1024 && h * 2 > events.length) {
      this.events = events.slice(h);
      this.head = 0;
    }
  }

  /** Index (into the internal array) of the first retained event with revision > `revision`. */
  private indexAfter(revision: number): number {
    const events = this.events;
    let lo = this.head;
    let hi = events.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (events[mid].revision <= revision) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Calls `fn` for each retained event with revision > `revision`, oldest first. */
  forEachAfter(revision: number, fn: (event: CommittedEvent) => void): void {
    const events = this.events;
    for (let i = this.indexAfter(revision); i < events.length; i++) fn(events[i]);
  }
}
