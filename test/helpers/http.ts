// Talking to a kubesim over plain HTTP from tests: JSON requests, bulk creation with bounded concurrency, and raw
// watch streams whose events are collected as they arrive.
export type Json = any;

export interface ApiResponse {
  status: number;
  body: Json;
}

export async function api(base: string, method: string, path: string, body?: unknown, contentType = 'application/json'): Promise<ApiResponse> {
  const res = await fetch(base + path, {
    method,
    headers: body === undefined ? { accept: 'application/json' } : { accept: 'application/json', 'content-type': contentType },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  let parsed: Json = text;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    // not JSON (e.g. /readyz): keep the text
  }
  return { status: res.status, body: parsed };
}

/** Like api() but fails the test unless the status is 2xx; returns the body. */
export async function apiOk(base: string, method: string, path: string, body?: unknown, contentType?: string): Promise<Json> {
  const r = await api(base, method, path, body, contentType);
  if (r.status < 200 || r.status >= 300) throw new Error(`${method} ${path} -> ${r.status}: ${JSON.stringify(r.body)}`);
  return r.body;
}

export async function createNamespace(base: string, name: string): Promise<void> {
  await apiOk(base, 'POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
}

export function configMap(name: string, data: Record<string, string> = {}, labels?: Record<string, string>): Json {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: labels ? { name, labels } : { name }, data };
}

/** POSTs every object to `path` with at most `concurrency` requests in flight; resolves with the created objects. */
export async function createMany(base: string, path: string, objects: unknown[], concurrency = 32): Promise<Json[]> {
  const out: Json[] = new Array(objects.length);
  let next = 0;
  const worker = async () => {
    while (next < objects.length) {
      const i = next++;
      out[i] = await apiOk(base, 'POST', path, objects[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, objects.length) }, worker));
  return out;
}

export interface WatchEvent {
  type: string;
  object: Json;
}

export interface RawWatch {
  events: WatchEvent[];
  /** Resolves when the server ends the stream (or close() was called). */
  ended: Promise<void>;
  close(): void;
}

/** Opens a chunked watch (`path` must include `watch=true`) and collects its events. Resolves once the response
 * headers arrived, i.e. once the server registered the watch. */
export async function openWatch(base: string, path: string): Promise<RawWatch> {
  const controller = new AbortController();
  const res = await fetch(base + path, { headers: { accept: 'application/json' }, signal: controller.signal });
  if (res.status !== 200 || !res.body) throw new Error(`watch ${path} -> ${res.status}: ${await res.text()}`);
  const events: WatchEvent[] = [];
  const reader = res.body.getReader();
  const decoder = new TextDecoder();
  const ended = (async () => {
    let buf = '';
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        buf += decoder.decode(value, { stream: true });
        let nl: number;
        while ((nl = buf.indexOf('\n')) >= 0) {
          const line = buf.slice(0, nl).trim();
          buf = buf.slice(nl + 1);
          if (line) events.push(JSON.parse(line) as WatchEvent);
        }
      }
    } catch {
      // aborted by close()
    }
  })();
  return { events, ended, close: () => controller.abort() };
}
