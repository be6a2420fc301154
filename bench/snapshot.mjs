// Builds a private snapshot of kubesim for benchmarking: compiles src/ into bench/.data/snapshot/dist, bundles and
// precompiles it like `npm run build`, and copies openapi/ and fixtures/ next to it (dist code reads ../openapi/* and
// ../fixtures/ relative to itself). Run the benchmarks on it with
//   KUBESIM_BENCH_DIST=bench/.data/snapshot/dist node bench/run-all.mjs
// Why: dist/ is shared, and other engineers rebuilding it during a multi-minute run would mix builds mid-run.
// Writes bench/.data/snapshot/SNAPSHOT.txt (time, git HEAD, working-tree changes).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { BENCH_DIR } from './common.mjs';

const root = path.dirname(BENCH_DIR);
const snap = path.join(BENCH_DIR, '.data', 'snapshot');
fs.rmSync(snap, { recursive: true, force: true });
fs.mkdirSync(snap, { recursive: true });
const git = (...a) => execFileSync('git', ['--no-optional-locks', ...a], { cwd: root, encoding: 'utf8' }).trimEnd();
const info = [`built ${new Date().toISOString()}`, `HEAD ${git('rev-parse', 'HEAD')} ${git('log', '-1', '--format=%s')}`, 'working tree (git status --short):', git('status', '--short')];
try {
  execFileSync('npx', ['tsc', '-p', 'tsconfig.build.json', '--outDir', path.join(snap, 'dist')], { cwd: root, stdio: 'pipe' });
} catch (e) {
  // Type errors still emit (noEmitOnError is off); report them.
  const out = String(e.stdout ?? '') + String(e.stderr ?? '');
  info.push('tsc reported:', out.trim());
  console.error(`tsc reported errors (output emitted anyway):\n${out.trim()}`);
}
fs.cpSync(path.join(root, 'openapi'), path.join(snap, 'openapi'), { recursive: true });
fs.cpSync(path.join(root, 'fixtures'), path.join(snap, 'fixtures'), { recursive: true });
if (!fs.existsSync(path.join(snap, 'dist', 'index.js'))) throw new Error('snapshot build produced no dist/index.js');
// The rest of `npm run build`: the bundle the package's export and the CLI load, the precompiled fixtures and surface.
for (const step of ['bundle', 'precompile']) execFileSync(process.execPath, [path.join(root, 'scripts', `${step}.mjs`), `--dist=${path.join(snap, 'dist')}`], { cwd: root, stdio: 'pipe' });
if (!fs.existsSync(path.join(snap, 'dist', 'machinery', 'patch', 'index.js'))) throw new Error('dist/machinery/patch/index.js missing in the snapshot');
fs.writeFileSync(path.join(snap, 'SNAPSHOT.txt'), `${info.join('\n')}\n`);
console.log(`snapshot in ${path.relative(root, snap)}/dist\n${info.slice(0, 2).join('\n')}`);
