// Summarises a V8 .cpuprofile (from `node --cpu-prof`): top functions by self time, optionally only the samples
// inside measured-phase windows recorded by the benchmarks (--windows=FILE, one JSON line per run with startUs/endUs
// on process.hrtime's clock, which is the profile's clock), filtered by --match=key=value,... on those lines.
//
//   node bench/cpuprofile-top.mjs PROFILE.cpuprofile [--windows=FILE] [--match=bench=create,concurrency=32]
//        [--top=30] [--by=function|file|total]
// --by=function: self time per function; file: self time per script; total: inclusive time per function.
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from './common.mjs';

const args = parseArgs();
const file = process.argv.slice(2).find((a) => !a.startsWith('--'));
if (!file) {
  console.error('usage: node bench/cpuprofile-top.mjs PROFILE.cpuprofile [--windows=FILE] [--match=k=v,...] [--top=N] [--by=function|file]');
  process.exit(2);
}
const profile = JSON.parse(fs.readFileSync(file, 'utf8'));
const top = Number(args.top ?? 30);
const by = args.by ?? 'function';

let windows;
if (args.windows) {
  const want = args.match ? Object.fromEntries(String(args.match).split(',').map((kv) => kv.split('='))) : {};
  windows = fs
    .readFileSync(args.windows, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l))
    .filter((w) => Object.entries(want).every(([k, v]) => String(w[k]) === v));
  if (!windows.length) throw new Error('no window matches');
}

const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const self = new Map();
let t = profile.startTime;
let total = 0;
const inWindow = (ts) => !windows || windows.some((w) => ts >= w.startUs && ts <= w.endUs);
for (let i = 0; i < profile.samples.length; i++) {
  t += profile.timeDeltas[i];
  if (!inWindow(t)) continue;
  // Weight each sample by the time until the next one (the sampling interval, roughly).
  const dt = i + 1 < profile.timeDeltas.length ? profile.timeDeltas[i + 1] : 0;
  const n = nodes.get(profile.samples[i]);
  total += dt;
  if (by === 'total') {
    // Inclusive time: every distinct function on the sampled stack gets the sample once.
    const seen = new Set();
    for (let id = n.id; id !== undefined; id = parent.get(id)) {
      const k = keyOf(nodes.get(id).callFrame);
      if (!seen.has(k)) {
        seen.add(k);
        self.set(k, (self.get(k) ?? 0) + dt);
      }
    }
    continue;
  }
  const key = keyOf(n.callFrame);
  self.set(key, (self.get(key) ?? 0) + dt);
}

function keyOf(cf) {
  if (by === 'file') return cf.url ? shorten(cf.url) : cf.functionName || '(native)';
  const where = cf.url ? `${shorten(cf.url)}:${cf.lineNumber + 1}` : '';
  return `${cf.functionName || '(anonymous)'} ${where}`.trim();
}

function shorten(url) {
  const p = url.replace(/^file:\/\//, '');
  const nm = p.lastIndexOf('node_modules/');
  if (nm >= 0) return p.slice(nm + 'node_modules/'.length);
  const cwd = process.cwd() + path.sep;
  return p.startsWith(cwd) ? p.slice(cwd.length) : p;
}

let idle = 0;
{
  // Idle time is the (idle) node's self time, whatever the mode.
  let t2 = profile.startTime;
  for (let i = 0; i < profile.samples.length; i++) {
    t2 += profile.timeDeltas[i];
    if (!inWindow(t2)) continue;
    const dt = i + 1 < profile.timeDeltas.length ? profile.timeDeltas[i + 1] : 0;
    if (nodes.get(profile.samples[i]).callFrame.functionName === '(idle)') idle += dt;
  }
}
const busy = total - idle;
const rows = [...self.entries()].sort((a, b) => b[1] - a[1]).slice(0, top);
console.log(
  `${path.basename(file)}: ${(total / 1e3).toFixed(0)} ms sampled${windows ? ` in ${windows.length} window(s)` : ''}, ` +
    `${(idle / 1e3).toFixed(0)} ms idle, ${(busy / 1e3).toFixed(0)} ms busy`,
);
console.log(`| ${by === 'total' ? 'total (inclusive)' : 'self'} ms | % of busy | ${by === 'file' ? 'file' : 'function (file:line)'} |\n|---:|---:|:---|`);
for (const [k, v] of rows) {
  if (k === '(idle)' || k === '(root)') continue;
  console.log(`| ${(v / 1e3).toFixed(0)} | ${((v / busy) * 100).toFixed(1)}% | ${k.replaceAll('|', '\\|')} |`);
}
