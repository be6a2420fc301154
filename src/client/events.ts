// Recording core/v1 Events the way upstream components do (client-go record.EventRecorder): one Event per
// (object, reason, message) with a count that grows on repeats, named <object>.<unique suffix>.
import { rfc3339 } from '../clock.js';
import type { Clock } from '../clock.js';
import type { Obj } from '../registry/types.js';
import type { Client } from './client.js';

export interface EventSource {
  component: string;
  host?: string;
}

/** The last suffix per cluster clock: clusters in one process stay independent (one clock per cluster). */
const lastSuffixes = new WeakMap<Clock, number>();

/** Upstream names events `<object>.<UnixNano hex>`: increasing, so name order is creation order even for events
 * recorded within one millisecond (a kubelet's Pulling/Pulled/Created/Started). Microseconds plus a random start
 * keep names apart across processes sharing a store; the max() keeps them increasing within this one. */
function nextEventSuffix(clock: Clock): number {
  const suffix = Math.max(clock.now() * 1000 + Math.floor(Math.random() * 100), (lastSuffixes.get(clock) ?? 0) + 1);
  lastSuffixes.set(clock, suffix);
  return suffix;
}

export class EventRecorder {
  private readonly seen = new Map<string, { name: string; namespace: string; count: number }>();

  constructor(
    private readonly client: Client,
    private readonly clock: Clock,
    private readonly source: EventSource,
  ) {}

  /** Records an event about `obj` (fire and forget: event failures never break the caller, as upstream). */
  event(obj: Obj, type: 'Normal' | 'Warning', reason: string, message: string, fieldPath?: string): void {
    void this.record(obj, type, reason, message, fieldPath).catch(() => undefined);
  }

  private async record(obj: Obj, type: string, reason: string, message: string, fieldPath?: string): Promise<void> {
    const m = obj.metadata ?? {};
    const namespace = m.namespace || 'default';
    const now = rfc3339(this.clock.now());
    const key = `${m.uid}|${fieldPath ?? ''}|${type}|${reason}|${message}`;
    const events = this.client.events;
    const prior = this.seen.get(key);
    if (prior) {
      prior.count++;
      const updated = await events
        .patch(prior.namespace, prior.name, 'merge', { count: prior.count, lastTimestamp: now })
        .catch(() => undefined);
      if (updated) return;
    }
    const name = `${m.name}.${nextEventSuffix(this.clock).toString(16)}`;
    const involvedObject: Obj = { kind: obj.kind, namespace: m.namespace, name: m.name, uid: m.uid, apiVersion: obj.apiVersion, resourceVersion: m.resourceVersion };
    if (fieldPath) involvedObject.fieldPath = fieldPath;
    await events.create(namespace, {
      metadata: { name, namespace },
      involvedObject,
      reason,
      message,
      source: this.source,
      firstTimestamp: now,
      lastTimestamp: now,
      count: 1,
      type,
      eventTime: null,
      reportingComponent: this.source.component,
      reportingInstance: this.source.host ?? '',
    });
    this.seen.set(key, { name, namespace, count: 1 });
    if (this.seen.size > 10_000) this.seen.delete(this.seen.keys().next().value!);
  }
}
