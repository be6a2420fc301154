// The simulated /bin/sh: runs parsed scripts against a container (its filesystem, environment and programs),
// with dash, busybox ash or bash flavoured messages ("sh: 1: foo: not found", exit 127), builtins that change the
// shell's own state (builtins.ts) and utilities (util-*.ts) for everything else.
import { VirtualFS } from './fs.js';
import { BUILTINS, programPath } from './builtins.js';
import { Capture, Input, PipeOutput } from './io.js';
import { ExitSignal, Interrupted } from './signals.js';
import { expandGlob } from './glob.js';
import { applyRedirects, RedirectError } from './redirect.js';
import type { ProcIO, ShellHost, ShellName, Utility, UtilityContext } from './types.js';
import { ParseError, parseScript, type AndOr, type Command, type List, type Pipeline, type SimpleCommand, type Word } from './parse.js';

export type { FetchResult, Fetcher, ProcIO, ShellHost, ShellName, Terminal, Utility, UtilityContext } from './types.js';

export class Shell {
  vars = new Map<string, string>();
  exported = new Set<string>();
  cwd = '/';
  status = 0;
  positional: string[] = [];
  /** $0 and the prefix of error messages. */
  argv0: string;
  lineNo = 1;
  interactive = false;
  private readonly pid: number;

  constructor(
    readonly host: ShellHost,
    env: Iterable<[string, string]>,
    readonly name: ShellName,
    private readonly utilities: Record<string, Utility>,
    pid = 100 + Math.floor(Math.random() * 900),
  ) {
    for (const [k, v] of env) {
      this.vars.set(k, v);
      this.exported.add(k);
    }
    this.vars.set('PWD', this.vars.get('PWD') ?? '/');
    this.argv0 = name;
    this.pid = pid;
    this.cwd = this.vars.get('PWD') || '/';
  }

  get flavor(): 'dash' | 'ash' | 'bash' {
    if (this.name === 'bash') return 'bash';
    return this.host.profile.flavor === 'debian' ? 'dash' : 'ash';
  }

  /** `sh: 1: ` (dash), `sh: ` (ash), `bash: line 1: ` (bash -c). */
  errPrefix(): string {
    if (this.flavor === 'dash') return `${this.argv0}: ${this.lineNo}: `;
    if (this.flavor === 'bash') return this.interactive ? `${this.argv0}: ` : `${this.argv0}: line ${this.lineNo}: `;
    return `${this.argv0}: `;
  }

  clone(): Shell {
    const s = new Shell(this.host, [], this.name, this.utilities, this.pid);
    s.vars = new Map(this.vars);
    s.exported = new Set(this.exported);
    s.cwd = this.cwd;
    s.status = this.status;
    s.positional = [...this.positional];
    s.argv0 = this.argv0;
    s.lineNo = this.lineNo;
    return s;
  }

  environment(): Map<string, string> {
    const env = new Map<string, string>();
    for (const k of this.exported) {
      const v = this.vars.get(k);
      if (v !== undefined) env.set(k, v);
    }
    return env;
  }

  /** Parses and runs a whole script; syntax errors print like the shell and give status 2. */
  async runScript(src: string, io: ProcIO): Promise<number> {
    let list: List;
    try {
      list = parseScript(src);
    } catch (err) {
      if (err instanceof ParseError) {
        io.stderr.write(`${this.errPrefix()}${this.flavor === 'dash' ? err.message.replace(/^syntax error/, 'Syntax error') : err.message}\n`);
        this.status = 2;
        return 2;
      }
      throw err;
    }
    try {
      return await this.runList(list, io);
    } catch (err) {
      if (err instanceof ExitSignal) {
        this.status = err.code;
        throw err;
      }
      throw err;
    }
  }

  async runList(list: List, io: ProcIO): Promise<number> {
    for (const item of list) {
      if (item.background) {
        const job = this.clone();
        void job.runAndOr(item, { ...io, stdin: Input.empty() }).catch(() => undefined);
        this.status = 0;
        continue;
      }
      await this.runAndOr(item, io);
    }
    return this.status;
  }

  private async runAndOr(item: AndOr, io: ProcIO): Promise<number> {
    let status = await this.runPipeline(item.first, io);
    for (const { op, pipeline } of item.rest) {
      if ((op === '&&' && status !== 0) || (op === '||' && status === 0)) continue;
      status = await this.runPipeline(pipeline, io);
    }
    return status;
  }

  private async runPipeline(p: Pipeline, io: ProcIO): Promise<number> {
    let status: number;
    if (p.commands.length === 1) {
      status = await this.runCommand(p.commands[0], io);
    } else {
      // Each stage runs concurrently in a subshell; a stage's end closes the pipe into the next.
      const stages: Promise<number>[] = [];
      let input = io.stdin;
      p.commands.forEach((cmd, i) => {
        const last = i === p.commands.length - 1;
        const pipe = last ? undefined : new Input();
        const stageIO: ProcIO = { stdin: input, stdout: pipe ? new PipeOutput(pipe) : io.stdout, stderr: io.stderr };
        const sub = this.clone();
        stages.push(
          sub.runCommand(cmd, stageIO).then(
            (s) => {
              pipe?.end();
              return s;
            },
            (err) => {
              pipe?.end();
              if (err instanceof ExitSignal) return err.code;
              throw err;
            },
          ),
        );
        if (pipe) input = pipe;
      });
      const results = await Promise.all(stages);
      status = results[results.length - 1];
    }
    if (p.negate) status = status === 0 ? 1 : 0;
    this.status = status;
    return status;
  }

  async runCommand(cmd: Command, io: ProcIO): Promise<number> {
    let redirected: ProcIO;
    try {
      redirected = await applyRedirects(cmd.redirects, io, { fs: this.host.fs, cwd: this.cwd, flavor: this.flavor, expand: (w) => this.expandWord(w, io) });
    } catch (err) {
      if (err instanceof RedirectError) {
        io.stderr.write(`${this.errPrefix()}${err.message}\n`);
        this.status = this.flavor === 'dash' ? 2 : 1;
        return this.status;
      }
      throw err;
    }
    switch (cmd.type) {
      case 'simple':
        return this.runSimple(cmd, redirected);
      case 'group':
        return this.runList(cmd.body, redirected);
      case 'subshell': {
        const sub = this.clone();
        try {
          this.status = await sub.runList(cmd.body, redirected);
        } catch (err) {
          if (!(err instanceof ExitSignal)) throw err;
          this.status = err.code;
        }
        return this.status;
      }
      case 'if': {
        for (const b of cmd.branches) {
          if ((await this.runList(b.cond, redirected)) === 0) return this.runList(b.body, redirected);
        }
        this.status = 0;
        return cmd.otherwise ? this.runList(cmd.otherwise, redirected) : 0;
      }
      case 'for': {
        const items = cmd.items ? (await Promise.all(cmd.items.map((w) => this.expandFields(w, redirected)))).flat() : [...this.positional];
        this.status = 0;
        for (const item of items) {
          this.vars.set(cmd.name, item);
          await this.runList(cmd.body, redirected);
          await this.yieldTurn();
        }
        return this.status;
      }
      case 'while':
      case 'until': {
        let last = 0;
        for (;;) {
          const c = await this.runList(cmd.cond, redirected);
          if ((c === 0) !== (cmd.type === 'while')) break;
          last = await this.runList(cmd.body, redirected);
          await this.yieldTurn();
        }
        this.status = last;
        return last;
      }
    }
  }

  /** Loops give the event loop (and interrupts) a turn, so `while true; do ...; done` stays killable. */
  private async yieldTurn(): Promise<void> {
    await this.host.interrupts.wait(new Promise<void>((r) => setImmediate(r)));
  }

  private async runSimple(cmd: SimpleCommand, io: ProcIO): Promise<number> {
    const argv: string[] = [];
    for (const w of cmd.words) argv.push(...(await this.expandFields(w, io)));
    const assigns: [string, string][] = [];
    for (const a of cmd.assigns) assigns.push([a.name, await this.expandWord(a.value, io)]);
    if (!argv.length) {
      for (const [k, v] of assigns) this.vars.set(k, v);
      return this.status;
    }
    const builtin = BUILTINS[argv[0]];
    if (builtin) {
      // Assignments before a special builtin persist (POSIX); for the rest this is close enough.
      for (const [k, v] of assigns) this.vars.set(k, v);
      this.status = await builtin(this, argv, io);
      return this.status;
    }
    const env = this.environment();
    for (const [k, v] of assigns) env.set(k, v);
    this.status = await this.exec(argv, io, env);
    return this.status;
  }

  /** Runs a program by name or path: a utility the image has, a script file, or "not found" (127). */
  async exec(argv: string[], io: ProcIO, env: Map<string, string>): Promise<number> {
    const name = argv[0];
    const resolved = this.resolveProgram(name, env);
    if (resolved.kind === 'missing') {
      io.stderr.write(this.notFound(name));
      return 127;
    }
    if (resolved.kind === 'denied') {
      io.stderr.write(`${this.errPrefix()}${name}: Permission denied\n`);
      return 126;
    }
    if (resolved.kind === 'script') {
      const sub = new Shell(this.host, env, this.name, this.utilities);
      sub.cwd = this.cwd;
      sub.argv0 = name;
      sub.positional = argv.slice(1);
      try {
        return await sub.runScript(resolved.text, io);
      } catch (err) {
        if (err instanceof ExitSignal) return err.code;
        throw err;
      }
    }
    const util = this.utilities[resolved.program];
    try {
      return await util({
        argv: [name, ...argv.slice(1)],
        env,
        cwd: this.cwd,
        io,
        host: this.host,
        run: (a, i, e) => this.exec(a, i, e ?? env),
        newShell: (n) => {
          const s = new Shell(this.host, env, n === 'bash' ? 'bash' : 'sh', this.utilities);
          s.cwd = this.cwd;
          return s;
        },
      });
    } catch (err) {
      if (err instanceof Interrupted) return 130;
      throw err;
    }
  }

  notFound(name: string): string {
    if (this.flavor === 'bash') return `${this.errPrefix()}${name}: ${name.includes('/') ? 'No such file or directory' : 'command not found'}\n`;
    return `${this.errPrefix()}${name}: not found\n`;
  }

  resolveProgram(name: string, env: Map<string, string>): { kind: 'util'; program: string } | { kind: 'script'; text: string } | { kind: 'missing' } | { kind: 'denied' } {
    const fs = this.host.fs;
    if (name.includes('/')) {
      const abs = VirtualFS.normalize(name, this.cwd);
      const node = fs.stat(abs);
      if (!node) return { kind: 'missing' };
      if (node.type === 'dir' || !(node.mode & 0o111)) return { kind: 'denied' };
      const base = abs.split('/').pop()!;
      const data = fs.read(abs);
      if (data.subarray(0, 4).toString('latin1') === '\x7fELF' && this.utilities[base] && this.host.programs.has(base)) return { kind: 'util', program: base };
      return { kind: 'script', text: data.toString('utf8').replace(/^#!.*\n/, '') };
    }
    if (!this.host.programs.has(name) || !this.utilities[name]) return { kind: 'missing' };
    // The program must be on PATH (PATH= or a PATH without /bin breaks lookups, like a real shell).
    const path = (env.get('PATH') ?? '').split(':').filter(Boolean);
    const found = path.some((d) => fs.stat(`${VirtualFS.normalize(d)}/${name}`)?.type === 'file');
    return found ? { kind: 'util', program: name } : { kind: 'missing' };
  }

  // ---- expansion ----

  /** A word as one string (no field splitting): assignments, redirection targets, case words. */
  async expandWord(word: Word, io: ProcIO): Promise<string> {
    let out = '';
    for (const part of word) {
      if (part.kind === 'lit') out += part.text;
      else if (part.kind === 'var') out += await this.expandVar(part.name, part.op, part.arg, io);
      else if (part.kind === 'arith') out += this.arithmetic(part.expr);
      else out += await this.commandSubstitution(part.script, io);
    }
    return out;
  }

  /** A word as fields: unquoted expansions split on whitespace; "$@" keeps one field per argument; globs match files. */
  async expandFields(word: Word, io: ProcIO): Promise<string[]> {
    const fields: string[] = [];
    let cur = '';
    let have = false;
    let glob = false;
    for (const part of word) {
      if (part.kind === 'lit') {
        cur += part.text;
        have = true;
        if (!part.quoted && /[*?[]/.test(part.text)) glob = true;
        continue;
      }
      if (part.kind === 'var' && (part.name === '@' || part.name === '*') && !part.op) {
        const args = this.positional;
        if (part.quoted && part.name === '@') {
          args.forEach((a, i) => {
            if (i === 0) {
              cur += a;
              have = true;
            } else {
              fields.push(cur);
              cur = a;
            }
          });
          continue;
        }
      }
      const value =
        part.kind === 'var' ? await this.expandVar(part.name, part.op, part.arg, io) : part.kind === 'arith' ? this.arithmetic(part.expr) : await this.commandSubstitution(part.script, io);
      if (part.quoted) {
        cur += value;
        have = true;
        continue;
      }
      const pieces = value.split(/[ \t\n]+/);
      pieces.forEach((piece, i) => {
        if (i > 0 && (have || cur)) {
          fields.push(cur);
          cur = '';
          have = false;
        }
        if (piece) {
          cur += piece;
          have = true;
        }
      });
    }
    if (have || cur) fields.push(cur);
    if (!glob) return fields;
    return fields.flatMap((f) => expandGlob(this.host.fs, this.cwd, f));
  }

  private async expandVar(name: string, op: string | undefined, arg: Word | undefined, io: ProcIO): Promise<string> {
    const value = this.lookup(name);
    if (op === '#') return String((this.lookup(name) ?? '').length);
    if (!op) {
      if (value === undefined && this.vars.get('-u') === '1') throw new ExitSignal(2);
      return value ?? '';
    }
    const colon = op.startsWith(':');
    const unset = value === undefined || (colon && value === '');
    const argValue = async (): Promise<string> => (arg ? this.expandWord(arg, io) : '');
    switch (op.replace(':', '')) {
      case '-':
        return unset ? argValue() : value!;
      case '=': {
        if (!unset) return value!;
        const v = await argValue();
        this.vars.set(name, v);
        return v;
      }
      case '+':
        return unset ? '' : argValue();
      case '?':
        if (unset) {
          io.stderr.write(`${this.errPrefix()}${name}: ${(await argValue()) || 'parameter not set'}\n`);
          throw new ExitSignal(2);
        }
        return value!;
      default:
        return value ?? '';
    }
  }

  /** $((expr)): integer arithmetic over shell variables (+ - * / % comparisons, && ||, parentheses). */
  arithmetic(expr: string): string {
    const src = expr.replace(/\$?\{?([A-Za-z_][A-Za-z0-9_]*)\}?/g, (_m, name: string) => String(parseInt(this.lookup(name) ?? '0', 10) || 0));
    if (!/^[\d\s+\-*/%()<>=!&|]*$/.test(src)) throw new ExitSignal(2);
    try {
      const v = Function(`"use strict"; return (${src.replace(/\//g, '/') || 0});`)() as number | boolean;
      const n = typeof v === 'boolean' ? (v ? 1 : 0) : Math.trunc(v);
      return String(Number.isFinite(n) ? n : 0);
    } catch {
      throw new ExitSignal(2);
    }
  }

  lookup(name: string): string | undefined {
    switch (name) {
      case '?':
        return String(this.status);
      case '$':
        return String(this.pid);
      case '#':
        return String(this.positional.length);
      case '@':
      case '*':
        return this.positional.join(' ');
      case '0':
        return this.argv0;
      case '!':
        return '';
      case '-':
        return this.interactive ? 'i' : '';
    }
    if (/^\d+$/.test(name)) return this.positional[Number(name) - 1];
    return this.vars.get(name);
  }

  private async commandSubstitution(script: string, io: ProcIO): Promise<string> {
    const sub = this.clone();
    const cap = new Capture();
    try {
      this.status = await sub.runScript(script, { stdin: Input.empty(), stdout: cap, stderr: io.stderr });
    } catch (err) {
      if (!(err instanceof ExitSignal)) throw err;
      this.status = err.code;
    }
    return cap.text.replace(/\n+$/, '');
  }
}

// Re-exported for the utilities and the exec glue.
export { BUILTINS, ExitSignal, Interrupted, programPath };
export { Interrupter } from './signals.js';
