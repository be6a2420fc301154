// Stopping and starting a node's kubelet through its annotation, and the node lifecycle controller's reaction on a
// virtual clock: no Lease renewals → Ready=Unknown after the 40 s grace period with the unreachable taint and the
// node's pods not Ready; the kubelet back → Ready, taint gone, pods Ready again.
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
  await c.client.pods.create('default', { metadata: { name: 'web' }, spec: { nodeName: 'node01', containers: [{ name: 'web', image: 'httpd' }] } });
  await until(() => cond('Ready')?.status === 'True' && podReady() === 'True');
});
afterEach(() => c.stop());

describe('node stop and start', () => {
  it('marks a silent node Unknown after the grace period, with the unreachable taint', async () => {
    await setKubelet('stopped');
    await clock.advance(100);
    const renewed = lease()!.spec.renewTime;
    await clock.advance(30_000);
    expect(lease()!.spec.renewTime).toBe(renewed); // no heartbeats while stopped
    expect(cond('Ready')!.status).toBe('True'); // still within node-monitor-grace-period
    await until(() => cond('Ready')?.status === 'Unknown', 20_000);
    expect(cond('Ready')).toMatchObject({ status: 'Unknown', reason: 'NodeStatusUnknown', message: 'Kubelet stopped posting node status.' });
    for (const t of ['MemoryPressure', 'DiskPressure', 'PIDPressure']) expect(cond(t)).toMatchObject({ status: 'Unknown', reason: 'NodeStatusUnknown' });
    // The transition time is when the controller noticed: it sees a renewal at its next 5 s monitor pass and gives up
    // 40 s after that, at a monitor pass again, so 40-50 s after the last renewal (as upstream).
    const silentFor = Date.parse(cond('Ready')!.lastTransitionTime) - Date.parse(renewed);
    expect(silentFor).toBeGreaterThan(40_000);
    expect(silentFor).toBeLessThanOrEqual(50_000);
    await until(() => (getNode().spec.taints ?? []).length);
    expect(getNode().spec.taints).toEqual([{ key: 'node.kubernetes.io/unreachable', effect: 'NoSchedule' }]);
    expect(podReady()).toBe('False');
  });

  it('is Ready again when its kubelet starts, and its pods are reconciled', async () => {
    await setKubelet('stopped');
    await clock.advance(60_000);
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
