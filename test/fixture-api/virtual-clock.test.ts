// VirtualClock: time only moves on advance()/set(); due timers fire in time order (ties in scheduling order), timers
// scheduled by callbacks during an advance fire in the same advance when due, and async work started by a timer
// settles before the next one fires.
import { describe, expect, it } from 'vitest';
import { parseDuration, VirtualClock } from '../../src/clock.js';

const T0 = Date.parse('2025-01-01T00:00:00Z');

describe('parseDuration', () => {
  it('reads Go time.ParseDuration strings and plain milliseconds', () => {
    expect(parseDuration(250)).toBe(250);
    expect(parseDuration('0')).toBe(0);
    expect(parseDuration('300ms')).toBe(300);
    expect(parseDuration('40s')).toBe(40_000);
    expect(parseDuration('5m')).toBe(300_000);
    expect(parseDuration('1h30s')).toBe(3_630_000);
    expect(parseDuration('1h30m')).toBe(5_400_000);
    expect(parseDuration('1.5h')).toBe(5_400_000);
    expect(parseDuration('.5s')).toBe(500);
    expect(parseDuration('-2s')).toBe(-2000);
    expect(parseDuration('1500us')).toBe(1.5);
    expect(parseDuration('2µs')).toBe(0.002);
  });

  it('rejects what Go rejects', () => {
    for (const bad of ['', '5', 'm', '5 m', '1d', '1h 30m', 'abc', '5mm', '--1s']) expect(() => parseDuration(bad), bad).toThrow(RangeError);
    expect(() => parseDuration(Number.NaN)).toThrow(RangeError);
  });
});

describe('VirtualClock', () => {
  it('stands still until advanced; nothing fires on its own, not even 0 ms timers', async () => {
    const clock = new VirtualClock(T0);
    const fired: string[] = [];
    clock.after(0, () => fired.push('zero'));
    clock.after(10, () => fired.push('ten'));
    await new Promise((r) => setTimeout(r, 30));
    expect(clock.now()).toBe(T0);
    expect(fired).toEqual([]);
    expect(clock.pending()).toBe(2);
    await clock.advance(0);
    expect(fired).toEqual(['zero']);
    await clock.advance('10ms');
    expect(fired).toEqual(['zero', 'ten']);
    expect(clock.now()).toBe(T0 + 10);
    expect(clock.pending()).toBe(0);
  });

  it('fires in time order, equal times in scheduling order, and shows each callback its due time', async () => {
    const clock = new VirtualClock(T0);
    const fired: [string, number][] = [];
    const at = (name: string, ms: number) => clock.after(ms, () => fired.push([name, clock.now() - T0]));
    at('c', 300);
    at('a', 100);
    at('b1', 200);
    at('b2', 200);
    at('late', 5000);
    await clock.advance('1s');
    expect(fired).toEqual([
      ['a', 100],
      ['b1', 200],
      ['b2', 200],
      ['c', 300],
    ]);
    expect(clock.now()).toBe(T0 + 1000);
    expect(clock.nextDue()).toBe(T0 + 5000);
  });

  it('fires timers that callbacks schedule during the advance, when they fall due within it', async () => {
    const clock = new VirtualClock(T0);
    const fired: number[] = [];
    const chain = (n: number) => {
      fired.push(clock.now() - T0);
      if (n > 0) clock.after(100, () => chain(n - 1));
    };
    clock.after(100, () => chain(10));
    await clock.advance(550);
    expect(fired).toEqual([100, 200, 300, 400, 500]);
    await clock.advance(10_000);
    expect(fired).toEqual([100, 200, 300, 400, 500, 600, 700, 800, 900, 1000, 1100]);
  });

  it('every() repeats until cancelled, also from its own callback', async () => {
    const clock = new VirtualClock(T0);
    const ticks: number[] = [];
    const h = clock.every(10_000, () => {
      ticks.push(clock.now() - T0);
      if (ticks.length === 4) h.cancel();
    });
    const other: number[] = [];
    const o = clock.every(25_000, () => other.push(clock.now() - T0));
    await clock.advance('1m');
    expect(ticks).toEqual([10_000, 20_000, 30_000, 40_000]);
    expect(other).toEqual([25_000, 50_000]);
    o.cancel();
    expect(clock.pending()).toBe(0);
    await clock.advance('1h');
    expect(other).toEqual([25_000, 50_000]);
  });

  it('cancel() before the due time prevents the firing', async () => {
    const clock = new VirtualClock(T0);
    let fired = false;
    clock.after(1000, () => clock.after(0, () => undefined)).cancel();
    const h = clock.after(500, () => (fired = true));
    h.cancel();
    h.cancel();
    await clock.advance('2s');
    expect(fired).toBe(false);
    expect(clock.pending()).toBe(0);
  });

  it('lets async work started by a timer finish before the next timer fires', async () => {
    const clock = new VirtualClock(T0);
    const log: string[] = [];
    clock.after(100, () => {
      void (async () => {
        log.push('first: start');
        await Promise.resolve();
        await new Promise((r) => setImmediate(r));
        await Promise.resolve();
        log.push('first: done');
        // Work that schedules more work: a retry after a backoff, as a controller would.
        clock.after(50, () => log.push(`retry at ${clock.now() - T0}`));
      })();
    });
    clock.after(120, () => log.push('second'));
    await clock.advance('1s');
    expect(log).toEqual(['first: start', 'first: done', 'second', 'retry at 150']);
  });

  it('waits for registered quiescers (e.g. a store persisting writes) between timers', async () => {
    const clock = new VirtualClock(T0);
    let inflight: Promise<void> | undefined;
    const remove = clock.addQuiescer(async () => {
      if (!inflight) return false;
      await inflight;
      inflight = undefined;
      return true;
    });
    const log: string[] = [];
    clock.after(10, () => {
      // "Real I/O" in flight for 20 ms of real time, far longer than a few event-loop turns.
      inflight = new Promise((r) => setTimeout(r, 20)).then(() => void log.push('write persisted'));
    });
    clock.after(20, () => log.push('next timer'));
    await clock.advance(100);
    expect(log).toEqual(['write persisted', 'next timer']);
    remove();
  });

  it('serialises overlapping advance() calls and keeps going when a callback throws', async () => {
    const clock = new VirtualClock(T0);
    const seen: number[] = [];
    clock.after(10, () => {
      throw new Error('broken timer');
    });
    clock.every(100, () => seen.push(clock.now() - T0));
    await Promise.all([clock.advance(250), clock.advance(100)]);
    expect(clock.now()).toBe(T0 + 350);
    expect(seen).toEqual([100, 200, 300]);
    await expect(clock.advance(-1)).rejects.toThrow(RangeError);
    await expect(clock.advance('soon')).rejects.toThrow(RangeError);
  });

  it('set() steps the clock: what is due fires once at the new time, periodic timers skip missed ticks', async () => {
    const clock = new VirtualClock(T0);
    const ticks: number[] = [];
    const once: number[] = [];
    clock.every(10_000, () => ticks.push(clock.now() - T0));
    clock.after(25_000, () => once.push(clock.now() - T0));
    await clock.set(T0 + 365 * 86_400_000); // a year later, instantly
    expect(ticks).toEqual([365 * 86_400_000]);
    expect(once).toEqual([365 * 86_400_000]);
    await clock.advance('25s');
    expect(ticks).toEqual([365 * 86_400_000, 365 * 86_400_000 + 10_000, 365 * 86_400_000 + 20_000]);
  });

  it('set() forward fires what falls due, backward fires nothing', async () => {
    const clock = new VirtualClock(new Date(T0));
    const fired: number[] = [];
    clock.after(60_000, () => fired.push(clock.now()));
    await clock.set(new Date(T0 + 120_000));
    expect(fired).toEqual([T0 + 120_000]); // at the new time: the clock was stepped, time did not pass
    expect(clock.now()).toBe(T0 + 120_000);
    clock.after(1000, () => fired.push(clock.now()));
    await clock.set('2024-12-31T23:00:00Z');
    expect(clock.now()).toBe(T0 - 3_600_000);
    expect(fired).toHaveLength(1);
    await clock.advance('1h');
    expect(fired).toHaveLength(1); // still before its due time (T0 + 121 s)
    await clock.advance('121s');
    expect(fired).toEqual([T0 + 120_000, T0 + 121_000]);
  });

  it('advanceUntil() steps until a condition holds, within a bound', async () => {
    const clock = new VirtualClock(T0);
    let ready = false;
    clock.after(45_000, () => (ready = true));
    expect(await clock.advanceUntil(() => ready, '1m', '1s')).toBe(true);
    expect(clock.now()).toBe(T0 + 45_000);
    expect(await clock.advanceUntil(() => false, '10s', '1s')).toBe(false);
    expect(clock.now()).toBe(T0 + 55_000);
  });
});
