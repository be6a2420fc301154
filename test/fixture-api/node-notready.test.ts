// The README's first example: a test file with its own cluster on a virtual clock. A node whose kubelet goes silent
// is marked NotReady (Ready=Unknown) by the node lifecycle controller after the 40 s grace period, and its pods stop
// being Ready: minutes of cluster time in milliseconds, with the same outcome on any machine.
import * as k8s from '@kubernetes/client-node';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createCluster, type Cluster, type VirtualClock } from '../../src/index.js';

let cluster: Cluster<VirtualClock>;
let core: k8s.CoreV1Api;

beforeAll(async () => {
  cluster = await createCluster({ clock: 'virtual', nodes: 2 });
  core = (await cluster.kubeConfig()).makeApiClient(k8s.CoreV1Api);
  await cluster.clock.advance('30s'); // the default cluster's pods start, kubelets heartbeat
});
afterAll(() => cluster.close());

const condition = (o: { status?: { conditions?: { type: string; status: string }[] } }, type = 'Ready') =>
  o.status?.conditions?.find((c) => c.type === type)?.status;
const nodeReady = async (name: string) => condition(await core.readNode({ name }));
const podsOn = async (node: string) => (await core.listPodForAllNamespaces({ fieldSelector: `spec.nodeName=${node}` })).items;

it('marks a silent node NotReady after the grace period, and its pods not Ready', async () => {
  expect(await nodeReady('node01')).toBe('True');
  const pods = await podsOn('node01');
  expect(pods.length).toBeGreaterThan(0);
  for (const p of pods) expect(condition(p), p.metadata!.name).toBe('True');

  // Silence node01's kubelet, as if the machine had died.
  const silenced = cluster.clock.now();
  await core.patchNode(
    { name: 'node01', body: { metadata: { annotations: { 'kubesim.io/kubelet': 'stopped' } } } },
    k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch),
  );

  await cluster.clock.advance('25s');
  expect(await nodeReady('node01')).toBe('True'); // still within node-monitor-grace-period (40 s)

  await cluster.clock.advance('35s');
  const node = await core.readNode({ name: 'node01' });
  const ready = node.status!.conditions!.find((c) => c.type === 'Ready')!;
  expect(ready).toMatchObject({ status: 'Unknown', reason: 'NodeStatusUnknown', message: 'Kubelet stopped posting node status.' });
  // Noticed on a 5 s monitor pass, 40-50 s after the last heartbeat (at most 10 s before the silence began).
  const noticedAfter = new Date(ready.lastTransitionTime!).getTime() - silenced;
  expect(noticedAfter).toBeGreaterThanOrEqual(30_000);
  expect(noticedAfter).toBeLessThanOrEqual(60_000);
  expect(await nodeReady('node02')).toBe('True');
  for (const p of await podsOn('node01')) expect(condition(p), p.metadata!.name).toBe('False');
  for (const p of await podsOn('node02')) expect(condition(p), p.metadata!.name).toBe('True');
});

it('is Ready again once its kubelet is back', async () => {
  await core.patchNode(
    { name: 'node01', body: { metadata: { annotations: { 'kubesim.io/kubelet': 'running' } } } },
    k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch),
  );
  await cluster.clock.advance('10s');
  expect(await nodeReady('node01')).toBe('True');
});
