// The syntax of the scripts the log simulation (shell.ts) understands: words with their quoting kept (a single-quoted
// segment is literal, a double-quoted one is not split), and the statements it runs: simple commands, while/until,
// for and if. Anything else is skipped over rather than rejected: the simulation never refuses a container's command.

// ---- tokens ----

export interface Segment {
  text: string;
  /** Single-quoted: taken literally. */
  literal: boolean;
  dq: boolean;
}
export type Word = Segment[];
type Token = { kind: 'word'; word: Word } | { kind: 'op'; op: string };

function tokenize(src: string): Token[] {
  const out: Token[] = [];
  let word: Word | undefined;
  let seg: Segment | undefined;
  const push = (text: string, literal = false, dq = false) => {
    word ??= [];
    if (!seg || seg.literal !== literal || seg.dq !== dq) word.push((seg = { text: '', literal, dq }));
    seg.text += text;
  };
  const endWord = () => {
    if (word) out.push({ kind: 'word', word });
    word = undefined;
    seg = undefined;
  };
  /** Reads a balanced $( ... ) starting at src[i] === '$'; returns the end index (exclusive). */
  const balanced = (i: number): number => {
    let depth = 0;
    for (let j = i + 1; j < src.length; j++) {
      const ch = src[j];
      if (ch === '\\') j++;
      else if (ch === "'") j = src.indexOf("'", j + 1) < 0 ? src.length : src.indexOf("'", j + 1);
      else if (ch === '(') depth++;
      else if (ch === ')' && --depth === 0) return j + 1;
    }
    return src.length;
  };
  for (let i = 0; i < src.length; i++) {
    const c = src[i]!;
    if (c === ' ' || c === '\t' || c === '\r') endWord();
    else if (c === '\n' || c === ';' || c === '(' || c === ')') {
      endWord();
      if (c === ';' && src[i + 1] === ';') i++;
      out.push({ kind: 'op', op: c === '\n' ? ';' : c });
    } else if (c === '&' || c === '|') {
      endWord();
      if (src[i + 1] === c) i++;
      out.push({ kind: 'op', op: c === '|' && src[i] !== src[i - 1] ? '|' : ';' });
    } else if (c === '#' && !word) {
      while (i < src.length && src[i] !== '\n') i++;
      i--;
    } else if (c === "'") {
      const end = src.indexOf("'", i + 1);
      push(src.slice(i + 1, end < 0 ? src.length : end), true);
      if (end < 0) break;
      i = end;
    } else if (c === '"') {
      let j = i + 1;
      let text = '';
      for (; j < src.length && src[j] !== '"'; j++) {
        if (src[j] === '\\' && j + 1 < src.length) {
          text += src[j]! + src[j + 1]!;
          j++;
        } else if (src[j] === '$' && src[j + 1] === '(') {
          const end = balanced(j);
          text += src.slice(j, end);
          j = end - 1;
        } else text += src[j];
      }
      push(text, false, true);
      i = j;
    } else if (c === '$' && src[i + 1] === '(') {
      const end = balanced(i);
      push(src.slice(i, end));
      i = end - 1;
    } else if (c === '`') {
      const end = src.indexOf('`', i + 1);
      push(src.slice(i, end < 0 ? src.length : end + 1));
      if (end < 0) break;
      i = end;
    } else if (c === '\\' && i + 1 < src.length) {
      if (src[i + 1] !== '\n') push(src[i + 1]!, true);
      i++;
    } else push(c);
  }
  endWord();
  return out;
}

// ---- syntax ----

export type Node =
  | { type: 'simple'; words: Word[] }
  | { type: 'while'; cond: Node[]; body: Node[]; until: boolean }
  | { type: 'for'; name: string; items: Word[]; body: Node[] }
  | { type: 'if'; then: Node[]; otherwise: Node[] };

export const plain = (w: Word | undefined): string | undefined => (w && w.length === 1 && !w[0]!.dq ? w[0]!.text : w?.map((s) => s.text).join(''));

class Parser {
  private i = 0;
  constructor(private readonly toks: Token[]) {}

  private peekWord(): string | undefined {
    const t = this.toks[this.i];
    return t?.kind === 'word' ? plain(t.word) : undefined;
  }

  private skipSeparators(): void {
    while (this.toks[this.i]?.kind === 'op' && (this.toks[this.i] as { op: string }).op !== '|') this.i++;
  }

  list(stop: Set<string>): Node[] {
    const nodes: Node[] = [];
    for (;;) {
      this.skipSeparators();
      if (this.i >= this.toks.length) return nodes;
      const w = this.peekWord();
      if (w !== undefined && stop.has(w)) return nodes;
      const node = this.command();
      if (node) nodes.push(node);
      // A pipeline prints what its first command prints (echo x | tee, date | cat).
      while (this.toks[this.i]?.kind === 'op' && (this.toks[this.i] as { op: string }).op === '|') {
        this.i++;
        this.command();
      }
    }
  }

  private expect(word: string): void {
    this.skipSeparators();
    if (this.peekWord() === word) this.i++;
  }

  private command(): Node | undefined {
    const w = this.peekWord();
    if (w === 'while' || w === 'until') {
      this.i++;
      const cond = this.list(new Set(['do']));
      this.expect('do');
      const body = this.list(new Set(['done']));
      this.expect('done');
      return { type: 'while', cond, body, until: w === 'until' };
    }
    if (w === 'for') {
      this.i++;
      const name = this.peekWord() ?? '_';
      this.i++;
      const items: Word[] = [];
      if (this.peekWord() === 'in') {
        this.i++;
        while (this.toks[this.i]?.kind === 'word' && this.peekWord() !== 'do') items.push((this.toks[this.i++] as { word: Word }).word);
      }
      this.expect('do');
      const body = this.list(new Set(['done']));
      this.expect('done');
      return { type: 'for', name, items, body };
    }
    if (w === 'if') {
      this.i++;
      this.list(new Set(['then']));
      this.expect('then');
      const then = this.list(new Set(['else', 'elif', 'fi']));
      let otherwise: Node[] = [];
      if (this.peekWord() === 'else') {
        this.i++;
        otherwise = this.list(new Set(['fi']));
      } else if (this.peekWord() === 'elif') {
        this.list(new Set(['fi']));
      }
      this.expect('fi');
      return { type: 'if', then, otherwise };
    }
    const words: Word[] = [];
    while (this.toks[this.i]?.kind === 'word') words.push((this.toks[this.i++] as { word: Word }).word);
    if (!words.length) {
      this.i++; // a stray operator such as '(' or ')'
      return undefined;
    }
    return { type: 'simple', words };
  }
}

/** The script's statements, for the simulation in shell.ts. */
export function parseLogScript(script: string): Node[] {
  return new Parser(tokenize(script)).list(new Set());
}
