// Field selectors, mirroring k8s.io/apimachinery/pkg/fields/selector.go (ParseSelector, splitTerms, splitTerm,
// UnescapeValue, EscapeValue, hasTerm/notHasTerm/andTerm) and the field-label conversion errors of the
// apiserver (core/v1 AddFieldLabelConversionsFor* and runtime.DefaultMetaV1FieldSelectorConversion).
//
// Upstream does not trim whitespace: "metadata.name = x" selects field "metadata.name " with value " x" (and is
// then rejected as an unsupported field label). Only `\\`, `\,` and `\=` are escape sequences.

import { compareGoStrings, goQuote } from './gofmt.js';
import { SelectorParseError } from './selector-error.js';

export { SelectorParseError } from './selector-error.js';

export interface FieldRequirement {
  readonly field: string;
  readonly op: '=' | '!=';
  /** Unescaped value; may be empty (`spec.nodeName=` selects objects whose field is empty or unset). */
  readonly value: string;
}

export type Fields = Readonly<Record<string, string | undefined>>;

export interface FieldSelector {
  /** In upstream's order: terms sorted as strings before parsing. */
  readonly requirements: readonly FieldRequirement[];
  /** True when nothing is restricted (the empty selector). */
  readonly empty: boolean;
  /** A missing field reads as "" (upstream Fields.Get), so `f=` matches it and `f!=` does not. */
  matches(fields: Fields): boolean;
  /** Upstream String(): terms joined by ',', values escaped. */
  toString(): string;
  /** RequiresExactMatch: the value an `=`/`==` term requires for `field`, if any. */
  valueFor(field: string): string | undefined;
}

/** EscapeValue: `\` → `\\`, `,` → `\,`, `=` → `\=`. */
export function escapeFieldValue(s: string): string {
  return s.replace(/[\\,=]/g, (c) => '\\' + c);
}

/** UnescapeValue. Errors: an unknown escape or trailing backslash, or an unescaped ',' / '=' (printed as a rune number, as Go's %v does). */
export function unescapeFieldValue(s: string): string {
  if (!/[\\,=]/.test(s)) return s;
  let out = '';
  let inSlash = false;
  for (const c of s) {
    if (inSlash) {
      if (c === '\\' || c === ',' || c === '=') out += c;
      else throw new SelectorParseError(`invalid field selector: invalid escape sequence: \\${c}`);
      inSlash = false;
      continue;
    }
    if (c === '\\') inSlash = true;
    else if (c === ',' || c === '=') {
      throw new SelectorParseError(`invalid field selector: unescaped character in value: ${c.codePointAt(0)}`);
    } else out += c;
  }
  if (inSlash) throw new SelectorParseError('invalid field selector: invalid escape sequence: \\');
  return out;
}

/** splitTerms: split on commas not preceded by a backslash escape (escapes stay in the terms). */
function splitTerms(s: string): string[] {
  if (s.length === 0) return [];
  const terms: string[] = [];
  let start = 0;
  let inSlash = false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (inSlash) inSlash = false;
    else if (c === 0x5c) inSlash = true;
    else if (c === 0x2c) {
      terms.push(s.slice(start, i));
      start = i + 1;
    }
  }
  terms.push(s.slice(start));
  return terms;
}

/** splitTerm: the first "!=", "==" or "=" (in that preference at each position) splits field from value. */
function splitTerm(term: string): { lhs: string; op: string; rhs: string } | undefined {
  for (let i = 0; i < term.length; i++) {
    const c = term.charCodeAt(i);
    if (c === 0x21 && term.charCodeAt(i + 1) === 0x3d) return { lhs: term.slice(0, i), op: '!=', rhs: term.slice(i + 2) };
    if (c === 0x3d) {
      if (term.charCodeAt(i + 1) === 0x3d) return { lhs: term.slice(0, i), op: '==', rhs: term.slice(i + 2) };
      return { lhs: term.slice(0, i), op: '=', rhs: term.slice(i + 1) };
    }
  }
  return undefined;
}

class Selector implements FieldSelector {
  readonly empty: boolean;
  constructor(readonly requirements: readonly FieldRequirement[]) {
    this.empty = requirements.length === 0;
  }

  matches(fields: Fields): boolean {
    const reqs = this.requirements;
    for (let i = 0; i < reqs.length; i++) {
      const r = reqs[i]!;
      const v = fields[r.field];
      const actual = typeof v === 'string' ? v : '';
      if ((actual === r.value) !== (r.op === '=')) return false;
    }
    return true;
  }

  toString(): string {
    return this.requirements.map((r) => r.field + r.op + escapeFieldValue(r.value)).join(',');
  }

  valueFor(field: string): string | undefined {
    for (const r of this.requirements) if (r.op === '=' && r.field === field) return r.value;
    return undefined;
  }
}

const EVERYTHING: FieldSelector = new Selector([]);

/** fields.Everything(). */
export function everythingFields(): FieldSelector {
  return EVERYTHING;
}

/**
 * fields.ParseSelector: comma-separated `field=value`, `field==value`, `field!=value` terms; empty terms are
 * skipped, so "" (and ",") select everything. Throws SelectorParseError with upstream's message.
 */
export function parseFieldSelector(selector: string): FieldSelector {
  const parts = splitTerms(selector).sort(compareGoStrings);
  const reqs: FieldRequirement[] = [];
  for (const part of parts) {
    if (part === '') continue;
    const t = splitTerm(part);
    if (t === undefined) throw new SelectorParseError(`invalid selector: '${selector}'; can't understand '${part}'`);
    reqs.push({ field: t.lhs, op: t.op === '!=' ? '!=' : '=', value: unescapeFieldValue(t.rhs) });
  }
  return reqs.length === 0 ? EVERYTHING : new Selector(reqs);
}

/**
 * How the resource's field labels are converted upstream, which decides the error text:
 *  - 'registered': a per-kind conversion func (Pods, Nodes, Events, Secrets, Namespaces, Services, ... and CRDs
 *    with selectableFields): `field label not supported: <field>`
 *  - 'default': runtime.DefaultMetaV1FieldSelectorConversion (kinds without one, e.g. ConfigMaps, Deployments):
 *    `"<field>" is not a known field selector: only "metadata.name", "metadata.namespace"`
 */
export type FieldLabelConversion = 'registered' | 'default';

/**
 * The apiserver's field-label conversion step (Selector.Transform with the scheme's ConvertFieldLabel): the
 * first term (in selector order) whose field is not in `supported` fails the request with a SelectorParseError.
 */
export function checkFieldSelectorSupported(
  sel: FieldSelector,
  supported: readonly string[],
  conversion: FieldLabelConversion = 'registered',
): void {
  for (const r of sel.requirements) {
    if (supported.includes(r.field)) continue;
    if (conversion === 'default') {
      throw new SelectorParseError(
        `${goQuote(r.field)} is not a known field selector: only ${goQuote('metadata.name')}, ${goQuote('metadata.namespace')}`,
      );
    }
    throw new SelectorParseError(`field label not supported: ${r.field}`);
  }
}
