// The streaming subresources and the proxy at the protocol level, against a living in-process cluster: discovery,
// errors before the upgrade, WebSocket exec (v4 like @kubernetes/client-node, v5 with the stdin CLOSE signal, base64),
// SPDY port-forward with keep-alive HTTP and the runtime's error for a closed port, attach, and the proxy's edges.
import { PassThrough, Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { DEFAULT_COMPONENTS } from '../../src/components.js';
import { startTestCluster, type TestCluster } from '../helpers/cluster.js';
import { appPod } from '../helpers/objects.js';
import { waitFor } from '../helpers/wait.js';
import { spdyUpgrade } from './spdy-client.js';

type Obj = Record<string, any>;

let c: TestCluster;

beforeAll(async () => {
  c = await startTestCluster({ components: DEFAULT_COMPONENTS, fixture: 'default' });
  const pod = appPod;
  await c.client.pods.create('default', pod('web', 'httpd', { ports: [{ containerPort: 80 }] }));
  await c.client.pods.create('default', pod('box', 'busybox', { command: ['sleep', '3600'] }));
  await c.client.pods.create('default', pod('stuck', 'busybox', {}, { nodeSelector: { nowhere: 'true' } }));
  await c.client.services.create('default', { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web' }, spec: { selector: { app: 'web' }, ports: [{ port: 80 }] } });
  await waitFor('pods Running, web endpoints ready', () => {
    const ok = ['web', 'box'].every((n) => c.client.pods.get('default', n)?.status?.phase === 'Running');
    return ok && (c.client.resource('', 'v1', 'endpoints').get('default', 'web')?.subsets?.[0]?.addresses?.length ?? 0) > 0;
  });
});
afterAll(() => c?.stop());

async function http(path: string, init: RequestInit = {}): Promise<{ status: number; body: string; json: () => Obj; headers: Headers }> {
  const r = await fetch(`${c.url}${path}`, { redirect: 'manual', ...init });
  const body = await r.text();
  return { status: r.status, body, json: () => JSON.parse(body), headers: r.headers };
}

interface WsResult {
  channels: Record<number, string>;
  status?: Obj;
  protocol: string;
}

/** Runs a WebSocket exec/attach to the end (or until `until` holds), collecting what each channel received. */
function wsStream(path: string, protocols: string[], send: (ws: WebSocket) => void = () => undefined, until?: (r: WsResult) => boolean): Promise<WsResult> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${c.url.replace(/^http/, 'ws')}${path}`, protocols);
    const result: WsResult = { channels: {}, protocol: '' };
    const base64 = protocols[0].includes('base64');
    ws.on('open', () => {
      result.protocol = ws.protocol;
      send(ws);
    });
    ws.on('message', (data: Buffer, isBinary: boolean) => {
      const buf = base64 && !isBinary ? Buffer.from(data.toString().slice(1), 'base64') : data.subarray(1);
      const ch = base64 && !isBinary ? Number(data.toString()[0]) : data[0];
      result.channels[ch] = (result.channels[ch] ?? '') + buf.toString();
      if (ch === 3) result.status = JSON.parse(result.channels[3]);
      if (until?.(result)) {
        ws.close();
        resolve(result);
      }
    });
    ws.on('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    ws.on('error', reject);
    ws.on('close', () => resolve(result));
  });
}

describe('discovery', () => {
  it('lists the streaming subresources and proxies with upstream verbs and kinds', async () => {
    const list = (await http('/api/v1')).json().resources as Obj[];
    const entry = (n: string): Obj | undefined => list.find((r) => r.name === n);
    expect(entry('pods/exec')).toMatchObject({ kind: 'PodExecOptions', namespaced: true, verbs: ['create', 'get'] });
    expect(entry('pods/attach')).toMatchObject({ kind: 'PodAttachOptions', verbs: ['create', 'get'] });
    expect(entry('pods/portforward')).toMatchObject({ kind: 'PodPortForwardOptions', verbs: ['create', 'get'] });
    for (const [n, kind] of [['pods/proxy', 'PodProxyOptions'], ['services/proxy', 'ServiceProxyOptions'], ['nodes/proxy', 'NodeProxyOptions']]) {
      expect(entry(n)).toMatchObject({ kind, verbs: ['create', 'delete', 'get', 'patch', 'update'] });
    }
    const agg = (await http('/api', { headers: { accept: 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList' } })).json();
    const pods = agg.items[0].versions[0].resources.find((r: Obj) => r.resource === 'pods');
    expect(pods.subresources.find((s: Obj) => s.subresource === 'exec')).toEqual({ subresource: 'exec', responseKind: { group: '', version: 'v1', kind: 'PodExecOptions' }, verbs: ['create', 'get'] });
  });
});

describe('exec and attach', () => {
  it('answers requests that cannot be upgraded with Status errors', async () => {
    const noUpgrade = await http('/api/v1/namespaces/default/pods/box/exec?command=ls&stdout=true', { method: 'POST' });
    expect(noUpgrade.status).toBe(400);
    expect(noUpgrade.json()).toMatchObject({ kind: 'Status', reason: 'BadRequest', message: 'Upgrade request required' });
    expect((await http('/api/v1/namespaces/default/pods/ghost/exec?command=ls&stdout=true')).json()).toMatchObject({ code: 404, message: 'pods "ghost" not found' });
    expect((await http('/api/v1/namespaces/default/pods/box/exec?stdout=true')).json().message).toBe('you must specify at least 1 command');
    expect((await http('/api/v1/namespaces/default/pods/box/exec?command=ls')).json().message).toBe('you must specify at least 1 of stdin, stdout, stderr');
    expect((await http('/api/v1/namespaces/default/pods/stuck/exec?command=ls&stdout=true')).json().message).toBe('pod stuck does not have a host assigned');
    const bad = await spdyUpgrade(c.url, '/api/v1/namespaces/default/pods/box/exec?command=ls&stdout=true', ['v9.channel.k8s.io']);
    expect(bad.status).toBe(403);
    expect(JSON.parse(bad.body).message).toMatch(/^unable to upgrade: unable to negotiate protocol/);
  });

  it('WebSocket v4 (client-node): stdout, stderr and the exit code on the error channel', async () => {
    const r = await wsStream('/api/v1/namespaces/default/pods/box/exec?command=sh&command=-c&command=echo%20a%3B%20echo%20b%20%3E%262%3B%20exit%202&stdout=true&stderr=true', ['v4.channel.k8s.io']);
    expect(r.protocol).toBe('v4.channel.k8s.io');
    expect(r.channels[1]).toBe('a\n');
    expect(r.channels[2]).toBe('b\n');
    expect(r.status).toMatchObject({ status: 'Failure', reason: 'NonZeroExitCode', details: { causes: [{ reason: 'ExitCode', message: '2' }] } });
  });

  it('WebSocket v5: stdin, then the CLOSE signal ends it', async () => {
    const r = await wsStream('/api/v1/namespaces/default/pods/box/exec?command=cat&stdin=true&stdout=true&stderr=true', ['v5.channel.k8s.io'], (ws) => {
      ws.send(Buffer.concat([Buffer.from([0]), Buffer.from('hello ')]));
      ws.send(Buffer.concat([Buffer.from([0]), Buffer.from('stdin\n')]));
      ws.send(Buffer.from([255, 0]));
    });
    expect(r.channels[1]).toBe('hello stdin\n');
    expect(r.status).toEqual({ metadata: {}, status: 'Success' });
  });

  it('base64 channels', async () => {
    const r = await wsStream('/api/v1/namespaces/default/pods/box/exec?command=hostname&stdout=true', ['v4.base64.channel.k8s.io']);
    expect(r.channels[1]).toBe('box\n');
  });

  it('a TTY echoes input and prompts; resize reaches stty', async () => {
    const r = await wsStream(
      '/api/v1/namespaces/default/pods/box/exec?command=sh&stdin=true&stdout=true&tty=true',
      ['v5.channel.k8s.io'],
      (ws) => {
        ws.send(Buffer.concat([Buffer.from([4]), Buffer.from('{"Width":132,"Height":43}')]));
        ws.send(Buffer.concat([Buffer.from([0]), Buffer.from('stty size\r')]));
      },
      (res) => (res.channels[1] ?? '').includes('43 132'),
    );
    expect(r.channels[1]).toMatch(/^\/ # stty size\r\n43 132\r\n/);
  });

  it('in-cluster HTTP: wget to the service name from another pod', async () => {
    const r = await wsStream('/api/v1/namespaces/default/pods/box/exec?command=wget&command=-qO-&command=http%3A%2F%2Fweb&stdout=true&stderr=true', ['v5.channel.k8s.io']);
    expect(r.channels[1]).toBe('<html><body><h1>It works!</h1></body></html>\n');
    expect(r.status?.status).toBe('Success');
  });

  it('attach streams the web server access log as requests arrive', async () => {
    const r = await wsStream(
      '/api/v1/namespaces/default/pods/web/attach?stdout=true&stderr=true',
      ['v5.channel.k8s.io'],
      () => setTimeout(() => void http('/api/v1/namespaces/default/pods/web/proxy/index.html'), 50),
      (res) => (res.channels[1] ?? '').includes('GET'),
    );
    expect(r.channels[1]).toMatch(/^\S+ - - \[\d\d\/\w{3}\/\d{4}:\d\d:\d\d:\d\d \+0000\] "GET \/index.html HTTP\/1.1" 200 45\n/);
  });
});

describe('port-forward (SPDY)', () => {
  it('serves keep-alive and pipelined HTTP on a data stream, closing after Connection: close', async () => {
    const { client, socket, status, head } = await spdyUpgrade(c.url, '/api/v1/namespaces/default/pods/web/portforward', ['portforward.k8s.io']);
    expect(status).toBe(101);
    expect(head).toMatch(/X-Stream-Protocol-Version: portforward\.k8s\.io/);
    const err = await client.open({ streamtype: 'error', port: '80', requestid: '0' });
    const data = await client.open({ streamtype: 'data', port: '80', requestid: '0' });
    client.send(data, 'GET / HTTP/1.1\r\nHost: x\r\n\r\nHEAD /nope HTTP/1.1\r\nHost: x\r\n\r\nGET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    await client.until('data stream closed', () => data.finished && err.finished);
    const text = data.text();
    expect(text.match(/^HTTP\/1\.1 \d+/gm)).toEqual(['HTTP/1.1 200', 'HTTP/1.1 404', 'HTTP/1.1 200']);
    expect(text.split('It works!').length - 1).toBe(2);
    expect(text).toMatch(/Connection: close\r\n\r\n<html><body><h1>It works!<\/h1><\/body><\/html>\n$/);
    expect(err.text()).toBe('');
    // A port nothing listens on: containerd's error on the error stream.
    const err2 = await client.open({ streamtype: 'error', port: '8080', requestid: '1' });
    const data2 = await client.open({ streamtype: 'data', port: '8080', requestid: '1' });
    await client.until('error for 8080', () => err2.finished && data2.finished);
    expect(err2.text()).toMatch(/^error forwarding port 8080 to pod [0-9a-f]{64}, uid : failed to execute portforward in network namespace .*dial tcp4 127\.0\.0\.1:8080: connect: connection refused/);
    socket.destroy();
    client.dispose();
  });
});

describe('port-forward (WebSocket channels, @kubernetes/client-node)', () => {
  it('forwards one connection per WebSocket, port number first on each channel', async () => {
    const { PortForward, Exec } = await import('@kubernetes/client-node');
    const kc = await c.kubeConfig();
    let out = '';
    let errText = '';
    const output = new Writable({ write: (chunk, _e, cb) => ((out += String(chunk)), cb()) });
    const errs = new Writable({ write: (chunk, _e, cb) => ((errText += String(chunk)), cb()) });
    const input = new PassThrough();
    await new PortForward(kc).portForward('default', 'web', [80], output, errs, input);
    input.write('GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    await waitFor('the response', () => out.includes('It works!'));
    expect(out).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    expect(errText).toBe('');
    // exec through client-node too (WebSocket, v5 or v4 channel protocol)
    let execOut = '';
    const status = await new Promise<Obj>((resolve) => {
      void new Exec(kc).exec('default', 'box', 'main', ['sh', '-c', 'echo from-client-node; exit 5'], new Writable({ write: (chunk, _e, cb) => ((execOut += String(chunk)), cb()) }), null, null, false, (s) => resolve(s as Obj));
    });
    expect(execOut).toBe('from-client-node\n');
    expect(status).toMatchObject({ status: 'Failure', reason: 'NonZeroExitCode', details: { causes: [{ reason: 'ExitCode', message: '5' }] } });
  });
});

describe('proxy', () => {
  it('redirects an empty path to "/", and reports unknown ports and unroutable pods', async () => {
    const redirect = await http('/api/v1/namespaces/default/services/web/proxy?x=1');
    expect(redirect.status).toBe(301);
    expect(redirect.headers.get('location')).toBe('/api/v1/namespaces/default/services/web/proxy/?x=1');
    expect((await http('/api/v1/namespaces/default/services/web:81/proxy/')).json()).toMatchObject({ code: 503, message: 'no service port 81 found for service "web"' });
    expect((await http('/api/v1/namespaces/default/services/ghost/proxy/')).json()).toMatchObject({ code: 404, message: 'endpoints "ghost" not found' });
    expect((await http('/api/v1/namespaces/default/pods/stuck/proxy/')).json()).toMatchObject({ code: 400, message: 'address not allowed' });
    expect((await http('/api/v1/namespaces/default/pods/a:b:c:d/proxy/')).json()).toMatchObject({ code: 400, message: 'invalid pod request "a:b:c:d"' });
    const head = await http('/api/v1/namespaces/default/services/https:web:80/proxy/', { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-length')).toBe('45');
  });

  it('reaches a node\'s kubelet', async () => {
    expect((await http('/api/v1/nodes/node01/proxy/healthz')).body).toBe('ok');
    const pods = (await http('/api/v1/nodes/node01/proxy/pods')).json();
    expect(pods.kind).toBe('PodList');
    expect(pods.items.every((p: Obj) => p.spec.nodeName === 'node01')).toBe(true);
    expect((await http('/api/v1/nodes/ghost/proxy/healthz')).status).toBe(404);
  });
});
