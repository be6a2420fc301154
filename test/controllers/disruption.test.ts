// The disruption controller against a real in-memory store with the workload controllers (no scheduler or kubelet:
// the test marks pods Ready): PodDisruptionBudget status for integer and percentage budgets, controllers found
// through Deployment → ReplicaSet and StatefulSet, unmanaged and unscalable pods, the fail-safe, disruptedPods
// expiry, and stale DisruptionTarget conditions reset after 2 minutes.
import { afterEach, describe, expect, it } from 'vitest';
import { daemonSetController } from '../../src/controllers/daemonset/controller.js';
import { deploymentController } from '../../src/controllers/deployment/controller.js';
import { disruptionController, STALE_POD_DISRUPTION_MS } from '../../src/controllers/disruption/controller.js';
import { DELETION_TIMEOUT_MS } from '../../src/controllers/disruption/expected.js';
import { replicaSetController } from '../../src/controllers/replicaset/controller.js';
import { statefulSetController } from '../../src/controllers/statefulset/controller.js';
import { rfc3339 } from '../../src/clock.js';
import type { Obj } from '../../src/registry/types.js';
import { waitFor } from '../helpers/wait.js';
import { events, markReady, readyAll, startHarness, type Harness } from './harness.js';

let h: Harness;
afterEach(() => h?.stop());

const pdbs = () => h.client.resource('policy', 'v1', 'poddisruptionbudgets');
const pdb = (name: string): Obj => pdbs().get('default', name)!;
const cond = (o: Obj) => (o.status?.conditions ?? []).find((c: Obj) => c.type === 'DisruptionAllowed');

function workload(name: string, replicas: number, labels: Obj = { app: name }): Obj {
  return { metadata: { name }, spec: { replicas, selector: { matchLabels: labels }, template: { metadata: { labels }, spec: { containers: [{ name: 'c', image: 'nginx' }] } } } };
}

async function budget(name: string, spec: Obj): Promise<Obj> {
  return pdbs().create('default', { metadata: { name }, spec });
}

/** Waits until the budget's status matches `want` (the controller has caught up). */
function settled(name: string, want: Obj): Promise<Obj> {
  return waitFor(`${name} status ${JSON.stringify(want)} (is ${JSON.stringify(pdbs().get('default', name)?.status)})`, () => {
    const p = pdbs().get('default', name);
    const s = p?.status ?? {};
    return Object.entries(want).every(([k, v]) => JSON.stringify(s[k]) === JSON.stringify(v)) && p;
  });
}

async function deploymentWithReadyPods(name: string, replicas: number): Promise<void> {
  await h.client.resource('apps', 'v1', 'deployments').create('default', workload(name, replicas));
  await waitFor(`${replicas} pods`, () => h.client.pods.list('default', { labelSelector: `app=${name}` }).items.length === replicas);
  await readyAll(h, 'default', (p) => p.metadata.labels?.app === name);
}

describe('PodDisruptionBudget status', () => {
  it('minAvailable 2 over three ready Deployment pods allows one disruption', async () => {
    h = await startHarness([deploymentController, replicaSetController, disruptionController]);
    await deploymentWithReadyPods('web', 3);
    await budget('web', { minAvailable: 2, selector: { matchLabels: { app: 'web' } } });
    const p = await settled('web', { currentHealthy: 3, desiredHealthy: 2, expectedPods: 3, disruptionsAllowed: 1, observedGeneration: 1 });
    expect(cond(p)).toEqual({ type: 'DisruptionAllowed', status: 'True', observedGeneration: 1, lastTransitionTime: expect.any(String), reason: 'SufficientPods', message: '' });
    expect(p.status.disruptedPods).toBeUndefined();

    // One pod stops being ready: no disruption left, and the condition flips.
    const victim = h.client.pods.list('default', { labelSelector: 'app=web' }).items[0]!;
    await h.client.pods.updateStatus({ ...victim, status: { ...victim.status, conditions: [{ type: 'Ready', status: 'False', lastProbeTime: null, lastTransitionTime: rfc3339(h.clock.now()) }] } });
    const after = await settled('web', { currentHealthy: 2, disruptionsAllowed: 0 });
    expect(cond(after)).toMatchObject({ status: 'False', reason: 'InsufficientPods' });

    // A spec change is observed with the new generation.
    await pdbs().patch('default', 'web', 'merge', { spec: { minAvailable: 1 } });
    await settled('web', { observedGeneration: 2, desiredHealthy: 1, disruptionsAllowed: 1 });
  });

  it('maxUnavailable and percentage minAvailable count the controllers’ scale, rounding up', async () => {
    h = await startHarness([deploymentController, replicaSetController, statefulSetController, disruptionController]);
    await deploymentWithReadyPods('api', 4);
    await budget('max', { maxUnavailable: '30%', selector: { matchLabels: { app: 'api' } } });
    // expected 4, maxUnavailable ceil(1.2) = 2 → desiredHealthy 2.
    await settled('max', { expectedPods: 4, desiredHealthy: 2, currentHealthy: 4, disruptionsAllowed: 2 });
    await budget('min', { minAvailable: '60%', selector: { matchLabels: { app: 'api' } } });
    await settled('min', { expectedPods: 4, desiredHealthy: 3, disruptionsAllowed: 1 });

    // A StatefulSet whose pods are not all created yet still expects its full scale.
    await h.client.resource('apps', 'v1', 'statefulsets').create('default', { ...workload('db', 3), spec: { ...workload('db', 3).spec, serviceName: 'db' } });
    await budget('db', { maxUnavailable: 1, selector: { matchLabels: { app: 'db' } } });
    await waitFor('db-0', () => h.client.pods.get('default', 'db-0'));
    await markReady(h, h.client.pods.get('default', 'db-0')!);
    await settled('db', { expectedPods: 3, desiredHealthy: 2, currentHealthy: 1, disruptionsAllowed: 0 });
  });

  it('reports no pods, unmanaged pods, and falls safe on pods without a scalable controller', async () => {
    h = await startHarness([daemonSetController, disruptionController]);
    await budget('none', { minAvailable: 1, selector: { matchLabels: { app: 'none' } } });
    const none = await settled('none', { expectedPods: 0, currentHealthy: 0, desiredHealthy: 1, disruptionsAllowed: 0, observedGeneration: 1 });
    expect(cond(none)).toMatchObject({ status: 'False', reason: 'InsufficientPods' });
    await waitFor('NoPods event', () => events(h, 'NoPods').some((e) => e.message === 'No matching pods found' && e.type === 'Normal' && e.source.component === 'controllermanager'));

    await h.client.pods.create('default', { metadata: { name: 'bare', labels: { app: 'bare' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } });
    await markReady(h, h.client.pods.get('default', 'bare')!);
    await budget('bare', { maxUnavailable: 1, selector: { matchLabels: { app: 'bare' } } });
    await settled('bare', { expectedPods: 0, currentHealthy: 1, disruptionsAllowed: 0 });
    const unmanaged = await waitFor('UnmanagedPods event', () => events(h, 'UnmanagedPods')[0]);
    expect(unmanaged.type).toBe('Warning');
    expect(unmanaged.message).toMatch(/^Pods selected by this PodDisruptionBudget \(selector: &LabelSelector\{MatchLabels:map\[string\]string\{app: bare,\},.*To account for these pods please set "\.spec\.minAvailable" field of the PDB to an integer value\.$/);

    // DaemonSet pods have no scale: the budget fails safe with the reason in its condition.
    await h.client.nodes.create(undefined, { metadata: { name: 'node01' } });
    await h.client.resource('apps', 'v1', 'daemonsets').create('default', workload('agent', 0));
    await waitFor('daemon pod', () => h.client.pods.list('default', { labelSelector: 'app=agent' }).items.length === 1);
    await budget('agent', { maxUnavailable: 1, selector: { matchLabels: { app: 'agent' } } });
    const failed = await waitFor('SyncFailed', () => cond(pdb('agent') ?? {})?.reason === 'SyncFailed' && pdb('agent'));
    expect(cond(failed)).toMatchObject({ status: 'False', message: 'daemonsets.apps does not implement the scale subresource' });
    expect(failed.status.disruptionsAllowed).toBe(0);
    expect(events(h, 'CalculateExpectedPodCountFailed')[0]?.message).toBe('Failed to calculate the number of expected pods: daemonsets.apps does not implement the scale subresource');
  });

  it('keeps evicted pods out of the healthy count until they go, and forgets evictions after 2 minutes', async () => {
    h = await startHarness([deploymentController, replicaSetController, disruptionController]);
    await deploymentWithReadyPods('web', 3);
    await budget('web', { minAvailable: 1, selector: { matchLabels: { app: 'web' } } });
    const p = await settled('web', { currentHealthy: 3, disruptionsAllowed: 2 });
    const evicted = h.client.pods.list('default', { labelSelector: 'app=web' }).items[0]!.metadata.name;
    // What the eviction subresource writes: one disruption taken, the pod recorded.
    await pdbs().updateStatus({ ...p, status: { ...p.status, disruptionsAllowed: 1, disruptedPods: { [evicted]: rfc3339(h.clock.now()) } } });
    const pending = await settled('web', { currentHealthy: 2, disruptionsAllowed: 1 });
    expect(Object.keys(pending.status.disruptedPods)).toEqual([evicted]);

    // The pod was never deleted: after DeletionTimeout it counts again, with a NotDeleted warning.
    h.clock.advance(DELETION_TIMEOUT_MS + 1_000);
    const back = await settled('web', { currentHealthy: 3, disruptionsAllowed: 2 });
    expect(back.status.disruptedPods).toBeUndefined();
    const warning = await waitFor('NotDeleted', () => events(h, 'NotDeleted')[0]);
    expect(warning).toMatchObject({ type: 'Warning', message: "Pod was expected by PDB default/default to be deleted but it wasn't", involvedObject: { name: evicted } });
  });

  it('resets a stale DisruptionTarget condition of a pod that was not deleted after 2 minutes', async () => {
    h = await startHarness([disruptionController]);
    await h.client.pods.create('default', { metadata: { name: 'survivor' }, spec: { containers: [{ name: 'c', image: 'nginx' }] } });
    const pod = h.client.pods.get('default', 'survivor')!;
    const since = rfc3339(h.clock.now());
    await h.client.pods.updateStatus({ ...pod, status: { ...pod.status, conditions: [{ type: 'DisruptionTarget', status: 'True', reason: 'EvictionByEvictionAPI', message: 'Eviction API: evicting', lastProbeTime: null, lastTransitionTime: since }] } });
    const target = () => (h.client.pods.get('default', 'survivor')!.status.conditions ?? []).find((c: Obj) => c.type === 'DisruptionTarget');
    h.clock.advance(STALE_POD_DISRUPTION_MS - 10_000);
    expect(target().status).toBe('True');
    h.clock.advance(11_000);
    await waitFor('condition reset', () => target().status === 'False');
    expect(target().reason).toBeUndefined();
  });
});
