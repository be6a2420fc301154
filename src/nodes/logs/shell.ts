// A tiny simulation of the shell commands pods run in busybox-like images (`sh -c 'echo hi; sleep 5'`, the
// `while true; do echo "$i: $(date)"; i=$((i+1)); sleep 1; done` counter of the Kubernetes docs, `for` loops,
// `exit 3`): what they print and when, how long they run and with which exit code. It never executes anything: it
// walks the script with a virtual time, understanding echo/printf/date/seq/sleep/exit and simple variables and
// arithmetic; other commands print nothing and take no time. An endless loop becomes a periodic pattern that
// the log generator can evaluate at any iteration without replaying the ones before.
import { shellDate, shellDateFormat } from './format.js';
import { parseLogScript, plain, type Node, type Segment, type Word } from './script-syntax.js';

/** A line printed `at` (absolute ms). */
export interface TimedText {
  at: number;
  text: string;
}

/** An endless loop: iteration k starts at `start + k·period`; `render(k, iterationStart)` gives its lines. */
export interface ScriptLoop {
  start: number;
  periodMs: number;
  /** Offsets of one iteration's lines from the iteration start (sorted, each < periodMs). */
  offsets: number[];
  render(k: number, iterationStart: number): string[];
}

export interface ScriptRun {
  /** Lines of the finite part, in time order. */
  lines: TimedText[];
  loop?: ScriptLoop;
  /** Run time in ms when the script ends on its own (undefined: it runs until stopped). */
  durationMs?: number;
  exitCode?: number;
}

export interface ShellEnv {
  /** Environment variables (the container's literal env values, HOSTNAME). */
  vars: Record<string, string>;
}

const SHELLS = new Set(['sh', 'bash', 'ash', 'dash', 'zsh', 'ksh']);
const MAX_LINES = 10_000;
const MAX_ITERATIONS = 10_000;
/** Commands one simulation may run in all (nested loops included): beyond it, the script is taken as stuck. */
const MAX_STEPS = 200_000;
/** A loop that never sleeps would print without pause; its lines are spread this far apart instead. */
const BUSY_LOOP_PERIOD_MS = 100;

// ---- execution ----

interface Machine {
  t: number;
  vars: Map<string, string>;
  out: TimedText[];
  /** The script stopped (exit, an endless loop, sleep infinity). */
  done: boolean;
  forever: boolean;
  exitCode?: number;
  loop?: ScriptLoop;
  depth: number;
  /** Shared by the machines of one simulation (substitutions, loop bodies). */
  steps: { left: number };
}

function newMachine(t: number, vars: Map<string, string>, depth = 0, steps = { left: MAX_STEPS }): Machine {
  return { t, vars: new Map(vars), out: [], done: false, forever: false, depth, steps };
}

/** Integer arithmetic of $(( )): + - * / % and parentheses over numbers and variable names. */
function arith(expr: string, vars: Map<string, string>): number {
  const toks = expr.match(/\d+|[A-Za-z_]\w*|\+\+|--|[-+*/%()]/g) ?? [];
  let i = 0;
  const atom = (): number => {
    const t = toks[i++];
    if (t === '(') {
      const v = sum();
      i++;
      return v;
    }
    if (t === '-') return -atom();
    if (t === '+') return atom();
    if (t === undefined) return 0;
    if (/^\d+$/.test(t)) return Number(t);
    const v = Number(vars.get(t.replace(/^\$/, '')) ?? 0);
    if (toks[i] === '++' || toks[i] === '--') i++;
    return Number.isFinite(v) ? Math.trunc(v) : 0;
  };
  const product = (): number => {
    let v = atom();
    while (toks[i] === '*' || toks[i] === '/' || toks[i] === '%') {
      const op = toks[i++];
      const r = atom();
      v = op === '*' ? v * r : r === 0 ? 0 : op === '/' ? Math.trunc(v / r) : v % r;
    }
    return v;
  };
  const sum = (): number => {
    let v = product();
    while (toks[i] === '+' || toks[i] === '-') v = toks[i++] === '+' ? v + product() : v - product();
    return v;
  };
  return sum();
}

function expandSegment(s: Segment, m: Machine): string {
  if (s.literal) return s.text;
  let out = '';
  const src = s.text;
  for (let i = 0; i < src.length; i++) {
    const c = src[i]!;
    if (c === '\\' && i + 1 < src.length && (!s.dq || '$`"\\'.includes(src[i + 1]!))) {
      out += src[++i];
    } else if (c === '$' && src.startsWith('$((', i)) {
      const end = src.indexOf('))', i);
      out += String(arith(src.slice(i + 3, end < 0 ? src.length : end), m.vars));
      i = end < 0 ? src.length : end + 1;
    } else if (c === '$' && src[i + 1] === '(') {
      let depth = 0;
      let j = i + 1;
      for (; j < src.length; j++) {
        if (src[j] === '(') depth++;
        else if (src[j] === ')' && --depth === 0) break;
      }
      out += substitute(src.slice(i + 2, j), m);
      i = j;
    } else if (c === '`') {
      const end = src.indexOf('`', i + 1);
      out += substitute(src.slice(i + 1, end < 0 ? src.length : end), m);
      i = end < 0 ? src.length : end;
    } else if (c === '$' && src[i + 1] === '{') {
      const end = src.indexOf('}', i);
      const name = src.slice(i + 2, end < 0 ? src.length : end).replace(/[:#%-].*$/, '');
      out += m.vars.get(name) ?? '';
      i = end < 0 ? src.length : end;
    } else if (c === '$' && /[A-Za-z_0-9?$]/.test(src[i + 1] ?? '')) {
      const name = /^[A-Za-z_]\w*|^[0-9?$]/.exec(src.slice(i + 1))![0];
      out += name === '$' ? '1' : name === '?' ? '0' : (m.vars.get(name) ?? '');
      i += name.length;
    } else out += c;
  }
  return out;
}

/** $(cmd): what the command prints, newlines folded like an unquoted substitution. */
function substitute(script: string, m: Machine): string {
  if (m.depth > 4) return '';
  const sub = newMachine(m.t, m.vars, m.depth + 1, m.steps);
  exec(parseLogScript(script), sub);
  return sub.out.map((l) => l.text).join('\n');
}

const expandWord = (w: Word, m: Machine): string => w.map((s) => expandSegment(s, m)).join('');

/** `{1..5}` and `$(seq 1 5)` as word lists, for `for` loops. */
function expandItems(words: Word[], m: Machine): string[] {
  const out: string[] = [];
  for (const w of words) {
    const raw = plain(w) ?? '';
    const brace = /^\{(-?\d+)\.\.(-?\d+)\}$/.exec(raw);
    if (brace) {
      const [a, b] = [Number(brace[1]), Number(brace[2])];
      for (let v = a; (a <= b ? v <= b : v >= b) && out.length < MAX_ITERATIONS; v += a <= b ? 1 : -1) out.push(String(v));
      continue;
    }
    const text = expandWord(w, m);
    out.push(...(w.some((s) => s.dq || s.literal) ? [text] : text.split(/\s+/).filter(Boolean)));
  }
  return out.slice(0, MAX_ITERATIONS);
}

function emit(m: Machine, text: string): void {
  if (m.out.length >= MAX_LINES) return;
  for (const line of text.split('\n')) m.out.push({ at: m.t, text: line });
}

function sleepMs(arg: string | undefined): number | 'forever' {
  if (!arg) return 0;
  if (/^inf(inity)?$/i.test(arg)) return 'forever';
  const r = /^(\d+(?:\.\d+)?|\.\d+)([smhd]?)$/.exec(arg);
  if (!r) return 0;
  return Number(r[1]) * { '': 1000, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[r[2]!]!;
}

function printf(args: string[]): string {
  const [fmt = '', ...rest] = args;
  let k = 0;
  const text = fmt.replace(/%([-0-9.]*)([sdifx%])/g, (_m, _w, conv: string) => {
    if (conv === '%') return '%';
    const v = rest[k++] ?? '';
    return conv === 's' ? v : String(Math.trunc(Number(v) || 0));
  });
  return text.replace(/\\n/g, '\n').replace(/\\t/g, '\t').replace(/\n$/, '');
}

function runSimple(words: Word[], m: Machine): void {
  let i = 0;
  // Leading assignments (VAR=value [command]).
  for (; i < words.length; i++) {
    const first = words[i]![0];
    const a = first && !first.literal ? /^([A-Za-z_]\w*)=/.exec(first.text) : null;
    if (!a) break;
    const value = expandWord([{ ...first!, text: first!.text.slice(a[0].length) }, ...words[i]!.slice(1)], m);
    m.vars.set(a[1]!, value);
  }
  if (i >= words.length) return;
  const name = (expandWord(words[i]!, m).split('/').pop() ?? '').trim();
  const args = words.slice(i + 1).map((w) => expandWord(w, m));
  switch (name) {
    case 'echo': {
      let j = 0;
      let escapes = false;
      for (; j < args.length && /^-[neE]+$/.test(args[j]!); j++) if (args[j]!.includes('e')) escapes = true;
      const text = args.slice(j).join(' ');
      emit(m, escapes ? text.replace(/\\n/g, '\n').replace(/\\t/g, '\t') : text);
      return;
    }
    case 'printf':
      emit(m, printf(args));
      return;
    case 'date': {
      const fmt = args.find((a) => a.startsWith('+'));
      emit(m, fmt ? shellDateFormat(m.t, fmt.slice(1)) : shellDate(m.t));
      return;
    }
    case 'hostname':
      emit(m, m.vars.get('HOSTNAME') ?? 'localhost');
      return;
    case 'whoami':
      emit(m, 'root');
      return;
    case 'seq': {
      const n = args.map(Number);
      const [from, to] = n.length >= 2 ? [n[0]!, n[n.length - 1]!] : [1, n[0] ?? 0];
      for (let v = from; v <= to && m.out.length < MAX_LINES; v++) emit(m, String(v));
      return;
    }
    case 'let':
      for (const a of args) {
        const inc = /^([A-Za-z_]\w*)(\+\+|--)$/.exec(a) ?? /^(?:\+\+|--)([A-Za-z_]\w*)$/.exec(a);
        if (inc) m.vars.set(inc[1]!, String(Number(m.vars.get(inc[1]!) ?? 0) + (a.includes('++') ? 1 : -1)));
        const set = /^([A-Za-z_]\w*)=(.*)$/.exec(a);
        if (set) m.vars.set(set[1]!, String(arith(set[2]!, m.vars)));
      }
      return;
    case 'export':
    case 'local':
      for (const a of args) {
        const set = /^([A-Za-z_]\w*)=(.*)$/s.exec(a);
        if (set) m.vars.set(set[1]!, set[2]!);
      }
      return;
    case 'sleep': {
      const d = sleepMs(args[0]);
      if (d === 'forever') {
        m.forever = true;
        m.done = true;
      } else m.t += d;
      return;
    }
    case 'tail':
      if (args.includes('-f') || args.includes('-F')) {
        m.forever = true;
        m.done = true;
      }
      return;
    case 'exit':
      m.exitCode = Number(args[0] ?? 0) & 0xff;
      m.done = true;
      return;
    default:
      return; // other programs print nothing here and take no time
  }
}

/** A loop condition known to hold forever (`true`, `:`, `[ 1 ]`), or to fail at once. */
function staticCondition(cond: Node[]): boolean | undefined {
  if (cond.length !== 1 || cond[0]!.type !== 'simple') return undefined;
  const words = cond[0]!.words.map((w) => plain(w) ?? '');
  const cmd = words.join(' ').replace(/^\/bin\//, '');
  if (cmd === 'true' || cmd === ':' || /^\[ (1|true|"?1"?) \]$/.test(cmd)) return true;
  if (cmd === 'false') return false;
  return undefined;
}

/** `[ $i -lt 5 ]` and friends, evaluated with the current variables (undefined: not understood). */
function testCondition(cond: Node[], m: Machine): boolean | undefined {
  if (cond.length !== 1 || cond[0]!.type !== 'simple') return undefined;
  const words = cond[0]!.words.map((w) => expandWord(w, m));
  const body = words[0] === '[' ? words.slice(1, -1) : words[0] === 'test' ? words.slice(1) : undefined;
  if (!body || body.length !== 3) return undefined;
  const [a, op, b] = [Number(body[0]), body[1], Number(body[2])];
  if (!Number.isFinite(a) || !Number.isFinite(b)) return undefined;
  const ops: Record<string, boolean> = { '-lt': a < b, '-le': a <= b, '-gt': a > b, '-ge': a >= b, '-eq': a === b, '-ne': a !== b };
  return ops[op!];
}

function exec(nodes: Node[], m: Machine): void {
  for (const n of nodes) {
    if (m.done) return;
    if (--m.steps.left < 0) {
      // Too much work for a simulation: the script is taken to hang here.
      m.forever = true;
      m.done = true;
      return;
    }
    if (n.type === 'simple') runSimple(n.words, m);
    else if (n.type === 'if') exec(n.then, m);
    else if (n.type === 'for') {
      for (const item of expandItems(n.items, m)) {
        if (m.done) return;
        m.vars.set(n.name, item);
        exec(n.body, m);
      }
    } else runWhile(n, m);
  }
}

function runWhile(n: Extract<Node, { type: 'while' }>, m: Machine): void {
  const forever = staticCondition(n.cond);
  if (forever === (n.until ? true : false)) return; // never entered
  if (forever === undefined && testCondition(n.cond, m) !== undefined) {
    // A counted loop: run it out (bounded).
    for (let k = 0; k < MAX_ITERATIONS && !m.done; k++) {
      const holds = testCondition(n.cond, m);
      if (holds === undefined || holds === n.until) return;
      exec(n.body, m);
    }
    return;
  }
  // An endless loop: learn one iteration's lines and timing, and how the variables move per iteration.
  const once = (vars: Map<string, string>, t: number, steps = m.steps) => {
    const it = newMachine(t, vars, m.depth, steps);
    exec(n.body, it);
    return it;
  };
  const first = once(m.vars, 0);
  if (first.done) {
    // The body exits or never comes back: it runs once.
    const real = once(m.vars, m.t);
    m.out.push(...real.out);
    m.t = real.t;
    m.vars = real.vars;
    m.done = real.done;
    m.forever = real.forever;
    m.exitCode = real.exitCode;
    return;
  }
  const second = once(first.vars, 0);
  const step = new Map<string, number>();
  for (const [k, v1] of first.vars) {
    const v0 = Number(m.vars.get(k) ?? 0);
    const d1 = Number(v1) - v0;
    const d2 = Number(second.vars.get(k)) - Number(v1);
    if (Number.isFinite(d1) && d1 === d2 && d1 !== 0) step.set(k, d1);
  }
  const periodMs = Math.max(first.t, BUSY_LOOP_PERIOD_MS);
  const base = new Map(m.vars);
  // Lines keep their offsets in the iteration (a loop without sleeps spreads them 1 ms apart).
  const offsets = first.out.map((l, j) => (first.t === 0 ? Math.min(periodMs - 1, j) : l.at));
  m.loop = {
    start: m.t,
    periodMs,
    offsets,
    render: (k, iterationStart) => {
      const vars = new Map(base);
      for (const [name, d] of step) vars.set(name, String(Number(base.get(name) ?? 0) + k * d));
      return once(vars, iterationStart, { left: MAX_STEPS }).out.map((l) => l.text);
    },
  };
  if (!m.loop.offsets.length) m.loop = undefined; // a silent loop
  m.forever = true;
  m.done = true;
}

/** The script of a container command, or undefined when the command is not a shell script or simple command. */
export function scriptOf(words: string[]): string | undefined {
  if (!words.length) return undefined;
  const prog = words[0]!.split('/').pop()!;
  if (SHELLS.has(prog)) {
    const c = words.indexOf('-c');
    if (c >= 0) return words[c + 1] ?? '';
    // An interactive shell with no input exits at once.
    return words.length === 1 ? '' : undefined;
  }
  return undefined;
}

/**
 * Simulates a container's command (`command` + `args`) started at `start`: a shell script (`sh -c '...'`) or a
 * single program invocation (`echo hi`, `sleep 10`, `date`).
 */
export function simulate(words: string[], start: number, env: ShellEnv): ScriptRun {
  const m = newMachine(start, new Map(Object.entries(env.vars)));
  const script = scriptOf(words);
  if (script !== undefined) exec(parseLogScript(script), m);
  else if (words.length) runSimple(words.map((w) => [{ text: w, literal: true, dq: false }]), m);
  const run: ScriptRun = { lines: m.out, exitCode: m.exitCode };
  if (m.loop) run.loop = m.loop;
  if (!m.forever) run.durationMs = m.t - start;
  return run;
}
