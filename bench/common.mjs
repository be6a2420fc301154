// Shared pieces of the benchmarks: the ConfigMap body, reference figures, kubesim startup, table printing.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const BENCH_DIR = path.dirname(fileURLToPath(import.meta.url));

/**
 * The compiled kubesim the benchmarks load: ../dist/ by default; KUBESIM_BENCH_DIST=DIR loads DIR instead (e.g. the
 * private snapshot bench/snapshot.mjs builds, so that other engineers rebuilding dist/ mid-run cannot mix builds).
 */
export const DIST_URL = process.env.KUBESIM_BENCH_DIST
  ? `${pathToFileURL(path.resolve(process.env.KUBESIM_BENCH_DIST)).href}/`
  : new URL('../dist/', import.meta.url).href;

export function importDist(rel) {
  return import(new URL(rel, DIST_URL).href);
}

/** The real kube-apiserver, measured on this kind of machine (2 vCPU) over HTTPS (kubesim and Express: plain HTTP). */
export const REAL_APISERVER = {
  create: { 1: 707, 8: 1751, 32: 2362 }, // creates/s
  createP99At32Ms: 38,
  listJsonMs: 130,
  listJsonBytes: 7.3e6,
  listTableMs: 150,
};

/** Product spec: >= 1.5x the real apiserver's creates/s at every concurrency, LIST of 10,000 in < 65 ms. */
export const TARGETS = {
  create: { 1: 1060, 8: 2627, 32: 3543 },
  listMs: 65,
};

export const TABLE_ACCEPT = 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json';

/** Placeholder the load generator replaces with a fixed-width unique id (8 characters: phase letter + 7 digits). */
export const ID = '{{id}}';

/**
 * A realistic ConfigMap create body of exactly 367 bytes (JSON, as kubectl/client-go send it), unique name per
 * request. The stored object grows by uid, creationTimestamp and resourceVersion (about +110 bytes).
 */
export function configMapTemplate(namespace = 'default') {
  const make = (pad) =>
    JSON.stringify({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: {
        name: `app-config-${ID}`,
        namespace,
        labels: { app: 'web-frontend', tier: 'frontend', 'app.kubernetes.io/managed-by': 'bench' },
      },
      data: {
        'LOG_LEVEL': 'info',
        'CACHE_TTL_SECONDS': '300',
        'FEATURE_FLAGS': 'search,checkout,recommendations',
        'app.properties': `server.port=8080\nserver.timeout=30s\nretry.max=5${pad}\n`,
      },
    });
  const idWidth = 8;
  const base = make('').length - ID.length + idWidth;
  if (base > 367) throw new Error(`ConfigMap template too large: ${base}`);
  const t = make('#'.repeat(367 - base));
  if (t.length - ID.length + idWidth !== 367) throw new Error('ConfigMap template size mismatch');
  return t;
}

/** Starts kubesim in this process. kind: 'level' (temp data dir, fsync per batch) | 'memory'. */
export async function startKubesim(kind) {
  const { createCluster } = await importDist('index.js');
  let dataDir;
  if (kind === 'level') {
    // Under bench/.data (gitignored): same ext4 disk as /tmp here; fsync is real (not tmpfs).
    fs.mkdirSync(path.join(BENCH_DIR, '.data'), { recursive: true });
    dataDir = fs.mkdtempSync(path.join(BENCH_DIR, '.data', 'level-'));
  }
  const cluster = await createCluster({ port: 0, host: '127.0.0.1', inMemory: kind === 'memory', dataDir });
  return {
    url: cluster.url,
    cluster,
    async close() {
      await cluster.close();
      if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export function fmt(n, digits = 0) {
  if (n === undefined || n === null || Number.isNaN(n)) return '-';
  return n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

export function ratio(a, b) {
  if (!a || !b) return '-';
  return `${(a / b).toFixed(2)}x`;
}

/** A Markdown table (also readable in a terminal). */
export function table(headers, rows) {
  const all = [headers, ...rows].map((r) => r.map((c) => String(c)));
  const widths = headers.map((_, i) => Math.max(...all.map((r) => r[i].length)));
  const line = (r) => `| ${r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(' | ')} |`;
  const sep = `|${widths.map((w, i) => (i === 0 ? `:${'-'.repeat(w + 1)}` : `${'-'.repeat(w + 1)}:`)).join('|')}|`;
  return [line(all[0]), sep, ...all.slice(1).map(line)].join('\n');
}

export function percentile(sorted, p) {
  if (!sorted.length) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i];
}

/** `--name=value` / `--flag` arguments. */
export function parseArgs(argv = process.argv.slice(2)) {
  const out = {};
  for (const a of argv) {
    const m = /^--([^=]+)(?:=(.*))?$/.exec(a);
    if (m) out[m[1]] = m[2] ?? true;
  }
  return out;
}

export function isMain(importMetaUrl) {
  return !!process.argv[1] && importMetaUrl === pathToFileURL(path.resolve(process.argv[1])).href;
}

export function machine() {
  return {
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model,
    memGiB: (os.totalmem() / 2 ** 30).toFixed(1),
    node: process.version,
    platform: `${os.type()} ${os.release()}`,
  };
}

/** Lets the event loop settle (and collects garbage when run with --expose-gc) between runs; with
 * KUBESIM_BENCH_WAIT_QUIET=SECONDS, also waits (at most that long) for the machine to be idle (see waitForQuiet). */
export async function settle(ms = 200) {
  globalThis.gc?.();
  await new Promise((r) => setTimeout(r, ms));
  const wait = Number(process.env.KUBESIM_BENCH_WAIT_QUIET ?? 0);
  if (wait > 0) await waitForQuiet(wait * 1000);
}

function cpuTimes() {
  const line = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  const idle = line[3] + (line[4] ?? 0); // idle + iowait
  return { idle, total: line.reduce((a, b) => a + b, 0) };
}

/** Fraction of all CPUs busy over `ms` (from /proc/stat; NaN where unavailable). */
export async function machineBusy(ms = 1000) {
  try {
    const a = cpuTimes();
    await new Promise((r) => setTimeout(r, ms));
    const b = cpuTimes();
    return 1 - (b.idle - a.idle) / Math.max(1, b.total - a.total);
  } catch {
    return NaN;
  }
}

/**
 * Waits until other processes leave the machine mostly idle (under 15% of all CPUs busy over a second; this process
 * is idle meanwhile), at most `maxMs`. Other engineers run test suites on these shared 2-core machines. Returns the
 * last busy fraction seen.
 */
export async function waitForQuiet(maxMs, threshold = 0.15) {
  const until = Date.now() + maxMs;
  let busy = await machineBusy();
  while (busy > threshold && Date.now() < until) {
    busy = await machineBusy();
  }
  lastBusy = busy;
  return busy;
}
let lastBusy = NaN;
/** The machine's busy fraction measured by the last waitForQuiet (NaN if none). */
export const lastMachineBusy = () => lastBusy;
