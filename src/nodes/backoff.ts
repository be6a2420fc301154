// The kubelet's crash-loop back-off (kuberuntime doBackOff over client-go's flowcontrol.Backoff, created with the
// kubelet's 10 s initial period and 5 min cap): the first exit of a container restarts it at once, each later exit
// waits twice as long as the one before, up to 5 minutes, and a container that ran for more than twice the cap
// (10 minutes) since its last exit starts over at 10 s. Kept in the kubelet's memory, like upstream: a restarted
// kubelet forgets it.

export const INITIAL_BACKOFF_MS = 10_000;
export const MAX_BACKOFF_MS = 300_000;

interface Entry {
  backoffMs: number;
  /** The exit time (finishedAt) the entry was last moved on at. */
  lastUpdate: number;
}

export class CrashLoopBackoff {
  private readonly entries = new Map<string, Entry>();

  constructor(
    readonly initialMs = INITIAL_BACKOFF_MS,
    readonly maxMs = MAX_BACKOFF_MS,
  ) {}

  /** flowcontrol hasExpired: the entry is older than twice the cap, so it no longer counts. */
  private expired(e: Entry, eventTime: number): boolean {
    return eventTime - e.lastUpdate > 2 * this.maxMs;
  }

  /** Whether a container that exited at `exitedAt` must still wait at `now` before it is started again. */
  inBackOffSince(key: string, exitedAt: number, now: number): boolean {
    const e = this.entries.get(key);
    if (!e || this.expired(e, exitedAt)) return false;
    return now - exitedAt < e.backoffMs;
  }

  /** The current back-off of `key` in ms (0 when none, e.g. after a kubelet restart). */
  get(key: string): number {
    return this.entries.get(key)?.backoffMs ?? 0;
  }

  /** Moves the back-off on for a restart after the exit at `exitedAt`: 10 s at first, then doubling up to the cap.
   * Repeating the call for the same exit changes nothing (a status write that is retried must not double it). */
  next(key: string, exitedAt: number): void {
    const e = this.entries.get(key);
    if (!e || this.expired(e, exitedAt)) {
      this.entries.set(key, { backoffMs: this.initialMs, lastUpdate: exitedAt });
      return;
    }
    if (e.lastUpdate === exitedAt) return;
    e.backoffMs = Math.min(e.backoffMs * 2, this.maxMs);
    e.lastUpdate = exitedAt;
  }

  /** Forgets every entry whose key starts with `prefix` (a deleted pod's containers). */
  forget(prefix: string): void {
    for (const k of this.entries.keys()) if (k.startsWith(prefix)) this.entries.delete(k);
  }
}

/** The wait before the n-th restart (n ≥ 1) of a container that keeps exiting right away: 0, 10 s, 20 s, 40 s, ...
 * up to 5 min. What `CrashLoopBackoff` produces step by step, in closed form (for docs and tests). */
export function backoffBeforeRestart(n: number, initialMs = INITIAL_BACKOFF_MS, maxMs = MAX_BACKOFF_MS): number {
  if (n <= 1) return 0;
  return Math.min(initialMs * 2 ** (n - 2), maxMs);
}

/** Go's time.Duration.String() for whole seconds and minutes, as the back-off message prints it ("10s", "1m20s", "5m0s"). */
export function goSeconds(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${s % 60}s`;
  return `${Math.floor(m / 60)}h${m % 60}m${s % 60}s`;
}
