// Watch fan-out. Each watcher first replays the retained history after its start revision, then receives live
// events; both go through one queue so that events committed while the replay is pending land behind it, in
// revision order, exactly once (upstream's watch cache gives the same "initial events then changes" guarantee).

import type { StorageEvent, WatchOptions, Watcher } from './interface.js';

class WatchHandle implements Watcher {
  /** Events waiting for the initial (asynchronous) drain; undefined once the watcher delivers directly. */
  private backlog: StorageEvent[] | undefined;
  private stopped = false;

  constructor(
    private readonly owner: WatcherSet,
    readonly prefix: string,
    /** Live events at or below this were committed before the watcher existed (they are in `replay` if wanted). */
    private readonly liveAfter: number,
    private readonly options: WatchOptions,
    replay: StorageEvent[],
  ) {
    this.backlog = replay;
    // Drain on a microtask rather than inside watch(): the caller gets its Watcher handle before the first onEvent,
    // so onEvent may safely call stop() on it.
    queueMicrotask(() => this.drain());
  }

  push(event: StorageEvent): void {
    if (this.stopped || event.revision <= this.liveAfter) return;
    if (this.backlog) this.backlog.push(event);
    else this.emit(event);
  }

  private drain(): void {
    const backlog = this.backlog;
    if (!backlog) return;
    // Index loop: anything pushed while draining (it cannot be, commits are asynchronous, but cheaply safe) is kept.
    for (let i = 0; i < backlog.length && !this.stopped; i++) this.emit(backlog[i]);
    this.backlog = undefined;
  }

  private emit(event: StorageEvent): void {
    try {
      this.options.onEvent(event);
    } catch {
      // The contract says onEvent must not throw; a throwing consumer must not break delivery to the others or the
      // commit path that called us.
    }
  }

  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.backlog = undefined;
    this.owner.remove(this);
  }

  /** Ends the watcher from the store's side: delivers what was already queued, then onClose. */
  close(reason: 'closed' | 'dropped'): void {
    if (this.stopped) return;
    this.drain();
    this.stopped = true;
    this.owner.remove(this);
    try {
      this.options.onClose?.(reason);
    } catch {
      // Same as onEvent: a faulty callback must not abort closing the others.
    }
  }
}

/** The registered watchers, grouped by prefix so an event is matched once per distinct prefix, not per watcher. */
export class WatcherSet {
  private byPrefix = new Map<string, Set<WatchHandle>>();

  /** `liveAfter` is the store's committed revision now; `replay` the retained matching events the watcher wants. */
  add(prefix: string, liveAfter: number, options: WatchOptions, replay: StorageEvent[]): Watcher {
    const handle = new WatchHandle(this, prefix, liveAfter, options, replay);
    let set = this.byPrefix.get(prefix);
    if (!set) this.byPrefix.set(prefix, (set = new Set()));
    set.add(handle);
    return handle;
  }

  remove(handle: WatchHandle): void {
    const set = this.byPrefix.get(handle.prefix);
    if (!set) return;
    set.delete(handle);
    if (set.size === 0) this.byPrefix.delete(handle.prefix);
  }

  deliver(event: StorageEvent): void {
    for (const [prefix, set] of this.byPrefix) {
      if (!event.key.startsWith(prefix)) continue;
      for (const handle of set) handle.push(event);
    }
  }

  closeAll(reason: 'closed' | 'dropped'): void {
    for (const set of [...this.byPrefix.values()]) for (const handle of [...set]) handle.close(reason);
    this.byPrefix.clear();
  }
}
