// The simulated volume control plane (PV binder, hostPath provisioner, protection finalizers) against a real
// in-memory store, with no scheduler or kubelet: the test sets spec.nodeName itself to play the scheduler.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { persistentVolumeController } from '../../src/controllers/volume/controller.js';
import type { Obj } from '../../src/registry/types.js';
import { waitFor } from '../helpers/wait.js';
import { events, startHarness, type Harness } from './harness.js';

let h: Harness;
beforeEach(async () => {
  h = await startHarness([persistentVolumeController]);
});
afterEach(async () => {
  await h.stop();
});

const pvcs = () => h.client.resource('', 'v1', 'persistentvolumeclaims');
const pvs = () => h.client.resource('', 'v1', 'persistentvolumes');
const classes = () => h.client.resource('storage.k8s.io', 'v1', 'storageclasses');

function claim(name: string, extra: Obj = {}): Obj {
  return { metadata: { name }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } }, ...extra } };
}

function podUsing(name: string, claimName: string, nodeName?: string): Obj {
  return {
    metadata: { name },
    spec: { ...(nodeName ? { nodeName } : {}), containers: [{ name: 'c', image: 'nginx' }], volumes: [{ name: 'data', persistentVolumeClaim: { claimName } }] },
  };
}

const bound = (name: string) => () => {
  const c = pvcs().get('default', name);
  return c?.status?.phase === 'Bound' && c;
};

describe('dynamic provisioning', () => {
  it('a claim without a class gets the default class, a pvc-<uid> volume, and both are Bound', async () => {
    const created = await pvcs().create('default', claim('data'));
    expect(created.metadata.finalizers).toEqual(['kubernetes.io/pvc-protection']);
    const pvc = await waitFor('claim bound', bound('data'));
    expect(pvc.spec.storageClassName).toBe('standard');
    expect(pvc.spec.volumeName).toBe(`pvc-${created.metadata.uid}`);
    expect(pvc.status).toMatchObject({ phase: 'Bound', accessModes: ['ReadWriteOnce'], capacity: { storage: '1Gi' } });
    expect(pvc.metadata.annotations).toMatchObject({
      'pv.kubernetes.io/bind-completed': 'yes',
      'pv.kubernetes.io/bound-by-controller': 'yes',
      'volume.kubernetes.io/storage-provisioner': 'kubesim.io/hostpath',
      'volume.beta.kubernetes.io/storage-provisioner': 'kubesim.io/hostpath',
    });
    const pv = await waitFor('volume bound', () => pvs().get(undefined, pvc.spec.volumeName)?.status?.phase === 'Bound' && pvs().get(undefined, pvc.spec.volumeName));
    expect(pv.metadata.annotations).toEqual({ 'pv.kubernetes.io/provisioned-by': 'kubesim.io/hostpath' });
    expect(pv.metadata.finalizers).toEqual(['kubernetes.io/pv-protection']);
    expect(pv.spec).toMatchObject({
      accessModes: ['ReadWriteOnce'],
      capacity: { storage: '1Gi' },
      claimRef: { apiVersion: 'v1', kind: 'PersistentVolumeClaim', namespace: 'default', name: 'data', uid: created.metadata.uid },
      persistentVolumeReclaimPolicy: 'Delete',
      storageClassName: 'standard',
      volumeMode: 'Filesystem',
      hostPath: { type: 'DirectoryOrCreate' },
    });
    expect(pv.spec.nodeAffinity).toBeUndefined();
    await waitFor('provisioning events', () => events(h, 'ProvisioningSucceeded').length === 1);
    expect(events(h, 'ProvisioningSucceeded')[0]).toMatchObject({ message: `Successfully provisioned volume ${pv.metadata.name}`, involvedObject: { kind: 'PersistentVolumeClaim', name: 'data' } });
    expect(events(h, 'ExternalProvisioning')).toHaveLength(1);
  });

  it('WaitForFirstConsumer waits for a scheduled pod and pins the volume to its node', async () => {
    await classes().create(undefined, { metadata: { name: 'local' }, provisioner: 'kubesim.io/hostpath', volumeBindingMode: 'WaitForFirstConsumer' });
    await pvcs().create('default', claim('late', { storageClassName: 'local' }));
    await waitFor('WaitForFirstConsumer event', () => events(h, 'WaitForFirstConsumer').length > 0);
    await h.client.pods.create('default', podUsing('unscheduled', 'late'));
    await waitFor('another look at the claim', () => (events(h, 'WaitForFirstConsumer')[0]?.count ?? 0) >= 2);
    expect(pvcs().get('default', 'late')!.status.phase).toBe('Pending');
    expect(pvs().list().items).toHaveLength(0);
    await h.client.pods.create('default', podUsing('scheduled', 'late', 'node-a'));
    const pvc = await waitFor('claim bound', bound('late'));
    expect(pvc.metadata.annotations['volume.kubernetes.io/selected-node']).toBe('node-a');
    const pv = pvs().get(undefined, pvc.spec.volumeName)!;
    expect(pv.spec.nodeAffinity).toEqual({ required: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: ['node-a'] }] }] } });
  });
});

describe('reclaiming', () => {
  it('deleting a claim of a Delete class deletes its volume, once no pod uses the claim', async () => {
    await pvcs().create('default', claim('data'));
    const pvc = await waitFor('claim bound', bound('data'));
    await h.client.pods.create('default', podUsing('user', 'data'));
    await pvcs().delete('default', 'data');
    // In use: the pvc-protection finalizer keeps it Terminating.
    await waitFor('terminating', () => pvcs().get('default', 'data')?.metadata.deletionTimestamp);
    expect(pvcs().get('default', 'data')!.metadata.finalizers).toEqual(['kubernetes.io/pvc-protection']);
    expect(pvs().get(undefined, pvc.spec.volumeName)).toBeDefined();
    await h.client.pods.delete('default', 'user');
    await waitFor('claim gone', () => !pvcs().get('default', 'data'));
    await waitFor('volume gone', () => !pvs().get(undefined, pvc.spec.volumeName));
  });

  it('a Retain class leaves the volume Released', async () => {
    await classes().create(undefined, { metadata: { name: 'keep' }, provisioner: 'kubesim.io/hostpath', reclaimPolicy: 'Retain' });
    await pvcs().create('default', claim('data', { storageClassName: 'keep' }));
    const pvc = await waitFor('claim bound', bound('data'));
    expect(pvs().get(undefined, pvc.spec.volumeName)!.spec.persistentVolumeReclaimPolicy).toBe('Retain');
    await pvcs().delete('default', 'data');
    await waitFor('volume Released', () => pvs().get(undefined, pvc.spec.volumeName)?.status?.phase === 'Released');
  });
});

describe('static binding', () => {
  it('binds a claim to the smallest matching available volume', async () => {
    const hostPath = (p: string) => ({ path: p });
    for (const [name, size] of [['big', '10Gi'], ['small', '2Gi'], ['tiny', '500Mi']] as const) {
      await pvs().create(undefined, { metadata: { name }, spec: { storageClassName: 'manual', capacity: { storage: size }, accessModes: ['ReadWriteOnce'], hostPath: hostPath(`/mnt/${name}`) } });
    }
    await waitFor('volumes Available', () => pvs().list().items.every((v) => v.status?.phase === 'Available'));
    expect(pvs().get(undefined, 'big')!.spec.persistentVolumeReclaimPolicy).toBe('Retain');
    await pvcs().create('default', claim('data', { storageClassName: 'manual' }));
    const pvc = await waitFor('claim bound', bound('data'));
    expect(pvc.spec.volumeName).toBe('small');
    expect(pvc.status.capacity).toEqual({ storage: '2Gi' });
    const pv = await waitFor('volume bound', () => pvs().get(undefined, 'small')?.status?.phase === 'Bound' && pvs().get(undefined, 'small'));
    expect(pv.metadata.annotations).toEqual({ 'pv.kubernetes.io/bound-by-controller': 'yes' });
    expect(pv.spec.claimRef).toMatchObject({ name: 'data', namespace: 'default', uid: pvc.metadata.uid });
  });

  it('an explicit empty class only binds statically, and says so', async () => {
    await pvcs().create('default', claim('none', { storageClassName: '' }));
    await waitFor('FailedBinding event', () => events(h, 'FailedBinding').length === 1);
    expect(events(h, 'FailedBinding')[0].message).toBe('no persistent volumes available for this claim and no storage class is set');
    expect(pvcs().get('default', 'none')!.status.phase).toBe('Pending');
  });
});
