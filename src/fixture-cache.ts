// Precompiled fixture files: the shipped fixture sets parsed from YAML at build time (scripts/precompile.mjs
// writes dist/fixtures.precompiled.json), so that starting a cluster does not load and run a YAML parser on every
// start (the default set took ~100 ms of a ~600 ms start that way, most of it a cold parser).
//
// A fixture file's `{{var}}` placeholders are replaced in its *text* before parsing (src/fixtures.ts). The build
// replaces each placeholder by an inert token instead, parses, and stores the documents as JSON; a start puts the
// values in the JSON. That gives the same documents as substituting and parsing the YAML when a value cannot change
// how the YAML reads: it is plain text (letters, digits, `.`, `_`, `:`, `+`, `-`), and where a placeholder is a whole
// unquoted scalar by itself, the value does not read as a number, boolean or null. Other values, files whose content
// changed since the build (entries are keyed by a hash of the text), and files the build could not prove equivalent
// all go through the YAML parser as before.
import { readFileSync } from 'node:fs';
import { isDeepStrictEqual } from 'node:util';
import { contentKey } from './content-key.js';

export { contentKey };

/** One precompiled file: its documents (each what `Document.toJSON()` gives) as JSON with tokens for placeholders. */
export interface PrecompiledFile {
  docs: string;
  /** The placeholder names the file uses. */
  vars: string[];
  /** The unquoted scalars holding placeholders that could read as a non-string once the values are in (those with
   * nothing but digits, dots, signs or letters around them), with tokens: they must still read as strings. */
  typed: string[];
}

export type PrecompiledTable = Record<string, PrecompiledFile>;

const PLACEHOLDER = /\{\{(\w+)\}\}/g;
const TOKEN = /KSVAR_([A-Za-z0-9]+)_KSVAR/g;
const SAFE_VALUE = /^[A-Za-z0-9._:+-]+$/;
/** What the YAML 1.2 core schema reads as null, bool, int or float (a plain scalar that is not a string). */
const NON_STRING = /^(?:~|null|Null|NULL|true|True|TRUE|false|False|FALSE|[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+|[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$/;

export const PRECOMPILED_FILE = new URL('./fixtures.precompiled.json', import.meta.url);

let table: PrecompiledTable | undefined;

function loadTable(): PrecompiledTable {
  if (!table) {
    try {
      table = JSON.parse(readFileSync(PRECOMPILED_FILE, 'utf8')) as PrecompiledTable;
    } catch {
      table = {}; // not built (running from source): every file goes through the YAML parser
    }
  }
  return table;
}

/** Replaces the tokens of a precompiled file by the values; undefined when a value could read differently. */
export function instantiate(entry: PrecompiledFile, vars: Record<string, string>): unknown[] | undefined {
  for (const name of entry.vars) {
    const v = vars[name];
    if (v === undefined || !SAFE_VALUE.test(v)) return undefined;
  }
  const fill = (t: string) => t.replace(TOKEN, (_m, k: string) => vars[k]);
  if (entry.typed.some((t) => NON_STRING.test(fill(t)))) return undefined;
  return JSON.parse(fill(entry.docs)) as unknown[];
}

/**
 * The documents of a fixture file from the build's precompiled table, exactly as parsing its text with the
 * placeholders replaced would give them; undefined when the file is not in the table or the values need the parser.
 * `text` is the file's content as read (placeholders not replaced).
 */
export function precompiledDocuments(text: string, vars: Record<string, string>, from: PrecompiledTable = loadTable()): unknown[] | undefined {
  const entry = from[contentKey(text)];
  return entry ? instantiate(entry, vars) : undefined;
}

/**
 * Build step: precompiles one YAML file's text, or undefined when the result could not be proven to equal the parser's
 * (YAML errors or warnings, explicit tags next to placeholders, values JSON cannot hold, a mismatch on sample values).
 * `yaml` is the yaml package (passed in so that this module does not load it at run time).
 */
export function precompileText(text: string, yaml: typeof import('yaml')): PrecompiledFile | undefined {
  const parse = (t: string) => {
    const docs = yaml.parseAllDocuments(t);
    if (!Array.isArray(docs)) return undefined; // an empty stream
    if (docs.some((d) => d.errors.length || d.warnings.length)) return undefined;
    return docs;
  };
  if (/KSVAR_/.test(text)) return undefined;
  const vars = new Set<string>();
  for (const m of text.matchAll(PLACEHOLDER)) {
    if (!/^[A-Za-z0-9]+$/.test(m[1])) return undefined;
    vars.add(m[1]);
  }
  const tokenized = text.replace(PLACEHOLDER, (_m, k: string) => `KSVAR_${k}_KSVAR`);
  const docs = parse(tokenized);
  if (!docs) return undefined;
  const typed = new Set<string>();
  let tagged = false;
  for (const d of docs) {
    yaml.visit(d, {
      Scalar(_key, node) {
        const src = typeof node.source === 'string' ? node.source : String(node.value);
        if (!src.includes('KSVAR_')) return;
        if (node.tag) tagged = true;
        // A string with a ':', '/' or space in it never reads as a number, boolean or null, whatever the values.
        if ((node.type === 'PLAIN' || node.type === undefined) && !/[:/ ]/.test(src.replace(TOKEN, ''))) typed.add(src);
      },
    });
  }
  if (tagged) return undefined;
  const values = docs.map((d) => d.toJSON() as unknown);
  const json = JSON.stringify(values);
  if (!isDeepStrictEqual(JSON.parse(json), values)) return undefined;
  const entry: PrecompiledFile = { docs: json, vars: [...vars], typed: [...typed] };
  // Proof on sample values: the same documents as substituting into the text and parsing it.
  const samples: Record<string, string>[] = [
    Object.fromEntries([...vars].map((v) => [v, 'v1.33.1'])),
    Object.fromEntries([...vars].map((v) => [v, '2026-01-02T03:04:05Z'])),
  ];
  for (const s of samples) {
    const direct = parse(text.replace(PLACEHOLDER, (m, k: string) => s[k] ?? m));
    if (!direct || !isDeepStrictEqual(instantiate(entry, s), direct.map((d) => d.toJSON() as unknown))) return undefined;
  }
  return entry;
}
