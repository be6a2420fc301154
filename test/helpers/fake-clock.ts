// A virtual Clock for tests: time only moves when the test calls advance(), which fires due timers in time order and
// lets the promise chains they start (store writes, watch deliveries) settle between timers. Minutes of simulated
// cluster time (lease expiry, node-monitor grace) take milliseconds.
import type { Clock, TimerHandle } from '../../src/clock.js';

interface Timer {
  id: number;
  due: number;
  every?: number;
  fn: () => void;
}

/** Lets pending microtasks and I/O callbacks run (store writes resolve through both). */
export async function settle(rounds = 5): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise<void>((r) => setImmediate(r));
}

export class FakeClock implements Clock {
  private t: number;
  private seq = 0;
  private timers = new Map<number, Timer>();

  constructor(start = Date.parse('2025-01-01T00:00:00Z')) {
    this.t = start;
  }

  now(): number {
    return this.t;
  }

  after(ms: number, fn: () => void): TimerHandle {
    return this.add({ id: ++this.seq, due: this.t + Math.max(0, ms), fn });
  }

  every(ms: number, fn: () => void): TimerHandle {
    return this.add({ id: ++this.seq, due: this.t + Math.max(1, ms), every: Math.max(1, ms), fn });
  }

  /** Number of timers waiting. */
  pending(): number {
    return this.timers.size;
  }

  /** Moves time forward by `ms`, firing every timer that falls due on the way (in order) and settling after each. */
  async advance(ms: number): Promise<void> {
    const target = this.t + ms;
    await settle();
    for (;;) {
      const next = this.nextDue();
      if (!next || next.due > target) break;
      this.t = Math.max(this.t, next.due);
      if (next.every) next.due += next.every;
      else this.timers.delete(next.id);
      try {
        next.fn();
      } catch {
        // A failing timer must not stop time.
      }
      await settle();
    }
    this.t = target;
    await settle();
  }

  /** Advances in steps of `stepMs` until `cond` holds or `maxMs` of virtual time passed. */
  async advanceUntil(cond: () => boolean, maxMs: number, stepMs = 10): Promise<boolean> {
    for (let spent = 0; spent <= maxMs; spent += stepMs) {
      if (cond()) return true;
      await this.advance(stepMs);
    }
    return cond();
  }

  private add(t: Timer): TimerHandle {
    this.timers.set(t.id, t);
    return { cancel: () => this.timers.delete(t.id) };
  }

  private nextDue(): Timer | undefined {
    let best: Timer | undefined;
    for (const t of this.timers.values()) if (!best || t.due < best.due || (t.due === best.due && t.id < best.id)) best = t;
    return best;
  }
}
