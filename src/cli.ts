// The command line: a thin layer over createCluster(). Flags mirror KUBESIM_* environment variables (src/config.ts).
import { Command, InvalidArgumentError } from 'commander';
import { CliError, clock as clockCommand, reset as resetCommand, snapshotRestore, snapshotSave, type RemoteFlags } from './cli-remote.js';
import { kubeconfigCommand, removeServerInfo, writeServerInfo, type KubeconfigFlags } from './cli-kubeconfig.js';
import { parseDuration } from './clock.js';
import { checkAdvertiseUrl, clockName, DEFAULTS, readEnv, type EnvConfig } from './config.js';
import { StorageOpenError } from './storage/interface.js';

function portArg(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError('must be a port number (0-65535)');
  return n;
}

function nodesArg(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 250) throw new InvalidArgumentError('must be a number of nodes (0-250)');
  return n;
}

function clockArg(v: string): 'virtual' | 'real' {
  try {
    return clockName(v)!;
  } catch {
    throw new InvalidArgumentError('must be virtual or real');
  }
}

function seedArg(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('must be a non-negative integer');
  return n;
}

function urlArg(v: string): string {
  try {
    return checkAdvertiseUrl(v);
  } catch (err) {
    throw new InvalidArgumentError((err as Error).message);
  }
}

function durationArg(v: string): string {
  try {
    if (parseDuration(/^\d+(\.\d+)?$/.test(v) ? `${v}s` : v) < 0) throw new Error();
  } catch {
    throw new InvalidArgumentError('must be a duration like 10s, 1m or 0');
  }
  return v;
}

const collect = (v: string, all: string[] = []) => [...all, v];

/** Runs a remote command: its result on stdout, a failure as one line on stderr with exit code 1. */
async function runRemote(fn: () => Promise<string>): Promise<void> {
  try {
    process.stdout.write(`${await fn()}\n`);
  } catch (err) {
    if (!(err instanceof CliError)) throw err;
    process.stderr.write(`kubesim: ${err.message}\n`);
    process.exitCode = 1;
  }
}

/** One clear line for the errors a user can fix; no stack trace. */
function describeStartError(err: unknown, port: number, host: string): string {
  if (err instanceof StorageOpenError) return err.message;
  const e = err as NodeJS.ErrnoException;
  if (e?.code === 'EADDRINUSE') return `port ${port} on ${host} is already in use (choose another with --port, or --port 0 for any free port)`;
  if (e?.code === 'EACCES' && e.syscall === 'listen') return `not allowed to listen on ${host}:${port}`;
  if (e?.code === 'EADDRNOTAVAIL') return `cannot bind to ${host}: address not available on this machine`;
  if (e?.code === 'EACCES' || e?.code === 'EROFS' || e?.code === 'ENOTDIR') return `cannot write ${e.path ?? 'file'}: ${e.code}`;
  return e?.message ?? String(err);
}

/** The flags of `kubesim start`: the same settings as the KUBESIM_* variables (src/config.ts). */
type StartFlags = Omit<EnvConfig, 'historyLimit'>;

async function start(flags: StartFlags): Promise<void> {
  // Loaded here, not at the top: the remote commands (snapshot, clock, reset) start in a tenth of the time without it.
  const { createCluster } = await import('./cluster.js');
  const env = readEnv();
  const explicitPort = flags.port ?? env.port;
  const host = flags.host ?? env.host ?? DEFAULTS.host;
  const inMemory = flags.inMemory ?? env.inMemory ?? false;
  const dataDir = flags.dataDir ?? env.dataDir ?? DEFAULTS.dataDir;
  const kubeconfigPath = flags.kubeconfig ?? env.kubeconfig ?? DEFAULTS.kubeconfig;
  const enableFaults = flags.enableFaults ?? env.enableFaults ?? false;
  const faultSeed = flags.faultSeed ?? env.faultSeed;
  const record = flags.recordRequests ?? env.recordRequests ?? false;
  const fixtures = flags.fixtures ?? env.fixtures;
  const fixtureSet = flags.fixtureSet ?? env.fixtureSet;
  let advertiseUrl = flags.advertiseUrl ?? env.advertiseUrl;
  try {
    if (advertiseUrl !== undefined) advertiseUrl = checkAdvertiseUrl(advertiseUrl);
  } catch (err) {
    process.stderr.write(`kubesim: KUBESIM_ADVERTISE_URL: ${(err as Error).message}\n`);
    process.exit(1);
  }
  // Without an explicit port, take 6443 or the next free one (up to 6452), like a second `npm start` would want.
  const candidates = explicitPort !== undefined ? [explicitPort] : Array.from({ length: DEFAULTS.portSearch }, (_, i) => DEFAULTS.port + i);
  let cluster;
  for (let i = 0; i < candidates.length; i++) {
    try {
      cluster = await createCluster({
        port: candidates[i],
        host,
        inMemory,
        dataDir,
        kubeconfigPath,
        kubernetesVersion: flags.kubernetesVersion ?? env.kubernetesVersion,
        historyLimit: env.historyLimit,
        nodes: flags.nodes ?? env.nodes,
        clock: flags.clock ?? env.clock,
        fixture: fixtureSet,
        fixtures,
        faults: enableFaults ? { seed: faultSeed } : false,
        recordRequests: record === false ? false : { file: typeof record === 'string' ? record : undefined },
        advertiseUrl,
        advertiseHost: flags.advertiseAddress ?? env.advertiseAddress,
        kubeconfigMerge: flags.kubeconfigMerge ?? env.kubeconfigMerge ?? false,
        logInterval: flags.logInterval ?? env.logInterval,
        log: (line) => process.stderr.write(`${line}\n`),
      });
      break;
    } catch (err) {
      const inUse = (err as NodeJS.ErrnoException)?.code === 'EADDRINUSE';
      if (inUse && i + 1 < candidates.length) continue;
      process.stderr.write(`kubesim: ${describeStartError(err, candidates[i], host)}\n`);
      process.exit(1);
    }
  }
  if (!cluster) return;
  const c = cluster;
  process.stdout.write(`kubesim API server listening at ${c.url}\n`);
  process.stdout.write(`kubeconfig written to ${c.kubeconfigPath}\n`);
  process.stdout.write(`storage: ${inMemory ? 'in memory (nothing is kept after exit)' : `LevelDB in ${dataDir}`}\n`);
  const wildcard = host === '0.0.0.0' || host === '::';
  if (!inMemory) writeServerInfo(dataDir, { url: c.url, localUrl: `http://${wildcard ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host}:${c.port}` });
  if (host !== '127.0.0.1' || advertiseUrl) process.stdout.write(`bound to ${host}:${c.port}\n`);
  if (c.mergedKubeconfig) process.stdout.write(`context ${c.mergedKubeconfig.context} added to ${c.mergedKubeconfig.file} and made current (removed again at stop)\n`);
  if (enableFaults) process.stdout.write(`fault injection: enabled (/kubesim/v1/faults)\n`);
  if (record !== false) process.stdout.write(`recording requests: /kubesim/v1/requests${typeof record === 'string' ? ` and ${record}` : ''}\n`);
  if ((flags.clock ?? env.clock) === 'virtual') process.stdout.write(`clock: virtual, stopped at ${new Date(c.clock.now()).toISOString()} (move it with: kubesim clock advance 5m)\n`);
  process.stdout.write(`\n  export KUBECONFIG=${c.kubeconfigPath}\n  kubectl get namespaces\n\n`);
  process.stdout.write(`kubesim is ready\n`);
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(`kubesim: ${signal} received, stopping\n`);
    c.close().then(
      () => {
        if (!inMemory) removeServerInfo(dataDir);
        process.exit(0);
      },
      (err) => {
        process.stderr.write(`kubesim: error while stopping: ${(err as Error).message}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

export async function main(argv: string[]): Promise<void> {
  const program = new Command();
  program.name('kubesim').description('A Kubernetes cluster in one Node.js process');
  program
    .command('start')
    .description('run the API server until SIGTERM/SIGINT')
    .option('--port <port>', `port to listen on; 0 picks a free one (default ${DEFAULTS.port}, or the next free one)`, portArg)
    .option('--host <host>', `interface to bind (default ${DEFAULTS.host})`)
    .option('--data-dir <dir>', `LevelDB data directory (default ./${DEFAULTS.dataDir})`)
    .option('--in-memory', 'keep all state in memory (nothing survives a restart)')
    .option('--kubeconfig <file>', `where to write the kubeconfig once ready (default ./${DEFAULTS.kubeconfig})`)
    .option('--kubernetes-version <v>', `version reported at /version (default ${DEFAULTS.kubernetesVersion})`)
    .option('--nodes <n>', `worker nodes of the fixture set (node01..nodeNN), set up at first start (default: as in the set, 2 for default)`, nodesArg)
    .option('--clock <clock>', 'real, or virtual: time stands still until advanced (kubesim clock advance 5m)', clockArg)
    .option('--fixture-set <name>', 'the cluster loaded into a fresh store: default, empty, large, or a directory (default: default)')
    .option('--fixtures <path>', 'also load this YAML/JSON file or directory at start (repeatable)', collect)
    .option('--enable-faults', 'serve the fault injection endpoint /kubesim/v1/faults')
    .option('--fault-seed <n>', 'seed for the probabilities of fault rules (reproducible runs)', seedArg)
    .option('--record-requests [file]', 'record every API request (GET /kubesim/v1/requests), and append them to FILE as JSON lines')
    .option('--advertise-url <url>', 'server URL written into the kubeconfig, e.g. the published port of a container', urlArg)
    .option('--advertise-address <host>', 'address written into the kubeconfig and the kubernetes Endpoints (default: the bound host)')
    .option('--kubeconfig-merge', 'add a kubesim context to $KUBECONFIG or ~/.kube/config and make it current; removed at stop')
    .option('--log-interval <duration>', 'period of the simulated containers\' periodic log line, e.g. 30s; 0 turns it off (default 10s)', durationArg)
    .action((flags: StartFlags) => start(flags));
  // Commands against a running kubesim (src/cli-remote.ts).
  const remote = (cmd: Command) =>
    cmd
      .option('--server <url>', 'the kubesim API server URL (default: from the kubeconfig)')
      .option('--kubeconfig <file>', `kubeconfig naming the server (default: $KUBESIM_KUBECONFIG, $KUBECONFIG, ./${DEFAULTS.kubeconfig})`);
  const snapshot = program.command('snapshot').description('save or restore the whole state of a running kubesim (YAML or JSON, by file extension)');
  remote(snapshot.command('save <file>').description('write every object of the running kubesim to FILE'))
    .action((file: string, flags: RemoteFlags) => runRemote(() => snapshotSave(file, flags)));
  remote(snapshot.command('restore <file>').description('make the running kubesim hold exactly the objects in FILE'))
    .action((file: string, flags: RemoteFlags) => runRemote(() => snapshotRestore(file, flags)));
  remote(program.command('reset').description('put the running kubesim back to its state right after start'))
    .action((flags: RemoteFlags) => runRemote(() => resetCommand(flags)));
  program
    .command('kubeconfig')
    .description('print the kubeconfig of a running kubesim')
    .option('--server <url>', 'the kubesim API server URL')
    .option('--data-dir <dir>', `the data directory of the running kubesim (default: $KUBESIM_DATA_DIR or ./${DEFAULTS.dataDir})`)
    .option('--kubeconfig <file>', 'a kubeconfig naming the server')
    .action((flags: KubeconfigFlags) => runRemote(() => kubeconfigCommand(flags)));
  remote(program.command('clock [action] [value]').description('show the virtual clock, or `advance 5m`, or `set 2025-01-01T00:00:00Z`'))
    .action((action: string | undefined, value: string | undefined, flags: RemoteFlags) => {
      if (action && !['show', 'advance', 'set'].includes(action)) throw new InvalidArgumentError(`unknown clock action ${action} (show, advance, set)`);
      if ((action === 'advance' || action === 'set') && !value) throw new InvalidArgumentError(`clock ${action} needs a value`);
      return runRemote(() => clockCommand({ ...flags, advance: action === 'advance' ? value : undefined, set: action === 'set' ? value : undefined }));
    });
  await program.parseAsync(argv);
}
