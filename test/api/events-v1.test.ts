// events.k8s.io/v1: served in discovery, and a second view of the core/v1 events storage (one object, two shapes),
// with upstream's field mapping, field selectors, strict create validation and immutability on update.
import supertest from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestCluster, type TestCluster } from '../helpers/cluster.js';
import { API_ONLY, expectStatus, openWatch } from './util.js';

type Obj = Record<string, any>;

const NS = 'default';
const V1 = `/apis/events.k8s.io/v1/namespaces/${NS}/events`;
const CORE = `/api/v1/namespaces/${NS}/events`;

let cluster: TestCluster;
let api: ReturnType<typeof supertest>;

beforeAll(async () => {
  cluster = await startTestCluster(API_ONLY);
  api = supertest(cluster.url);
});
afterAll(() => cluster?.stop());

const regarding = { kind: 'Pod', namespace: NS, name: 'web-1', uid: 'uid-web-1', apiVersion: 'v1' };

function newEvent(name: string, extra: Obj = {}): Obj {
  return {
    apiVersion: 'events.k8s.io/v1',
    kind: 'Event',
    metadata: { name },
    eventTime: '2025-01-02T03:04:05.123456Z',
    reportingController: 'example.com/operator',
    reportingInstance: 'operator-0',
    action: 'Reconciling',
    reason: 'Synced',
    note: 'synced the pod',
    type: 'Normal',
    regarding,
    ...extra,
  };
}

describe('events.k8s.io/v1 discovery', () => {
  it('is a group with v1 and a namespaced events resource (short name ev)', async () => {
    const groups = (await api.get('/apis').expect(200)).body.groups.map((g: Obj) => g.name);
    expect(groups).toContain('events.k8s.io');
    // Upstream lists it right after apps.
    expect(groups.indexOf('events.k8s.io')).toBe(groups.indexOf('apps') + 1);
    const group = (await api.get('/apis/events.k8s.io').expect(200)).body;
    expect(group).toMatchObject({ kind: 'APIGroup', name: 'events.k8s.io', preferredVersion: { groupVersion: 'events.k8s.io/v1', version: 'v1' } });
    const list = (await api.get('/apis/events.k8s.io/v1').expect(200)).body;
    expect(list.groupVersion).toBe('events.k8s.io/v1');
    expect(list.resources).toEqual([
      expect.objectContaining({ name: 'events', namespaced: true, kind: 'Event', shortNames: ['ev'], verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'] }),
    ]);
  });
});

describe('events.k8s.io/v1 REST over the core/v1 storage', () => {
  it('an event created through events.k8s.io reads back through core/v1 with the field mapping', async () => {
    const created = (await api.post(V1).send(newEvent('new-api')).expect(201)).body;
    expect(created).toMatchObject({ apiVersion: 'events.k8s.io/v1', kind: 'Event', note: 'synced the pod', regarding, reportingController: 'example.com/operator' });
    expect(created).not.toHaveProperty('message');
    expect(created).not.toHaveProperty('involvedObject');
    const core = (await api.get(`${CORE}/new-api`).expect(200)).body;
    expect(core).toMatchObject({
      apiVersion: 'v1',
      kind: 'Event',
      message: 'synced the pod',
      involvedObject: regarding,
      reportingComponent: 'example.com/operator',
      reportingInstance: 'operator-0',
      action: 'Reconciling',
      eventTime: '2025-01-02T03:04:05.123456Z',
      source: {},
    });
    expect(core.metadata.uid).toBe(created.metadata.uid);
    expect(core.metadata.resourceVersion).toBe(created.metadata.resourceVersion);
  });

  it('a core/v1 event (as kubelets record them) reads back through events.k8s.io with deprecated* fields', async () => {
    await api
      .post(CORE)
      .send({
        apiVersion: 'v1',
        kind: 'Event',
        metadata: { name: 'old-api' },
        involvedObject: regarding,
        reason: 'Started',
        message: 'Started container web',
        source: { component: 'kubelet', host: 'node01' },
        firstTimestamp: '2025-01-02T03:04:05Z',
        lastTimestamp: '2025-01-02T03:04:06Z',
        count: 2,
        type: 'Normal',
        reportingComponent: 'kubelet',
        reportingInstance: 'node01',
      })
      .expect(201);
    const v1 = (await api.get(`${V1}/old-api`).expect(200)).body;
    expect(v1).toMatchObject({
      apiVersion: 'events.k8s.io/v1',
      reason: 'Started',
      note: 'Started container web',
      regarding,
      deprecatedSource: { component: 'kubelet', host: 'node01' },
      deprecatedFirstTimestamp: '2025-01-02T03:04:05Z',
      deprecatedLastTimestamp: '2025-01-02T03:04:06Z',
      deprecatedCount: 2,
      reportingController: 'kubelet',
      reportingInstance: 'node01',
      eventTime: null,
    });
    for (const core of ['message', 'involvedObject', 'source', 'firstTimestamp', 'lastTimestamp', 'count', 'reportingComponent']) expect(v1).not.toHaveProperty(core);
    // Both lists hold both events, each in its own shape.
    const list = (await api.get(V1).expect(200)).body;
    expect(list).toMatchObject({ kind: 'EventList', apiVersion: 'events.k8s.io/v1' });
    expect(list.items.map((e: Obj) => e.metadata.name).sort()).toEqual(['new-api', 'old-api']);
    expect(list.items.every((e: Obj) => e.apiVersion === undefined || e.apiVersion === 'events.k8s.io/v1')).toBe(true);
    expect(list.items.every((e: Obj) => 'regarding' in e && !('involvedObject' in e))).toBe(true);
  });

  it('field selectors use the events.k8s.io names (regarding.*, reportingController)', async () => {
    const names = async (fs: string) => (await api.get(V1).query({ fieldSelector: fs }).expect(200)).body.items.map((e: Obj) => e.metadata.name).sort();
    expect(await names('regarding.name=web-1,regarding.kind=Pod')).toEqual(['new-api', 'old-api']);
    expect(await names('reportingController=kubelet')).toEqual(['old-api']);
    expect(await names('reason=Synced')).toEqual(['new-api']);
    expectStatus(await api.get(V1).query({ fieldSelector: 'involvedObject.name=web-1' }), 400, 'BadRequest', 'field label not supported: involvedObject.name');
  });

  it('a watch on events.k8s.io sees core/v1 writes in its own shape', async () => {
    const rv = (await api.get(V1).expect(200)).body.metadata.resourceVersion;
    const w = await openWatch(cluster.url, `${V1}?watch=true&resourceVersion=${rv}`);
    try {
      await api
        .post(CORE)
        .send({ apiVersion: 'v1', kind: 'Event', metadata: { name: 'watched' }, involvedObject: regarding, reason: 'Killing', message: 'Stopping container web', type: 'Normal', source: { component: 'kubelet' } })
        .expect(201);
      const [e] = await w.waitForEvents(1);
      expect(e!.type).toBe('ADDED');
      expect(e!.object).toMatchObject({ apiVersion: 'events.k8s.io/v1', kind: 'Event', note: 'Stopping container web', deprecatedSource: { component: 'kubelet' } });
    } finally {
      w.close();
    }
  });

  it('the Table has the core printer columns', async () => {
    const t = (await api.get(`${V1}/old-api`).set('Accept', 'application/json;as=Table;v=v1;g=meta.k8s.io').expect(200)).body;
    expect(t.columnDefinitions.map((c: Obj) => c.name)).toEqual(['Last Seen', 'Type', 'Reason', 'Object', 'Subobject', 'Source', 'Message', 'First Seen', 'Count', 'Name']);
    expect(t.rows[0].cells.slice(1, 7)).toEqual(['Normal', 'Started', 'pod/web-1', '', 'kubelet, node01', 'Started container web']);
    expect(t.rows[0].cells[8]).toBe(2);
  });

  it('create through events.k8s.io is validated strictly, with upstream field paths', async () => {
    // Without eventTime an event counts as an old-style one: only that field is missing.
    const old = await api.post(V1).send({ apiVersion: 'events.k8s.io/v1', kind: 'Event', metadata: { name: 'bare' }, regarding, type: 'Normal' });
    expectStatus(old, 422, 'Invalid', 'Event.events.k8s.io "bare" is invalid: eventTime: Required value');
    // With it, the new-API fields are required.
    const missing = await api.post(V1).send({ apiVersion: 'events.k8s.io/v1', kind: 'Event', metadata: { name: 'bare' }, eventTime: '2025-01-02T03:04:05.000000Z', regarding, type: 'Normal' });
    const body = expectStatus(missing, 422, 'Invalid');
    expect(body.message).toMatch(/^Event\.events\.k8s\.io "bare" is invalid: \[/);
    // (An empty reportingController is also not a qualified name: upstream reports that too.)
    expect([...new Set(body.details.causes.map((c: Obj) => c.field))].sort()).toEqual(['action', 'reason', 'reportingController', 'reportingInstance']);
    expect(body.message).toContain('reportingController: Required value');
    const deprecated = await api.post(V1).send(newEvent('deprecated', { deprecatedCount: 3, deprecatedSource: { component: 'x' }, type: 'Info' }));
    const causes = expectStatus(deprecated, 422, 'Invalid').details.causes.map((c: Obj) => `${c.field}: ${c.message}`);
    expect(causes).toEqual(expect.arrayContaining(['count: Invalid value: "": needs to be unset', 'source: Invalid value: "": needs to be unset', 'type: Invalid value: "": has invalid value: Info']));
    const series = await api.post(V1).send(newEvent('series', { series: { count: 1 } }));
    expect(expectStatus(series, 422, 'Invalid').details.causes.map((c: Obj) => c.field).sort()).toEqual(['series.count', 'series.lastObservedTime']);
    // An event about a cluster-scoped object lives in default (or kube-system), not elsewhere.
    const node = { kind: 'Node', name: 'node01', uid: 'node01', apiVersion: 'v1' };
    const elsewhere = await api.post('/apis/events.k8s.io/v1/namespaces/kube-public/events').send(newEvent('node-ev', { regarding: node }));
    expect(expectStatus(elsewhere, 422, 'Invalid').message).toBe('Event.events.k8s.io "node-ev" is invalid: involvedObject.namespace: Invalid value: "": does not match event.namespace');
    await api.post(V1).send(newEvent('node-ev', { regarding: node })).expect(201);
  });

  it('updates may change the series only', async () => {
    const ok = await api
      .patch(`${V1}/new-api`)
      .set('Content-Type', 'application/merge-patch+json')
      .send({ series: { count: 2, lastObservedTime: '2025-01-02T03:05:00.000000Z' } })
      .expect(200);
    expect(ok.body.series).toEqual({ count: 2, lastObservedTime: '2025-01-02T03:05:00.000000Z' });
    const changed = await api.patch(`${V1}/new-api`).set('Content-Type', 'application/merge-patch+json').send({ note: 'changed' });
    expect(expectStatus(changed, 422, 'Invalid').message).toContain('message: Invalid value: "changed": field is immutable');
    // The old core event keeps its deprecated fields through an events.k8s.io update (create-only rules do not apply).
    await api.patch(`${V1}/old-api`).set('Content-Type', 'application/merge-patch+json').send({ metadata: { labels: { seen: 'yes' } } }).expect(200);
  });

  it('deleting through one API removes the object from both', async () => {
    await api.delete(`${V1}/old-api`).expect(200);
    await api.get(`${CORE}/old-api`).expect(404);
    expectStatus(await api.get(`${V1}/old-api`), 404, 'NotFound', 'events.events.k8s.io "old-api" not found');
  });
});

describe('events.k8s.io/v1 OpenAPI', () => {
  it('is published at /openapi/v3 with the Event schema', async () => {
    const index = (await api.get('/openapi/v3').expect(200)).body;
    expect(Object.keys(index.paths)).toContain('apis/events.k8s.io/v1');
    const doc = (await api.get(`/${index.paths['apis/events.k8s.io/v1'].serverRelativeURL.replace(/^\//, '')}`).expect(200)).body;
    const schema = doc.components.schemas['io.k8s.api.events.v1.Event'];
    expect(schema['x-kubernetes-group-version-kind']).toEqual([{ group: 'events.k8s.io', kind: 'Event', version: 'v1' }]);
    expect(Object.keys(schema.properties)).toEqual(expect.arrayContaining(['regarding', 'note', 'reportingController', 'deprecatedCount', 'series']));
    expect(Object.keys(doc.paths)).toContain('/apis/events.k8s.io/v1/namespaces/{namespace}/events/{name}');
  });
});
