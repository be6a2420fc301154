// CREATE throughput: 367-byte ConfigMaps with unique names, at concurrency 1, 8 and 32, against
//   level   kubesim over LevelDB in a fresh temp data dir (every batch fsynced before the replies: durable)
//   memory  kubesim --in-memory
//   express the raw Express 5 endpoint (parse JSON, echo it with 201)
//   disk    no server: classic-level sync puts of a stored-object-sized value (bench/disk.mjs), the floor of a
//           durable write on this disk; "vs raw disk" compares the LevelDB target with it
// Each run gets a fresh server (fresh data dir), a warm-up (default 1,000 creates), then a fixed count of creates (bounded by time too).
// Runs are ordered by concurrency so each baseline is measured right next to the kubesim runs it is compared with.
//
//   node bench/create-throughput.mjs [--targets=level,memory,express] [--concurrency=1,8,32] [--count=N]
//        [--warmup=N] [--rounds=N] [--time-limit=SECONDS] [--windows=FILE] [--json=FILE]
// Every (target, concurrency) is run `rounds` times (default 3, rounds interleaved); the table shows the median of
// each figure and the creates/s range, because these shared 2-core machines are noisy. "server CPU µs/create" is
// the CPU time of the server's thread (from /proc) per create over the measured phase: unlike creates/s it hardly
// depends on other processes competing for the cores (the load average column shows how busy the machine was).
// --windows appends one JSON line per run with the measured phase's time window (process.hrtime, µs), which
// bench/cpuprofile-top.mjs uses to keep only those samples of a `node --cpu-prof` profile.
import fs from 'node:fs';
import { startBaseline } from './baseline.mjs';
import { configMapTemplate, fmt, isMain, lastMachineBusy, parseArgs, ratio, REAL_APISERVER, settle, startKubesim, table, TARGETS } from './common.mjs';
import { runDisk } from './disk.mjs';
import { LOAD_NOTE, runLoad } from './load.mjs';

export const DEFAULT_COUNTS = { 1: 3000, 8: 8000, 32: 8000 };
const LABEL = { level: 'kubesim LevelDB (fsync)', memory: 'kubesim in-memory', express: 'Express 5 echo', disk: 'raw classic-level sync put' };
const PATH = '/api/v1/namespaces/default/configmaps';

async function startTarget(kind) {
  if (kind === 'express') return startBaseline();
  return startKubesim(kind);
}

export async function run({
  targets = ['level', 'memory', 'express', 'disk'],
  concurrencies = [1, 8, 32],
  counts = DEFAULT_COUNTS,
  warmup = 1000,
  rounds = 3,
  timeLimitMs = 60_000,
  windowsFile,
  log = console.log,
} = {}) {
  const body = configMapTemplate();
  const runs = [];
  for (let round = 1; round <= rounds; round++) {
    for (const c of concurrencies) {
      for (const kind of targets) {
        if (kind === 'disk') {
          await settle();
          const count = typeof counts === 'number' ? counts : counts[c] ?? 8000;
          const r = await runDisk({ count, concurrency: c, warmup });
          log(`  round ${round}  ${LABEL[kind].padEnd(24)} c=${String(c).padEnd(2)} ${fmt(r.opsPerSec).padStart(6)} writes/s   p50 ${r.p50Ms.toFixed(2)} ms  p99 ${r.p99Ms.toFixed(2)} ms  (${r.requests} writes)`);
          runs.push({ round, target: kind, label: LABEL[kind], concurrency: c, ...r, serverCpuUsPerOp: (r.serverThreadCpuMs * 1000) / r.requests });
          continue;
        }
        const target = await startTarget(kind);
        try {
          await settle();
          const count = typeof counts === 'number' ? counts : counts[c] ?? 8000;
          const r = await runLoad({ url: target.url, method: 'POST', path: PATH, body, count, concurrency: c, warmup, timeLimitMs, expectStatus: 201 });
          if (target.cluster) {
            // Sanity: every create (warm-up included) is in the store. (Only ours: controllers may add e.g.
            // kube-root-ca.crt to the namespace.)
            const stored = target.cluster.storage.count('/registry/core/configmaps/default/app-config-');
            if (stored !== r.requests - r.errors + warmup) log(`  WARNING: ${stored} ConfigMaps stored, expected ${r.requests - r.errors + warmup}`);
          }
          const cpuUs = (r.serverThreadCpuMs * 1000) / r.requests;
          log(
            `  round ${round}  ${LABEL[kind].padEnd(24)} c=${String(c).padEnd(2)} ${fmt(r.opsPerSec).padStart(6)} creates/s  p50 ${r.p50Ms.toFixed(2)} ms  p99 ${r.p99Ms.toFixed(2)} ms` +
              `  server thread ${cpuUs.toFixed(0)} µs CPU/create, ELU ${r.serverElu?.toFixed(2)}, load avg ${r.loadavg1?.map((l) => l.toFixed(1)).join('->')}, machine busy before ${(lastMachineBusy() * 100).toFixed(0)}%` +
              `  (${r.requests} creates, ${r.errors} errors${r.timedOut ? ', TIME LIMIT HIT' : ''})${r.firstError ? `  first error: ${r.firstError}` : ''}`,
          );
          runs.push({ round, target: kind, label: LABEL[kind], concurrency: c, ...r, serverCpuUsPerOp: cpuUs, lastBody: undefined });
          if (windowsFile) {
            fs.appendFileSync(windowsFile, `${JSON.stringify({ bench: 'create', round, target: kind, concurrency: c, startUs: r.startUs, endUs: r.endUs })}\n`);
          }
        } finally {
          await target.close();
        }
      }
    }
  }
  const results = summarize(runs, targets, concurrencies);
  return { runs, results, tableText: render(results) };
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/** Per (target, concurrency): the median over rounds of each figure, and the ops/s range. */
export function summarize(runs, targets, concurrencies) {
  const out = [];
  for (const c of concurrencies) {
    for (const kind of targets) {
      const rs = runs.filter((r) => r.target === kind && r.concurrency === c);
      if (!rs.length) continue;
      const ops = rs.map((r) => r.opsPerSec);
      out.push({
        target: kind,
        label: LABEL[kind],
        concurrency: c,
        rounds: rs.length,
        requests: rs.reduce((n, r) => n + r.requests, 0),
        opsPerSec: median(ops),
        opsMin: Math.min(...ops),
        opsMax: Math.max(...ops),
        p50Ms: median(rs.map((r) => r.p50Ms)),
        p99Ms: median(rs.map((r) => r.p99Ms)),
        cpuUs: median(rs.map((r) => r.serverCpuUsPerOp)),
        loadMax: Math.max(...rs.flatMap((r) => r.loadavg1 ?? [NaN])),
        errors: rs.reduce((n, r) => n + r.errors, 0),
      });
    }
  }
  return out;
}

export function render(results) {
  const express = (c) => results.find((r) => r.target === 'express' && r.concurrency === c);
  const disk = (c) => results.find((r) => r.target === 'disk' && r.concurrency === c);
  const rows = results.map((r) => {
    const real = REAL_APISERVER.create[r.concurrency];
    const goal = TARGETS.create[r.concurrency];
    const isKubesim = r.target === 'level' || r.target === 'memory';
    const isServer = r.target !== 'disk';
    return [
      r.label,
      r.concurrency,
      fmt(r.opsPerSec),
      r.rounds > 1 ? `${fmt(r.opsMin)}-${fmt(r.opsMax)}` : '-',
      r.p50Ms.toFixed(2),
      r.p99Ms.toFixed(2),
      !isServer ? '-' : r.target === 'express' ? '1.00x' : ratio(r.opsPerSec, express(r.concurrency)?.opsPerSec),
      isServer ? r.cpuUs.toFixed(0) : '-',
      !isServer ? '-' : r.target === 'express' ? '1.00x' : ratio(r.cpuUs, express(r.concurrency)?.cpuUs),
      r.target === 'level' ? ratio(r.opsPerSec, disk(r.concurrency)?.opsPerSec) : r.target === 'disk' ? '1.00x' : '-',
      real && isServer ? ratio(r.opsPerSec, real) : '-',
      isKubesim && goal ? `${r.opsPerSec >= goal ? 'yes' : 'NO'} (${fmt(goal)})` : '-',
      r.errors,
      Number.isFinite(r.loadMax) ? r.loadMax.toFixed(1) : '-',
    ];
  });
  return table(
    ['target', 'c', 'creates/s', 'range (rounds)', 'p50 ms', 'p99 ms', 'vs Express', 'server CPU µs/create', 'CPU vs Express', 'vs raw disk', 'vs real apiserver', '>= 1.5x real?', 'errors', 'max load avg'],
    rows,
  );
}

async function main() {
  const a = parseArgs();
  const concurrencies = a.concurrency ? String(a.concurrency).split(',').map(Number) : undefined;
  const counts = a.count ? Number(a.count) : undefined;
  console.log(`CREATE throughput: 367-byte ConfigMaps, plain HTTP on 127.0.0.1 (${LOAD_NOTE})`);
  const { tableText, runs, results } = await run({
    targets: a.targets ? String(a.targets).split(',') : undefined,
    concurrencies,
    counts,
    warmup: a.warmup !== undefined ? Number(a.warmup) : undefined,
    rounds: a.rounds !== undefined ? Number(a.rounds) : undefined,
    timeLimitMs: a['time-limit'] ? Number(a['time-limit']) * 1000 : undefined,
    windowsFile: a.windows,
  });
  if (a.json) fs.writeFileSync(a.json, JSON.stringify({ runs, results }, null, 2));
  console.log(`\nmedian of rounds:\n${tableText}`);
  console.log(
    `\nreal kube-apiserver (HTTPS): ${REAL_APISERVER.create[1]} / ${REAL_APISERVER.create[8]} / ${REAL_APISERVER.create[32]} creates/s at c=1/8/32, ` +
      `p99 ${REAL_APISERVER.createP99At32Ms} ms at c=32; kubesim and Express here are plain HTTP.`,
  );
}

if (isMain(import.meta.url)) await main();
