// Creation/deletion expectations (upstream pkg/controller/controller_utils.go UIDTrackingControllerExpectations):
// after acting, a controller waits until its informer has observed the pods it created or deleted before it acts
// again for that key, so a stale cache never makes it create or delete twice. Entries expire (ExpectationsTimeout)
// so a lost event cannot wedge a key forever.
import type { Clock } from '../../clock.js';

const EXPECTATIONS_TIMEOUT_MS = 5 * 60_000;

interface Entry {
  adds: number;
  deletes: Set<string>;
  at: number;
}

export class Expectations {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly clock: Clock) {}

  /** SatisfiedExpectations: nothing outstanding, expired, or never set. */
  satisfied(key: string): boolean {
    const e = this.entries.get(key);
    if (!e) return true;
    if (e.adds <= 0 && e.deletes.size === 0) return true;
    return this.clock.now() - e.at > EXPECTATIONS_TIMEOUT_MS;
  }

  expectCreations(key: string, n: number): void {
    this.entries.set(key, { adds: n, deletes: new Set(), at: this.clock.now() });
  }

  /** SetExpectations with both sides at once (the DaemonSet controller creates and deletes in one pass). */
  expect(key: string, adds: number, podKeys: string[]): void {
    this.entries.set(key, { adds, deletes: new Set(podKeys), at: this.clock.now() });
  }

  expectDeletions(key: string, podKeys: string[]): void {
    this.entries.set(key, { adds: 0, deletes: new Set(podKeys), at: this.clock.now() });
  }

  creationObserved(key: string): void {
    const e = this.entries.get(key);
    if (e) e.adds--;
  }

  deletionObserved(key: string, podKey: string): void {
    this.entries.get(key)?.deletes.delete(podKey);
  }

  delete(key: string): void {
    this.entries.delete(key);
  }
}
