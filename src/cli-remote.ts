// The CLI commands that talk to a running kubesim over its /kubesim/v1/ endpoints (src/admin.ts): snapshot save and
// restore, reset, and the virtual clock. The server comes from --server, else from a kubeconfig (--kubeconfig,
// KUBESIM_KUBECONFIG, KUBECONFIG, or ./kubeconfig, which `kubesim start` writes), like kubectl finds its cluster.
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { yaml } from './yaml.js';
import { DEFAULTS } from './config.js';

export interface RemoteFlags {
  server?: string;
  kubeconfig?: string;
}

/** A failure the user can act on: printed as one line, exit code 1. */
export class CliError extends Error {}

/** The API server URL: --server, else the current context's cluster in the kubeconfig. */
export function findServer(flags: RemoteFlags, env: NodeJS.ProcessEnv = process.env): string {
  if (flags.server) return flags.server.replace(/\/+$/, '');
  const candidates = flags.kubeconfig
    ? [flags.kubeconfig]
    : [env.KUBESIM_KUBECONFIG, ...(env.KUBECONFIG ?? '').split(path.delimiter), DEFAULTS.kubeconfig].filter((f): f is string => !!f);
  const file = candidates.find((f) => existsSync(f));
  if (!file) throw new CliError(`no kubeconfig found (tried ${candidates.join(', ')}); pass --server URL or --kubeconfig FILE`);
  let config: any;
  try {
    config = yaml().parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new CliError(`cannot read kubeconfig ${file}: ${(err as Error).message.split('\n')[0]}`);
  }
  const contextName = config?.['current-context'];
  const context = (config?.contexts ?? []).find((c: any) => c?.name === contextName)?.context;
  const cluster = (config?.clusters ?? []).find((c: any) => c?.name === context?.cluster)?.cluster;
  if (typeof cluster?.server !== 'string') throw new CliError(`kubeconfig ${file}: the current context names no cluster with a server`);
  return cluster.server.replace(/\/+$/, '');
}

/** Calls an admin endpoint; a non-2xx answer becomes a CliError with the server's Status message. */
async function call(server: string, method: string, urlPath: string, init: { body?: string; contentType?: string; accept?: string } = {}): Promise<string> {
  let res: Response;
  try {
    res = await fetch(`${server}${urlPath}`, {
      method,
      body: init.body,
      headers: { ...(init.contentType ? { 'Content-Type': init.contentType } : {}), Accept: init.accept ?? 'application/json' },
    });
  } catch (err) {
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    throw new CliError(`cannot reach kubesim at ${server}: ${cause?.code ?? cause?.message ?? (err as Error).message}`);
  }
  const text = await res.text();
  if (!res.ok) {
    let message = text.trim();
    try {
      message = JSON.parse(text).message ?? message;
    } catch {
      // not a Status: keep the text
    }
    throw new CliError(`${method} ${urlPath}: ${res.status} ${message}`);
  }
  return text;
}

const isYamlFile = (file: string) => /\.ya?ml$/i.test(file);

export async function snapshotSave(file: string, flags: RemoteFlags): Promise<string> {
  const server = findServer(flags);
  const yaml = isYamlFile(file);
  const text = await call(server, 'GET', '/kubesim/v1/snapshot', { accept: yaml ? 'application/yaml' : 'application/json' });
  // Pretty JSON: the file is meant to be read and edited.
  const doc = yaml ? undefined : JSON.parse(text);
  const out = yaml ? text : `${JSON.stringify(doc, null, 2)}\n`;
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, out);
  renameSync(tmp, file);
  const count = yaml ? (text.match(/^ {2}\/registry\//gm) ?? []).length : Object.keys(doc.objects ?? {}).length;
  return `saved ${count} objects from ${server} to ${file}`;
}

export async function snapshotRestore(file: string, flags: RemoteFlags): Promise<string> {
  const server = findServer(flags);
  let body: string;
  try {
    body = readFileSync(file, 'utf8');
  } catch (err) {
    throw new CliError(`cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  const contentType = isYamlFile(file) ? 'application/yaml' : 'application/json';
  const result = JSON.parse(await call(server, 'PUT', '/kubesim/v1/snapshot', { body, contentType }));
  return `restored ${file} to ${server}: ${result.changes} changes, now at resourceVersion ${result.revision}`;
}

export async function reset(flags: RemoteFlags): Promise<string> {
  const server = findServer(flags);
  const result = JSON.parse(await call(server, 'POST', '/kubesim/v1/reset'));
  return `reset ${server} to its state at start: ${result.changes} changes, now at resourceVersion ${result.revision}`;
}

export async function clock(flags: RemoteFlags & { advance?: string; set?: string }): Promise<string> {
  const server = findServer(flags);
  const status = flags.advance
    ? await call(server, 'POST', `/kubesim/v1/clock/advance?by=${encodeURIComponent(flags.advance)}`)
    : flags.set
      ? await call(server, 'POST', `/kubesim/v1/clock/set?time=${encodeURIComponent(flags.set)}`)
      : await call(server, 'GET', '/kubesim/v1/clock');
  const s = JSON.parse(status);
  return `${s.now} (virtual clock, ${s.pendingTimers} timers pending)`;
}
