#!/usr/bin/env node
// Build step (after tsc): bundles the compiled package so that a start loads a few files instead of ~300 modules.
// Resolving, reading and linking each ES module costs Node about half a millisecond, which made loading kubesim
// take longer than starting the cluster (bench/RESULTS.md, "Startup").
//
//   node scripts/bundle.mjs [--dist=dist] [--metafile=FILE]   (FILE: esbuild's metafile, what went where)
//
// Input is tsc's output (so the code is exactly what tsc emitted, and the source maps chain back to src/*.ts); the
// two entry points dist/index.js (the package's export) and dist/cli.js (bin/kubesim.js) are replaced by bundles,
// and the code they share, or load with import(), goes into dist/bundle-<hash>.js chunks beside them. Dependencies
// (node_modules) stay external: they load as before, and only when the code that needs them runs. Every other file
// of dist/ stays as tsc wrote it (the .d.ts types, and the modules scripts/precompile.mjs loads).
//
// Code that finds files relative to itself (`new URL('../../openapi/...', import.meta.url)`) sees the URL of its
// own module in dist/ as before: each `import.meta.url` is rewritten to that URL, computed from the bundle's.
import { existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const arg = (name, dflt) => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? dflt;
const dist = path.resolve(ROOT, arg('dist', 'dist'));
const BANNER = '// kubesim bundle: written by scripts/bundle.mjs from the tsc output; see that script.';
const ENTRIES = ['index', 'cli'];

for (const e of ENTRIES) {
  const file = path.join(dist, `${e}.js`);
  if (!existsSync(file)) throw new Error(`${path.relative(ROOT, file)} is missing: run tsc -p tsconfig.build.json first`);
  if (readFileSync(file, 'utf8').startsWith(BANNER)) throw new Error(`${path.relative(ROOT, file)} is a bundle already: run tsc -p tsconfig.build.json first`);
}
// Chunks of an earlier bundle.
for (const f of readdirSync(dist)) if (/^bundle-[A-Z0-9]+\.js(\.map)?$/.test(f)) rmSync(path.join(dist, f));

/** Characters outside Latin-1 make V8 keep a whole script's source as two bytes per character; escaped, one. */
const escapeWide = (text) => text.replace(/[^\0-\xff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);

const inDist = {
  name: 'kubesim-dist',
  setup(build) {
    build.onLoad({ filter: /\.js$/ }, (args) => {
      const rel = path.relative(dist, args.path);
      if (rel.startsWith('..') || path.isAbsolute(rel)) return undefined;
      let text = readFileSync(args.path, 'utf8');
      if (text.includes('import.meta.url')) {
        text = text.replaceAll('import.meta.url', `new URL(${JSON.stringify(`./${rel.split(path.sep).join('/')}`)}, import.meta.url).href`);
      }
      // No module of src/ holds a template literal read raw (String.raw), where an escape would change the text.
      return { contents: escapeWide(text), loader: 'js', resolveDir: path.dirname(args.path) };
    });
  },
};

const started = performance.now();
const result = await esbuild.build({
  entryPoints: Object.fromEntries(ENTRIES.map((e) => [e, path.join(dist, `${e}.js`)])),
  outdir: dist,
  allowOverwrite: true,
  bundle: true,
  splitting: true,
  chunkNames: 'bundle-[hash]', // beside the entry points: one directory level, like the modules they hold
  format: 'esm',
  platform: 'node',
  target: 'node20',
  packages: 'external',
  sourcemap: true,
  sourcesContent: false, // like tsc's maps: they point at src/*.ts
  keepNames: true,
  banner: { js: BANNER },
  plugins: [inDist],
  metafile: true,
  logLevel: 'warning',
});
if (arg('metafile')) writeFileSync(arg('metafile'), JSON.stringify(result.metafile, null, 1));
const outputs = Object.entries(result.metafile.outputs).filter(([f]) => f.endsWith('.js'));
const modules = Object.keys(result.metafile.inputs).length;
const kib = (n) => `${(n / 1024).toFixed(0)} KiB`;
/** The files an entry point loads before it runs (static imports, transitively). */
const loadedAtStart = (entry) => {
  const seen = new Set();
  const visit = (f) => {
    if (seen.has(f)) return;
    seen.add(f);
    for (const i of result.metafile.outputs[f].imports) if (i.kind === 'import-statement' && !i.external) visit(i.path);
  };
  visit(entry);
  return [...seen];
};
const bytes = (files) => files.reduce((n, f) => n + result.metafile.outputs[f].bytes, 0);
const atStart = new Set();
const lines = ENTRIES.map((e) => {
  const entry = outputs.find(([f]) => path.resolve(f) === path.join(dist, `${e}.js`))[0];
  const files = loadedAtStart(entry);
  for (const f of files) atStart.add(f);
  return `${path.relative(ROOT, path.join(dist, `${e}.js`))} loads ${files.length} files (${kib(bytes(files))}) at start`;
});
const later = outputs.map(([f]) => f).filter((f) => !atStart.has(f));
console.log(`bundled ${modules} modules in ${(performance.now() - started).toFixed(0)} ms: ${lines.join('; ')}; ${later.length} more chunks (${kib(bytes(later))}) load on first use`);
for (const [f] of outputs) {
  const text = readFileSync(f, 'utf8');
  if (/[^\0-\xff]/.test(text)) throw new Error(`${f} holds characters outside Latin-1`);
  if (!statSync(`${f}.map`).size) throw new Error(`${f}.map is empty`);
}
