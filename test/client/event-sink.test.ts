// The event sink's client-side rate limit on a virtual clock: a burst goes out at once, the rest at the component's
// QPS, the backlog is bounded (newer events dropped), and a stopped component's backlog never lands.
import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../src/clock.js';
import { EventSink, KUBELET_EVENT_LIMIT } from '../../src/client/event-sink.js';

function recorder() {
  const sent: number[] = [];
  return { sent, write: (i: number) => () => (sent.push(i), Promise.resolve()) };
}

describe('EventSink', () => {
  it('sends the burst at once, then qps per second, in order', async () => {
    const clock = new VirtualClock(0);
    const sink = new EventSink(clock, KUBELET_EVENT_LIMIT);
    const r = recorder();
    for (let i = 0; i < 250; i++) sink.submit(r.write(i));
    expect(r.sent).toHaveLength(100);
    expect(sink.backlog).toBe(150);
    await clock.advance(1000);
    expect(r.sent).toHaveLength(150);
    await clock.advance(2000);
    expect(r.sent).toEqual(Array.from({ length: 250 }, (_, i) => i));
    // The bucket refilled meanwhile only up to the burst.
    await clock.advance(60_000);
    for (let i = 0; i < 101; i++) sink.submit(r.write(1000 + i));
    expect(r.sent).toHaveLength(350);
  });

  it('drops what does not fit the backlog', () => {
    const clock = new VirtualClock(0);
    const sink = new EventSink(clock, { qps: 1, burst: 1 }, () => true, 3);
    const r = recorder();
    const accepted = Array.from({ length: 6 }, (_, i) => sink.submit(r.write(i)));
    expect(accepted).toEqual([true, true, true, true, false, false]);
    expect(sink.dropped).toBe(2);
  });

  it('a component that stopped leaves nothing behind', async () => {
    const clock = new VirtualClock(0);
    let alive = true;
    const sink = new EventSink(clock, { qps: 10, burst: 1 }, () => alive);
    const r = recorder();
    for (let i = 0; i < 5; i++) sink.submit(r.write(i));
    expect(r.sent).toEqual([0]);
    alive = false;
    await clock.advance(10_000);
    expect(r.sent).toEqual([0]);
    expect(sink.submit(r.write(9))).toBe(false);
  });
});
