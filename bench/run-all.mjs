// Runs every benchmark in sequence (one process; each benchmark starts and closes its own servers) and prints all
// tables at the end. Build first: npx tsc -p tsconfig.build.json
//
//   node bench/run-all.mjs [--rounds=3] [--wait-quiet=SECONDS] [--windows=FILE] [--json=FILE]
// --wait-quiet: before each run, wait up to SECONDS for other processes to leave the machine < 15% busy.
// KUBESIM_BENCH_DIST=DIR benchmarks the build in DIR instead of ../dist (see bench/snapshot.mjs).
import fs from 'node:fs';
import { DIST_URL, isMain, machine, parseArgs } from './common.mjs';
import { run as runCreate } from './create-throughput.mjs';
import { run as runList } from './list-latency.mjs';
import { LOAD_NOTE } from './load.mjs';
import { run as runRouting } from './routing-overhead.mjs';

export async function runAll({ rounds, windowsFile, log = console.log } = {}) {
  const m = machine();
  log(`kubesim benchmarks, ${new Date().toISOString()}`);
  log(`machine: ${m.cpus} CPUs (${m.cpuModel}), ${m.memGiB} GiB, node ${m.node}, ${m.platform}`);
  log(`kubesim build: ${DIST_URL}`);
  const snap = new URL('../SNAPSHOT.txt', DIST_URL);
  if (fs.existsSync(snap)) log(fs.readFileSync(snap, 'utf8').split('\n').slice(0, 2).join('\n'));
  if (process.env.KUBESIM_BENCH_WAIT_QUIET) log(`before each run: wait up to ${process.env.KUBESIM_BENCH_WAIT_QUIET} s for the machine to be < 15% busy`);
  log(`${LOAD_NOTE}\n`);
  const started = Date.now();
  log('== CREATE throughput');
  const create = await runCreate({ rounds, windowsFile, log });
  log('\n== LIST latency');
  const list = await runList({ windowsFile, log });
  log('\n== Routing overhead');
  const routing = await runRouting({ create: create.results, log });
  log(`\n\n#### CREATE throughput (367-byte ConfigMaps; median of ${create.results[0]?.rounds ?? '?'} rounds)\n${create.tableText}`);
  log(`\n#### LIST latency\n${list.tableText}`);
  log(`\n#### Routing overhead\n${routing.tableText}`);
  log(`\n(total ${((Date.now() - started) / 1000).toFixed(0)} s)`);
  return { machine: m, create, list, routing };
}

if (isMain(import.meta.url)) {
  const a = parseArgs();
  if (a['wait-quiet']) process.env.KUBESIM_BENCH_WAIT_QUIET = String(a['wait-quiet']);
  const out = await runAll({ rounds: a.rounds ? Number(a.rounds) : undefined, windowsFile: a.windows });
  if (a.json) fs.writeFileSync(a.json, JSON.stringify(out, null, 2));
}
