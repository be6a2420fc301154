// A rate-limited work queue of keys (client-go workqueue semantics): a key is never processed by two workers at
// once, a key added while being processed is processed again afterwards, and failures are retried with exponential
// backoff read from the cluster clock.
import { isVirtualClock, type Clock, type TimerHandle } from '../clock.js';

export type SyncFn = (key: string) => Promise<void>;

export interface WorkQueueOptions {
  workers?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  onError?: (key: string, err: unknown) => void;
  /** Workers take keys on the next event-loop turn instead of at once, so that a burst of informer events for one
   * key within a turn costs one sync (client-go's workers run beside the informer, never inside its callbacks).
   * For controllers whose sync walks every pod of their object (ReplicaSet, Deployment, Endpoints ...). */
  batched?: boolean;
}

export class WorkQueue {
  private readonly queue: string[] = [];
  private readonly queued = new Set<string>();
  private readonly processing = new Set<string>();
  private readonly dirtyWhileProcessing = new Set<string>();
  private readonly failures = new Map<string, number>();
  private readonly delayed = new Map<string, { timer: TimerHandle; at: number }>();
  private running = 0;
  private stopped = false;
  private idleWaiters: (() => void)[] = [];
  /** A pump is scheduled for the next event-loop turn. */
  private pumpScheduled = false;
  private readonly unquiesce: () => void = () => undefined;

  constructor(
    private readonly sync: SyncFn,
    private readonly clock: Clock,
    private readonly opts: WorkQueueOptions = {},
  ) {
    // On the virtual clock, time only moves once the work it started has settled: work waiting for its turn counts.
    if (opts.batched && isVirtualClock(clock)) {
      this.unquiesce = clock.addQuiescer(async () => {
        if (!this.pumpScheduled) return false;
        await new Promise<void>((r) => setImmediate(r));
        return true;
      });
    }
  }

  add(key: string): void {
    if (this.stopped) return;
    if (this.processing.has(key)) {
      this.dirtyWhileProcessing.add(key);
      return;
    }
    if (this.queued.has(key)) return;
    this.queued.add(key);
    this.queue.push(key);
    if (this.opts.batched) this.schedulePump();
    else this.pump();
  }

  /** See WorkQueueOptions.batched. */
  private schedulePump(): void {
    if (this.pumpScheduled || this.stopped) return;
    this.pumpScheduled = true;
    setImmediate(() => {
      this.pumpScheduled = false;
      this.pump();
    });
  }

  /** Adds the key after `ms` (deduplicated: the earliest pending add wins, like client-go's delaying queue). */
  addAfter(key: string, ms: number): void {
    if (this.stopped) return;
    if (ms <= 0) return this.add(key);
    const at = this.clock.now() + ms;
    const pending = this.delayed.get(key);
    if (pending && pending.at <= at) return;
    pending?.timer.cancel();
    const timer = this.clock.after(ms, () => {
      this.delayed.delete(key);
      this.add(key);
    });
    this.delayed.set(key, { timer, at });
  }

  stop(): void {
    this.stopped = true;
    this.unquiesce();
    for (const t of this.delayed.values()) t.timer.cancel();
    this.delayed.clear();
  }

  /** Resolves when nothing is queued or running (for tests). */
  idle(): Promise<void> {
    if (!this.queue.length && !this.running) return Promise.resolve();
    return new Promise((r) => this.idleWaiters.push(r));
  }

  private pump(): void {
    const workers = this.opts.workers ?? 4;
    while (!this.stopped && this.running < workers && this.queue.length) {
      const key = this.queue.shift()!;
      this.queued.delete(key);
      this.processing.add(key);
      this.running++;
      void this.run(key);
    }
  }

  private async run(key: string): Promise<void> {
    try {
      await this.sync(key);
      this.failures.delete(key);
    } catch (err) {
      const n = (this.failures.get(key) ?? 0) + 1;
      this.failures.set(key, n);
      this.opts.onError?.(key, err);
      const delay = Math.min((this.opts.baseDelayMs ?? 5) * 2 ** (n - 1), this.opts.maxDelayMs ?? 30_000);
      this.addAfter(key, delay);
    } finally {
      this.processing.delete(key);
      this.running--;
      if (this.dirtyWhileProcessing.delete(key)) this.add(key);
      this.pump();
      if (!this.queue.length && !this.running) for (const w of this.idleWaiters.splice(0)) w();
    }
  }
}
