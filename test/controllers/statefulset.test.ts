// The StatefulSet controller against a real in-memory store, with no scheduler or kubelet: the test plays the
// kubelet by marking pods Running and Ready, which is what lets OrderedReady creation and rolling updates advance.
import { afterEach, describe, expect, it } from 'vitest';
import { GarbageCollector } from '../../src/controllers/garbagecollector/controller.js';
import { statefulSetController } from '../../src/controllers/statefulset/controller.js';
import { persistentVolumeController } from '../../src/controllers/volume/controller.js';
import type { ComponentFactory } from '../../src/client/component.js';
import type { Obj } from '../../src/registry/types.js';
import { waitFor } from '../helpers/wait.js';
import { events, isReady, markReady, startHarness, type Harness } from './harness.js';

function statefulSet(name: string, replicas: number, spec: Obj = {}): Obj {
  const labels = { app: name };
  return {
    metadata: { name },
    spec: {
      replicas,
      serviceName: 'nginx',
      selector: { matchLabels: labels },
      template: { metadata: { labels }, spec: { containers: [{ name: 'c', image: 'nginx:1.25' }] } },
      ...spec,
    },
  };
}

const claimTemplate = { metadata: { name: 'www' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } };

let h: Harness;
async function start(extra: ComponentFactory[] = []): Promise<void> {
  h = await startHarness([statefulSetController, ...extra]);
}
afterEach(async () => {
  await h.stop();
});

const sets = () => h.client.resource('apps', 'v1', 'statefulsets');
const revisions = () => h.client.resource('apps', 'v1', 'controllerrevisions');
const pvcs = () => h.client.resource('', 'v1', 'persistentvolumeclaims');
const getSet = (name: string): Obj => sets().get('default', name)!;
const pod = (name: string): Obj | undefined => h.client.pods.get('default', name);
const livePods = (): string[] =>
  h.client.pods
    .list('default')
    .items.filter((p) => !p.metadata.deletionTimestamp)
    .map((p) => p.metadata.name)
    .sort();
const messages = (reason: string): string[] => events(h, reason).map((e) => e.message);

/** Plays the kubelet for an ordered rollout: waits for each pod in turn and marks it ready. */
async function readyInOrder(names: string[]): Promise<void> {
  for (const n of names) {
    const p = await waitFor(`pod ${n}`, () => pod(n) && !pod(n)!.metadata.deletionTimestamp && pod(n));
    if (!isReady(p)) await markReady(h, p);
  }
}

describe('OrderedReady', () => {
  it('creates web-0, web-1, web-2 one at a time, each waiting for its predecessor to be Running and Ready', async () => {
    await start();
    const set = await sets().create('default', statefulSet('web', 3));
    const p0 = await waitFor('web-0', () => pod('web-0'));
    expect(p0.metadata).toMatchObject({
      generateName: 'web-',
      labels: { app: 'web', 'statefulset.kubernetes.io/pod-name': 'web-0', 'apps.kubernetes.io/pod-index': '0', 'controller-revision-hash': expect.stringMatching(/^web-[a-z0-9]+$/) },
      ownerReferences: [{ apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'web', uid: set.metadata.uid, controller: true, blockOwnerDeletion: true }],
    });
    expect(p0.spec).toMatchObject({ hostname: 'web-0', subdomain: 'nginx' });
    // Not ready: web-1 must wait (give the controller a few passes to prove it).
    await waitFor('status observed', () => getSet('web').status?.replicas === 1);
    expect(livePods()).toEqual(['web-0']);
    await markReady(h, p0);
    await waitFor('web-1', () => pod('web-1'));
    expect(livePods()).toEqual(['web-0', 'web-1']);
    await readyInOrder(['web-1', 'web-2']);
    const st = await waitFor('all ready', () => getSet('web').status?.readyReplicas === 3 && getSet('web').status);
    const rev = p0.metadata.labels['controller-revision-hash'];
    expect(st).toMatchObject({ replicas: 3, readyReplicas: 3, currentReplicas: 3, updatedReplicas: 3, availableReplicas: 3, currentRevision: rev, updateRevision: rev, observedGeneration: 1, collisionCount: 0 });
    expect(messages('SuccessfulCreate').sort()).toEqual(['create Pod web-0 in StatefulSet web successful', 'create Pod web-1 in StatefulSet web successful', 'create Pod web-2 in StatefulSet web successful']);
    const cr = revisions().get('default', rev)!;
    expect(cr).toMatchObject({ revision: 1, metadata: { labels: { app: 'web', 'controller-revision-hash': rev.slice('web-'.length) }, ownerReferences: [{ kind: 'StatefulSet', name: 'web', controller: true }] } });
    expect(cr.data.spec.template.$patch).toBe('replace');
  });

  it('scales down from the highest ordinal, waiting for each pod to terminate', async () => {
    await start();
    await sets().create('default', statefulSet('web', 3));
    await readyInOrder(['web-0', 'web-1', 'web-2']);
    // A finalizer keeps web-2 Terminating, as a kubelet would during its grace period.
    await h.client.pods.patch('default', 'web-2', 'merge', { metadata: { finalizers: ['test/hold'] } });
    await sets().patch('default', 'web', 'merge', { spec: { replicas: 1 } });
    await waitFor('web-2 terminating', () => pod('web-2')?.metadata.deletionTimestamp);
    await waitFor('status sees it', () => getSet('web').status?.observedGeneration === 2);
    expect(livePods()).toEqual(['web-0', 'web-1']);
    await h.client.pods.patch('default', 'web-2', 'merge', { metadata: { finalizers: null } });
    await waitFor('scaled to 1', () => livePods().join() === 'web-0' && !pod('web-2') && !pod('web-1'));
    expect(messages('SuccessfulDelete').sort()).toEqual(['delete Pod web-1 in StatefulSet web successful', 'delete Pod web-2 in StatefulSet web successful']);
    await waitFor('status replicas 1', () => getSet('web').status?.replicas === 1);
  });

  it('recreates a failed pod under the same name', async () => {
    await start();
    await sets().create('default', statefulSet('web', 1));
    const p0 = await waitFor('web-0', () => pod('web-0'));
    await h.client.pods.patch('default', 'web-0', 'merge', { status: { phase: 'Failed' } }, { status: true });
    await waitFor('new web-0', () => pod('web-0') && pod('web-0')!.metadata.uid !== p0.metadata.uid);
  });
});

describe('Parallel', () => {
  it('creates every pod at once and scales down without waiting', async () => {
    await start();
    await sets().create('default', statefulSet('web', 3, { podManagementPolicy: 'Parallel' }));
    await waitFor('3 pods without readiness', () => livePods().join() === 'web-0,web-1,web-2');
    await sets().patch('default', 'web', 'merge', { spec: { replicas: 0 } });
    await waitFor('all gone', () => livePods().length === 0);
  });
});

describe('volumeClaimTemplates', () => {
  it('creates <claim>-<set>-<ordinal> before each pod, mounts it, and keeps it on scale down (Retain)', async () => {
    await start([persistentVolumeController]);
    await sets().create('default', statefulSet('web', 2, { volumeClaimTemplates: [claimTemplate] }));
    const p0 = await waitFor('web-0', () => pod('web-0'));
    const c0 = pvcs().get('default', 'www-web-0')!;
    expect(c0.metadata.labels).toEqual({ app: 'web' });
    expect(c0.metadata.ownerReferences).toBeUndefined();
    expect(p0.spec.volumes[0]).toEqual({ name: 'www', persistentVolumeClaim: { claimName: 'www-web-0' } });
    expect(messages('SuccessfulCreate')).toContain('create Claim www-web-0 Pod web-0 in StatefulSet web success');
    await readyInOrder(['web-0', 'web-1']);
    await waitFor('claims bound', () => ['www-web-0', 'www-web-1'].every((n) => pvcs().get('default', n)?.status?.phase === 'Bound'));
    expect(getSet('web').spec.volumeClaimTemplates[0]).toMatchObject({ apiVersion: 'v1', kind: 'PersistentVolumeClaim', spec: { volumeMode: 'Filesystem' }, status: { phase: 'Pending' } });
    await sets().patch('default', 'web', 'merge', { spec: { replicas: 1 } });
    await waitFor('web-1 gone', () => !pod('web-1'));
    expect(pvcs().get('default', 'www-web-1')).toBeDefined();
    // Scaling back up reuses the claim.
    const c1 = pvcs().get('default', 'www-web-1')!;
    await sets().patch('default', 'web', 'merge', { spec: { replicas: 2 } });
    const p1 = await waitFor('web-1 back', () => pod('web-1'));
    expect(p1.spec.volumes[0].persistentVolumeClaim.claimName).toBe('www-web-1');
    expect(pvcs().get('default', 'www-web-1')!.metadata.uid).toBe(c1.metadata.uid);
  });

  it('persistentVolumeClaimRetentionPolicy whenScaled=Delete hands the claim to the condemned pod, so it goes with it', async () => {
    await start([persistentVolumeController, () => new GarbageCollector()]);
    await sets().create('default', statefulSet('web', 2, { volumeClaimTemplates: [claimTemplate], persistentVolumeClaimRetentionPolicy: { whenScaled: 'Delete', whenDeleted: 'Retain' } }));
    await readyInOrder(['web-0', 'web-1']);
    await sets().patch('default', 'web', 'merge', { spec: { replicas: 1 } });
    await waitFor('web-1 gone', () => !pod('web-1'));
    await waitFor('its claim collected', () => !pvcs().get('default', 'www-web-1'));
    expect(pvcs().get('default', 'www-web-0')).toBeDefined();
  });
});

describe('updates', () => {
  const setImage = (image: string, extra: Obj = {}) => sets().patch('default', 'web', 'merge', { spec: { template: { spec: { containers: [{ name: 'c', image }] } }, ...extra } });
  const revOf = (name: string) => pod(name)?.metadata.labels['controller-revision-hash'];

  it('RollingUpdate replaces pods from the highest ordinal, one at a time, waiting for readiness', async () => {
    await start();
    await sets().create('default', statefulSet('web', 3));
    await readyInOrder(['web-0', 'web-1', 'web-2']);
    const oldRev = revOf('web-0');
    await setImage('nginx:1.26');
    const st = await waitFor('new update revision', () => getSet('web').status?.updateRevision !== oldRev && getSet('web').status);
    const newRev = st.updateRevision;
    const p2 = await waitFor('web-2 replaced', () => revOf('web-2') === newRev && pod('web-2'));
    expect(p2.spec.containers[0].image).toBe('nginx:1.26');
    expect(revOf('web-1')).toBe(oldRev); // web-1 waits for web-2 to be ready
    await markReady(h, p2);
    await waitFor('web-1 replaced', () => revOf('web-1') === newRev);
    await readyInOrder(['web-1']);
    await waitFor('web-0 replaced', () => revOf('web-0') === newRev);
    await readyInOrder(['web-0']);
    const done = await waitFor('rollout complete', () => getSet('web').status?.currentRevision === newRev && getSet('web').status);
    expect(done).toMatchObject({ replicas: 3, updatedReplicas: 3, currentReplicas: 3, readyReplicas: 3, observedGeneration: 2 });
    expect(revisions().get('default', newRev)!.revision).toBe(2);
  });

  it('a partition keeps ordinals below it at the current revision', async () => {
    await start();
    await sets().create('default', statefulSet('web', 3, { updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 2 } } }));
    await readyInOrder(['web-0', 'web-1', 'web-2']);
    const oldRev = revOf('web-0');
    await setImage('nginx:1.26');
    const newRev = await waitFor('web-2 updated', () => revOf('web-2') !== oldRev && revOf('web-2'));
    await readyInOrder(['web-2']);
    const st = await waitFor('status', () => getSet('web').status?.readyReplicas === 3 && getSet('web').status?.updatedReplicas === 1 && getSet('web').status);
    expect(st).toMatchObject({ currentRevision: oldRev, updateRevision: newRev, currentReplicas: 2 });
    expect([revOf('web-0'), revOf('web-1')]).toEqual([oldRev, oldRev]);
    // Lowering the partition lets the rollout continue.
    await sets().patch('default', 'web', 'merge', { spec: { updateStrategy: { rollingUpdate: { partition: 0 } } } });
    await waitFor('web-1 updated', () => revOf('web-1') === newRev);
  });

  it('OnDelete only updates pods that are deleted', async () => {
    await start();
    await sets().create('default', statefulSet('web', 2, { updateStrategy: { type: 'OnDelete' } }));
    await readyInOrder(['web-0', 'web-1']);
    const oldRev = revOf('web-0');
    await setImage('nginx:1.26');
    const newRev = await waitFor('update revision', () => getSet('web').status?.updateRevision !== oldRev && getSet('web').status.updateRevision);
    expect([revOf('web-0'), revOf('web-1')]).toEqual([oldRev, oldRev]);
    await h.client.pods.delete('default', 'web-1');
    await waitFor('web-1 recreated at the update revision', () => revOf('web-1') === newRev);
    expect(revOf('web-0')).toBe(oldRev);
  });

  it('rolling back to an earlier template reuses its revision with a new number', async () => {
    await start();
    await sets().create('default', statefulSet('web', 1));
    await readyInOrder(['web-0']);
    const first = revOf('web-0')!;
    await setImage('nginx:1.26');
    await waitFor('updated', () => revOf('web-0') && revOf('web-0') !== first);
    await readyInOrder(['web-0']);
    await setImage('nginx:1.25');
    await waitFor('rolled back', () => revOf('web-0') === first);
    await waitFor('revision renumbered', () => revisions().get('default', first)?.revision === 3);
    expect(revisions().list('default').items).toHaveLength(2);
  });
});
