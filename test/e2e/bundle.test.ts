// The bundled build (`npm run build`: tsc, then scripts/bundle.mjs): the package's export and the CLI load a few
// files instead of ~300 modules, and load no dependency until a request needs it (start-up time and idle memory,
// bench/startup.mjs). Built here into a temp directory laid out like the package (dist/, bin/, openapi/, fixtures/,
// node_modules/), so that other tests rebuilding dist/ cannot interfere.
import { execFileSync, spawn } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../helpers/cli.js';
import { Kubectl } from '../helpers/kubectl.js';
import { waitFor } from '../helpers/wait.js';

/** Runs `script` (an ES module) with node; resolves with stdout, rejects with the output on a non-zero exit. */
function runNode(args: string[], cwd: string): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += String(d)));
    child.stderr.on('data', (d) => (stderr += String(d)));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve({ stdout, stderr });
      else reject(new Error(`node ${args.join(' ')} exited ${code}\nstdout: ${stdout}\nstderr: ${stderr}`));
    });
  });
}

describe('the bundled build', () => {
  let root = '';
  let dist = '';

  beforeAll(() => {
    root = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'kubesim-bundle-')));
    dist = path.join(root, 'dist');
    try {
      execFileSync('npx', ['tsc', '-p', 'tsconfig.build.json', '--outDir', dist], { cwd: REPO_ROOT, stdio: 'pipe', timeout: 180_000 });
    } catch (err) {
      const e = err as { stdout?: Buffer; message: string };
      throw new Error(`tsc failed: ${e.message}\n${e.stdout?.toString() ?? ''}`);
    }
    for (const d of ['node_modules', 'openapi', 'fixtures']) symlinkSync(path.join(REPO_ROOT, d), path.join(root, d));
    cpSync(path.join(REPO_ROOT, 'bin'), path.join(root, 'bin'), { recursive: true });
    execFileSync(process.execPath, ['scripts/bundle.mjs', `--dist=${dist}`], { cwd: REPO_ROOT, stdio: 'pipe' });
    execFileSync(process.execPath, ['scripts/precompile.mjs', `--dist=${dist}`], { cwd: REPO_ROOT, stdio: 'pipe' });
  }, 240_000);

  afterAll(() => {
    if (root) rmSync(root, { recursive: true, force: true });
  });

  it('replaces the entry points by bundles with source maps back to src/, and refuses to bundle twice', () => {
    for (const entry of ['index.js', 'cli.js']) expect(readFileSync(path.join(dist, entry), 'utf8')).toMatch(/^\/\/ kubesim bundle/);
    const chunks = readdirSync(dist).filter((f) => /^bundle-\w+\.js$/.test(f));
    expect(chunks.length).toBeGreaterThan(0);
    const sources = chunks.flatMap((c) => JSON.parse(readFileSync(path.join(dist, `${c}.map`), 'utf8')).sources as string[]);
    expect(sources.some((s) => s.endsWith('src/cluster.ts'))).toBe(true);
    expect(sources.some((s) => s.endsWith('src/streams/index.ts'))).toBe(true);
    // The types stay tsc's.
    expect(readFileSync(path.join(dist, 'index.d.ts'), 'utf8')).toContain('createCluster');
    expect(() => execFileSync(process.execPath, ['scripts/bundle.mjs', `--dist=${dist}`], { cwd: REPO_ROOT, stdio: 'pipe' })).toThrow(/a bundle already/);
  });

  it('starts a default cluster without loading any dependency, and loads each one when a request needs it', async () => {
    // A module hook records every module the process loads (ES modules, and CommonJS ones through require()).
    writeFileSync(path.join(root, 'hooks.mjs'), `import { appendFileSync } from 'node:fs';
export async function load(url, context, next) {
  appendFileSync(${JSON.stringify(path.join(root, 'loaded.txt'))}, url + '\\n');
  return next(url, context);
}
`);
    writeFileSync(path.join(root, 'register.mjs'), `import { register } from 'node:module';\nimport Module from 'node:module';\nimport { appendFileSync } from 'node:fs';
register('./hooks.mjs', import.meta.url);
const load = Module._load;
Module._load = function (request, parent, isMain) { const r = load.apply(this, arguments); try { appendFileSync(${JSON.stringify(path.join(root, 'loaded.txt'))}, Module._resolveFilename(request, parent) + '\\n'); } catch {} return r; };
`);
    writeFileSync(
      path.join(root, 'probe.mjs'),
      `import { readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
const loaded = () => readFileSync(${JSON.stringify(path.join(root, 'loaded.txt'))}, 'utf8').split('\\n').filter((l) => l.includes('node_modules')).map((l) => l.replace(/^.*node_modules\\//, '').split('/').slice(0, 2).join('/'));
const get = (url, headers) => new Promise((resolve, reject) => http.get(url, { headers }, (res) => { let b = ''; res.on('data', (d) => (b += d)); res.on('end', () => resolve({ status: res.statusCode, body: b })); }).on('error', reject));
const { createCluster } = await import('./dist/index.js');
const cluster = await createCluster({ port: 0 });
const atReady = [...new Set(loaded())];
const nodes = (await cluster.client.resource('', 'v1', 'nodes').list()).items.map((n) => n.metadata.name);
const yamlNs = await get(cluster.url + '/api/v1/namespaces/default', { accept: 'application/yaml' });
const afterYaml = [...new Set(loaded())];
await cluster.close();
process.stdout.write(JSON.stringify({ atReady, nodes, kubeconfig: cluster.kubeconfig, yamlNs, afterYaml }));
`,
    );
    writeFileSync(path.join(root, 'loaded.txt'), '');
    const { stdout } = await runNode(['--import', './register.mjs', 'probe.mjs'], root);
    const out = JSON.parse(stdout);
    expect(out.nodes).toEqual(['master', 'node01', 'node02']);
    expect(out.atReady).toEqual([]);
    expect(out.kubeconfig).toContain('current-context: kubesim');
    expect(out.yamlNs.status).toBe(200);
    expect(out.yamlNs.body).toMatch(/^apiVersion: v1\nkind: Namespace\n/);
    expect(out.afterYaml.some((m: string) => m.startsWith('yaml/'))).toBe(true);
  }, 120_000);

  it('runs the CLI from the bundle: kubectl get, exec (streams), YAML output and CRD validation rules (CEL)', async () => {
    const kubeconfig = path.join(root, 'kubeconfig');
    const child = spawn(process.execPath, [path.join(root, 'bin', 'kubesim.js'), 'start', '--port', '0', '--in-memory', '--kubeconfig', kubeconfig], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d) => (out += String(d)));
    child.stderr.on('data', (d) => (out += String(d)));
    try {
      await waitFor('kubesim is ready', () => /^kubesim is ready$/m.test(out) || undefined, 30_000);
      const k = new Kubectl('1.33', kubeconfig);
      expect(await k.ok(['get', 'nodes', '-o', 'name'])).toBe('node/master\nnode/node01\nnode/node02\n');
      expect(await k.ok(['get', 'namespace', 'default', '-o', 'yaml'])).toMatch(/^apiVersion: v1\nkind: Namespace\n/);

      await k.ok(['run', 'probe', '--image=busybox:1.36', '--', 'sleep', '3600']);
      await waitFor('pod probe Running', async () => (await k.ok(['get', 'pod', 'probe', '-o', 'jsonpath={.status.phase}'])) === 'Running' || undefined, 30_000);
      expect(await k.ok(['exec', 'probe', '--', 'echo', 'hello from the bundle'])).toBe('hello from the bundle\n');

      const crd = {
        apiVersion: 'apiextensions.k8s.io/v1',
        kind: 'CustomResourceDefinition',
        metadata: { name: 'widgets.example.com' },
        spec: {
          group: 'example.com',
          names: { plural: 'widgets', singular: 'widget', kind: 'Widget' },
          scope: 'Namespaced',
          versions: [
            {
              name: 'v1',
              served: true,
              storage: true,
              schema: {
                openAPIV3Schema: {
                  type: 'object',
                  properties: {
                    spec: {
                      type: 'object',
                      properties: { min: { type: 'integer' }, max: { type: 'integer' } },
                      'x-kubernetes-validations': [{ rule: 'self.min <= self.max', message: 'min must not exceed max' }],
                    },
                  },
                },
              },
            },
          ],
        },
      };
      await k.ok(['apply', '-f', '-'], { input: JSON.stringify(crd) });
      await k.ok(['wait', '--for=condition=Established', 'crd/widgets.example.com', '--timeout=20s']);
      const bad = await k.run(['apply', '-f', '-'], { input: JSON.stringify({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' }, spec: { min: 5, max: 1 } }) });
      expect(bad.code).not.toBe(0);
      expect(bad.stderr).toContain('min must not exceed max');
      await k.ok(['apply', '-f', '-'], { input: JSON.stringify({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' }, spec: { min: 1, max: 5 } }) });
    } finally {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    }
    expect(out).toContain('kubesim: SIGTERM received, stopping');
  }, 180_000);

  it('maps stack traces to src/ with --enable-source-maps', async () => {
    mkdirSync(path.join(root, 'err'), { recursive: true });
    writeFileSync(
      path.join(root, 'err', 'probe.mjs'),
      `const { createCluster } = await import('../dist/index.js');
try { await createCluster({ fixture: 'no-such-fixture-set' }); } catch (err) { process.stdout.write(String(err.stack)); }
`,
    );
    const { stdout } = await runNode(['--enable-source-maps', 'err/probe.mjs'], root);
    expect(stdout).toMatch(/src\/fixtures\.ts:\d+/);
  }, 60_000);
});
