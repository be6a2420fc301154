// The JSONPath subset that CRD printer columns and selectable fields use (k8s.io/client-go/util/jsonpath, which the
// apiextensions table convertor wraps as `{<jsonPath>}`): `.a.b`, `['a.b']`, `[0]`, `[-1]`, `[*]`, `.*`, `..name`,
// and filters `[?(@.type=="Ready")]` with ==, !=, <, <=, >, >= or a bare existence test `[?(@.x)]`.

type Step =
  | { kind: 'field'; name: string }
  | { kind: 'index'; index: number }
  | { kind: 'wildcard' }
  | { kind: 'recursive'; name: string }
  | { kind: 'filter'; path: Step[]; op?: string; literal?: unknown };

export class JSONPathError extends Error {}

const NAME = /^[^.[\]\s]+/;

function parseLiteral(text: string): unknown {
  const t = text.trim();
  if (/^'.*'$/.test(t)) return t.slice(1, -1);
  if (/^".*"$/.test(t)) return JSON.parse(t);
  if (t === 'true' || t === 'false') return t === 'true';
  if (t === 'null') return null;
  const n = Number(t);
  if (t !== '' && !Number.isNaN(n)) return n;
  throw new JSONPathError(`unrecognized literal ${t}`);
}

function parseFilter(body: string): Step {
  const m = /^@((?:\.[^.=!<>\s\]]+|\['[^']*'\])*)\s*(==|!=|<=|>=|<|>)?\s*(.*)$/.exec(body.trim());
  if (!m) throw new JSONPathError(`unrecognized filter ${body}`);
  const path = m[1] ? parse(m[1]) : [];
  if (!m[2]) return { kind: 'filter', path };
  return { kind: 'filter', path, op: m[2], literal: parseLiteral(m[3] ?? '') };
}

/** Parses a JSONPath expression (with or without the surrounding `{}`). */
export function parse(expr: string): Step[] {
  let s = expr.trim();
  if (s.startsWith('{') && s.endsWith('}')) s = s.slice(1, -1).trim();
  if (s.startsWith('$')) s = s.slice(1);
  const steps: Step[] = [];
  while (s.length) {
    if (s.startsWith('..')) {
      const m = NAME.exec(s.slice(2));
      if (!m) throw new JSONPathError(`invalid recursive descent in ${expr}`);
      steps.push({ kind: 'recursive', name: m[0] });
      s = s.slice(2 + m[0].length);
    } else if (s.startsWith('.*')) {
      steps.push({ kind: 'wildcard' });
      s = s.slice(2);
    } else if (s.startsWith('.')) {
      const m = NAME.exec(s.slice(1));
      s = s.slice(1 + (m?.[0].length ?? 0));
      if (m) steps.push({ kind: 'field', name: m[0] });
    } else if (s.startsWith('[')) {
      const end = matchingBracket(s);
      const body = s.slice(1, end).trim();
      s = s.slice(end + 1);
      if (body === '*') steps.push({ kind: 'wildcard' });
      else if (/^-?\d+$/.test(body)) steps.push({ kind: 'index', index: Number(body) });
      else if (/^'.*'$|^".*"$/.test(body)) steps.push({ kind: 'field', name: String(parseLiteral(body)) });
      else if (body.startsWith('?(') && body.endsWith(')')) steps.push(parseFilter(body.slice(2, -1)));
      else throw new JSONPathError(`unrecognized identifier ${body}`);
    } else {
      const m = NAME.exec(s);
      if (!m) throw new JSONPathError(`unrecognized character in ${expr}`);
      steps.push({ kind: 'field', name: m[0] });
      s = s.slice(m[0].length);
    }
  }
  return steps;
}

function matchingBracket(s: string): number {
  let depth = 0;
  let quote: string | undefined;
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (quote) {
      if (c === quote) quote = undefined;
    } else if (c === "'" || c === '"') quote = c;
    else if (c === '[' || c === '(') depth++;
    else if (c === ']' || c === ')') {
      depth--;
      if (depth === 0 && c === ']') return i;
    }
  }
  throw new JSONPathError('unclosed bracket');
}

function compare(a: unknown, op: string, b: unknown): boolean {
  switch (op) {
    case '==':
      return a === b;
    case '!=':
      return a !== b;
    default:
      if (typeof a !== typeof b || (typeof a !== 'number' && typeof a !== 'string')) return false;
      {
        const x = a as number;
        const y = b as number;
        return op === '<' ? x < y : op === '<=' ? x <= y : op === '>' ? x > y : x >= y;
      }
  }
}

function children(v: unknown): unknown[] {
  if (Array.isArray(v)) return v;
  if (v && typeof v === 'object') return Object.keys(v).sort().map((k) => (v as Record<string, unknown>)[k]);
  return [];
}

function recursive(v: unknown, name: string, out: unknown[]): void {
  if (v && typeof v === 'object' && !Array.isArray(v) && name in v) out.push((v as Record<string, unknown>)[name]);
  for (const c of children(v)) recursive(c, name, out);
}

function apply(steps: Step[], roots: unknown[]): unknown[] {
  let cur = roots;
  for (const step of steps) {
    const next: unknown[] = [];
    for (const v of cur) {
      if (step.kind === 'field') {
        if (v && typeof v === 'object' && !Array.isArray(v) && step.name in v) next.push((v as Record<string, unknown>)[step.name]);
      } else if (step.kind === 'index') {
        if (Array.isArray(v)) {
          const i = step.index < 0 ? v.length + step.index : step.index;
          if (i >= 0 && i < v.length) next.push(v[i]);
        }
      } else if (step.kind === 'wildcard') {
        next.push(...children(v));
      } else if (step.kind === 'recursive') {
        recursive(v, step.name, next);
      } else {
        for (const item of Array.isArray(v) ? v : [v]) {
          const found = apply(step.path, [item]);
          if (step.op === undefined ? found.length > 0 : found.some((f) => compare(f, step.op!, step.literal))) next.push(item);
        }
      }
    }
    cur = next;
  }
  return cur;
}

/** Every value the expression selects from `obj` (empty when nothing matches). */
export function findResults(expr: string | Step[], obj: unknown): unknown[] {
  return apply(typeof expr === 'string' ? parse(expr) : expr, [obj]);
}

/** How the jsonpath printer prints a value (Go's fmt.Fprint: maps as `map[k:v]`, lists as `[a b]`). */
export function printValue(v: unknown): string {
  if (v === null || v === undefined) return '<nil>';
  if (Array.isArray(v)) return `[${v.map(printValue).join(' ')}]`;
  if (typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return `map[${Object.keys(o)
      .sort()
      .map((k) => `${k}:${printValue(o[k])}`)
      .join(' ')}]`;
  }
  return String(v);
}
