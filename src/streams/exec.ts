// Running `kubectl exec` sessions in a simulated container: the command runs as a program of the image (the shell
// and its utilities), with the pod's environment, stdin (raw, or through a TTY line discipline), stdout/stderr, and
// its exit code reported on the error stream. (attach: attach.ts.)
import { randomBytes } from 'node:crypto';
import type { StreamsRuntime } from './container/runtime.js';
import type { ExecIO } from './remotecommand.js';
import { UTILITIES } from './shell/index.js';
import { ExitSignal, Interrupted, Interrupter, Shell, type ProcIO, type Terminal } from './shell/interp.js';
import { Input, type Output } from './shell/io.js';
import { crlf, LineDiscipline } from './tty.js';

type Obj = Record<string, any>;

interface Session {
  shell: Shell;
  io: ProcIO;
  interrupts: Interrupter;
}

/** Wires the client's streams to a process: stdin (TTY-disciplined or raw), CRLF output on a TTY, interrupts. */
function session(runtime: StreamsRuntime, pod: Obj, container: Obj, io: ExecIO): Session {
  const interrupts = new Interrupter();
  const terminal: Terminal = { tty: io.tty, cols: 80, rows: 24 };
  io.onResize((s) => {
    terminal.cols = s.width;
    terminal.rows = s.height;
  });
  const host = runtime.host(pod, container, terminal, interrupts);
  const stdout: Output = io.tty ? crlf({ write: (d) => io.stdout(d) }) : { write: (d) => io.stdout(d) };
  const stderr: Output = io.tty ? crlf({ write: (d) => io.stderr(d) }) : { write: (d) => io.stderr(d) };
  let stdin: Input;
  if (!io.hasStdin) stdin = Input.empty();
  else {
    stdin = new Input();
    stdin.isTTY = io.tty;
    const discipline = io.tty ? new LineDiscipline(stdin, (t) => io.stdout(t), interrupts) : undefined;
    io.onStdin((d) => (discipline ? discipline.feed(d) : stdin.push(d)));
    io.onStdinEnd(() => stdin.end());
  }
  io.onGone(() => {
    interrupts.close();
    stdin.end();
  });
  const shell = new Shell(host, runtime.environment(pod, container, io.tty), 'sh', UTILITIES);
  return { shell, io: { stdin, stdout, stderr }, interrupts };
}

/** The runtime's error for a program that is not in the image (containerd via runc). */
function notFoundError(name: string): string {
  return `error executing command in container: failed to exec in container: failed to start exec "${randomBytes(32).toString('hex')}": OCI runtime exec failed: exec failed: unable to start container process: exec: "${name}": executable file not found in $PATH: unknown`;
}

export async function runExec(runtime: StreamsRuntime, pod: Obj, container: Obj, command: string[], io: ExecIO): Promise<void> {
  const s = session(runtime, pod, container, io);
  const env = s.shell.environment();
  const resolved = s.shell.resolveProgram(command[0], env);
  if (resolved.kind === 'missing' || resolved.kind === 'denied') {
    io.finish({ error: resolved.kind === 'missing' ? notFoundError(command[0]) : `error executing command in container: failed to exec in container: OCI runtime exec failed: exec failed: unable to start container process: exec: "${command[0]}": permission denied: unknown` });
    return;
  }
  let code: number;
  try {
    code = await s.shell.exec(command, s.io, env);
  } catch (err) {
    if (err instanceof ExitSignal) code = err.code;
    else if (err instanceof Interrupted) code = 130;
    else {
      runtime.log?.(`exec in ${pod.metadata?.namespace}/${pod.metadata?.name}: ${(err as Error)?.stack ?? err}`);
      code = 1;
    }
  } finally {
    s.interrupts.close();
  }
  io.finish({ code, command });
}
