// The scheduling queue (upstream internal/queue PriorityQueue): activeQ ordered by priority then arrival, a backoff
// stage with exponential per-pod backoff (1 s doubling to 10 s), and unschedulablePods that wait for a cluster event
// (node added/changed, pod deleted ...) or for the 5-minute leftover flush. All timing reads the cluster clock.
import type { Clock, TimerHandle } from '../clock.js';

export interface QueueOptions {
  initialBackoffMs?: number;
  maxBackoffMs?: number;
  /** Pods left unschedulable this long are retried even without an event (podMaxInUnschedulablePodsDuration). */
  maxUnschedulableMs?: number;
  flushIntervalMs?: number;
}

interface Entry {
  key: string;
  priority: number;
  /** When the pod entered the queue (PrioritySort's tie break). */
  since: number;
  attempts: number;
  /** When the last attempt failed. */
  failedAt: number;
  /** The scheduling cycle of the last attempt. */
  cycle: number;
  /** The filter plugins that rejected the pod last time (upstream UnschedulablePlugins). */
  plugins: Set<string>;
}

/** A place in activeQ: valid while its key is active with this seq (a re-activation or new priority pushes anew). */
interface HeapItem {
  key: string;
  priority: number;
  since: number;
  seq: number;
}

/** activeQ's order: higher priority first, then the longer waiting, then first activated. */
function before(a: HeapItem, b: HeapItem): boolean {
  if (a.priority !== b.priority) return a.priority > b.priority;
  if (a.since !== b.since) return a.since < b.since;
  return a.seq < b.seq;
}

export class SchedulingQueue {
  private readonly entries = new Map<string, Entry>();
  private readonly active = new Set<string>();
  /** activeQ as a binary heap (upstream's is a heap too), so a pop costs log n even with 10,000 pending pods. */
  private readonly heap: HeapItem[] = [];
  private readonly activeSeq = new Map<string, number>();
  private seq = 0;
  private readonly backoff = new Map<string, TimerHandle>();
  private readonly unschedulable = new Set<string>();
  private readonly inFlight = new Set<string>();
  /** Pods updated while an attempt on them ran: a failure of that attempt is retried after backoff. */
  private readonly updatedInFlight = new Set<string>();
  private waiters: ((key: string | undefined) => void)[] = [];
  private cycle = 0;
  /** The cycle in which the last move event arrived: failures of attempts started before it go to backoff, not to waiting. */
  private moveRequestCycle = -1;
  private closed = false;
  private readonly flushTimer: TimerHandle;
  private readonly o: Required<QueueOptions>;

  constructor(
    private readonly clock: Clock,
    opts: QueueOptions = {},
  ) {
    this.o = { initialBackoffMs: 1000, maxBackoffMs: 10_000, maxUnschedulableMs: 300_000, flushIntervalMs: 30_000, ...opts };
    this.flushTimer = clock.every(this.o.flushIntervalMs, () => this.flushLeftover());
  }

  /** A new or updated pending pod. An update to a waiting pod retries it (upstream: the pod may be schedulable now). */
  add(key: string, priority = 0): void {
    if (this.closed) return;
    const e = this.entries.get(key);
    if (!e) {
      this.entries.set(key, { key, priority, since: this.clock.now(), attempts: 0, failedAt: 0, cycle: -1, plugins: new Set() });
      this.activate(key);
      return;
    }
    if (e.priority !== priority && this.active.has(key)) {
      e.priority = priority;
      this.push(e);
    }
    e.priority = priority;
    if (this.inFlight.has(key)) this.updatedInFlight.add(key);
    if (this.unschedulable.has(key)) this.moveToActiveOrBackoff(key);
  }

  delete(key: string): void {
    this.entries.delete(key);
    this.active.delete(key);
    this.activeSeq.delete(key);
    this.unschedulable.delete(key);
    this.backoff.get(key)?.cancel();
    this.backoff.delete(key);
  }

  has(key: string): boolean {
    return this.entries.has(key);
  }

  /** Where the key is: 'active' | 'backoff' | 'unschedulable' | 'inFlight' | undefined (for tests and debugging). */
  where(key: string): string | undefined {
    if (this.inFlight.has(key)) return 'inFlight';
    if (this.active.has(key)) return 'active';
    if (this.backoff.has(key)) return 'backoff';
    if (this.unschedulable.has(key)) return 'unschedulable';
    return undefined;
  }

  /** The next pod to schedule: highest priority, then longest waiting. Resolves undefined once closed. */
  pop(): Promise<string | undefined> {
    if (this.closed) return Promise.resolve(undefined);
    const key = this.takeBest();
    if (key) return Promise.resolve(key);
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** The attempt bound the pod (or the pod is gone): forget it. */
  done(key: string): void {
    this.inFlight.delete(key);
    this.updatedInFlight.delete(key);
    this.delete(key);
  }

  /**
   * The attempt found no node. If a cluster event arrived while it ran, it may already be stale: back off and retry;
   * otherwise wait in unschedulablePods for the next event (upstream AddUnschedulableIfNotPresent).
   */
  unschedulableAttempt(key: string, plugins: Iterable<string> = []): void {
    const updated = this.updatedInFlight.delete(key);
    const e = this.failAttempt(key);
    if (!e) return;
    e.plugins = new Set(plugins);
    if (updated || this.moveRequestCycle >= e.cycle) this.toBackoff(e);
    else this.unschedulable.add(key);
  }

  /** The attempt failed for another reason (e.g. the bind call): retry after backoff. */
  errorAttempt(key: string): void {
    this.updatedInFlight.delete(key);
    const e = this.failAttempt(key);
    if (e) this.toBackoff(e);
  }

  /**
   * A cluster event that may make waiting pods schedulable (upstream MoveAllToActiveOrBackoffQueue). With `plugins`,
   * only pods that some of those plugins rejected move (the event cannot help the others), like upstream's
   * per-plugin cluster-event registration.
   */
  moveAll(plugins?: readonly string[]): void {
    this.moveRequestCycle = this.cycle;
    for (const key of [...this.unschedulable]) {
      const e = this.entries.get(key);
      if (plugins && e && e.plugins.size && !plugins.some((p) => e.plugins.has(p))) continue;
      this.moveToActiveOrBackoff(key);
    }
  }

  close(): void {
    this.closed = true;
    this.flushTimer.cancel();
    for (const t of this.backoff.values()) t.cancel();
    this.backoff.clear();
    for (const w of this.waiters.splice(0)) w(undefined);
  }

  /** Backoff of a pod after `attempts` failures: initial × 2^(attempts-1), capped (upstream calculateBackoffDuration). */
  backoffMs(attempts: number): number {
    let d = this.o.initialBackoffMs;
    for (let i = 1; i < attempts && d < this.o.maxBackoffMs; i++) d *= 2;
    return Math.min(d, this.o.maxBackoffMs);
  }

  private failAttempt(key: string): Entry | undefined {
    this.inFlight.delete(key);
    const e = this.entries.get(key);
    if (!e || this.closed) return undefined;
    e.attempts++;
    e.failedAt = this.clock.now();
    return e;
  }

  private moveToActiveOrBackoff(key: string): void {
    const e = this.entries.get(key);
    this.unschedulable.delete(key);
    if (!e) return;
    if (this.clock.now() < e.failedAt + this.backoffMs(e.attempts)) this.toBackoff(e);
    else this.activate(key);
  }

  private toBackoff(e: Entry): void {
    if (this.backoff.has(e.key)) return;
    const wait = Math.max(0, e.failedAt + this.backoffMs(e.attempts) - this.clock.now());
    this.backoff.set(
      e.key,
      this.clock.after(wait, () => {
        this.backoff.delete(e.key);
        if (this.entries.has(e.key)) this.activate(e.key);
      }),
    );
  }

  private activate(key: string): void {
    if (this.inFlight.has(key) || this.active.has(key)) return;
    this.backoff.get(key)?.cancel();
    this.backoff.delete(key);
    this.unschedulable.delete(key);
    this.active.add(key);
    this.push(this.entries.get(key)!);
    const w = this.waiters.shift();
    if (w) {
      const next = this.takeBest();
      if (next) w(next);
      else this.waiters.unshift(w);
    }
  }

  private push(e: Entry): void {
    const item: HeapItem = { key: e.key, priority: e.priority, since: e.since, seq: ++this.seq };
    this.activeSeq.set(e.key, item.seq);
    const h = this.heap;
    h.push(item);
    for (let i = h.length - 1; i > 0; ) {
      const parent = (i - 1) >> 1;
      if (!before(h[i]!, h[parent]!)) break;
      [h[i], h[parent]] = [h[parent]!, h[i]!];
      i = parent;
    }
  }

  private popHeap(): HeapItem | undefined {
    const h = this.heap;
    const top = h[0];
    const last = h.pop();
    if (!top || !last || !h.length) return top;
    h[0] = last;
    for (let i = 0; ; ) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < h.length && before(h[l]!, h[m]!)) m = l;
      if (r < h.length && before(h[r]!, h[m]!)) m = r;
      if (m === i) break;
      [h[i], h[m]] = [h[m]!, h[i]!];
      i = m;
    }
    return top;
  }

  private takeBest(): string | undefined {
    let best: Entry | undefined;
    for (let item = this.popHeap(); item; item = this.popHeap()) {
      // Stale places (the pod left activeQ, or was pushed again since) are skipped.
      if (!this.active.has(item.key) || this.activeSeq.get(item.key) !== item.seq) continue;
      best = this.entries.get(item.key);
      if (best) break;
    }
    if (!best) return undefined;
    this.activeSeq.delete(best.key);
    this.active.delete(best.key);
    this.inFlight.add(best.key);
    best.cycle = ++this.cycle;
    return best.key;
  }

  private flushLeftover(): void {
    const now = this.clock.now();
    for (const key of [...this.unschedulable]) {
      const e = this.entries.get(key);
      if (e && now - e.failedAt >= this.o.maxUnschedulableMs) this.moveToActiveOrBackoff(key);
    }
  }
}
