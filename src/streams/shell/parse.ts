// A POSIX-sh subset parser: words with quoting and $-expansions ($VAR, ${VAR}, ${VAR:-x}, $?, $(cmd), `cmd`),
// simple commands with assignments and redirections, pipelines, && ||, ; & and newlines, { } ( ), if/elif/else,
// for, while and until. Enough for what people type into `kubectl exec ... -- sh -c '...'`.

export type WordPart =
  | { kind: 'lit'; text: string; quoted: boolean }
  | { kind: 'var'; name: string; quoted: boolean; op?: string; arg?: Word }
  | { kind: 'cmd'; script: string; quoted: boolean }
  | { kind: 'arith'; expr: string; quoted: boolean };
export type Word = WordPart[];

export interface Redirect {
  fd: number;
  op: '>' | '>>' | '<' | '>&' | '<&' | '&>';
  target: Word;
}

export interface SimpleCommand {
  type: 'simple';
  assigns: { name: string; value: Word }[];
  words: Word[];
  redirects: Redirect[];
}
export interface GroupCommand {
  type: 'group' | 'subshell';
  body: List;
  redirects: Redirect[];
}
export interface IfCommand {
  type: 'if';
  branches: { cond: List; body: List }[];
  otherwise?: List;
  redirects: Redirect[];
}
export interface ForCommand {
  type: 'for';
  name: string;
  items?: Word[];
  body: List;
  redirects: Redirect[];
}
export interface LoopCommand {
  type: 'while' | 'until';
  cond: List;
  body: List;
  redirects: Redirect[];
}
export type Command = SimpleCommand | GroupCommand | IfCommand | ForCommand | LoopCommand;

export interface Pipeline {
  negate: boolean;
  commands: Command[];
}
export interface AndOr {
  first: Pipeline;
  rest: { op: '&&' | '||'; pipeline: Pipeline }[];
  background: boolean;
}
export type List = AndOr[];

export class ParseError extends Error {
  /** True when more input could complete the script (an open quote or an unfinished if/for/while). */
  constructor(
    message: string,
    readonly incomplete: boolean,
  ) {
    super(message);
  }
}

type Token = { t: 'word'; word: Word; raw: string } | { t: 'op'; op: string } | { t: 'redir'; fd: number; op: Redirect['op'] } | { t: 'eof' };

const OP_CHARS = new Set([';', '&', '|', '(', ')', '<', '>', '\n']);
const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

class Lexer {
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

/** The plain text of a word made of unquoted literals only (reserved words, names), else undefined. */
function plain(word: Word): string | undefined {
  if (word.length !== 1 || word[0].kind !== 'lit' || word[0].quoted) return undefined;
  return word[0].text;
}

class Parser {
  private tok: Token;
  private readonly lexer: Lexer;

  constructor(src: string) {
    this.lexer = new Lexer(src);
    this.tok = this.lexer.next();
  }

  parseProgram(): List {
    const list = this.list([]);
    if (this.tok.t !== 'eof') throw new ParseError(`syntax error: unexpected "${this.describe()}"`, false);
    return list;
  }

  private advance(): Token {
    const t = this.tok;
    this.tok = this.lexer.next();
    return t;
  }

  private describe(): string {
    const t = this.tok;
    if (t.t === 'op') return t.op === '\n' ? 'newline' : t.op;
    if (t.t === 'word') return t.raw;
    if (t.t === 'redir') return t.op;
    return 'end of file';
  }

  private isOp(op: string): boolean {
    return this.tok.t === 'op' && this.tok.op === op;
  }

  private isReserved(...names: string[]): boolean {
    return this.tok.t === 'word' && names.includes(plain(this.tok.word) ?? '');
  }

  private skipNewlines(): void {
    while (this.isOp('\n')) this.advance();
  }

  private expectReserved(name: string): void {
    this.skipNewlines();
    if (this.tok.t === 'eof') throw new ParseError(`syntax error: unexpected end of file (expecting "${name}")`, true);
    if (!this.isReserved(name)) throw new ParseError(`syntax error: unexpected "${this.describe()}" (expecting "${name}")`, false);
    this.advance();
  }

  /** A list up to one of the terminators (reserved words or ')'), or the end of input. */
  private list(terminators: string[]): List {
    const out: List = [];
    for (;;) {
      this.skipNewlines();
      if (this.tok.t === 'eof') break;
      if (this.isReserved(...terminators) || (terminators.includes(')') && this.isOp(')'))) break;
      if (this.tok.t === 'op' && this.tok.op !== '(') throw new ParseError(`syntax error: unexpected "${this.describe()}"`, false);
      const andOr = this.andOr();
      out.push(andOr);
      if (this.isOp(';') || this.isOp('\n')) this.advance();
      else if (this.isOp('&')) {
        andOr.background = true;
        this.advance();
      } else break;
    }
    return out;
  }

  private andOr(): AndOr {
    const first = this.pipeline();
    const rest: AndOr['rest'] = [];
    while (this.isOp('&&') || this.isOp('||')) {
      const op = (this.advance() as { op: '&&' | '||' }).op;
      this.skipNewlines();
      rest.push({ op, pipeline: this.pipeline() });
    }
    return { first, rest, background: false };
  }

  private pipeline(): Pipeline {
    let negate = false;
    if (this.isReserved('!')) {
      this.advance();
      negate = true;
    }
    const commands = [this.command()];
    while (this.isOp('|')) {
      this.advance();
      this.skipNewlines();
      commands.push(this.command());
    }
    return { negate, commands };
  }

  private command(): Command {
    if (this.tok.t === 'eof') throw new ParseError('syntax error: unexpected end of file', true);
    if (this.isOp('(')) {
      this.advance();
      const body = this.list([')']);
      if (!this.isOp(')')) throw new ParseError('syntax error: missing )', (this.tok as Token).t === 'eof');
      this.advance();
      return { type: 'subshell', body, redirects: this.redirects() };
    }
    if (this.tok.t === 'word') {
      const kw = plain(this.tok.word);
      switch (kw) {
        case '{': {
          this.advance();
          const body = this.list(['}']);
          this.expectReserved('}');
          return { type: 'group', body, redirects: this.redirects() };
        }
        case 'if':
          return this.ifCommand();
        case 'for':
          return this.forCommand();
        case 'while':
        case 'until': {
          this.advance();
          const cond = this.list(['do']);
          this.expectReserved('do');
          const body = this.list(['done']);
          this.expectReserved('done');
          return { type: kw, cond, body, redirects: this.redirects() };
        }
        case 'then':
        case 'else':
        case 'elif':
        case 'fi':
        case 'do':
        case 'done':
        case '}':
          throw new ParseError(`syntax error: unexpected "${this.describe()}"`, false);
      }
    }
    return this.simple();
  }

  private ifCommand(): IfCommand {
    this.advance();
    const branches: IfCommand['branches'] = [];
    let otherwise: List | undefined;
    const cond = this.list(['then']);
    this.expectReserved('then');
    branches.push({ cond, body: this.list(['elif', 'else', 'fi']) });
    for (;;) {
      this.skipNewlines();
      if (this.isReserved('elif')) {
        this.advance();
        const c = this.list(['then']);
        this.expectReserved('then');
        branches.push({ cond: c, body: this.list(['elif', 'else', 'fi']) });
        continue;
      }
      if (this.isReserved('else')) {
        this.advance();
        otherwise = this.list(['fi']);
      }
      this.expectReserved('fi');
      break;
    }
    return { type: 'if', branches, otherwise, redirects: this.redirects() };
  }

  private forCommand(): ForCommand {
    this.advance();
    if (this.tok.t !== 'word' || !NAME.test(plain(this.tok.word) ?? '')) {
      throw new ParseError(`syntax error: bad for loop variable`, this.tok.t === 'eof');
    }
    const name = plain((this.advance() as { word: Word }).word)!;
    let items: Word[] | undefined;
    this.skipNewlines();
    if (this.isReserved('in')) {
      this.advance();
      items = [];
      while (this.tok.t === 'word') items.push((this.advance() as { word: Word }).word);
      if (this.isOp(';') || this.isOp('\n')) this.advance();
    } else if (this.isOp(';')) this.advance();
    this.expectReserved('do');
    const body = this.list(['done']);
    this.expectReserved('done');
    return { type: 'for', name, items, body, redirects: this.redirects() };
  }

  private redirects(): Redirect[] {
    const out: Redirect[] = [];
    while (this.tok.t === 'redir') out.push(this.redirect());
    return out;
  }

  private redirect(): Redirect {
    const r = this.advance() as Extract<Token, { t: 'redir' }>;
    if (this.tok.t !== 'word') throw new ParseError(`syntax error: unexpected "${this.describe()}"`, this.tok.t === 'eof');
    return { fd: r.fd, op: r.op, target: (this.advance() as { word: Word }).word };
  }

  private simple(): SimpleCommand {
    const cmd: SimpleCommand = { type: 'simple', assigns: [], words: [], redirects: [] };
    for (;;) {
      if (this.tok.t === 'redir') {
        cmd.redirects.push(this.redirect());
        continue;
      }
      if (this.tok.t !== 'word') break;
      const word = this.tok.word;
      const first = word[0];
      if (!cmd.words.length && first.kind === 'lit' && !first.quoted) {
        const m = /^([A-Za-z_][A-Za-z0-9_]*)=/.exec(first.text);
        if (m) {
          this.advance();
          const rest: Word = [];
          const tail = first.text.slice(m[0].length);
          if (tail) rest.push({ kind: 'lit', text: tail, quoted: false });
          rest.push(...word.slice(1));
          cmd.assigns.push({ name: m[1], value: rest.length ? rest : [{ kind: 'lit', text: '', quoted: true }] });
          continue;
        }
      }
      cmd.words.push(word);
      this.advance();
    }
    if (!cmd.words.length && !cmd.assigns.length && !cmd.redirects.length) {
      throw new ParseError(`syntax error: unexpected "${this.describe()}"`, (this.tok as Token).t === 'eof');
    }
    return cmd;
  }
}

export function parseScript(src: string): List {
  return new Parser(src).parseProgram();
}

