// Recording core/v1 Events the way upstream components do (client-go record.EventRecorder): each event goes through
// the correlator (aggregation of similar events, the per-object spam filter; see event-correlator.ts), then either
// creates an Event named <object>.<unique suffix> or, for a repeat, bumps the count of the Event recorded before.
import { rfc3339 } from '../clock.js';
import type { Clock } from '../clock.js';
import type { Obj } from '../registry/types.js';
import type { Client } from './client.js';
import { EventCorrelator, type CorrelatedEvent } from './event-correlator.js';
import { CONTROLLER_EVENT_LIMIT, EventSink, KUBELET_EVENT_LIMIT, type EventRateLimit } from './event-sink.js';

export interface EventSource {
  component: string;
  host?: string;
}

/** The last suffix per cluster clock: clusters in one process stay independent (one clock per cluster). */
const lastSuffixes = new WeakMap<Clock, number>();

/** Upstream names events `<object>.<UnixNano hex>`: increasing, so name order is creation order even for events
 * recorded within one millisecond (a kubelet's Pulling/Pulled/Created/Started). Microseconds plus a random start
 * keep names apart across processes sharing a store; the max() keeps them increasing within this one. */
export function nextEventSuffix(clock: Clock): number {
  const suffix = Math.max(clock.now() * 1000 + Math.floor(Math.random() * 100), (lastSuffixes.get(clock) ?? 0) + 1);
  lastSuffixes.set(clock, suffix);
  return suffix;
}

/** An object reference to `obj` (upstream reference.GetReference), with the optional field path. */
export function objectReference(obj: Obj, fieldPath?: string): Obj {
  const m = obj.metadata ?? {};
  const ref: Obj = { kind: obj.kind, namespace: m.namespace, name: m.name, uid: m.uid, apiVersion: obj.apiVersion, resourceVersion: m.resourceVersion };
  if (fieldPath) ref.fieldPath = fieldPath;
  return ref;
}

interface Observed {
  name: string;
  namespace: string;
  count: number;
  firstTimestamp: string;
  /** The last write for this event: later writes wait for it (a count patch must not overtake the create). */
  written: Promise<unknown>;
}

export class EventRecorder {
  /** The event logger's cache (upstream eventLogger): key → the Event recorded for it and its count. */
  private readonly seen = new Map<string, Observed>();
  private readonly correlator: EventCorrelator;
  private readonly sink: EventSink;

  /** `limit`: the rate the component's API client allows (defaults: the kubelet's for `kubelet`, else the
   * controller-manager's; see event-sink.ts). */
  constructor(
    private readonly client: Client,
    private readonly clock: Clock,
    private readonly source: EventSource,
    limit?: EventRateLimit,
  ) {
    this.correlator = new EventCorrelator(clock);
    this.sink = new EventSink(clock, limit ?? (source.component === 'kubelet' ? KUBELET_EVENT_LIMIT : CONTROLLER_EVENT_LIMIT), () => client.active);
  }

  /** Records an event about `obj` (fire and forget: event failures never break the caller, as upstream). */
  event(obj: Obj, type: 'Normal' | 'Warning', reason: string, message: string, fieldPath?: string): void {
    const input: CorrelatedEvent = {
      source: this.source,
      involvedObject: objectReference(obj, fieldPath),
      type,
      reason,
      message,
      reportingComponent: this.source.component,
      reportingInstance: this.source.host ?? '',
    };
    const { skip, event, key } = this.correlator.correlate(input);
    const now = rfc3339(this.clock.now());
    const namespace = obj.metadata?.namespace || 'default';
    // The count is kept even for events the spam filter drops (upstream observes before it filters).
    const prior = this.seen.get(key);
    if (prior) prior.count++;
    if (skip) return;
    if (prior) {
      const count = prior.count;
      const after = prior.written;
      let done!: (v: unknown) => void;
      prior.written = new Promise((r) => (done = r));
      const queued = this.sink.submit(() => {
        const write = after.then(() => this.client.events.patch(prior.namespace, prior.name, 'merge', { count, lastTimestamp: now, message: event.message }));
        // Gone meanwhile (deleted, or its namespace was): record it afresh.
        const settled = write.catch(() => this.create(key, event, namespace, now, count));
        settled.then(done, done);
        return settled;
      });
      if (!queued) prior.written = after;
      return;
    }
    this.create(key, event, namespace, now, 1);
  }

  private create(key: string, e: CorrelatedEvent, namespace: string, now: string, count: number): void {
    const name = `${e.involvedObject.name}.${nextEventSuffix(this.clock).toString(16)}`;
    const body: Obj = {
      metadata: { name, namespace },
      involvedObject: e.involvedObject,
      reason: e.reason,
      message: e.message,
      source: e.source,
      firstTimestamp: now,
      lastTimestamp: now,
      count,
      type: e.type,
      eventTime: null,
    };
    if (e.reportingComponent !== undefined) {
      body.reportingComponent = e.reportingComponent;
      body.reportingInstance = e.reportingInstance ?? '';
    }
    let done!: (v: unknown) => void;
    const written = new Promise((r) => (done = r));
    const queued = this.sink.submit(() => {
      const p = this.client.events.create(namespace, body);
      p.then(done, done);
      return p;
    });
    if (!queued) return;
    this.seen.set(key, { name, namespace, count, firstTimestamp: now, written });
    if (this.seen.size > 4096) this.seen.delete(this.seen.keys().next().value!);
  }
}
