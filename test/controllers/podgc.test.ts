// The pod garbage collector's orphan sweep against a real in-memory store (no HTTP): pods bound to a node that is
// gone are marked Failed with a DisruptionTarget condition and force-deleted once the node has stayed missing for the
// 40 s quarantine; a node that comes back within the quarantine keeps its pods.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { podGCController, QUARANTINE_MS } from '../../src/controllers/podgc/controller.js';
import type { Obj } from '../../src/registry/types.js';
import { waitFor } from '../helpers/wait.js';
import { startHarness, type Harness } from './harness.js';

let h: Harness;
beforeEach(async () => {
  h = await startHarness([podGCController]);
});
afterEach(() => h.stop());

const node = (name: string) => h.client.nodes.create(undefined, { metadata: { name } });
const pod = (name: string, nodeName: string, phase = 'Running') =>
  h.client.pods
    .create('default', { metadata: { name }, spec: { nodeName, containers: [{ name: 'c', image: 'busybox' }] } })
    .then((p) => h.client.pods.updateStatus({ ...p, status: { phase } }));
const settle = async () => {
  for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
};

describe('podgc orphaned pods', () => {
  it('collects the pods of a deleted node after the quarantine, marking running ones Failed first', async () => {
    await node('gone');
    await node('stays');
    await pod('on-gone', 'gone');
    await pod('done-on-gone', 'gone', 'Succeeded');
    await pod('on-stays', 'stays');
    const marks: Obj[] = [];
    const list = h.client.pods.list('default');
    const w = h.client.pods.watch('default', Number(list.resourceVersion), (e) => {
      if (e.type === 'MODIFIED') marks.push(e.object);
    });
    try {
      await h.client.nodes.delete(undefined, 'gone');
      await settle();
      h.clock.advance(QUARANTINE_MS - 5_000);
      await settle();
      expect(h.client.pods.get('default', 'on-gone'), 'kept during the quarantine').toBeDefined();
      h.clock.advance(5_000);
      await waitFor('orphans deleted', () => !h.client.pods.get('default', 'on-gone') && !h.client.pods.get('default', 'done-on-gone'));
    } finally {
      w.stop();
    }
    expect(h.client.pods.get('default', 'on-stays')).toBeDefined();
    const failed = marks.find((p) => p.metadata.name === 'on-gone' && p.status?.phase === 'Failed')!;
    expect(failed.status.conditions).toContainEqual(expect.objectContaining({ type: 'DisruptionTarget', status: 'True', reason: 'DeletionByPodGC', message: 'PodGC: node no longer exists' }));
    // A pod that had finished keeps its phase: it is only deleted.
    expect(marks.some((p) => p.metadata.name === 'done-on-gone' && p.status?.phase === 'Failed')).toBe(false);
  });

  it('a node that comes back within the quarantine keeps its pods', async () => {
    await node('flaky');
    await pod('on-flaky', 'flaky');
    await h.client.nodes.delete(undefined, 'flaky');
    await settle();
    h.clock.advance(10_000);
    await node('flaky');
    await settle();
    h.clock.advance(QUARANTINE_MS);
    await settle();
    expect(h.client.pods.get('default', 'on-flaky')?.status.phase).toBe('Running');
  });

  it('a pod bound to a node that never existed is collected after the quarantine too', async () => {
    await pod('nowhere', 'no-such-node');
    await settle();
    h.clock.advance(QUARANTINE_MS - 1_000);
    await settle();
    expect(h.client.pods.get('default', 'nowhere')).toBeDefined();
    h.clock.advance(1_000);
    await waitFor('collected', () => !h.client.pods.get('default', 'nowhere'));
  });
});
