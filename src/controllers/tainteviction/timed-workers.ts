// TimedWorkerQueue (upstream pkg/controller/tainteviction/timed_workers.go): one pending piece of work per key, run
// no earlier than its fire time on the cluster clock. Work due now runs at once; its key stays taken until it
// finishes, so it is neither added twice nor reported as cancelled.
import type { Clock, TimerHandle } from '../../clock.js';

export interface TimedWorker {
  createdAt: number;
  fireAt: number;
}

interface Entry extends TimedWorker {
  timer?: TimerHandle;
  /** Started at once, without a timer (upstream keeps a nil worker for it). */
  immediate: boolean;
}

export class TimedWorkerQueue {
  private readonly workers = new Map<string, Entry>();

  constructor(
    private readonly clock: Clock,
    private readonly work: (key: string, fireAt: number) => Promise<void>,
  ) {}

  /** Adds work for `key` at `fireAt` unless some is already pending (AddWork). */
  add(key: string, createdAt: number, fireAt: number): void {
    if (this.workers.has(key)) return;
    const entry: Entry = { createdAt, fireAt, immediate: fireAt - createdAt <= 0 };
    this.workers.set(key, entry);
    if (entry.immediate) void this.run(key, entry);
    else entry.timer = this.clock.after(fireAt - createdAt, () => void this.run(key, entry));
  }

  /** Forgets the work of `key`; true when a scheduled piece was cancelled (CancelWork; not for work started at once). */
  cancel(key: string): boolean {
    const entry = this.workers.get(key);
    if (!entry) return false;
    this.workers.delete(key);
    entry.timer?.cancel();
    return !entry.immediate;
  }

  /** The scheduled work of `key` (GetWorkerUnsafe: undefined when none, or when it was started at once). */
  get(key: string): TimedWorker | undefined {
    const entry = this.workers.get(key);
    return entry && !entry.immediate ? entry : undefined;
  }

  /** Keys with work scheduled or running (for tests and debugging). */
  keys(): string[] {
    return [...this.workers.keys()];
  }

  stop(): void {
    for (const e of this.workers.values()) e.timer?.cancel();
    this.workers.clear();
  }

  private async run(key: string, entry: Entry): Promise<void> {
    if (this.workers.get(key) !== entry) return; // cancelled meanwhile
    try {
      await this.work(key, entry.fireAt);
    } finally {
      if (this.workers.get(key) === entry) this.workers.delete(key);
    }
  }
}
