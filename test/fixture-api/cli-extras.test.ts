// The command line of the test-fixture features (the compiled dist/, built first): --fixtures / --fixture-set and
// their errors, --enable-faults, --record-requests, --advertise-url, --kubeconfig-merge (added at start, removed at
// SIGTERM/SIGINT), `kubesim kubeconfig`, the rule that every `start` flag has a KUBESIM_* twin; and the container
// image's ENTRYPOINT + CMD run directly with the environment its Dockerfile sets (no Docker engine here): it binds
// 0.0.0.0, writes the kubeconfig for the advertised (published) URL into the data volume, passes its own
// HEALTHCHECK, and stops cleanly on SIGTERM.
import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readEnv } from '../../src/config.js';
import { buildDist, cleanEnv, REPO_ROOT, startCli, type CliProcess } from '../helpers/cli.js';
import { healthcheckCommand, imageCommand, imageEnv } from '../helpers/dockerfile.js';
import { api, apiOk } from '../helpers/http.js';
import { waitFor } from '../helpers/wait.js';

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(args: string[], cwd: string, env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [`${REPO_ROOT}/bin/kubesim.js`, ...args], { cwd, env: cleanEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += String(d)));
    child.stderr.on('data', (d) => (stderr += String(d)));
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

let dir: string;
const running: CliProcess[] = [];
beforeAll(() => {
  buildDist();
  dir = mkdtempSync(path.join(os.tmpdir(), 'kubesim-cli-extras-'));
});
afterAll(async () => {
  for (const p of running) {
    p.child.kill('SIGTERM');
    await p.waitForExit().catch(() => undefined);
  }
  rmSync(dir, { recursive: true, force: true });
});

/** Starts `kubesim start` in `cwd` and waits until it is ready; returns the process and the URL it prints. */
async function start(args: string[], env: Record<string, string> = {}, cwd = dir): Promise<{ p: CliProcess; url: string }> {
  const p = startCli(['start', '--port', '0', ...args], { cwd, env });
  running.push(p);
  const url = (await p.waitForStdout(/listening at (http:\/\/\S+)/))[1];
  await p.waitForStdout(/kubesim is ready/);
  return { p, url };
}

async function stop(p: CliProcess, signal: NodeJS.Signals = 'SIGTERM') {
  p.child.kill(signal);
  const exit = await p.waitForExit();
  running.splice(running.indexOf(p), 1);
  return exit;
}

describe('every start flag has a KUBESIM_* twin', () => {
  it('KUBESIM_<FLAG> is read into the option of the same name', async () => {
    const help = await run(['start', '--help'], dir);
    const flags = [...help.stdout.matchAll(/^\s+--([a-z-]+)/gm)].map((m) => m[1]).filter((f) => f !== 'help');
    expect(flags).toEqual(expect.arrayContaining(['port', 'fixtures', 'fixture-set', 'enable-faults', 'record-requests', 'advertise-url', 'kubeconfig-merge']));
    for (const flag of flags) {
      const env = `KUBESIM_${flag.toUpperCase().replace(/-/g, '_')}`;
      const field = flag.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase()) as keyof ReturnType<typeof readEnv>;
      const value = flag === 'clock' ? 'virtual' : '1';
      expect(readEnv({ [env]: value })[field], `${env} for --${flag}`).not.toBeUndefined();
    }
  });
});

describe('fixtures on the command line', () => {
  it('a bad fixture stops the start with one line naming the file and the document', async () => {
    writeFileSync(path.join(dir, 'bad.yaml'), 'apiVersion: v1\nkind: Namespace\nmetadata: {name: fine}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: Bad_Name}\n');
    const r = await run(['start', '--in-memory', '--port', '0', '--fixtures', 'bad.yaml'], dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^kubesim: bad\.yaml, document 2 \(ConfigMap Bad_Name\): ConfigMap "Bad_Name" is invalid: metadata\.name: Invalid value/);
    expect(r.stderr.trim().split('\n')).toHaveLength(1); // no stack trace
    const env = await run(['start', '--in-memory', '--port', '0'], dir, { KUBESIM_FIXTURES: 'missing.yaml' });
    expect(env).toMatchObject({ code: 1, stderr: 'kubesim: fixture missing.yaml not found\n' });
    const set = await run(['start', '--in-memory', '--port', '0', '--fixture-set', 'huge'], dir);
    expect(set).toMatchObject({ code: 1, stderr: 'kubesim: fixture set "huge" not found: use one of default, empty, large, or a directory\n' });
  });

  it('--fixture-set empty with --fixtures and KUBESIM_FIXTURES (repeatable, a PATH-like list)', async () => {
    mkdirSync(path.join(dir, 'app'));
    writeFileSync(path.join(dir, 'app', 'cm.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: app, namespace: team}\n');
    writeFileSync(path.join(dir, 'ns.yaml'), 'apiVersion: v1\nkind: Namespace\nmetadata: {name: team}\n');
    writeFileSync(path.join(dir, 'extra.json'), JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'extra', namespace: 'team' } }));
    const { p, url } = await start(['--in-memory', '--fixture-set', 'empty', '--fixtures', 'app', '--fixtures', 'ns.yaml'], { KUBESIM_FIXTURES: `${path.join(dir, 'extra.json')}` });
    try {
      // Flags win over the environment (like every other flag): extra.json is not loaded.
      expect((await apiOk(url, 'GET', '/api/v1/nodes')).items).toEqual([]);
      expect((await api(url, 'GET', '/api/v1/namespaces/team/configmaps/app')).status).toBe(200);
      expect((await api(url, 'GET', '/api/v1/namespaces/team/configmaps/extra')).status).toBe(404);
    } finally {
      await stop(p);
    }
    const viaEnv = await start(['--in-memory', '--fixture-set', 'empty'], { KUBESIM_FIXTURES: ['ns.yaml', 'extra.json'].join(path.delimiter) });
    try {
      expect((await api(viaEnv.url, 'GET', '/api/v1/namespaces/team/configmaps/extra')).status).toBe(200);
    } finally {
      await stop(viaEnv.p);
    }
  });
});

describe('faults and recording on the command line', () => {
  it('--enable-faults / KUBESIM_ENABLE_FAULTS serve /kubesim/v1/faults; --record-requests FILE writes JSON lines', async () => {
    const off = await start(['--in-memory']);
    expect((await api(off.url, 'GET', '/kubesim/v1/faults')).status).toBe(404);
    expect((await api(off.url, 'GET', '/kubesim/v1/requests')).status).toBe(404);
    await stop(off.p);

    const { p, url } = await start(['--in-memory', '--enable-faults', '--fault-seed', '3', '--record-requests', 'requests.jsonl']);
    try {
      expect(p.stdout()).toMatch(/fault injection: enabled/);
      expect(p.stdout()).toMatch(/recording requests: \/kubesim\/v1\/requests and requests\.jsonl/);
      expect((await api(url, 'POST', '/kubesim/v1/faults', { action: 'error', code: 503, verb: 'get', resource: 'namespaces' })).status).toBe(201);
      expect((await api(url, 'GET', '/api/v1/namespaces/default')).status).toBe(503);
      const lines = (await (await fetch(`${url}/kubesim/v1/requests?resource=namespaces`)).text()).trim().split('\n').map((l) => JSON.parse(l));
      expect(lines).toMatchObject([{ verb: 'get', name: 'default', code: 503, fault: 'fault-1' }]);
    } finally {
      await stop(p);
    }
    const file = readFileSync(path.join(dir, 'requests.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(file.some((l) => l.name === 'default' && l.code === 503)).toBe(true);

    const viaEnv = await start(['--in-memory'], { KUBESIM_ENABLE_FAULTS: 'true', KUBESIM_RECORD_REQUESTS: 'true' });
    try {
      expect((await api(viaEnv.url, 'GET', '/kubesim/v1/faults')).status).toBe(200);
      expect((await api(viaEnv.url, 'GET', '/kubesim/v1/requests')).status).toBe(200);
    } finally {
      await stop(viaEnv.p);
    }
  });
});

describe('kubeconfig conveniences', () => {
  it('--kubeconfig-merge adds the context to ~/.kube/config and SIGTERM removes it', async () => {
    const home = path.join(dir, 'home');
    mkdirSync(home);
    const env = { HOME: home, KUBECONFIG: '' };
    const { p, url } = await start(['--in-memory', '--kubeconfig-merge'], env);
    const file = path.join(home, '.kube', 'config');
    expect(p.stdout()).toContain(`context kubesim added to ${file} and made current`);
    const doc = parseYaml(readFileSync(file, 'utf8'));
    expect(doc['current-context']).toBe('kubesim');
    expect(doc.clusters[0].cluster.server).toBe(url);
    expect(await stop(p)).toEqual({ code: 0, signal: null });
    expect(existsSync(file)).toBe(false); // it created the file, so it removes it
  });

  it('KUBESIM_KUBECONFIG_MERGE edits $KUBECONFIG and SIGINT restores the previous context', async () => {
    const file = path.join(dir, 'user-config');
    const before = 'apiVersion: v1\nkind: Config\nclusters: []\nusers: []\ncontexts:\n  - name: mine\n    context: {cluster: c, user: u}\ncurrent-context: mine\n';
    writeFileSync(file, before);
    const { p } = await start(['--in-memory'], { KUBECONFIG: `${file}${path.delimiter}/nonexistent/other`, KUBESIM_KUBECONFIG_MERGE: '1' });
    expect(parseYaml(readFileSync(file, 'utf8'))['current-context']).toBe('kubesim');
    expect(await stop(p, 'SIGINT')).toEqual({ code: 0, signal: null });
    expect(parseYaml(readFileSync(file, 'utf8'))).toEqual(parseYaml(before));
  });

  it('`kubesim kubeconfig` prints the kubeconfig of a running kubesim, by data directory or URL', async () => {
    const work = path.join(dir, 'kc');
    mkdirSync(work);
    const { p } = await start(['--data-dir', 'data', '--advertise-url', 'http://localhost:16443', '--host', '0.0.0.0'], {}, work);
    const port = Number((await p.waitForStdout(/bound to 0\.0\.0\.0:(\d+)/))[1]);
    const byDir = await run(['kubeconfig', '--data-dir', 'data'], work);
    expect(byDir.stderr).toBe('');
    expect(parseYaml(byDir.stdout).clusters[0].cluster.server).toBe('http://localhost:16443');
    const byDefaultDir = await run(['kubeconfig'], work, { KUBESIM_DATA_DIR: 'data' });
    expect(byDefaultDir.stdout).toBe(byDir.stdout);
    const byUrl = await run(['kubeconfig', '--server', `http://127.0.0.1:${port}`], work);
    expect(parseYaml(byUrl.stdout).clusters[0].cluster.server).toBe(`http://127.0.0.1:${port}`);
    await stop(p);
    const after = await run(['kubeconfig', '--data-dir', 'data'], work);
    expect(after).toMatchObject({ code: 1, stderr: 'kubesim: no kubesim is running on data directory data (no kubesim-server.json there)\n' });
    const notKubesim = await run(['kubeconfig', '--server', `http://127.0.0.1:${port}`], work);
    expect(notKubesim.code).toBe(1);
    expect(notKubesim.stderr).toMatch(/^kubesim: cannot reach kubesim at http:\/\/127\.0\.0\.1:\d+: ECONNREFUSED\n$/);
  });

  it('rejects a bad --advertise-url or KUBESIM_ADVERTISE_URL in one line', async () => {
    const flag = await run(['start', '--in-memory', '--port', '0', '--advertise-url', 'localhost:6443'], dir);
    expect(flag.code).not.toBe(0);
    expect(flag.stderr).toMatch(/--advertise-url.*must be http:\/\/ or https:\/\//);
    const env = await run(['start', '--in-memory', '--port', '0'], dir, { KUBESIM_ADVERTISE_URL: 'http://x/?q=1' });
    expect(env).toMatchObject({ code: 1, stderr: expect.stringMatching(/^kubesim: KUBESIM_ADVERTISE_URL: advertise URL must not have a query/) });
  });
});

/** A non-loopback IPv4 address of this machine, if it has one. */
function externalAddress(): string | undefined {
  for (const addrs of Object.values(os.networkInterfaces())) for (const a of addrs ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
  return undefined;
}

/** Listening TCP sockets on `port` from /proc/net/tcp (Linux): their local addresses, in hex. */
function listeningOn(port: number): string[] {
  if (!existsSync('/proc/net/tcp')) return [];
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  return readFileSync('/proc/net/tcp', 'utf8')
    .split('\n')
    .slice(1)
    .map((l) => l.trim().split(/\s+/))
    .filter((f) => f[1]?.endsWith(`:${hexPort}`) && f[3] === '0A')
    .map((f) => f[1].split(':')[0]);
}

function healthcheck(env: NodeJS.ProcessEnv): Promise<number | null> {
  const cmd = healthcheckCommand();
  expect(cmd[0]).toBe('node');
  return new Promise((resolve) => execFile(process.execPath, cmd.slice(1), { env, timeout: 10_000 }, (err) => resolve(err ? ((err as { code?: number }).code ?? 1) : 0)));
}

describe('the container entrypoint, run with the image environment', () => {
  let data: string;
  beforeAll(() => {
    data = mkdtempSync(path.join(os.tmpdir(), 'kubesim-container-'));
  });
  afterAll(() => rmSync(data, { recursive: true, force: true }));

  it('binds 0.0.0.0, writes the kubeconfig for the advertised URL, is healthy, and stops on SIGTERM', async () => {
    const [node, ...rest] = imageCommand();
    expect(node).toBe('node');
    // The image's environment, with what a test must change: any free port (not 6443), a writable /data stand-in,
    // and the URL the port would be published at.
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      HOME: data,
      ...imageEnv(),
      KUBESIM_PORT: '0',
      KUBESIM_DATA_DIR: path.join(data, 'data'),
      KUBESIM_KUBECONFIG: path.join(data, 'data', 'kubeconfig'),
      KUBESIM_ADVERTISE_URL: 'http://localhost:16443',
    };
    const child = spawn(process.execPath, rest, { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += String(d)));
    child.stderr.on('data', (d) => (err += String(d)));
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    try {
      await waitFor(`kubesim to be ready (stdout: ${out} stderr: ${err})`, () => out.includes('kubesim is ready'), 30_000);
      const port = Number(/bound to 0\.0\.0\.0:(\d+)/.exec(out)![1]);
      expect(out).toContain('listening at http://localhost:16443');
      // Bound to every interface: reachable through a non-loopback address, and listed as 0.0.0.0 by the kernel.
      const external = externalAddress();
      if (external) expect((await apiOk(`http://${external}:${port}`, 'GET', '/version')).gitVersion).toMatch(/^v1\./);
      const sockets = listeningOn(port);
      if (existsSync('/proc/net/tcp')) expect(sockets).toContain('00000000');
      // The kubeconfig in the volume names the published URL.
      const kubeconfig = parseYaml(readFileSync(path.join(data, 'data', 'kubeconfig'), 'utf8'));
      expect(kubeconfig.clusters[0].cluster.server).toBe('http://localhost:16443');
      expect(out).toContain('storage: LevelDB in');
      expect(existsSync(path.join(data, 'data', 'CURRENT'))).toBe(true); // LevelDB in the data directory
      // The HEALTHCHECK command, with the container's port.
      expect(await healthcheck({ ...env, KUBESIM_PORT: String(port) })).toBe(0);
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      expect(await healthcheck({ ...env, KUBESIM_PORT: String(port) })).toBe(1);
      await waitFor('the port to be released', () => new Promise<boolean>((resolve) => {
        const s = net.connect(port, '127.0.0.1');
        s.on('connect', () => (s.destroy(), resolve(false)));
        s.on('error', () => resolve(true));
      }));
    } finally {
      child.kill('SIGKILL');
    }
  });
});
