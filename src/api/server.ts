// The HTTP front: one node:http request handler (no framework: a wrapper would only add cost to every request) that
// routes through the REST-surface document and dispatches to discovery, health, version, OpenAPI and the generic
// resource endpoint. WebSocket upgrades (watch) are handled on the raw server.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import type { Clock } from '../clock.js';
import { errors } from '../machinery/errors.js';
import type { Catalog } from '../registry/catalog.js';
import type { GenericStore } from '../registry/store.js';
import { versionInfo } from '../version.js';
import { aggregatedDiscovery, apiGroup, apiGroupList, apiResourceList, apiVersions, DISCOVERY_CONTENT_TYPE } from './discovery.js';
import { chooseDiscovery } from './negotiation.js';
import { handleOpenAPI } from './openapi.js';
import { sendError, sendJsonText, sendObject, sendText } from './respond.js';
import { resolveTarget } from './request-info.js';
import { handleResource } from './resources.js';
import type { Router } from './router.js';
import type { Intercept } from '../request-hook.js';
import { matchStreamRoute } from '../streams/routes.js';

// The streaming subresources (src/streams) and the WebSocket watch (./websocket.js, with the ws package) load with
// the first request that needs them: most clusters never see one, and loading them costs start-up time.
let streamsModule: Promise<typeof import('../streams/index.js')> | undefined;
const streams = () => (streamsModule ??= import('../streams/index.js'));

/** The path of a request URL without its query, as src/streams matches it. */
function requestPath(url: string | undefined): string {
  const u = url ?? '/';
  const q = u.indexOf('?');
  return q < 0 ? u : u.slice(0, q);
}

/** Installs the upgrade handler of ./websocket.js on the first upgrade request, which it then handles. */
function attachWebSocketWatchLazily(server: http.Server, deps: ApiServerDeps): void {
  let loading: Promise<void> | undefined;
  const onUpgrade = (req: http.IncomingMessage, socket: Duplex, head: Buffer): void => {
    // The server took its error listener off the socket: hold one while the module loads.
    const onError = () => socket.destroy();
    socket.on('error', onError);
    loading ??= import('./websocket.js').then((m) => {
      server.off('upgrade', onUpgrade);
      m.attachWebSocketWatch(server, deps);
    });
    loading.then(
      () => {
        socket.off('error', onError);
        if (!socket.destroyed) server.emit('upgrade', req, socket, head);
      },
      (err) => {
        deps.log?.(`cannot serve an upgrade request: ${(err as Error)?.stack ?? err}`);
        socket.destroy();
      },
    );
  };
  server.on('upgrade', onUpgrade);
}

export interface ApiServerDeps {
  catalog: Catalog;
  store: GenericStore;
  clock: Clock;
  router: Router;
  kubernetesVersion: string;
  isReady: () => boolean;
  log?: (line: string) => void;
  /** kubesim's own endpoints under /kubesim/ (clock, snapshots: src/admin.ts); 404 when absent. */
  admin?: (req: http.IncomingMessage, res: http.ServerResponse, path: string, query: Record<string, string>) => Promise<void>;
  /** Runs first for every HTTP request when fault injection or request recording is on (src/request-hook.ts); it
   * calls `next` to serve the request normally; its `upgrade` does the same for a watch over WebSocket
   * (./websocket.js). Absent: not installed at all. */
  intercept?: Intercept;
  /** Period of the simulated containers' periodic log line (pods/log), when the pod does not choose one. */
  logIntervalMs?: number;
}

export interface ApiServer {
  server: http.Server;
  listen(port: number, host: string): Promise<AddressInfo>;
  close(): Promise<void>;
}

function parseQuery(search: string): Record<string, string> {
  const q: Record<string, string> = {};
  if (!search) return q;
  for (const [k, v] of new URLSearchParams(search)) if (!(k in q)) q[k] = v;
  return q;
}

const HEALTH_CHECKS = ['ping', 'log', 'etcd', 'poststarthook/start-apiextensions-controllers'];

function health(res: http.ServerResponse, kind: string, verbose: boolean, ready: boolean): void {
  const ok = kind !== 'readyz' || ready;
  if (!verbose) {
    if (ok) sendText(res, 200, 'ok');
    else sendText(res, 500, `[-]informer-sync failed: reason withheld\n${kind} check failed`);
    return;
  }
  const lines = HEALTH_CHECKS.map((c) => `[+]${c} ok`);
  if (kind === 'readyz') lines.push(ready ? '[+]informer-sync ok' : '[-]informer-sync failed: reason withheld');
  sendText(res, ok ? 200 : 500, `${lines.join('\n')}\n${kind} check ${ok ? 'passed' : 'failed'}\n`);
}

export function createApiServer(deps: ApiServerDeps): ApiServer {
  const fail = (req: http.IncomingMessage, res: http.ServerResponse, err: unknown): void => {
    if (!(err instanceof Error && 'toStatus' in err)) deps.log?.(`internal error on ${req.method} ${req.url}: ${(err as Error)?.stack ?? err}`);
    sendError(res, err);
  };
  const handle = (req: http.IncomingMessage, res: http.ServerResponse): void => {
    try {
      const url = req.url ?? '/';
      const qIndex = url.indexOf('?');
      const path = qIndex < 0 ? url : url.slice(0, qIndex);
      const query = parseQuery(qIndex < 0 ? '' : url.slice(qIndex + 1));
      dispatch(deps, req, res, path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path, query).catch((err) => fail(req, res, err));
    } catch (err) {
      fail(req, res, err);
    }
  };

  const intercept = deps.intercept;
  const onRequest = intercept
    ? (req: http.IncomingMessage, res: http.ServerResponse): void => {
        try {
          intercept(req, res, () => handle(req, res));
        } catch (err) {
          fail(req, res, err);
        }
      }
    : handle;

  const server = http.createServer({ keepAliveTimeout: 60_000 }, onRequest);
  // Upgraded connections (WebSocket watches, exec/attach/port-forward) are no longer the http server's to close:
  // close() drops them, else it would wait for every client to leave.
  const upgraded = new Set<Duplex>();
  server.on('upgrade', (_req: http.IncomingMessage, socket: Duplex) => {
    if (upgraded.has(socket)) return;
    upgraded.add(socket);
    socket.once('close', () => upgraded.delete(socket));
  });
  attachWebSocketWatchLazily(server, deps);
  return {
    server,
    listen: (port, host) =>
      new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          server.off('error', reject);
          resolve(server.address() as AddressInfo);
        });
      }),
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
        for (const socket of upgraded) socket.destroy();
      }),
  };
}

async function dispatch(deps: ApiServerDeps, req: http.IncomingMessage, res: http.ServerResponse, path: string, query: Record<string, string>): Promise<void> {
  const method = req.method ?? 'GET';
  if (path === '/openapi' || path.startsWith('/openapi/') || path === '/swagger-2.0.0.pb-v1') return handleOpenAPI(req, res, path, { catalog: deps.catalog, log: deps.log });
  if (path.startsWith('/kubesim/')) {
    if (!deps.admin) throw errors.pathNotFound();
    return deps.admin(req, res, path, query);
  }
  // exec/attach/portforward (upgrade required) and the pod/service/node proxy: src/streams.
  if (path.startsWith('/api/v1/') && matchStreamRoute(requestPath(req.url)) && (await (await streams()).handleStreamingRequest(deps, req, res))) return;
  const route = deps.router.match(method, path, query);
  if (!route) throw errors.pathNotFound();
  const p = route.params;
  switch (route.operationId) {
    case 'getVersion':
      return sendObject(res, 200, versionInfo(deps.kubernetesVersion));
    case 'getHealthz':
    case 'getLivez':
    case 'getReadyz':
      return health(res, route.operationId.slice(3).toLowerCase(), query.verbose !== undefined, deps.isReady());
    case 'getHealthzCheck':
    case 'getLivezCheck':
    case 'getReadyzCheck':
      if (p.check !== 'ping' && p.check !== 'log' && p.check !== 'etcd') throw errors.pathNotFound();
      return sendText(res, 200, 'ok');
    case 'getCoreAPIVersions':
    case 'getAPIGroupList': {
      const core = route.operationId === 'getCoreAPIVersions';
      const want = chooseDiscovery(req.headers.accept);
      if (want !== 'legacy') {
        return sendJsonText(res, 200, JSON.stringify(aggregatedDiscovery(deps.catalog, core, want)), DISCOVERY_CONTENT_TYPE[want]);
      }
      return sendObject(res, 200, core ? apiVersions() : apiGroupList(deps.catalog));
    }
    case 'getCoreResources':
      if (p.version !== 'v1') throw errors.pathNotFound();
      return sendObject(res, 200, apiResourceList(deps.catalog, '', 'v1'));
    case 'getAPIGroup': {
      const g = apiGroup(deps.catalog, p.group);
      if (!g) throw errors.pathNotFound();
      return sendObject(res, 200, g);
    }
    case 'getGroupResources':
      if (!deps.catalog.hasGroupVersion(p.group, p.version)) throw errors.pathNotFound();
      return sendObject(res, 200, apiResourceList(deps.catalog, p.group, p.version));
    default: {
      const target = resolveTarget(deps.catalog, route.operationId, p);
      return handleResource({ req, res, method, query, ...target }, { store: deps.store, clock: deps.clock, kubernetesVersion: deps.kubernetesVersion, logIntervalMs: deps.logIntervalMs });
    }
  }
}
