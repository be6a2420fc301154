// kubesim's own control endpoints under /kubesim/v1/, for users who drive kubesim over HTTP rather than in process
// (the CLI, other languages): the virtual clock and snapshots. Errors are metav1.Status like the rest of the API.
//   GET  /kubesim/v1/clock                    the clock (404 unless the cluster runs on the virtual clock)
//   POST /kubesim/v1/clock/advance?by=5m      moves the virtual clock forward, firing everything due
//   POST /kubesim/v1/clock/set?time=RFC3339   steps it there (what is due fires once; backward fires nothing)
//   GET  /kubesim/v1/snapshot                 the whole store (JSON, or YAML with Accept: application/yaml)
//   PUT  /kubesim/v1/snapshot                 restores a snapshot (JSON or YAML body)
//   POST /kubesim/v1/reset                    back to the state right after start
//   GET  /kubesim/v1/faults                   the fault rules (404 unless started with faults enabled)
//   POST /kubesim/v1/faults                   adds a rule (JSON or YAML body: src/faults.ts FaultSpec)
//   DELETE /kubesim/v1/faults[/{id}]          removes every rule, or one
//   GET  /kubesim/v1/requests?verb=patch...   the recorded requests as JSON lines (404 unless recording)
//   DELETE /kubesim/v1/requests               forgets them
//   GET  /kubesim/v1/kubeconfig               the kubeconfig of this kubesim (YAML)
import type { IncomingMessage, ServerResponse } from 'node:http';
import { readBody, sendObject, sendJsonText } from './api/respond.js';
import { isVirtualClock, parseDuration, rfc3339Micro, type Clock } from './clock.js';
import { yaml } from './yaml.js';
import { FaultSpecError, type FaultInjector } from './faults.js';
import { ApiError, errors, successStatus } from './machinery/errors.js';
import { filterFromQuery, type RecordedRequest, type RequestRecorder } from './request-log.js';
import { SnapshotError, formatSnapshot, parseSnapshotText, SNAPSHOT_API_VERSION } from './snapshot.js';

export interface RestoreResult {
  /** The store's revision after the restore. */
  revision: number;
  /** Writes the restore took (0 when the state already matched). */
  changes: number;
}

export interface AdminDeps {
  clock: Clock;
  snapshotJson(): string;
  restore(doc: unknown): Promise<RestoreResult>;
  reset(): Promise<RestoreResult>;
  /** Present when fault injection is enabled. */
  faults?: FaultInjector;
  /** Present when requests are recorded. */
  requests?: RequestRecorder;
  /** The kubeconfig YAML of this cluster. */
  kubeconfig?: () => string;
}

export type AdminHandler = (req: IncomingMessage, res: ServerResponse, path: string, query: Record<string, string>) => Promise<void>;

/** Snapshots can be far bigger than an ordinary object (upstream's 3 MiB body limit would refuse most). */
const MAX_SNAPSHOT_BYTES = 512 * 1024 * 1024;

export function clockStatus(clock: Clock): Record<string, unknown> {
  const virtual = isVirtualClock(clock);
  const next = virtual ? clock.nextDue() : undefined;
  return {
    apiVersion: SNAPSHOT_API_VERSION,
    kind: 'Clock',
    virtual,
    now: rfc3339Micro(clock.now()),
    ...(virtual ? { pendingTimers: clock.pending(), nextTimer: next === undefined ? null : rfc3339Micro(next) } : {}),
  };
}

export function adminHandler(deps: AdminDeps): AdminHandler {
  return async (req, res, path, query) => {
    const method = req.method ?? 'GET';
    const allow = (...methods: string[]) => {
      if (!methods.includes(method)) throw errors.methodNotAllowed();
    };
    const wantsYaml = /\bapplication\/yaml\b/.test(req.headers.accept ?? '') && !/\bapplication\/json\b/.test(req.headers.accept ?? '');
    switch (path) {
      case '/kubesim/v1/clock':
      case '/kubesim/v1/clock/advance':
      case '/kubesim/v1/clock/set': {
        const clock = deps.clock;
        if (!isVirtualClock(clock)) throw new ApiError(404, 'NotFound', 'the cluster runs on the real clock; start it with --clock virtual (KUBESIM_CLOCK=virtual) to control time', {});
        if (path === '/kubesim/v1/clock') allow('GET');
        else if (path.endsWith('/advance')) {
          allow('POST');
          let ms: number;
          try {
            ms = parseDuration(query.by ?? '');
          } catch (err) {
            throw errors.badRequest(`by: ${(err as Error).message}`);
          }
          if (ms < 0) throw errors.badRequest('by: time only moves forward with advance (use clock/set to step back)');
          await clock.advance(ms);
        } else {
          allow('POST');
          const to = Date.parse(query.time ?? '');
          if (!Number.isFinite(to)) throw errors.badRequest('time: expected an RFC 3339 time, e.g. 2025-01-01T00:00:00Z');
          await clock.set(to);
        }
        return sendObject(res, 200, clockStatus(clock));
      }
      case '/kubesim/v1/snapshot': {
        allow('GET', 'PUT');
        if (method === 'GET') {
          const json = deps.snapshotJson();
          if (wantsYaml) return sendJsonText(res, 200, formatSnapshot(json, 'yaml'), 'application/yaml');
          return sendJsonText(res, 200, json);
        }
        const text = (await readBody(req, MAX_SNAPSHOT_BYTES)).toString('utf8');
        return sendObject(res, 200, restoreResult(await withSnapshotErrors(() => deps.restore(parseSnapshotText(text)))));
      }
      case '/kubesim/v1/reset':
        allow('POST');
        return sendObject(res, 200, restoreResult(await deps.reset()));
      case '/kubesim/v1/kubeconfig':
        if (!deps.kubeconfig) throw errors.pathNotFound();
        allow('GET');
        return sendJsonText(res, 200, deps.kubeconfig(), 'application/yaml');
      case '/kubesim/v1/requests': {
        const log = deps.requests;
        if (!log) throw new ApiError(404, 'NotFound', 'request recording is off; start kubesim with --record-requests (KUBESIM_RECORD_REQUESTS=true)', {});
        allow('GET', 'DELETE');
        if (method === 'DELETE') {
          log.clear();
          return sendObject(res, 200, successStatus());
        }
        const filter = filterFromQuery(query) as Partial<RecordedRequest>;
        const lines = log.query(filter).map((r) => `${JSON.stringify(r)}\n`);
        return sendJsonText(res, 200, lines.join(''), 'application/x-ndjson');
      }
      default:
        if (path === '/kubesim/v1/faults' || path.startsWith('/kubesim/v1/faults/')) return faultsEndpoint(deps.faults, req, res, path, method);
        throw errors.pathNotFound();
    }
  };
}

/** Fault bodies are small; the ordinary request limit is plenty. */
const MAX_FAULT_BYTES = 64 * 1024;

async function faultsEndpoint(faults: FaultInjector | undefined, req: IncomingMessage, res: ServerResponse, path: string, method: string): Promise<void> {
  // Disabled: nothing here exists (the same 404 as any unknown path, with a hint).
  if (!faults) throw new ApiError(404, 'NotFound', 'fault injection is disabled; start kubesim with --enable-faults (KUBESIM_ENABLE_FAULTS=true)', {});
  const id = path.slice('/kubesim/v1/faults/'.length);
  if (path !== '/kubesim/v1/faults') {
    if (method !== 'GET' && method !== 'DELETE') throw errors.methodNotAllowed();
    const found = faults.list().find((f) => f.id === id);
    if (!found) throw new ApiError(404, 'NotFound', `fault "${id}" not found`, { name: id, group: 'kubesim.io', kind: 'faults' });
    if (method === 'DELETE') faults.remove(id);
    return sendObject(res, 200, found);
  }
  switch (method) {
    case 'GET':
      return sendObject(res, 200, { apiVersion: SNAPSHOT_API_VERSION, kind: 'FaultList', items: faults.list() });
    case 'DELETE':
      faults.clear();
      return sendObject(res, 200, successStatus());
    case 'POST': {
      const text = (await readBody(req, MAX_FAULT_BYTES)).toString('utf8');
      let body: unknown;
      try {
        body = text.trimStart().startsWith('{') ? JSON.parse(text) : yaml().parse(text);
      } catch (err) {
        throw errors.badRequest(`fault rule is neither JSON nor YAML: ${(err as Error).message.split('\n')[0]}`);
      }
      try {
        return sendObject(res, 201, faults.add(body as never));
      } catch (err) {
        if (!(err instanceof FaultSpecError)) throw err;
        throw errors.invalid('kubesim.io', 'Fault', '', `Fault.kubesim.io "" is invalid: ${err.message}`, [{ reason: 'FieldValueInvalid', message: err.message, field: err.field }]);
      }
    }
    default:
      throw errors.methodNotAllowed();
  }
}

function restoreResult(r: RestoreResult): Record<string, unknown> {
  return { apiVersion: SNAPSHOT_API_VERSION, kind: 'RestoreResult', revision: r.revision, changes: r.changes };
}

async function withSnapshotErrors<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof SnapshotError) throw errors.badRequest(err.message);
    throw err;
  }
}
