// Simulated kubelets on a virtual clock: node registration and status, Lease renewal, a bound pod's way to Running
// with every status field and event, pod IPs from the node's podCIDR, graceful deletion, run-to-completion pods.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { NodeManager } from '../../src/nodes/node-manager.js';
import { DEFAULT_KUBERNETES_VERSION } from '../../src/version.js';
import { startTestCluster, type TestCluster } from '../helpers/cluster.js';
import { FakeClock } from '../helpers/fake-clock.js';

type Obj = Record<string, any>;
let c: TestCluster;
let clock: FakeClock;

beforeEach(async () => {
  clock = new FakeClock();
  c = await startTestCluster({ clock, components: [() => new NodeManager()] });
  await c.client.nodes.create(undefined, { metadata: { name: 'node01' }, spec: { podCIDR: '10.244.1.0/24', podCIDRs: ['10.244.1.0/24'] } });
  await until(() => ready(c.client.nodes.get(undefined, 'node01')));
});
afterEach(() => c.stop());

function ready(n: Obj | undefined): boolean {
  return (n?.status?.conditions ?? []).some((x: Obj) => x.type === 'Ready' && x.status === 'True');
}

async function until(cond: () => unknown, maxMs = 5_000): Promise<void> {
  if (!(await clock.advanceUntil(() => !!cond(), maxMs))) throw new Error('condition not reached in virtual time');
}

const getPod = (name: string) => c.client.pods.get('default', name);
const events = (name: string) => c.client.events.list('default').items.filter((e) => e.involvedObject?.name === name);

function podSpec(name: string, spec: Obj = {}, annotations?: Obj): Obj {
  return { metadata: { name, annotations }, spec: { nodeName: 'node01', containers: [{ name: 'web', image: 'httpd' }], ...spec } };
}

describe('node registration and heartbeats', () => {
  it('fills in the node status like a kubelet', () => {
    const n = c.client.nodes.get(undefined, 'node01')!;
    expect(n.metadata.labels).toMatchObject({ 'kubernetes.io/hostname': 'node01', 'kubernetes.io/os': 'linux', 'kubernetes.io/arch': 'amd64' });
    expect(n.status.capacity).toMatchObject({ cpu: '4', pods: '110', memory: expect.stringMatching(/Ki$/), 'ephemeral-storage': expect.any(String) });
    expect(n.status.allocatable).toMatchObject({ cpu: '4', pods: '110' });
    expect(n.status.addresses).toEqual([
      { type: 'InternalIP', address: expect.stringMatching(/^172\.30\.0\.\d+$/) },
      { type: 'Hostname', address: 'node01' },
    ]);
    expect(n.status.nodeInfo).toMatchObject({
      kubeletVersion: DEFAULT_KUBERNETES_VERSION,
      containerRuntimeVersion: expect.stringMatching(/^containerd:\/\/1\.7\./),
      osImage: expect.any(String),
      kernelVersion: expect.any(String),
      architecture: 'amd64',
      operatingSystem: 'linux',
    });
    expect(n.status.conditions.map((x: Obj) => `${x.type}=${x.status}`)).toEqual(['MemoryPressure=False', 'DiskPressure=False', 'PIDPressure=False', 'Ready=True']);
    for (const cond of n.status.conditions) expect(cond.lastHeartbeatTime).toEqual(expect.any(String));
    expect(n.spec.podCIDR).toBe('10.244.1.0/24');
  });

  it('renews its Lease every 10 s and posts node status every 40 s', async () => {
    const leases = c.client.resource('coordination.k8s.io', 'v1', 'leases');
    const lease = leases.get('kube-node-lease', 'node01')!;
    expect(lease.spec).toMatchObject({ holderIdentity: 'node01', leaseDurationSeconds: 40 });
    expect(lease.metadata.ownerReferences).toEqual([{ apiVersion: 'v1', kind: 'Node', name: 'node01', uid: c.client.nodes.get(undefined, 'node01')!.metadata.uid }]);
    const renew0 = Date.parse(lease.spec.renewTime);
    const beat0 = Date.parse(c.client.nodes.get(undefined, 'node01')!.status.conditions[3].lastHeartbeatTime);
    await clock.advance(10_000);
    expect(Date.parse(leases.get('kube-node-lease', 'node01')!.spec.renewTime) - renew0).toBe(10_000);
    await clock.advance(30_000);
    expect(Date.parse(c.client.nodes.get(undefined, 'node01')!.status.conditions[3].lastHeartbeatTime) - beat0).toBe(40_000);
  });
});

describe('pod lifecycle', () => {
  it('takes a bound pod through ContainerCreating to Running with the kubelet status fields and events', async () => {
    await c.client.pods.create('default', podSpec('web'));
    await clock.advance(16); // accepted (≤ 15 ms with jitter), not yet started (≥ 25 ms)
    const creating = getPod('web')!;
    expect(creating.status.phase).toBe('Pending');
    expect(creating.status.containerStatuses[0].state).toEqual({ waiting: { reason: 'ContainerCreating' } });
    expect(creating.status.hostIP).toMatch(/^172\.30\.0\./);
    expect(creating.status.startTime).toEqual(expect.any(String));
    expect(creating.status.conditions.find((x: Obj) => x.type === 'Initialized').status).toBe('True');
    expect(creating.status.conditions.find((x: Obj) => x.type === 'Ready')).toMatchObject({ status: 'False', reason: 'ContainersNotReady', message: 'containers with unready status: [web]' });

    await until(() => getPod('web')?.status.phase === 'Running');
    const p = getPod('web')!;
    expect(p.status.podIP).toBe('10.244.1.2');
    expect(p.status.podIPs).toEqual([{ ip: '10.244.1.2' }]);
    expect(p.status.hostIPs).toEqual([{ ip: p.status.hostIP }]);
    expect(p.status.conditions.map((x: Obj) => `${x.type}=${x.status}`)).toEqual([
      'PodReadyToStartContainers=True',
      'Initialized=True',
      'Ready=True',
      'ContainersReady=True',
      'PodScheduled=True',
    ]);
    const cs = p.status.containerStatuses[0];
    expect(cs).toMatchObject({ name: 'web', ready: true, started: true, restartCount: 0, image: 'docker.io/library/httpd:latest', lastState: {} });
    expect(cs.state.running.startedAt).toEqual(expect.any(String));
    expect(cs.imageID).toMatch(/^docker\.io\/library\/httpd@sha256:[0-9a-f]{64}$/);
    expect(cs.containerID).toMatch(/^containerd:\/\/[0-9a-f]{64}$/);

    await clock.advance(1);
    // Event names increase like upstream's UnixNano suffix, so the list (sorted by name) is in creation order.
    const evs = events('web');
    expect(evs.map((e) => e.reason)).toEqual(['Pulling', 'Pulled', 'Created', 'Started']);
    for (const e of evs) {
      expect(e.source).toEqual({ component: 'kubelet', host: 'node01' });
      expect(e.involvedObject.fieldPath).toBe('spec.containers{web}');
    }
    expect(evs[0]!.message).toBe('Pulling image "httpd"');
    expect(evs[1]!.message).toMatch(/^Successfully pulled image "httpd" in ([\d.]+m?s) \(\1 including waiting\)\. Image size: \d+ bytes\.$/);
    expect(evs[2]!.message).toBe('Created container web');
    expect(evs[3]!.message).toBe('Started container web');
  });

  it('hands out distinct IPs from the podCIDR and does not reuse a freed one at once', async () => {
    for (const n of ['a', 'b', 'c']) await c.client.pods.create('default', podSpec(n));
    await until(() => ['a', 'b', 'c'].every((n) => getPod(n)?.status.podIP));
    const ips = ['a', 'b', 'c'].map((n) => getPod(n)!.status.podIP).sort();
    expect(ips).toEqual(['10.244.1.2', '10.244.1.3', '10.244.1.4']);
    await c.client.pods.delete('default', 'a', { gracePeriodSeconds: 0 });
    await c.client.pods.create('default', podSpec('d'));
    await until(() => getPod('d')?.status.podIP);
    expect(getPod('d')!.status.podIP).toBe('10.244.1.5');
  });

  it('gives hostNetwork pods the node IP and runs init containers first', async () => {
    await c.client.pods.create('default', podSpec('host', { hostNetwork: true }));
    await c.client.pods.create('default', podSpec('init', { initContainers: [{ name: 'setup', image: 'busybox', command: ['true'] }] }));
    await until(() => getPod('host')?.status.phase === 'Running' && getPod('init')?.status.phase === 'Running');
    expect(getPod('host')!.status.podIP).toBe(getPod('host')!.status.hostIP);
    expect(getPod('init')!.status.initContainerStatuses[0].state.terminated).toMatchObject({ exitCode: 0, reason: 'Completed' });
  });

  it('completes a graceful deletion: Killing, containers stopped, then the pod is deleted', async () => {
    await c.client.pods.create('default', podSpec('web'));
    await until(() => getPod('web')?.status.phase === 'Running');
    await c.client.pods.delete('default', 'web');
    const marked = getPod('web')!;
    expect(marked.metadata.deletionTimestamp).toEqual(expect.any(String));
    expect(marked.metadata.deletionGracePeriodSeconds).toBe(30);
    await until(() => getPod('web')?.status.containerStatuses[0].state.terminated);
    expect(getPod('web')!.status.containerStatuses[0].state.terminated).toMatchObject({ exitCode: 0, reason: 'Completed' });
    await until(() => !getPod('web'), 1_000); // min(30 s grace, simulated stop time)
    expect(events('web').find((e) => e.reason === 'Killing')).toMatchObject({ message: 'Stopping container web', type: 'Normal' });
  });

  it('runs run-to-completion pods to Succeeded or Failed', async () => {
    await c.client.pods.create('default', podSpec('echo', { restartPolicy: 'Never', containers: [{ name: 'c', image: 'busybox', command: ['sh', '-c', 'echo hi'] }] }));
    await c.client.pods.create('default', podSpec('fail', { restartPolicy: 'Never' }, { 'kubesim.io/run-seconds': '5', 'kubesim.io/exit-code': '3' }));
    await c.client.pods.create('default', podSpec('sleeper', { restartPolicy: 'Never', containers: [{ name: 'c', image: 'busybox', command: ['sleep', '3600'] }] }));
    await c.client.pods.create('default', podSpec('server', { restartPolicy: 'Never' }));
    await until(() => getPod('echo')?.status.phase === 'Succeeded');
    const done = getPod('echo')!;
    expect(done.status.containerStatuses[0].state.terminated).toMatchObject({ exitCode: 0, reason: 'Completed' });
    expect(done.status.conditions.find((x: Obj) => x.type === 'Ready')).toMatchObject({ status: 'False', reason: 'PodCompleted' });
    await clock.advance(2_000);
    expect(getPod('fail')!.status.phase).toBe('Running');
    await until(() => getPod('fail')?.status.phase === 'Failed', 6_000);
    expect(getPod('fail')!.status.containerStatuses[0].state.terminated).toMatchObject({ exitCode: 3, reason: 'Error' });
    await clock.advance(600_000);
    expect(getPod('sleeper')!.status.phase).toBe('Running');
    expect(getPod('server')!.status.phase).toBe('Running');
    await clock.advance(3_000_000);
    expect(getPod('sleeper')!.status.phase).toBe('Succeeded');
  });
});
