// POST pods/NAME/binding over HTTP (upstream BindingREST): 201 Success, spec.nodeName + PodScheduled=True, 409 when
// already bound or being deleted, and the subresource in discovery.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestCluster, type TestCluster } from '../helpers/cluster.js';
import { api, apiOk } from '../helpers/http.js';

let c: TestCluster;
beforeAll(async () => {
  c = await startTestCluster({ components: [] });
});
afterAll(() => c.stop());

const binding = (name: string, node: string, extra: Record<string, any> = {}) => ({
  apiVersion: 'v1',
  kind: 'Binding',
  metadata: { name, ...extra },
  target: { apiVersion: 'v1', kind: 'Node', name: node },
});
const podBody = (name: string) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name }, spec: { containers: [{ name: 'c', image: 'httpd' }] } });

describe('pods/binding', () => {
  it('binds a pending pod and answers 201 with a Success Status', async () => {
    await apiOk(c.url, 'POST', '/api/v1/namespaces/default/pods', podBody('b1'));
    const r = await api(c.url, 'POST', '/api/v1/namespaces/default/pods/b1/binding', binding('b1', 'node01'));
    expect(r.status).toBe(201);
    expect(r.body).toEqual({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 201 });
    const pod = await apiOk(c.url, 'GET', '/api/v1/namespaces/default/pods/b1');
    expect(pod.spec.nodeName).toBe('node01');
    expect(pod.status.conditions).toEqual([{ type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: expect.any(String) }]);
  });

  it('leaves managedFields alone, as upstream (the binding bypasses the field manager)', async () => {
    await apiOk(c.url, 'POST', '/api/v1/namespaces/default/pods?fieldManager=creator', podBody('b-mf'));
    const before = await apiOk(c.url, 'GET', '/api/v1/namespaces/default/pods/b-mf');
    await apiOk(c.url, 'POST', '/api/v1/namespaces/default/pods/b-mf/binding?fieldManager=default-scheduler', binding('b-mf', 'node01'));
    const after = await apiOk(c.url, 'GET', '/api/v1/namespaces/default/pods/b-mf');
    expect(after.spec.nodeName).toBe('node01');
    expect(after.metadata.managedFields.map((e: { manager: string }) => e.manager)).toEqual(['creator']);
    expect(after.metadata.managedFields).toEqual(before.metadata.managedFields);
  });

  it('refuses to bind twice with 409 Conflict on pods/binding', async () => {
    const r = await api(c.url, 'POST', '/api/v1/namespaces/default/pods/b1/binding', binding('b1', 'node02'));
    expect(r.status).toBe(409);
    expect(r.body).toMatchObject({
      reason: 'Conflict',
      message: 'Operation cannot be fulfilled on pods/binding "b1": pod b1 is already assigned to node "node01"',
      details: { name: 'b1', kind: 'pods/binding' },
    });
  });

  it('checks the name, the target and the pod', async () => {
    await apiOk(c.url, 'POST', '/api/v1/namespaces/default/pods', podBody('b2'));
    const wrongName = await api(c.url, 'POST', '/api/v1/namespaces/default/pods/b2/binding', binding('other', 'node01'));
    expect(wrongName).toMatchObject({ status: 400, body: { message: 'name in URL does not match name in Binding object' } });
    const noTarget = await api(c.url, 'POST', '/api/v1/namespaces/default/pods/b2/binding', { ...binding('b2', ''), target: {} });
    expect(noTarget.status).toBe(500);
    expect(noTarget.body.message).toContain('target.name: Required value');
    const missing = await api(c.url, 'POST', '/api/v1/namespaces/default/pods/nope/binding', binding('nope', 'node01'));
    expect(missing).toMatchObject({ status: 404, body: { reason: 'NotFound' } });
    const wrongKind = await api(c.url, 'POST', '/api/v1/namespaces/default/pods/b2/binding', { ...binding('b2', 'node01'), kind: 'Pod' });
    expect(wrongKind.status).toBe(400);
    const get = await api(c.url, 'GET', '/api/v1/namespaces/default/pods/b2/binding');
    expect(get.status).toBe(405);
  });

  it('binds in process through Client.bindPod, with a uid precondition', async () => {
    await apiOk(c.url, 'POST', '/api/v1/namespaces/default/pods', podBody('b3'));
    await expect(c.client.bindPod('default', 'b3', 'node01', { uid: 'not-it' })).rejects.toMatchObject({ code: 409 });
    const pod = await c.client.bindPod('default', 'b3', 'node02');
    expect(pod.spec.nodeName).toBe('node02');
  });

  it('is listed in discovery with the Binding kind and the create verb', async () => {
    const list = await apiOk(c.url, 'GET', '/api/v1');
    expect(list.resources.find((r: any) => r.name === 'pods/binding')).toMatchObject({ kind: 'Binding', verbs: ['create'], namespaced: true });
  });
});
