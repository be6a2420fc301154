// The command line side of the fixture API against a running `kubesim start` (the compiled dist/, built first):
// --clock virtual / KUBESIM_CLOCK, `kubesim clock [advance|set]`, `kubesim snapshot save|restore FILE` (YAML or JSON
// by extension, editable), `kubesim reset`; and the node --test example, which needs the same build.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { parse as parseYaml, stringify as toYaml } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDist, cleanEnv, REPO_ROOT, startCli, type CliProcess } from '../helpers/cli.js';
import { api, apiOk, configMap } from '../helpers/http.js';

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(args: string[], cwd: string, env: Record<string, string> = {}, bin = [`${REPO_ROOT}/bin/kubesim.js`]): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...bin, ...args], { cwd, env: cleanEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += String(d)));
    child.stderr.on('data', (d) => (stderr += String(d)));
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

/** A port nothing listens on (just released by us). */
function closedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

describe('kubesim CLI: clock and snapshots', () => {
  let dir: string;
  let server: CliProcess;
  let url: string;
  const kubesim = (...args: string[]) => run(args, dir);

  beforeAll(async () => {
    buildDist();
    dir = mkdtempSync(path.join(os.tmpdir(), 'kubesim-fixture-cli-'));
    server = startCli(['start', '--in-memory', '--port', '0'], { cwd: dir, env: { KUBESIM_CLOCK: 'virtual' } });
    url = (await server.waitForStdout(/listening at (http:\/\/\S+)/))[1];
    await server.waitForStdout(/kubesim is ready/);
  });
  afterAll(async () => {
    server?.child.kill('SIGTERM');
    await server?.waitForExit().catch(() => undefined);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('shows and advances the virtual clock (the server found through ./kubeconfig)', async () => {
    expect(server.stdout()).toMatch(/clock: virtual, stopped at/);
    const shown = await kubesim('clock');
    expect(shown.stderr).toBe('');
    const before = Date.parse(shown.stdout.split(' ')[0]);
    const advanced = await kubesim('clock', 'advance', '5m');
    expect(advanced.code).toBe(0);
    expect(Date.parse(advanced.stdout.split(' ')[0]) - before).toBe(300_000);
    const set = await kubesim('clock', 'set', '2031-01-01T00:00:00Z', '--server', url);
    expect(set.stdout).toMatch(/^2031-01-01T00:00:00.000000Z \(virtual clock, \d+ timers pending\)/);
    const bad = await kubesim('clock', 'advance', 'soon');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/^kubesim: POST \/kubesim\/v1\/clock\/advance\?by=soon: 400 by: invalid duration/);
  });

  it('saves a YAML snapshot, restores it after a hand edit, and resets', async () => {
    await apiOk(url, 'POST', '/api/v1/namespaces/default/configmaps', configMap('settings', { mode: 'a' }));
    const saved = await kubesim('snapshot', 'save', 'state.yaml');
    expect(saved).toMatchObject({ code: 0, stderr: '' });
    expect(saved.stdout).toMatch(/^saved \d+ objects from http:\/\/127\.0\.0\.1:\d+ to state\.yaml\n$/);
    const doc = parseYaml(readFileSync(path.join(dir, 'state.yaml'), 'utf8'));
    expect(doc.kind).toBe('Snapshot');
    expect(Object.keys(doc.objects).length).toBe(Number(saved.stdout.split(' ')[1]));
    doc.objects['/registry/core/configmaps/default/settings'].data = { mode: 'edited' };
    writeFileSync(path.join(dir, 'state.yaml'), toYaml(doc));

    await apiOk(url, 'DELETE', '/api/v1/namespaces/default/configmaps/settings');
    await apiOk(url, 'POST', '/api/v1/namespaces/default/configmaps', configMap('later'));
    const restored = await kubesim('snapshot', 'restore', 'state.yaml');
    expect(restored.code).toBe(0);
    expect(restored.stdout).toMatch(/^restored state\.yaml to http:\/\/\S+: 2 changes, now at resourceVersion \d+\n$/);
    expect((await apiOk(url, 'GET', '/api/v1/namespaces/default/configmaps/settings')).data).toEqual({ mode: 'edited' });
    expect((await api(url, 'GET', '/api/v1/namespaces/default/configmaps/later')).status).toBe(404);

    const reset = await kubesim('reset');
    expect(reset.code).toBe(0);
    expect((await api(url, 'GET', '/api/v1/namespaces/default/configmaps/settings')).status).toBe(404);
  });

  it('saves and restores JSON too, and reports unreachable servers and bad files in one line', async () => {
    const kubeconfig = path.join(dir, 'kubeconfig');
    expect((await run(['snapshot', 'save', 'state.json', '--kubeconfig', kubeconfig], dir)).code).toBe(0);
    const doc = JSON.parse(readFileSync(path.join(dir, 'state.json'), 'utf8'));
    expect(doc.apiVersion).toBe('kubesim.io/v1alpha1');
    expect((await kubesim('snapshot', 'restore', 'state.json')).stdout).toMatch(/: 0 changes/);

    const port = await closedPort();
    const unreachable = await kubesim('snapshot', 'save', 'x.json', '--server', `http://127.0.0.1:${port}`);
    expect(unreachable.code).toBe(1);
    expect(unreachable.stderr).toBe(`kubesim: cannot reach kubesim at http://127.0.0.1:${port}: ECONNREFUSED\n`);
    const missing = await kubesim('snapshot', 'restore', 'missing.yaml');
    expect(missing).toMatchObject({ code: 1, stderr: 'kubesim: cannot read missing.yaml: ENOENT\n' });
    writeFileSync(path.join(dir, 'bad.yaml'), 'kind: List\n');
    const bad = await kubesim('snapshot', 'restore', 'bad.yaml');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/400 snapshot must have apiVersion kubesim.io\/v1alpha1 and kind Snapshot/);
    const noConfig = await run(['reset'], os.tmpdir());
    expect(noConfig.code).toBe(1);
    expect(noConfig.stderr).toMatch(/^kubesim: no kubeconfig found/);
  });

  it('rejects an unknown --clock or KUBESIM_CLOCK', async () => {
    const badFlag = await run(['start', '--in-memory', '--port', '0', '--clock', 'fast'], dir);
    expect(badFlag.code).not.toBe(0);
    expect(badFlag.stderr).toMatch(/--clock.*must be virtual or real/);
    const badEnv = await run(['start', '--in-memory', '--port', '0'], dir, { KUBESIM_CLOCK: 'fast' });
    expect(badEnv.code).toBe(1);
    expect(badEnv.stderr).toMatch(/KUBESIM_CLOCK must be "virtual" or "real"/);
  });

  it('runs the node --test example (imports the built package by name)', async () => {
    const r = await run(['--test', 'test/fixture-api/node-test/'], REPO_ROOT, {}, []);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/# pass 1/);
  });
});
