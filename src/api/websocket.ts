// WATCH over WebSocket: the same event stream as the chunked response, one event per message (upstream serves watch
// on a WebSocket upgrade too; base64.binary.k8s.io clients get base64 text frames).
import type http from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import { ApiError, asApiError, errors } from '../machinery/errors.js';
import { buildFilter } from '../registry/filter.js';
import { chooseFormat, parseBool, parseIntParam } from './negotiation.js';
import { resolveTarget } from './request-info.js';
import type { ApiServerDeps } from './server.js';
import { runWatch, validateWatchParams, type WatchParams } from './watch.js';
import { handleStreamingUpgrade } from '../streams/index.js';

function reject(socket: Duplex, err: ApiError): void {
  const body = JSON.stringify(err.toStatus());
  socket.end(
    `HTTP/1.1 ${err.code} ${err.reason ?? 'Error'}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}

export function attachWebSocketWatch(server: http.Server, deps: ApiServerDeps): void {
  const wss = new WebSocketServer({ noServer: true, handleProtocols: (protocols) => (protocols.has('base64.binary.k8s.io') ? 'base64.binary.k8s.io' : false) });
  server.on('upgrade', (req, socket, head) => {
    // exec, attach and port-forward upgrades (SPDY and WebSocket): src/streams.
    if (handleStreamingUpgrade(deps, req, socket, head)) return;
    try {
      const url = new URL(req.url ?? '/', 'http://localhost');
      const query: Record<string, string> = {};
      for (const [k, v] of url.searchParams) if (!(k in query)) query[k] = v;
      const route = deps.router.match(req.method ?? 'GET', url.pathname, query);
      if (!route) throw errors.pathNotFound();
      const target = resolveTarget(deps.catalog, route.operationId, route.params);
      if (target.name !== undefined || target.subresource || !parseBool(query.watch)) {
        throw errors.badRequest('only watch requests can be upgraded to a WebSocket here');
      }
      const format = chooseFormat(req.headers.accept);
      const params: WatchParams = {
        def: target.def,
        namespace: target.namespace,
        filter: buildFilter(target.def, query.labelSelector, query.fieldSelector),
        resourceVersion: query.resourceVersion || undefined,
        resourceVersionMatch: query.resourceVersionMatch || undefined,
        sendInitialEvents: parseBool(query.sendInitialEvents),
        allowWatchBookmarks: parseBool(query.allowWatchBookmarks) ?? false,
        timeoutSeconds: parseIntParam('timeoutSeconds', query.timeoutSeconds),
        table: format === 'table',
        includeObject: (query.includeObject as WatchParams['includeObject']) || 'Metadata',
      };
      validateWatchParams(params);
      wss.handleUpgrade(req, socket, head, (ws) => {
        const base64 = ws.protocol === 'base64.binary.k8s.io';
        runWatch(deps.store.storage, deps.clock, params, {
          write: (text) => ws.send(base64 ? Buffer.from(text).toString('base64') : text),
          end: () => ws.close(1000),
          onClose: (fn) => ws.on('close', fn),
        });
      });
    } catch (err) {
      reject(socket, asApiError(err));
    }
  });
}
