// The command line: a thin layer over createCluster(). Flags mirror KUBESIM_* environment variables (src/config.ts).
import { Command, InvalidArgumentError } from 'commander';
import { createCluster } from './cluster.js';
import { DEFAULTS, readEnv } from './config.js';
import { StorageOpenError } from './storage/interface.js';

function portArg(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError('must be a port number (0-65535)');
  return n;
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

interface StartFlags {
  port?: number;
  host?: string;
  dataDir?: string;
  inMemory?: boolean;
  kubeconfig?: string;
  kubernetesVersion?: string;
}

async function start(flags: StartFlags): Promise<void> {
  const env = readEnv();
  const explicitPort = flags.port ?? env.port;
  const host = flags.host ?? env.host ?? DEFAULTS.host;
  const inMemory = flags.inMemory ?? env.inMemory ?? false;
  const dataDir = flags.dataDir ?? env.dataDir ?? DEFAULTS.dataDir;
  const kubeconfigPath = flags.kubeconfig ?? env.kubeconfig ?? DEFAULTS.kubeconfig;
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
  process.stdout.write(`\n  export KUBECONFIG=${c.kubeconfigPath}\n  kubectl get namespaces\n\n`);
  process.stdout.write(`kubesim is ready\n`);
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(`kubesim: ${signal} received, stopping\n`);
    c.close().then(
      () => process.exit(0),
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
    .action((flags: StartFlags) => start(flags));
  await program.parseAsync(argv);
}
