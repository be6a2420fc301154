// The DaemonSet controller against a real in-memory store, with no scheduler or kubelet: daemon pods stay
// unscheduled but pinned to their node by affinity, and the test marks them ready itself.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { daemonSetController } from '../../src/controllers/daemonset/controller.js';
import { podGCController } from '../../src/controllers/podgc/controller.js';
import { computeHash } from '../../src/controllers/deployment/hash.js';
import { defaultDaemonSet } from '../../src/registry/defaults/workloads.js';
import type { Obj } from '../../src/registry/types.js';
import { waitFor } from '../helpers/wait.js';
import { events, isReady, markReady, startHarness, type Harness } from './harness.js';

function daemonSet(name: string, spec: Obj = {}, podSpec: Obj = {}): Obj {
  const labels = { app: name };
  return {
    metadata: { name },
    spec: { selector: { matchLabels: labels }, template: { metadata: { labels }, spec: { containers: [{ name: 'c', image: 'agent:1' }], ...podSpec } }, ...spec },
  };
}

function node(name: string, labels: Obj = {}, taints?: Obj[]): Obj {
  return { metadata: { name, labels: { 'kubernetes.io/hostname': name, 'kubernetes.io/os': 'linux', ...labels } }, spec: taints ? { taints } : {} };
}

let h: Harness;
beforeEach(async () => {
  h = await startHarness([daemonSetController, podGCController]);
});
afterEach(async () => {
  await h.stop();
});

const dsClient = () => h.client.resource('apps', 'v1', 'daemonsets');
const getDS = (name: string): Obj => dsClient().get('default', name)!;
const live = (): Obj[] => h.client.pods.list('default').items.filter((p) => !p.metadata.deletionTimestamp);
const target = (p: Obj): string => p.spec.nodeName ?? p.spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms?.[0]?.matchFields?.[0]?.values?.[0];
const podNodes = (): string[] => live().map(target).sort();
const hashOf = (p: Obj): string => p.metadata.labels['controller-revision-hash'];
const addNodes = async (...nodes: Obj[]) => {
  for (const n of nodes) await h.client.nodes.create(undefined, n);
};
async function readyAllPods(): Promise<void> {
  for (const p of live()) if (!isReady(p)) await markReady(h, p);
}

describe('placement', () => {
  it('runs one pinned pod per node, with the daemon tolerations, revision labels and events', async () => {
    await addNodes(node('node-a'), node('node-b'), node('node-c'));
    const ds = await dsClient().create('default', daemonSet('agent'));
    expect(ds.metadata.annotations).toEqual({ 'deprecated.daemonset.template.generation': '1' });
    await waitFor('3 pods', () => podNodes().join() === 'node-a,node-b,node-c');
    const p = live().find((x) => target(x) === 'node-b')!;
    expect(p.metadata.generateName).toBe('agent-');
    expect(p.metadata.ownerReferences).toEqual([{ apiVersion: 'apps/v1', kind: 'DaemonSet', name: 'agent', uid: ds.metadata.uid, controller: true, blockOwnerDeletion: true }]);
    expect(p.metadata.labels).toEqual({ app: 'agent', 'pod-template-generation': '1', 'controller-revision-hash': computeHash(ds.spec.template) });
    expect(p.spec.nodeName).toBeUndefined();
    expect(p.spec.affinity).toEqual({ nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['node-b'] }] }] } } });
    expect(p.spec.tolerations).toEqual([
      { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute' },
      { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute' },
      { key: 'node.kubernetes.io/disk-pressure', operator: 'Exists', effect: 'NoSchedule' },
      { key: 'node.kubernetes.io/memory-pressure', operator: 'Exists', effect: 'NoSchedule' },
      { key: 'node.kubernetes.io/pid-pressure', operator: 'Exists', effect: 'NoSchedule' },
      { key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoSchedule' },
    ]);
    await waitFor('events', () => events(h, 'SuccessfulCreate').length === 3);
    expect(events(h, 'SuccessfulCreate').map((e) => e.message).sort()).toEqual(live().map((x) => `Created pod: ${x.metadata.name}`).sort());
    let st = await waitFor('status', () => getDS('agent').status?.currentNumberScheduled === 3 && getDS('agent').status);
    expect(st).toMatchObject({ desiredNumberScheduled: 3, currentNumberScheduled: 3, numberReady: 0, numberMisscheduled: 0, updatedNumberScheduled: 3, numberUnavailable: 3, observedGeneration: 1 });
    await readyAllPods();
    st = await waitFor('ready', () => getDS('agent').status?.numberAvailable === 3 && getDS('agent').status);
    expect(st.numberReady).toBe(3);
    expect(st.numberUnavailable).toBeUndefined();
    const revs = h.client.resource('apps', 'v1', 'controllerrevisions').list('default').items;
    expect(revs).toHaveLength(1);
    expect(revs[0]).toMatchObject({ revision: 1, metadata: { name: `agent-${hashOf(p)}`, labels: { app: 'agent', 'controller-revision-hash': hashOf(p) } } });
  });

  it('honours nodeSelector, required node affinity and taints; hostNetwork adds network-unavailable', async () => {
    await addNodes(
      node('ssd-1', { disk: 'ssd' }),
      node('hdd-1', { disk: 'hdd' }),
      node('ssd-tainted', { disk: 'ssd' }, [{ key: 'dedicated', value: 'infra', effect: 'NoSchedule' }]),
      node('ssd-evicting', { disk: 'ssd' }, [{ key: 'maintenance', effect: 'NoExecute' }]),
      node('ssd-cordoned', { disk: 'ssd' }, [{ key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' }, { key: 'node.kubernetes.io/not-ready', effect: 'NoExecute' }]),
      node('windows', { disk: 'ssd', 'kubernetes.io/os': 'windows' }),
    );
    const affinity = { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/os', operator: 'In', values: ['linux'] }] }] } } };
    await dsClient().create('default', daemonSet('agent', {}, { nodeSelector: { disk: 'ssd' }, affinity, hostNetwork: true }));
    await waitFor('pods on eligible nodes', () => podNodes().join() === 'ssd-1,ssd-cordoned');
    expect(live()[0].spec.tolerations).toContainEqual({ key: 'node.kubernetes.io/network-unavailable', operator: 'Exists', effect: 'NoSchedule' });
    await waitFor('status', () => getDS('agent').status?.desiredNumberScheduled === 2);
    // Tolerating the NoSchedule taint opens that node too (a template change: a new revision for every pod).
    await dsClient().patch('default', 'agent', 'merge', { spec: { template: { spec: { tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'infra', effect: 'NoSchedule' }] } } } });
    await waitFor('tainted node joins', () => podNodes().includes('ssd-tainted'));
  });
});

describe('following nodes', () => {
  it('a node joining gets a pod; a node losing its label or leaving loses it', async () => {
    await addNodes(node('node-a', { role: 'edge' }));
    await dsClient().create('default', daemonSet('agent', {}, { nodeSelector: { role: 'edge' } }));
    await waitFor('node-a pod', () => podNodes().join() === 'node-a');
    await addNodes(node('node-b', { role: 'edge' }), node('node-c'));
    await waitFor('node-b pod', () => podNodes().join() === 'node-a,node-b');
    await h.client.nodes.patch(undefined, 'node-a', 'merge', { metadata: { labels: { role: null } } });
    await waitFor('node-a pod deleted', () => podNodes().join() === 'node-b');
    await h.client.nodes.patch(undefined, 'node-c', 'merge', { metadata: { labels: { role: 'edge' } } });
    await waitFor('node-c pod', () => podNodes().join() === 'node-b,node-c');
    await h.client.nodes.delete(undefined, 'node-b');
    await waitFor('node-b pod deleted', () => podNodes().join() === 'node-c');
    await waitFor('status', () => getDS('agent').status?.desiredNumberScheduled === 1 && getDS('agent').status?.currentNumberScheduled === 1);
  });

  it('a scheduled pod whose node was deleted is collected after the quarantine (pod GC), then the set moves on', async () => {
    await addNodes(node('node-a'), node('node-b'));
    await dsClient().create('default', daemonSet('agent'));
    await waitFor('2 pods', () => live().length === 2);
    // Play the scheduler: bind node-a's pod.
    const pa = live().find((p) => target(p) === 'node-a')!;
    await h.client.bindPod('default', pa.metadata.name, 'node-a');
    await h.client.nodes.delete(undefined, 'node-a');
    await waitFor('controller saw the node go', () => getDS('agent').status?.desiredNumberScheduled === 1);
    expect(h.client.pods.get('default', pa.metadata.name)).toBeDefined();
    h.clock.advance(41_000);
    await waitFor('orphan collected', () => !h.client.pods.get('default', pa.metadata.name));
    expect(podNodes()).toEqual(['node-b']);
  });

  it('adopts existing matching pods pinned to a node (like the default fixture\'s) instead of duplicating them', async () => {
    await addNodes(node('node-a'), node('node-b'));
    // Labelled with the revision hash of the (defaulted) template, as the fixture loader does, so it counts as current.
    const stored = daemonSet('agent');
    defaultDaemonSet(stored);
    const pinned = {
      metadata: { name: 'agent-existing', labels: { app: 'agent', 'controller-revision-hash': computeHash(stored.spec.template) } },
      spec: {
        containers: [{ name: 'c', image: 'agent:1' }],
        affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['node-a'] }] }] } } },
      },
    };
    const existing = await h.client.pods.create('default', pinned);
    const ds = await dsClient().create('default', daemonSet('agent'));
    await waitFor('one pod per node', () => podNodes().join() === 'node-a,node-b');
    await waitFor('both current', () => getDS('agent').status?.updatedNumberScheduled === 2);
    const adopted = h.client.pods.get('default', 'agent-existing')!;
    expect(adopted.metadata.uid).toBe(existing.metadata.uid);
    expect(adopted.metadata.ownerReferences[0]).toMatchObject({ kind: 'DaemonSet', uid: ds.metadata.uid, controller: true });
    expect(events(h, 'SuccessfulCreate')).toHaveLength(1);
  });
});

describe('updates', () => {
  const setImage = (image: string) => dsClient().patch('default', 'agent', 'merge', { spec: { template: { spec: { containers: [{ name: 'c', image }] } } } });

  it('RollingUpdate with maxUnavailable=1 replaces one node at a time, waiting for readiness', async () => {
    await addNodes(node('node-a'), node('node-b'), node('node-c'));
    await dsClient().create('default', daemonSet('agent'));
    await waitFor('3 pods', () => live().length === 3);
    await readyAllPods();
    await waitFor('available', () => getDS('agent').status?.numberAvailable === 3);
    const oldHash = hashOf(live()[0]);
    await setImage('agent:2');
    expect(getDS('agent').metadata.annotations['deprecated.daemonset.template.generation']).toBe('2');
    const newHash = await waitFor('first new pod', () => live().find((p) => hashOf(p) !== oldHash) && hashOf(live().find((p) => hashOf(p) !== oldHash)!));
    // Only one node at a time: while the new pod is not ready, the other two keep their old pods.
    await waitFor('status sees the rollout', () => getDS('agent').status?.updatedNumberScheduled === 1);
    expect(live().filter((p) => hashOf(p) === oldHash)).toHaveLength(2);
    for (let updated = 1; updated <= 3; updated++) {
      await waitFor(`${updated} updated`, () => live().filter((p) => hashOf(p) === newHash).length === updated && live().length === 3);
      await readyAllPods();
    }
    const st = await waitFor('done', () => getDS('agent').status?.updatedNumberScheduled === 3 && getDS('agent').status?.numberAvailable === 3 && getDS('agent').status);
    expect(st).toMatchObject({ desiredNumberScheduled: 3, observedGeneration: 2 });
    expect(live().every((p) => p.metadata.labels['pod-template-generation'] === '2' && p.spec.containers[0].image === 'agent:2')).toBe(true);
    expect(h.client.resource('apps', 'v1', 'controllerrevisions').list('default').items.map((r) => r.revision).sort()).toEqual([1, 2]);
  });

  it('RollingUpdate with maxSurge=1 starts the new pod next to the old one and removes the old one once ready', async () => {
    await addNodes(node('node-a'), node('node-b'));
    await dsClient().create('default', daemonSet('agent', { updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } } }));
    await waitFor('2 pods', () => live().length === 2);
    await readyAllPods();
    const oldHash = hashOf(live()[0]);
    await setImage('agent:2');
    await waitFor('surge pod', () => live().length === 3);
    const surged = live().find((p) => hashOf(p) !== oldHash)!;
    expect(live().filter((p) => target(p) === target(surged))).toHaveLength(2);
    await markReady(h, surged);
    await waitFor('old pod on that node removed', () => live().filter((p) => target(p) === target(surged)).length === 1);
    await waitFor('second surge', () => live().length === 3 || live().every((p) => hashOf(p) !== oldHash));
    await readyAllPods();
    await waitFor('all updated', () => live().length === 2 && live().every((p) => hashOf(p) !== oldHash));
  });

  it('OnDelete leaves pods alone until they are deleted', async () => {
    await addNodes(node('node-a'), node('node-b'));
    await dsClient().create('default', daemonSet('agent', { updateStrategy: { type: 'OnDelete' } }));
    await waitFor('2 pods', () => live().length === 2);
    await readyAllPods();
    const oldHash = hashOf(live()[0]);
    await setImage('agent:2');
    await waitFor('status observed', () => getDS('agent').status?.observedGeneration === 2);
    expect(live().every((p) => hashOf(p) === oldHash)).toBe(true);
    expect(getDS('agent').status.updatedNumberScheduled).toBeUndefined();
    const victim = live().find((p) => target(p) === 'node-a')!;
    await h.client.pods.delete('default', victim.metadata.name);
    await waitFor('replaced at the new revision', () => live().some((p) => target(p) === 'node-a' && hashOf(p) !== oldHash));
    expect(live().find((p) => target(p) === 'node-b')!.metadata.name).not.toBe(victim.metadata.name);
    expect(hashOf(live().find((p) => target(p) === 'node-b')!)).toBe(oldHash);
  });
});
