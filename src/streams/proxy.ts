// The API server proxy (upstream pkg/registry/core/{pod,service,node} ResourceLocation and the upgrade-aware
// proxy handler): .../pods/NAME[:PORT]/proxy/PATH reaches the pod IP, .../services/NAME[:PORT]/proxy/PATH a ready
// endpoint of the service (round-robin), .../nodes/NAME/proxy/PATH the node's kubelet. Answers come from the
// simulated container servers; an empty path redirects to "/" like upstream.
//
// Upgrade requests (WebSocket) go through to the backend like upstream's tryUpgrade: a backend that switches
// protocols gets the client's connection (the simulated generic app server is a WebSocket echo server); one that
// answers an error status has that answer passed back verbatim; one that answers anything else (httpd and nginx
// serve the page and ignore the Upgrade header) is 500 "invalid upgrade response: status code N"; nothing listening
// is 500 "error dialing backend: ...".
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { ApiError, errors } from '../machinery/errors.js';
import type { StreamsRuntime } from './container/runtime.js';
import type { Backend } from './container/network.js';
import { serializeResponse, type HttpRequest, type HttpResponse } from './http/message.js';
import { listenerFor, respond } from './http/responder.js';
import { splitSchemeNamePort, type StreamRoute } from './routes.js';

type Obj = Record<string, any>;

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade', 'te', 'trailer']);
/** The address the API server's requests come from, as pods see it (the control-plane node over the pod network). */
const APISERVER_SOURCE = '10.244.0.0';
const MAX_PROXY_BODY = 3 * 1024 * 1024;

function isGlobalUnicast(ip: string | undefined): boolean {
  if (!ip || !/^\d+\.\d+\.\d+\.\d+$/.test(ip)) return false;
  const [a] = ip.split('.').map(Number);
  return ip !== '0.0.0.0' && a !== 127 && a < 224 && !ip.startsWith('169.254.');
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_PROXY_BODY) {
        reject(errors.tooLarge(`limit is ${MAX_PROXY_BODY}`));
        req.resume();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', (e) => reject(errors.badRequest(`error reading request body: ${e.message}`)));
  });
}

function podBackend(runtime: StreamsRuntime, namespace: string, id: string): Backend & { ip: string } {
  const parsed = splitSchemeNamePort(id);
  if (!parsed) throw errors.badRequest(`invalid pod request ${JSON.stringify(id)}`);
  const pod = runtime.pod(namespace, parsed.name);
  if (!pod) throw errors.notFound({ group: '', resource: 'pods' }, parsed.name);
  let port = parsed.port;
  if (!port) {
    const first = (pod.spec?.containers ?? []).find((c: Obj) => c.ports?.length);
    if (first) port = String(first.ports[0].containerPort);
  }
  if (port && !/^\d+$/.test(port)) {
    // A named container port.
    const named = (pod.spec?.containers ?? []).flatMap((c: Obj) => c.ports ?? []).find((p: Obj) => p.name === port);
    if (named) port = String(named.containerPort);
  }
  const ip = pod.status?.podIPs?.[0]?.ip ?? pod.status?.podIP;
  if (!isGlobalUnicast(ip)) throw errors.badRequest('address not allowed');
  return { pod, port: Number(port || 80), ip };
}

function serviceBackend(runtime: StreamsRuntime, namespace: string, id: string): Backend & { ip: string } {
  const parsed = splitSchemeNamePort(id);
  if (!parsed) throw errors.badRequest(`invalid service request ${JSON.stringify(id)}`);
  const { name } = parsed;
  let portName = parsed.port;
  const svc = runtime.service(namespace, name);
  if (/^\d+$/.test(portName)) {
    if (!svc) throw errors.notFound({ group: '', resource: 'services' }, name);
    const sp = (svc.spec?.ports ?? []).find((p: Obj) => String(p.port) === portName);
    if (!sp) throw errors.serviceUnavailable(`no service port ${portName} found for service "${name}"`);
    portName = sp.name ?? '';
  }
  if (!runtime.endpoints(namespace, name)) throw errors.notFound({ group: '', resource: 'endpoints' }, name);
  const b = svc ? runtime.network.pick(svc, portName) : undefined;
  if (!b) throw errors.serviceUnavailable(`no endpoints available for service "${name}"`);
  return { ...b, ip: b.pod.status?.podIP ?? '' };
}

/** What a node's kubelet answers on its read-only endpoints. */
function kubeletResponse(runtime: StreamsRuntime, node: Obj, path: string): { status: number; type: string; body: string } {
  const p = path.split('?')[0];
  if (p === '/healthz') return { status: 200, type: 'text/plain; charset=utf-8', body: 'ok' };
  if (p === '/pods' || p === '/pods/') {
    const items = runtime.pods().filter((x) => x.spec?.nodeName === node.metadata.name);
    return { status: 200, type: 'application/json', body: JSON.stringify({ kind: 'PodList', apiVersion: 'v1', metadata: {}, items }) };
  }
  if (p === '/configz') {
    return {
      status: 200,
      type: 'application/json',
      body: JSON.stringify({ kubeletconfig: { clusterDomain: 'cluster.local', clusterDNS: [runtime.dnsIP()], podCIDR: node.spec?.podCIDR, maxPods: 110, cgroupDriver: 'systemd', containerRuntimeEndpoint: 'unix:///var/run/containerd/containerd.sock' } }),
    };
  }
  return { status: 404, type: 'text/plain; charset=utf-8', body: '404 page not found\n' };
}

/** nodes/NAME/proxy/PATH: the simulated kubelet's answer (404 Status for an unknown node). */
function nodeProxyResponse(runtime: StreamsRuntime, route: Extract<StreamRoute, { kind: 'proxy' }>, query: string): ReturnType<typeof kubeletResponse> {
  const parsed = splitSchemeNamePort(route.id);
  if (!parsed) throw errors.badRequest(`invalid node request ${JSON.stringify(route.id)}`);
  const node = runtime.node(parsed.name);
  if (!node) throw errors.notFound({ group: '', resource: 'nodes' }, parsed.name);
  return kubeletResponse(runtime, node, `${route.path || '/'}${query}`);
}

export async function serveProxy(runtime: StreamsRuntime, route: Extract<StreamRoute, { kind: 'proxy' }>, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = req.url ?? '/';
  const q = url.indexOf('?');
  const rawPath = q < 0 ? url : url.slice(0, q);
  const query = q < 0 ? '' : url.slice(q);
  if (route.resource === 'nodes') {
    const r = nodeProxyResponse(runtime, route, query);
    res.writeHead(r.status, { 'Content-Type': r.type, 'Content-Length': Buffer.byteLength(r.body) });
    res.end(req.method === 'HEAD' ? undefined : r.body);
    return;
  }
  const backend = route.resource === 'pods' ? podBackend(runtime, route.namespace!, route.id) : serviceBackend(runtime, route.namespace!, route.id);
  if (!route.path) {
    res.writeHead(301, { Location: `${rawPath}/${query}`, 'Content-Length': 0 });
    res.end();
    return;
  }
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) if (v !== undefined && !HOP_BY_HOP.has(k)) headers[k] = Array.isArray(v) ? v.join(', ') : v;
  headers.host = `${backend.ip}:${backend.port}`;
  const body = req.method === 'GET' || req.method === 'HEAD' ? Buffer.alloc(0) : await readBody(req);
  const request: HttpRequest = { method: req.method ?? 'GET', target: `${route.path}${query}`, version: 'HTTP/1.1', headers, body, remoteAddress: APISERVER_SOURCE };
  const answer = respond(runtime, backend.pod, backend.port, request);
  if (!answer) throw errors.serviceUnavailable(`error trying to reach service: dial tcp ${backend.ip}:${backend.port}: connect: connection refused`);
  const out: Record<string, string> = {};
  for (const [k, v] of answer.headers) if (!HOP_BY_HOP.has(k.toLowerCase())) out[k] = v;
  res.writeHead(answer.status, answer.reason, out);
  res.end(req.method === 'HEAD' ? undefined : answer.body);
}

/** The backend of an upgrade through the proxy: the client's connection once it switched, else one HTTP answer. */
let echoServer: WebSocketServer | undefined;

/** A plain error answer of the proxy (upstream's responder: a non-Status error is a 500 with no reason). */
function proxyError(message: string): ApiError {
  return new ApiError(500, undefined, message);
}

/** Writes a backend's error answer to the client and closes the connection (upstream: echo, then close). */
function passBack(socket: Duplex, res: HttpResponse, head: boolean): void {
  socket.end(serializeResponse(res, head));
}

/** What a backend answers to an upgrade it does not perform. */
function notUpgraded(socket: Duplex, res: HttpResponse, head: boolean): void {
  if (res.status >= 400) passBack(socket, res, head);
  else throw proxyError(`invalid upgrade response: status code ${res.status}`);
}

/**
 * An upgrade request through the proxy. Errors before the backend answers are thrown as ApiErrors (the caller
 * answers them as a Status).
 */
export function serveProxyUpgrade(runtime: StreamsRuntime, route: Extract<StreamRoute, { kind: 'proxy' }>, req: IncomingMessage, socket: Duplex, head: Buffer): void {
  const url = req.url ?? '/';
  const q = url.indexOf('?');
  const query = q < 0 ? '' : url.slice(q);
  const isHead = req.method === 'HEAD';
  if (route.resource === 'nodes') {
    // The kubelet's read-only endpoints do not switch protocols.
    const r = nodeProxyResponse(runtime, route, query);
    const body = Buffer.from(r.body);
    notUpgraded(socket, { status: r.status, reason: r.status === 200 ? 'OK' : 'Not Found', headers: [['Content-Type', r.type], ['Content-Length', String(body.length)]], body }, isHead);
    return;
  }
  const backend = route.resource === 'pods' ? podBackend(runtime, route.namespace!, route.id) : serviceBackend(runtime, route.namespace!, route.id);
  const listener = listenerFor(backend.pod, backend.port);
  if (!listener) throw proxyError(`error dialing backend: dial tcp ${backend.ip}:${backend.port}: connect: connection refused`);
  const upgrade = String(req.headers.upgrade ?? '').toLowerCase();
  if (listener.profile.http === 'generic' && upgrade === 'websocket') {
    // The generic app server speaks WebSocket: it echoes every message back (text as text, binary as binary).
    echoServer ??= new WebSocketServer({ noServer: true });
    const s = socket as Duplex & { setNoDelay?: (v: boolean) => void; setTimeout?: (ms: number) => void };
    s.setNoDelay?.(true);
    s.setTimeout?.(0);
    echoServer.handleUpgrade(req, socket, head, (ws: WebSocket) => {
      ws.on('message', (data: Buffer | ArrayBuffer | Buffer[], isBinary: boolean) => ws.send(data as Buffer, { binary: isBinary }));
      ws.on('error', () => ws.terminate());
    });
    return;
  }
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(', ') : v;
  headers.host = `${backend.ip}:${backend.port}`;
  headers['x-forwarded-for'] = headers['x-forwarded-for'] ? `${headers['x-forwarded-for']}, ${APISERVER_SOURCE}` : APISERVER_SOURCE;
  const request: HttpRequest = { method: req.method ?? 'GET', target: `${route.path || '/'}${query}`, version: 'HTTP/1.1', headers, body: Buffer.alloc(0), remoteAddress: APISERVER_SOURCE };
  const answer = respond(runtime, backend.pod, backend.port, request);
  if (!answer) throw proxyError(`error dialing backend: dial tcp ${backend.ip}:${backend.port}: connect: connection refused`);
  notUpgraded(socket, answer, isHead);
}
