// WATCH over chunked HTTP (read raw with Node http) and over WebSocket.
import supertest from 'supertest';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Storage, WatchOptions, Watcher } from '../../src/storage/interface.js';
import { startTestCluster, type TestCluster } from '../helpers/cluster.js';
import { waitFor } from '../helpers/wait.js';
import { API_ONLY, configMap, expectStatus, openWatch, summary, type WatchEvent, type WatchStream } from './util.js';

let cluster: TestCluster;
let api: ReturnType<typeof supertest>;
const open: WatchStream[] = [];
/** Storage watchers currently registered (the storage's watch() is wrapped with a counter). */
let activeWatchers = 0;

function countWatchers(storage: Storage): void {
  const original = storage.watch.bind(storage);
  storage.watch = (prefix: string, options: WatchOptions): Watcher => {
    const inner = original(prefix, options);
    activeWatchers++;
    let stopped = false;
    return {
      stop() {
        if (!stopped) {
          stopped = true;
          activeWatchers--;
        }
        inner.stop();
      },
    };
  };
}

async function namespace(name: string): Promise<string> {
  await api.post('/api/v1/namespaces').send({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } }).expect(201);
  return `/api/v1/namespaces/${name}/configmaps`;
}

async function watch(path: string, headers?: Record<string, string>): Promise<WatchStream> {
  const w = await openWatch(cluster.url, path, headers);
  open.push(w);
  return w;
}

beforeAll(async () => {
  cluster = await startTestCluster(API_ONLY);
  api = supertest(cluster.url);
  countWatchers(cluster.storage);
});
afterAll(async () => {
  for (const w of open) w.close();
  await cluster?.stop();
});

describe('chunked watch', () => {
  it('from a list resourceVersion: ADDED, MODIFIED, DELETED in order, with the response headers', async () => {
    const base = await namespace('w-order');
    await api.post(base).send(configMap('before')).expect(201);
    const list = await api.get(base).expect(200);
    const rv = list.body.metadata.resourceVersion;

    const w = await watch(`${base}?watch=true&resourceVersion=${rv}`);
    expect(w.status).toBe(200);
    expect(w.headers['content-type']).toBe('application/json');
    expect(w.headers['transfer-encoding']).toBe('chunked');

    const created = (await api.post(base).send(configMap('w1', { data: { v: '1' } })).expect(201)).body;
    const updated = (await api.put(`${base}/w1`).send({ ...created, data: { v: '2' } }).expect(200)).body;
    await api.delete(`${base}/w1`).expect(200);
    const events = await w.waitForEvents(3);
    // The object that existed before the list RV is not replayed.
    expect(summary(events)).toEqual(['ADDED w1', 'MODIFIED w1', 'DELETED w1']);
    expect(events[0].object).toEqual(created);
    expect(events[1].object).toEqual(updated);
    expect(events[1].object.data).toEqual({ v: '2' });
    expect(events[0].object).toMatchObject({ kind: 'ConfigMap', apiVersion: 'v1' });
    const rvs = events.map((e) => Number(e.object.metadata.resourceVersion));
    expect(rvs[0]).toBeGreaterThan(Number(rv));
    expect(rvs[1]).toBeGreaterThan(rvs[0]);
    expect(rvs[2]).toBeGreaterThan(rvs[1]); // DELETED carries the delete revision
    expect(w.isEnded()).toBe(false);
  });

  it('replays history from an older resourceVersion', async () => {
    const base = await namespace('w-replay');
    const rv = (await api.get(base).expect(200)).body.metadata.resourceVersion;
    await api.post(base).send(configMap('r1')).expect(201);
    await api.post(base).send(configMap('r2')).expect(201);
    await api.delete(`${base}/r1`).expect(200);
    const w = await watch(`${base}?watch=1&resourceVersion=${rv}`);
    expect(summary(await w.waitForEvents(3))).toEqual(['ADDED r1', 'ADDED r2', 'DELETED r1']);
  });

  it('without resourceVersion: ADDED for the existing objects first, then changes', async () => {
    const base = await namespace('w-initial');
    await api.post(base).send(configMap('a')).expect(201);
    await api.post(base).send(configMap('b')).expect(201);
    const w = await watch(`${base}?watch=true`);
    expect(summary(await w.waitForEvents(2))).toEqual(['ADDED a', 'ADDED b']);
    await api.post(base).send(configMap('c')).expect(201);
    expect(summary(await w.waitForEvents(3))).toEqual(['ADDED a', 'ADDED b', 'ADDED c']);
  });

  it('resourceVersion=0 also starts with the current state', async () => {
    const base = await namespace('w-rv0');
    await api.post(base).send(configMap('existing')).expect(201);
    const w = await watch(`${base}?watch=true&resourceVersion=0`);
    expect(summary(await w.waitForEvents(1))).toEqual(['ADDED existing']);
  });

  it('only events of the watched namespace are delivered; all-namespace watches see both', async () => {
    const a = await namespace('w-ns-a');
    const b = await namespace('w-ns-b');
    const rv = (await api.get('/api/v1/configmaps').expect(200)).body.metadata.resourceVersion;
    const wa = await watch(`${a}?watch=true&resourceVersion=${rv}`);
    const all = await watch(`/api/v1/configmaps?watch=true&resourceVersion=${rv}&labelSelector=nsw`);
    await api.post(b).send(configMap('in-b', { metadata: { labels: { nsw: 'x' } } })).expect(201);
    await api.post(a).send(configMap('in-a', { metadata: { labels: { nsw: 'x' } } })).expect(201);
    expect(summary(await wa.waitForEvents(1))).toEqual(['ADDED in-a']);
    expect((await all.waitForEvents(2)).map((e) => `${e.object.metadata.namespace}/${e.object.metadata.name}`)).toEqual(['w-ns-b/in-b', 'w-ns-a/in-a']);
    expect(wa.events).toHaveLength(1);
  });

  it('with a labelSelector, leaving the selection is DELETED and entering it is ADDED', async () => {
    const base = await namespace('w-select');
    const inSel = (await api.post(base).send(configMap('leaver', { metadata: { labels: { app: 'x' } } })).expect(201)).body;
    const outSel = (await api.post(base).send(configMap('joiner', { metadata: { labels: { app: 'y' } } })).expect(201)).body;
    const rv = (await api.get(base).expect(200)).body.metadata.resourceVersion;
    const w = await watch(`${base}?watch=true&resourceVersion=${rv}&labelSelector=app%3Dx`);

    await api.put(`${base}/leaver`).send({ ...inSel, metadata: { ...inSel.metadata, labels: { app: 'z' } } }).expect(200);
    await api.put(`${base}/joiner`).send({ ...outSel, metadata: { ...outSel.metadata, labels: { app: 'x' } } }).expect(200);
    const joined = (await api.get(`${base}/joiner`).expect(200)).body;
    await api.put(`${base}/joiner`).send({ ...joined, data: { more: 'data' } }).expect(200);
    // A change outside the selection is not seen at all.
    const left = (await api.get(`${base}/leaver`).expect(200)).body;
    await api.put(`${base}/leaver`).send({ ...left, data: { ignored: 'yes' } }).expect(200);
    await api.delete(`${base}/joiner`).expect(200);

    const events = await w.waitForEvents(4);
    expect(summary(events)).toEqual(['DELETED leaver', 'ADDED joiner', 'MODIFIED joiner', 'DELETED joiner']);
    // The DELETED for a leaving object carries its new state (labels no longer matching).
    expect(events[0].object.metadata.labels).toEqual({ app: 'z' });
  });

  it('with a fieldSelector on metadata.name (kubectl wait / delete)', async () => {
    const base = await namespace('w-field');
    const rv = (await api.get(base).expect(200)).body.metadata.resourceVersion;
    const w = await watch(`${base}?watch=true&resourceVersion=${rv}&fieldSelector=metadata.name%3Dtarget&allowWatchBookmarks=true&timeoutSeconds=300`);
    await api.post(base).send(configMap('other')).expect(201);
    await api.post(base).send(configMap('target')).expect(201);
    await api.delete(`${base}/target`).expect(200);
    expect(summary(await w.waitForEvents(2))).toEqual(['ADDED target', 'DELETED target']);
  });

  it('timeoutSeconds ends the stream (no bookmark unless asked)', async () => {
    const base = await namespace('w-timeout');
    await api.post(base).send(configMap('x')).expect(201);
    const rv = (await api.get(base).expect(200)).body.metadata.resourceVersion;
    const started = Date.now();
    const w = await watch(`${base}?watch=true&resourceVersion=${rv}&timeoutSeconds=1`);
    await w.ended;
    const took = Date.now() - started;
    expect(took).toBeGreaterThanOrEqual(900);
    expect(took).toBeLessThan(5000);
    expect(w.events).toEqual([]);
  });

  it('allowWatchBookmarks: a BOOKMARK at the current resourceVersion just before the timeout, then the stream ends', async () => {
    const base = await namespace('w-bookmark');
    const rv = (await api.get(base).expect(200)).body.metadata.resourceVersion;
    const w = await watch(`${base}?watch=true&resourceVersion=${rv}&allowWatchBookmarks=true&timeoutSeconds=1`);
    await api.post(base).send(configMap('bm')).expect(201);
    await w.ended;
    expect(summary(w.events)).toEqual(['ADDED bm', 'BOOKMARK']);
    const bookmark = w.events[1].object;
    expect(bookmark).toEqual({ kind: 'ConfigMap', apiVersion: 'v1', metadata: { resourceVersion: bookmark.metadata.resourceVersion, creationTimestamp: null } });
    expect(Number(bookmark.metadata.resourceVersion)).toBeGreaterThanOrEqual(Number(w.events[0].object.metadata.resourceVersion));
  });

  it('sendInitialEvents: ADDED for every object, the initial-events-end BOOKMARK, then live events', async () => {
    const base = await namespace('w-watchlist');
    for (const n of ['i1', 'i2', 'i3']) await api.post(base).send(configMap(n)).expect(201);
    const w = await watch(`${base}?watch=true&sendInitialEvents=true&resourceVersionMatch=NotOlderThan&allowWatchBookmarks=true&timeoutSeconds=300`);
    const initial = await w.waitForEvents(4);
    expect(summary(initial)).toEqual(['ADDED i1', 'ADDED i2', 'ADDED i3', 'BOOKMARK']);
    const end = initial[3].object;
    expect(end.kind).toBe('ConfigMap');
    expect(end.metadata.annotations).toEqual({ 'k8s.io/initial-events-end': 'true' });
    const listed = Math.max(...initial.slice(0, 3).map((e) => Number(e.object.metadata.resourceVersion)));
    expect(Number(end.metadata.resourceVersion)).toBeGreaterThanOrEqual(listed);

    await api.post(base).send(configMap('live')).expect(201);
    const events = await w.waitForEvents(5);
    expect(summary(events)[4]).toBe('ADDED live');
    expect(Number(events[4].object.metadata.resourceVersion)).toBeGreaterThan(Number(end.metadata.resourceVersion));
  });

  it('sendInitialEvents on an empty collection still sends the end bookmark', async () => {
    const base = await namespace('w-watchlist-empty');
    const w = await watch(`${base}?watch=true&sendInitialEvents=true&resourceVersionMatch=NotOlderThan&allowWatchBookmarks=true`);
    const [only] = await w.waitForEvents(1);
    expect(only.type).toBe('BOOKMARK');
    expect(only.object.metadata.annotations['k8s.io/initial-events-end']).toBe('true');
  });

  it('sendInitialEvents without resourceVersionMatch=NotOlderThan is 422', async () => {
    const body = expectStatus(
      await api.get('/api/v1/namespaces/default/configmaps?watch=true&sendInitialEvents=true&allowWatchBookmarks=true'),
      422,
      'Invalid',
      'ListOptions.meta.k8s.io "" is invalid: resourceVersionMatch: Forbidden: sendInitialEvents requires setting resourceVersionMatch to NotOlderThan',
    );
    expect(body.details.causes).toEqual([
      { reason: 'FieldValueForbidden', message: 'Forbidden: sendInitialEvents requires setting resourceVersionMatch to NotOlderThan', field: 'resourceVersionMatch' },
    ]);
  });

  it('resourceVersionMatch on a watch without sendInitialEvents is 422', async () => {
    expectStatus(
      await api.get('/api/v1/namespaces/default/configmaps?watch=true&resourceVersion=1&resourceVersionMatch=NotOlderThan'),
      422,
      'Invalid',
      /resourceVersionMatch is forbidden for watch unless sendInitialEvents is provided/,
    );
  });

  it('a malformed resourceVersion is 400 before the stream starts', async () => {
    expectStatus(await api.get('/api/v1/namespaces/default/configmaps?watch=true&resourceVersion=abc'), 400, 'BadRequest', 'invalid resource version: "abc"');
  });

  it('a watch with an invalid selector is 400', async () => {
    expectStatus(await api.get('/api/v1/namespaces/default/configmaps?watch=true&fieldSelector=data.x%3D1'), 400, 'BadRequest', /not a known field selector/);
  });

  it('Table watch: each event carries a one-row Table with the object metadata', async () => {
    const base = await namespace('w-table');
    const rv = (await api.get(base).expect(200)).body.metadata.resourceVersion;
    const w = await watch(`${base}?watch=true&resourceVersion=${rv}`, {
      Accept: 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json',
    });
    expect(w.headers['content-type']).toBe('application/json;as=Table;v=v1;g=meta.k8s.io');
    const created = (await api.post(base).send(configMap('t1', { data: { a: '1', b: '2' } })).expect(201)).body;
    await api.put(`${base}/t1`).send({ ...created, data: { a: '1' } }).expect(200);
    const events = await w.waitForEvents(2);
    expect(events.map((e) => e.type)).toEqual(['ADDED', 'MODIFIED']);
    for (const e of events) {
      expect(e.object).toMatchObject({ kind: 'Table', apiVersion: 'meta.k8s.io/v1' });
      expect(e.object.rows).toHaveLength(1);
      expect(e.object.rows[0].object).toMatchObject({ kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: { name: 't1', namespace: 'w-table' } });
      // Like upstream's TableConvertor, the Table carries the object's resourceVersion.
      expect(e.object.metadata.resourceVersion).toBe(e.object.rows[0].object.metadata.resourceVersion);
    }
    expect(events[0].object.columnDefinitions.map((c: any) => c.name)).toEqual(['Name', 'Data', 'Age']);
    expect(events[0].object.rows[0].cells.slice(0, 2)).toEqual(['t1', 2]);
    expect(events[1].object.rows[0].cells.slice(0, 2)).toEqual(['t1', 1]);
    expect(events[1].object.rows[0].object.metadata.uid).toBe(created.metadata.uid);
  });
});

describe('compaction', () => {
  it('watching from a compacted resourceVersion: 200, then an ERROR event with a 410 Expired Status, then the end', async () => {
    const small = await startTestCluster({ ...API_ONLY, historyLimit: 20 });
    try {
      const s = supertest(small.url);
      const base = '/api/v1/namespaces/default/configmaps';
      await s.post(base).send(configMap('c')).expect(201);
      const rv = (await s.get(base).expect(200)).body.metadata.resourceVersion;
      for (let i = 0; i < 30; i++) await s.put(`${base}/c`).send(configMap('c', { data: { i: String(i) } })).expect(200);
      const w = await openWatch(small.url, `${base}?watch=true&resourceVersion=${rv}`);
      expect(w.status).toBe(200);
      await w.ended;
      expect(w.events).toHaveLength(1);
      const [ev] = w.events;
      expect(ev.type).toBe('ERROR');
      expect(ev.object).toMatchObject({ kind: 'Status', apiVersion: 'v1', status: 'Failure', code: 410, reason: 'Expired' });
      // upstream watchCache names the oldest deliverable revision minus one: the compacted revision.
      expect(ev.object.message).toBe(`too old resource version: ${rv} (${small.storage.compactedRevision()})`);
      // A watch from a retained revision still works.
      const current = (await s.get(base).expect(200)).body.metadata.resourceVersion;
      const ok = await openWatch(small.url, `${base}?watch=true&resourceVersion=${current}`);
      await s.delete(`${base}/c`).expect(200);
      expect(summary(await ok.waitForEvents(1))).toEqual(['DELETED c']);
      ok.close();
    } finally {
      await small.stop();
    }
  });
});

describe('WebSocket watch', () => {
  function wsWatch(path: string, protocols?: string[]): Promise<{ ws: WebSocket; messages: string[]; closed: Promise<number> }> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(`${cluster.url.replace(/^http/, 'ws')}${path}`, protocols);
      const messages: string[] = [];
      const closed = new Promise<number>((r) => ws.on('close', (code) => r(code)));
      ws.on('message', (data) => messages.push(String(data)));
      ws.on('open', () => resolve({ ws, messages, closed }));
      ws.on('error', reject);
    });
  }

  it('delivers the same events as the chunked watch, one per message', async () => {
    const base = await namespace('w-ws');
    await api.post(base).send(configMap('pre')).expect(201);
    const rv = (await api.get(base).expect(200)).body.metadata.resourceVersion;
    const chunked = await watch(`${base}?watch=true&resourceVersion=${rv}`);
    const { ws, messages } = await wsWatch(`/api/v1/namespaces/w-ws/configmaps?watch=true&resourceVersion=${rv}`);
    try {
      const created = (await api.post(base).send(configMap('ws1')).expect(201)).body;
      await api.put(`${base}/ws1`).send({ ...created, data: { x: 'y' } }).expect(200);
      await api.delete(`${base}/ws1`).expect(200);
      await waitFor('3 websocket messages', () => messages.length >= 3);
      const wsEvents: WatchEvent[] = messages.map((m) => JSON.parse(m));
      expect(summary(wsEvents)).toEqual(['ADDED ws1', 'MODIFIED ws1', 'DELETED ws1']);
      expect(wsEvents).toEqual(await chunked.waitForEvents(3));
    } finally {
      ws.close();
    }
  });

  it('base64.binary.k8s.io clients get base64 frames', async () => {
    const base = await namespace('w-ws64');
    await api.post(base).send(configMap('b64')).expect(201);
    const { ws, messages } = await wsWatch('/api/v1/namespaces/w-ws64/configmaps?watch=true', ['base64.binary.k8s.io']);
    try {
      expect(ws.protocol).toBe('base64.binary.k8s.io');
      await waitFor('1 websocket message', () => messages.length >= 1);
      const ev = JSON.parse(Buffer.from(messages[0], 'base64').toString('utf8'));
      expect(ev.type).toBe('ADDED');
      expect(ev.object.metadata.name).toBe('b64');
    } finally {
      ws.close();
    }
  });

  it('timeoutSeconds closes the socket normally', async () => {
    await namespace('w-ws-timeout');
    const { closed } = await wsWatch('/api/v1/namespaces/w-ws-timeout/configmaps?watch=true&timeoutSeconds=1');
    expect(await closed).toBe(1000);
  });

  it('a bad upgrade request is rejected with a Status', async () => {
    const err = await new Promise<{ status?: number; body: string }>((resolve) => {
      const ws = new WebSocket(`${cluster.url.replace(/^http/, 'ws')}/api/v1/namespaces/default/nopes?watch=true`);
      ws.on('unexpected-response', (_req, res) => {
        let body = '';
        res.on('data', (c) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode, body }));
      });
      ws.on('error', () => undefined);
    });
    expect(err.status).toBe(404);
    expect(JSON.parse(err.body)).toMatchObject({ kind: 'Status', reason: 'NotFound', code: 404 });
  });
});

describe('disconnects', () => {
  it('clients that go away release their storage watchers and the server keeps serving', async () => {
    const base = await namespace('w-leak');
    const baseline = activeWatchers;
    const streams: WatchStream[] = [];
    for (let i = 0; i < 10; i++) streams.push(await watch(`${base}?watch=true&allowWatchBookmarks=true`));
    await waitFor('10 more storage watchers', () => activeWatchers === baseline + 10);
    for (const s of streams) s.close();
    await waitFor(`storage watchers back to ${baseline} (now ${activeWatchers})`, () => activeWatchers === baseline);

    // WebSocket clients too.
    const sockets: WebSocket[] = [];
    for (let i = 0; i < 5; i++) {
      const ws = new WebSocket(`${cluster.url.replace(/^http/, 'ws')}/api/v1/namespaces/w-leak/configmaps?watch=true`);
      await new Promise((r) => ws.on('open', r));
      sockets.push(ws);
    }
    await waitFor('5 websocket storage watchers', () => activeWatchers === baseline + 5);
    for (const ws of sockets) ws.terminate();
    await waitFor(`storage watchers back to ${baseline} after websocket disconnects (now ${activeWatchers})`, () => activeWatchers === baseline);

    // Timed-out watches release theirs as well.
    const timed = await watch(`${base}?watch=true&timeoutSeconds=1`);
    await timed.ended;
    await waitFor('storage watchers back after timeout', () => activeWatchers === baseline);

    await api.post(base).send(configMap('still-serving')).expect(201);
    const fresh = await watch(`${base}?watch=true`);
    expect(summary(await fresh.waitForEvents(1))).toEqual(['ADDED still-serving']);
  });
});
