// The scheduling queue on a virtual clock: priority order, backoff, waiting for cluster events, per-plugin moves,
// and the leftover flush.
import { describe, expect, it } from 'vitest';
import { SchedulingQueue } from '../../src/scheduler/queue.js';
import { FakeClock } from '../helpers/fake-clock.js';

describe('SchedulingQueue', () => {
  it('pops by priority, then arrival', async () => {
    const clock = new FakeClock();
    const q = new SchedulingQueue(clock);
    q.add('ns/low', 0);
    await clock.advance(1);
    q.add('ns/high', 100);
    await clock.advance(1);
    q.add('ns/low2', 0);
    expect([await q.pop(), await q.pop(), await q.pop()]).toEqual(['ns/high', 'ns/low', 'ns/low2']);
    q.close();
  });

  it('keeps that order over many pods, priority changes and deletions (activeQ is a heap)', async () => {
    const clock = new FakeClock();
    const q = new SchedulingQueue(clock);
    const want: { key: string; priority: number; since: number }[] = [];
    for (let i = 0; i < 500; i++) {
      const priority = (i * 7919) % 5;
      q.add(`ns/p${i}`, priority);
      want.push({ key: `ns/p${i}`, priority, since: i });
      if (i % 50 === 0) await clock.advance(1);
    }
    // A priority change re-orders a pod; deleted pods never come out.
    q.add('ns/p499', 100);
    want.find((w) => w.key === 'ns/p499')!.priority = 100;
    for (const k of ['ns/p1', 'ns/p2', 'ns/p3']) q.delete(k);
    const expected = want
      .filter((w) => !['ns/p1', 'ns/p2', 'ns/p3'].includes(w.key))
      .sort((a, b) => b.priority - a.priority || a.since - b.since)
      .map((w) => w.key);
    const got: string[] = [];
    for (let i = 0; i < expected.length; i++) got.push((await q.pop())!);
    expect(got).toEqual(expected);
    expect(q.where('ns/p1')).toBeUndefined();
    q.close();
  });

  it('resolves a waiting pop when a pod arrives, and undefined on close', async () => {
    const clock = new FakeClock();
    const q = new SchedulingQueue(clock);
    const next = q.pop();
    q.add('ns/p');
    expect(await next).toBe('ns/p');
    const never = q.pop();
    q.close();
    expect(await never).toBeUndefined();
  });

  it('keeps an unschedulable pod waiting until a cluster event, then backs off exponentially', async () => {
    const clock = new FakeClock();
    const q = new SchedulingQueue(clock, { initialBackoffMs: 1000, maxBackoffMs: 10_000 });
    q.add('ns/p');
    expect(await q.pop()).toBe('ns/p');
    q.unschedulableAttempt('ns/p', ['NodeResourcesFit']);
    expect(q.where('ns/p')).toBe('unschedulable');
    await clock.advance(60_000);
    expect(q.where('ns/p')).toBe('unschedulable');
    q.moveAll();
    expect(q.where('ns/p')).toBe('active'); // its 1 s backoff has long passed
    expect(await q.pop()).toBe('ns/p');
    q.unschedulableAttempt('ns/p', ['NodeResourcesFit']);
    q.moveAll(); // second failure: 2 s backoff still running
    expect(q.where('ns/p')).toBe('backoff');
    await clock.advance(1999);
    expect(q.where('ns/p')).toBe('backoff');
    await clock.advance(1);
    expect(q.where('ns/p')).toBe('active');
    expect(q.backoffMs(1)).toBe(1000);
    expect(q.backoffMs(3)).toBe(4000);
    expect(q.backoffMs(10)).toBe(10_000);
    q.close();
  });

  it('moves only pods an event can help when the event names plugins', async () => {
    const clock = new FakeClock();
    const q = new SchedulingQueue(clock);
    q.add('ns/cpu');
    q.add('ns/affinity');
    await q.pop();
    await q.pop();
    q.unschedulableAttempt('ns/cpu', ['NodeResourcesFit']);
    q.unschedulableAttempt('ns/affinity', ['InterPodAffinity']);
    await clock.advance(5000);
    q.moveAll(['InterPodAffinity', 'PodTopologySpread']);
    expect(q.where('ns/affinity')).toBe('active');
    expect(q.where('ns/cpu')).toBe('unschedulable');
    q.close();
  });

  it('retries after backoff when an event arrived during the attempt', async () => {
    const clock = new FakeClock();
    const q = new SchedulingQueue(clock, { initialBackoffMs: 1000 });
    q.add('ns/p');
    await q.pop();
    q.moveAll(); // e.g. a node was added while the pod was being scheduled
    q.unschedulableAttempt('ns/p', ['NodeResourcesFit']);
    expect(q.where('ns/p')).toBe('backoff');
    await clock.advance(1000);
    expect(q.where('ns/p')).toBe('active');
    q.close();
  });

  it('retries a pod updated while it was being scheduled, and errored attempts after backoff', async () => {
    const clock = new FakeClock();
    const q = new SchedulingQueue(clock);
    q.add('ns/p');
    await q.pop();
    q.add('ns/p'); // updated during the attempt
    q.unschedulableAttempt('ns/p');
    expect(q.where('ns/p')).toBe('backoff');
    await clock.advance(1000);
    await q.pop();
    q.errorAttempt('ns/p');
    expect(q.where('ns/p')).toBe('backoff');
    q.close();
  });

  it('flushes pods left unschedulable for 5 minutes', async () => {
    const clock = new FakeClock();
    const q = new SchedulingQueue(clock);
    q.add('ns/p');
    await q.pop();
    q.unschedulableAttempt('ns/p');
    await clock.advance(4 * 60_000);
    expect(q.where('ns/p')).toBe('unschedulable');
    await clock.advance(60_000 + 30_000);
    expect(q.where('ns/p')).toBe('active');
    q.close();
  });

  it('forgets deleted and done pods', async () => {
    const clock = new FakeClock();
    const q = new SchedulingQueue(clock);
    q.add('ns/a');
    q.add('ns/b');
    q.delete('ns/a');
    expect(await q.pop()).toBe('ns/b');
    q.done('ns/b');
    expect(q.has('ns/b')).toBe(false);
    expect(q.where('ns/a')).toBeUndefined();
    q.close();
  });
});
