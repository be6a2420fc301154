// The API server's entry points for the kubelet streaming subresources and the proxy: plain HTTP requests (the
// proxy; exec/attach/portforward without an upgrade get 400 "Upgrade request required") and upgrade requests
// (SPDY/3.1 for exec, attach and port-forward; WebSocket channels for exec and attach; SPDY tunnelled in a
// WebSocket for port-forward from kubectl 1.31 on; WebSocket through the proxy to the pod's server).
import type http from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Clock } from '../clock.js';
import { ApiError, asApiError, errors } from '../machinery/errors.js';
import type { GenericStore } from '../registry/store.js';
import { negotiate, WS_EXEC_PROTOCOLS } from './channel.js';
import { StreamsRuntime } from './container/runtime.js';
import { runAttach } from './attach.js';
import { runExec } from './exec.js';
import { PORT_FORWARD_PROTOCOL, servePortForward, serveWebSocketPortForward } from './portforward.js';
import { serveProxy, serveProxyUpgrade } from './proxy.js';
import { SPDY_EXEC_PROTOCOLS, spdyExecIO, streamOptionsFrom, webSocketExecIO, type ExecIO, type StreamOptions } from './remotecommand.js';
import { matchStreamRoute, type StreamRoute } from './routes.js';
import { SpdySession } from './spdy/session.js';
import { requireNode, requirePodRunning, requireRunning, resolveContainer, findPod } from './target.js';
import { socketTransport, webSocketTransport } from './transport.js';

type Obj = Record<string, any>;

export interface StreamsDeps {
  store: GenericStore;
  clock: Clock;
  log?: (line: string) => void;
}

const runtimes = new WeakMap<GenericStore, StreamsRuntime>();

function runtimeFor(deps: StreamsDeps): StreamsRuntime {
  let r = runtimes.get(deps.store);
  if (!r) runtimes.set(deps.store, (r = new StreamsRuntime(deps.store, deps.clock, deps.log)));
  return r;
}

/** The WebSocket subprotocol kubectl 1.31+ offers for port-forward; `ws` rejects it (a "/" is not a token char). */
const TUNNEL_PROTOCOL = `SPDY/3.1+${PORT_FORWARD_PROTOCOL}`;
const TUNNEL_TOKEN = 'SPDY-3.1-portforward.k8s.io';
/** The kubelet's WebSocket port-forward (channel per port): older clients and @kubernetes/client-node. */
const WS_PORT_FORWARD_PROTOCOLS = ['v4.channel.k8s.io', 'v4.base64.channel.k8s.io'];

function splitPath(url: string | undefined): { path: string; params: URLSearchParams } {
  const u = url ?? '/';
  const q = u.indexOf('?');
  return { path: q < 0 ? u : u.slice(0, q), params: new URLSearchParams(q < 0 ? '' : u.slice(q + 1)) };
}

/** exec needs a command, and every stream kind needs at least one of stdin/stdout/stderr (kubelet NewOptions). */
function validate(route: StreamRoute, opts: StreamOptions): void {
  if (route.kind === 'exec' && !opts.command.length) throw errors.badRequest('you must specify at least 1 command');
  if (route.kind !== 'portforward' && !opts.stdin && !opts.stdout && !opts.stderr) {
    throw errors.badRequest('you must specify at least 1 of stdin, stdout, stderr');
  }
}

/** Resolves the pod (and container) a stream request names, with upstream's errors. */
function target(runtime: StreamsRuntime, route: Extract<StreamRoute, { kind: 'exec' | 'attach' | 'portforward' }>, opts: StreamOptions): { pod: Obj; container?: Obj } {
  const pod = findPod(runtime, route.namespace, route.name);
  if (route.kind === 'portforward') {
    requireNode(pod);
    return { pod };
  }
  validate(route, opts);
  const container = resolveContainer(pod, opts.container);
  return { pod, container };
}

/**
 * Plain HTTP: answers proxy requests; exec, attach and portforward need an upgrade. Returns false when the URL is
 * not a streaming one (the caller routes it as usual).
 */
export async function handleStreamingRequest(deps: StreamsDeps, req: http.IncomingMessage, res: http.ServerResponse): Promise<boolean> {
  const { path, params } = splitPath(req.url);
  const route = matchStreamRoute(path);
  if (!route) return false;
  const runtime = runtimeFor(deps);
  if (route.kind === 'proxy') {
    await serveProxy(runtime, route, req, res);
    return true;
  }
  if (req.method !== 'GET' && req.method !== 'POST') throw errors.methodNotAllowed();
  target(runtime, route, streamOptionsFrom(params));
  throw errors.badRequest('Upgrade request required');
}

function rejectUpgrade(socket: Duplex, err: ApiError, extra: Record<string, string> = {}): void {
  const body = JSON.stringify(err.toStatus());
  const headers = { 'Content-Type': 'application/json', 'Content-Length': String(Buffer.byteLength(body)), Connection: 'close', ...extra };
  const reason: Record<number, string> = { 400: 'Bad Request', 403: 'Forbidden', 404: 'Not Found', 405: 'Method Not Allowed', 500: 'Internal Server Error', 503: 'Service Unavailable' };
  socket.end(`HTTP/1.1 ${err.code} ${reason[err.code] ?? 'Error'}\r\n${Object.entries(headers).map(([k, v]) => `${k}: ${v}`).join('\r\n')}\r\n\r\n${body}`);
}

/** X-Stream-Protocol-Version values, repeated headers and comma lists alike. */
function offeredStreamProtocols(req: http.IncomingMessage): string[] {
  const raw = req.headersDistinct?.['x-stream-protocol-version'] ?? [];
  return raw.flatMap((v) => v.split(',')).map((s) => s.trim()).filter(Boolean);
}

function offeredWebSocketProtocols(req: http.IncomingMessage): string[] {
  return String(req.headers['sec-websocket-protocol'] ?? '').split(',').map((s) => s.trim()).filter(Boolean);
}

interface Servers {
  exec: WebSocketServer;
  tunnel: WebSocketServer;
}

const wsServers = new WeakMap<StreamsRuntime, Servers>();

function servers(runtime: StreamsRuntime): Servers {
  let s = wsServers.get(runtime);
  if (!s) {
    const exec = new WebSocketServer({ noServer: true, handleProtocols: (p) => negotiate([...p], WS_EXEC_PROTOCOLS) ?? false });
    const tunnel = new WebSocketServer({ noServer: true, handleProtocols: (p) => (p.has(TUNNEL_TOKEN) ? TUNNEL_TOKEN : false) });
    // Answer with the protocol name kubectl asked for (see TUNNEL_PROTOCOL).
    tunnel.on('headers', (headers: string[]) => {
      for (let i = 0; i < headers.length; i++) if (/^sec-websocket-protocol:/i.test(headers[i])) headers[i] = `Sec-WebSocket-Protocol: ${TUNNEL_PROTOCOL}`;
    });
    wsServers.set(runtime, (s = { exec, tunnel }));
  }
  return s;
}

/**
 * Upgrade requests: returns false when the URL is not a streaming one (watch over WebSocket and the like are the
 * caller's). Every failure before the switch is answered with a Status, which makes kubectl fall back from
 * WebSocket to SPDY or report the message.
 */
export function handleStreamingUpgrade(deps: StreamsDeps, req: http.IncomingMessage, socket: Duplex, head: Buffer): boolean {
  const { path, params } = splitPath(req.url);
  let route: StreamRoute | undefined;
  try {
    route = matchStreamRoute(path);
  } catch (err) {
    rejectUpgrade(socket, asApiError(err));
    return true;
  }
  if (!route) return false;
  const runtime = runtimeFor(deps);
  try {
    if (route.kind === 'proxy') {
      serveProxyUpgrade(runtime, route, req, socket, head);
      return true;
    }
    if (req.method !== 'GET' && req.method !== 'POST') throw errors.methodNotAllowed();
    const opts = streamOptionsFrom(params);
    const { pod, container } = target(runtime, route, opts);
    const upgrade = String(req.headers.upgrade ?? '').toLowerCase();
    if (upgrade === 'websocket') {
      upgradeWebSocket(runtime, route, req, socket, head, pod, container, opts);
      return true;
    }
    if (!upgrade.startsWith('spdy/')) throw errors.badRequest(`unsupported upgrade protocol ${JSON.stringify(req.headers.upgrade ?? '')}`);
    const offered = offeredStreamProtocols(req);
    const served = route.kind === 'portforward' ? [PORT_FORWARD_PROTOCOL] : SPDY_EXEC_PROTOCOLS;
    let protocol = '';
    if (offered.length) {
      protocol = negotiate(offered, served) ?? '';
      if (!protocol) {
        throw new ApiError(403, 'Forbidden', `unable to upgrade: unable to negotiate protocol: client supports [${offered.join(' ')}], server supports [${served.join(' ')}]`);
      }
    } else if (route.kind === 'portforward') protocol = PORT_FORWARD_PROTOCOL;
    if (route.kind !== 'portforward') requireRunning(pod, container!);
    else requirePodRunning(pod);
    const s = socket as Duplex & { setNoDelay?: (v: boolean) => void; setTimeout?: (ms: number) => void };
    s.setNoDelay?.(true);
    s.setTimeout?.(0);
    socket.write(`HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: SPDY/3.1\r\n${protocol ? `X-Stream-Protocol-Version: ${protocol}\r\n` : ''}\r\n`);
    const session = new SpdySession(socketTransport(socket, head), deps.log);
    startSpdy(runtime, route, session, pod, container, opts, protocol);
  } catch (err) {
    rejectUpgrade(socket, asApiError(err));
  }
  return true;
}

function startSpdy(runtime: StreamsRuntime, route: StreamRoute, session: SpdySession, pod: Obj, container: Obj | undefined, opts: StreamOptions, protocol: string): void {
  if (route.kind === 'portforward') {
    servePortForward(runtime, session, route.namespace, route.name);
    return;
  }
  spdyExecIO(session, opts, protocol, runtime.clock, (io) => run(runtime, route.kind as 'exec' | 'attach', pod, container!, opts, io));
}

function run(runtime: StreamsRuntime, kind: 'exec' | 'attach', pod: Obj, container: Obj, opts: StreamOptions, io: ExecIO): void {
  const p = kind === 'exec' ? runExec(runtime, pod, container, opts.command, io) : runAttach(runtime, pod, container, io);
  p.catch((err) => {
    runtime.log?.(`${kind} failed: ${(err as Error)?.stack ?? err}`);
    io.finish({ error: (err as Error)?.message ?? String(err) });
  });
}

function upgradeWebSocket(runtime: StreamsRuntime, route: StreamRoute, req: http.IncomingMessage, socket: Duplex, head: Buffer, pod: Obj, container: Obj | undefined, opts: StreamOptions): void {
  const offered = offeredWebSocketProtocols(req);
  const wss = servers(runtime);
  if (route.kind === 'portforward') {
    requirePodRunning(pod);
    const channelProtocol = negotiate(offered, WS_PORT_FORWARD_PROTOCOLS);
    if (!offered.includes(TUNNEL_PROTOCOL) && channelProtocol) {
      const ports = new URLSearchParams(splitPath(req.url).params).getAll('ports').flatMap((p) => p.split(',')).filter(Boolean);
      if (!ports.length || ports.some((p) => !/^\d+$/.test(p) || Number(p) < 1 || Number(p) > 65535)) {
        throw errors.badRequest(ports.length ? `invalid port ${JSON.stringify(ports.find((p) => !/^\d+$/.test(p) || Number(p) < 1 || Number(p) > 65535))}` : 'query parameter "port" is required');
      }
      wss.exec.handleUpgrade(req, socket, head, (ws: WebSocket) => serveWebSocketPortForward(runtime, ws, route.namespace, route.name, ports.map(Number)));
      return;
    }
    if (!offered.includes(TUNNEL_PROTOCOL)) throw errors.badRequest(`unable to upgrade: no supported subprotocol offered (supported: ${TUNNEL_PROTOCOL})`);
    req.headers['sec-websocket-protocol'] = TUNNEL_TOKEN;
    wss.tunnel.handleUpgrade(req, socket, head, (ws: WebSocket) => {
      const session = new SpdySession(webSocketTransport(ws), runtime.log);
      servePortForward(runtime, session, route.namespace, route.name);
    });
    return;
  }
  if (!negotiate(offered, WS_EXEC_PROTOCOLS)) {
    throw errors.badRequest(`unable to upgrade: no supported subprotocol offered (supported: ${WS_EXEC_PROTOCOLS.join(', ')})`);
  }
  requireRunning(pod, container!);
  wss.exec.handleUpgrade(req, socket, head, (ws: WebSocket) => {
    run(runtime, route.kind as 'exec' | 'attach', pod, container!, opts, webSocketExecIO(ws, opts));
  });
}
