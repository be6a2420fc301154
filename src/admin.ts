// kubesim's own control endpoints under /kubesim/v1/, for users who drive kubesim over HTTP rather than in process
// (the CLI, other languages): the virtual clock and snapshots. Errors are metav1.Status like the rest of the API.
//   GET  /kubesim/v1/clock                    the clock (404 unless the cluster runs on the virtual clock)
//   POST /kubesim/v1/clock/advance?by=5m      moves the virtual clock forward, firing everything due
//   POST /kubesim/v1/clock/set?time=RFC3339   steps it there (what is due fires once; backward fires nothing)
//   GET  /kubesim/v1/snapshot                 the whole store (JSON, or YAML with Accept: application/yaml)
//   PUT  /kubesim/v1/snapshot                 restores a snapshot (JSON or YAML body)
//   POST /kubesim/v1/reset                    back to the state right after start
import type { IncomingMessage, ServerResponse } from 'node:http';
import { readBody, sendObject, sendJsonText } from './api/respond.js';
import { isVirtualClock, parseDuration, rfc3339Micro, type Clock } from './clock.js';
import { ApiError, errors } from './machinery/errors.js';
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
      default:
        throw errors.pathNotFound();
    }
  };
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
