// WATCH over WebSocket: the same event stream as the chunked response, one event per message (upstream serves watch
// on a WebSocket upgrade too; base64.binary.k8s.io clients get base64 text frames). With fault injection or request
// recording on, each watch upgrade goes through the request hook first (src/request-hook.ts), like an HTTP request.
import http from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { ApiError, asApiError, errors } from '../machinery/errors.js';
import type { UpgradeExchange } from '../request-hook.js';
import { chooseFormat, parseBool } from './negotiation.js';
import { resolveTarget } from './request-info.js';
import type { ApiServerDeps } from './server.js';
import { runWatch, watchParamsFromQuery, type WatchParams } from './watch.js';
import { handleStreamingUpgrade } from '../streams/index.js';

/** Refuses an upgrade with a Status, as an HTTP error response (Retry-After as on plain HTTP). */
function reject(socket: Duplex, err: ApiError, extraHeaders = ''): void {
  if (socket.destroyed) return;
  const body = JSON.stringify(err.toStatus());
  const retry = err.details?.retryAfterSeconds;
  const retryAfter = retry && (err.code === 429 || err.code >= 500) ? `Retry-After: ${retry}\r\n` : '';
  socket.end(
    `HTTP/1.1 ${err.code} ${http.STATUS_CODES[err.code] ?? 'Error'}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n${retryAfter}${extraHeaders}Connection: close\r\n\r\n${body}`,
  );
}

/** The watch parameters of an upgrade request; throws the Status it must be refused with. */
function watchParams(deps: ApiServerDeps, req: http.IncomingMessage): WatchParams {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const query: Record<string, string> = {};
  for (const [k, v] of url.searchParams) if (!(k in query)) query[k] = v;
  const route = deps.router.match(req.method ?? 'GET', url.pathname, query);
  if (!route) throw errors.pathNotFound();
  const target = resolveTarget(deps.catalog, route.operationId, route.params);
  if (target.name !== undefined || target.subresource || !parseBool(query.watch)) {
    throw errors.badRequest('only watch requests can be upgraded to a WebSocket here');
  }
  return watchParamsFromQuery(target.def, target.namespace, query, chooseFormat(req.headers.accept) === 'table');
}

/** One watch upgrade: validates, upgrades and runs the watch (serve), or is answered by the request hook. */
class WatchUpgrade implements UpgradeExchange {
  private ws?: WebSocket;
  private answered = false;
  private outcome: ((code: number) => void)[] = [];
  /** Stops reading the socket while the upgrade is held back (see holdOpen). */
  private release?: () => void;

  constructor(
    readonly req: http.IncomingMessage,
    private readonly socket: Duplex,
    private head: Buffer,
    private readonly wss: WebSocketServer,
    private readonly deps: ApiServerDeps,
  ) {
    // The http server took its error listener off the socket; ws adds its own once it upgrades.
    socket.on('error', () => socket.destroy());
    // Gone before it was answered: the client went away (or the connection was cut before the upgrade).
    socket.once('close', () => this.report(0));
  }

  /**
   * The request hook holds the upgrade back (a latency rule): read the socket meanwhile, or a client that leaves
   * would go unnoticed (nobody reads an upgrade request's socket). What it sends early is kept for ws.
   */
  holdOpen(): void {
    if (this.answered || this.ws || this.socket.destroyed || this.release) return;
    const chunks: Buffer[] = [];
    const onData = (chunk: Buffer) => chunks.push(chunk);
    const onEnd = () => this.socket.destroy();
    this.socket.on('data', onData);
    this.socket.on('end', onEnd);
    this.release = () => {
      this.socket.off('data', onData);
      this.socket.off('end', onEnd);
      if (chunks.length) this.head = Buffer.concat([this.head, ...chunks]);
    };
  }

  get settled(): boolean {
    return this.answered || this.socket.destroyed;
  }

  onClose(fn: () => void): void {
    this.socket.once('close', fn);
  }

  onOutcome(fn: (code: number) => void): void {
    this.outcome.push(fn);
  }

  private report(code: number): void {
    if (this.answered) return;
    this.answered = true;
    for (const fn of this.outcome) fn(code);
    this.outcome = [];
  }

  fail(err: ApiError, extraHeaders?: string): void {
    this.release?.();
    this.report(err.code);
    reject(this.socket, err, extraHeaders);
  }

  /** ws found the handshake itself invalid (method, headers, version). */
  handshakeFailed(message: string): void {
    if (/method/i.test(message)) return this.fail(errors.methodNotAllowed());
    this.fail(errors.badRequest(message), /version/i.test(message) ? 'Sec-WebSocket-Version: 13, 8\r\n' : '');
  }

  failWatch(err: ApiError): void {
    this.upgrade((ws, send) => {
      send(`{"type":"ERROR","object":${JSON.stringify(err.toStatus())}}\n`);
      ws.close(1000);
    });
  }

  cut(mode: 'close' | 'reset'): void {
    const ws = this.ws;
    if (ws) {
      if (mode === 'reset') ws.terminate();
      else ws.close(1000);
      return;
    }
    // Not upgraded yet (held back by a latency rule). Like a held HTTP watch, which gets an empty stream: a clean cut
    // is a watch that opens and ends at once.
    if (mode === 'reset' || this.answered) this.socket.destroy();
    else this.upgrade((upgraded) => upgraded.close(1000));
  }

  serve(): void {
    let params: WatchParams;
    try {
      params = watchParams(this.deps, this.req);
    } catch (err) {
      return this.fail(asApiError(err));
    }
    this.upgrade((ws, send) =>
      runWatch(this.deps.store.storage, this.deps.clock, params, {
        write: send,
        end: () => ws.close(1000),
        onClose: (fn) => ws.on('close', fn),
      }),
    );
  }

  private upgrade(then: (ws: WebSocket, send: (text: string) => void) => void): void {
    this.release?.();
    this.wss.handleUpgrade(this.req, this.socket, this.head, (ws) => {
      this.ws = ws;
      this.report(101);
      const base64 = ws.protocol === 'base64.binary.k8s.io';
      then(ws, (text) => ws.send(base64 ? Buffer.from(text).toString('base64') : text));
    });
  }
}

export function attachWebSocketWatch(server: http.Server, deps: ApiServerDeps): void {
  const wss = new WebSocketServer({ noServer: true, handleProtocols: (protocols) => (protocols.has('base64.binary.k8s.io') ? 'base64.binary.k8s.io' : false) });
  const pending = new WeakMap<Duplex, WatchUpgrade>();
  // Emitted (instead of ws answering by itself) during handleUpgrade, for a handshake ws cannot accept.
  wss.on('wsClientError', (err: Error, socket: Duplex) => {
    const upgrade = pending.get(socket);
    if (upgrade) upgrade.handshakeFailed(err.message);
    else socket.destroy();
  });
  const hook = deps.intercept?.upgrade;
  server.on('upgrade', (req: http.IncomingMessage, socket: Duplex, head: Buffer) => {
    // exec, attach and port-forward upgrades (SPDY and WebSocket): src/streams.
    if (handleStreamingUpgrade(deps, req, socket, head)) return;
    const upgrade = new WatchUpgrade(req, socket, head, wss, deps);
    pending.set(socket, upgrade);
    try {
      if (hook) {
        hook(upgrade, () => upgrade.serve());
        upgrade.holdOpen();
      } else {
        upgrade.serve();
      }
    } catch (err) {
      if (!(err instanceof ApiError)) deps.log?.(`internal error on the upgrade ${req.method} ${req.url}: ${(err as Error)?.stack ?? err}`);
      if (upgrade.settled) socket.destroy();
      else upgrade.fail(asApiError(err));
    }
  });
}
