// The event recorders against a real in-memory store (no HTTP): client-go's correlator (aggregation, counting of
// repeats, the per-object spam filter) for core/v1 events, and the events.k8s.io/v1 recorder's series.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EventRecorder } from '../../src/client/events.js';
import { EventsV1Recorder } from '../../src/client/events-v1.js';
import type { Obj } from '../../src/registry/types.js';
import { startHarness, type Harness } from '../controllers/harness.js';
import { waitFor } from '../helpers/wait.js';

let h: Harness;
beforeEach(async () => {
  h = await startHarness([]);
});
afterEach(() => h.stop());

const rs: Obj = { apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'web-abc', namespace: 'default', uid: 'rs-uid', resourceVersion: '7' } };
const events = () => h.client.events.list('default').items;
const settle = async () => {
  for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
};

describe('EventRecorder (core/v1, client-go record)', () => {
  it('records an event with the upstream fields', async () => {
    const r = new EventRecorder(h.client, h.clock, { component: 'replicaset-controller' });
    r.event(rs, 'Normal', 'SuccessfulCreate', 'Created pod: web-abc-x1');
    const [e] = await waitFor('event', () => events().length === 1 && events());
    expect(e!.metadata.name).toMatch(/^web-abc\.[0-9a-f]+$/);
    expect(e).toMatchObject({
      involvedObject: { kind: 'ReplicaSet', namespace: 'default', name: 'web-abc', uid: 'rs-uid', apiVersion: 'apps/v1', resourceVersion: '7' },
      reason: 'SuccessfulCreate',
      message: 'Created pod: web-abc-x1',
      source: { component: 'replicaset-controller' },
      count: 1,
      type: 'Normal',
      eventTime: null,
      reportingComponent: 'replicaset-controller',
      reportingInstance: '',
    });
    expect(e!.firstTimestamp).toBe(e!.lastTimestamp);
  });

  it('a repeated event bumps the count of the one Event', async () => {
    const r = new EventRecorder(h.client, h.clock, { component: 'kubelet', host: 'node01' });
    for (let i = 0; i < 4; i++) r.event(rs, 'Warning', 'BackOff', 'Back-off restarting failed container');
    await settle();
    await waitFor('count 4', () => events()[0]?.count === 4);
    expect(events()).toHaveLength(1);
  });

  it('aggregates similar events after 10: nine single ones, then one combined event that counts', async () => {
    const r = new EventRecorder(h.client, h.clock, { component: 'replicaset-controller' });
    for (let i = 0; i < 12; i++) r.event(rs, 'Normal', 'SuccessfulCreate', `Created pod: web-abc-${i}`);
    await settle();
    await waitFor('combined count 3', () => events().find((e) => e.message.startsWith('(combined'))?.count === 3);
    const all = events();
    expect(all).toHaveLength(10);
    const combined = all.find((e) => e.message.startsWith('(combined'))!;
    expect(combined.message).toBe('(combined from similar events): Created pod: web-abc-11');
    expect(all.filter((e) => e !== combined).map((e) => e.message).sort()).toEqual(Array.from({ length: 9 }, (_, i) => `Created pod: web-abc-${i}`).sort());
  });

  it('the spam filter lets 25 events per source and object through, then one per 5 minutes', async () => {
    const r = new EventRecorder(h.client, h.clock, { component: 'test' });
    // Distinct reasons: no aggregation, only the spam filter limits them.
    for (let i = 0; i < 30; i++) r.event(rs, 'Normal', `Reason${i}`, 'm');
    await settle();
    await waitFor('25 events', () => events().length === 25);
    r.event(rs, 'Normal', 'Late', 'm');
    await settle();
    expect(events()).toHaveLength(25);
    h.clock.advance(300_000);
    r.event(rs, 'Normal', 'Later', 'm');
    await waitFor('one more after 5 minutes', () => events().some((e) => e.reason === 'Later'));
    // Another object has its own budget.
    r.event({ ...rs, metadata: { ...rs.metadata, name: 'other', uid: 'other-uid' } }, 'Normal', 'Reason0', 'm');
    await waitFor('other object', () => events().some((e) => e.involvedObject.name === 'other'));
  });
});

describe('EventsV1Recorder (events.k8s.io/v1, client-go tools/events)', () => {
  const pod: Obj = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'big', namespace: 'default', uid: 'pod-uid', resourceVersion: '3' } };
  const v1 = () => h.client.resource('events.k8s.io', 'v1', 'events').list('default').items;

  it('creates a new-style event, then a series on repeats, written at once for the first repeat and when it ends', async () => {
    const r = new EventsV1Recorder(h.client, h.clock, 'default-scheduler', 'default-scheduler-master');
    try {
      r.eventf(pod, 'Warning', 'FailedScheduling', 'Scheduling', '0/2 nodes are available: 2 Insufficient cpu.');
      const [e] = await waitFor('event', () => v1().length === 1 && v1());
      expect(e).toMatchObject({
        apiVersion: 'events.k8s.io/v1',
        reportingController: 'default-scheduler',
        reportingInstance: 'default-scheduler-master',
        action: 'Scheduling',
        reason: 'FailedScheduling',
        note: '0/2 nodes are available: 2 Insufficient cpu.',
        type: 'Warning',
        regarding: { kind: 'Pod', name: 'big', uid: 'pod-uid' },
      });
      expect(e!.eventTime).toMatch(/\.\d{6}Z$/);
      expect(e!.series).toBeUndefined();
      // The note is not part of the identity: a different message continues the series.
      r.eventf(pod, 'Warning', 'FailedScheduling', 'Scheduling', '0/3 nodes are available: 3 Insufficient cpu.');
      await waitFor('series 2', () => v1()[0]?.series?.count === 2);
      r.eventf(pod, 'Warning', 'FailedScheduling', 'Scheduling', 'x');
      r.eventf(pod, 'Warning', 'FailedScheduling', 'Scheduling', 'y');
      await settle();
      expect(v1()[0]!.series.count).toBe(2); // counted locally until the series is refreshed or ends
      expect(v1()).toHaveLength(1);
      expect(v1()[0]!.note).toBe('0/2 nodes are available: 2 Insufficient cpu.');
      h.clock.advance(6 * 60_000);
      h.clock.advance(6 * 60_000);
      await waitFor('final count', () => v1()[0]?.series?.count === 4);
      // The series ended: the next occurrence is a new event.
      r.eventf(pod, 'Warning', 'FailedScheduling', 'Scheduling', 'again');
      await waitFor('new event', () => v1().length === 2);
    } finally {
      r.stop();
    }
  });
});
