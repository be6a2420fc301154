// The one place that reads configuration from the environment. Every CLI flag has a KUBESIM_* twin; flags win.
import path from 'node:path';
import { DEFAULT_KUBERNETES_VERSION } from './version.js';

export interface ClusterOptions {
  /** TCP port; 0 picks a free one. */
  port?: number;
  /** Interface to bind; 127.0.0.1 by default. */
  host?: string;
  /** Directory of the LevelDB store (ignored with inMemory). */
  dataDir?: string;
  /** Keep everything in memory (nothing survives close()). */
  inMemory?: boolean;
  /** Where to write the kubeconfig once the server is ready; undefined writes none. */
  kubeconfigPath?: string;
  /** Address written into the kubeconfig (defaults to the bound host, or 127.0.0.1 for wildcard binds). */
  advertiseHost?: string;
  /** The Kubernetes version reported at /version (picks the version-dispatching kubectl's client). */
  kubernetesVersion?: string;
  /** Watch history kept for resuming watches; older resourceVersions get 410 Expired. */
  historyLimit?: number;
  /** Components to run (controllers, scheduler, nodes); defaults to DEFAULT_COMPONENTS. */
  components?: import('./client/component.js').ComponentFactory[];
  /** Receives log lines; defaults to silence in-process. */
  log?: (line: string) => void;
  /** Number of worker nodes of the default cluster (fixtures are loaded at first start only). */
  nodes?: number;
  /** The fixture loaded into a fresh store (a name under fixtures/ or a directory); false loads none. Defaults to
   * 'default' when `components` is not given (the full cluster), to none when it is (tests choose what they run). */
  fixture?: string | false;
  /** The clock for every delay and timestamp: 'real' (default), 'virtual' (a VirtualClock starting at the real time
   * now, moved only by `cluster.clock.advance()`), or a Clock of your own (e.g. `new VirtualClock(startDate)`). */
  clock?: import('./clock.js').Clock | 'virtual' | 'real';
  /** Where the state lives: 'memory', or a LevelDB directory. Wins over inMemory/dataDir. In process, the default is
   * memory unless dataDir is given (the CLI defaults to LevelDB in ./.kubesim). */
  store?: 'memory' | (string & {});
}

export const DEFAULTS = {
  port: 6443,
  /** `npm start` tries this many ports from 6443 upwards when the port was not given explicitly. */
  portSearch: 10,
  host: '127.0.0.1',
  dataDir: '.kubesim',
  kubeconfig: 'kubeconfig',
  kubernetesVersion: DEFAULT_KUBERNETES_VERSION,
  historyLimit: 100_000,
  nodes: 2,
} as const;

export interface EnvConfig {
  port?: number;
  host?: string;
  dataDir?: string;
  inMemory?: boolean;
  kubeconfig?: string;
  kubernetesVersion?: string;
  historyLimit?: number;
  nodes?: number;
  clock?: 'virtual' | 'real';
}

/** KUBESIM_PORT, KUBESIM_HOST, KUBESIM_DATA_DIR, KUBESIM_IN_MEMORY, KUBESIM_KUBECONFIG, KUBESIM_KUBERNETES_VERSION,
 * KUBESIM_HISTORY_LIMIT, KUBESIM_NODES, KUBESIM_CLOCK. */
export function readEnv(env: NodeJS.ProcessEnv = process.env): EnvConfig {
  const num = (v: string | undefined) => (v === undefined || v === '' ? undefined : Number(v));
  const bool = (v: string | undefined) => (v === undefined || v === '' ? undefined : ['1', 'true', 'yes'].includes(v.toLowerCase()));
  return {
    port: num(env.KUBESIM_PORT),
    host: env.KUBESIM_HOST || undefined,
    dataDir: env.KUBESIM_DATA_DIR || undefined,
    inMemory: bool(env.KUBESIM_IN_MEMORY),
    kubeconfig: env.KUBESIM_KUBECONFIG || undefined,
    kubernetesVersion: env.KUBESIM_KUBERNETES_VERSION || undefined,
    historyLimit: num(env.KUBESIM_HISTORY_LIMIT),
    nodes: num(env.KUBESIM_NODES),
    clock: clockName(env.KUBESIM_CLOCK),
  };
}

/** 'virtual' | 'real' (case-insensitive); anything else is an error worth stopping for, not a silent real clock. */
export function clockName(v: string | undefined): 'virtual' | 'real' | undefined {
  if (v === undefined || v === '') return undefined;
  const name = v.toLowerCase();
  if (name === 'virtual' || name === 'real') return name;
  throw new Error(`KUBESIM_CLOCK must be "virtual" or "real", not ${JSON.stringify(v)}`);
}

export function resolvePath(p: string): string {
  return path.resolve(process.cwd(), p);
}
