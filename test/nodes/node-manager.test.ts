// The node manager: a Node created through the API joins as a simulated node (pod CIDR and address handed out,
// status and Lease posted), external nodes are left alone, a kubelet without a Node registers one.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Kubelet } from '../../src/nodes/kubelet.js';
import { NodeManager } from '../../src/nodes/node-manager.js';
import { nextNodeIP, nextPodCIDR, PodIPAllocator } from '../../src/nodes/ipam.js';
import { startTestCluster, type TestCluster } from '../helpers/cluster.js';
import { FakeClock } from '../helpers/fake-clock.js';
import { apiOk } from '../helpers/http.js';

type Obj = Record<string, any>;
let c: TestCluster;
let clock: FakeClock;
let manager: NodeManager;

beforeEach(async () => {
  clock = new FakeClock();
  c = await startTestCluster({ clock, components: [() => (manager = new NodeManager())] });
});
afterEach(() => c.stop());

const getNode = (name: string) => c.client.nodes.get(undefined, name);
const isReady = (n: Obj | undefined) => (n?.status?.conditions ?? []).some((x: Obj) => x.type === 'Ready' && x.status === 'True');

describe('NodeManager', () => {
  it('starts a kubelet for a Node created through the API', async () => {
    await apiOk(c.url, 'POST', '/api/v1/nodes', { apiVersion: 'v1', kind: 'Node', metadata: { name: 'node05', labels: { disk: 'ssd' } } });
    expect(await clock.advanceUntil(() => isReady(getNode('node05')), 1_000)).toBe(true);
    const n = getNode('node05')!;
    expect(n.spec.podCIDR).toBe('10.244.0.0/24');
    expect(n.spec.podCIDRs).toEqual(['10.244.0.0/24']);
    expect(n.metadata.labels).toMatchObject({ disk: 'ssd', 'kubernetes.io/hostname': 'node05' });
    expect(n.status.addresses[0]).toEqual({ type: 'InternalIP', address: '172.30.0.2' });
    expect(c.client.resource('coordination.k8s.io', 'v1', 'leases').get('kube-node-lease', 'node05')).toBeDefined();
    expect(manager.kubelet('node05')?.isRunning).toBe(true);
  });

  it('hands out different CIDRs and addresses to nodes joining together', async () => {
    for (const name of ['a', 'b', 'c']) await c.client.nodes.create(undefined, { metadata: { name } });
    await clock.advanceUntil(() => ['a', 'b', 'c'].every((n) => isReady(getNode(n))), 1_000);
    const cidrs = ['a', 'b', 'c'].map((n) => getNode(n)!.spec.podCIDR);
    const ips = ['a', 'b', 'c'].map((n) => getNode(n)!.status.addresses[0].address);
    expect(new Set(cidrs).size).toBe(3);
    expect(new Set(ips).size).toBe(3);
  });

  it('leaves nodes annotated external alone', async () => {
    await c.client.nodes.create(undefined, { metadata: { name: 'real', annotations: { 'kubesim.io/kubelet': 'external' } } });
    await clock.advance(1_000);
    expect(getNode('real')!.status?.conditions).toBeUndefined();
    expect(manager.kubelet('real')).toBeUndefined();
  });

  it('stops the kubelet of a deleted node', async () => {
    await c.client.nodes.create(undefined, { metadata: { name: 'gone' } });
    await clock.advanceUntil(() => isReady(getNode('gone')), 1_000);
    await c.client.nodes.delete(undefined, 'gone');
    await clock.advance(100);
    expect(manager.kubelet('gone')).toBeUndefined();
  });
});

describe('Kubelet registration', () => {
  it('creates its Node when it does not exist, reporting the given version', async () => {
    // On its own, without a node manager (which would start its own kubelet for the new Node).
    await c.stop();
    c = await startTestCluster({ clock, components: [] });
    const k = new Kubelet({
      nodeName: 'solo',
      internalIP: '172.30.0.99',
      podCIDR: '10.244.9.0/24',
      client: c.client.as('kubelet'),
      clock,
      kubernetesVersion: 'v1.30.2',
      listPods: () => [],
    });
    await k.start();
    const n = getNode('solo')!;
    expect(n.metadata.labels['kubernetes.io/hostname']).toBe('solo');
    expect(n.spec).toMatchObject({ podCIDR: '10.244.9.0/24', podCIDRs: ['10.244.9.0/24'] });
    expect(n.status.nodeInfo.kubeletVersion).toBe('v1.30.2');
    expect(isReady(n)).toBe(true);
    k.stop();
  });
});

describe('address allocation', () => {
  it('picks the lowest free pod CIDR and node address', () => {
    const nodes = [{ spec: { podCIDR: '10.244.0.0/24' }, status: { addresses: [{ type: 'InternalIP', address: '172.30.0.2' }] } }];
    expect(nextPodCIDR(nodes)).toBe('10.244.1.0/24');
    expect(nextNodeIP(nodes)).toBe('172.30.0.3');
    expect(nextNodeIP(nodes, ['172.30.0.3'])).toBe('172.30.0.4');
  });

  it('allocates pod IPs like host-local: from .2, round robin, skipping used ones, wrapping around', () => {
    const a = new PodIPAllocator('10.244.3.0/24');
    a.reserve('10.244.3.5');
    expect(a.allocate()).toBe('10.244.3.6');
    const b = new PodIPAllocator('10.244.3.0/30'); // usable: .2 only (.0 network, .1 gateway, .3 broadcast)
    expect(b.allocate()).toBe('10.244.3.2');
    expect(() => b.allocate()).toThrow(/no pod IP left/);
    b.release('10.244.3.2');
    expect(b.allocate()).toBe('10.244.3.2');
  });
});
