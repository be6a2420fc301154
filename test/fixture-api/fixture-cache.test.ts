// Precompiled fixture files (src/fixture-cache.ts) must give exactly the documents the YAML parser gives for the text
// with the placeholders replaced, and step aside whenever a value could make the YAML read differently.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import * as yaml from 'yaml';
import { describe, expect, it } from 'vitest';
import { contentKey, precompiledDocuments, precompileText, type PrecompiledTable } from '../../src/fixture-cache.js';

const FIXTURES = path.resolve('fixtures');

/** What src/fixtures.ts does without the table: replace the placeholders in the text, parse every document. */
function parsed(text: string, vars: Record<string, string>): unknown[] {
  return yaml.parseAllDocuments(text.replace(/\{\{(\w+)\}\}/g, (m, k: string) => vars[k] ?? m)).map((d) => d.toJSON());
}

function shippedFiles(): string[] {
  const out: string[] = [];
  for (const set of readdirSync(FIXTURES)) {
    const dir = path.join(FIXTURES, set);
    if (!statSync(dir).isDirectory()) continue;
    for (const f of readdirSync(dir)) if (/\.ya?ml$/.test(f)) out.push(path.join(dir, f));
  }
  return out;
}

describe('precompiled fixture files', () => {
  it('precompiles every shipped fixture file, and gives the parser’s documents for the values kubesim uses', () => {
    const files = shippedFiles();
    expect(files.length).toBeGreaterThanOrEqual(6);
    const table: PrecompiledTable = {};
    for (const f of files) {
      const text = readFileSync(f, 'utf8');
      const entry = precompileText(text, yaml);
      expect(entry, f).toBeDefined();
      table[contentKey(text)] = entry!;
    }
    const varSets = [
      { now: '2026-11-27T00:00:00Z', kubernetesVersion: 'v1.33.1' },
      { now: '1999-01-01T23:59:59Z', kubernetesVersion: 'v1.27.0-alpha.1+abc' },
    ];
    for (const f of files) {
      const text = readFileSync(f, 'utf8');
      for (const vars of varSets) expect(precompiledDocuments(text, vars, table), `${f} ${JSON.stringify(vars)}`).toEqual(parsed(text, vars));
      // An edited file is not in the table: the parser reads it.
      expect(precompiledDocuments(`${text}\n# edited\n`, varSets[0], table)).toBeUndefined();
    }
  });

  it('leaves values that could change how the YAML reads to the parser', () => {
    const text = ['a: {{v}}', 'b: "x-{{v}}"', 'c: img:{{w}}', 'd: |', '  text {{w}}', ''].join('\n');
    const entry = precompileText(text, yaml)!;
    expect(entry).toBeDefined();
    const table = { [contentKey(text)]: entry };
    const ok = { v: 'v1.2.3', w: 'x' };
    expect(precompiledDocuments(text, ok, table)).toEqual(parsed(text, ok));
    // `a: {{v}}` is a whole unquoted scalar: 1.30 or true would be a number or a boolean there.
    for (const v of ['1.30', 'true', '0x1F', '12', 'null', '.inf']) expect(precompiledDocuments(text, { v, w: 'x' }, table), v).toBeUndefined();
    // Characters with a meaning in YAML (or JSON) go to the parser anywhere.
    for (const w of ['a b', 'a"b', 'a\\b', "a'b", 'a#b', '']) expect(precompiledDocuments(text, { v: 'v1', w }, table), w).toBeUndefined();
    // A placeholder without a value stays as written for the parser.
    expect(precompiledDocuments(text, { v: 'v1' }, table)).toBeUndefined();
    // `1{{v}}` next to digits: "1" + "e5" reads as a number.
    const exp = 'n: 1{{v}}\n';
    const expTable = { [contentKey(exp)]: precompileText(exp, yaml)! };
    expect(parsed(exp, { v: 'e5' })).toEqual([{ n: 100000 }]);
    expect(precompiledDocuments(exp, { v: 'e5' }, expTable)).toBeUndefined();
    expect(precompiledDocuments(exp, { v: 'x5' }, expTable)).toEqual([{ n: '1x5' }]);
  });

  it('refuses files it cannot prove equivalent', () => {
    expect(precompileText('a: [1, 2\n', yaml)).toBeUndefined(); // YAML error
    expect(precompileText('a: !!str {{v}}\n', yaml)).toBeUndefined(); // explicit tag on a placeholder
    expect(precompileText('a: .inf\n', yaml)).toBeUndefined(); // Infinity: JSON cannot hold it
    expect(precompileText('a: KSVAR_x_KSVAR\n', yaml)).toBeUndefined(); // the token itself in the text
  });
});
