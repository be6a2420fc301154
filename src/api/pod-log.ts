// GET pods/NAME/log (upstream LogREST + pod.LogLocation, then the kubelet's containerLogs endpoint, which kubesim
// answers in process from the simulated container's generated log: src/nodes/logs). PodLogOptions come from the
// query: container, follow, previous, timestamps, tailLines, sinceSeconds, sinceTime, limitBytes,
// insecureSkipTLSVerifyBackend. Errors are upstream's: 422 for invalid options, 400 for a missing or unknown
// container and for the kubelet's "waiting to start" / "previous terminated container ... not found".
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Clock } from '../clock.js';
import { errors, type StatusCause } from '../machinery/errors.js';
import { openLog, followLog, readLines, type LogSettings } from '../nodes/logs/read.js';
import { renderLines } from '../nodes/logs/container-log.js';
import { parseRfc3339 } from '../nodes/logs/format.js';
import { objectKey } from '../registry/keys.js';
import type { GenericStore } from '../registry/store.js';
import type { Obj, ResourceDef } from '../registry/types.js';
import { DEFAULT_TIMINGS } from '../nodes/stages.js';

/** Period of the simulated containers' periodic log line when nothing else sets it. */
export const DEFAULT_LOG_INTERVAL_MS = 10_000;

export interface PodLogRequest {
  req: IncomingMessage;
  res: ServerResponse;
  def: ResourceDef;
  namespace: string;
  name: string;
  query: Record<string, string>;
}

export interface PodLogDeps {
  store: GenericStore;
  clock: Clock;
  kubernetesVersion?: string;
  /** Overrides DEFAULT_LOG_INTERVAL_MS. */
  logIntervalMs?: number;
}

export interface PodLogOptions {
  container?: string;
  follow: boolean;
  previous: boolean;
  timestamps: boolean;
  tailLines?: number;
  sinceSeconds?: number;
  sinceTime?: number;
  limitBytes?: number;
}

/** Query booleans as the apiserver converts them: present and not "0"/"false" is true (even empty). */
function queryBool(v: string | undefined): boolean {
  if (v === undefined) return false;
  return !(v === '0' || v.toLowerCase() === 'false');
}

/** int64 query parameters (strconv.ParseInt): a malformed one is a 400. */
function queryInt(v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  if (!/^[+-]?\d+$/.test(v)) throw errors.badRequest(`strconv.ParseInt: parsing ${JSON.stringify(v)}: invalid syntax`);
  const n = Number(v);
  if (!Number.isSafeInteger(n)) throw errors.badRequest(`strconv.ParseInt: parsing ${JSON.stringify(v)}: value out of range`);
  return n;
}

export function parsePodLogOptions(q: Record<string, string>): PodLogOptions {
  const o: PodLogOptions = {
    container: q.container || undefined,
    follow: queryBool(q.follow),
    previous: queryBool(q.previous),
    timestamps: queryBool(q.timestamps),
    tailLines: queryInt(q.tailLines),
    sinceSeconds: queryInt(q.sinceSeconds),
    limitBytes: queryInt(q.limitBytes),
  };
  // insecureSkipTLSVerifyBackend is accepted and has nothing to skip here.
  queryBool(q.insecureSkipTLSVerifyBackend);
  if (q.sinceTime !== undefined) {
    const t = parseRfc3339(q.sinceTime);
    if (Number.isNaN(t)) throw errors.badRequest(`parsing time ${JSON.stringify(q.sinceTime)} as "2006-01-02T15:04:05Z07:00": cannot parse ${JSON.stringify(q.sinceTime)} as "2006"`);
    // metav1.Time has second precision.
    o.sinceTime = Math.floor(t / 1000) * 1000;
  }
  return o;
}

/** upstream ValidatePodLogOptions: 422 Invalid PodLogOptions. */
export function validatePodLogOptions(o: PodLogOptions, name: string): void {
  const causes: StatusCause[] = [];
  const invalid = (field: string, value: number, detail: string) => causes.push({ reason: 'FieldValueInvalid', message: `Invalid value: ${value}: ${detail}`, field });
  if (o.tailLines !== undefined && o.tailLines < 0) invalid('tailLines', o.tailLines, 'must be greater than or equal to 0');
  if (o.limitBytes !== undefined && o.limitBytes < 1) invalid('limitBytes', o.limitBytes, 'must be greater than 0');
  if (o.sinceSeconds !== undefined && o.sinceTime !== undefined) {
    causes.push({ reason: 'FieldValueForbidden', message: 'Forbidden: at most one of `sinceTime` or `sinceSeconds` may be specified', field: '' });
  } else if (o.sinceSeconds !== undefined && o.sinceSeconds < 1) invalid('sinceSeconds', o.sinceSeconds, 'must be greater than 0');
  if (!causes.length) return;
  const parts = causes.map((c) => `${c.field}: ${c.message}`);
  const detail = parts.length === 1 ? parts[0] : `[${parts.join(', ')}]`;
  throw errors.invalid('', 'PodLogOptions', name, `PodLogOptions ${JSON.stringify(name)} is invalid: ${detail}`, causes);
}

/** upstream validateContainer: the container the request means. */
export function resolveContainer(pod: Obj, container: string | undefined): string {
  const spec = pod.spec ?? {};
  const all: string[] = [...(spec.initContainers ?? []), ...(spec.containers ?? []), ...(spec.ephemeralContainers ?? [])].map((c: Obj) => c?.name);
  const podName: string = pod.metadata?.name ?? '';
  if (!container) {
    const containers: Obj[] = spec.containers ?? [];
    if (containers.length === 1) return containers[0]!.name;
    if (!containers.length) throw errors.badRequest(`a container name must be specified for pod ${podName}`);
    throw errors.badRequest(`a container name must be specified for pod ${podName}, choose one of: [${all.join(' ')}]`);
  }
  if (!all.includes(container)) throw errors.badRequest(`container ${container} is not valid for pod ${podName}`);
  return container;
}

function kubeMinor(version: string | undefined): string {
  const m = /^v?(\d+)\.(\d+)/.exec(version ?? '');
  return m ? `${m[1]}.${m[2]}` : '1.33';
}

/** Caps what is written at `limitBytes` (the last line may be cut, as upstream's LimitWriter does). */
function limiter(limit: number | undefined): (text: string) => { text: string; done: boolean } {
  let left = limit ?? Infinity;
  return (text) => {
    if (left === Infinity) return { text, done: false };
    const buf = Buffer.from(text);
    if (buf.length < left) {
      left -= buf.length;
      return { text, done: false };
    }
    const cut = buf.subarray(0, left).toString();
    left = 0;
    return { text: cut, done: true };
  };
}

export async function servePodLog(r: PodLogRequest, d: PodLogDeps): Promise<void> {
  const opts = parsePodLogOptions(r.query);
  validatePodLogOptions(opts, r.name);
  const pod = d.store.get(r.def, r.namespace, r.name).object as Obj;
  const container = resolveContainer(pod, opts.container);
  const res = r.res;
  // Not on a node yet: upstream has no location to read from and answers with an empty stream.
  if (!pod.spec?.nodeName) {
    res.writeHead(200, { 'Content-Type': 'text/plain', 'Content-Length': 0 });
    res.end();
    return;
  }
  const settings: LogSettings = { kubeMinor: kubeMinor(d.kubernetesVersion), defaultIntervalMs: d.logIntervalMs ?? DEFAULT_LOG_INTERVAL_MS, completeMs: DEFAULT_TIMINGS.completeMs };
  const log = openLog(pod, container, opts.previous, settings);
  const now = d.clock.now();
  const since = opts.sinceTime ?? (opts.sinceSeconds !== undefined ? now - opts.sinceSeconds * 1000 : undefined);
  const lines = readLines(log, now, { timestamps: opts.timestamps, tailLines: opts.tailLines, since });
  const limit = limiter(opts.limitBytes);
  const first = limit(renderLines(lines, opts.timestamps));
  const text = first.text;
  const following = opts.follow && !first.done && log.instance.end === undefined;
  if (!following) {
    res.writeHead(200, { 'Content-Type': 'text/plain', 'Content-Length': Buffer.byteLength(text) });
    res.end(text);
    return;
  }
  res.writeHead(200, { 'Content-Type': 'text/plain', 'Transfer-Encoding': 'chunked', 'Cache-Control': 'no-cache, private' });
  res.flushHeaders();
  if (text) res.write(text);
  const key = objectKey(r.def, r.namespace, r.name);
  const uid = pod.metadata?.uid;
  const follower = followLog(
    log,
    container,
    now,
    settings,
    opts.timestamps,
    {
      clock: d.clock,
      getPod: () => {
        const o = d.store.storage.get(key)?.object as Obj | undefined;
        return o && o.metadata?.uid === uid ? o : undefined;
      },
      watchPod: (fn) => {
        const w = d.store.storage.watch(key, { onEvent: (e) => e.key === key && fn(), onClose: () => fn() });
        return () => w.stop();
      },
    },
    {
      write: (t) => {
        const out = limit(t);
        if (out.text) res.write(out.text);
        return !out.done;
      },
      end: () => res.end(),
    },
  );
  res.on('close', () => follower.stop());
}
