// The kubelet's crash-loop back-off: the first restart at once, then 10 s doubling to the 5 min cap, reset once a
// container ran for 10 minutes; and the "back-off 1m20s" durations of the CrashLoopBackOff message.
import { describe, expect, it } from 'vitest';
import { backoffBeforeRestart, CrashLoopBackoff, goSeconds } from '../../src/nodes/backoff.js';

/** Waits before each restart of a container that exits `runMs` after every start. */
function schedule(restarts: number, runMs: number): number[] {
  const b = new CrashLoopBackoff();
  const waits: number[] = [];
  let t = 0;
  for (let i = 0; i < restarts; i++) {
    t += runMs; // runs, then exits
    const exitedAt = t;
    // The kubelet looks at the exit a moment later (its relist) and restarts now, or when the back-off is over.
    const now = exitedAt + 1000;
    let start = now;
    if (b.inBackOffSince('pod/c', exitedAt, now)) start = exitedAt + b.get('pod/c');
    b.next('pod/c', exitedAt);
    waits.push(start - exitedAt);
    t = start;
  }
  return waits;
}

describe('crash-loop back-off', () => {
  it('restarts at once the first time, then waits 10 s doubling up to 5 min', () => {
    expect(schedule(9, 1000)).toEqual([1000, 10_000, 20_000, 40_000, 80_000, 160_000, 300_000, 300_000, 300_000]);
    expect([1, 2, 3, 4, 5, 6, 7, 8].map((n) => backoffBeforeRestart(n))).toEqual([0, 10_000, 20_000, 40_000, 80_000, 160_000, 300_000, 300_000]);
  });

  it('starts over once the container ran for more than 10 minutes since the last exit', () => {
    const b = new CrashLoopBackoff();
    b.next('k', 0);
    b.next('k', 20_000);
    b.next('k', 50_000);
    expect(b.get('k')).toBe(40_000);
    // Exits 10 min + 1 s after the last one: not in back-off, and the next wait is 10 s again.
    const late = 50_000 + 601_000;
    expect(b.inBackOffSince('k', late, late + 1000)).toBe(false);
    b.next('k', late);
    expect(b.get('k')).toBe(10_000);
    // Within 10 minutes it keeps doubling.
    expect(b.inBackOffSince('k', late + 60_000, late + 61_000)).toBe(true);
  });

  it('moves on once per exit (a retried status write does not double it) and forgets a deleted pod', () => {
    const b = new CrashLoopBackoff();
    b.next('uid1/a', 0);
    b.next('uid1/a', 5000);
    b.next('uid1/a', 5000);
    expect(b.get('uid1/a')).toBe(20_000);
    b.next('uid2/a', 0);
    b.forget('uid1/');
    expect(b.get('uid1/a')).toBe(0);
    expect(b.get('uid2/a')).toBe(10_000);
  });

  it('prints durations like Go', () => {
    expect([10_000, 20_000, 40_000, 80_000, 160_000, 300_000].map(goSeconds)).toEqual(['10s', '20s', '40s', '1m20s', '2m40s', '5m0s']);
  });
});
