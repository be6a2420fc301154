// The router (src/api/router.ts) keeps openapi-backend's decisions but not its per-request cost: it must answer
// exactly what openapi-backend's own pipeline answers (matchOperation on the real path, parseRequest,
// validateRequest), load openapi-backend only when first needed, and keep its memo bounded whatever clients send.
import { readFileSync } from 'node:fs';
import { OpenAPIBackend } from 'openapi-backend';
import { parse as parseYaml } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { Router } from '../../src/api/router.js';

type Answer = string;

/** openapi-backend's full pipeline, unmemoised: what the router must agree with. */
async function reference(): Promise<(method: string, path: string, query: Record<string, string>) => Answer> {
  const definition = parseYaml(readFileSync('openapi/rest-surface.yaml', 'utf8'), { merge: true });
  const api = new OpenAPIBackend({ definition, quick: true, validate: true, ajvOpts: { strict: false } });
  await api.init();
  return (method, path, query) => {
    const m = method.toLowerCase();
    const op = api.matchOperation({ method: m, path, headers: {} });
    if (!op) return 'no route';
    const names = new Set(((op.parameters ?? []) as { in?: string; name?: string }[]).filter((p) => p.in === 'query').map((p) => p.name));
    const checked: Record<string, string> = {};
    for (const k in query) if (names.has(k)) checked[k] = query[k];
    let parsed;
    try {
      parsed = api.router.parseRequest({ method: m, path, query: checked, headers: {} }, op);
    } catch (err) {
      if (err instanceof URIError) return 'bad escape';
      throw err;
    }
    const result = api.validator.validateRequest(parsed, op);
    if (!result.valid) return `invalid ${result.errors?.[0]?.instancePath}`;
    const params: Record<string, string> = {};
    for (const [k, v] of Object.entries(parsed.params ?? {})) params[k] = String(v);
    return JSON.stringify({ operationId: op.operationId, params });
  };
}

function answer(router: Router, method: string, path: string, query: Record<string, string>): Answer {
  try {
    const r = router.match(method, path, query);
    if (!r) return 'no route';
    expect(r.query).toBe(query);
    return JSON.stringify({ operationId: r.operationId, params: r.params });
  } catch (err) {
    const e = err as { code?: number; message: string };
    expect(e.code).toBe(400);
    if (e.message.startsWith('invalid URL escape')) return 'bad escape';
    const name = /^invalid value for query parameter (\S+):/.exec(e.message)?.[1];
    return `invalid /query/${name}`;
  }
}

const SEGMENTS = ['', 'api', 'apis', 'v1', 'apps', 'namespaces', 'default', 'pods', 'status', 'scale', 'healthz', 'readyz', 'version', 'ping', 'a%2541', '%41', '%ZZ', 'a%20b', '_'];
const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD'];
const QUERIES: Record<string, string>[] = [
  {},
  { limit: '500' },
  { limit: 'x' },
  { watch: 'true', resourceVersion: '12', allowWatchBookmarks: 'true', timeoutSeconds: '30' },
  { watch: 'maybe' },
  { timeout: '32s' },
  { includeObject: 'Object' },
  { includeObject: 'All' },
  { propagationPolicy: 'Orphan', gracePeriodSeconds: '0' },
  { propagationPolicy: 'Later' },
  { dryRun: 'All', fieldManager: 'kubectl', fieldValidation: 'Strict', force: 'true' },
  { force: 'sure' },
  { verbose: '' },
];

describe('Router', () => {
  let ref: Awaited<ReturnType<typeof reference>>;
  beforeAll(async () => {
    ref = await reference();
  });

  it('answers what openapi-backend answers for every URL shape, method and query', async () => {
    const router = await Router.create();
    const paths: string[] = ['/', '//api/v1', '/api/v1/', '/api/v1//', '/api//v1', 'api/v1', '/api/v1/namespaces/default/pods/x/status/', '/apis/apps/v1/namespaces/default/deployments/web/scale/extra'];
    const walk = (segments: string[], prefix: string, depth: number) => {
      if (prefix) paths.push(prefix);
      if (depth === 0) return;
      for (const s of segments) walk(segments, `${prefix}/${s}`, depth - 1);
    };
    walk(SEGMENTS, '', 2);
    walk(['', 'api', 'apis', 'v1', 'namespaces', 'default', 'pods', '%41'], '', 3);
    // Deeper URLs under the literal roots kubectl uses.
    for (const root of ['/api/v1', '/apis/apps/v1', '/api/v1/namespaces/default', '/apis/apps/v1/namespaces/kube-system']) {
      for (const a of SEGMENTS.slice(4)) for (const b of ['pods', 'status', 'x', '%41', '']) paths.push(`${root}/${a}/${b}`);
    }
    let i = 0;
    for (const path of new Set(paths)) {
      // GET and one other method in turn (each reference answer costs openapi-backend's slow matcher).
      for (const method of ['GET', METHODS[1 + (i % (METHODS.length - 1))]]) {
        const query = QUERIES[i++ % QUERIES.length];
        expect(answer(router, method, path, query), `${method} ${path} ${JSON.stringify(query)}`).toBe(ref(method, path, query));
      }
    }
    expect(paths.length).toBeGreaterThan(1000);
  });

  it('decodes path parameters exactly once, and answers 400 for malformed escapes', async () => {
    const router = await Router.create();
    expect(router.match('GET', '/api/v1/namespaces/default/configmaps/a%2541', {})?.params.name).toBe('a%41');
    expect(router.match('GET', '/api/v1/namespaces/de%2Ffault/configmaps/a%20b', {})?.params).toMatchObject({ namespace: 'de/fault', name: 'a b' });
    expect(() => router.match('GET', '/api/v1/namespaces/default/configmaps/%ZZ', {})).toThrow(/invalid URL escape "%ZZ"/);
  });

  it('loads openapi-backend on first use, and keeps its memo bounded', async () => {
    const router = await Router.create();
    const internals = router as unknown as { api?: unknown; memo: Map<string, unknown> };
    expect(internals.api).toBeUndefined();
    expect(router.match('GET', '/api/v1/pods', { limit: '1' })?.operationId).toBe('coreCollectionGet');
    expect(internals.api).toBeDefined();
    // Unknown roots, empty segments and over-long URLs never reach the memo; names vary freely within a shape.
    for (let n = 0; n < 2000; n++) {
      expect(router.match('GET', `/garbage-${n}/x`, {})).toBeUndefined();
      expect(router.match('GET', `/api/v1/${'x/'.repeat(10)}${n}`, {})).toBeUndefined();
      expect(router.match('GET', `/api/v1/namespaces/ns-${n}/pods/p-${n}`, {})?.params.name).toBe(`p-${n}`);
    }
    expect(internals.memo.size).toBeLessThan(10);
  });
});
