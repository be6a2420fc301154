// Watches over a WebSocket upgrade go through the same request hook as HTTP requests: they are recorded (code 101
// once upgraded, or the status the upgrade was refused with) and fault rules apply to them: error refuses the
// upgrade with the Status (as upstream's filters answer before a handler upgrades), latency holds the upgrade back
// in cluster time, cut-watch closes the socket (a 1000 close frame, or a dropped connection in mode reset), and
// expire ends open watches and answers a watch from an old resourceVersion with a 410 ERROR message.
import { request } from 'node:http';
import WebSocket from 'ws';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createCluster, type Cluster, type VirtualClock } from '../../src/index.js';
import { api, apiOk, configMap } from '../helpers/http.js';
import { waitFor } from '../helpers/wait.js';

interface WsWatch {
  ws: WebSocket;
  messages: string[];
  /** The close code the client saw (1000 normal, 1006 dropped). */
  closed: Promise<number>;
}

interface Refused {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** Opens a watch over WebSocket: resolves once upgraded, or with the HTTP answer when the upgrade is refused. */
function wsWatch(base: string, path: string, protocols?: string[]): { ws: WebSocket; result: Promise<WsWatch | Refused> } {
  const ws = new WebSocket(`${base.replace(/^http/, 'ws')}${path}`, protocols);
  const messages: string[] = [];
  const closed = new Promise<number>((r) => ws.on('close', (code) => r(code)));
  ws.on('message', (data) => messages.push(String(data)));
  const result = new Promise<WsWatch | Refused>((resolve, reject) => {
    ws.on('open', () => resolve({ ws, messages, closed }));
    ws.on('unexpected-response', (_req, res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
    });
    ws.on('error', reject);
  });
  return { ws, result };
}

async function opened(base: string, path: string, protocols?: string[]): Promise<WsWatch> {
  const r = await wsWatch(base, path, protocols).result;
  if (!('ws' in r)) throw new Error(`upgrade refused: ${r.status} ${r.body}`);
  return r;
}

async function refused(base: string, path: string): Promise<Refused> {
  const r = await wsWatch(base, path).result;
  if ('ws' in r) {
    r.ws.terminate();
    throw new Error('the upgrade was accepted');
  }
  return r;
}

describe('watches over WebSocket: recording and fault rules', () => {
  let cluster: Cluster<VirtualClock>;
  const url = () => cluster.url;
  const cms = (ns: string) => `/api/v1/namespaces/${ns}/configmaps`;

  beforeAll(async () => {
    cluster = await createCluster({ components: [], fixture: false, clock: 'virtual', faults: { seed: 3 }, recordRequests: true });
    for (const ns of ['ws-a', 'ws-b']) await cluster.client.namespaces.create(undefined, { metadata: { name: ns } });
  });
  afterEach(() => {
    cluster.faults.clear();
    cluster.requests.clear();
  });
  afterAll(() => cluster?.close());

  it('are recorded: 101 once upgraded, the status of a refused upgrade; HTTP watches stay as they were', async () => {
    const w = await opened(url(), `${cms('ws-a')}?watch=true&labelSelector=app%3Dweb`);
    // The entry is added when the upgrade is answered, before the client sees it.
    expect(cluster.requests({ namespace: 'ws-a' })).toEqual([
      expect.objectContaining({
        method: 'GET',
        verb: 'watch',
        resource: 'configmaps',
        namespace: 'ws-a',
        path: cms('ws-a'),
        query: 'watch=true&labelSelector=app%3Dweb',
        code: 101,
        watch: true,
        websocket: true,
      }),
    ]);
    expect(cluster.requests({ namespace: 'ws-a' })[0].aborted).toBeUndefined();
    w.ws.close();

    const notFound = await refused(url(), '/api/v1/namespaces/ws-a/nopes?watch=true');
    expect(notFound.status).toBe(404);
    const notWatch = await refused(url(), cms('ws-a'));
    expect(notWatch.status).toBe(400);
    expect(cluster.requests({ websocket: true }).map((r) => [r.verb, r.resource, r.code])).toEqual([
      ['watch', 'configmaps', 101],
      ['watch', 'nopes', 404],
      ['list', 'configmaps', 400],
    ]);

    const http = await fetch(`${url()}${cms('ws-b')}?watch=true&timeoutSeconds=1`);
    await http.body?.cancel();
    const [plain] = cluster.requests({ namespace: 'ws-b', verb: 'watch' });
    expect(plain).toMatchObject({ code: 200, watch: true });
    expect('websocket' in plain).toBe(false);
    // Also at GET /kubesim/v1/requests?websocket=true.
    const lines = (await (await fetch(`${url()}/kubesim/v1/requests?websocket=true`)).text()).trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.map((r) => r.code)).toEqual([101, 404, 400]);
  });

  it('error: the upgrade is refused with the Status (and Retry-After), and recorded with the rule', async () => {
    const rule = cluster.faults.add({ action: 'error', code: 503, retryAfterSeconds: 4, verb: 'watch', namespace: 'ws-a', count: 1 });
    const r = await refused(url(), `${cms('ws-a')}?watch=true`);
    expect(r.status).toBe(503);
    expect(r.headers['retry-after']).toBe('4');
    expect(r.headers['content-type']).toBe('application/json');
    expect(JSON.parse(r.body)).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'the server is currently unable to handle the request',
      reason: 'ServiceUnavailable',
      code: 503,
      details: { retryAfterSeconds: 4 },
    });
    expect(cluster.requests({ namespace: 'ws-a' })).toEqual([expect.objectContaining({ code: 503, fault: rule.id, websocket: true })]);
    // The rule is spent: the next watch is upgraded.
    const w = await opened(url(), `${cms('ws-a')}?watch=true`);
    w.ws.close();
    expect(cluster.faults.list()[0]).toMatchObject({ id: rule.id, fired: 1 });
    // A rule for other requests leaves WebSocket watches alone.
    cluster.faults.add({ action: 'error', code: 500, verb: 'list' });
    const ok = await opened(url(), `${cms('ws-a')}?watch=true`);
    ok.ws.close();
    expect((await api(url(), 'GET', cms('ws-a'))).status).toBe(500);
  });

  it('latency: the upgrade waits for cluster time; a client that leaves meanwhile is recorded as aborted', async () => {
    const rule = cluster.faults.add({ action: 'latency', latency: '3s', verb: 'watch', namespace: 'ws-a' });
    const { ws, result } = wsWatch(url(), `${cms('ws-a')}?watch=true`);
    await waitFor('the rule to fire', () => cluster.faults.list()[0].fired === 1);
    await cluster.clock.advance('2s');
    expect(ws.readyState).toBe(WebSocket.CONNECTING);
    expect(cluster.requests({ namespace: 'ws-a' })).toEqual([]);
    await cluster.clock.advance('1s');
    const w = (await result) as WsWatch;
    expect(w.ws.readyState).toBe(WebSocket.OPEN);
    expect(cluster.requests({ namespace: 'ws-a' })).toEqual([expect.objectContaining({ code: 101, fault: rule.id })]);
    // The watch works once it is open.
    await cluster.client.resource('', 'v1', 'configmaps').create('ws-a', configMap('late'));
    await waitFor('the ADDED message', () => w.messages.length === 1);
    expect(JSON.parse(w.messages[0])).toMatchObject({ type: 'ADDED', object: { metadata: { name: 'late' } } });
    w.ws.close();

    const gone = wsWatch(url(), `${cms('ws-a')}?watch=true`);
    gone.result.catch(() => undefined);
    await waitFor('the rule to fire again', () => cluster.faults.list()[0].fired === 2);
    gone.ws.terminate();
    await waitFor('the aborted entry', () => cluster.requests({ namespace: 'ws-a' }).length === 2);
    expect(cluster.requests({ namespace: 'ws-a' })[1]).toMatchObject({ code: 0, aborted: true, fault: rule.id, websocket: true });
    await cluster.clock.advance('3s'); // the held-back upgrade finds the socket gone and does nothing
    expect(cluster.requests({ namespace: 'ws-a' })).toHaveLength(2);
  });

  it('cut-watch closes the matching sockets with a normal close frame, or drops them in mode reset', async () => {
    const a = await opened(url(), `${cms('ws-a')}?watch=true`);
    const b = await opened(url(), `${cms('ws-b')}?watch=true`);
    const cut = cluster.faults.add({ action: 'cut-watch', namespace: 'ws-a' });
    expect(cut.fired).toBe(1);
    expect(await a.closed).toBe(1000);
    // The other namespace's watch is still open and delivers events.
    expect(b.ws.readyState).toBe(WebSocket.OPEN);
    await cluster.client.resource('', 'v1', 'configmaps').create('ws-b', configMap('still-watched'));
    await waitFor('the event on the other watch', () => b.messages.some((m) => m.includes('still-watched')));

    const reset = cluster.faults.add({ action: 'cut-watch', mode: 'reset', namespace: 'ws-b' });
    expect(reset.fired).toBe(1);
    expect(await b.closed).toBe(1006); // no close frame: the connection was dropped
    // One-shot: a new watch stays open.
    const again = await opened(url(), `${cms('ws-b')}?watch=true`);
    await cluster.client.resource('', 'v1', 'configmaps').create('ws-b', configMap('after-cut'));
    await waitFor('the event on the new watch', () => again.messages.some((m) => m.includes('after-cut')));
    again.ws.close();
  });

  it('cut-watch on an upgrade held back by latency: close opens and ends it at once, reset drops it', async () => {
    const slow = cluster.faults.add({ action: 'latency', latency: '1m', verb: 'watch', namespace: 'ws-a' });
    const held = wsWatch(url(), `${cms('ws-a')}?watch=true`);
    await waitFor('the latency rule to fire', () => cluster.faults.list()[0].fired === 1);
    cluster.faults.add({ action: 'cut-watch', namespace: 'ws-a' });
    const w = (await held.result) as WsWatch;
    expect(await w.closed).toBe(1000);
    expect(w.messages).toEqual([]);
    const dropped = wsWatch(url(), `${cms('ws-a')}?watch=true`);
    await waitFor('the latency rule to fire again', () => cluster.faults.list()[0].fired === 2);
    cluster.faults.add({ action: 'cut-watch', mode: 'reset', namespace: 'ws-a' });
    await expect(dropped.result).rejects.toThrow(/socket hang up|ECONNRESET/);
    await waitFor('both entries', () => cluster.requests({ namespace: 'ws-a' }).length === 2);
    expect(cluster.requests({ namespace: 'ws-a' }).map((r) => [r.code, r.fault, r.aborted])).toEqual([
      [101, slow.id, undefined],
      [0, slow.id, true],
    ]);
    await cluster.clock.advance('1m'); // the held-back upgrades are answered already: nothing happens
    expect(cluster.requests({ namespace: 'ws-a' })).toHaveLength(2);
  });

  it('expire ends open watches and answers a watch from an old resourceVersion with a 410 ERROR message', async () => {
    await cluster.client.namespaces.create(undefined, { metadata: { name: 'ws-old' } });
    await apiOk(url(), 'POST', cms('ws-old'), configMap('a'));
    const rv = (await apiOk(url(), 'GET', cms('ws-old'))).metadata.resourceVersion as string;
    const open = await opened(url(), `${cms('ws-old')}?watch=true&resourceVersion=${rv}`);
    const rule = cluster.faults.add({ action: 'expire', namespace: 'ws-old' });
    expect(await open.closed).toBe(1000);

    for (const protocols of [undefined, ['base64.binary.k8s.io']]) {
      const w = await opened(url(), `${cms('ws-old')}?watch=true&resourceVersion=${rv}`, protocols);
      expect(await w.closed).toBe(1000);
      expect(w.messages).toHaveLength(1);
      const text = protocols ? Buffer.from(w.messages[0], 'base64').toString('utf8') : w.messages[0];
      expect(JSON.parse(text)).toEqual({
        type: 'ERROR',
        object: { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: `too old resource version: ${rv} (${rule.expiredRevision})`, reason: 'Expired', code: 410 },
      });
    }
    expect(cluster.requests({ namespace: 'ws-old', verb: 'watch' }).map((r) => [r.code, r.fault])).toEqual([
      [101, undefined],
      [101, rule.id],
      [101, rule.id],
    ]);

    // After a re-list, watching from its resourceVersion works.
    const fresh = (await apiOk(url(), 'GET', cms('ws-old'))).metadata.resourceVersion as string;
    const resumed = await opened(url(), `${cms('ws-old')}?watch=true&resourceVersion=${fresh}`);
    await apiOk(url(), 'POST', cms('ws-old'), configMap('b'));
    await waitFor('the ADDED message', () => resumed.messages.length === 1);
    expect(JSON.parse(resumed.messages[0])).toMatchObject({ type: 'ADDED', object: { metadata: { name: 'b' } } });
    resumed.ws.close();
  });

  it('a bad WebSocket handshake is answered with a 400 Status and recorded', async () => {
    const res = await new Promise<{ status: number; headers: Record<string, unknown>; body: string }>((resolve, reject) => {
      const u = new URL(`${url()}${cms('ws-a')}?watch=true`);
      // Sec-WebSocket-Version 12 is not one ws (or upstream) speaks.
      const req = request(u, { headers: { Connection: 'Upgrade', Upgrade: 'websocket', 'Sec-WebSocket-Version': '12', 'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==' } });
      req.on('response', (r) => {
        let body = '';
        r.on('data', (c) => (body += c));
        r.on('end', () => resolve({ status: r.statusCode!, headers: r.headers, body }));
      });
      req.on('upgrade', () => reject(new Error('upgraded')));
      req.on('error', reject);
      req.end();
    });
    expect(res.status).toBe(400);
    expect(res.headers['sec-websocket-version']).toBe('13, 8');
    expect(JSON.parse(res.body)).toMatchObject({ kind: 'Status', reason: 'BadRequest', code: 400, message: expect.stringMatching(/Sec-WebSocket-Version/) });
    expect(cluster.requests({ namespace: 'ws-a' })).toEqual([expect.objectContaining({ verb: 'watch', code: 400, websocket: true })]);
  });
});

describe('watches over WebSocket with recording only (no fault injection)', () => {
  it('are recorded', async () => {
    const cluster = await createCluster({ components: [], fixture: false, recordRequests: true });
    try {
      const w = await opened(cluster.url, '/api/v1/namespaces/default/configmaps?watch=true');
      expect(cluster.requests({ websocket: true })).toEqual([expect.objectContaining({ verb: 'watch', code: 101, namespace: 'default' })]);
      w.ws.close();
    } finally {
      await cluster.close();
    }
  });
});

describe('closing the cluster', () => {
  it('drops open WebSocket watches and upgrades held back by a latency rule instead of waiting for the clients', async () => {
    const cluster = await createCluster({ components: [], fixture: false, clock: 'virtual', faults: true });
    const open = await opened(cluster.url, '/api/v1/namespaces/default/configmaps?watch=true');
    cluster.faults.add({ action: 'latency', latency: '1h', verb: 'watch', namespace: 'kube-system' });
    const held = wsWatch(cluster.url, '/api/v1/namespaces/kube-system/configmaps?watch=true');
    const heldOutcome = held.result.then(
      () => 'opened',
      () => 'failed',
    );
    await waitFor('the latency rule to fire', () => cluster.faults.list()[0].fired === 1);
    let timer: NodeJS.Timeout | undefined;
    const outcome = await Promise.race([cluster.close().then(() => 'closed'), new Promise((r) => (timer = setTimeout(() => r('hung'), 10_000)))]);
    clearTimeout(timer);
    expect(outcome).toBe('closed');
    expect(await open.closed).toBe(1006);
    expect(await heldOutcome).toBe('failed');
  });
});
