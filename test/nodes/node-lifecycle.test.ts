// Stopping and starting a node's kubelet through its annotation, and the node lifecycle controller's reaction on a
// virtual clock: no Lease renewals → Ready=Unknown after the grace period (50 s from 1.32, 40 s before) with the
// unreachable NoSchedule and NoExecute taints and the node's pods not Ready; the kubelet back → Ready, taints gone,
// pods Ready again.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { NodeLifecycleController } from '../../src/controllers/nodelifecycle/controller.js';
import { NodeManager } from '../../src/nodes/node-manager.js';
import { startTestCluster, type TestCluster } from '../helpers/cluster.js';
import { FakeClock } from '../helpers/fake-clock.js';

type Obj = Record<string, any>;
let c: TestCluster;
let clock: FakeClock;

const getNode = () => c.client.nodes.get(undefined, 'node01')!;
const cond = (type: string) => (getNode().status?.conditions ?? []).find((x: Obj) => x.type === type);
const lease = () => c.client.resource('coordination.k8s.io', 'v1', 'leases').get('kube-node-lease', 'node01');
const setKubelet = (mode: string) => c.client.nodes.patch(undefined, 'node01', 'merge', { metadata: { annotations: { 'kubesim.io/kubelet': mode } } });
const podReady = () => c.client.pods.get('default', 'web')?.status?.conditions?.find((x: Obj) => x.type === 'Ready')?.status;

async function until(check: () => unknown, maxMs = 5_000): Promise<void> {
  if (!(await clock.advanceUntil(() => !!check(), maxMs))) throw new Error('condition not reached in virtual time');
}

beforeEach(async () => {
  clock = new FakeClock();
  c = await startTestCluster({ clock, components: [() => new NodeManager(), () => new NodeLifecycleController()] });
  await c.client.nodes.create(undefined, { metadata: { name: 'node01' } });
  // A second node that stays up: with every node down, upstream stops tainting (master disruption mode).
  await c.client.nodes.create(undefined, { metadata: { name: 'node02' } });
  await c.client.pods.create('default', { metadata: { name: 'web' }, spec: { nodeName: 'node01', containers: [{ name: 'web', image: 'httpd' }] } });
  await until(() => cond('Ready')?.status === 'True' && podReady() === 'True');
});
afterEach(() => c.stop());

describe('node stop and start', () => {
  it('marks a silent node Unknown after the grace period, with the unreachable taints', async () => {
    await setKubelet('stopped');
    await clock.advance(100);
    const renewed = lease()!.spec.renewTime;
    await clock.advance(40_000);
    expect(lease()!.spec.renewTime).toBe(renewed); // no heartbeats while stopped
    expect(cond('Ready')!.status).toBe('True'); // still within node-monitor-grace-period (50 s for 1.32+)
    await until(() => cond('Ready')?.status === 'Unknown', 30_000);
    expect(cond('Ready')).toMatchObject({ status: 'Unknown', reason: 'NodeStatusUnknown', message: 'Kubelet stopped posting node status.' });
    for (const t of ['MemoryPressure', 'DiskPressure', 'PIDPressure']) expect(cond(t)).toMatchObject({ status: 'Unknown', reason: 'NodeStatusUnknown' });
    // The transition time is when the controller noticed: it sees a renewal at its next 5 s monitor pass and gives up
    // 50 s after that, at a monitor pass again, so 50-60 s after the last renewal (as upstream).
    const unknownAt = Date.parse(cond('Ready')!.lastTransitionTime);
    const silentFor = unknownAt - Date.parse(renewed);
    expect(silentFor).toBeGreaterThan(50_000);
    expect(silentFor).toBeLessThanOrEqual(60_000);
    expect(podReady()).toBe('False');
    // NoSchedule at once (it follows the condition); NoExecute from the next monitor pass, through the zone queue.
    await until(() => (getNode().spec.taints ?? []).length === 2, 10_000);
    const [noSchedule, noExecute] = getNode().spec.taints;
    expect(noSchedule).toEqual({ key: 'node.kubernetes.io/unreachable', effect: 'NoSchedule' });
    expect(noExecute).toEqual({ key: 'node.kubernetes.io/unreachable', effect: 'NoExecute', timeAdded: expect.any(String) });
    expect(Date.parse(noExecute.timeAdded) - unknownAt).toBe(5_000);
    const events = c.client.events.list('default').items;
    expect(events.find((e) => e.reason === 'NodeNotReady' && e.involvedObject.kind === 'Node')).toMatchObject({
      type: 'Normal',
      message: 'Node node01 status is now: NodeNotReady',
      source: { component: 'node-controller' },
      involvedObject: { name: 'node01', uid: getNode().metadata.uid },
    });
    expect(events.find((e) => e.reason === 'NodeNotReady' && e.involvedObject.kind === 'Pod')).toMatchObject({ type: 'Warning', message: 'Node is not ready', involvedObject: { name: 'web' } });
  });

  it('taints nothing NoExecute while every node is down (master disruption mode), and lifts it when one is back', async () => {
    const node02 = () => c.client.nodes.get(undefined, 'node02')!;
    await c.client.nodes.patch(undefined, 'node02', 'merge', { metadata: { annotations: { 'kubesim.io/kubelet': 'stopped' } } });
    await setKubelet('stopped');
    await clock.advance(90_000);
    expect(cond('Ready')!.status).toBe('Unknown');
    const noExecute = (n: Obj) => (n.spec.taints ?? []).filter((t: Obj) => t.effect === 'NoExecute');
    expect(noExecute(getNode())).toEqual([]);
    expect(noExecute(node02())).toEqual([]);
    // node02 back: node01 is tainted now.
    await c.client.nodes.patch(undefined, 'node02', 'merge', { metadata: { annotations: { 'kubesim.io/kubelet': 'running' } } });
    await until(() => noExecute(getNode()).length === 1, 120_000);
    expect(noExecute(node02())).toEqual([]);
  });

  it('uses the 40 s grace period of clusters before 1.32', async () => {
    await c.stop();
    clock = new FakeClock();
    c = await startTestCluster({ clock, kubernetesVersion: 'v1.31.4', components: [() => new NodeManager(), () => new NodeLifecycleController()] });
    await c.client.nodes.create(undefined, { metadata: { name: 'node01' } });
    await until(() => cond('Ready')?.status === 'True');
    await clock.advance(10_000);
    await setKubelet('stopped');
    await clock.advance(100);
    const renewed = Date.parse(lease()!.spec.renewTime);
    await until(() => cond('Ready')?.status === 'Unknown', 60_000);
    const silentFor = Date.parse(cond('Ready')!.lastTransitionTime) - renewed;
    expect(silentFor).toBeGreaterThan(40_000);
    expect(silentFor).toBeLessThanOrEqual(50_000);
  });

  it('is Ready again when its kubelet starts, and its pods are reconciled', async () => {
    await setKubelet('stopped');
    await clock.advance(65_000);
    expect(cond('Ready')!.status).toBe('Unknown');
    await setKubelet('running');
    await until(() => cond('Ready')?.status === 'True' && !(getNode().spec.taints ?? []).length && podReady() === 'True');
    expect(cond('Ready')).toMatchObject({ reason: 'KubeletReady' });
    expect(Date.parse(lease()!.spec.renewTime)).toBeGreaterThanOrEqual(clock.now() - 10_000);
    // And it stays Ready: heartbeats are running again.
    await clock.advance(120_000);
    expect(cond('Ready')!.status).toBe('True');
  });

  it('keeps pods of a stopped node as they are (deletion waits for the kubelet)', async () => {
    await setKubelet('stopped');
    await clock.advance(10);
    await c.client.pods.delete('default', 'web');
    await clock.advance(5_000);
    expect(c.client.pods.get('default', 'web')?.metadata.deletionTimestamp).toEqual(expect.any(String));
    await setKubelet('running');
    await until(() => !c.client.pods.get('default', 'web'));
  });

  it('taints cordoned nodes and keeps other taints', async () => {
    await c.client.nodes.patch(undefined, 'node01', 'merge', { spec: { unschedulable: true, taints: [{ key: 'team', value: 'a', effect: 'NoSchedule' }] } });
    await until(() => (getNode().spec.taints ?? []).length === 2);
    expect(getNode().spec.taints).toEqual([
      { key: 'team', value: 'a', effect: 'NoSchedule' },
      { key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' },
    ]);
    await c.client.nodes.patch(undefined, 'node01', 'merge', { spec: { unschedulable: null } });
    await until(() => (getNode().spec.taints ?? []).length === 1);
  });
});
