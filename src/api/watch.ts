// WATCH: newline-delimited JSON events over a chunked response (or WebSocket messages), from a resourceVersion, with
// selector-aware event types, bookmarks, timeouts and the WatchList protocol (sendInitialEvents + the
// k8s.io/initial-events-end bookmark), following upstream's cacher / cacheWatcher.
import type { Clock, TimerHandle } from '../clock.js';
import { errors } from '../machinery/errors.js';
import { buildFilter, type ObjectFilter } from '../registry/filter.js';
import { listPrefix } from '../registry/keys.js';
import { listObjects } from '../registry/list.js';
import type { Obj, ResourceDef } from '../registry/types.js';
import { groupVersion } from '../registry/types.js';
import type { Storage, StorageEvent, Watcher } from '../storage/interface.js';
import { StorageError } from '../storage/interface.js';
import { parseBool, parseIntParam } from './negotiation.js';
import { buildTable, type IncludeObject } from './table.js';

export interface WatchParams {
  def: ResourceDef;
  namespace?: string;
  filter: ObjectFilter;
  resourceVersion?: string;
  resourceVersionMatch?: string;
  sendInitialEvents?: boolean;
  allowWatchBookmarks: boolean;
  timeoutSeconds?: number;
  table: boolean;
  includeObject: IncludeObject;
}

/** Where events go: an HTTP chunked response or a WebSocket. */
export interface WatchSink {
  write(text: string): void;
  end(): void;
  onClose(fn: () => void): void;
}

const BOOKMARK_INTERVAL_MS = 60_000;
/** upstream: watches without timeoutSeconds last minRequestTimeout (30 min) times a random factor in [1, 2). */
const DEFAULT_TIMEOUT_S = 1800;

function invalidListOptions(field: string, detail: string): never {
  throw errors.invalid('meta.k8s.io', 'ListOptions', '', `ListOptions.meta.k8s.io "" is invalid: ${field}: Forbidden: ${detail}`, [
    { reason: 'FieldValueForbidden', message: `Forbidden: ${detail}`, field },
  ]);
}

/** The watch parameters of a request's query (the same for chunked and WebSocket watches), validated. */
export function watchParamsFromQuery(def: ResourceDef, namespace: string | undefined, q: Record<string, string>, table: boolean): WatchParams {
  const params: WatchParams = {
    def,
    namespace,
    filter: buildFilter(def, q.labelSelector, q.fieldSelector),
    resourceVersion: q.resourceVersion || undefined,
    resourceVersionMatch: q.resourceVersionMatch || undefined,
    sendInitialEvents: parseBool(q.sendInitialEvents),
    allowWatchBookmarks: parseBool(q.allowWatchBookmarks) ?? false,
    timeoutSeconds: parseIntParam('timeoutSeconds', q.timeoutSeconds),
    table,
    includeObject: (q.includeObject as IncludeObject) || 'Metadata',
  };
  validateWatchParams(params);
  return params;
}

/** Checks the parameters before any response is written, so errors are ordinary Status replies. */
export function validateWatchParams(p: WatchParams): void {
  if (p.sendInitialEvents !== undefined) {
    if (p.resourceVersionMatch !== 'NotOlderThan') invalidListOptions('resourceVersionMatch', 'sendInitialEvents requires setting resourceVersionMatch to NotOlderThan');
    if (!p.allowWatchBookmarks) invalidListOptions('allowWatchBookmarks', 'sendInitialEvents requires setting allowWatchBookmarks to true');
  } else if (p.resourceVersionMatch) {
    invalidListOptions('resourceVersionMatch', 'resourceVersionMatch is forbidden for watch unless sendInitialEvents is provided');
  }
  if (p.resourceVersion && p.resourceVersion !== '0' && !/^\d+$/.test(p.resourceVersion)) {
    throw errors.badRequest(`invalid resource version: "${p.resourceVersion}"`);
  }
}

export function runWatch(storage: Storage, clock: Clock, p: WatchParams, sink: WatchSink): void {
  const { def } = p;
  const apiVersion = groupVersion(def);
  let first = true;
  const encode = (type: string, objJson: string | undefined, obj: Obj): string => {
    // Custom resources are served in the watched version (upstream converts every event from the storage version).
    if (def.codec && type !== 'ERROR') {
      obj = def.codec.decode(obj);
      objJson = undefined;
    }
    if (p.table && type !== 'BOOKMARK' && type !== 'ERROR') {
      // Like upstream's TableConvertor, each event's Table carries the object's resourceVersion.
      const table = buildTable(def, [obj], clock.now(), p.includeObject, { resourceVersion: obj.metadata?.resourceVersion }, first);
      first = false;
      return `{"type":"${type}","object":${JSON.stringify(table)}}\n`;
    }
    return `{"type":"${type}","object":${objJson ?? JSON.stringify(obj)}}\n`;
  };
  const bookmark = (rv: number, initialEventsEnd = false): string => {
    const metadata: Obj = { resourceVersion: String(rv), creationTimestamp: null };
    if (initialEventsEnd) metadata.annotations = { 'k8s.io/initial-events-end': 'true' };
    return `{"type":"BOOKMARK","object":${JSON.stringify({ kind: def.kind, apiVersion, metadata })}}\n`;
  };

  let watcher: Watcher | undefined;
  const timers: TimerHandle[] = [];
  let closed = false;
  const finish = () => {
    if (closed) return;
    closed = true;
    watcher?.stop();
    for (const t of timers) t.cancel();
    sink.end();
  };
  sink.onClose(() => {
    closed = true;
    watcher?.stop();
    for (const t of timers) t.cancel();
  });

  const rv = p.resourceVersion && p.resourceVersion !== '0' ? Number(p.resourceVersion) : undefined;
  const wantsInitialState = p.sendInitialEvents === true || (p.sendInitialEvents === undefined && rv === undefined);
  let fromRevision: number;
  if (wantsInitialState) {
    // Current state as synthetic ADDED events, then changes after the listed revision.
    const page = listObjects(storage, def, { namespace: p.namespace, filter: p.filter });
    for (const item of page.items) sink.write(encode('ADDED', item.json, item.object as Obj));
    fromRevision = Number(page.resourceVersion);
    if (p.sendInitialEvents) sink.write(bookmark(fromRevision, true));
  } else {
    fromRevision = rv ?? storage.currentRevision();
  }

  const onEvent = (ev: StorageEvent) => {
    if (closed) return;
    const cur = ev.object as Obj;
    let type: string | undefined;
    if (!p.filter.active) type = ev.type;
    else if (ev.type === 'ADDED') type = p.filter.matches(cur) ? 'ADDED' : undefined;
    else if (ev.type === 'DELETED') type = p.filter.matches(cur) ? 'DELETED' : undefined;
    else {
      // An object entering or leaving the selection is ADDED / DELETED for this watcher (upstream cacheWatcher).
      const now = p.filter.matches(cur);
      const before = ev.prevObject ? p.filter.matches(ev.prevObject as Obj) : false;
      type = now && before ? 'MODIFIED' : now ? 'ADDED' : before ? 'DELETED' : undefined;
    }
    if (type) sink.write(encode(type, ev.json, cur));
  };

  try {
    watcher = storage.watch(listPrefix(def, p.namespace), { fromRevision, onEvent, onClose: () => finish() });
  } catch (err) {
    if (err instanceof StorageError && err.code === 'Expired') {
      // upstream watchCache: "too old resource version: <rv> (<oldest retained - 1>)", i.e. the compacted revision.
      const status = errors.expired(`too old resource version: ${rv} (${storage.compactedRevision()})`).toStatus();
      sink.write(`{"type":"ERROR","object":${JSON.stringify(status)}}\n`);
      finish();
      return;
    }
    throw err;
  }

  if (p.allowWatchBookmarks) {
    timers.push(clock.every(BOOKMARK_INTERVAL_MS, () => !closed && sink.write(bookmark(storage.currentRevision()))));
  }
  const timeoutS = p.timeoutSeconds && p.timeoutSeconds > 0 ? p.timeoutSeconds : DEFAULT_TIMEOUT_S * (1 + Math.random());
  timers.push(
    clock.after(timeoutS * 1000, () => {
      // Like upstream, a bookmark just before the timeout lets informers resume without a relist.
      if (p.allowWatchBookmarks && !closed) sink.write(bookmark(storage.currentRevision()));
      finish();
    }),
  );
}
