// The one hook the HTTP server calls first for every request when fault injection or request recording is on
// (ApiServerDeps.intercept), and for every watch that arrives as a WebSocket upgrade (its `upgrade` property, called
// by src/api/websocket.ts). With both off there is no hook at all, so the request path pays nothing.
//
// Fault rules act on an Exchange: one request and the way to answer it, over plain HTTP (a ServerResponse) or over a
// WebSocket upgrade (src/api/websocket.ts builds that one). exec/attach/port-forward upgrades (src/streams) do not
// come through here.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { requestAttributes, type RequestAttributes } from './api/request-attributes.js';
import { sendError } from './api/respond.js';
import type { ApiError } from './machinery/errors.js';
import type { FaultInjector } from './faults.js';
import type { RequestRecorder } from './request-log.js';

/** One API request as fault injection sees it, and the ways it can be answered in place of the server. */
export interface Exchange {
  req: IncomingMessage;
  /** True once the request was answered, or the connection is gone: nothing more may be sent. */
  readonly settled: boolean;
  /** Runs once when the connection closes. */
  onClose(fn: () => void): void;
  /** Answers with this Status (HTTP: the error response; WebSocket: the upgrade is refused with it). */
  fail(err: ApiError): void;
  /** A watch that cannot start: a single ERROR event carrying this Status, then the end (upstream answers a too-old
   * resourceVersion so: 200 and the event over HTTP; over WebSocket the upgrade succeeds and the event is a message). */
  failWatch(err: ApiError): void;
  /** Ends an open watch: 'close' cleanly (HTTP: the chunked response ends; WebSocket: a 1000 close frame), 'reset'
   * drops the connection. */
  cut(mode: 'close' | 'reset'): void;
}

/** A watch request that asked for a WebSocket upgrade: src/api/websocket.ts implements it. */
export interface UpgradeExchange extends Exchange {
  /** Calls `fn` once with the outcome: 101 when upgraded, the HTTP status when refused (then `fn` runs before the
   * answer is written), 0 when the client went away first. */
  onOutcome(fn: (code: number) => void): void;
}

export type UpgradeIntercept = (exchange: UpgradeExchange, next: () => void) => void;

export type Intercept = ((req: IncomingMessage, res: ServerResponse, next: () => void) => void) & {
  /** The same hook for a watch over a WebSocket upgrade: `next` goes on to validate and upgrade. */
  upgrade?: UpgradeIntercept;
};

/** An HTTP request's Exchange. */
export function httpExchange(req: IncomingMessage, res: ServerResponse): Exchange {
  return {
    req,
    get settled() {
      return res.destroyed || res.headersSent;
    },
    onClose: (fn) => void res.once('close', fn),
    fail: (err) => sendError(res, err),
    failWatch: (err) => {
      res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache, private', 'Transfer-Encoding': 'chunked' });
      res.end(`{"type":"ERROR","object":${JSON.stringify(err.toStatus())}}\n`);
    },
    cut: (mode) => {
      if (mode === 'reset') {
        res.destroy();
        return;
      }
      // Ending cleanly: later writes of the watch (until it notices the close) must not write after the end.
      res.write = (() => true) as typeof res.write;
      res.end();
    },
  };
}

/** kubesim's own control endpoints are neither faulted nor recorded (a fault must not lock out its own removal). */
const isOwn = (url: string) => url.startsWith('/kubesim/');

export function requestHook(faults: FaultInjector | undefined, recorder: RequestRecorder | undefined): Intercept | undefined {
  if (!faults && !recorder) return undefined;
  const hook: Intercept = (req, res, next) => {
    const url = req.url ?? '/';
    if (isOwn(url)) return next();
    const attrs = requestAttributes(req.method ?? 'GET', url);
    const entry = recorder?.begin(req, res, attrs);
    if (!faults) return next();
    faults.handle(httpExchange(req, res), attrs, next, entry && ((id) => (entry.fault = id)));
  };
  hook.upgrade = (exchange, next) => {
    const url = exchange.req.url ?? '/';
    if (isOwn(url)) return next();
    const attrs: RequestAttributes = requestAttributes(exchange.req.method ?? 'GET', url);
    const entry = recorder?.beginUpgrade(exchange, attrs);
    if (!faults) return next();
    faults.handle(exchange, attrs, next, entry && ((id) => (entry.fault = id)));
  };
  return hook;
}
