// The Deployment controller (with the ReplicaSet controller making pods) against a real in-memory store and no
// scheduler or kubelet: the test marks pods ready itself, which is what moves a rollout forward.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { deploymentController } from '../../src/controllers/deployment/controller.js';
import { computeHash, safeEncodeString } from '../../src/controllers/deployment/hash.js';
import { equalIgnoreHash, maxSurge, maxUnavailable, resolveFenceposts } from '../../src/controllers/deployment/util.js';
import { replicaSetController } from '../../src/controllers/replicaset/controller.js';
import type { Obj } from '../../src/registry/types.js';
import { waitFor } from '../helpers/wait.js';
import { events, readyAll, startHarness, type Harness } from './harness.js';

function deployment(name: string, replicas: number, spec: Obj = {}): Obj {
  const labels = { app: name };
  return {
    metadata: { name },
    spec: {
      replicas,
      selector: { matchLabels: labels },
      template: { metadata: { labels }, spec: { containers: [{ name: 'c', image: 'nginx:1.25' }] } },
      ...spec,
    },
  };
}

/** kubectl's DeploymentStatusViewer, reduced to [done, message]. */
function rolloutStatus(d: Obj): [boolean, string] {
  const s = d.status ?? {};
  if ((d.metadata.generation ?? 0) > (s.observedGeneration ?? 0)) return [false, 'Waiting for deployment spec update to be observed...'];
  const cond = (s.conditions ?? []).find((c: Obj) => c.type === 'Progressing');
  if (cond?.reason === 'ProgressDeadlineExceeded') return [false, `deployment "${d.metadata.name}" exceeded its progress deadline`];
  if ((s.updatedReplicas ?? 0) < d.spec.replicas) return [false, `${s.updatedReplicas ?? 0} out of ${d.spec.replicas} new replicas have been updated...`];
  if ((s.replicas ?? 0) > (s.updatedReplicas ?? 0)) return [false, `${(s.replicas ?? 0) - (s.updatedReplicas ?? 0)} old replicas are pending termination...`];
  if ((s.availableReplicas ?? 0) < (s.updatedReplicas ?? 0)) return [false, `${s.availableReplicas ?? 0} of ${s.updatedReplicas ?? 0} updated replicas are available...`];
  return [true, `deployment "${d.metadata.name}" successfully rolled out`];
}

let h: Harness;
beforeEach(async () => {
  h = await startHarness([deploymentController, replicaSetController]);
});
afterEach(async () => {
  await h.stop();
});

const getD = (name: string): Obj => h.client.deployments.get('default', name)!;
const rsOf = (d: Obj): Obj[] =>
  h.client.replicasets
    .list('default')
    .items.filter((rs) => rs.metadata.ownerReferences?.some((r: Obj) => r.uid === d.metadata.uid))
    .sort((a, b) => Number(a.metadata.annotations['deployment.kubernetes.io/revision']) - Number(b.metadata.annotations['deployment.kubernetes.io/revision']));
const sizes = (d: Obj): number[] => rsOf(d).map((rs) => rs.spec.replicas);
const condition = (d: Obj, type: string): Obj | undefined => (d.status?.conditions ?? []).find((c: Obj) => c.type === type);
const setImage = (name: string, image: string) =>
  h.client.deployments.patch('default', name, 'strategic', { spec: { template: { spec: { containers: [{ name: 'c', image }] } } } });

/** Readies pods until the rollout is complete. */
async function rollOut(name: string): Promise<Obj> {
  return waitFor(`rollout of ${name}`, async () => {
    await readyAll(h);
    const d = getD(name);
    return rolloutStatus(d)[0] && d;
  });
}

describe('Deployment controller', () => {
  it('creates a hashed ReplicaSet with revision and replica annotations, and reports rollout status', async () => {
    const d = await h.client.deployments.create('default', deployment('web', 2));
    const [rs] = await waitFor('new ReplicaSet', () => rsOf(d).length === 1 && rsOf(d));
    const hash = rs.metadata.labels['pod-template-hash'];
    expect(hash).toMatch(/^[bcdfghjklmnpqrstvwxz2456789]{1,10}$/);
    expect(rs.metadata.name).toBe(`web-${hash}`);
    expect(rs.spec.selector.matchLabels).toEqual({ app: 'web', 'pod-template-hash': hash });
    expect(rs.spec.template.metadata.labels).toEqual({ app: 'web', 'pod-template-hash': hash });
    expect(rs.metadata.annotations).toEqual({
      'deployment.kubernetes.io/revision': '1',
      'deployment.kubernetes.io/desired-replicas': '2',
      'deployment.kubernetes.io/max-replicas': '3',
    });
    expect(rs.metadata.ownerReferences).toEqual([{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', uid: d.metadata.uid, controller: true, blockOwnerDeletion: true }]);
    expect(equalIgnoreHash(rs.spec.template, getD('web').spec.template)).toBe(true);
    const ev = await waitFor('ScalingReplicaSet', () => events(h, 'ScalingReplicaSet')[0]);
    expect(ev).toMatchObject({ message: `Scaled up replica set web-${hash} from 0 to 2`, source: { component: 'deployment-controller' }, involvedObject: { kind: 'Deployment', name: 'web' } });

    const pending = await waitFor('status before readiness', () => getD('web').status?.unavailableReplicas === 2 && getD('web'));
    expect(pending.metadata.annotations['deployment.kubernetes.io/revision']).toBe('1');
    expect(pending.status).toMatchObject({ observedGeneration: 1, replicas: 2, updatedReplicas: 2, unavailableReplicas: 2 });
    expect(rolloutStatus(pending)).toEqual([false, '0 of 2 updated replicas are available...']);
    expect(condition(pending, 'Available')).toMatchObject({ status: 'False', reason: 'MinimumReplicasUnavailable', message: 'Deployment does not have minimum availability.' });
    expect(condition(pending, 'Progressing')).toMatchObject({ status: 'True', reason: 'ReplicaSetUpdated', message: `ReplicaSet "web-${hash}" is progressing.` });

    const done = await rollOut('web');
    expect(done.status).toEqual({
      observedGeneration: 1,
      replicas: 2,
      updatedReplicas: 2,
      readyReplicas: 2,
      availableReplicas: 2,
      conditions: expect.any(Array),
    });
    expect(condition(done, 'Available')).toMatchObject({ status: 'True', reason: 'MinimumReplicasAvailable', message: 'Deployment has minimum availability.' });
    await waitFor('NewReplicaSetAvailable', () => condition(getD('web'), 'Progressing')?.reason === 'NewReplicaSetAvailable');
    expect(condition(getD('web'), 'Progressing')!.message).toBe(`ReplicaSet "web-${hash}" has successfully progressed.`);
  });

  it('scales the ReplicaSet up and down with ScalingReplicaSet events', async () => {
    const d = await h.client.deployments.create('default', deployment('web', 2));
    await rollOut('web');
    await h.client.deployments.patch('default', 'web', 'merge', { spec: { replicas: 5 } });
    await waitFor('scaled up', () => sizes(d)[0] === 5);
    const rs = rsOf(d)[0];
    expect(rs.metadata.annotations['deployment.kubernetes.io/desired-replicas']).toBe('5');
    expect(rs.metadata.annotations['deployment.kubernetes.io/max-replicas']).toBe('7');
    await rollOut('web');
    await h.client.deployments.patch('default', 'web', 'merge', { spec: { replicas: 1 } });
    await waitFor('scaled down', () => sizes(d)[0] === 1 && getD('web').status?.replicas === 1);
    const msgs = events(h, 'ScalingReplicaSet').map((e) => e.message);
    expect(msgs).toContain(`Scaled up replica set ${rs.metadata.name} from 2 to 5`);
    expect(msgs).toContain(`Scaled down replica set ${rs.metadata.name} from 5 to 1`);
    expect(rsOf(d)).toHaveLength(1);
  });

  it('rolls out within maxSurge=1 / maxUnavailable=0, one step per readiness change', async () => {
    const d = await h.client.deployments.create(
      'default',
      deployment('web', 3, { strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } } }),
    );
    await rollOut('web');
    // Invariant throughout: never more than replicas + maxSurge pods requested.
    const seen: number[][] = [];
    const watcher = h.client.replicasets.watch('default', Number(h.client.replicasets.list('default').resourceVersion), () => seen.push(sizes(d)));
    await setImage('web', 'nginx:1.26');
    // Step 1: the new ReplicaSet surges by one; nothing old may go until it is available.
    await waitFor('surge', () => rsOf(d).length === 2 && sizes(d)[1] === 1);
    expect(sizes(d)).toEqual([3, 1]);
    expect(rolloutStatus(getD('web'))[0]).toBe(false);
    for (const want of [
      [2, 2],
      [1, 3],
      [0, 3],
    ]) {
      await readyAll(h);
      await waitFor(`sizes ${want}`, () => sizes(d).join() === want.join());
    }
    await rollOut('web');
    watcher.stop();
    expect(seen.length).toBeGreaterThan(0);
    for (const s of seen) expect(s.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(4);
    const final = getD('web');
    expect(final.metadata.annotations['deployment.kubernetes.io/revision']).toBe('2');
    expect(final.status).toMatchObject({ replicas: 3, updatedReplicas: 3, availableReplicas: 3, readyReplicas: 3 });
  });

  it('rolls out within maxSurge=0 / maxUnavailable=25% by scaling old pods down first', async () => {
    const d = await h.client.deployments.create(
      'default',
      deployment('web', 4, { strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 0, maxUnavailable: '25%' } } }),
    );
    await rollOut('web');
    await setImage('web', 'nginx:1.26');
    await waitFor('first step', () => rsOf(d).length === 2 && sizes(d).join() === '3,1');
    await readyAll(h);
    await waitFor('second step', () => sizes(d).join() === '2,2');
    await rollOut('web');
    expect(sizes(d)).toEqual([0, 4]);
  });

  it('Recreate scales the old ReplicaSet to zero before creating the new one', async () => {
    const d = await h.client.deployments.create('default', deployment('web', 2, { strategy: { type: 'Recreate' } }));
    await rollOut('web');
    const old = rsOf(d)[0];
    let oldPodsWhenNewAppeared = -1;
    const watcher = h.client.replicasets.watch('default', Number(h.client.replicasets.list('default').resourceVersion), (e) => {
      if (e.type === 'ADDED' && oldPodsWhenNewAppeared < 0) {
        oldPodsWhenNewAppeared = h.client.pods.list('default').items.filter((p) => p.metadata.labels['pod-template-hash'] === old.metadata.labels['pod-template-hash']).length;
      }
    });
    await setImage('web', 'nginx:1.26');
    await rollOut('web');
    watcher.stop();
    expect(oldPodsWhenNewAppeared).toBe(0);
    expect(sizes(d)).toEqual([0, 2]);
    expect(events(h, 'ScalingReplicaSet').map((e) => e.message)).toContain(`Scaled down replica set ${old.metadata.name} from 2 to 0`);
  });

  it('rolls back like kubectl rollout undo: the old ReplicaSet comes back with a new revision', async () => {
    const d = await h.client.deployments.create('default', deployment('web', 2));
    await rollOut('web');
    await setImage('web', 'nginx:1.26');
    await waitFor('second revision', () => getD('web').metadata.annotations?.['deployment.kubernetes.io/revision'] === '2');
    await rollOut('web');
    const [rev1, rev2] = rsOf(d);
    // kubectl rollout undo: the previous revision's template minus pod-template-hash, patched onto the deployment.
    const template = structuredClone(rev1.spec.template);
    delete template.metadata.labels['pod-template-hash'];
    await h.client.deployments.patch('default', 'web', 'json', [{ op: 'replace', path: '/spec/template', value: template }]);
    await waitFor('revision 3', () => getD('web').metadata.annotations?.['deployment.kubernetes.io/revision'] === '3');
    const done = await rollOut('web');
    expect(done.status.updatedReplicas).toBe(2);
    const after = h.client.replicasets.list('default').items;
    expect(after).toHaveLength(2);
    const back = after.find((rs) => rs.metadata.uid === rev1.metadata.uid)!;
    expect(back.metadata.annotations['deployment.kubernetes.io/revision']).toBe('3');
    expect(back.metadata.annotations['deployment.kubernetes.io/revision-history']).toBe('1');
    expect(back.spec.replicas).toBe(2);
    expect(after.find((rs) => rs.metadata.uid === rev2.metadata.uid)!.spec.replicas).toBe(0);
  });

  it('does not roll out while paused, scales proportionally, and resumes', async () => {
    const d = await h.client.deployments.create('default', deployment('web', 2));
    await rollOut('web');
    await h.client.deployments.patch('default', 'web', 'merge', { spec: { paused: true } });
    await waitFor('paused condition', () => condition(getD('web'), 'Progressing')?.reason === 'DeploymentPaused');
    expect(condition(getD('web'), 'Progressing')).toMatchObject({ status: 'Unknown', message: 'Deployment is paused' });
    await setImage('web', 'nginx:1.26');
    await h.client.deployments.patch('default', 'web', 'merge', { spec: { replicas: 3 } });
    await waitFor('observed while paused', () => getD('web').status?.observedGeneration === getD('web').metadata.generation && sizes(d).join() === '3');
    expect(rsOf(d)).toHaveLength(1);
    expect(rolloutStatus(getD('web'))[1]).toBe('0 out of 3 new replicas have been updated...');
    await h.client.deployments.patch('default', 'web', 'merge', { spec: { paused: false } });
    await waitFor('new ReplicaSet after resume', () => rsOf(d).length === 2);
    await rollOut('web');
    expect(sizes(d)).toEqual([0, 3]);
  });

  it('keeps only revisionHistoryLimit old ReplicaSets', async () => {
    const d = await h.client.deployments.create('default', deployment('web', 1, { revisionHistoryLimit: 1 }));
    await rollOut('web');
    for (const image of ['nginx:1.26', 'nginx:1.27', 'nginx:1.28']) {
      await setImage('web', image);
      await waitFor(`rollout to ${image}`, async () => {
        await readyAll(h);
        const cur = getD('web');
        return rsOf(d).some((rs) => rs.spec.template.spec.containers[0].image === image && rs.status?.availableReplicas === 1) && rolloutStatus(cur)[0];
      });
    }
    const left = await waitFor('cleanup', () => rsOf(d).length === 2 && rsOf(d));
    expect(left.map((rs) => rs.spec.template.spec.containers[0].image)).toEqual(['nginx:1.27', 'nginx:1.28']);
    expect(left.map((rs) => rs.metadata.annotations['deployment.kubernetes.io/revision'])).toEqual(['3', '4']);
  });

  it('reports ProgressDeadlineExceeded when no progress is made before the deadline', async () => {
    await h.client.deployments.create('default', deployment('web', 2, { progressDeadlineSeconds: 30 }));
    await waitFor('progressing', () => condition(getD('web'), 'Progressing')?.status === 'True' && getD('web').status?.replicas === 2);
    h.clock.advance(20_000);
    expect(condition(getD('web'), 'Progressing')?.reason).not.toBe('ProgressDeadlineExceeded');
    h.clock.advance(15_000);
    const c = await waitFor('timed out', () => {
      const cond = condition(getD('web'), 'Progressing');
      return cond?.reason === 'ProgressDeadlineExceeded' && cond;
    });
    expect(c).toMatchObject({ status: 'False', message: expect.stringMatching(/^ReplicaSet "web-\w+" has timed out progressing\.$/) });
    expect(rolloutStatus(getD('web'))).toEqual([false, 'deployment "web" exceeded its progress deadline']);
    // Progress afterwards clears the timeout.
    await rollOut('web');
    expect(condition(getD('web'), 'Progressing')?.reason).toBe('NewReplicaSetAvailable');
  });

  it('counts availability only after minReadySeconds', async () => {
    const d = await h.client.deployments.create('default', deployment('web', 2, { minReadySeconds: 10 }));
    await waitFor('pods', () => h.client.pods.list('default').items.length === 2);
    expect(rsOf(d)[0].spec.minReadySeconds).toBe(10);
    await readyAll(h);
    await waitFor('ready, not yet available', () => getD('web').status?.readyReplicas === 2);
    expect(getD('web').status.availableReplicas).toBeUndefined();
    expect(rolloutStatus(getD('web'))).toEqual([false, '0 of 2 updated replicas are available...']);
    h.clock.advance(12_000);
    await waitFor('available', () => rolloutStatus(getD('web'))[0]);
    expect(getD('web').status).toMatchObject({ availableReplicas: 2, readyReplicas: 2 });
  });

  it('resolves a pod-template-hash collision by bumping status.collisionCount', async () => {
    const d0 = deployment('web', 1);
    const d = await h.client.deployments.create('default', { ...d0, spec: { ...d0.spec, paused: true } });
    const hash = computeHash(d.spec.template);
    // Someone else's ReplicaSet already has the name the new ReplicaSet would get.
    await h.client.replicasets.create('default', {
      metadata: { name: `web-${hash}`, labels: { app: 'other' } },
      spec: { replicas: 0, selector: { matchLabels: { app: 'other' } }, template: { metadata: { labels: { app: 'other' } }, spec: { containers: [{ name: 'c', image: 'x' }] } } },
    });
    await h.client.deployments.patch('default', 'web', 'merge', { spec: { paused: false } });
    const done = await rollOut('web');
    expect(done.status.collisionCount).toBe(1);
    expect(rsOf(d).map((rs) => rs.metadata.name)).toEqual([`web-${computeHash(d.spec.template, 1)}`]);
  });

  it('adopts a matching orphan ReplicaSet instead of creating a new one', async () => {
    const template = { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'nginx:1.25' }] } };
    const d0 = deployment('web', 1);
    const created = await h.client.deployments.create('default', { ...d0, spec: { ...d0.spec, paused: true } });
    const hash = 'orphan1';
    await h.client.replicasets.create('default', {
      metadata: { name: 'web-orphan', labels: { app: 'web', 'pod-template-hash': hash } },
      spec: { replicas: 1, selector: { matchLabels: { app: 'web', 'pod-template-hash': hash } }, template: { ...template, metadata: { labels: { app: 'web', 'pod-template-hash': hash } } } },
    });
    await waitFor('adopted', () => h.client.replicasets.get('default', 'web-orphan')!.metadata.ownerReferences?.[0]?.uid === created.metadata.uid);
    await h.client.deployments.patch('default', 'web', 'merge', { spec: { paused: false } });
    await rollOut('web');
    expect(h.client.replicasets.list('default').items.map((rs) => rs.metadata.name)).toEqual(['web-orphan']);
  });
});

describe('Deployment helpers', () => {
  it('computes a pod-template-hash in the safe alphabet, changed by collisionCount', () => {
    expect(safeEncodeString('0123456789')).toBe('456789bcdf');
    const t = { metadata: { labels: { app: 'x' } }, spec: { containers: [{ name: 'c', image: 'i' }] } };
    const a = computeHash(t);
    expect(a).toBe(computeHash(structuredClone(t)));
    expect(a).toMatch(/^[456789bcdf]{1,10}$/);
    expect(computeHash(t, 1)).not.toBe(a);
    expect(computeHash({ ...t, spec: { containers: [{ image: 'i', name: 'c' }] } })).toBe(a);
  });

  it('resolves maxSurge up and maxUnavailable down, never both zero', () => {
    expect(resolveFenceposts('25%', '25%', 10)).toEqual([3, 2]);
    expect(resolveFenceposts('25%', '25%', 1)).toEqual([1, 0]);
    expect(resolveFenceposts(0, '10%', 5)).toEqual([0, 1]);
    const d = (ru: Obj, replicas = 4) => ({ spec: { replicas, strategy: { type: 'RollingUpdate', rollingUpdate: ru } } });
    expect(maxSurge(d({ maxSurge: '50%', maxUnavailable: 1 }))).toBe(2);
    expect(maxUnavailable(d({ maxSurge: 0, maxUnavailable: 10 }))).toBe(4);
    expect(maxSurge({ spec: { replicas: 4, strategy: { type: 'Recreate' } } })).toBe(0);
  });
});
