// The node lifecycle controller's NoExecute tainting on a virtual clock, with nodes whose status the test posts
// itself (no kubelets): not-ready for a kubelet reporting Ready=False, swapped to unreachable once the node goes
// silent, both lifted when it is Ready again, the 0.1 node/s rate limit per zone, and the zone-state rules
// (PartialDisruption in a small zone stops tainting). Plus the pure pieces: zone keys, states, the token bucket and
// taint swapping.
import { afterEach, describe, expect, it } from 'vitest';
import { rfc3339 } from '../../src/clock.js';
import { defaultGracePeriodMs, NodeLifecycleController } from '../../src/controllers/nodelifecycle/controller.js';
import { swapTaints } from '../../src/controllers/nodelifecycle/taints.js';
import { computeZoneState, RateLimitedQueue, TokenBucket, zoneKey, zoneQPS } from '../../src/controllers/nodelifecycle/zones.js';
import type { Obj } from '../../src/registry/types.js';
import { startTestCluster, type TestCluster } from '../helpers/cluster.js';
import { FakeClock } from '../helpers/fake-clock.js';

let c: TestCluster;
let clock: FakeClock;
afterEach(() => c?.stop());

/** Node statuses as the test's "kubelets" report them; a node missing here is silent. */
const reporting = new Map<string, string>();

async function start(nodes: string[], labels: Obj = {}): Promise<void> {
  clock = new FakeClock();
  c = await startTestCluster({ clock, components: [() => new NodeLifecycleController()] });
  reporting.clear();
  for (const name of nodes) {
    await c.client.nodes.create(undefined, { metadata: { name, labels, annotations: { 'kubesim.io/kubelet': 'external' } } });
    reporting.set(name, 'True');
  }
  await heartbeat();
}

/** Every reporting node posts its Ready condition with a fresh heartbeat. */
async function heartbeat(): Promise<void> {
  const now = rfc3339(clock.now());
  for (const [name, status] of reporting) {
    const node = c.client.nodes.get(undefined, name)!;
    const old = (node.status?.conditions ?? []).find((x: Obj) => x.type === 'Ready');
    const transition = old?.status === status ? old.lastTransitionTime : now;
    const reason = status === 'True' ? 'KubeletReady' : 'KubeletNotReady';
    await c.client.nodes.patch(undefined, name, 'merge', { status: { conditions: [{ type: 'Ready', status, reason, message: reason, lastHeartbeatTime: now, lastTransitionTime: transition }] } }, { status: true });
  }
}

/** Lets `ms` pass in 5 s steps, heartbeating like kubelets would. */
async function run(ms: number): Promise<void> {
  for (let t = 0; t < ms; t += 5_000) {
    await heartbeat();
    await clock.advance(Math.min(5_000, ms - t));
  }
}

const taintsOf = (name: string) => (c.client.nodes.get(undefined, name)!.spec?.taints ?? []) as Obj[];
const noExecute = (name: string) => taintsOf(name).filter((t) => t.effect === 'NoExecute').map((t) => t.key);
const ready = (name: string) => c.client.nodes.get(undefined, name)!.status.conditions.find((x: Obj) => x.type === 'Ready').status;

describe('NoExecute tainting', () => {
  it('taints a NotReady node not-ready, swaps to unreachable when it goes silent, and lifts both when Ready', async () => {
    await start(['a', 'b', 'c']);
    await run(10_000);
    reporting.set('a', 'False');
    await run(10_000);
    expect(noExecute('a')).toEqual(['node.kubernetes.io/not-ready']);
    expect(taintsOf('a')).toContainEqual({ key: 'node.kubernetes.io/not-ready', effect: 'NoSchedule' });
    const notReady = taintsOf('a').find((t) => t.effect === 'NoExecute')!;
    expect(Date.parse(notReady.timeAdded)).toBeGreaterThan(clock.now() - 10_000);

    reporting.delete('a'); // the kubelet dies
    await run(65_000);
    expect(ready('a')).toBe('Unknown');
    expect(noExecute('a')).toEqual(['node.kubernetes.io/unreachable']);
    expect(taintsOf('a')).toContainEqual({ key: 'node.kubernetes.io/unreachable', effect: 'NoSchedule' });

    reporting.set('a', 'True');
    await run(10_000);
    expect(taintsOf('a')).toEqual([]);
    expect(noExecute('b')).toEqual([]);
  });

  it('taints at most one node every 10 s per zone', async () => {
    const names = Array.from({ length: 10 }, (_, i) => `n${i}`);
    await start(names);
    await run(10_000);
    for (const n of ['n1', 'n2', 'n3']) reporting.set(n, 'False');
    await heartbeat();
    await clock.advance(5_000); // the monitor pass that sees them
    const tainted = () => ['n1', 'n2', 'n3'].filter((n) => noExecute(n).length).length;
    expect(tainted()).toBe(1);
    await run(5_000);
    expect(tainted()).toBe(1);
    await run(5_000);
    expect(tainted()).toBe(2);
    await run(10_000);
    expect(tainted()).toBe(3);
  });

  it('stops tainting a small zone in partial disruption, and zones are independent', async () => {
    await start(['a', 'b', 'c', 'd'], { 'topology.kubernetes.io/zone': 'z1' });
    for (const n of ['e', 'f']) await c.client.nodes.create(undefined, { metadata: { name: n, labels: { 'topology.kubernetes.io/zone': 'z2' }, annotations: { 'kubesim.io/kubelet': 'external' } } });
    reporting.set('e', 'True');
    reporting.set('f', 'True');
    await run(10_000);
    // 3 of 4 down in z1: ≥ 55 % and more than 2, in a zone under 50 nodes → rate 0.
    for (const n of ['a', 'b', 'c']) reporting.set(n, 'False');
    reporting.set('e', 'False');
    await run(30_000);
    expect(['a', 'b', 'c'].map(noExecute)).toEqual([[], [], []]);
    expect(noExecute('e')).toEqual(['node.kubernetes.io/not-ready']);
  });
});

describe('zones and limiters', () => {
  it('keys zones by region and zone labels', () => {
    expect(zoneKey({ metadata: { labels: {} } })).toBe('');
    expect(zoneKey({ metadata: { labels: { 'topology.kubernetes.io/region': 'r', 'topology.kubernetes.io/zone': 'z' } } })).toBe('r:\x00:z');
    expect(zoneKey({ metadata: { labels: { 'failure-domain.beta.kubernetes.io/zone': 'old' } } })).toBe(':\x00:old');
  });

  it('computes zone states like ComputeZoneState', () => {
    expect(computeZoneState(['True', 'True', 'Unknown'])).toEqual({ unhealthy: 1, state: 'Normal' });
    expect(computeZoneState(['Unknown', undefined])).toEqual({ unhealthy: 2, state: 'FullDisruption' });
    expect(computeZoneState(['True', 'False', 'False', 'Unknown'])).toEqual({ unhealthy: 3, state: 'PartialDisruption' });
    expect(computeZoneState(['True', 'True', 'False', 'False'])).toEqual({ unhealthy: 2, state: 'Normal' });
    expect(zoneQPS('PartialDisruption', 10)).toBe(0);
    expect(zoneQPS('PartialDisruption', 51)).toBe(0.01);
    expect(zoneQPS('Normal', 3)).toBe(0.1);
    expect(zoneQPS('FullDisruption', 3)).toBe(0.1);
  });

  it('token bucket: one token at once, then one per 1/qps seconds; qps 0 never', () => {
    const b = new TokenBucket(0.1, 0);
    expect(b.tryAccept(0)).toBe(true);
    expect(b.tryAccept(9_999)).toBe(false);
    expect(b.nextTokenAt(9_999)).toBe(10_000);
    expect(b.tryAccept(10_000)).toBe(true);
    const never = new TokenBucket(0, 0);
    expect(never.tryAccept(1e9)).toBe(false);
    expect(never.nextTokenAt(0)).toBeUndefined();
  });

  it('rate-limited queue: a set, processed in order as tokens allow', async () => {
    const q = new RateLimitedQueue(0.1, 0);
    expect(q.add('a', 'u1', 0)).toBe(true);
    expect(q.add('a', 'u1', 0)).toBe(false);
    q.add('b', 'u2', 1);
    const done: string[] = [];
    await q.try(1, async (v) => (done.push(v), { done: true }));
    expect(done).toEqual(['a']);
    expect(q.nextTryAt(1)).toBe(10_001);
    await q.try(10_000, async (v) => (done.push(v), { done: true }));
    expect(done).toEqual(['a']);
    await q.try(10_001, async (v) => (done.push(v), { done: true }));
    expect(done).toEqual(['a', 'b']);
    // Processed names stay known until removed (upstream UniqueQueue): no second tainting of a tainted node.
    expect(q.add('b', 'u2', 20_000)).toBe(false);
    expect(q.remove('b')).toBe(true);
    expect(q.add('b', 'u2', 20_000)).toBe(true);
  });
});

describe('taints and defaults', () => {
  it('swaps NoExecute taints, stamping timeAdded, keeping others', () => {
    const other = { key: 'team', value: 'a', effect: 'NoSchedule' };
    const unreachable = { key: 'node.kubernetes.io/unreachable', effect: 'NoExecute', timeAdded: 't0' };
    const out = swapTaints([other, unreachable], [{ key: 'node.kubernetes.io/not-ready', effect: 'NoExecute' }], [unreachable], 't1');
    expect(out).toEqual([other, { key: 'node.kubernetes.io/not-ready', effect: 'NoExecute', timeAdded: 't1' }]);
    expect(swapTaints([other], [], [unreachable], 't')).toBeUndefined();
  });

  it('node-monitor-grace-period is 50 s from Kubernetes 1.32, 40 s before', () => {
    expect(defaultGracePeriodMs('v1.33.1')).toBe(50_000);
    expect(defaultGracePeriodMs('v1.32.0')).toBe(50_000);
    expect(defaultGracePeriodMs('v1.31.9')).toBe(40_000);
    expect(defaultGracePeriodMs('v1.27.16')).toBe(40_000);
  });
});
