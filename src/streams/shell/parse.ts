// A POSIX-sh subset parser: words with quoting and $-expansions ($VAR, ${VAR}, ${VAR:-x}, $?, $(cmd), `cmd`),
// simple commands with assignments and redirections, pipelines, && ||, ; & and newlines, { } ( ), if/elif/else,
// for, while and until. Enough for what people type into `kubectl exec ... -- sh -c '...'`.

import { ParseError, type AndOr, type Command, type ForCommand, type IfCommand, type List, type Pipeline, type Redirect, type SimpleCommand, type Word } from './ast.js';
import { Lexer, type Token } from './lexer.js';

export * from './ast.js';

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

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

