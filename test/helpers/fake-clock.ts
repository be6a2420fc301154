// The virtual clock of the tests: src/clock.ts's VirtualClock, started at a fixed date so timestamps in assertions
// and snapshots do not depend on when the suite runs. Time only moves when the test calls advance(), which fires due
// timers in time order and lets the promise chains they start (store writes, watch deliveries) settle between timers.
import { VirtualClock } from '../../src/clock.js';

export class FakeClock extends VirtualClock {
  constructor(start = Date.parse('2025-01-01T00:00:00Z')) {
    super(start);
  }
}

/** Lets pending microtasks and I/O callbacks run (store writes resolve through both). */
export async function settle(rounds = 5): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise<void>((r) => setImmediate(r));
}
