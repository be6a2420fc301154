// `kubesim kubeconfig`: prints the kubeconfig of a running kubesim, found by URL (--server), by its data directory
// (while it runs, `kubesim start` with LevelDB keeps <data dir>/kubesim-server.json: how to reach it from this
// machine, which can differ from the advertised URL, e.g. inside a container), or through a kubeconfig naming it
// (like the other remote commands). The kubeconfig comes from the server (GET /kubesim/v1/kubeconfig), so it names
// the URL kubesim advertises.
import { readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { CliError, findServer } from './cli-remote.js';
import { DEFAULTS, readEnv } from './config.js';
import { kubeconfigYaml } from './kubeconfig.js';

export interface KubeconfigFlags {
  server?: string;
  dataDir?: string;
  kubeconfig?: string;
}

export const SERVER_INFO = 'kubesim-server.json';

interface ServerInfo {
  /** Where this machine reaches the server (the bound address; 127.0.0.1 for a wildcard bind). */
  localUrl: string;
  /** The URL written into kubeconfigs. */
  url: string;
  pid: number;
}

/** Written by `kubesim start` (LevelDB mode) once ready. */
export function writeServerInfo(dataDir: string, info: Omit<ServerInfo, 'pid'>): void {
  const file = path.join(dataDir, SERVER_INFO);
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify({ ...info, pid: process.pid }, null, 2)}\n`, { mode: 0o600 });
  renameSync(tmp, file);
}

/** Removed at stop (unless another kubesim has written its own meanwhile). */
export function removeServerInfo(dataDir: string): void {
  const file = path.join(dataDir, SERVER_INFO);
  try {
    if ((JSON.parse(readFileSync(file, 'utf8')) as ServerInfo).pid === process.pid) unlinkSync(file);
  } catch {
    // already gone
  }
}

/** GET /kubesim/v1/kubeconfig: proves a kubesim answers there, and returns its own kubeconfig. */
async function fetchKubeconfig(server: string, what: string): Promise<string> {
  let res: Response;
  try {
    res = await fetch(`${server}/kubesim/v1/kubeconfig`, { headers: { Accept: 'application/yaml' } });
  } catch (err) {
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    throw new CliError(`cannot reach kubesim at ${server}${what}: ${cause?.code ?? cause?.message ?? (err as Error).message}`);
  }
  const text = await res.text();
  if (!res.ok) throw new CliError(`${server} does not look like a kubesim (GET /kubesim/v1/kubeconfig: ${res.status})`);
  return text;
}

export async function kubeconfigCommand(flags: KubeconfigFlags): Promise<string> {
  if (flags.server) {
    const server = flags.server.replace(/\/+$/, '');
    await fetchKubeconfig(server, '');
    // The URL the user reached it by (it may differ from the one kubesim advertises, e.g. through a tunnel).
    return kubeconfigYaml(server).trimEnd();
  }
  const explicitDir = flags.dataDir;
  const dir = explicitDir ?? readEnv().dataDir ?? DEFAULTS.dataDir;
  const file = path.join(dir, SERVER_INFO);
  let info: ServerInfo | undefined;
  try {
    info = JSON.parse(readFileSync(file, 'utf8')) as ServerInfo;
  } catch {
    info = undefined;
  }
  if (info && typeof info.localUrl === 'string') {
    return (await fetchKubeconfig(info.localUrl, ` (from ${file}; stopped without cleaning up?)`)).trimEnd();
  }
  if (explicitDir !== undefined) throw new CliError(`no kubesim is running on data directory ${dir} (no ${SERVER_INFO} there)`);
  // An in-memory kubesim has no data directory: find it like the other remote commands do.
  const server = findServer({ kubeconfig: flags.kubeconfig });
  return (await fetchKubeconfig(server, '')).trimEnd();
}
