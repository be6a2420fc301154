// Server-side printing: meta.k8s.io/v1 Table for `kubectl get`.
import supertest from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestCluster, type TestCluster } from '../helpers/cluster.js';
import { API_ONLY, configMap, deployment, pod } from './util.js';

// What kubectl sends for human output.
const TABLE_ACCEPT = 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json';
const SIMPLE_TABLE_ACCEPT = 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json';
const TABLE_CONTENT_TYPE = 'application/json;as=Table;v=v1;g=meta.k8s.io';
const AGE = /^\d+s$/;

let cluster: TestCluster;
let api: ReturnType<typeof supertest>;

/** GETs a Table (the response type carries parameters, so parse explicitly). */
async function table(path: string, accept = TABLE_ACCEPT): Promise<{ status: number; type: string; body: any }> {
  const res = await api
    .get(path)
    .set('Accept', accept)
    .buffer(true)
    .parse((r, cb) => {
      let t = '';
      r.on('data', (c: Buffer) => (t += c));
      r.on('end', () => cb(null, JSON.parse(t)));
    });
  return { status: res.status, type: String(res.headers['content-type']), body: res.body };
}

function columns(t: any): [string, number][] {
  return t.columnDefinitions.map((c: any) => [c.name, c.priority]);
}

beforeAll(async () => {
  cluster = await startTestCluster(API_ONLY);
  api = supertest(cluster.url);
  await api.post('/api/v1/namespaces').send({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'tables' } }).expect(201);
});
afterAll(async () => {
  await cluster?.stop();
});

describe('lists and single objects', () => {
  it('a list answers a Table with full metadata in rows[].object (PartialObjectMetadata)', async () => {
    const base = '/api/v1/namespaces/tables/configmaps';
    const a = (await api.post(base).send(configMap('cm-a', { data: { x: '1', y: '2' }, metadata: { labels: { app: 'a' }, annotations: { note: 'n' } } })).expect(201)).body;
    await api.post(base).send({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm-b' }, data: { x: '1' }, binaryData: { b: 'AAE=' } }).expect(201);
    await api.post(base).send({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm-empty' } }).expect(201);

    const t = await table(base);
    expect(t.status).toBe(200);
    expect(t.type).toBe(TABLE_CONTENT_TYPE);
    expect(t.body).toMatchObject({ kind: 'Table', apiVersion: 'meta.k8s.io/v1' });
    expect(t.body.metadata.resourceVersion).toMatch(/^\d+$/);
    expect(columns(t.body)).toEqual([
      ['Name', 0],
      ['Data', 0],
      ['Age', 0],
    ]);
    expect(t.body.columnDefinitions[0]).toMatchObject({ type: 'string', format: 'name' });
    expect(t.body.columnDefinitions[0].description).toMatch(/^Name must be unique within a namespace/);
    expect(t.body.columnDefinitions[1]).toMatchObject({ name: 'Data', type: 'integer' });
    expect(t.body.rows.map((r: any) => r.cells.slice(0, 2))).toEqual([
      ['cm-a', 2],
      ['cm-b', 2], // data + binaryData
      ['cm-empty', 0],
    ]);
    for (const r of t.body.rows) expect(r.cells[2]).toMatch(AGE);
    const row = t.body.rows[0];
    expect(row.object).toEqual({ kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: a.metadata });
    expect(row.object.metadata.labels).toEqual({ app: 'a' });
    expect(row.object.metadata.namespace).toBe('tables');
  });

  it('the simpler Accept (v1 Table or JSON) also gets a Table', async () => {
    const t = await table('/api/v1/namespaces/tables/configmaps', SIMPLE_TABLE_ACCEPT);
    expect(t.body.kind).toBe('Table');
  });

  it('a single GET answers a one-row Table carrying the object resourceVersion', async () => {
    const cm = (await api.get('/api/v1/namespaces/tables/configmaps/cm-a').expect(200)).body;
    const t = await table('/api/v1/namespaces/tables/configmaps/cm-a');
    expect(t.status).toBe(200);
    expect(t.type).toBe(TABLE_CONTENT_TYPE);
    expect(t.body.kind).toBe('Table');
    expect(t.body.rows).toHaveLength(1);
    expect(t.body.rows[0].cells.slice(0, 2)).toEqual(['cm-a', 2]);
    expect(t.body.rows[0].object.metadata.uid).toBe(cm.metadata.uid);
    expect(t.body.metadata.resourceVersion).toBe(cm.metadata.resourceVersion);
  });

  it('a Table request for a missing object is a 404 Status', async () => {
    const t = await table('/api/v1/namespaces/tables/configmaps/nope');
    expect(t.status).toBe(404);
    expect(t.body).toMatchObject({ kind: 'Status', reason: 'NotFound', message: 'configmaps "nope" not found' });
  });

  it('includeObject=None drops row objects; includeObject=Object embeds the full object', async () => {
    const none = await table('/api/v1/namespaces/tables/configmaps?includeObject=None');
    expect(none.body.rows).toHaveLength(3);
    for (const r of none.body.rows) expect(r.object).toBeUndefined();
    const full = await table('/api/v1/namespaces/tables/configmaps?includeObject=Object');
    expect(full.body.rows[0].object).toMatchObject({ kind: 'ConfigMap', apiVersion: 'v1', metadata: { name: 'cm-a' }, data: { x: '1', y: '2' } });
    const meta = await table('/api/v1/namespaces/tables/configmaps?includeObject=Metadata');
    expect(meta.body.rows[0].object.kind).toBe('PartialObjectMetadata');
    expect(meta.body.rows[0].object.data).toBeUndefined();
  });

  it('paginated Tables carry continue; all-namespace Tables carry each row namespace', async () => {
    const page = await table('/api/v1/namespaces/tables/configmaps?limit=2');
    expect(page.body.rows).toHaveLength(2);
    expect(page.body.metadata.continue).toBeTruthy();
    expect(page.body.metadata.remainingItemCount).toBe(1);
    const rest = await table(`/api/v1/namespaces/tables/configmaps?limit=2&continue=${encodeURIComponent(page.body.metadata.continue)}`);
    expect(rest.body.rows.map((r: any) => r.cells[0])).toEqual(['cm-empty']);
    expect(rest.body.metadata.continue).toBeUndefined();
    const all = await table('/api/v1/configmaps?labelSelector=app%3Da');
    expect(all.body.rows.map((r: any) => `${r.object.metadata.namespace}/${r.cells[0]}`)).toEqual(['tables/cm-a']);
  });

  it('an empty list is a Table with no rows but the column definitions', async () => {
    const t = await table('/apis/apps/v1/namespaces/kube-public/deployments');
    expect(t.body.rows).toEqual([]);
    expect(t.body.columnDefinitions.length).toBeGreaterThan(0);
  });
});

describe('per-resource columns', () => {
  it('pods: Name Ready Status Restarts Age, then IP Node Nominated Node Readiness Gates at priority 1', async () => {
    const base = '/api/v1/namespaces/tables/pods';
    await api.post(base).send(pod('web', {}, { app: 'web' })).expect(201);
    await api.post(base).send(pod('two', { containers: [{ name: 'a', image: 'x' }, { name: 'b', image: 'y' }], nodeName: 'node-1' })).expect(201);
    const t = await table(base);
    expect(columns(t.body)).toEqual([
      ['Name', 0],
      ['Ready', 0],
      ['Status', 0],
      ['Restarts', 0],
      ['Age', 0],
      ['IP', 1],
      ['Node', 1],
      ['Nominated Node', 1],
      ['Readiness Gates', 1],
    ]);
    const byName = new Map<string, unknown[]>(t.body.rows.map((r: any) => [r.cells[0], r.cells]));
    const web = byName.get('web')!;
    expect(web).toHaveLength(9);
    expect(web.slice(0, 4)).toEqual(['web', '0/1', 'Pending', '0']);
    expect(web[4]).toMatch(AGE);
    expect(web.slice(5)).toEqual(['<none>', '<none>', '<none>', '<none>']);
    const two = byName.get('two')!;
    expect(two.slice(0, 3)).toEqual(['two', '0/2', 'Pending']);
    expect(two[6]).toBe('node-1');
  });

  it('pods: a running pod with ready containers and restarts', async () => {
    const base = '/api/v1/namespaces/tables/pods';
    const created = (await api.post(base).send(pod('running', { nodeName: 'node-1' })).expect(201)).body;
    const status = {
      phase: 'Running',
      podIP: '10.244.0.7',
      conditions: [{ type: 'Ready', status: 'True' }],
      containerStatuses: [{ name: 'c', image: 'nginx:1.25', imageID: '', ready: true, restartCount: 2, started: true, state: { running: { startedAt: created.metadata.creationTimestamp } } }],
    };
    await api.put(`${base}/running/status`).send({ ...created, status }).expect(200);
    const t = await table(`${base}/running`);
    const cells = t.body.rows[0].cells;
    expect(cells.slice(0, 3)).toEqual(['running', '1/1', 'Running']);
    expect(cells[3]).toMatch(/^2( \(.+ ago\))?$/);
    expect(cells[5]).toBe('10.244.0.7');
    expect(cells[6]).toBe('node-1');
  });

  it('deployments: Name Ready Up-to-date Available Age, then Containers Images Selector', async () => {
    const base = '/apis/apps/v1/namespaces/tables/deployments';
    await api.post(base).send(deployment('web', 2)).expect(201);
    const t = await table(base);
    expect(columns(t.body)).toEqual([
      ['Name', 0],
      ['Ready', 0],
      ['Up-to-date', 0],
      ['Available', 0],
      ['Age', 0],
      ['Containers', 1],
      ['Images', 1],
      ['Selector', 1],
    ]);
    const cells = t.body.rows[0].cells;
    expect(cells.slice(0, 4)).toEqual(['web', '0/2', 0, 0]);
    expect(cells[4]).toMatch(AGE);
    expect(cells.slice(5)).toEqual(['c', 'nginx:1.25', 'app=web']);
  });

  it('services: Name Type Cluster-IP External-IP Port(s) Age, then Selector', async () => {
    const base = '/api/v1/namespaces/tables/services';
    await api.post(base).send({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'web' }, spec: { selector: { app: 'web', tier: 'fe' }, ports: [{ port: 80 }, { port: 443, protocol: 'TCP' }] } }).expect(201);
    const t = await table(`${base}/web`);
    expect(columns(t.body)).toEqual([
      ['Name', 0],
      ['Type', 0],
      ['Cluster-IP', 0],
      ['External-IP', 0],
      ['Port(s)', 0],
      ['Age', 0],
      ['Selector', 1],
    ]);
    const cells = t.body.rows[0].cells;
    expect(cells[0]).toBe('web');
    expect(cells[1]).toBe('ClusterIP');
    expect(cells[3]).toBe('<none>');
    expect(cells[4]).toBe('80/TCP,443/TCP');
    expect(cells[5]).toMatch(AGE);
    expect(cells[6]).toBe('app=web,tier=fe');
  });

  it('nodes: Name Status Roles Age Version, then the addresses and node info', async () => {
    await api
      .post('/api/v1/nodes')
      .send({
        apiVersion: 'v1',
        kind: 'Node',
        metadata: { name: 'node-1', labels: { 'node-role.kubernetes.io/control-plane': '' } },
        spec: { unschedulable: true },
      })
      .expect(201);
    const node = (await api.get('/api/v1/nodes/node-1').expect(200)).body;
    node.status = {
      conditions: [{ type: 'Ready', status: 'True' }],
      addresses: [{ type: 'InternalIP', address: '192.168.49.2' }],
      nodeInfo: { kubeletVersion: 'v1.31.9', osImage: 'Debian', kernelVersion: '6.1.0', containerRuntimeVersion: 'containerd://1.7.0', machineID: '', systemUUID: '', bootID: '', kubeProxyVersion: '', operatingSystem: 'linux', architecture: 'amd64' },
    };
    await api.put('/api/v1/nodes/node-1/status').send(node).expect(200);
    const t = await table('/api/v1/nodes');
    expect(columns(t.body)).toEqual([
      ['Name', 0],
      ['Status', 0],
      ['Roles', 0],
      ['Age', 0],
      ['Version', 0],
      ['Internal-IP', 1],
      ['External-IP', 1],
      ['OS-Image', 1],
      ['Kernel-Version', 1],
      ['Container-Runtime', 1],
    ]);
    const cells = t.body.rows[0].cells;
    expect(cells.slice(0, 3)).toEqual(['node-1', 'Ready,SchedulingDisabled', 'control-plane']);
    expect(cells[3]).toMatch(AGE);
    expect(cells.slice(4)).toEqual(['v1.31.9', '192.168.49.2', '<none>', 'Debian', '6.1.0', 'containerd://1.7.0']);
    // Cluster-scoped rows have no namespace.
    expect(t.body.rows[0].object.metadata.namespace).toBeUndefined();
  });

  it('namespaces: Name Status Age', async () => {
    const t = await table('/api/v1/namespaces');
    expect(columns(t.body)).toEqual([
      ['Name', 0],
      ['Status', 0],
      ['Age', 0],
    ]);
    const rows = new Map<string, unknown[]>(t.body.rows.map((r: any) => [r.cells[0], r.cells]));
    for (const ns of ['default', 'kube-system', 'kube-public', 'kube-node-lease', 'tables']) expect(rows.get(ns)?.[1], ns).toBe('Active');
  });

  it('events: Last Seen first, Name last at priority 1', async () => {
    const base = '/api/v1/namespaces/tables/events';
    await api
      .post(base)
      .send({ apiVersion: 'v1', kind: 'Event', metadata: { name: 'ev' }, involvedObject: { kind: 'Pod', name: 'web', namespace: 'tables' }, reason: 'Scheduled', message: 'ok ', type: 'Normal', source: { component: 'kubelet' }, count: 3 })
      .expect(201);
    const t = await table(base);
    expect(columns(t.body).map(([n]) => n)).toEqual(['Last Seen', 'Type', 'Reason', 'Object', 'Subobject', 'Source', 'Message', 'First Seen', 'Count', 'Name']);
    const cells = t.body.rows[0].cells;
    expect(cells.slice(1, 4)).toEqual(['Normal', 'Scheduled', 'pod/web']);
    expect(cells[5]).toBe('kubelet');
    expect(cells[6]).toBe('ok');
    expect(cells.slice(8)).toEqual([3, 'ev']);
  });

  it('secrets: Name Type Data Age', async () => {
    await api.post('/api/v1/namespaces/tables/secrets').send({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' }, stringData: { a: 'b' } }).expect(201);
    const t = await table('/api/v1/namespaces/tables/secrets');
    expect(columns(t.body).map(([n]) => n)).toEqual(['Name', 'Type', 'Data', 'Age']);
    expect(t.body.rows[0].cells.slice(0, 3)).toEqual(['s', 'Opaque', 1]);
  });
});
