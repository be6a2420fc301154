// The `kubesim start` command as users run it (node bin/kubesim.js, i.e. the compiled dist/): what it prints, when
// the kubeconfig appears, clean shutdown on signals with every acknowledged write kept, the one-line errors for a
// taken port, a locked or unwritable data directory, and the defaults `npm start` relies on.
import { existsSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, statSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { buildDist, startCli, type CliProcess } from '../helpers/cli.js';
import { api, apiOk, configMap, createMany, openWatch, type Json } from '../helpers/http.js';
import { Kubectl } from '../helpers/kubectl.js';
import { waitFor } from '../helpers/wait.js';

const READY = /^kubesim is ready$/m;
const LISTENING = /^kubesim API server listening at (http:\/\/\S+)$/m;

/** stderr as lines, without the trailing newline. */
function errLines(p: CliProcess): string[] {
  return p.stderr().replace(/\n$/, '').split('\n');
}

/** Resolves with the connection error code when nothing accepts connections at host:port ('connected' otherwise). */
function tryConnect(host: string, port: number): Promise<string> {
  return new Promise((resolve) => {
    const s = net.connect({ host, port });
    s.once('connect', () => {
      s.destroy();
      resolve('connected');
    });
    s.once('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? String(err)));
  });
}

describe('kubesim start (CLI)', () => {
  const dirs: string[] = [];
  const procs: CliProcess[] = [];
  const tmp = () => {
    const d = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'kubesim-cli-')));
    dirs.push(d);
    return d;
  };
  const start = (args: string[], opts: { cwd?: string; env?: Record<string, string> } = {}) => {
    const p = startCli(['start', ...args], { cwd: opts.cwd ?? tmp(), env: opts.env });
    procs.push(p);
    return p;
  };
  /** Starts and waits for the ready line; returns the process and its URL. */
  const startReady = async (args: string[], opts: { cwd?: string; env?: Record<string, string> } = {}) => {
    const p = start(args, opts);
    await p.waitForStdout(READY);
    return { p, url: p.stdout().match(LISTENING)![1] };
  };

  beforeAll(() => buildDist(), 180_000);
  afterEach(async () => {
    for (const p of procs.splice(0)) {
      if (p.child.exitCode === null && p.child.signalCode === null) {
        p.child.kill('SIGKILL');
        await p.exited;
      }
    }
  });
  afterAll(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('prints the URL and the ready line; the kubeconfig appears complete and only once the server is ready', async () => {
    const dir = tmp();
    const kubeconfig = path.join(dir, 'nested', 'kubeconfig');
    const dataDir = path.join(dir, 'data');
    const p = start(['--port', '0', '--data-dir', dataDir, '--kubeconfig', kubeconfig]);

    await waitFor('the kubeconfig file', () => existsSync(kubeconfig), 20_000);
    const config = parseYaml(readFileSync(kubeconfig, 'utf8')) as Json;
    const server: string = config.clusters[0].cluster.server;
    // The file exists, so the server must already be serving and ready.
    const readyz = await fetch(`${server}/readyz`);
    expect(readyz.status).toBe(200);
    expect(await readyz.text()).toBe('ok');

    expect(config).toMatchObject({ apiVersion: 'v1', kind: 'Config', 'current-context': expect.any(String) });
    const ctx = config.contexts.find((c: Json) => c.name === config['current-context']);
    expect(ctx).toBeDefined();
    expect(config.clusters.map((c: Json) => c.name)).toContain(ctx.context.cluster);
    expect(config.users.map((u: Json) => u.name)).toContain(ctx.context.user);
    // Written atomically: no temporary file is left beside it.
    expect(readdirSync(path.dirname(kubeconfig))).toEqual(['kubeconfig']);

    await p.waitForStdout(READY);
    const out = p.stdout();
    expect(out).toMatch(LISTENING);
    const url = out.match(LISTENING)![1];
    expect(url).toBe(server);
    // Loopback by default.
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(out).toContain(`kubeconfig written to ${kubeconfig}\n`);
    expect(out).toContain(`storage: LevelDB in ${dataDir}\n`);
    expect(out).toContain(`export KUBECONFIG=${kubeconfig}\n`);
    expect(p.stderr()).not.toMatch(/internal error|    at /);

    const port = Number(new URL(url).port);
    const external = Object.values(os.networkInterfaces())
      .flat()
      .find((i) => i && i.family === 'IPv4' && !i.internal);
    if (external) expect(await tryConnect(external.address, port)).toBe('ECONNREFUSED');

    // Real kubectl works with the file as written.
    const namespaces = await new Kubectl('1.33', kubeconfig).ok(['get', 'namespaces', '-o', 'name']);
    expect(namespaces.split('\n')).toContain('namespace/default');
  });

  it.each(['SIGTERM', 'SIGINT'] as const)('%s exits 0 promptly and keeps every acknowledged write', async (signal) => {
    const dir = tmp();
    const dataDir = path.join(dir, 'data');
    const args = ['--port', '0', '--data-dir', dataDir, '--kubeconfig', path.join(dir, 'kubeconfig')];
    const { p, url } = await startReady(args, { cwd: dir });
    const created = await createMany(
      url,
      '/api/v1/namespaces/default/configmaps',
      Array.from({ length: 50 }, (_, i) => configMap(`acked-${i}`, { i: String(i) })),
      16,
    );
    const last = await apiOk(url, 'PUT', '/api/v1/namespaces/default/configmaps/acked-0', { ...created[0], data: { i: 'updated' } });
    created[0] = last;

    // An open watch (a long-lived response) must not hold the shutdown up.
    const watch = await openWatch(url, '/api/v1/namespaces/default/configmaps?watch=true');

    const t0 = Date.now();
    p.child.kill(signal);
    const exit = await p.waitForExit(10_000);
    await watch.ended;
    expect(exit).toEqual({ code: 0, signal: null });
    expect(Date.now() - t0).toBeLessThan(5_000);
    expect(p.stdout()).toContain(`kubesim: ${signal} received, stopping`);
    expect(p.stderr()).not.toMatch(/error|    at /i);

    const again = await startReady(args, { cwd: dir });
    const list = await apiOk(again.url, 'GET', '/api/v1/namespaces/default/configmaps');
    const byName = new Map<string, Json>(list.items.map((i: Json) => [i.metadata.name, i]));
    for (const c of created) {
      expect(byName.get(c.metadata.name)?.metadata.resourceVersion).toBe(c.metadata.resourceVersion);
      expect(byName.get(c.metadata.name)?.data).toEqual(c.data);
    }
    expect(byName.get('acked-0')?.data).toEqual({ i: 'updated' });
    const maxRv = Math.max(...created.map((c) => Number(c.metadata.resourceVersion)));
    expect(Number(list.metadata.resourceVersion)).toBeGreaterThanOrEqual(maxRv);
    const next = await apiOk(again.url, 'POST', '/api/v1/namespaces/default/configmaps', configMap('after-restart'));
    expect(Number(next.metadata.resourceVersion)).toBeGreaterThan(maxRv);
  });

  it('a port already in use is one line on stderr naming the port, and a non-zero exit', async () => {
    const blocker = net.createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', () => r()));
    const port = (blocker.address() as net.AddressInfo).port;
    try {
      const dir = tmp();
      const kubeconfig = path.join(dir, 'kubeconfig');
      const p = start(['--port', String(port), '--in-memory', '--kubeconfig', kubeconfig], { cwd: dir });
      const exit = await p.waitForExit();
      expect(exit.code).not.toBe(0);
      expect(exit.code).not.toBeNull();
      expect(errLines(p)).toHaveLength(1);
      expect(errLines(p)[0]).toContain(String(port));
      expect(errLines(p)[0]).toMatch(/^kubesim: .*in use/);
      expect(p.stderr()).not.toContain('    at ');
      expect(p.stdout()).not.toMatch(READY);
      expect(existsSync(kubeconfig)).toBe(false);
    } finally {
      await new Promise((r) => blocker.close(r));
    }
  });

  it('a data directory locked by another running kubesim is one clear line and a non-zero exit', async () => {
    const dir = tmp();
    const dataDir = path.join(dir, 'data');
    const first = await startReady(['--port', '0', '--data-dir', dataDir, '--kubeconfig', path.join(dir, 'kubeconfig-1')], { cwd: dir });

    const second = start(['--port', '0', '--data-dir', dataDir, '--kubeconfig', path.join(dir, 'kubeconfig-2')], { cwd: dir });
    const exit = await second.waitForExit();
    expect(exit.code).not.toBe(0);
    expect(exit.code).not.toBeNull();
    expect(errLines(second)).toHaveLength(1);
    expect(errLines(second)[0]).toContain(dataDir);
    expect(errLines(second)[0]).toMatch(/in use|lock/i);
    expect(second.stderr()).not.toContain('    at ');
    expect(existsSync(path.join(dir, 'kubeconfig-2'))).toBe(false);

    // The first one is unaffected.
    expect((await fetch(`${first.url}/readyz`)).status).toBe(200);
    await apiOk(first.url, 'POST', '/api/v1/namespaces/default/configmaps', configMap('still-writable'));
  });

  it('an unwritable data directory (under a regular file) is one clear line and a non-zero exit', async () => {
    const dir = tmp();
    const file = path.join(dir, 'plain-file');
    writeFileSync(file, 'not a directory');
    const dataDir = path.join(file, 'sub');
    const p = start(['--port', '0', '--data-dir', dataDir, '--kubeconfig', path.join(dir, 'kubeconfig')], { cwd: dir });
    const exit = await p.waitForExit();
    expect(exit.code).not.toBe(0);
    expect(exit.code).not.toBeNull();
    expect(errLines(p)).toHaveLength(1);
    expect(errLines(p)[0]).toMatch(/^kubesim: /);
    expect(errLines(p)[0]).toContain(dataDir);
    expect(p.stderr()).not.toContain('    at ');
    expect(existsSync(path.join(dir, 'kubeconfig'))).toBe(false);
  });

  it('--in-memory keeps nothing on disk and nothing across a restart', async () => {
    const dir = tmp();
    const args = ['--in-memory', '--port', '0', '--kubeconfig', path.join(dir, 'kubeconfig')];
    const { p, url } = await startReady(args, { cwd: dir });
    expect(p.stdout()).toContain('storage: in memory');
    await apiOk(url, 'POST', '/api/v1/namespaces/default/configmaps', configMap('ephemeral'));
    expect(existsSync(path.join(dir, '.kubesim'))).toBe(false);
    p.child.kill('SIGTERM');
    expect(await p.waitForExit()).toEqual({ code: 0, signal: null });

    const again = await startReady(args, { cwd: dir });
    expect((await api(again.url, 'GET', '/api/v1/namespaces/default/configmaps/ephemeral')).status).toBe(404);
    expect(readdirSync(dir)).toEqual(['kubeconfig']);
  });

  it('--host 127.0.0.1 binds and advertises that address', async () => {
    const dir = tmp();
    const { url } = await startReady(['--host', '127.0.0.1', '--port', '0', '--in-memory', '--kubeconfig', path.join(dir, 'kubeconfig')], { cwd: dir });
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect((await fetch(`${url}/readyz`)).status).toBe(200);
    const config = parseYaml(readFileSync(path.join(dir, 'kubeconfig'), 'utf8')) as Json;
    expect(config.clusters[0].cluster.server).toBe(url);
  });

  it('npm start defaults: ./kubeconfig and ./.kubesim in the working directory, and the export line', async () => {
    const cwd = tmp();
    const { p, url } = await startReady([], { cwd, env: { KUBESIM_PORT: '0' } });
    const kubeconfig = path.join(cwd, 'kubeconfig');
    expect(existsSync(kubeconfig)).toBe(true);
    expect((parseYaml(readFileSync(kubeconfig, 'utf8')) as Json).clusters[0].cluster.server).toBe(url);
    expect(statSync(path.join(cwd, '.kubesim')).isDirectory()).toBe(true);
    expect(readdirSync(path.join(cwd, '.kubesim')).length).toBeGreaterThan(0);
    expect(p.stdout()).toContain(`kubeconfig written to ${kubeconfig}\n`);
    expect(p.stdout()).toContain('storage: LevelDB in .kubesim\n');
    expect(p.stdout()).toMatch(new RegExp(`^ +export KUBECONFIG=${kubeconfig.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`, 'm'));
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(Number(new URL(url).port)).not.toBe(0);
  });

  it('the KUBESIM_* environment variables mirror the flags', async () => {
    const cwd = tmp();
    const kubeconfig = path.join(cwd, 'env-kubeconfig');
    const dataDir = path.join(cwd, 'env-data');
    const { p, url } = await startReady([], {
      cwd,
      env: { KUBESIM_PORT: '0', KUBESIM_HOST: '127.0.0.1', KUBESIM_DATA_DIR: dataDir, KUBESIM_KUBECONFIG: kubeconfig, KUBESIM_KUBERNETES_VERSION: 'v1.30.4' },
    });
    expect(existsSync(kubeconfig)).toBe(true);
    expect(statSync(dataDir).isDirectory()).toBe(true);
    expect(existsSync(path.join(cwd, '.kubesim'))).toBe(false);
    expect(existsSync(path.join(cwd, 'kubeconfig'))).toBe(false);
    expect(p.stdout()).toContain(`storage: LevelDB in ${dataDir}\n`);
    expect((await apiOk(url, 'GET', '/version')).gitVersion).toBe('v1.30.4');

    // A flag wins over its variable.
    const flagged = await startReady(['--port', '0', '--in-memory', '--kubeconfig', path.join(cwd, 'flag-kubeconfig')], {
      cwd,
      env: { KUBESIM_PORT: '0', KUBESIM_DATA_DIR: dataDir, KUBESIM_KUBECONFIG: kubeconfig },
    });
    expect(flagged.p.stdout()).toContain('storage: in memory');
    expect(existsSync(path.join(cwd, 'flag-kubeconfig'))).toBe(true);
  });
});
