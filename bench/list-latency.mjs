// LIST latency: 10,000 ConfigMaps (367-byte create bodies) in one namespace, then sequential GET lists (c=1, full
// body read) as JSON and as Table (kubectl's Accept header), against the raw Express 5 GET of a precomputed body of
// the same size (the exact JSON / Table bytes kubesim answered, sent from a Buffer).
//
//   node bench/list-latency.mjs [--targets=memory,level] [--objects=10000] [--runs=30] [--warmup=5] [--windows=FILE] [--json=FILE]
import fs from 'node:fs';
import { startBaseline } from './baseline.mjs';
import { configMapTemplate, fmt, isMain, lastMachineBusy, parseArgs, ratio, REAL_APISERVER, settle, startKubesim, table, TABLE_ACCEPT, TARGETS } from './common.mjs';
import { LOAD_NOTE, runLoad } from './load.mjs';

const PATH = '/api/v1/namespaces/default/configmaps';
const LABEL = { level: 'kubesim LevelDB', memory: 'kubesim in-memory' };
const FORMATS = { json: { accept: 'application/json' }, table: { accept: TABLE_ACCEPT } };

async function measure(url, accept, runs, warmup, timeLimitMs) {
  return runLoad({ url, method: 'GET', path: PATH, headers: { Accept: accept }, count: runs, warmup, concurrency: 1, timeLimitMs, expectStatus: 200, keepLastBody: true });
}

export async function run({ targets = ['memory', 'level'], objects = 10_000, runs = 30, warmup = 5, timeLimitMs = 120_000, windowsFile, log = console.log } = {}) {
  const results = [];
  const bodies = {};
  for (const kind of targets) {
    const k = await startKubesim(kind);
    try {
      const fillStart = process.hrtime.bigint();
      const fill = await runLoad({ url: k.url, method: 'POST', path: PATH, body: configMapTemplate(), count: objects, concurrency: 32, timeLimitMs: 300_000, expectStatus: 201 });
      const stored = k.cluster.storage.count('/registry/core/configmaps/default/app-config-');
      const total = k.cluster.storage.count('/registry/core/configmaps/default/');
      if (total !== stored) log(`  note: the namespace also holds ${total - stored} ConfigMap(s) not created by the benchmark (controllers, e.g. kube-root-ca.crt); they are listed too`);
      log(`  ${LABEL[kind]}: filled ${stored} ConfigMaps in ${(Number(process.hrtime.bigint() - fillStart) / 1e9).toFixed(1)} s (${fmt(fill.opsPerSec)} creates/s at c=32, ${fill.errors} errors)`);
      if (stored !== objects) throw new Error(`expected ${objects} ConfigMaps, found ${stored}`);
      await settle(500);
      for (const [format, { accept }] of Object.entries(FORMATS)) {
        const r = await measure(k.url, accept, runs, warmup, timeLimitMs);
        const parsed = JSON.parse(r.lastBody);
        const n = format === 'table' ? parsed.rows?.length : parsed.items?.length;
        if (n !== total) throw new Error(`${format} list returned ${n} items, expected ${total}`);
        bodies[format] ??= r.lastBody;
        results.push({ target: kind, label: LABEL[kind], format, ...r, lastBody: undefined });
        log(
          `  ${LABEL[kind].padEnd(18)} ${format.padEnd(5)} p50 ${r.p50Ms.toFixed(1)} ms  p99 ${r.p99Ms.toFixed(1)} ms  ${(r.responseBytes / 1e6).toFixed(2)} MB` +
            `  server thread ${(r.serverThreadCpuMs / r.requests).toFixed(1)} ms CPU/list, load avg ${r.loadavg1?.map((l) => l.toFixed(1)).join('->')}, machine busy before ${(lastMachineBusy() * 100).toFixed(0)}%  (${r.requests} runs)`,
        );
        if (windowsFile) fs.appendFileSync(windowsFile, `${JSON.stringify({ bench: 'list', target: kind, format, startUs: r.startUs, endUs: r.endUs })}\n`);
      }
    } finally {
      await k.close();
    }
  }
  // The baseline: the same bytes from a precomputed Buffer.
  const b = await startBaseline();
  try {
    for (const format of Object.keys(FORMATS)) {
      if (!bodies[format]) continue;
      b.setListBody(bodies[format]);
      await settle();
      const r = await measure(b.url, 'application/json', runs, warmup, timeLimitMs);
      if (r.responseBytes !== Buffer.byteLength(bodies[format])) throw new Error('baseline body size mismatch');
      results.push({ target: 'express', label: `Express 5, ${format}-size body`, format, ...r, lastBody: undefined });
      log(
        `  ${`Express 5 (${format} size)`.padEnd(18)} p50 ${r.p50Ms.toFixed(1)} ms  p99 ${r.p99Ms.toFixed(1)} ms  ${(r.responseBytes / 1e6).toFixed(2)} MB` +
          `  server thread ${(r.serverThreadCpuMs / r.requests).toFixed(1)} ms CPU/list, load avg ${r.loadavg1?.map((l) => l.toFixed(1)).join('->')}, machine busy before ${(lastMachineBusy() * 100).toFixed(0)}%`,
      );
    }
  } finally {
    await b.close();
  }
  return { results, tableText: render(results, objects) };
}

export function render(results, objects = 10_000) {
  const express = (format) => results.find((r) => r.target === 'express' && r.format === format);
  const rows = results.map((r) => {
    const real = r.format === 'table' ? REAL_APISERVER.listTableMs : REAL_APISERVER.listJsonMs;
    const isKubesim = r.target !== 'express';
    return [
      r.label,
      r.format === 'table' ? 'Table' : 'JSON',
      r.p50Ms.toFixed(1),
      r.p99Ms.toFixed(1),
      (r.responseBytes / 1e6).toFixed(2),
      (r.serverThreadCpuMs / r.requests).toFixed(1),
      isKubesim ? ratio(r.p50Ms, express(r.format)?.p50Ms) : '1.00x',
      `${real} ms / p50 = ${ratio(real, r.p50Ms)}`,
      isKubesim ? `p50 ${r.p50Ms < TARGETS.listMs ? 'yes' : 'NO'}, p99 ${r.p99Ms < TARGETS.listMs ? 'yes' : 'NO'}` : '-',
      Math.max(...(r.loadavg1 ?? [NaN])).toFixed(1),
    ];
  });
  return (
    `${fmt(objects)} ConfigMaps, one namespace, GET list at c=1, full body read\n` +
    table(['target', 'format', 'p50 ms', 'p99 ms', 'size MB', 'server CPU ms/list', 'p50 / Express p50 (same bytes)', 'real apiserver / p50', `< ${TARGETS.listMs} ms?`, 'max load avg'], rows)
  );
}

async function main() {
  const a = parseArgs();
  console.log(`LIST latency (${LOAD_NOTE})`);
  const { tableText, results } = await run({
    targets: a.targets ? String(a.targets).split(',') : undefined,
    objects: a.objects ? Number(a.objects) : undefined,
    runs: a.runs ? Number(a.runs) : undefined,
    warmup: a.warmup !== undefined ? Number(a.warmup) : undefined,
    windowsFile: a.windows,
  });
  if (a.json) fs.writeFileSync(a.json, JSON.stringify({ results }, null, 2));
  console.log(`\n${tableText}`);
  console.log(
    `\nreal kube-apiserver: ${REAL_APISERVER.listJsonMs} ms JSON (${(REAL_APISERVER.listJsonBytes / 1e6).toFixed(1)} MB: its objects carry managedFields), ` +
      `${REAL_APISERVER.listTableMs} ms Table, over HTTPS.`,
  );
}

if (isMain(import.meta.url)) await main();
