// The storage resources: core/v1 persistentvolumes and persistentvolumeclaims, storage.k8s.io/v1 storageclasses —
// discovery, the default StorageClass, defaults, validation and the Table columns of upstream's printers.
import supertest from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestCluster, type TestCluster } from '../helpers/cluster.js';

const TABLE_ACCEPT = 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json';
const AGE = /^\d+s$/;

let cluster: TestCluster;
let api: ReturnType<typeof supertest>;

async function table(path: string): Promise<any> {
  const res = await api
    .get(path)
    .set('Accept', TABLE_ACCEPT)
    .buffer(true)
    .parse((r, cb) => {
      let t = '';
      r.on('data', (c: Buffer) => (t += c));
      r.on('end', () => cb(null, JSON.parse(t)));
    });
  expect(res.status).toBe(200);
  return res.body;
}

const columns = (t: any): [string, number][] => t.columnDefinitions.map((c: any) => [c.name, c.priority]);
const row = (t: any, name: string): unknown[] => t.rows.find((r: any) => r.object.metadata.name === name)?.cells;

beforeAll(async () => {
  cluster = await startTestCluster({ components: [] });
  api = supertest(cluster.url);
});
afterAll(async () => {
  await cluster?.stop();
});

describe('discovery', () => {
  it('/api/v1 serves persistentvolumes (cluster) and persistentvolumeclaims (namespaced) with status', async () => {
    const rs = (await api.get('/api/v1').set('Accept', 'application/json').expect(200)).body.resources;
    const verbs = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];
    expect(rs.find((r: any) => r.name === 'persistentvolumes')).toEqual({ name: 'persistentvolumes', singularName: 'persistentvolume', namespaced: false, kind: 'PersistentVolume', verbs, shortNames: ['pv'] });
    expect(rs.find((r: any) => r.name === 'persistentvolumeclaims')).toEqual({ name: 'persistentvolumeclaims', singularName: 'persistentvolumeclaim', namespaced: true, kind: 'PersistentVolumeClaim', verbs, shortNames: ['pvc'] });
    expect(rs.find((r: any) => r.name === 'persistentvolumes/status').verbs).toEqual(['get', 'patch', 'update']);
    expect(rs.find((r: any) => r.name === 'persistentvolumeclaims/status').verbs).toEqual(['get', 'patch', 'update']);
  });

  it('storage.k8s.io/v1 serves storageclasses (sc), listed before coordination.k8s.io', async () => {
    const res = await api.get('/apis/storage.k8s.io/v1').set('Accept', 'application/json').expect(200);
    expect(res.body.resources).toEqual([{ name: 'storageclasses', singularName: 'storageclass', namespaced: false, kind: 'StorageClass', verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'], shortNames: ['sc'] }]);
    const groups: string[] = (await api.get('/apis').set('Accept', 'application/json').expect(200)).body.groups.map((g: any) => g.name);
    expect(groups).toContain('storage.k8s.io');
    expect(groups.indexOf('storage.k8s.io')).toBeLessThan(groups.indexOf('coordination.k8s.io'));
  });
});

describe('the default StorageClass', () => {
  it('`standard` exists from the start with the hostpath provisioner and the default annotation', async () => {
    const sc = (await api.get('/apis/storage.k8s.io/v1/storageclasses/standard').expect(200)).body;
    expect(sc).toMatchObject({
      apiVersion: 'storage.k8s.io/v1',
      kind: 'StorageClass',
      metadata: { name: 'standard', annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } },
      provisioner: 'kubesim.io/hostpath',
      reclaimPolicy: 'Delete',
      volumeBindingMode: 'Immediate',
    });
  });

  it('is shown as `standard (default)`; defaults and immutable fields follow upstream', async () => {
    await api.post('/apis/storage.k8s.io/v1/storageclasses').send({ apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: { name: 'fast' }, provisioner: 'example.com/ssd', allowVolumeExpansion: true }).expect(201);
    const t = await table('/apis/storage.k8s.io/v1/storageclasses');
    expect(columns(t)).toEqual([
      ['Name', 0],
      ['Provisioner', 0],
      ['ReclaimPolicy', 0],
      ['VolumeBindingMode', 0],
      ['AllowVolumeExpansion', 0],
      ['Age', 0],
    ]);
    expect(row(t, 'standard')!.slice(0, 5)).toEqual(['standard (default)', 'kubesim.io/hostpath', 'Delete', 'Immediate', false]);
    expect(row(t, 'fast')!.slice(0, 5)).toEqual(['fast', 'example.com/ssd', 'Delete', 'Immediate', true]);
    expect(row(t, 'fast')![5]).toMatch(AGE);
    const res = await api.patch('/apis/storage.k8s.io/v1/storageclasses/fast').set('Content-Type', 'application/merge-patch+json').send({ provisioner: 'other' });
    expect(res.status).toBe(422);
    expect(res.body.message).toBe('StorageClass.storage.k8s.io "fast" is invalid: provisioner: Forbidden: updates to provisioner are forbidden.');
  });
});

describe('persistentvolumes', () => {
  it('defaults, the protection finalizer, and NAME CAPACITY ACCESS MODES RECLAIM POLICY STATUS CLAIM STORAGECLASS VOLUMEATTRIBUTESCLASS REASON AGE [VOLUMEMODE]', async () => {
    const pv = (
      await api
        .post('/api/v1/persistentvolumes')
        .send({ apiVersion: 'v1', kind: 'PersistentVolume', metadata: { name: 'pv1' }, spec: { capacity: { storage: '5Gi' }, accessModes: ['ReadWriteMany', 'ReadWriteOnce', 'ReadWriteOnce'], hostPath: { path: '/mnt/pv1' }, storageClassName: 'manual', claimRef: { namespace: 'default', name: 'data' } } })
        .expect(201)
    ).body;
    expect(pv.metadata.finalizers).toEqual(['kubernetes.io/pv-protection']);
    expect(pv.spec).toMatchObject({ persistentVolumeReclaimPolicy: 'Retain', volumeMode: 'Filesystem' });
    expect(pv.status.phase).toBe('Pending');
    const t = await table('/api/v1/persistentvolumes');
    expect(columns(t)).toEqual([
      ['Name', 0],
      ['Capacity', 0],
      ['Access Modes', 0],
      ['Reclaim Policy', 0],
      ['Status', 0],
      ['Claim', 0],
      ['StorageClass', 0],
      ['VolumeAttributesClass', 0],
      ['Reason', 0],
      ['Age', 0],
      ['VolumeMode', 1],
    ]);
    const cells = row(t, 'pv1')!;
    expect([...cells.slice(0, 9), cells[10]]).toEqual(['pv1', '5Gi', 'RWO,RWX', 'Retain', 'Pending', 'default/data', 'manual', '<unset>', '', 'Filesystem']);
    expect(cells[9]).toMatch(AGE);
  });

  it('a volume needs capacity, access modes and exactly one source', async () => {
    const res = await api.post('/api/v1/persistentvolumes').send({ apiVersion: 'v1', kind: 'PersistentVolume', metadata: { name: 'bad' }, spec: {} });
    expect(res.status).toBe(422);
    expect(res.body.details.causes.map((c: any) => c.field)).toEqual(['spec.accessModes', 'spec.capacity', 'spec']);
  });
});

describe('persistentvolumeclaims', () => {
  it('defaults, the protection finalizer, and NAME STATUS VOLUME CAPACITY ACCESS MODES STORAGECLASS VOLUMEATTRIBUTESCLASS AGE [VOLUMEMODE]', async () => {
    const base = '/api/v1/namespaces/default/persistentvolumeclaims';
    const pvc = (await api.post(base).send({ apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } }, storageClassName: 'manual' } }).expect(201)).body;
    expect(pvc.metadata.finalizers).toEqual(['kubernetes.io/pvc-protection']);
    expect(pvc.spec.volumeMode).toBe('Filesystem');
    expect(pvc.status).toEqual({ phase: 'Pending' });
    let t = await table(base);
    expect(columns(t)).toEqual([
      ['Name', 0],
      ['Status', 0],
      ['Volume', 0],
      ['Capacity', 0],
      ['Access Modes', 0],
      ['StorageClass', 0],
      ['VolumeAttributesClass', 0],
      ['Age', 0],
      ['VolumeMode', 1],
    ]);
    // Capacity and access modes are blank until a volume is bound.
    expect(row(t, 'data')!.slice(0, 7)).toEqual(['data', 'Pending', '', '', '', 'manual', '<unset>']);
    await api.patch(`${base}/data`).set('Content-Type', 'application/merge-patch+json').send({ spec: { volumeName: 'pv1' } }).expect(200);
    await api.patch(`${base}/data/status`).set('Content-Type', 'application/merge-patch+json').send({ status: { phase: 'Bound', capacity: { storage: '5Gi' }, accessModes: ['ReadWriteOnce'] } }).expect(200);
    t = await table(base);
    expect(row(t, 'data')!.slice(0, 7)).toEqual(['data', 'Bound', 'pv1', '5Gi', 'RWO', 'manual', '<unset>']);
    expect(row(t, 'data')![8]).toBe('Filesystem');
  });

  it('requires access modes and a storage request; the spec is immutable except the requests', async () => {
    const base = '/api/v1/namespaces/default/persistentvolumeclaims';
    const bad = await api.post(base).send({ apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'bad' }, spec: {} });
    expect(bad.status).toBe(422);
    expect(bad.body.details.causes).toEqual([
      { reason: 'FieldValueRequired', message: 'Required value: at least 1 access mode is required', field: 'spec.accessModes' },
      { reason: 'FieldValueRequired', message: 'Required value', field: 'spec.resources[storage]' },
    ]);
    const res = await api.patch(`${base}/data`).set('Content-Type', 'application/merge-patch+json').send({ spec: { accessModes: ['ReadWriteMany'] } });
    expect(res.status).toBe(422);
    expect(res.body.details.causes[0]).toMatchObject({ reason: 'FieldValueForbidden', field: 'spec' });
    await api.patch(`${base}/data`).set('Content-Type', 'application/merge-patch+json').send({ spec: { resources: { requests: { storage: '2Gi' } } } }).expect(200);
  });
});
