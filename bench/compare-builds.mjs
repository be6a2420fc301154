// Two builds of kubesim measured in alternating rounds on the same machine (e.g. before and after a change): each
// round runs the benchmark once per build, in a fresh process, A then B, so that the load other processes put on a
// shared machine hits both alike; the table gives each build's median over rounds and the ratio B/A.
//
//   node bench/compare-builds.mjs --a=DIST_A --b=DIST_B [--bench=create|list] [--rounds=3] [--json=FILE] -- [benchmark options]
// DIST_* are compiled kubesim trees (e.g. `npx tsc -p tsconfig.build.json --outDir DIR/dist` plus openapi/ and
// fixtures/ copied next to it, like bench/snapshot.mjs does). Benchmark options go to create-throughput.mjs or
// list-latency.mjs as they are (e.g. --targets=level,express --concurrency=1). Besides the A/B table it prints each
// build's own table (medians over the rounds, with the benchmark's baselines and targets); --json keeps every run.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { BENCH_DIR, fmt, isMain, parseArgs, table } from './common.mjs';
import { render as renderCreate, summarize } from './create-throughput.mjs';
import { render as renderList } from './list-latency.mjs';

const median = (xs) => {
  const s = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (!s.length) return NaN;
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

function runOnce(bench, dist, extra, jsonFile) {
  const script = path.join(BENCH_DIR, bench === 'list' ? 'list-latency.mjs' : 'create-throughput.mjs');
  const args = [script, ...(bench === 'list' ? [] : ['--rounds=1']), `--json=${jsonFile}`, ...extra];
  const r = spawnSync(process.execPath, args, { env: { ...process.env, KUBESIM_BENCH_DIST: dist }, stdio: ['ignore', 'inherit', 'inherit'] });
  if (r.status !== 0) throw new Error(`${bench} on ${dist} exited with ${r.status}`);
  return JSON.parse(fs.readFileSync(jsonFile, 'utf8'));
}

async function main() {
  const a = parseArgs(process.argv.slice(2, process.argv.includes('--') ? process.argv.indexOf('--') : undefined));
  const extra = process.argv.includes('--') ? process.argv.slice(process.argv.indexOf('--') + 1) : [];
  const bench = a.bench ?? 'create';
  const rounds = Number(a.rounds ?? 3);
  const builds = { A: path.resolve(a.a), B: path.resolve(a.b) };
  const tmp = fs.mkdtempSync(path.join(BENCH_DIR, '.data', 'compare-'));
  const rows = { A: [], B: [] };
  for (let round = 1; round <= rounds; round++) {
    for (const k of ['A', 'B']) {
      console.log(`-- round ${round}, build ${k}: ${builds[k]}`);
      const out = runOnce(bench, builds[k], extra, path.join(tmp, `${k}-${round}.json`));
      rows[k].push(...(bench === 'list' ? out.results : out.runs));
    }
  }
  fs.rmSync(tmp, { recursive: true, force: true });
  const keyOf = (r) => (bench === 'list' ? `${r.target}|${r.format}` : `${r.target}|${r.concurrency}`);
  const keys = [...new Set(rows.A.map(keyOf))];
  const pick = (k, key, f) => median(rows[k].filter((r) => keyOf(r) === key).map(f));
  const lines = keys.map((key) => {
    const [target, second] = key.split('|');
    if (bench === 'list') {
      const p50 = (r) => r.p50Ms;
      const p99 = (r) => r.p99Ms;
      const cpu = (r) => r.serverThreadCpuMs / r.requests;
      return [target, second, fmt(pick('A', key, p50), 1), fmt(pick('B', key, p50), 1), (pick('B', key, p50) / pick('A', key, p50)).toFixed(2), fmt(pick('A', key, p99), 1), fmt(pick('B', key, p99), 1), fmt(pick('A', key, cpu), 1), fmt(pick('B', key, cpu), 1), (pick('B', key, cpu) / pick('A', key, cpu)).toFixed(2)];
    }
    const ops = (r) => r.opsPerSec;
    const p50 = (r) => r.p50Ms;
    const cpu = (r) => (target === 'disk' ? NaN : r.serverCpuUsPerOp);
    return [target, second, fmt(pick('A', key, ops)), fmt(pick('B', key, ops)), (pick('B', key, ops) / pick('A', key, ops)).toFixed(2), pick('A', key, p50).toFixed(2), pick('B', key, p50).toFixed(2), fmt(pick('A', key, cpu)), fmt(pick('B', key, cpu)), (pick('B', key, cpu) / pick('A', key, cpu)).toFixed(2)];
  });
  const headers =
    bench === 'list'
      ? ['target', 'format', 'A p50 ms', 'B p50 ms', 'B/A', 'A p99 ms', 'B p99 ms', 'A CPU ms/list', 'B CPU ms/list', 'CPU B/A']
      : ['target', 'c', 'A creates/s', 'B creates/s', 'B/A', 'A p50 ms', 'B p50 ms', 'A CPU µs/create', 'B CPU µs/create', 'CPU B/A'];
  console.log(`\nA = ${builds.A}\nB = ${builds.B}\nmedians of ${rounds} alternating rounds\n${table(headers, lines)}`);
  for (const k of ['A', 'B']) console.log(`\nbuild ${k}, medians of ${rounds} rounds:\n${ownTable(bench, rows[k])}`);
  if (a.json) fs.writeFileSync(a.json, JSON.stringify({ builds, rounds, runs: rows }, null, 2));
}

/** A build's runs in the benchmark's own table (medians over the rounds). */
function ownTable(bench, runs) {
  if (bench === 'list') {
    const keys = [...new Set(runs.map((r) => `${r.target}|${r.format}`))];
    const results = keys.map((key) => {
      const rs = runs.filter((r) => `${r.target}|${r.format}` === key);
      const m = (f) => median(rs.map(f));
      return { ...rs[0], p50Ms: m((r) => r.p50Ms), p99Ms: m((r) => r.p99Ms), serverThreadCpuMs: m((r) => r.serverThreadCpuMs / r.requests), requests: 1, loadavg1: rs.flatMap((r) => r.loadavg1 ?? []) };
    });
    return renderList(results);
  }
  const targets = [...new Set(runs.map((r) => r.target))];
  const concurrencies = [...new Set(runs.map((r) => r.concurrency))];
  return renderCreate(summarize(runs, targets, concurrencies));
}

if (isMain(import.meta.url)) await main();
