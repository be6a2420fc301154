// The main process (PID 1) of a container that reads its stdin: a shell started with `stdin: true` (kubectl run -i),
// kept for the container's lifetime so that every attach session reaches the same process (same variables, same
// working directory). Like a container runtime's IO, it owns the container's stdin (and its TTY line discipline when
// the container has `tty: true`) and fans its output out to whoever is attached right now: output written while
// nobody is attached is gone, as on a real node (attach does not replay it).
import type { Clock } from '../../clock.js';
import { UTILITIES } from '../shell/index.js';
import { ExitSignal, Interrupted, Interrupter, Shell, type Terminal } from '../shell/interp.js';
import { Input, type Output } from '../shell/io.js';
import { crlf, LineDiscipline } from '../tty.js';
import type { StreamsRuntime } from './runtime.js';

type Obj = Record<string, any>;

/** Where an attach session receives the process's output. */
export interface AttachSink {
  stdout(data: Buffer | string): void;
  stderr(data: Buffer | string): void;
}

export class MainProcess {
  readonly tty: boolean;
  /** Resolves once the process waits for input for the first time (what it printed before is not replayed). */
  readonly started: Promise<void>;
  exitCode?: number;
  /** Ended for good (stdinOnce after the first session, EOF on the TTY, or the process exited). */
  stdinClosed = false;
  private readonly stdin = new Input();
  private readonly discipline?: LineDiscipline;
  private readonly interrupts = new Interrupter();
  private readonly terminal: Terminal;
  private readonly sinks = new Set<AttachSink>();
  private readonly exitFns = new Set<(code: number) => void>();
  private idleFns: (() => void)[] = [];
  private killed = false;

  constructor(
    runtime: StreamsRuntime,
    pod: Obj,
    container: Obj,
    argv: string[],
    private readonly onExit: (code: number, killed: boolean) => void,
    /** Everything it prints also goes to the container log. */
    private readonly record: (text: string) => void = () => undefined,
  ) {
    this.tty = container.tty === true;
    this.terminal = { tty: this.tty, cols: 80, rows: 24 };
    this.stdin.isTTY = this.tty;
    const toStdout: Output = { write: (d) => this.broadcast('stdout', d) };
    const toStderr: Output = { write: (d) => this.broadcast('stderr', d) };
    const stdout = this.tty ? crlf(toStdout) : toStdout;
    // A terminal has one output: stderr shows on it like stdout.
    const stderr = this.tty ? crlf(toStdout) : toStderr;
    if (this.tty) this.discipline = new LineDiscipline(this.stdin, (t) => this.broadcast('stdout', t), this.interrupts);
    let begin!: () => void;
    this.started = new Promise<void>((resolve) => (begin = resolve));
    this.stdin.onWait = () => {
      begin();
      const fns = this.idleFns;
      this.idleFns = [];
      for (const fn of fns) fn();
    };
    const host = runtime.host(pod, container, this.terminal, this.interrupts);
    const shell = new Shell(host, runtime.environment(pod, container, this.tty), 'sh', UTILITIES, 1);
    const env = shell.environment();
    void (async () => {
      let code: number;
      try {
        code = await shell.exec(argv, { stdin: this.stdin, stdout, stderr }, env);
      } catch (err) {
        if (err instanceof ExitSignal) code = err.code;
        else if (err instanceof Interrupted) code = 130;
        else {
          runtime.log?.(`main process of ${pod.metadata?.namespace}/${pod.metadata?.name}/${container.name}: ${(err as Error)?.stack ?? err}`);
          code = 1;
        }
      }
      this.exit(code);
      begin();
    })();
  }

  get exited(): boolean {
    return this.exitCode !== undefined;
  }

  private broadcast(stream: 'stdout' | 'stderr', data: Buffer | string): void {
    this.record(typeof data === 'string' ? data : data.toString('utf8'));
    for (const s of [...this.sinks]) s[stream](data);
  }

  private exit(code: number): void {
    if (this.exited) return;
    this.exitCode = code;
    this.stdinClosed = true;
    this.interrupts.close();
    this.stdin.end();
    for (const fn of this.idleFns.splice(0)) fn();
    for (const fn of [...this.exitFns]) fn(code);
    this.sinks.clear();
    this.onExit(code, this.killed);
  }

  /** What the attached client typed (through the TTY's line discipline when the container has one). */
  input(data: Buffer): void {
    if (this.stdinClosed) return;
    if (this.discipline) this.discipline.feed(data);
    else this.stdin.push(data);
  }

  /** The container's stdin reaches EOF (stdinOnce: the first session with stdin ended). */
  closeStdin(): void {
    if (this.stdinClosed) return;
    this.stdinClosed = true;
    this.stdin.end();
  }

  resize(cols: number, rows: number): void {
    if (cols > 0) this.terminal.cols = cols;
    if (rows > 0) this.terminal.rows = rows;
  }

  /** Adds an attached client's output; returns its detach. */
  attach(sink: AttachSink): () => void {
    if (!this.exited) this.sinks.add(sink);
    return () => this.sinks.delete(sink);
  }

  onExited(fn: (code: number) => void): () => void {
    if (this.exited) {
      fn(this.exitCode!);
      return () => undefined;
    }
    this.exitFns.add(fn);
    return () => this.exitFns.delete(fn);
  }

  /**
   * Resolves once the process has handled the input it was given and waits for more (or has exited), or after
   * `capMs` of cluster time: a client detaching right after typing still sees the answer.
   */
  whenIdle(clock: Clock, capMs: number): Promise<void> {
    if (this.exited || this.stdin.waiting) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = clock.after(capMs, resolve);
      this.idleFns.push(() => {
        timer.cancel();
        resolve();
      });
    });
  }

  /** The container was stopped (its pod is gone): the process dies with it. */
  kill(): void {
    if (this.exited) return;
    this.killed = true;
    this.exit(137);
  }
}
