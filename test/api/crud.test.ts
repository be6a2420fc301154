// CREATE / GET / UPDATE / DELETE and the object metadata rules the generic store owns.
import supertest from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestCluster, type TestCluster } from '../helpers/cluster.js';
import { API_ONLY, configMap, deployment, expectStatus, pod } from './util.js';

let cluster: TestCluster;
let api: ReturnType<typeof supertest>;

const CM = '/api/v1/namespaces/default/configmaps';
const DEPLOY = '/apis/apps/v1/namespaces/default/deployments';
const PODS = '/api/v1/namespaces/default/pods';
const STALE = 'the object has been modified; please apply your changes to the latest version and try again';

beforeAll(async () => {
  cluster = await startTestCluster(API_ONLY);
  api = supertest(cluster.url);
});
afterAll(async () => {
  await cluster?.stop();
});

describe('create', () => {
  it('answers 201 with uid, creationTimestamp and resourceVersion, and GET returns the same object', async () => {
    const res = await api.post(CM).send(configMap('created', { data: { a: '1' } })).expect(201);
    const m = res.body.metadata;
    expect(res.body).toMatchObject({ apiVersion: 'v1', kind: 'ConfigMap', data: { a: '1' } });
    expect(m.name).toBe('created');
    expect(m.namespace).toBe('default');
    expect(m.uid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(m.creationTimestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(Math.abs(Date.parse(m.creationTimestamp) - Date.now())).toBeLessThan(60_000);
    expect(m.resourceVersion).toMatch(/^\d+$/);
    expect(m.generation).toBeUndefined(); // configmaps have no generation
    const got = await api.get(`${CM}/created`).expect(200);
    expect(got.body).toEqual(res.body);
  });

  it('ignores server-owned metadata in the body (uid, creationTimestamp)', async () => {
    const body = configMap('owned');
    body.metadata.uid = 'not-a-real-uid';
    body.metadata.creationTimestamp = '2001-01-01T00:00:00Z';
    const res = await api.post(CM).send(body).expect(201);
    expect(res.body.metadata.uid).not.toBe('not-a-real-uid');
    expect(res.body.metadata.creationTimestamp).not.toBe('2001-01-01T00:00:00Z');
  });

  it('accepts kubectl-style bodies with null creationTimestamp and empty status', async () => {
    const res = await api
      .post(`${CM}?fieldManager=kubectl-create&fieldValidation=Strict`)
      .send({ kind: 'ConfigMap', apiVersion: 'v1', metadata: { name: 'kubectl-style', creationTimestamp: null }, data: { x: 'y' } })
      .expect(201);
    expect(res.body.metadata.creationTimestamp).toMatch(/Z$/);
  });

  it('rejects a resourceVersion on create', async () => {
    const body = configMap('with-rv');
    body.metadata.resourceVersion = '5';
    expectStatus(await api.post(CM).send(body), 400, 'BadRequest', 'resourceVersion should not be set on objects to be created');
  });

  it('generateName appends 5 characters from the upstream alphabet', async () => {
    const names = new Set<string>();
    for (let i = 0; i < 5; i++) {
      const res = await api.post(CM).send({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { generateName: 'gen-' } }).expect(201);
      expect(res.body.metadata.name).toMatch(/^gen-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
      expect(res.body.metadata.generateName).toBe('gen-');
      names.add(res.body.metadata.name);
    }
    expect(names.size).toBe(5);
  });

  it('generateName cuts the base to 58 characters', async () => {
    const base = 'a'.repeat(70);
    const res = await api.post(CM).send({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { generateName: base } }).expect(201);
    expect(res.body.metadata.name).toHaveLength(63);
    expect(res.body.metadata.name.startsWith('a'.repeat(58))).toBe(true);
  });

  it('a duplicate name is 409 AlreadyExists with the upstream message', async () => {
    await api.post(CM).send(configMap('dup')).expect(201);
    const body = expectStatus(await api.post(CM).send(configMap('dup')), 409, 'AlreadyExists', 'configmaps "dup" already exists');
    expect(body.details).toEqual({ name: 'dup', kind: 'configmaps' });
  });

  it('a duplicate in a named group qualifies the resource', async () => {
    await api.post(DEPLOY).send(deployment('dup-deploy')).expect(201);
    const body = expectStatus(await api.post(DEPLOY).send(deployment('dup-deploy')), 409, 'AlreadyExists', 'deployments.apps "dup-deploy" already exists');
    expect(body.details).toEqual({ name: 'dup-deploy', group: 'apps', kind: 'deployments' });
  });

  it('creating in a missing namespace is 404 namespaces "nope" not found', async () => {
    const body = expectStatus(await api.post('/api/v1/namespaces/nope/configmaps').send(configMap('x')), 404, 'NotFound', 'namespaces "nope" not found');
    expect(body.details).toEqual({ name: 'nope', kind: 'namespaces' });
  });

  it('a missing name is 422 with metadata.name Required', async () => {
    const body = expectStatus(
      await api.post(CM).send({ apiVersion: 'v1', kind: 'ConfigMap', metadata: {} }),
      422,
      'Invalid',
      'ConfigMap "" is invalid: metadata.name: Required value: name or generateName is required',
    );
    expect(body.details.causes).toEqual([{ reason: 'FieldValueRequired', message: 'Required value: name or generateName is required', field: 'metadata.name' }]);
  });
});

describe('name validation per resource', () => {
  const SUBDOMAIN =
    "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
  const LABEL =
    "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
  const LABEL1035 =
    "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')";

  it('configmaps use DNS-1123 subdomains: dots are fine, upper case is not', async () => {
    await api.post(CM).send(configMap('dotted.name-1')).expect(201);
    const body = expectStatus(await api.post(CM).send(configMap('Bad_Name')), 422, 'Invalid', `ConfigMap "Bad_Name" is invalid: metadata.name: Invalid value: "Bad_Name": ${SUBDOMAIN}`);
    expect(body.details).toMatchObject({ name: 'Bad_Name', kind: 'ConfigMap' });
    expect(body.details.causes).toEqual([{ reason: 'FieldValueInvalid', message: `Invalid value: "Bad_Name": ${SUBDOMAIN}`, field: 'metadata.name' }]);
  });

  it('namespaces use DNS-1123 labels: dots and upper case are rejected', async () => {
    const ns = (name: string) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
    // A valid subdomain that is not a label: upstream's IsDNS1123Label says "must not contain dots".
    let body = expectStatus(
      await api.post('/api/v1/namespaces').send(ns('bad.name')),
      422,
      'Invalid',
      'Namespace "bad.name" is invalid: metadata.name: Invalid value: "bad.name": must not contain dots',
    );
    expect(body.details.causes).toEqual([{ reason: 'FieldValueInvalid', message: 'Invalid value: "bad.name": must not contain dots', field: 'metadata.name' }]);
    body = expectStatus(await api.post('/api/v1/namespaces').send(ns('Upper')), 422, 'Invalid', `Namespace "Upper" is invalid: metadata.name: Invalid value: "Upper": ${LABEL}`);
    expect(body.details.causes).toEqual([{ reason: 'FieldValueInvalid', message: `Invalid value: "Upper": ${LABEL}`, field: 'metadata.name' }]);
  });

  it('services use DNS-1035 labels: a leading digit is rejected', async () => {
    const svc = (name: string) => ({ apiVersion: 'v1', kind: 'Service', metadata: { name }, spec: { ports: [{ port: 80 }] } });
    await api.post('/api/v1/namespaces/default/services').send(svc('web-1')).expect(201);
    const body = expectStatus(
      await api.post('/api/v1/namespaces/default/services').send(svc('1abc')),
      422,
      'Invalid',
      `Service "1abc" is invalid: metadata.name: Invalid value: "1abc": ${LABEL1035}`,
    );
    expect(body.details.causes[0]).toEqual({ reason: 'FieldValueInvalid', message: `Invalid value: "1abc": ${LABEL1035}`, field: 'metadata.name' });
  });

  it('a too long name is reported', async () => {
    const name = 'a'.repeat(254);
    const body = expectStatus(await api.post(CM).send(configMap(name)), 422, 'Invalid');
    expect(body.details.causes[0]).toEqual({ reason: 'FieldValueInvalid', message: `Invalid value: "${name}": must be no more than 253 characters`, field: 'metadata.name' });
  });
});

describe('system namespaces', () => {
  it('the four system namespaces exist from the start, Active, with the kubernetes finalizer', async () => {
    const res = await api.get('/api/v1/namespaces').expect(200);
    expect(res.body.kind).toBe('NamespaceList');
    const byName = new Map<string, any>(res.body.items.map((n: any) => [n.metadata.name, n]));
    for (const name of ['default', 'kube-system', 'kube-public', 'kube-node-lease']) {
      const ns = byName.get(name);
      expect(ns, name).toBeDefined();
      expect(ns.status.phase).toBe('Active');
      expect(ns.spec.finalizers).toEqual(['kubernetes']);
      expect(ns.metadata.labels['kubernetes.io/metadata.name']).toBe(name);
    }
  });
});

describe('update', () => {
  it('PUT replaces the object and bumps resourceVersion; uid and creationTimestamp stay', async () => {
    const created = (await api.post(CM).send(configMap('put-me', { data: { a: '1' } })).expect(201)).body;
    const body = { ...created, data: { a: '2' } };
    const res = await api.put(`${CM}/put-me`).send(body).expect(200);
    expect(res.body.data).toEqual({ a: '2' });
    expect(Number(res.body.metadata.resourceVersion)).toBeGreaterThan(Number(created.metadata.resourceVersion));
    expect(res.body.metadata.uid).toBe(created.metadata.uid);
    expect(res.body.metadata.creationTimestamp).toBe(created.metadata.creationTimestamp);
  });

  it('a PUT without resourceVersion is unconditional', async () => {
    await api.post(CM).send(configMap('put-no-rv')).expect(201);
    const res = await api.put(`${CM}/put-no-rv`).send(configMap('put-no-rv', { data: { b: '2' } })).expect(200);
    expect(res.body.data).toEqual({ b: '2' });
  });

  it('a stale resourceVersion is 409 Conflict with the upstream message', async () => {
    const created = (await api.post(CM).send(configMap('stale')).expect(201)).body;
    await api.put(`${CM}/stale`).send({ ...created, data: { v: '2' } }).expect(200);
    const body = expectStatus(
      await api.put(`${CM}/stale`).send({ ...created, data: { v: '3' } }),
      409,
      'Conflict',
      `Operation cannot be fulfilled on configmaps "stale": ${STALE}`,
    );
    expect(body.details).toEqual({ name: 'stale', kind: 'configmaps' });
    // The losing write changed nothing.
    expect((await api.get(`${CM}/stale`).expect(200)).body.data).toEqual({ v: '2' });
  });

  it('PUT of a missing configmap is 404, but PUT of a missing lease or endpoints creates it (201)', async () => {
    expectStatus(await api.put(`${CM}/missing`).send(configMap('missing')), 404, 'NotFound', 'configmaps "missing" not found');
    const lease = { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: 'my-lease' }, spec: { holderIdentity: 'me' } };
    const res = await api.put('/apis/coordination.k8s.io/v1/namespaces/default/leases/my-lease').send(lease).expect(201);
    expect(res.body.metadata.uid).toBeTruthy();
    expect(res.body.spec.holderIdentity).toBe('me');
    // A second PUT updates (200).
    await api.put('/apis/coordination.k8s.io/v1/namespaces/default/leases/my-lease').send({ ...lease, spec: { holderIdentity: 'you' } }).expect(200);
    const ep = { apiVersion: 'v1', kind: 'Endpoints', metadata: { name: 'my-ep' }, subsets: [] };
    await api.put('/api/v1/namespaces/default/endpoints/my-ep').send(ep).expect(201);
    await api.get('/api/v1/namespaces/default/endpoints/my-ep').expect(200);
  });

  it('uid is immutable', async () => {
    const created = (await api.post(CM).send(configMap('uid-fixed')).expect(201)).body;
    const body = structuredClone(created);
    body.metadata.uid = '00000000-0000-0000-0000-000000000000';
    const res = expectStatus(await api.put(`${CM}/uid-fixed`).send(body), 422, 'Invalid');
    expect(res.details.causes[0]).toMatchObject({ reason: 'FieldValueInvalid', field: 'metadata.uid' });
    expect(res.message).toContain('field is immutable');
  });
});

describe('generation and the status subresource', () => {
  it('deployments start at generation 1; only spec changes bump it', async () => {
    const created = (await api.post(DEPLOY).send(deployment('gen', 1)).expect(201)).body;
    expect(created.metadata.generation).toBe(1);

    // Labels and annotations: no bump.
    let cur = (await api.get(`${DEPLOY}/gen`).expect(200)).body;
    cur.metadata.labels = { ...cur.metadata.labels, extra: 'yes' };
    cur.metadata.annotations = { note: 'hi' };
    cur = (await api.put(`${DEPLOY}/gen`).send(cur).expect(200)).body;
    expect(cur.metadata.labels.extra).toBe('yes');
    expect(cur.metadata.generation).toBe(1);

    // Spec: bump.
    cur.spec.replicas = 3;
    cur = (await api.put(`${DEPLOY}/gen`).send(cur).expect(200)).body;
    expect(cur.spec.replicas).toBe(3);
    expect(cur.metadata.generation).toBe(2);

    // Status through /status: no bump.
    cur.status = { observedGeneration: 2, replicas: 3 };
    cur = (await api.put(`${DEPLOY}/gen/status`).send(cur).expect(200)).body;
    expect(cur.status).toMatchObject({ observedGeneration: 2, replicas: 3 });
    expect(cur.metadata.generation).toBe(2);

    // A client-sent generation is ignored.
    cur.metadata.generation = 42;
    cur = (await api.put(`${DEPLOY}/gen`).send(cur).expect(200)).body;
    expect(cur.metadata.generation).toBe(2);
  });

  it('PUT to the main resource ignores status changes', async () => {
    const created = (await api.post(DEPLOY).send(deployment('status-split')).expect(201)).body;
    const body = { ...created, status: { replicas: 99, readyReplicas: 99 } };
    const res = await api.put(`${DEPLOY}/status-split`).send(body).expect(200);
    expect(res.body.status?.replicas).toBeUndefined();
    expect((await api.get(`${DEPLOY}/status-split`).expect(200)).body.status?.replicas).toBeUndefined();
  });

  it('PUT /status ignores spec and metadata changes', async () => {
    const created = (await api.post(DEPLOY).send(deployment('status-only', 1)).expect(201)).body;
    const body = structuredClone(created);
    body.spec.replicas = 7;
    body.metadata.labels = { changed: 'yes' };
    body.status = { replicas: 1, observedGeneration: 1 };
    const res = await api.put(`${DEPLOY}/status-only/status`).send(body).expect(200);
    expect(res.body.status).toMatchObject({ replicas: 1, observedGeneration: 1 });
    expect(res.body.spec.replicas).toBe(1);
    expect(res.body.metadata.labels).toEqual(created.metadata.labels);
    expect(res.body.metadata.generation).toBe(1);
  });

  it('GET /status returns the whole object; /status on a missing object is 404', async () => {
    await api.post(DEPLOY).send(deployment('status-get')).expect(201);
    const res = await api.get(`${DEPLOY}/status-get/status`).expect(200);
    expect(res.body.kind).toBe('Deployment');
    expect(res.body.spec.replicas).toBe(1);
    expectStatus(await api.get(`${DEPLOY}/none/status`), 404, 'NotFound', 'deployments.apps "none" not found');
  });

  it('configmaps have no status subresource (404)', async () => {
    await api.post(CM).send(configMap('no-status')).expect(201);
    expectStatus(await api.get(`${CM}/no-status/status`), 404, 'NotFound');
  });
});

describe('delete', () => {
  it('DELETE of a configmap answers a Success Status and the object is gone', async () => {
    const created = (await api.post(CM).send(configMap('del-cm')).expect(201)).body;
    const res = await api.delete(`${CM}/del-cm`).expect(200);
    expect(res.body).toMatchObject({ kind: 'Status', apiVersion: 'v1', status: 'Success', details: { name: 'del-cm', kind: 'configmaps', uid: created.metadata.uid } });
    expectStatus(await api.get(`${CM}/del-cm`), 404, 'NotFound', 'configmaps "del-cm" not found');
    expectStatus(await api.delete(`${CM}/del-cm`), 404, 'NotFound', 'configmaps "del-cm" not found');
  });

  it('DELETE of an unscheduled pod answers the pod object', async () => {
    await api.post(PODS).send(pod('del-pod')).expect(201);
    const res = await api.delete(`${PODS}/del-pod`).set('Content-Type', 'application/json').send({ propagationPolicy: 'Background' }).expect(200);
    expect(res.body.kind).toBe('Pod');
    expect(res.body.metadata.name).toBe('del-pod');
    expectStatus(await api.get(`${PODS}/del-pod`), 404, 'NotFound', 'pods "del-pod" not found');
  });

  it('a pod bound to a node is deleted gracefully: it stays with deletionTimestamp', async () => {
    await api.post(PODS).send(pod('bound', { nodeName: 'node-1' })).expect(201);
    const res = await api.delete(`${PODS}/bound`).expect(200);
    expect(res.body.kind).toBe('Pod');
    expect(res.body.metadata.deletionTimestamp).toBeTruthy();
    expect(res.body.metadata.deletionGracePeriodSeconds).toBe(30);
    const got = (await api.get(`${PODS}/bound`).expect(200)).body;
    expect(got.metadata.deletionTimestamp).toBe(res.body.metadata.deletionTimestamp);
    // gracePeriodSeconds=0 finishes it.
    await api.delete(`${PODS}/bound?gracePeriodSeconds=0`).expect(200);
    expectStatus(await api.get(`${PODS}/bound`), 404, 'NotFound');
  });

  it('finalizers: DELETE marks the object; removing the last finalizer deletes it', async () => {
    await api.post(CM).send(configMap('fin', { metadata: { finalizers: ['example.com/block'] } })).expect(201);
    // upstream answers 200 with the object (202 only with orphanDependents=false).
    const del = await api.delete(`${CM}/fin`).expect(200);
    expect(del.body.kind).toBe('ConfigMap');
    expect(del.body.metadata.deletionTimestamp).toBeTruthy();
    expect(del.body.metadata.deletionGracePeriodSeconds).toBe(0);

    // Still there, still deleting; a second DELETE changes nothing.
    const cur = (await api.get(`${CM}/fin`).expect(200)).body;
    expect(cur.metadata.deletionTimestamp).toBe(del.body.metadata.deletionTimestamp);
    expect(cur.metadata.finalizers).toEqual(['example.com/block']);
    await api.delete(`${CM}/fin`).expect(200);

    // Other updates are allowed and keep deletionTimestamp.
    const upd = (await api.put(`${CM}/fin`).send({ ...cur, data: { changed: 'yes' } }).expect(200)).body;
    expect(upd.metadata.deletionTimestamp).toBe(del.body.metadata.deletionTimestamp);

    // Removing the finalizer completes the deletion.
    const last = { ...upd, metadata: { ...upd.metadata, finalizers: [] } };
    await api.put(`${CM}/fin`).send(last).expect(200);
    expectStatus(await api.get(`${CM}/fin`), 404, 'NotFound', 'configmaps "fin" not found');
  });

  it('orphanDependents=false on a finalizer-blocked delete answers 202 (upstream)', async () => {
    await api.post(CM).send(configMap('fin-202', { metadata: { finalizers: ['example.com/block'] } })).expect(201);
    const res = await api.delete(`${CM}/fin-202`).set('Content-Type', 'application/json').send({ orphanDependents: false }).expect(202);
    expect(res.body.metadata.deletionTimestamp).toBeTruthy();
  });

  it('finalizers can be removed by PATCH too', async () => {
    await api.post(CM).send(configMap('fin-patch', { metadata: { finalizers: ['example.com/a', 'example.com/b'] } })).expect(201);
    await api.delete(`${CM}/fin-patch`).expect(200);
    const p1 = await api.patch(`${CM}/fin-patch`).set('Content-Type', 'application/merge-patch+json').send(JSON.stringify({ metadata: { finalizers: ['example.com/b'] } }));
    expect(p1.status).toBe(200);
    expect(p1.body.metadata.finalizers).toEqual(['example.com/b']);
    const p2 = await api.patch(`${CM}/fin-patch`).set('Content-Type', 'application/json-patch+json').send(JSON.stringify([{ op: 'remove', path: '/metadata/finalizers' }]));
    expect(p2.status).toBe(200);
    expectStatus(await api.get(`${CM}/fin-patch`), 404, 'NotFound');
  });

  it('adding a finalizer to a deleting object is 422 Invalid (ValidateNoNewFinalizers)', async () => {
    await api.post(CM).send(configMap('fin-add', { metadata: { finalizers: ['example.com/a'] } })).expect(201);
    await api.delete(`${CM}/fin-add`).expect(200);
    const cur = (await api.get(`${CM}/fin-add`).expect(200)).body;
    cur.metadata.finalizers = ['example.com/a', 'example.com/b'];
    const body = expectStatus(
      await api.put(`${CM}/fin-add`).send(cur),
      422,
      'Invalid',
      'ConfigMap "fin-add" is invalid: metadata.finalizers: Forbidden: no new finalizers can be added if the object is being deleted, found new finalizers []string{"example.com/b"}',
    );
    expect(body.details.causes).toEqual([
      { reason: 'FieldValueForbidden', message: 'Forbidden: no new finalizers can be added if the object is being deleted, found new finalizers []string{"example.com/b"}', field: 'metadata.finalizers' },
    ]);
    expect((await api.get(`${CM}/fin-add`).expect(200)).body.metadata.finalizers).toEqual(['example.com/a']);
  });

  it('preconditions: a uid or resourceVersion mismatch is 409 and deletes nothing', async () => {
    const created = (await api.post(CM).send(configMap('pre')).expect(201)).body;
    const uid = created.metadata.uid;
    const rv = created.metadata.resourceVersion;
    let body = expectStatus(
      await api.delete(`${CM}/pre`).set('Content-Type', 'application/json').send({ preconditions: { uid: 'wrong-uid' } }),
      409,
      'Conflict',
      `Operation cannot be fulfilled on configmaps "pre": Precondition failed: UID in precondition: wrong-uid, UID in object meta: ${uid}`,
    );
    expect(body.details).toMatchObject({ name: 'pre', kind: 'configmaps' });
    body = expectStatus(
      await api.delete(`${CM}/pre`).set('Content-Type', 'application/json').send({ preconditions: { resourceVersion: '1' } }),
      409,
      'Conflict',
      `Operation cannot be fulfilled on configmaps "pre": Precondition failed: ResourceVersion in precondition: 1, ResourceVersion in object meta: ${rv}`,
    );
    await api.get(`${CM}/pre`).expect(200);
    // Matching preconditions delete.
    await api.delete(`${CM}/pre`).set('Content-Type', 'application/json').send({ kind: 'DeleteOptions', apiVersion: 'v1', preconditions: { uid, resourceVersion: rv } }).expect(200);
    expectStatus(await api.get(`${CM}/pre`), 404, 'NotFound');
  });

  it('an invalid propagationPolicy is 400', async () => {
    await api.post(CM).send(configMap('bad-policy')).expect(201);
    const res = await api.delete(`${CM}/bad-policy`).set('Content-Type', 'application/json').send({ propagationPolicy: 'Sideways' });
    expectStatus(res, 400, 'BadRequest', /propagationPolicy/);
    await api.get(`${CM}/bad-policy`).expect(200);
  });
});

describe('deletecollection', () => {
  it('deletes only the objects matching the labelSelector and answers the deleted list', async () => {
    const ns = 'dc-test';
    await api.post('/api/v1/namespaces').send({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } }).expect(201);
    const base = `/api/v1/namespaces/${ns}/configmaps`;
    for (const [name, tier] of [['a', 'web'], ['b', 'web'], ['c', 'db'], ['d', undefined]] as const) {
      await api.post(base).send(configMap(name, { metadata: tier ? { labels: { tier } } : {} })).expect(201);
    }
    // A configmap with the same label in another namespace survives.
    await api.post(CM).send(configMap('dc-other', { metadata: { labels: { tier: 'web' } } })).expect(201);

    const res = await api.delete(`${base}?labelSelector=tier%3Dweb`).expect(200);
    expect(res.body.kind).toBe('ConfigMapList');
    expect(res.body.items.map((i: any) => i.metadata.name).sort()).toEqual(['a', 'b']);
    const left = (await api.get(base).expect(200)).body.items.map((i: any) => i.metadata.name).sort();
    expect(left).toEqual(['c', 'd']);
    await api.get(`${CM}/dc-other`).expect(200);
  });

  it('namespaces do not support deletecollection (405)', async () => {
    expectStatus(await api.delete('/api/v1/namespaces'), 405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource');
    await api.get('/api/v1/namespaces/default').expect(200);
  });
});

describe('dryRun=All', () => {
  it('create answers the would-be object and stores nothing', async () => {
    const res = await api.post(`${CM}?dryRun=All`).send(configMap('dry')).expect(201);
    expect(res.body.metadata.name).toBe('dry');
    expect(res.body.metadata.uid).toBeTruthy();
    expectStatus(await api.get(`${CM}/dry`), 404, 'NotFound');
  });

  it('a dry-run create still reports AlreadyExists and validation errors', async () => {
    await api.post(CM).send(configMap('dry-dup')).expect(201);
    expectStatus(await api.post(`${CM}?dryRun=All`).send(configMap('dry-dup')), 409, 'AlreadyExists');
    expectStatus(await api.post(`${CM}?dryRun=All`).send(configMap('Dry_Bad')), 422, 'Invalid');
  });

  it('update answers the changed object and stores nothing', async () => {
    const created = (await api.post(CM).send(configMap('dry-upd', { data: { a: '1' } })).expect(201)).body;
    const res = await api.put(`${CM}/dry-upd?dryRun=All`).send({ ...created, data: { a: '2' } }).expect(200);
    expect(res.body.data).toEqual({ a: '2' });
    const got = (await api.get(`${CM}/dry-upd`).expect(200)).body;
    expect(got.data).toEqual({ a: '1' });
    expect(got.metadata.resourceVersion).toBe(created.metadata.resourceVersion);
  });

  it('delete answers as if deleted and keeps the object', async () => {
    await api.post(CM).send(configMap('dry-del')).expect(201);
    const res = await api.delete(`${CM}/dry-del?dryRun=All`).expect(200);
    expect(res.body.status).toBe('Success');
    await api.get(`${CM}/dry-del`).expect(200);
  });

  it('deletecollection with dryRun keeps everything', async () => {
    await api.post(CM).send(configMap('dry-dc', { metadata: { labels: { drydc: 'yes' } } })).expect(201);
    const res = await api.delete(`${CM}?dryRun=All&labelSelector=drydc`).expect(200);
    expect(res.body.items.map((i: any) => i.metadata.name)).toEqual(['dry-dc']);
    await api.get(`${CM}/dry-dc`).expect(200);
  });

  it('an unknown dryRun value is 400', async () => {
    expectStatus(await api.post(`${CM}?dryRun=Some`).send(configMap('dry-bad')), 400, 'BadRequest', /dryRun/);
  });
});

describe('cluster-scoped resources', () => {
  it('namespaces are created and deleted at the cluster level; deletion goes through Terminating', async () => {
    const res = await api.post('/api/v1/namespaces').send({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'scratch' } }).expect(201);
    expect(res.body.metadata.namespace).toBeUndefined();
    expect(res.body.status.phase).toBe('Active');
    const del = await api.delete('/api/v1/namespaces/scratch').expect(200);
    expect(del.body.kind).toBe('Namespace');
    expect(del.body.status.phase).toBe('Terminating');
    expect(del.body.metadata.deletionTimestamp).toBeTruthy();
    // New content in a terminating namespace is forbidden.
    const body = expectStatus(
      await api.post('/api/v1/namespaces/scratch/configmaps').send(configMap('late')),
      403,
      'Forbidden',
      'configmaps "late" is forbidden: unable to create new content in namespace scratch because it is being terminated',
    );
    expect(body.details.causes).toEqual([{ reason: 'NamespaceTerminating', message: 'namespace scratch is being terminated', field: 'metadata.namespace' }]);
  });

  it('named cluster-scoped GET of a namespaced resource has no such URL', async () => {
    expectStatus(await api.get('/api/v1/configmaps/x'), 404, 'NotFound', 'the server could not find the requested resource');
  });
});
