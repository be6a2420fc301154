// A Deployment of 1,000 (and 10,000) replicas on the default cluster, from the create to every pod Running, with the
// simulated kubelets' start delays configured to zero: the whole control loop (deployment and replicaset controllers,
// scheduler, kubelets, endpoints, events, garbage collector's graph) at full speed. Prints one table row per run:
// replicas, worker nodes, nodes the pods landed on, seconds, pods/s, peak RSS.
//
//   node bench/deployment-scale.mjs [--replicas=1000,10000] [--rounds=3] [--pods-per-node=100] [--wait-quiet=SECONDS]
//        [--json=FILE] [--windows=FILE]                       (build first: npx tsc -p tsconfig.build.json)
//
// Each run is a fresh `node` child process (in-memory store, the default fixture with ceil(replicas / pods-per-node)
// workers; a node allows 110 pods), so peak RSS (getrusage maxrss) belongs to that run alone. The clock starts right
// before the Deployment is created through the in-process client and stops when a watch has seen every one of its
// pods Running.
// Baseline, measured in the same run: the same cluster (same nodes, same components idle), and the same number of pods
// written straight through the in-process client, bound and then marked Running: the store, watch and informer
// cost of the pods alone, with no controller, scheduler or kubelet work; the floor for the scenario.
// --windows=FILE appends the measured phase ({bench, mode, replicas, startUs, endUs}) for bench/cpuprofile-top.mjs.
// KUBESIM_BENCH_DIST=DIR benchmarks the build in DIR (see bench/snapshot.mjs).
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { fmt, importDist, isMain, lastMachineBusy, machine, parseArgs, percentile, table, waitForQuiet } from './common.mjs';

const SELF = fileURLToPath(import.meta.url);
const median = (xs) => percentile([...xs].sort((a, b) => a - b), 50);
const ZERO_DELAYS = { acceptMs: 0, startMs: 0, jitter: 0 };

/** Child side: one cluster, one measured run, one JSON line on stdout. */
async function child(mode, replicas, podsPerNode, windowsFile) {
  const { createCluster } = await importDist('index.js');
  const { DEFAULT_COMPONENTS } = await importDist('components.js');
  const { NodeManager } = await importDist('nodes/node-manager.js');
  // The default components, with the simulated kubelets' start delays at zero.
  const components = DEFAULT_COMPONENTS.map((make) => (make().name === 'node-manager' ? () => new NodeManager({ timings: ZERO_DELAYS }) : make));
  const workers = Math.ceil(replicas / podsPerNode);
  const startup = performance.now();
  const cluster = await createCluster({ port: 0, store: 'memory', fixture: 'default', nodes: workers, components });
  const { client } = cluster;
  // The fixture's own pods (kube-system, flannel) first, so the measured phase is only the Deployment.
  await until(() => client.pods.list().items.every((p) => p.status?.phase === 'Running'), 60_000);
  const startupS = (performance.now() - startup) / 1000;
  const labels = { app: 'scale' };

  // Counts this app's pods that are Running, from a watch (every transition, no polling of 10,000 objects).
  const running = new Set();
  const nodes = new Set();
  const list = client.pods.list('default');
  let done;
  const finished = new Promise((r) => (done = r));
  const watcher = client.pods.watch('default', Number(list.resourceVersion), (e) => {
    const p = e.object;
    if (p.metadata?.labels?.app !== 'scale') return;
    if (e.type !== 'DELETED' && p.status?.phase === 'Running') {
      running.add(p.metadata.name);
      nodes.add(p.spec.nodeName);
    } else running.delete(p.metadata.name);
    if (running.size === replicas) done();
  });

  globalThis.gc?.();
  const rev0 = cluster.storage.currentRevision();
  const cpu0 = process.cpuUsage();
  const startUs = Number(process.hrtime.bigint() / 1000n);
  const t0 = performance.now();
  if (mode === 'deployment') {
    await client.deployments.create('default', {
      metadata: { name: 'scale', labels },
      spec: {
        replicas,
        selector: { matchLabels: labels },
        template: { metadata: { labels }, spec: { containers: [{ name: 'web', image: 'nginx:1.27' }] } },
      },
    });
  } else {
    // Baseline: the pods' own writes, no control loop: create bound to a worker, then one status write to Running.
    const names = client.nodes.list().items.map((n) => n.metadata.name).filter((n) => n !== 'master');
    const batch = 256;
    for (let i = 0; i < replicas; i += batch) {
      await Promise.all(
        Array.from({ length: Math.min(batch, replicas - i) }, async (_, j) => {
          const name = `scale-${i + j}`;
          const pod = await client.pods.create('default', {
            metadata: { name, labels },
            spec: { nodeName: names[(i + j) % names.length], containers: [{ name: 'web', image: 'nginx:1.27' }] },
          });
          await client.pods.updateStatus({ ...pod, status: { phase: 'Running', podIP: '10.244.1.1', conditions: [{ type: 'Ready', status: 'True' }] } });
        }),
      );
    }
  }
  await finished;
  const seconds = (performance.now() - t0) / 1000;
  const endUs = Number(process.hrtime.bigint() / 1000n);
  const cpu = process.cpuUsage(cpu0);
  const writes = cluster.storage.currentRevision() - rev0;
  watcher.stop();
  if (windowsFile) fs.appendFileSync(windowsFile, `${JSON.stringify({ bench: 'deployment-scale', mode, replicas, startUs, endUs })}\n`);
  const out = {
    mode,
    replicas,
    workers,
    nodesUsed: nodes.size,
    seconds,
    podsPerSecond: replicas / seconds,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
    writes,
    startupS,
    peakRssMiB: process.resourceUsage().maxRSS / 1024,
    objects: cluster.storage.list('').items.length,
  };
  await cluster.close();
  process.stdout.write(`${JSON.stringify(out)}\n`);
}

async function until(cond, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}

function runChild(args) {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [...process.execArgv, SELF, '--child', ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    p.stdout.on('data', (d) => (out += d));
    p.on('exit', (code) => {
      const line = out.trim().split('\n').pop();
      if (code !== 0 || !line) return reject(new Error(`child exited ${code}: ${out}`));
      resolve(JSON.parse(line));
    });
  });
}

async function main() {
  const args = parseArgs();
  if (args.child) return child(args.mode, Number(args.replicas), Number(args['pods-per-node']), args.windows);
  const replicaCounts = String(args.replicas ?? '1000,10000').split(',').map(Number);
  const rounds = Number(args.rounds ?? 3);
  const podsPerNode = Number(args['pods-per-node'] ?? 100);
  const waitQuiet = Number(args['wait-quiet'] ?? 0);
  const results = [];
  for (const replicas of replicaCounts) {
    for (let r = 0; r < rounds; r++) {
      // Interleaved, so that machine load affects both alike.
      for (const mode of ['deployment', 'baseline']) {
        if (waitQuiet > 0) await waitForQuiet(waitQuiet * 1000);
        const res = await runChild([`--mode=${mode}`, `--replicas=${replicas}`, `--pods-per-node=${podsPerNode}`, ...(args.windows ? [`--windows=${args.windows}`] : [])]);
        res.busyBefore = lastMachineBusy();
        res.round = r;
        results.push(res);
        console.error(`${mode} ${replicas}: ${res.seconds.toFixed(2)} s, ${fmt(res.podsPerSecond)} pods/s, ${res.nodesUsed} nodes, peak RSS ${fmt(res.peakRssMiB)} MiB`);
      }
    }
  }
  const rows = [];
  for (const replicas of replicaCounts) {
    for (const mode of ['deployment', 'baseline']) {
      const rs = results.filter((x) => x.replicas === replicas && x.mode === mode);
      const secs = rs.map((x) => x.seconds);
      const med = median(secs);
      const label = mode === 'deployment' ? 'Deployment → all pods Running' : 'baseline: direct pod writes';
      rows.push([
        label,
        fmt(replicas),
        fmt(rs[0].workers),
        fmt(median(rs.map((x) => x.nodesUsed))),
        fmt(med, 2),
        `${fmt(Math.min(...secs), 2)}-${fmt(Math.max(...secs), 2)}`,
        fmt(replicas / med),
        fmt(median(rs.map((x) => x.cpuSeconds)), 2),
        fmt(median(rs.map((x) => x.peakRssMiB))),
      ]);
    }
  }
  const m = machine();
  console.log(`\n${m.cpus} x ${m.cpuModel}, ${m.memGiB} GiB, Node ${m.node}, ${m.platform}; median of ${rounds} rounds\n`);
  console.log(table(['run', 'replicas', 'workers', 'nodes used', 'seconds', 'range', 'pods/s', 'CPU s', 'peak RSS MiB'], rows));
  if (args.json) fs.writeFileSync(args.json, JSON.stringify({ machine: m, results }, null, 2));
}

if (isMain(import.meta.url)) await main();
