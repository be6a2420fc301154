#!/usr/bin/env node
// Build step (after tsc): parses, once and now, the YAML kubesim would otherwise parse at run time, into DIST:
//   fixtures.precompiled.json       the shipped fixture sets (src/fixture-cache.ts explains when that is exact)
//   rest-surface.precompiled.json   openapi/rest-surface.yaml, the router's document (src/api/router.ts)
// Each artifact is keyed by a hash of its source text, so an edited source is parsed at run time instead.
//
//   node scripts/precompile.mjs [--dist=dist] [--fixtures=fixtures] [--openapi=openapi]
import { existsSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as yaml from 'yaml';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const arg = (name, dflt) => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? dflt;
const dist = path.resolve(ROOT, arg('dist', 'dist'));
const fixtures = path.resolve(ROOT, arg('fixtures', 'fixtures'));
const openapi = path.resolve(ROOT, arg('openapi', 'openapi'));
const load = (rel) => import(pathToFileURL(path.join(dist, rel)).href);
const { contentKey, precompileText } = await load('fixture-cache.js');
const { parseSurface } = await load('api/router.js');

function write(name, value) {
  const out = path.join(dist, name);
  writeFileSync(`${out}.tmp`, JSON.stringify(value));
  renameSync(`${out}.tmp`, out);
  return path.relative(ROOT, out);
}

// Fixtures.
const table = {};
let files = 0;
const skipped = [];
for (const set of existsSync(fixtures) ? readdirSync(fixtures) : []) {
  const dir = path.join(fixtures, set);
  if (!statSync(dir).isDirectory()) continue;
  for (const f of readdirSync(dir).filter((n) => /\.ya?ml$/i.test(n)).sort()) {
    const text = readFileSync(path.join(dir, f), 'utf8');
    const entry = precompileText(text, yaml);
    if (entry) {
      table[contentKey(text)] = entry;
      files++;
    } else skipped.push(`${set}/${f}`);
  }
}
const fixturesOut = write('fixtures.precompiled.json', table);
console.log(`precompiled ${files} fixture files into ${fixturesOut}${skipped.length ? `; left to the YAML parser: ${skipped.join(', ')}` : ''}`);

// The REST surface (only when JSON holds the document exactly).
const surfaceText = readFileSync(path.join(openapi, 'rest-surface.yaml'), 'utf8');
const definition = parseSurface(surfaceText, yaml);
if (isDeepStrictEqual(JSON.parse(JSON.stringify(definition)), definition)) {
  console.log(`precompiled openapi/rest-surface.yaml into ${write('rest-surface.precompiled.json', { source: contentKey(surfaceText), definition })}`);
} else {
  console.log('openapi/rest-surface.yaml is left to the YAML parser (JSON cannot hold it exactly)');
}
