// The cost of openapi-backend routing per request: Router.match() on typical kubectl/client-go URLs, timed in a
// tight loop (100,000 matches after a warm-up), with its parts and what it no longer does, compared with a whole CREATE request
// (from the create benchmark's in-memory runs: the c=1 p50 latency and, at c=32 where the server is saturated, the
// server time per request = 1 / creates/s).
//
//   node bench/routing-overhead.mjs [--matches=100000]
// Standalone it measures the create figures itself (in-memory kubesim, 1 round); run-all passes them in.
import { fmt, importDist, isMain, parseArgs, table } from './common.mjs';
import { run as runCreate } from './create-throughput.mjs';

/** [method, path, query] as kubectl / client-go / informers send them. Names vary so nothing keys on identity. */
function typicalRequests(n) {
  const out = [];
  for (let i = 0; i < n; i++) {
    const name = `app-config-m${String(i).padStart(7, '0')}`;
    out.push(
      ['POST', '/api/v1/namespaces/default/configmaps', {}],
      ['GET', `/api/v1/namespaces/default/configmaps/${name}`, {}],
      ['GET', '/api/v1/namespaces/default/configmaps', { limit: '500' }],
      ['GET', '/api/v1/pods', { labelSelector: 'app=web', fieldSelector: 'spec.nodeName=node-1', limit: '500' }],
      ['GET', '/api/v1/namespaces/kube-system/pods', { watch: 'true', resourceVersion: '12345', allowWatchBookmarks: 'true', timeoutSeconds: '300' }],
      ['PUT', `/apis/apps/v1/namespaces/default/deployments/web-${i}/status`, {}],
      ['PATCH', `/apis/apps/v1/namespaces/default/deployments/web-${i}`, { fieldManager: 'kubectl-client-side-apply' }],
      ['DELETE', `/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/node-${i}`, {}],
    );
  }
  return out;
}

function time(n, reqs, fn) {
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) fn(reqs[i % reqs.length]);
  return Number(process.hrtime.bigint() - t0) / 1e3 / n; // µs per call
}

export async function run({ matches = 100_000, create, log = console.log } = {}) {
  // Router from dist/api/router.js (or the KUBESIM_BENCH_DIST snapshot).
  const { Router, shapeOf } = await importDist('api/router.js');
  const router = await Router.create();
  const reqs = typicalRequests(1000);
  for (const [m, p, q] of reqs) if (!router.match(m, p, q)) throw new Error(`no route for ${m} ${p}`);

  // Internals (TypeScript-private, reachable at runtime): the openapi-backend instance and the shape memo.
  const api = router.api;
  const memo = router.memo;
  const routeOf = ([m, p]) => memo.get(`${m.toLowerCase()} ${shapeOf(router, p)}`);
  const withQuery = reqs.filter((r) => Object.keys(r[2]).length);
  const routed = withQuery.map((r) => {
    const route = routeOf(r);
    const params = router.match(...r).params;
    return { route, input: { path: params, query: r[2], header: {}, cookie: {} } };
  });
  const parsedReqs = reqs.map((r) => {
    const op = routeOf(r).op;
    const req = { method: r[0].toLowerCase(), path: r[1], query: r[2], headers: {} };
    return { op, req, parsed: api.router.parseRequest(req, op) };
  });

  // Warm-up, then measure.
  time(20_000, reqs, ([m, p, q]) => router.match(m, p, q));
  const full = time(matches, reqs, ([m, p, q]) => router.match(m, p, q));
  const shape = time(matches, reqs, routeOf);
  const validators = (x) => {
    for (const v of x.route.validators) v(x.input);
  };
  time(20_000, routed, validators);
  const validate = time(matches, routed, validators);
  // What the router no longer does per request: openapi-backend's parseRequest + validateRequest (which parses again).
  const both = (x) => api.validator.validateRequest(api.router.parseRequest(x.req, x.op), x.op);
  time(20_000, parsedReqs, both);
  const parse = time(matches, parsedReqs, both);
  // What the memo saves: openapi-backend's own matcher on a real path (not memoised).
  time(200, reqs, ([m, p]) => api.matchOperation({ method: m.toLowerCase(), path: p, headers: {} }));
  const unmemoised = time(Math.min(matches, 5_000), reqs, ([m, p]) => api.matchOperation({ method: m.toLowerCase(), path: p, headers: {} }));

  if (!create) {
    log('  (measuring a CREATE request for comparison: in-memory kubesim, c=1 and c=32, 1 round)');
    const out = await runCreate({ targets: ['memory'], concurrencies: [1, 32], counts: { 1: 3000, 32: 8000 }, rounds: 1, log: () => undefined });
    create = out.results;
  }
  const c1 = create.find((r) => r.target === 'memory' && r.concurrency === 1);
  const c32 = create.find((r) => r.target === 'memory' && r.concurrency === 32);
  const reqC1Us = c1 ? c1.p50Ms * 1000 : undefined;
  const reqC32Us = c32 ? 1e6 / c32.opsPerSec : undefined;
  const pct = (us, of) => (of ? `${((us / of) * 100).toFixed(1)}%` : '-');

  const rows = [
    ['Router.match() (what every request pays)', full.toFixed(2), pct(full, reqC1Us), pct(full, reqC32Us)],
    ['  shape + memo lookup', shape.toFixed(2), pct(shape, reqC1Us), pct(shape, reqC32Us)],
    ['  Ajv validators (the 5 of 8 URLs with declared query parameters)', validate.toFixed(2), pct(validate, reqC1Us), pct(validate, reqC32Us)],
    ['openapi-backend parseRequest + validateRequest (no longer per request)', parse.toFixed(2), pct(parse, reqC1Us), pct(parse, reqC32Us)],
    ['openapi-backend matchOperation, unmemoised', unmemoised.toFixed(1), pct(unmemoised, reqC1Us), pct(unmemoised, reqC32Us)],
  ];
  const tableText =
    `${fmt(matches)} matches over ${reqs.length} typical URLs (8 shapes); a CREATE request (kubesim in-memory): ` +
    `c=1 p50 ${reqC1Us?.toFixed(0)} µs, c=32 server time ${reqC32Us?.toFixed(0)} µs (1 / ${fmt(c32?.opsPerSec)} creates/s)\n` +
    table(['step', 'µs/match', '% of c=1 create p50', '% of c=32 create server time'], rows);
  return { full, shape, parse, validate, unmemoised, reqC1Us, reqC32Us, tableText };
}

async function main() {
  const a = parseArgs();
  console.log('Routing overhead (Router.match from dist/api/router.js)');
  const { tableText } = await run({ matches: a.matches ? Number(a.matches) : undefined });
  console.log(`\n${tableText}`);
}

if (isMain(import.meta.url)) await main();
