// WebSocket upgrades through the API server proxy (pods/NAME[:PORT]/proxy, services/NAME[:PORT]/proxy,
// nodes/NAME/proxy), as upstream's upgrade-aware handler passes them to the backend: the generic app server switches
// protocols and echoes, static web servers that answer the page make it a 500 "invalid upgrade response", their error
// pages come back verbatim, a closed port is 500 "error dialing backend", and lookup failures are Status errors.
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { DEFAULT_COMPONENTS } from '../../src/components.js';
import { startTestCluster, type TestCluster } from '../helpers/cluster.js';
import { appPod } from '../helpers/objects.js';
import { waitFor } from '../helpers/wait.js';

type Obj = Record<string, any>;

let c: TestCluster;

beforeAll(async () => {
  c = await startTestCluster({ components: DEFAULT_COMPONENTS, fixture: 'default' });
  const pod = appPod;
  await c.client.pods.create('default', pod('web', 'httpd'));
  await c.client.pods.create('default', pod('app', 'example.com/team/app:1.0', { ports: [{ containerPort: 8080, name: 'http' }] }));
  await c.client.services.create('default', { apiVersion: 'v1', kind: 'Service', metadata: { name: 'app' }, spec: { selector: { app: 'app' }, ports: [{ port: 80, targetPort: 'http' }] } });
  await waitFor('pods Running, app endpoints ready', () => {
    const ok = ['web', 'app'].every((n) => c.client.pods.get('default', n)?.status?.phase === 'Running');
    return ok && (c.client.resource('', 'v1', 'endpoints').get('default', 'app')?.subsets?.[0]?.addresses?.length ?? 0) > 0;
  });
});
afterAll(() => c?.stop());

const wsURL = (path: string) => `${c.url.replace(/^http/, 'ws')}${path}`;

/** Opens a WebSocket, sends the messages, and collects one echo for each. */
function echo(path: string, messages: (string | Buffer)[], protocols: string[] = []): Promise<{ protocol: string; replies: { data: string; binary: boolean }[] }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(wsURL(path), protocols);
    const replies: { data: string; binary: boolean }[] = [];
    ws.on('open', () => messages.forEach((m) => ws.send(m, { binary: Buffer.isBuffer(m) })));
    ws.on('message', (data: Buffer, binary: boolean) => {
      replies.push({ data: data.toString('utf8'), binary });
      if (replies.length === messages.length) {
        const protocol = ws.protocol;
        ws.close();
        resolve({ protocol, replies });
      }
    });
    ws.on('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    ws.on('error', reject);
  });
}

/** A WebSocket handshake that the proxy or the backend refuses: its status, headers and body. */
function refused(path: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(wsURL(path), { headers });
    ws.on('unexpected-response', (_req, res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += String(d)));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    ws.on('open', () => reject(new Error('the upgrade was accepted')));
    ws.on('error', () => undefined);
  });
}

describe('WebSocket through the proxy', () => {
  it('reaches the generic app server of a pod port, which echoes text and binary messages', async () => {
    const r = await echo('/api/v1/namespaces/default/pods/app:8080/proxy/ws', ['hello', Buffer.from([1, 2, 3])], ['chat.v1', 'chat.v2']);
    expect(r.replies).toEqual([
      { data: 'hello', binary: false },
      { data: '\u0001\u0002\u0003', binary: true },
    ]);
    // A backend that accepts the handshake picks the subprotocol; the proxy passes its answer through.
    expect(r.protocol).toBe('chat.v1');
    // The pod's first declared port is the default, as for plain proxy requests; a named port works too.
    expect((await echo('/api/v1/namespaces/default/pods/app/proxy/', ['x'])).replies[0].data).toBe('x');
    expect((await echo('/api/v1/namespaces/default/pods/app:http/proxy/', ['y'])).replies[0].data).toBe('y');
  });

  it('reaches a ready endpoint of a service port', async () => {
    const r = await echo('/api/v1/namespaces/default/services/app:80/proxy/socket?token=1', ['via service']);
    expect(r.replies).toEqual([{ data: 'via service', binary: false }]);
  });

  it('a static web server answers the page instead of switching: 500 invalid upgrade response', async () => {
    const r = await refused('/api/v1/namespaces/default/pods/web/proxy/');
    expect(r.status).toBe(500);
    expect(JSON.parse(r.body)).toEqual({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'invalid upgrade response: status code 200', code: 500 });
  });

  it("the backend's error answer comes back verbatim", async () => {
    const r = await refused('/api/v1/namespaces/default/pods/web/proxy/no/such/page');
    expect(r.status).toBe(404);
    expect(r.headers.server).toMatch(/^Apache\/2\.4/);
    expect(r.body).toContain('<title>404 Not Found</title>');
    // A handshake the echo server cannot accept (no Sec-WebSocket-Key) is its 400.
    const bad = await new Promise<string>((resolve) => {
      const sock = net.connect(Number(new URL(c.url).port), '127.0.0.1', () => {
        sock.write('GET /api/v1/namespaces/default/pods/app:8080/proxy/ HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\n\r\n');
      });
      let text = '';
      sock.on('data', (d) => (text += String(d)));
      sock.on('close', () => resolve(text));
    });
    expect(bad).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/);
  });

  it('nothing listening, unknown pods and services: upstream errors as Status', async () => {
    const closed = await refused('/api/v1/namespaces/default/pods/app:9999/proxy/');
    expect(closed.status).toBe(500);
    expect(JSON.parse(closed.body).message).toMatch(/^error dialing backend: dial tcp 10\.244\.\d+\.\d+:9999: connect: connection refused$/);
    const ghost = await refused('/api/v1/namespaces/default/pods/ghost/proxy/');
    expect(ghost.status).toBe(404);
    expect(JSON.parse(ghost.body)).toMatchObject({ kind: 'Status', reason: 'NotFound', message: 'pods "ghost" not found' });
    const noPort = await refused('/api/v1/namespaces/default/services/app:81/proxy/');
    expect(noPort.status).toBe(503);
    expect(JSON.parse(noPort.body).message).toBe('no service port 81 found for service "app"');
  });

  it("a node's kubelet endpoints do not switch protocols", async () => {
    const node = c.client.pods.get('default', 'web')!.spec.nodeName as string;
    const r = await refused(`/api/v1/nodes/${node}/proxy/healthz`);
    expect(r.status).toBe(500);
    expect(JSON.parse(r.body).message).toBe('invalid upgrade response: status code 200');
    expect((await refused(`/api/v1/nodes/${node}/proxy/nope`)).status).toBe(404);
  });
});
