// The shell's tokens: words (with quoting and $-expansions as WordParts), operators and redirection operators.
import { ParseError, type Redirect, type Word, type WordPart } from './ast.js';

export type Token = { t: 'word'; word: Word; raw: string } | { t: 'op'; op: string } | { t: 'redir'; fd: number; op: Redirect['op'] } | { t: 'eof' };

const OP_CHARS = new Set([';', '&', '|', '(', ')', '<', '>', '\n']);

export class Lexer {
  private i = 0;
  constructor(private readonly s: string) {}

  next(): Token {
    const s = this.s;
    for (;;) {
      while (this.i < s.length && (s[this.i] === ' ' || s[this.i] === '\t')) this.i++;
      if (s[this.i] === '\\' && s[this.i + 1] === '\n') {
        this.i += 2;
        continue;
      }
      if (s[this.i] === '#') {
        while (this.i < s.length && s[this.i] !== '\n') this.i++;
        continue;
      }
      break;
    }
    if (this.i >= s.length) return { t: 'eof' };
    const c = s[this.i];
    // Redirections with an explicit fd: 2>, 2>>, 2>&1, 0<
    const fdm = /^(\d)(>>|>&|<&|>\||>|<)/.exec(s.slice(this.i, this.i + 4));
    if (fdm) {
      this.i += fdm[0].length;
      return { t: 'redir', fd: Number(fdm[1]), op: fdm[2] === '>|' ? '>' : (fdm[2] as Redirect['op']) };
    }
    if (c === '&' && s[this.i + 1] === '>') {
      this.i += s[this.i + 2] === '>' ? 3 : 2;
      return { t: 'redir', fd: 1, op: '&>' };
    }
    if (c === '>' || c === '<') {
      const two = s.slice(this.i, this.i + 2);
      if (two === '>>' || two === '>&' || two === '<&' || two === '>|') {
        this.i += 2;
        return { t: 'redir', fd: c === '<' ? 0 : 1, op: two === '>|' ? '>' : (two as Redirect['op']) };
      }
      this.i++;
      return { t: 'redir', fd: c === '<' ? 0 : 1, op: c };
    }
    if (OP_CHARS.has(c)) {
      const two = s.slice(this.i, this.i + 2);
      if (two === '&&' || two === '||' || two === ';;') {
        this.i += 2;
        return { t: 'op', op: two };
      }
      this.i++;
      return { t: 'op', op: c };
    }
    const start = this.i;
    const word = this.word();
    return { t: 'word', word, raw: s.slice(start, this.i) };
  }

  private word(): Word {
    const s = this.s;
    const parts: Word = [];
    let lit = '';
    const flush = (quoted: boolean): void => {
      if (lit) parts.push({ kind: 'lit', text: lit, quoted });
      lit = '';
    };
    while (this.i < s.length) {
      const c = s[this.i];
      if (c === ' ' || c === '\t' || OP_CHARS.has(c)) break;
      if (c === '\\') {
        flush(false);
        if (this.i + 1 < s.length) parts.push({ kind: 'lit', text: s[this.i + 1], quoted: true });
        this.i += 2;
        continue;
      }
      if (c === "'") {
        flush(false);
        const end = s.indexOf("'", this.i + 1);
        if (end < 0) throw new ParseError('Unterminated quoted string', true);
        parts.push({ kind: 'lit', text: s.slice(this.i + 1, end), quoted: true });
        this.i = end + 1;
        continue;
      }
      if (c === '"') {
        flush(false);
        this.i++;
        parts.push(...this.doubleQuoted());
        continue;
      }
      if (c === '$' || c === '`') {
        const exp = this.expansion(false);
        if (exp) {
          flush(false);
          parts.push(exp);
          continue;
        }
      }
      lit += c;
      this.i++;
    }
    flush(false);
    // An empty quoted string ('' or "") is still a word.
    if (!parts.length) parts.push({ kind: 'lit', text: '', quoted: true });
    return parts;
  }

  private doubleQuoted(): Word {
    const s = this.s;
    const parts: Word = [];
    let lit = '';
    for (;;) {
      if (this.i >= s.length) throw new ParseError('Unterminated quoted string', true);
      const c = s[this.i];
      if (c === '"') {
        this.i++;
        break;
      }
      if (c === '\\' && '$`"\\\n'.includes(s[this.i + 1] ?? '')) {
        if (s[this.i + 1] !== '\n') lit += s[this.i + 1];
        this.i += 2;
        continue;
      }
      if (c === '$' || c === '`') {
        const exp = this.expansion(true);
        if (exp) {
          if (lit) parts.push({ kind: 'lit', text: lit, quoted: true });
          lit = '';
          parts.push(exp);
          continue;
        }
      }
      lit += c;
      this.i++;
    }
    if (lit || !parts.length) parts.push({ kind: 'lit', text: lit, quoted: true });
    return parts;
  }

  /** `$...` or a backquote at this.i; undefined when the `$` is literal. */
  private expansion(quoted: boolean): WordPart | undefined {
    const s = this.s;
    if (s[this.i] === '`') {
      const end = s.indexOf('`', this.i + 1);
      if (end < 0) throw new ParseError('Unterminated backquote', true);
      const script = s.slice(this.i + 1, end);
      this.i = end + 1;
      return { kind: 'cmd', script, quoted };
    }
    const n = s[this.i + 1];
    if (n === '(' && s[this.i + 2] === '(') {
      const end = s.indexOf('))', this.i + 3);
      if (end < 0) throw new ParseError('Missing ))', true);
      const expr = s.slice(this.i + 3, end);
      this.i = end + 2;
      return { kind: 'arith', expr, quoted };
    }
    if (n === '(') {
      const end = matchParen(s, this.i + 1);
      if (end < 0) throw new ParseError('Unterminated command substitution', true);
      const script = s.slice(this.i + 2, end);
      this.i = end + 1;
      return { kind: 'cmd', script, quoted };
    }
    if (n === '{') {
      const end = s.indexOf('}', this.i + 2);
      if (end < 0) throw new ParseError('Missing }', true);
      const inner = s.slice(this.i + 2, end);
      this.i = end + 1;
      if (inner.startsWith('#') && inner.length > 1) return { kind: 'var', name: inner.slice(1), quoted, op: '#' };
      const m = /^([A-Za-z_][A-Za-z0-9_]*|[0-9?$#@*!-])(:?[-=+?])?([\s\S]*)$/.exec(inner);
      if (!m) throw new ParseError(`\${${inner}}: Bad substitution`, false);
      const part: WordPart = { kind: 'var', name: m[1], quoted };
      if (m[2]) {
        part.op = m[2];
        part.arg = new Lexer(m[3]).wordOrEmpty();
      }
      return part;
    }
    if (n !== undefined && /[A-Za-z_]/.test(n)) {
      let j = this.i + 1;
      while (j < s.length && /[A-Za-z0-9_]/.test(s[j])) j++;
      const name = s.slice(this.i + 1, j);
      this.i = j;
      return { kind: 'var', name, quoted };
    }
    if (n !== undefined && /[0-9?$#@*!-]/.test(n)) {
      this.i += 2;
      return { kind: 'var', name: n, quoted };
    }
    return undefined;
  }

  /** The whole (rest of the) string as one word, for ${VAR:-default} arguments. */
  wordOrEmpty(): Word {
    if (!this.s.length) return [{ kind: 'lit', text: '', quoted: true }];
    const parts: Word = [];
    while (this.i < this.s.length) {
      const c = this.s[this.i];
      if (c === ' ' || c === '\t' || OP_CHARS.has(c)) {
        parts.push({ kind: 'lit', text: c, quoted: false });
        this.i++;
        continue;
      }
      parts.push(...this.word());
    }
    return parts;
  }
}

function matchParen(s: string, open: number): number {
  let depth = 0;
  let q: string | undefined;
  for (let j = open; j < s.length; j++) {
    const c = s[j];
    if (q) {
      if (c === '\\' && q === '"') j++;
      else if (c === q) q = undefined;
      continue;
    }
    if (c === '\\') j++;
    else if (c === "'" || c === '"') q = c;
    else if (c === '(') depth++;
    else if (c === ')' && --depth === 0) return j;
  }
  return -1;
}
