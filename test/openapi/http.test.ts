// /openapi/v2 and /openapi/v3 over HTTP: the index, per group-version documents, ETag / If-None-Match, hash-pinned
// caching and redirects, errors.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestCluster, type TestCluster } from '../helpers/cluster.js';

let cluster: TestCluster;

function get(path: string, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(cluster.url + path, { headers, redirect: 'manual' });
}

beforeAll(async () => {
  cluster = await startTestCluster();
});
afterAll(async () => {
  await cluster?.stop();
});

describe('/openapi/v2', () => {
  it('stays the minimal protobuf document kubectl 1.27/1.28 need', async () => {
    const res = await get('/openapi/v2?timeout=32s', { accept: 'application/com.github.proto-openapi.spec.v2@v1.0+protobuf' });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/octet-stream');
    expect([...new Uint8Array(await res.arrayBuffer())]).toEqual([0x0a, 0x03, 0x32, 0x2e, 0x30]);
  });
});

describe('/openapi/v3', () => {
  it('lists each served group-version with a hash-pinned URL, with an ETag', async () => {
    const res = await get('/openapi/v3?timeout=32s', { accept: 'application/json, */*' });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json');
    const etag = res.headers.get('etag');
    expect(etag).toMatch(/^"[0-9A-F]{128}"$/);
    const index: any = await res.json();
    for (const gv of ['api/v1', 'apis/apps/v1', 'apis/coordination.k8s.io/v1']) {
      expect(index.paths[gv].serverRelativeURL).toMatch(new RegExp(`^/openapi/v3/${gv.replace(/\./g, '\\.')}\\?hash=[0-9A-F]{128}$`));
    }
    const again = await get('/openapi/v3', { 'if-none-match': etag! });
    expect(again.status).toBe(304);
    expect(again.headers.get('etag')).toBe(etag);
    expect(await again.text()).toBe('');
    expect((await get('/openapi/v3', { 'if-none-match': '"stale"' })).status).toBe(200);
  });

  it('serves each document; the current hash makes it immutable, an old one redirects', async () => {
    const index: any = await (await get('/openapi/v3')).json();
    const url: string = index.paths['apis/apps/v1'].serverRelativeURL;
    const hash = url.split('hash=')[1]!;
    const res = await get(`${url}&timeout=32s`, { accept: 'application/json' });
    expect(res.status).toBe(200);
    expect(res.headers.get('etag')).toBe(`"${hash}"`);
    expect(res.headers.get('cache-control')).toBe('public, immutable');
    expect(res.headers.get('expires')).toBeTruthy();
    const doc: any = await res.json();
    expect(doc.openapi).toBe('3.0.0');
    expect(doc.components.schemas['io.k8s.api.apps.v1.Deployment']['x-kubernetes-group-version-kind']).toEqual([{ group: 'apps', kind: 'Deployment', version: 'v1' }]);

    const unpinned = await get('/openapi/v3/apis/apps/v1');
    expect(unpinned.status).toBe(200);
    expect(unpinned.headers.get('cache-control')).toBe('no-cache, private');
    expect((await get('/openapi/v3/apis/apps/v1', { 'if-none-match': `"${hash}"` })).status).toBe(304);

    const stale = await get('/openapi/v3/apis/apps/v1?hash=0123');
    expect(stale.status).toBe(301);
    expect(stale.headers.get('location')).toBe(url);
  });

  it('answers 404 for group-versions it does not serve, 406 for non-JSON, 405 for writes', async () => {
    for (const path of ['/openapi/v3/apis/example.com/v1', '/openapi/v3/api/v2', '/openapi/v3/apis/apps', '/openapi/v4']) {
      const res = await get(path);
      expect(res.status, path).toBe(404);
      expect(((await res.json()) as any).kind).toBe('Status');
    }
    expect((await get('/openapi/v3/api/v1', { accept: 'application/com.github.proto-openapi.spec.v3@v1.0+protobuf' })).status).toBe(406);
    expect((await fetch(`${cluster.url}/openapi/v3`, { method: 'POST', body: '{}' })).status).toBe(405);
  });
});
