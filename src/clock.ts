// The one place that reads time. Everything time-driven (timestamps, watch timeouts, bookmarks, delays) goes through
// a Clock so that tests and users can swap in a virtual one and fast-forward it.

export interface TimerHandle {
  cancel(): void;
}

export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Runs `fn` once after `ms` (of this clock's time). */
  after(ms: number, fn: () => void): TimerHandle;
  /** Runs `fn` every `ms` until cancelled. */
  every(ms: number, fn: () => void): TimerHandle;
}

export class RealClock implements Clock {
  now(): number {
    return Date.now();
  }
  after(ms: number, fn: () => void): TimerHandle {
    const t = setTimeout(fn, ms);
    t.unref?.();
    return { cancel: () => clearTimeout(t) };
  }
  every(ms: number, fn: () => void): TimerHandle {
    const t = setInterval(fn, ms);
    t.unref?.();
    return { cancel: () => clearInterval(t) };
  }
}

/**
 * Wall-clock time for the few things that must not follow a virtual clock (HTTP cache headers, which browsers and
 * proxies compare with their own clocks). RealClock holds no state, so one shared instance is safe across clusters.
 */
export const wallClock: Clock = new RealClock();

// ---- durations ----

const UNIT_MS: Record<string, number> = { ns: 1e-6, us: 1e-3, 'µs': 1e-3, 'μs': 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/**
 * A duration in milliseconds: a number of ms, or a string like Go's time.ParseDuration accepts ("300ms", "5m",
 * "1h30m", "1.5h", "-2s"; units ns, us, µs, ms, s, m, h; "0" alone is allowed). Throws a RangeError otherwise.
 */
export function parseDuration(d: number | string): number {
  if (typeof d === 'number') {
    if (!Number.isFinite(d)) throw new RangeError(`invalid duration ${d}`);
    return d;
  }
  const s = d.trim();
  const m = /^([-+]?)(.*)$/.exec(s)!;
  const body = m[2];
  if (body === '0') return 0;
  const part = /(\d+\.?\d*|\.\d+)(ns|us|µs|μs|ms|s|m|h)/gy;
  let total = 0;
  let end = 0;
  for (let p = part.exec(body); p; p = part.exec(body)) {
    total += Number(p[1]) * UNIT_MS[p[2]];
    end = part.lastIndex;
  }
  if (body === '' || end !== body.length) throw new RangeError(`invalid duration ${JSON.stringify(d)} (examples: 500ms, 40s, 5m, 1h30m)`);
  return m[1] === '-' ? -total : total;
}

// ---- the virtual clock ----

/**
 * Work the virtual clock waits for between two timers, beyond a few event-loop turns: resolves true when it had to
 * wait (something was still in progress), false when it was already idle. The cluster registers its store's, so
 * LevelDB writes (real I/O) finish before time moves on.
 */
export type Quiescer = () => Promise<boolean>;

interface VirtualTimer {
  id: number;
  due: number;
  /** Sequence of the arming, so equal due times fire in the order they were scheduled (and re-armed). */
  seq: number;
  period?: number;
  fn: () => void;
  cancelled: boolean;
}

/** Event-loop turns between timers: enough for in-memory writes, watch deliveries and the syncs they trigger. */
const SETTLE_TURNS = 5;
/** Bounds the settle loop when something keeps writing forever (a hot loop must not hang advance()). */
const MAX_SETTLE_PASSES = 1000;

const turn = (): Promise<void> => new Promise((r) => setImmediate(r));

/**
 * A clock that only moves when told to. advance() fires every timer that falls due on the way, in time order (equal
 * times: in scheduling order), including timers that callbacks schedule meanwhile, and lets the promise chains each
 * firing starts (store writes, watch events, controller syncs) settle before the next one — so minutes of cluster
 * time take milliseconds and the outcome does not depend on the machine's speed. Nothing fires on its own, not even a
 * 0 ms timer: advance(0) runs what is due now.
 */
export class VirtualClock implements Clock {
  private t: number;
  private readonly heap: VirtualTimer[] = [];
  private seq = 0;
  private live = 0;
  private readonly quiescers = new Set<Quiescer>();
  /** advance()/set() calls run one after the other, never interleaved. */
  private queue: Promise<unknown> = Promise.resolve();

  /** Marks the clock as virtual (see isVirtualClock). */
  readonly virtual = true;

  /** `start`: the initial time (default: the real time now, so timestamps look current). */
  constructor(start: number | Date = Date.now()) {
    this.t = typeof start === 'number' ? start : start.getTime();
  }

  now(): number {
    return this.t;
  }

  after(ms: number, fn: () => void): TimerHandle {
    return this.arm(Math.max(0, ms), undefined, fn);
  }

  every(ms: number, fn: () => void): TimerHandle {
    const period = Math.max(1, ms);
    return this.arm(period, period, fn);
  }

  /** Timers waiting to fire. */
  pending(): number {
    return this.live;
  }

  /** When the next timer is due (undefined when none is waiting). */
  nextDue(): number | undefined {
    return this.peek()?.due;
  }

  /** Also wait for `q` between timers (returns a function that removes it). */
  addQuiescer(q: Quiescer): () => void {
    this.quiescers.add(q);
    return () => this.quiescers.delete(q);
  }

  /** Moves time forward by `by` (ms, or a duration string like '5m' or '1h30s'), firing what falls due on the way. */
  advance(by: number | string): Promise<void> {
    let ms: number;
    try {
      ms = parseDuration(by);
    } catch (err) {
      return Promise.reject(err);
    }
    if (ms < 0) return Promise.reject(new RangeError(`cannot advance by a negative duration (${String(by)})`));
    return this.serially(() => this.runTo(this.t + ms));
  }

  /**
   * Steps the clock to `time`, like a wall clock being set, rather than letting the time pass: everything due fires
   * once at the new time, and a periodic timer that missed several ticks fires once (as Go tickers and the
   * Kubernetes fake clock do), so a jump of years costs no more than one of seconds. Backward: nothing fires (timers
   * keep their absolute due times). Use advance() when every tick on the way matters.
   */
  set(time: Date | number | string): Promise<void> {
    const to = time instanceof Date ? time.getTime() : typeof time === 'string' ? Date.parse(time) : time;
    if (!Number.isFinite(to)) return Promise.reject(new RangeError(`invalid time ${String(time)}`));
    return this.serially(async () => {
      if (to >= this.t) return this.runTo(to, true);
      this.t = to;
    });
  }

  /** Advances in steps of `step` until `cond` holds (true) or `max` has passed (false). */
  async advanceUntil(cond: () => boolean, max: number | string, step: number | string = 10): Promise<boolean> {
    const maxMs = parseDuration(max);
    const stepMs = Math.max(1, parseDuration(step));
    await this.advance(0);
    for (let spent = 0; !cond(); spent += stepMs) {
      if (spent >= maxMs) return false;
      await this.advance(stepMs);
    }
    return true;
  }

  /** Lets pending work finish without moving time (a few event-loop turns, then the registered quiescers). */
  async settle(): Promise<void> {
    for (let pass = 0; pass < MAX_SETTLE_PASSES; pass++) {
      for (let i = 0; i < SETTLE_TURNS; i++) await turn();
      let waited = false;
      for (const q of this.quiescers) if (await q().catch(() => false)) waited = true;
      if (!waited) return;
    }
  }

  private serially(fn: () => Promise<void>): Promise<void> {
    const run = this.queue.then(fn, fn);
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Fires what falls due up to `target` in order; `jump`: the time is `target` at once, and periodic timers skip
   * the ticks they missed. */
  private async runTo(target: number, jump = false): Promise<void> {
    if (jump) this.t = target;
    await this.settle();
    for (let next = this.peek(); next && next.due <= target; next = this.peek()) {
      this.pop();
      this.t = Math.max(this.t, next.due);
      if (next.period !== undefined) {
        next.due += jump ? (Math.floor((target - next.due) / next.period) + 1) * next.period : next.period;
        next.seq = ++this.seq;
        this.push(next);
      } else {
        next.cancelled = true;
        this.live--;
      }
      try {
        next.fn();
      } catch {
        // A failing timer callback must not stop time for everything else.
      }
      await this.settle();
    }
    this.t = Math.max(this.t, target);
  }

  private arm(delay: number, period: number | undefined, fn: () => void): TimerHandle {
    if (!Number.isFinite(delay)) throw new RangeError(`invalid timer delay ${String(delay)}`);
    const timer: VirtualTimer = { id: ++this.seq, seq: this.seq, due: this.t + delay, period, fn, cancelled: false };
    this.push(timer);
    this.live++;
    return {
      cancel: () => {
        if (timer.cancelled) return;
        timer.cancelled = true; // removed lazily when it reaches the top of the heap
        this.live--;
      },
    };
  }

  // A binary min-heap on (due, seq); cancelled timers are dropped when they surface.

  private peek(): VirtualTimer | undefined {
    while (this.heap.length && this.heap[0].cancelled) this.pop();
    return this.heap[0];
  }

  private static before(a: VirtualTimer, b: VirtualTimer): boolean {
    return a.due < b.due || (a.due === b.due && a.seq < b.seq);
  }

  private push(t: VirtualTimer): void {
    const h = this.heap;
    h.push(t);
    for (let i = h.length - 1; i > 0; ) {
      const parent = (i - 1) >> 1;
      if (!VirtualClock.before(h[i], h[parent])) break;
      [h[i], h[parent]] = [h[parent], h[i]];
      i = parent;
    }
  }

  private pop(): VirtualTimer | undefined {
    const h = this.heap;
    const top = h[0];
    const last = h.pop();
    if (h.length && last) {
      h[0] = last;
      for (let i = 0; ; ) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && VirtualClock.before(h[l], h[m])) m = l;
        if (r < h.length && VirtualClock.before(h[r], h[m])) m = r;
        if (m === i) break;
        [h[i], h[m]] = [h[m], h[i]];
        i = m;
      }
    }
    return top;
  }
}

/** The clock option of createCluster: a clock, or the name of one. */
export function resolveClock(clock: Clock | 'virtual' | 'real' | undefined): Clock {
  if (clock === 'virtual') return new VirtualClock();
  if (clock === undefined || clock === 'real') return new RealClock();
  return clock;
}

/** By shape rather than instanceof, so a VirtualClock from another copy of the package (src/ and dist/) counts. */
export function isVirtualClock(clock: Clock): clock is VirtualClock {
  return (clock as Partial<VirtualClock>).virtual === true && typeof (clock as Partial<VirtualClock>).advance === 'function';
}

/** RFC 3339 with second precision, as metav1.Time serialises. */
export function rfc3339(ms: number): string {
  const second = Math.floor(ms / 1000);
  // Writes stamp the current time (creationTimestamp, managedFields) several times per request: format each second once.
  if (second !== lastSecond) {
    lastSecond = second;
    lastStamp = new Date(second * 1000).toISOString().replace('.000Z', 'Z');
  }
  return lastStamp;
}
let lastSecond = NaN;
let lastStamp = '';

/** RFC 3339 with microseconds, as metav1.MicroTime serialises (leases, events.k8s.io). */
export function rfc3339Micro(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}
