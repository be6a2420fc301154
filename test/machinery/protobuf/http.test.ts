// Protobuf bodies through a running kubesim: create with a protobuf ConfigMap, delete with protobuf DeleteOptions
// (preconditions honoured), and malformed bodies answered with a 400 Status.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestCluster, type TestCluster } from '../../helpers/cluster.js';
import { apiOk } from '../../helpers/http.js';
import { bytesMap, encode, envelope, int, msg, objectMeta, PROTOBUF, str, strMap } from './pb.js';

let cluster: TestCluster;

beforeAll(async () => {
  cluster = await startTestCluster();
});

afterAll(async () => {
  await cluster?.stop();
});

async function send(method: string, path: string, body: Uint8Array): Promise<{ status: number; body: any }> {
  const res = await fetch(cluster.url + path, {
    method,
    headers: { 'content-type': PROTOBUF, accept: `${PROTOBUF},application/json` },
    body: Buffer.from(body),
  });
  const text = await res.text();
  expect(res.headers.get('content-type')).toMatch(/^application\/json/);
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

describe('protobuf request bodies over HTTP', () => {
  it('POST a protobuf ConfigMap and Secret, read them back as JSON', async () => {
    const cm = envelope('v1', 'ConfigMap', encode(objectMeta(1, { name: 'pb-cm' }), strMap(2, { a: 'b' })));
    const created = await send('POST', '/api/v1/namespaces/default/configmaps', cm);
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ kind: 'ConfigMap', apiVersion: 'v1', metadata: { name: 'pb-cm', namespace: 'default' }, data: { a: 'b' } });
    const got = await apiOk(cluster.url, 'GET', '/api/v1/namespaces/default/configmaps/pb-cm');
    expect(got.data).toEqual({ a: 'b' });

    const secret = envelope('v1', 'Secret', encode(objectMeta(1, { name: 'pb-s' }), bytesMap(2, { p: Buffer.from('q') }), str(3, 'Opaque')));
    expect((await send('POST', '/api/v1/namespaces/default/secrets', secret)).status).toBe(201);
    expect((await apiOk(cluster.url, 'GET', '/api/v1/namespaces/default/secrets/pb-s')).data).toEqual({ p: 'cQ==' });
  });

  it('PUT a protobuf update', async () => {
    const current = await apiOk(cluster.url, 'GET', '/api/v1/namespaces/default/configmaps/pb-cm');
    const meta = objectMeta(1, { name: 'pb-cm', namespace: 'default', extra: [str(6, current.metadata.resourceVersion)] });
    const res = await send('PUT', '/api/v1/namespaces/default/configmaps/pb-cm', envelope('v1', 'ConfigMap', encode(meta, strMap(2, { a: 'c' }))));
    expect(res.status).toBe(200);
    expect(res.body.data).toEqual({ a: 'c' });
  });

  it('DELETE with protobuf DeleteOptions: a failed uid precondition is a 409, the right one deletes', async () => {
    const cm = await apiOk(cluster.url, 'GET', '/api/v1/namespaces/default/configmaps/pb-cm');
    const options = (uid: string) => envelope('v1', 'DeleteOptions', encode(int(1, 0), msg(2, str(1, uid)), str(4, 'Background')));
    const conflict = await send('DELETE', '/api/v1/namespaces/default/configmaps/pb-cm', options('not-the-uid'));
    expect(conflict.status).toBe(409);
    expect(conflict.body).toMatchObject({ kind: 'Status', reason: 'Conflict' });
    const deleted = await send('DELETE', '/api/v1/namespaces/default/configmaps/pb-cm', options(cm.metadata.uid));
    expect(deleted.status).toBe(200);
    const gone = await fetch(`${cluster.url}/api/v1/namespaces/default/configmaps/pb-cm`);
    expect(gone.status).toBe(404);
  });

  it('malformed bodies and unknown kinds are a 400 Status; a body for another kind is rejected like JSON', async () => {
    const truncated = await send('POST', '/api/v1/namespaces/default/configmaps', envelope('v1', 'ConfigMap', Uint8Array.of(0x0a, 0x7f)));
    expect(truncated.status).toBe(400);
    expect(truncated.body).toMatchObject({ kind: 'Status', reason: 'BadRequest', message: 'ConfigMap in version "v1" cannot be handled as a ConfigMap: unexpected EOF' });
    const unknown = await send('POST', '/api/v1/namespaces/default/configmaps', envelope('v1', 'Widget', new Uint8Array()));
    expect(unknown.status).toBe(400);
    expect(unknown.body.message).toMatch(/no kind "Widget" is registered/);
    const wrong = await send('POST', '/api/v1/namespaces/default/configmaps', envelope('v1', 'Secret', encode(objectMeta(1, { name: 'x' }))));
    expect(wrong.status).toBe(400);
    expect(wrong.body.message).toMatch(/kind/);
  });
});
