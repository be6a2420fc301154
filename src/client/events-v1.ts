// Recording events through the events.k8s.io/v1 API, as components built on client-go's tools/events do (the
// scheduler): an Event carries eventTime, reportingController/Instance and an action, no count and no source. A
// repeat of an isomorphic event (same type, action, reason, reporting component and object, whatever the note) does
// not create a new Event: the first repeat turns it into a series {count: 2, lastObservedTime} at once; later repeats
// are counted locally and written when the series is refreshed (every 30 minutes) or ends (6 minutes without a
// repeat), like upstream's eventBroadcasterImpl.
import { rfc3339Micro, type Clock, type TimerHandle } from '../clock.js';
import type { Obj } from '../registry/types.js';
import type { Client } from './client.js';
import { EventSink, SCHEDULER_EVENT_LIMIT, type EventRateLimit } from './event-sink.js';
import { nextEventSuffix, objectReference } from './events.js';

const FINISH_MS = 6 * 60_000;
const REFRESH_MS = 30 * 60_000;

interface Cached {
  name: string;
  namespace: string;
  eventTime: number;
  series?: { count: number; lastObservedTime: number };
  /** The series changed since it was last written. */
  dirty: boolean;
  written: Promise<unknown>;
}

export class EventsV1Recorder {
  private readonly cache = new Map<string, Cached>();
  private readonly timers: TimerHandle[];
  private readonly sink: EventSink;

  constructor(
    private readonly client: Client,
    private readonly clock: Clock,
    private readonly reportingController: string,
    private readonly reportingInstance: string,
    limit: EventRateLimit = SCHEDULER_EVENT_LIMIT,
  ) {
    this.sink = new EventSink(clock, limit, () => client.active);
    this.timers = [clock.every(FINISH_MS, () => this.finishSeries()), clock.every(REFRESH_MS, () => this.refreshSeries())];
  }

  stop(): void {
    for (const t of this.timers) t.cancel();
    this.sink.stop();
  }

  /** Records `note` about `regarding` (fire and forget, as upstream). */
  eventf(regarding: Obj, type: 'Normal' | 'Warning', reason: string, action: string, note: string): void {
    const ref = objectReference(regarding);
    const key = JSON.stringify([type, action, reason, this.reportingController, this.reportingInstance, ref]);
    const now = this.clock.now();
    const cached = this.cache.get(key);
    if (cached) {
      if (cached.series) {
        cached.series.count++;
        cached.series.lastObservedTime = now;
        cached.dirty = true;
        return;
      }
      cached.series = { count: 2, lastObservedTime: now };
      this.writeSeries(cached);
      return;
    }
    const namespace = ref.namespace || 'default';
    const name = `${ref.name}.${nextEventSuffix(this.clock).toString(16)}`;
    const body = { metadata: { name, namespace }, eventTime: rfc3339Micro(now), reportingController: this.reportingController, reportingInstance: this.reportingInstance, action, reason, regarding: ref, note, type };
    let done!: (v: unknown) => void;
    const written = new Promise((r) => (done = r));
    const queued = this.sink.submit(() => {
      const p = this.client.resource('events.k8s.io', 'v1', 'events').create(namespace, body);
      p.then(done, done);
      return p;
    });
    if (!queued) return;
    this.cache.set(key, { name, namespace, eventTime: now, dirty: false, written });
    if (this.cache.size > 4096) this.cache.delete(this.cache.keys().next().value!);
  }

  private writeSeries(c: Cached): void {
    const series = { count: c.series!.count, lastObservedTime: rfc3339Micro(c.series!.lastObservedTime) };
    c.dirty = false;
    const after = c.written;
    let done!: (v: unknown) => void;
    c.written = new Promise((r) => (done = r));
    const queued = this.sink.submit(() => {
      const p = after.then(() => this.client.resource('events.k8s.io', 'v1', 'events').patch(c.namespace, c.name, 'merge', { series }));
      p.then(done, done);
      return p;
    });
    if (!queued) c.written = after;
  }

  private finishSeries(): void {
    const cutoff = this.clock.now() - FINISH_MS;
    for (const [key, c] of this.cache) {
      if (c.series) {
        if (c.series.lastObservedTime >= cutoff) continue;
        if (c.dirty) this.writeSeries(c);
      } else if (c.eventTime >= cutoff) continue;
      this.cache.delete(key);
    }
  }

  private refreshSeries(): void {
    for (const c of this.cache.values()) if (c.series && c.dirty) this.writeSeries(c);
  }
}
