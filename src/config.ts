// The one place that reads configuration from the environment. Every CLI flag has a KUBESIM_* twin; flags win.
import path from 'node:path';
import { parseDuration } from './clock.js';
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
  /** More objects to load at start, after the base `fixture`: files or directories of multi-document YAML/JSON, or
   * objects. Loaded in dependency order through the API (see src/fixtures.ts); objects that exist already are kept. */
  fixtures?: string | (string | Record<string, unknown>)[];
  /** Fault injection (cluster.faults, /kubesim/v1/faults): off unless true, or `{ seed }` for reproducible
   * probabilities. */
  faults?: boolean | { seed?: number };
  /** Request recording (cluster.requests(), /kubesim/v1/requests): off unless true, or `{ file, limit }` to also
   * append JSON lines to a file / keep more or fewer entries in memory. */
  recordRequests?: boolean | { file?: string; limit?: number };
  /** The server URL written into the kubeconfig and reported as `url` (e.g. the published port of a container:
   * http://localhost:16443); defaults to http://<advertiseHost>:<port>. */
  advertiseUrl?: string;
  /** Add a `kubesim` cluster/user/context to the user's kubeconfig ($KUBECONFIG's first file, else ~/.kube/config)
   * and make it current; close() removes it and restores the previous current-context. `file` and `context` override
   * the target file and the entry name. */
  kubeconfigMerge?: boolean | { file?: string; context?: string };
  /** How often simulated containers print their periodic log line when neither the image nor the pod's
   * `kubesim.io/log-interval` annotation says: ms or a duration ("10s", the default; 0 turns it off). */
  logInterval?: number | string;
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
  fixtures?: string[];
  fixtureSet?: string;
  enableFaults?: boolean;
  faultSeed?: number;
  /** true: record in memory only; a string: also append to that file. */
  recordRequests?: boolean | string;
  advertiseUrl?: string;
  advertiseAddress?: string;
  kubeconfigMerge?: boolean;
  logInterval?: string;
}

/** KUBESIM_PORT, KUBESIM_HOST, KUBESIM_DATA_DIR, KUBESIM_IN_MEMORY, KUBESIM_KUBECONFIG, KUBESIM_KUBERNETES_VERSION,
 * KUBESIM_HISTORY_LIMIT, KUBESIM_NODES, KUBESIM_CLOCK, KUBESIM_FIXTURES (a list separated like PATH),
 * KUBESIM_FIXTURE_SET, KUBESIM_ENABLE_FAULTS, KUBESIM_FAULT_SEED, KUBESIM_RECORD_REQUESTS (true, or a file),
 * KUBESIM_ADVERTISE_URL, KUBESIM_ADVERTISE_ADDRESS, KUBESIM_KUBECONFIG_MERGE, KUBESIM_LOG_INTERVAL. */
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
    fixtures: env.KUBESIM_FIXTURES ? env.KUBESIM_FIXTURES.split(path.delimiter).filter((f) => f !== '') : undefined,
    fixtureSet: env.KUBESIM_FIXTURE_SET || undefined,
    enableFaults: bool(env.KUBESIM_ENABLE_FAULTS),
    faultSeed: num(env.KUBESIM_FAULT_SEED),
    recordRequests: recordRequestsEnv(env.KUBESIM_RECORD_REQUESTS),
    advertiseUrl: env.KUBESIM_ADVERTISE_URL || undefined,
    advertiseAddress: env.KUBESIM_ADVERTISE_ADDRESS || undefined,
    kubeconfigMerge: bool(env.KUBESIM_KUBECONFIG_MERGE),
    logInterval: env.KUBESIM_LOG_INTERVAL || undefined,
  };
}

/** KUBESIM_RECORD_REQUESTS: true/1/yes records in memory, false/0/no (or unset) does not, anything else is a file. */
function recordRequestsEnv(v: string | undefined): boolean | string | undefined {
  if (v === undefined || v === '') return undefined;
  const lower = v.toLowerCase();
  if (['1', 'true', 'yes'].includes(lower)) return true;
  if (['0', 'false', 'no'].includes(lower)) return false;
  return v;
}

/** The kubeconfig file `--kubeconfig-merge` edits, as kubectl picks it: the first file in $KUBECONFIG, else
 * ~/.kube/config (HOME, or USERPROFILE on Windows). */
export function userKubeconfigPath(env: NodeJS.ProcessEnv = process.env): string {
  const first = (env.KUBECONFIG ?? '').split(path.delimiter).find((f) => f !== '');
  if (first) return path.resolve(first);
  const home = env.HOME || env.USERPROFILE;
  if (!home) throw new Error('cannot find the user kubeconfig: neither KUBECONFIG nor HOME is set');
  return path.join(home, '.kube', 'config');
}

/** A URL written into kubeconfigs: http(s)://host[:port], nothing after the authority but an optional path. */
export function checkAdvertiseUrl(v: string): string {
  let u: URL;
  try {
    u = new URL(v);
  } catch {
    throw new Error(`advertise URL must be a URL like http://localhost:6443, not ${JSON.stringify(v)}`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error(`advertise URL must be http:// or https://, not ${JSON.stringify(v)}`);
  if (u.search || u.hash || u.username) throw new Error(`advertise URL must not have a query, fragment or credentials: ${JSON.stringify(v)}`);
  return v.replace(/\/+$/, '');
}

/** The logInterval option in ms: a number of ms, a Go duration, or a plain number of seconds in a string. */
export function logIntervalMs(v: number | string | undefined): number | undefined {
  if (v === undefined || v === '') return undefined;
  const ms = typeof v === 'number' ? v : parseDuration(/^\d+(\.\d+)?$/.test(v.trim()) ? `${v.trim()}s` : v);
  if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`logInterval must be a duration of 0 or more, not ${JSON.stringify(v)}`);
  return ms;
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
