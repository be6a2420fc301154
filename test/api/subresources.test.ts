// Subresources: /scale (autoscaling/v1 Scale) and /status.
import supertest from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestCluster, type TestCluster } from '../helpers/cluster.js';
import { API_ONLY, deployment, expectStatus } from './util.js';

let cluster: TestCluster;
let api: ReturnType<typeof supertest>;
const DEPLOY = '/apis/apps/v1/namespaces/default/deployments';

beforeAll(async () => {
  cluster = await startTestCluster(API_ONLY);
  api = supertest(cluster.url);
});
afterAll(async () => {
  await cluster?.stop();
});

describe('deployments/scale', () => {
  it('GET answers an autoscaling/v1 Scale with status.selector as a string', async () => {
    const d = deployment('scale-get', 2, { app: 'web', tier: 'fe' });
    const created = (await api.post(DEPLOY).send(d).expect(201)).body;
    const res = await api.get(`${DEPLOY}/scale-get/scale`).expect(200);
    expect(res.headers['content-type']).toBe('application/json');
    expect(res.body).toEqual({
      kind: 'Scale',
      apiVersion: 'autoscaling/v1',
      metadata: {
        name: 'scale-get',
        namespace: 'default',
        uid: created.metadata.uid,
        resourceVersion: created.metadata.resourceVersion,
        creationTimestamp: created.metadata.creationTimestamp,
      },
      spec: { replicas: 2 },
      status: { replicas: 0, selector: 'app=web,tier=fe' },
    });
  });

  it('the selector string renders matchExpressions like upstream', async () => {
    const d = deployment('scale-expr', 1, { app: 'x' });
    d.spec.selector = { matchLabels: { app: 'x' }, matchExpressions: [{ key: 'env', operator: 'In', values: ['prod', 'dev'] }] };
    d.spec.template.metadata.labels = { app: 'x', env: 'prod' };
    await api.post(DEPLOY).send(d).expect(201);
    const res = await api.get(`${DEPLOY}/scale-expr/scale`).expect(200);
    expect(res.body.status.selector).toBe('app=x,env in (dev,prod)');
  });

  it('PUT of a Scale changes spec.replicas and bumps the deployment generation', async () => {
    await api.post(DEPLOY).send(deployment('scale-put', 1)).expect(201);
    const scale = (await api.get(`${DEPLOY}/scale-put/scale`).expect(200)).body;
    const res = await api.put(`${DEPLOY}/scale-put/scale`).send({ ...scale, spec: { replicas: 5 } }).expect(200);
    expect(res.body).toMatchObject({ kind: 'Scale', apiVersion: 'autoscaling/v1', spec: { replicas: 5 } });
    expect(Number(res.body.metadata.resourceVersion)).toBeGreaterThan(Number(scale.metadata.resourceVersion));
    const d = (await api.get(`${DEPLOY}/scale-put`).expect(200)).body;
    expect(d.spec.replicas).toBe(5);
    expect(d.metadata.generation).toBe(2);
    expect(d.metadata.resourceVersion).toBe(res.body.metadata.resourceVersion);
  });

  it('a Scale PUT with a stale resourceVersion is 409 and changes nothing', async () => {
    await api.post(DEPLOY).send(deployment('scale-stale', 1)).expect(201);
    const scale = (await api.get(`${DEPLOY}/scale-stale/scale`).expect(200)).body;
    await api.put(`${DEPLOY}/scale-stale/scale`).send({ ...scale, spec: { replicas: 2 } }).expect(200);
    expectStatus(
      await api.put(`${DEPLOY}/scale-stale/scale`).send({ ...scale, spec: { replicas: 3 } }),
      409,
      'Conflict',
      'Operation cannot be fulfilled on deployments.apps "scale-stale": the object has been modified; please apply your changes to the latest version and try again',
    );
    expect((await api.get(`${DEPLOY}/scale-stale`).expect(200)).body.spec.replicas).toBe(2);
  });

  it('a Scale PUT without resourceVersion is unconditional', async () => {
    await api.post(DEPLOY).send(deployment('scale-norv', 1)).expect(201);
    const res = await api.put(`${DEPLOY}/scale-norv/scale`).send({ apiVersion: 'autoscaling/v1', kind: 'Scale', metadata: { name: 'scale-norv' }, spec: { replicas: 4 } }).expect(200);
    expect(res.body.spec.replicas).toBe(4);
  });

  it('merge-patch of the Scale (kubectl scale) changes spec.replicas', async () => {
    await api.post(DEPLOY).send(deployment('scale-patch', 1)).expect(201);
    const res = await api
      .patch(`${DEPLOY}/scale-patch/scale`)
      .set('Content-Type', 'application/merge-patch+json')
      .send(JSON.stringify({ spec: { replicas: 3 } }))
      .expect(200);
    expect(res.body).toMatchObject({ kind: 'Scale', spec: { replicas: 3 }, status: { selector: 'app=scale-patch' } });
    const d = (await api.get(`${DEPLOY}/scale-patch`).expect(200)).body;
    expect(d.spec.replicas).toBe(3);
    expect(d.metadata.generation).toBe(2);
    // Patching to the same value changes nothing (no new generation).
    await api.patch(`${DEPLOY}/scale-patch/scale`).set('Content-Type', 'application/merge-patch+json').send(JSON.stringify({ spec: { replicas: 3 } })).expect(200);
    expect((await api.get(`${DEPLOY}/scale-patch`).expect(200)).body.metadata.generation).toBe(2);
  });

  it('JSON patch and strategic merge patch of the Scale work too', async () => {
    await api.post(DEPLOY).send(deployment('scale-jp', 1)).expect(201);
    const jp = await api
      .patch(`${DEPLOY}/scale-jp/scale`)
      .set('Content-Type', 'application/json-patch+json')
      .send(JSON.stringify([{ op: 'replace', path: '/spec/replicas', value: 6 }]))
      .expect(200);
    expect(jp.body.spec.replicas).toBe(6);
    const smp = await api.patch(`${DEPLOY}/scale-jp/scale`).set('Content-Type', 'application/strategic-merge-patch+json').send(JSON.stringify({ spec: { replicas: 7 } })).expect(200);
    expect(smp.body.spec.replicas).toBe(7);
    expect((await api.get(`${DEPLOY}/scale-jp`).expect(200)).body.spec.replicas).toBe(7);
  });

  it('negative replicas are 422 Invalid on Scale', async () => {
    await api.post(DEPLOY).send(deployment('scale-neg', 1)).expect(201);
    const body = expectStatus(
      await api.patch(`${DEPLOY}/scale-neg/scale`).set('Content-Type', 'application/merge-patch+json').send(JSON.stringify({ spec: { replicas: -1 } })),
      422,
      'Invalid',
      'Scale.autoscaling "scale-neg" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0',
    );
    expect(body.details).toMatchObject({ name: 'scale-neg', group: 'autoscaling', kind: 'Scale' });
    expect(body.details.causes).toEqual([{ reason: 'FieldValueInvalid', message: 'Invalid value: -1: must be greater than or equal to 0', field: 'spec.replicas' }]);
    const scale = (await api.get(`${DEPLOY}/scale-neg/scale`).expect(200)).body;
    expectStatus(await api.put(`${DEPLOY}/scale-neg/scale`).send({ ...scale, spec: { replicas: -5 } }), 422, 'Invalid', /spec\.replicas: Invalid value: -5/);
    expect((await api.get(`${DEPLOY}/scale-neg`).expect(200)).body.spec.replicas).toBe(1);
  });

  it('a body of another kind is 400', async () => {
    await api.post(DEPLOY).send(deployment('scale-kind', 1)).expect(201);
    expectStatus(
      await api.put(`${DEPLOY}/scale-kind/scale`).send(deployment('scale-kind', 3)),
      400,
      'BadRequest',
      'the API version in the data (apps/v1) does not match the expected API version (autoscaling/v1)',
    );
  });

  it('the scale of a missing deployment is 404 on deployments/scale (upstream ScaleREST)', async () => {
    const body = expectStatus(await api.get(`${DEPLOY}/nope/scale`), 404, 'NotFound', 'deployments/scale.apps "nope" not found');
    expect(body.details).toEqual({ name: 'nope', group: 'apps', kind: 'deployments/scale' });
    expectStatus(
      await api.patch(`${DEPLOY}/nope/scale`).set('Content-Type', 'application/merge-patch+json').send(JSON.stringify({ spec: { replicas: 1 } })),
      404,
      'NotFound',
      'deployments/scale.apps "nope" not found',
    );
  });

  it('dryRun=All on the Scale changes nothing', async () => {
    await api.post(DEPLOY).send(deployment('scale-dry', 1)).expect(201);
    const res = await api.patch(`${DEPLOY}/scale-dry/scale?dryRun=All`).set('Content-Type', 'application/merge-patch+json').send(JSON.stringify({ spec: { replicas: 9 } })).expect(200);
    expect(res.body.spec.replicas).toBe(9);
    expect((await api.get(`${DEPLOY}/scale-dry`).expect(200)).body.spec.replicas).toBe(1);
  });

  it('scale is served for statefulsets and replicasets too', async () => {
    const sts = {
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      metadata: { name: 'db' },
      spec: { replicas: 1, serviceName: 'db', selector: { matchLabels: { app: 'db' } }, template: { metadata: { labels: { app: 'db' } }, spec: { containers: [{ name: 'c', image: 'x' }] } } },
    };
    await api.post('/apis/apps/v1/namespaces/default/statefulsets').send(sts).expect(201);
    const res = await api.patch('/apis/apps/v1/namespaces/default/statefulsets/db/scale').set('Content-Type', 'application/merge-patch+json').send(JSON.stringify({ spec: { replicas: 2 } })).expect(200);
    expect(res.body).toMatchObject({ kind: 'Scale', apiVersion: 'autoscaling/v1', spec: { replicas: 2 }, status: { selector: 'app=db' } });
    const rs = { ...deployment('rs-1', 1), kind: 'ReplicaSet' };
    await api.post('/apis/apps/v1/namespaces/default/replicasets').send(rs).expect(201);
    expect((await api.get('/apis/apps/v1/namespaces/default/replicasets/rs-1/scale').expect(200)).body.spec.replicas).toBe(1);
  });

  it('unsupported verbs on /scale are 405', async () => {
    await api.post(DEPLOY).send(deployment('scale-verbs', 1)).expect(201);
    expectStatus(await api.delete(`${DEPLOY}/scale-verbs/scale`), 405, 'MethodNotAllowed');
    expectStatus(await api.post(`${DEPLOY}/scale-verbs/scale`).send({}), 405, 'MethodNotAllowed');
  });
});

describe('status subresource', () => {
  it('PATCH /status changes only the status', async () => {
    await api.post(DEPLOY).send(deployment('st-patch', 1)).expect(201);
    const res = await api
      .patch(`${DEPLOY}/st-patch/status`)
      .set('Content-Type', 'application/merge-patch+json')
      .send(JSON.stringify({ spec: { replicas: 9 }, status: { replicas: 1, readyReplicas: 1 } }))
      .expect(200);
    expect(res.body.status).toMatchObject({ replicas: 1, readyReplicas: 1 });
    expect(res.body.spec.replicas).toBe(1);
    expect(res.body.metadata.generation).toBe(1);
  });

  it('PATCH of the main resource ignores status', async () => {
    await api.post(DEPLOY).send(deployment('main-patch', 1)).expect(201);
    const res = await api
      .patch(`${DEPLOY}/main-patch`)
      .set('Content-Type', 'application/merge-patch+json')
      .send(JSON.stringify({ spec: { replicas: 2 }, status: { replicas: 7 } }))
      .expect(200);
    expect(res.body.spec.replicas).toBe(2);
    expect(res.body.status?.replicas).toBeUndefined();
    expect(res.body.metadata.generation).toBe(2);
  });

  it('pods/status writes the status; the main resource does not', async () => {
    const pods = '/api/v1/namespaces/default/pods';
    const created = (
      await api
        .post(pods)
        .send({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'st-pod' }, spec: { containers: [{ name: 'c', image: 'x' }] }, status: { phase: 'Running' } })
        .expect(201)
    ).body;
    // PrepareForCreate resets the status.
    expect(created.status.phase).toBe('Pending');
    const res = await api.put(`${pods}/st-pod/status`).send({ ...created, status: { ...created.status, phase: 'Running', podIP: '10.0.0.1' } }).expect(200);
    expect(res.body.status).toMatchObject({ phase: 'Running', podIP: '10.0.0.1' });
    const again = await api.put(`${pods}/st-pod`).send({ ...res.body, status: { phase: 'Failed' } }).expect(200);
    expect(again.body.status.phase).toBe('Running');
  });

  it('PUT /status of a missing object is 404; stale resourceVersion is 409', async () => {
    expectStatus(await api.put(`${DEPLOY}/st-none/status`).send(deployment('st-none')), 404, 'NotFound', 'deployments.apps "st-none" not found');
    const created = (await api.post(DEPLOY).send(deployment('st-stale', 1)).expect(201)).body;
    await api.put(`${DEPLOY}/st-stale/status`).send({ ...created, status: { replicas: 1 } }).expect(200);
    expectStatus(await api.put(`${DEPLOY}/st-stale/status`).send({ ...created, status: { replicas: 2 } }), 409, 'Conflict', /the object has been modified/);
  });
});
