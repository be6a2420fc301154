// What client-go's record.EventCorrelator does to core/v1 events before they reach the API server
// (tools/record/events_cache.go), so that a controller creating 1,000 pods leaves the event trail a real one leaves:
//   - aggregation: once an object has had 10 events with the same source, type and reason but different messages
//     within 10 minutes, further ones become one "(combined from similar events): ..." event whose count grows;
//   - observation: an event identical to an earlier one (same key) updates that event's count and lastTimestamp;
//   - spam filter: each source+object may emit a burst of 25 events, then one per 5 minutes (a token bucket);
//     events over the limit are dropped.
import type { Clock } from '../clock.js';
import type { Obj } from '../registry/types.js';

const MAX_LRU_ENTRIES = 4096;
const AGGREGATE_MAX_EVENTS = 10;
const AGGREGATE_INTERVAL_MS = 600_000;
const SPAM_BURST = 25;
const SPAM_QPS = 1 / 300;
export const COMBINED_PREFIX = '(combined from similar events): ';

/** A Map bounded like the lru.Cache upstream uses (oldest entry dropped first). */
class Lru<V> {
  private readonly map = new Map<string, V>();
  constructor(private readonly max = MAX_LRU_ENTRIES) {}
  get(key: string): V | undefined {
    const v = this.map.get(key);
    if (v !== undefined) {
      this.map.delete(key);
      this.map.set(key, v);
    }
    return v;
  }
  set(key: string, v: V): void {
    this.map.delete(key);
    this.map.set(key, v);
    if (this.map.size > this.max) this.map.delete(this.map.keys().next().value!);
  }
}

/** The parts of a core/v1 Event the correlator looks at. */
export interface CorrelatedEvent {
  source: { component: string; host?: string };
  involvedObject: Obj;
  type: string;
  reason: string;
  message: string;
  reportingComponent?: string;
  reportingInstance?: string;
}

function objectKey(e: CorrelatedEvent): string {
  const io = e.involvedObject;
  return [e.source.component, e.source.host ?? '', io.kind ?? '', io.namespace ?? '', io.name ?? '', io.uid ?? '', io.apiVersion ?? ''].join('\u0000');
}

/** getEventKey: source, object (with fieldPath), type, reason, message. */
export function eventKey(e: CorrelatedEvent): string {
  return [objectKey(e), e.involvedObject.fieldPath ?? '', e.type, e.reason, e.message].join('\u0000');
}

export interface Correlation {
  /** Drop the event (the spam filter said no). */
  skip: boolean;
  /** The event to record: the original, or the aggregate that replaces it. */
  event: CorrelatedEvent;
  /** The key its count is kept under (repeats of a key update one Event object). */
  key: string;
}

export class EventCorrelator {
  private readonly aggregates = new Lru<{ messages: Set<string>; last: number }>();
  private readonly buckets = new Lru<{ tokens: number; at: number }>();

  constructor(private readonly clock: Clock) {}

  correlate(e: CorrelatedEvent): Correlation {
    const { event, key } = this.aggregate(e);
    return { skip: !this.allow(event), event, key };
  }

  /** EventAggregator.EventAggregate (keyed by EventAggregatorByReasonFunc). */
  private aggregate(e: CorrelatedEvent): { event: CorrelatedEvent; key: string } {
    const now = this.clock.now();
    const aggregateKey = [objectKey(e), e.type, e.reason, e.reportingComponent ?? '', e.reportingInstance ?? ''].join('\u0000');
    let record = this.aggregates.get(aggregateKey);
    if (!record || now - record.last > AGGREGATE_INTERVAL_MS) record = { messages: new Set(), last: now };
    record.messages.add(e.message);
    record.last = now;
    this.aggregates.set(aggregateKey, record);
    if (record.messages.size < AGGREGATE_MAX_EVENTS) return { event: e, key: eventKey(e) };
    // Keep the set below the limit (upstream PopAny), so every later distinct message aggregates too.
    record.messages.delete(record.messages.values().next().value!);
    // The aggregate carries only these fields upstream (no reporting component or instance).
    return {
      event: { source: e.source, involvedObject: e.involvedObject, type: e.type, reason: e.reason, message: COMBINED_PREFIX + e.message },
      key: aggregateKey,
    };
  }

  /** EventSourceObjectSpamFilter.Filter: a token bucket per source+object. */
  private allow(e: CorrelatedEvent): boolean {
    const now = this.clock.now();
    const key = objectKey(e);
    const b = this.buckets.get(key) ?? { tokens: SPAM_BURST, at: now };
    b.tokens = Math.min(SPAM_BURST, b.tokens + ((now - b.at) / 1000) * SPAM_QPS);
    b.at = now;
    const ok = b.tokens >= 1;
    if (ok) b.tokens -= 1;
    this.buckets.set(key, b);
    return ok;
  }
}
