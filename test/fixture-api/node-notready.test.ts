// The README's first example: a test file with its own cluster on a virtual clock. A node whose kubelet goes silent
// is marked NotReady (Ready=Unknown) by the node lifecycle controller after node-monitor-grace-period (50 s on the
// Kubernetes 1.33 the cluster reports), its pods stop being Ready, it gets the unreachable NoExecute taint, and when
// the pods' default 300 s toleration runs out they are evicted and replaced on another node: minutes of cluster time
// in milliseconds, with the same outcome on any machine.
import * as k8s from '@kubernetes/client-node';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createCluster, type Cluster, type VirtualClock } from '../../src/index.js';

let cluster: Cluster<VirtualClock>;
let core: k8s.CoreV1Api;
let apps: k8s.AppsV1Api;
let silenced: number;

beforeAll(async () => {
  cluster = await createCluster({ clock: 'virtual', nodes: 2 });
  const kc = await cluster.kubeConfig();
  core = kc.makeApiClient(k8s.CoreV1Api);
  apps = kc.makeApiClient(k8s.AppsV1Api);
  await apps.createNamespacedDeployment({
    namespace: 'default',
    body: {
      metadata: { name: 'web' },
      spec: {
        replicas: 4,
        selector: { matchLabels: { app: 'web' } },
        template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'nginx:1.27' }] } },
      },
    },
  });
  await cluster.clock.advance('30s'); // the default cluster's pods and web's start, kubelets heartbeat
});
afterAll(() => cluster.close());

type Conditions = { status?: { conditions?: { type: string; status: string }[] } };
const condition = (o: Conditions, type = 'Ready') => o.status?.conditions?.find((c) => c.type === type)?.status;
const nodeReady = async (name: string) => condition(await core.readNode({ name }));
const podsOn = async (node: string) => (await core.listPodForAllNamespaces({ fieldSelector: `spec.nodeName=${node}` })).items;
const webPods = async () => (await core.listNamespacedPod({ namespace: 'default', labelSelector: 'app=web' })).items;
const setKubelet = (mode: 'stopped' | 'running') =>
  core.patchNode({ name: 'node01', body: { metadata: { annotations: { 'kubesim.io/kubelet': mode } } } }, k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch));

it('marks a silent node NotReady after the grace period, and its pods not Ready', async () => {
  expect(await nodeReady('node01')).toBe('True');
  const pods = await podsOn('node01');
  expect(pods.some((p) => p.metadata!.labels?.app === 'web')).toBe(true);
  for (const p of pods) expect(condition(p), p.metadata!.name).toBe('True');

  // Silence node01's kubelet, as if the machine had died.
  silenced = cluster.clock.now();
  await setKubelet('stopped');

  await cluster.clock.advance('40s');
  expect(await nodeReady('node01')).toBe('True'); // still within node-monitor-grace-period (50 s)

  await cluster.clock.advance('20s');
  const node = await core.readNode({ name: 'node01' });
  const ready = node.status!.conditions!.find((c) => c.type === 'Ready')!;
  expect(ready).toMatchObject({ status: 'Unknown', reason: 'NodeStatusUnknown', message: 'Kubelet stopped posting node status.' });
  // Noticed on a 5 s monitor pass, 50-60 s after the last heartbeat the controller saw (at most 10 s before the
  // silence began, seen at most 5 s after it).
  const noticedAfter = new Date(ready.lastTransitionTime!).getTime() - silenced;
  expect(noticedAfter).toBeGreaterThanOrEqual(40_000);
  expect(noticedAfter).toBeLessThanOrEqual(60_000);
  expect(await nodeReady('node02')).toBe('True');
  for (const p of await podsOn('node01')) expect(condition(p), p.metadata!.name).toBe('False');
  for (const p of await podsOn('node02')) expect(condition(p), p.metadata!.name).toBe('True');
});

it('taints it unreachable, and evicts its pods when their 300 s toleration runs out', async () => {
  await cluster.clock.advance('10s'); // the next monitor pass queues the NoExecute taint
  const taints = (await core.readNode({ name: 'node01' })).spec!.taints!;
  expect(taints.map((t) => `${t.key}:${t.effect}`)).toEqual(['node.kubernetes.io/unreachable:NoSchedule', 'node.kubernetes.io/unreachable:NoExecute']);
  const taintedAt = new Date(taints[1]!.timeAdded!).getTime();

  // Every pod got the default tolerations from admission: not-ready and unreachable, NoExecute, for 300 s.
  const before = (await webPods()).filter((p) => p.spec!.nodeName === 'node01');
  expect(before.length).toBeGreaterThan(0);
  expect(before[0]!.spec!.tolerations).toContainEqual({ key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 });

  await cluster.clock.advance(taintedAt + 290_000 - cluster.clock.now());
  expect((await webPods()).filter((p) => p.metadata!.deletionTimestamp)).toEqual([]); // still tolerated

  await cluster.clock.advance('20s');
  const after = await webPods();
  const evicted = after.filter((p) => p.metadata!.deletionTimestamp);
  // Terminating: the dead kubelet cannot finish the deletion (as on a real lost node).
  expect(evicted.map((p) => p.metadata!.name).sort()).toEqual(before.map((p) => p.metadata!.name).sort());
  for (const p of evicted) {
    expect(p.status!.conditions!.find((c) => c.type === 'DisruptionTarget')).toMatchObject({ status: 'True', reason: 'DeletionByTaintManager' });
  }
  // The ReplicaSet replaced them; the scheduler put the replacements on the node that is still up.
  const live = after.filter((p) => !p.metadata!.deletionTimestamp);
  expect(live).toHaveLength(4);
  for (const p of live) expect(p.spec!.nodeName).toBe('node02');
  const events = (await core.listNamespacedEvent({ namespace: 'default', fieldSelector: 'reason=TaintManagerEviction' })).items;
  expect(events.map((e) => e.message).sort()).toEqual(before.map((p) => `Marking for deletion Pod default/${p.metadata!.name}`).sort());
  // DaemonSet pods tolerate the taint forever: still there.
  expect((await podsOn('node01')).filter((p) => p.metadata!.namespace === 'kube-system' && !p.metadata!.deletionTimestamp).length).toBeGreaterThan(0);
});

it('is Ready again once its kubelet is back: taints gone, terminating pods finished', async () => {
  await setKubelet('running');
  await cluster.clock.advance('10s');
  expect(await nodeReady('node01')).toBe('True');
  expect((await core.readNode({ name: 'node01' })).spec!.taints ?? []).toEqual([]);
  expect((await webPods()).filter((p) => p.metadata!.deletionTimestamp)).toEqual([]);
});
