// The ReplicaSet controller against a real in-memory store, with no scheduler or kubelet: the test plays the kubelet
// by writing pod status itself.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { replicaSetController, slowStartBatch } from '../../src/controllers/replicaset/controller.js';
import { podsToDelete } from '../../src/controllers/replicaset/pods.js';
import type { Obj } from '../../src/registry/types.js';
import { waitFor } from '../helpers/wait.js';
import { events, markReady, readyAll, startHarness, type Harness } from './harness.js';

function replicaSet(name: string, replicas: number, extra: Obj = {}): Obj {
  const labels = { app: name };
  return {
    metadata: { name },
    spec: {
      replicas,
      selector: { matchLabels: labels },
      template: { metadata: { labels: { ...labels, ...(extra.templateLabels ?? {}) } }, spec: { containers: [{ name: 'c', image: 'nginx:1.25' }] } },
      ...(extra.spec ?? {}),
    },
  };
}

let h: Harness;
beforeEach(async () => {
  h = await startHarness([replicaSetController]);
});
afterEach(async () => {
  await h.stop();
});

const ownedPods = (rs: Obj): Obj[] =>
  h.client.pods.list('default').items.filter((p) => (p.metadata.ownerReferences ?? []).some((r: Obj) => r.uid === rs.metadata.uid && r.controller));
const livePods = (rs: Obj): Obj[] => ownedPods(rs).filter((p) => !p.metadata.deletionTimestamp);
const getRS = (name: string): Obj => h.client.replicasets.get('default', name)!;

describe('ReplicaSet controller', () => {
  it('creates pods from the template with controllerRef, labels, generateName and events', async () => {
    const rs = await h.client.replicasets.create('default', replicaSet('web', 3));
    const pods = await waitFor('3 pods', () => ownedPods(rs).length === 3 && ownedPods(rs));
    for (const p of pods) {
      expect(p.metadata.name).toMatch(/^web-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
      expect(p.metadata.generateName).toBe('web-');
      expect(p.metadata.labels).toEqual({ app: 'web' });
      expect(p.metadata.ownerReferences).toEqual([{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web', uid: rs.metadata.uid, controller: true, blockOwnerDeletion: true }]);
      expect(p.spec.containers[0].image).toBe('nginx:1.25');
    }
    const st = await waitFor('status', () => getRS('web').status?.replicas === 3 && getRS('web').status);
    expect(st).toMatchObject({ replicas: 3, fullyLabeledReplicas: 3, observedGeneration: 1 });
    expect(st.readyReplicas).toBeUndefined();
    const created = await waitFor('events', () => events(h, 'SuccessfulCreate').length === 3 && events(h, 'SuccessfulCreate'));
    expect(created.map((e) => e.message).sort()).toEqual(pods.map((p) => `Created pod: ${p.metadata.name}`).sort());
    expect(created[0]).toMatchObject({ type: 'Normal', source: { component: 'replicaset-controller' }, involvedObject: { kind: 'ReplicaSet', name: 'web' } });
  });

  it('reports ready and available replicas, honouring minReadySeconds on the clock', async () => {
    const rs = await h.client.replicasets.create('default', replicaSet('web', 2, { spec: { minReadySeconds: 30 } }));
    await waitFor('2 pods', () => ownedPods(rs).length === 2);
    await readyAll(h);
    const st = await waitFor('ready', () => getRS('web').status?.readyReplicas === 2 && getRS('web').status);
    expect(st.availableReplicas).toBeUndefined();
    h.clock.advance(32_000);
    await waitFor('available after minReadySeconds', () => getRS('web').status?.availableReplicas === 2);
  });

  it('scales up and down, deleting not-ready pods before ready ones', async () => {
    const rs = await h.client.replicasets.create('default', replicaSet('web', 3));
    const pods = await waitFor('3 pods', () => ownedPods(rs).length === 3 && ownedPods(rs));
    await markReady(h, pods[1]);
    await h.client.replicasets.patch('default', 'web', 'merge', { spec: { replicas: 1 } });
    const left = await waitFor('1 pod', () => livePods(rs).length === 1 && livePods(rs));
    expect(left[0].metadata.name).toBe(pods[1].metadata.name);
    await waitFor('SuccessfulDelete events', () => events(h, 'SuccessfulDelete').length === 2);
    expect(events(h, 'SuccessfulDelete').map((e) => e.message).sort()).toEqual(
      [pods[0], pods[2]].map((p) => `Deleted pod: ${p.metadata.name}`).sort(),
    );
    await h.client.replicasets.patch('default', 'web', 'merge', { spec: { replicas: 4 } });
    await waitFor('4 pods', () => livePods(rs).length === 4);
    const st = await waitFor('status', () => getRS('web').status?.replicas === 4 && getRS('web').status);
    expect(st).toMatchObject({ replicas: 4, readyReplicas: 1, availableReplicas: 1, observedGeneration: 3 });
  });

  it('replaces a deleted pod', async () => {
    const rs = await h.client.replicasets.create('default', replicaSet('web', 2));
    const pods = await waitFor('2 pods', () => ownedPods(rs).length === 2 && ownedPods(rs));
    await h.client.pods.delete('default', pods[0].metadata.name);
    const now = await waitFor('replacement', () => {
      const p = livePods(rs);
      return p.length === 2 && !p.some((x) => x.metadata.name === pods[0].metadata.name) && p;
    });
    expect(now.map((p) => p.metadata.name)).toContain(pods[1].metadata.name);
  });

  it('does not count pods being deleted and replaces them', async () => {
    const rs = await h.client.replicasets.create('default', replicaSet('web', 2));
    const pods = await waitFor('2 pods', () => ownedPods(rs).length === 2 && ownedPods(rs));
    // A finalizer keeps the pod around with a deletionTimestamp, like a pod in graceful termination.
    await h.client.pods.patch('default', pods[0].metadata.name, 'merge', { metadata: { finalizers: ['test/hold'] } });
    await h.client.pods.delete('default', pods[0].metadata.name);
    await waitFor('replacement', () => livePods(rs).length === 2 && ownedPods(rs).length === 3);
    await waitFor('status ignores terminating pod', () => getRS('web').status?.replicas === 2);
    await h.client.pods.patch('default', pods[0].metadata.name, 'merge', { metadata: { finalizers: null } });
  });

  it('adopts matching orphans and releases pods that stop matching', async () => {
    const orphan = await h.client.pods.create('default', {
      metadata: { name: 'orphan', labels: { app: 'web' } },
      spec: { containers: [{ name: 'c', image: 'nginx:1.25' }] },
    });
    const rs = await h.client.replicasets.create('default', replicaSet('web', 2));
    await waitFor('2 owned pods', () => ownedPods(rs).length === 2);
    const adopted = h.client.pods.get('default', 'orphan')!;
    expect(adopted.metadata.uid).toBe(orphan.metadata.uid);
    expect(adopted.metadata.ownerReferences).toEqual([{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web', uid: rs.metadata.uid, controller: true, blockOwnerDeletion: true }]);
    // Relabel it out of the selector: released (ownerRef removed) and replaced.
    await h.client.pods.patch('default', 'orphan', 'merge', { metadata: { labels: { app: 'other' } } });
    await waitFor('released', () => !h.client.pods.get('default', 'orphan')!.metadata.ownerReferences);
    await waitFor('replaced', () => livePods(rs).length === 2 && !livePods(rs).some((p) => p.metadata.name === 'orphan'));
  });

  it('reports ReplicaFailure when creates fail and clears it once they succeed', async () => {
    // Pod labels are validated, ReplicaSet template labels are not: every create is refused with 422.
    await h.client.replicasets.create('default', replicaSet('web', 2, { templateLabels: { bad: 'not valid!' } }));
    const cond = await waitFor('ReplicaFailure', () => (getRS('web').status?.conditions ?? []).find((c: Obj) => c.type === 'ReplicaFailure'));
    expect(cond).toMatchObject({ status: 'True', reason: 'FailedCreate' });
    expect(cond.message).toContain('is invalid');
    const failed = await waitFor('FailedCreate event', () => events(h, 'FailedCreate')[0]);
    expect(failed.type).toBe('Warning');
    expect(failed.message).toMatch(/^Error creating: /);
    const rs = getRS('web');
    await h.client.replicasets.patch('default', 'web', 'merge', { spec: { template: { metadata: { labels: { bad: null } } } } });
    await waitFor('pods created', () => livePods(rs).length === 2);
    await waitFor('condition cleared', () => getRS('web').status?.replicas === 2 && !getRS('web').status?.conditions);
  });
});

describe('ReplicaSet helpers', () => {
  it('slowStartBatch runs batches of 1, 2, 4 ... and stops after the first failing batch', async () => {
    let calls = 0;
    const res = await slowStartBatch(10, 1, async () => {
      calls++;
      if (calls === 4) throw new Error('boom');
    });
    expect(calls).toBe(7);
    expect(res.successes).toBe(6);
    expect((res.error as Error).message).toBe('boom');
  });

  it('ranks pods for deletion like ActivePodsWithRanks', () => {
    const now = Date.parse('2024-01-01T01:00:00Z');
    const pod = (name: string, o: Obj = {}): Obj => ({
      metadata: { name, uid: name, creationTimestamp: o.created ?? '2024-01-01T00:00:00Z' },
      spec: { nodeName: o.node },
      status: { phase: o.phase ?? 'Running', conditions: o.ready ? [{ type: 'Ready', status: 'True', lastTransitionTime: '2024-01-01T00:00:00Z' }] : [] },
    });
    const pods = [
      pod('ready-old', { node: 'n1', ready: true }),
      pod('ready-new', { node: 'n1', ready: true, created: '2024-01-01T00:59:00Z' }),
      pod('running-not-ready', { node: 'n1' }),
      pod('pending', { node: 'n1', phase: 'Pending' }),
      pod('unscheduled', { phase: 'Pending' }),
    ];
    const order = podsToDelete(pods, pods, 4, now).map((p) => p.metadata.name);
    expect(order).toEqual(['unscheduled', 'pending', 'running-not-ready', 'ready-new']);
  });
});
