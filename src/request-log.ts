// Request recording: an opt-in log of every API request over the network (HTTP, and watches over a WebSocket
// upgrade) and its outcome, so that a test can assert what its
// client did (`cluster.requests({ verb: 'patch', resource: 'deployments' })`), next to the real stateful behaviour.
// Entries are kept in memory (the newest `limit`), served as JSON lines at GET /kubesim/v1/requests, and appended to
// a file as JSON lines when one is given. Requests to kubesim's own /kubesim/ endpoints are not recorded.
import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { RequestAttributes } from './api/request-attributes.js';
import { rfc3339Micro, type Clock } from './clock.js';
import type { UpgradeExchange } from './request-hook.js';

/** One recorded request: the attributes it asked for (src/api/request-attributes.ts) and what became of it. */
export interface RecordedRequest extends Omit<RequestAttributes, 'isResourceRequest'> {
  /** When the request arrived, in cluster time (RFC 3339 with microseconds). */
  time: string;
  method: string;
  userAgent: string;
  /** The HTTP status code of the response (for a watch: of the response head; for a watch over WebSocket: 101 once
   * upgraded, or the error status the upgrade was refused with; 0 when the client went away first). */
  code: number;
  /** Real time until the response was complete (for a watch: until the stream started or the upgrade), in ms. */
  latencyMs: number;
  watch: boolean;
  /** True for a request that asked for a WebSocket upgrade (a watch over WebSocket). */
  websocket?: boolean;
  /** The id of the fault rule that affected the request, if one did. */
  fault?: string;
  /** True when the client went away before the response was complete. */
  aborted?: boolean;
}

type Want<T> = T | T[];
/** Every given field must match (a value or any of a list); `userAgent` matches when it contains the text. */
export type RequestFilter =
  | Partial<{ [K in keyof RecordedRequest]: Want<RecordedRequest[K]> }>
  | ((r: RecordedRequest) => boolean);

export interface RequestLog {
  /** The recorded requests (oldest first) that match `filter`. Throws when recording is off. */
  (filter?: RequestFilter): RecordedRequest[];
  /** Forgets what was recorded so far (the file, if any, is kept). */
  clear(): void;
  /** True when the cluster records requests (`recordRequests`). */
  readonly enabled: boolean;
}

export interface RecordOptions {
  /** Also append every entry as a JSON line to this file. */
  file?: string;
  /** Entries kept in memory (the oldest are dropped first). Default 100,000. */
  limit?: number;
}

export const DEFAULT_RECORD_LIMIT = 100_000;

export function matchesFilter(r: RecordedRequest, filter: RequestFilter | undefined): boolean {
  if (!filter) return true;
  if (typeof filter === 'function') return filter(r);
  for (const [k, want] of Object.entries(filter)) {
    if (want === undefined) continue;
    const have = r[k as keyof RecordedRequest];
    if (k === 'userAgent' && typeof want === 'string') {
      if (!String(have).includes(want)) return false;
    } else if (Array.isArray(want) ? !want.includes(have as never) : want !== have) {
      return false;
    }
  }
  return true;
}

export class RequestRecorder {
  private entries: RecordedRequest[] = [];
  private readonly limit: number;
  private readonly out?: WriteStream;

  constructor(
    private readonly clock: Clock,
    options: RecordOptions = {},
  ) {
    this.limit = options.limit ?? DEFAULT_RECORD_LIMIT;
    if (options.file) {
      mkdirSync(path.dirname(options.file), { recursive: true });
      this.out = createWriteStream(options.file, { flags: 'a' });
      this.out.on('error', () => undefined); // a full disk must not take the server down; entries stay in memory
    }
  }

  /** Starts recording one request; the entry is added when the response is complete (a watch: when it starts). */
  begin(req: IncomingMessage, res: ServerResponse, attrs: RequestAttributes): { fault?: string } {
    const t0 = performance.now();
    const entry = this.entry(req, attrs);
    let done = false;
    const finish = (aborted: boolean) => {
      if (done) return;
      done = true;
      entry.code = aborted && !res.headersSent ? 0 : res.statusCode;
      entry.latencyMs = Math.round((performance.now() - t0) * 1000) / 1000;
      if (aborted) entry.aborted = true;
      this.add(entry);
    };
    // Recorded synchronously when the response is handed over, so that a client that got its answer finds the entry.
    if (entry.watch) {
      const writeHead = res.writeHead;
      res.writeHead = function (this: ServerResponse, ...args: Parameters<ServerResponse['writeHead']>) {
        res.writeHead = writeHead;
        const out = writeHead.apply(this, args);
        finish(false);
        return out;
      } as ServerResponse['writeHead'];
    } else {
      const end = res.end;
      res.end = function (this: ServerResponse, ...args: unknown[]) {
        res.end = end;
        const out = (end as (...a: unknown[]) => ServerResponse).apply(this, args);
        finish(false);
        return out;
      } as ServerResponse['end'];
    }
    // Closed before the response was handed over: the client went away (or the connection was cut).
    res.once('close', () => finish(true));
    return entry;
  }

  /** A new entry for a request (its outcome is filled in when known). */
  private entry(req: IncomingMessage, attrs: RequestAttributes): RecordedRequest {
    return {
      time: rfc3339Micro(this.clock.now()),
      method: req.method ?? 'GET',
      path: attrs.path,
      query: attrs.query,
      verb: attrs.verb,
      apiGroup: attrs.apiGroup,
      apiVersion: attrs.apiVersion,
      resource: attrs.resource,
      subresource: attrs.subresource,
      namespace: attrs.namespace,
      name: attrs.name,
      userAgent: req.headers['user-agent'] ?? '',
      code: 0,
      latencyMs: 0,
      watch: attrs.verb === 'watch',
    };
  }

  /** Starts recording a watch that asked for a WebSocket upgrade; the entry is added with the outcome (upgraded:
   * 101; refused: the error status; the client went away first: 0 and aborted). */
  beginUpgrade(exchange: UpgradeExchange, attrs: RequestAttributes): { fault?: string } {
    const t0 = performance.now();
    const entry = this.entry(exchange.req, attrs);
    entry.websocket = true;
    exchange.onOutcome((code) => {
      entry.code = code;
      entry.latencyMs = Math.round((performance.now() - t0) * 1000) / 1000;
      if (code === 0) entry.aborted = true;
      this.add(entry);
    });
    return entry;
  }

  private add(entry: RecordedRequest): void {
    this.entries.push(entry);
    if (this.entries.length > this.limit + Math.max(100, this.limit / 10)) this.entries = this.entries.slice(-this.limit);
    this.out?.write(`${JSON.stringify(entry)}\n`);
  }

  query(filter?: RequestFilter): RecordedRequest[] {
    const all = this.entries.length > this.limit ? this.entries.slice(-this.limit) : this.entries;
    return all.filter((r) => matchesFilter(r, filter)).map((r) => ({ ...r }));
  }

  clear(): void {
    this.entries = [];
  }

  /** Flushes and closes the file. */
  close(): Promise<void> {
    const out = this.out;
    if (!out || out.closed) return Promise.resolve();
    return new Promise((resolve) => out.end(() => resolve()));
  }

  /** The handle `cluster.requests` exposes. */
  api(): RequestLog {
    const fn = ((filter?: RequestFilter) => this.query(filter)) as RequestLog;
    fn.clear = () => this.clear();
    Object.defineProperty(fn, 'enabled', { value: true });
    return fn;
  }
}

/** What `cluster.requests` is when the cluster was created without `recordRequests`. */
export function disabledRequestLog(): RequestLog {
  const fn = (() => {
    throw new Error('request recording is off: create the cluster with `recordRequests: true` (kubesim start --record-requests)');
  }) as unknown as RequestLog;
  fn.clear = () => undefined;
  Object.defineProperty(fn, 'enabled', { value: false });
  return fn;
}

/** Parses GET /kubesim/v1/requests query parameters into a filter (strings; `code`, `watch` and `websocket` typed). */
export function filterFromQuery(query: Record<string, string>): Partial<Record<keyof RecordedRequest, unknown>> {
  const filter: Partial<Record<keyof RecordedRequest, unknown>> = {};
  const fields: (keyof RecordedRequest)[] = ['method', 'path', 'verb', 'apiGroup', 'apiVersion', 'resource', 'subresource', 'namespace', 'name', 'userAgent', 'fault'];
  for (const f of fields) if (query[f] !== undefined) filter[f] = query[f];
  if (query.code !== undefined) filter.code = Number(query.code);
  if (query.watch !== undefined) filter.watch = query.watch === 'true' || query.watch === '1';
  if (query.websocket !== undefined) filter.websocket = query.websocket === 'true' || query.websocket === '1';
  return filter;
}
