// Start-to-ready time and idle memory of the default cluster (control plane fixture, 2 workers, all default
// components), in memory and with LevelDB, against a bare Node HTTP server started the same way in the same run.
//
//   node bench/startup.mjs [--rounds=5] [--idle=3] [--wait-quiet=SECONDS] [--json=FILE]   (build first: npm run build)
//
// Each round spawns a fresh `node` process (cold start, like `npx kubesim start` or a test worker importing kubesim)
// and measures from spawn until the process reports ready, i.e. until createCluster() resolved (the server listens,
// the fixture is loaded, the components run) or, for the baseline, until listen() called back. Then the process
// idles for --idle seconds and reports its RSS, serves one HTTP request (timed: kubesim loads its router on the
// first one), idles again and reports its RSS once more. Separately, one process creates clusters one after another, which
// is what a test suite with a cluster per file or per test pays once modules are loaded, and times snapshot/reset.
// --wait-quiet: before each start, wait up to SECONDS for other processes to leave the machine < 15% busy.
// KUBESIM_BENCH_DIST=DIR benchmarks the build in DIR (see bench/snapshot.mjs).
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { BENCH_DIR, DIST_URL, fmt, importDist, isMain, lastMachineBusy, machine, parseArgs, percentile, table, waitForQuiet } from './common.mjs';

const SELF = fileURLToPath(import.meta.url);
const median = (xs) => percentile([...xs].sort((a, b) => a - b), 50);

/** Child side: start one thing, print `{"ready": ms}`, idle, print `{"rss": bytes}`; then one HTTP request (for
 * kubesim: `GET /api/v1/namespaces`, the first one loads the router), print `{"firstRequest": ms}`, idle again,
 * print `{"rss": bytes}`, exit. */
async function child(mode, idleS) {
  let close;
  let url;
  if (mode === 'bare') {
    const server = http.createServer((req, res) => res.end('ok'));
    await new Promise((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${server.address().port}`;
    close = () => new Promise((r) => server.close(r));
  } else {
    const { createCluster } = await importDist('index.js');
    let dataDir;
    if (mode === 'level') dataDir = fs.mkdtempSync(path.join(BENCH_DIR, '.data', 'startup-level-'));
    const cluster = await createCluster({ port: 0, store: mode === 'level' ? dataDir : 'memory' });
    url = cluster.url;
    close = async () => {
      await cluster.close();
      if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
    };
  }
  process.stdout.write(`${JSON.stringify({ ready: performance.now() })}\n`);
  await new Promise((r) => setTimeout(r, idleS * 1000));
  process.stdout.write(`${JSON.stringify({ rss: process.memoryUsage().rss, heapUsed: process.memoryUsage().heapUsed })}\n`);
  // node:http rather than fetch(): fetch loads undici on first use (~40 ms, ~18 MiB), which would be measured too.
  const t0 = performance.now();
  const status = await new Promise((resolve, reject) => {
    http.get(`${url}/api/v1/namespaces`, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode));
    }).on('error', reject);
  });
  process.stdout.write(`${JSON.stringify({ firstRequest: performance.now() - t0, status })}\n`);
  await new Promise((r) => setTimeout(r, idleS * 1000));
  process.stdout.write(`${JSON.stringify({ rss: process.memoryUsage().rss, heapUsed: process.memoryUsage().heapUsed })}\n`);
  await close();
}

/** Child side: many clusters in one process, one after the other; snapshot and reset of the default cluster. */
async function inProcess(count) {
  const t0 = performance.now();
  const { createCluster } = await importDist('index.js');
  const importMs = performance.now() - t0;
  const starts = [];
  let resetMs = [];
  let snapshotMs = [];
  let objects = 0;
  for (let i = 0; i < count; i++) {
    const s = performance.now();
    const cluster = await createCluster({ clock: 'virtual' });
    starts.push(performance.now() - s);
    if (i === count - 1) {
      await cluster.clock.advance('1m'); // pods running, heartbeats: a cluster with some history to reset
      for (let r = 0; r < 5; r++) {
        let t = performance.now();
        const snap = cluster.snapshot();
        snapshotMs.push(performance.now() - t);
        objects = Object.keys(snap.objects).length;
        await cluster.client.namespaces.create(undefined, { metadata: { name: `scratch-${r}` } });
        t = performance.now();
        await cluster.reset();
        resetMs.push(performance.now() - t);
      }
    }
    await cluster.close();
  }
  process.stdout.write(`${JSON.stringify({ importMs, starts, snapshotMs, resetMs, objects })}\n`);
}

function runChild(args) {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const p = spawn(process.execPath, [SELF, ...args], { stdio: ['ignore', 'pipe', 'inherit'], env: process.env });
    const out = { spawnToReady: undefined, lines: [] };
    let buf = '';
    p.stdout.on('data', (d) => {
      buf += d;
      let nl;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = JSON.parse(buf.slice(0, nl));
        buf = buf.slice(nl + 1);
        if ('ready' in line) out.spawnToReady = performance.now() - t0;
        out.lines.push(line);
      }
    });
    p.on('error', reject);
    p.on('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`child ${args.join(' ')} exited with ${code}`))));
  });
}

export async function run({ rounds = 5, idle = 3, waitQuiet = 0, log = console.log } = {}) {
  fs.mkdirSync(path.join(BENCH_DIR, '.data'), { recursive: true });
  const modes = [
    ['bare', 'bare Node HTTP server'],
    ['memory', 'kubesim, in memory'],
    ['level', 'kubesim, LevelDB'],
  ];
  const results = {};
  for (const [mode] of modes) results[mode] = { ready: [], inProcessReady: [], rss: [], heap: [], firstRequest: [], rssAfterRequest: [] };
  // Interleaved rounds, so that a burst of load from other processes hits every mode alike.
  for (let r = 0; r < rounds; r++) {
    for (const [mode] of modes) {
      if (waitQuiet > 0) await waitForQuiet(waitQuiet * 1000);
      const out = await runChild([`--child=${mode}`, `--idle=${idle}`]);
      const res = results[mode];
      res.ready.push(out.spawnToReady);
      res.inProcessReady.push(out.lines[0].ready);
      res.rss.push(out.lines[1].rss);
      res.heap.push(out.lines[1].heapUsed);
      res.firstRequest.push(out.lines[2].firstRequest);
      res.rssAfterRequest.push(out.lines[3].rss);
      const busy = waitQuiet > 0 ? `, machine ${fmt(lastMachineBusy() * 100)}% busy before` : '';
      log(`round ${r + 1} ${mode}: ready after ${fmt(out.spawnToReady)} ms, RSS ${fmt(out.lines[1].rss / 2 ** 20, 1)} MiB, first request ${fmt(out.lines[2].firstRequest, 1)} ms (HTTP ${out.lines[2].status}), then RSS ${fmt(out.lines[3].rss / 2 ** 20, 1)} MiB${busy}`);
    }
  }
  const rows = modes.map(([mode, label]) => {
    const res = results[mode];
    return [
      label,
      fmt(median(res.ready)),
      fmt(Math.min(...res.ready)),
      fmt(median(res.inProcessReady)),
      fmt(median(res.rss) / 2 ** 20, 1),
      fmt(median(res.heap) / 2 ** 20, 1),
      fmt(median(res.firstRequest), 1),
      fmt(median(res.rssAfterRequest) / 2 ** 20, 1),
    ];
  });
  const startupTable = table(
    ['', 'spawn → ready, ms (median)', 'best', 'process uptime at ready, ms', `RSS after ${idle} s idle, MiB`, 'JS heap used, MiB', 'first HTTP request, ms', `RSS ${idle} s after it, MiB`],
    rows,
  );

  if (waitQuiet > 0) await waitForQuiet(waitQuiet * 1000);
  const ip = (await runChild(['--in-process=10'])).lines[0];
  const inProcessTable = table(
    ['in one process (memory, virtual clock, default cluster)', 'ms'],
    [
      ['import kubesim (dist/index.js)', fmt(ip.importMs)],
      ['first createCluster()', fmt(ip.starts[0])],
      ['next createCluster() (median of 9)', fmt(median(ip.starts.slice(1)))],
      [`snapshot() of ${ip.objects} objects (median of 5)`, fmt(median(ip.snapshotMs), 1)],
      ['reset() after 1 min of cluster time (median of 5)', fmt(median(ip.resetMs), 1)],
    ],
  );
  log(`\n#### Start-to-ready and idle memory (median of ${rounds} cold starts)\n${startupTable}\n\n${inProcessTable}`);
  return { results, inProcess: ip, startupTable, inProcessTable };
}

if (isMain(import.meta.url)) {
  const a = parseArgs();
  if (a.child) await child(a.child, Number(a.idle ?? 3));
  else if (a['in-process']) await inProcess(Number(a['in-process']));
  else {
    const m = machine();
    console.log(`kubesim startup benchmark, ${new Date().toISOString()}`);
    console.log(`machine: ${m.cpus} CPUs (${m.cpuModel}), ${m.memGiB} GiB, node ${m.node}, ${m.platform}, load ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}`);
    console.log(`kubesim build: ${DIST_URL}`);
    const out = await run({ rounds: a.rounds ? Number(a.rounds) : undefined, idle: a.idle ? Number(a.idle) : undefined, waitQuiet: Number(a['wait-quiet'] ?? 0) });
    if (a.json) fs.writeFileSync(a.json, JSON.stringify(out, null, 2));
  }
}
