// Node maintenance and node loss through real kubectl 1.27 and 1.33 on the default cluster (simulated kubelets):
// cordon / uncordon, `create pdb` and `get pdb`, `drain` refused by a PodDisruptionBudget until --timeout (the
// eviction subresource answers 429, kubectl retries every 5 s), drain through a permissive budget with DaemonSet
// pods left in place, `--disable-eviction`, and — on a virtual clock — a node whose kubelet stops: NotReady, tainted
// unreachable, its pods evicted after their 300 s toleration and replaced on the other node.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { VirtualClock } from '../../src/clock.js';
import { DEFAULT_COMPONENTS } from '../../src/components.js';
import type { Obj } from '../../src/registry/types.js';
import { startLivingCluster, startTestCluster, type TestCluster } from '../helpers/cluster.js';
import { Kubectl, KUBECTL_VERSIONS } from '../helpers/kubectl.js';
import { waitFor } from '../helpers/wait.js';

const lines = (s: string) => s.split('\n').filter((l) => l.trim() !== '');
const rowOf = (out: string, name: string) => lines(out).find((l) => l.split(/\s+/)[0] === name) ?? '';

describe.each(KUBECTL_VERSIONS)('drain and PodDisruptionBudgets with kubectl %s', (version) => {
  let c: TestCluster;
  let k: Kubectl;
  const pdbs = () => c.client.resource('policy', 'v1', 'poddisruptionbudgets');
  const webPods = () => c.client.pods.list('default', { labelSelector: 'app=web' }).items;
  const live = (pods: Obj[]) => pods.filter((p) => !p.metadata.deletionTimestamp);
  const ready = (p: Obj) => (p.status?.conditions ?? []).some((x: Obj) => x.type === 'Ready' && x.status === 'True');

  beforeAll(async () => {
    c = await startLivingCluster();
    k = new Kubectl(version, c.kubeconfigPath);
  });
  afterAll(() => c?.stop());

  it('cordon marks the node unschedulable (SchedulingDisabled, unschedulable taint); uncordon undoes it', async () => {
    expect(await k.ok(['cordon', 'node01'])).toBe('node/node01 cordoned\n');
    expect(rowOf(await k.ok(['get', 'nodes']), 'node01')).toMatch(/^node01\s+Ready,SchedulingDisabled\s+<none>\s+/);
    const node = await waitFor('unschedulable taint', () => {
      const n = c.client.nodes.get(undefined, 'node01')!;
      return (n.spec.taints ?? []).some((t: Obj) => t.key === 'node.kubernetes.io/unschedulable') && n;
    });
    expect(node.spec.unschedulable).toBe(true);
    expect(node.spec.taints).toContainEqual({ key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' });
    expect(await k.ok(['cordon', 'node01'])).toBe('node/node01 already cordoned\n');
    expect(await k.ok(['uncordon', 'node01'])).toBe('node/node01 uncordoned\n');
    expect(rowOf(await k.ok(['get', 'nodes']), 'node01')).toMatch(/^node01\s+Ready\s+<none>\s+/);
    await waitFor('taint gone', () => !(c.client.nodes.get(undefined, 'node01')!.spec.taints ?? []).length);
  });

  it('create pdb; get pdb prints MIN AVAILABLE MAX UNAVAILABLE ALLOWED DISRUPTIONS', async () => {
    expect(await k.ok(['create', 'deployment', 'web', '--image=nginx', '--replicas=4'])).toBe('deployment.apps/web created\n');
    await waitFor('4 ready web pods', () => live(webPods()).filter(ready).length === 4, 30_000);
    expect(live(webPods()).some((p) => p.spec.nodeName === 'node01')).toBe(true);
    expect(await k.ok(['create', 'pdb', 'web-pdb', '--selector=app=web', '--max-unavailable=0'])).toBe('poddisruptionbudget.policy/web-pdb created\n');
    const pdb = await waitFor('budget computed', () => {
      const p = pdbs().get('default', 'web-pdb');
      return p?.status?.observedGeneration === 1 && p.status.expectedPods === 4 && p;
    });
    expect(pdb.status).toMatchObject({ currentHealthy: 4, desiredHealthy: 4, disruptionsAllowed: 0 });
    const out = lines(await k.ok(['get', 'pdb']));
    expect(out[0]).toMatch(/^NAME\s+MIN AVAILABLE\s+MAX UNAVAILABLE\s+ALLOWED DISRUPTIONS\s+AGE\s*$/);
    expect(out[1]).toMatch(/^web-pdb\s+N\/A\s+0\s+0\s+\d+s\s*$/);
    const described = await k.ok(['describe', 'pdb', 'web-pdb']);
    expect(described).toMatch(/Max unavailable:\s+0/);
    expect(described).toMatch(/Allowed disruptions:\s+0/);
  });

  it('drain is refused while the budget allows no disruption, until --timeout', async () => {
    const onNode = live(webPods()).filter((p) => p.spec.nodeName === 'node01');
    const started = Date.now();
    const r = await k.run(['drain', 'node01', '--ignore-daemonsets', '--delete-emptydir-data', '--timeout=2s']);
    expect(r.code).not.toBe(0);
    expect(Date.now() - started).toBeGreaterThanOrEqual(4_500); // one 5 s retry pause
    expect(r.stdout).toContain('node/node01 cordoned');
    expect(r.stderr).toMatch(/^Warning: ignoring DaemonSet-managed Pods: kube-flannel\/kube-flannel-ds-\w+, kube-system\/kube-proxy-\w+$/m);
    for (const p of onNode) {
      expect(r.stdout).toContain(`evicting pod default/${p.metadata.name}`);
      expect(r.stderr).toContain(`error when evicting pods/"${p.metadata.name}" -n "default" (will retry after 5s): Cannot evict pod as it would violate the pod's disruption budget.`);
      expect(r.stderr).toContain(`error when evicting pods/"${p.metadata.name}" -n "default": global timeout reached: 2s`);
    }
    expect(r.stderr).toContain('error: unable to drain node "node01" due to error:');
    // Nothing was evicted.
    expect(live(webPods()).filter((p) => p.spec.nodeName === 'node01').map((p) => p.metadata.name).sort()).toEqual(onNode.map((p) => p.metadata.name).sort());
    expect(pdbs().get('default', 'web-pdb')!.status.disruptedPods).toBeUndefined();
  });

  it('drain succeeds through a permissive budget; DaemonSet pods stay on the node', async () => {
    await k.ok(['patch', 'pdb', 'web-pdb', '--type=merge', '-p', '{"spec":{"maxUnavailable":4}}']);
    await waitFor('budget allows 4', () => pdbs().get('default', 'web-pdb')?.status?.disruptionsAllowed === 4);
    const onNode = live(webPods()).filter((p) => p.spec.nodeName === 'node01');
    const r = await k.run(['drain', 'node01', '--ignore-daemonsets', '--delete-emptydir-data', '--timeout=60s']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('node/node01 already cordoned');
    for (const p of onNode) expect(r.stdout).toContain(`pod/${p.metadata.name} evicted`);
    expect(r.stdout).toContain('node/node01 drained');
    const left = c.client.pods.list().items.filter((p) => p.spec.nodeName === 'node01');
    expect(left.every((p) => p.metadata.ownerReferences?.[0]?.kind === 'DaemonSet')).toBe(true);
    expect(left.length).toBe(2);
    await waitFor('4 web pods ready elsewhere', () => {
      const pods = live(webPods());
      return pods.length === 4 && pods.every((p) => ready(p) && p.spec.nodeName === 'node02');
    }, 30_000);
    expect(rowOf(await k.ok(['get', 'nodes']), 'node01')).toMatch(/^node01\s+Ready,SchedulingDisabled\s+/);
  });

  it('--disable-eviction deletes pods regardless of the budget', async () => {
    await k.ok(['patch', 'pdb', 'web-pdb', '--type=merge', '-p', '{"spec":{"maxUnavailable":0}}']);
    await waitFor('budget allows none', () => pdbs().get('default', 'web-pdb')?.status?.disruptionsAllowed === 0 && pdbs().get('default', 'web-pdb')?.status?.observedGeneration === 3);
    const r = await k.run(['drain', 'node02', '--ignore-daemonsets', '--disable-eviction', '--timeout=60s']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('node/node02 drained');
    expect(r.stdout).not.toContain('evicting pod');
    await waitFor('no web pod left on node02', () => !live(webPods()).some((p) => p.spec.nodeName === 'node02'));
    // Nowhere to go: both workers cordoned, the control plane tainted.
    await waitFor('replacements pending', () => live(webPods()).length === 4 && live(webPods()).every((p) => !p.spec.nodeName));
    expect(await k.ok(['uncordon', 'node01', 'node02'])).toBe('node/node01 uncordoned\nnode/node02 uncordoned\n');
    await waitFor('web running again', () => live(webPods()).filter(ready).length === 4, 30_000);
  });
});

describe.each(KUBECTL_VERSIONS)('a node lost under virtual time, with kubectl %s', (version) => {
  let c: TestCluster;
  let k: Kubectl;
  const clock = () => c.clock as VirtualClock;
  const webPods = () => c.client.pods.list('default', { labelSelector: 'app=web' }).items;

  beforeAll(async () => {
    c = await startTestCluster({ components: DEFAULT_COMPONENTS, fixture: 'default', clock: 'virtual' });
    k = new Kubectl(version, c.kubeconfigPath);
    expect(await clock().advanceUntil(() => c.client.pods.list('kube-system').items.every((p) => p.status?.phase === 'Running'), '2m', '1s')).toBe(true);
  });
  afterAll(() => c?.stop());

  it('annotating the kubelet stopped: NotReady, tainted, pods evicted after 300 s and replaced on node02', async () => {
    expect(await k.ok(['create', 'deployment', 'web', '--image=nginx', '--replicas=4'])).toBe('deployment.apps/web created\n');
    await clock().advance('10s');
    const before = webPods().filter((p) => p.spec.nodeName === 'node01').map((p) => p.metadata.name).sort();
    expect(before.length).toBeGreaterThan(0);

    // (kubectl 1.27 prints "annotate", later versions "annotated")
    expect(await k.ok(['annotate', 'node', 'node01', 'kubesim.io/kubelet=stopped'])).toMatch(/^node\/node01 annotated?\n$/);
    await clock().advance('65s');
    expect(rowOf(await k.ok(['get', 'nodes']), 'node01')).toMatch(/^node01\s+NotReady\s+<none>\s+/);
    const described = await k.ok(['describe', 'node', 'node01']);
    expect(described).toMatch(/Taints:\s+node\.kubernetes\.io\/unreachable:NoExecute\n\s+node\.kubernetes\.io\/unreachable:NoSchedule/);
    expect(described).toMatch(/Ready\s+Unknown\s+.*NodeStatusUnknown\s+Kubelet stopped posting node status\./);
    // Not evicted yet (300 s toleration). READY counts container statuses, which only the lost kubelet could change;
    // the pod's Ready condition is False (endpoints drop it).
    const pods = await k.ok(['get', 'pods', '-o', 'wide']);
    for (const name of before) expect(rowOf(pods, name)).toMatch(/\s1\/1\s+Running\s+.*\snode01\s/);
    for (const name of before) {
      const ready = c.client.pods.get('default', name)!.status.conditions.find((x: Obj) => x.type === 'Ready');
      expect(ready.status).toBe('False');
    }

    await clock().advance('300s');
    const after = await k.ok(['get', 'pods', '-o', 'wide']);
    for (const name of before) expect(rowOf(after, name)).toMatch(/\sTerminating\s+.*\snode01\s/);
    const replaced = lines(after).slice(1).filter((l) => !l.includes('Terminating'));
    expect(replaced).toHaveLength(4);
    for (const l of replaced) expect(l).toMatch(/\s1\/1\s+Running\s+.*\snode02\s/);
    const events = await k.ok(['get', 'events', '--field-selector', 'reason=TaintManagerEviction']);
    for (const name of before) expect(events).toContain(`Marking for deletion Pod default/${name}`);

    expect(await k.ok(['annotate', 'node', 'node01', 'kubesim.io/kubelet=running', '--overwrite'])).toMatch(/^node\/node01 annotated?\n$/);
    await clock().advance('10s');
    expect(rowOf(await k.ok(['get', 'nodes']), 'node01')).toMatch(/^node01\s+Ready\s+<none>\s+/);
    expect(webPods().filter((p) => p.metadata.deletionTimestamp)).toEqual([]);
  });
});
