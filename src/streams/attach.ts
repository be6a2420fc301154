// `kubectl attach` (and `kubectl run -i/-it`): a session on the container's main process, not a new one.
//
// A container whose main process reads stdin (a shell with `stdin: true`, see nodes/interactive.ts) has one
// long-lived process; every attach joins it, as containerd's CRI attach does:
// - the client's stdin feeds the container's stdin; when the client's stdin ends (or the client goes) and the
//   container has `stdinOnce` and the session has no TTY, the container's stdin is closed, so the shell reads EOF and
//   exits, and the session still gets its output until then; otherwise the session just detaches and the shell keeps
//   running for the next attach;
// - the session ends when the process exits; the kubelet reports Success (attach carries no exit code: kubectl run
//   reads it from the pod status afterwards).
// Any other container: the main process's output from now on (web server access logs) until the client detaches.
import { containerStatus } from './container/status.js';
import type { StreamsRuntime } from './container/runtime.js';
import type { ExecIO } from './remotecommand.js';
import { interactiveArgv } from '../nodes/interactive.js';
import { crlf } from './tty.js';

type Obj = Record<string, any>;

/** How long (cluster time) a detaching client waits for the answer to what it typed last. */
const DRAIN_MS = 1000;

export async function runAttach(runtime: StreamsRuntime, pod: Obj, container: Obj, io: ExecIO): Promise<void> {
  const argv = interactiveArgv(container);
  if (!argv || !containerStatus(pod, container.name)?.containerID) return attachOutput(runtime, pod, container, io);
  const proc = runtime.mainProcess(pod, container, argv);
  const closesStdin = container.stdinOnce === true && !io.tty && io.hasStdin;
  let done = false;
  let ready = false;
  const early: Buffer[] = [];
  let resolveDone!: () => void;
  const finished = new Promise<void>((resolve) => (resolveDone = resolve));
  const detach = { out: () => {}, exit: () => {} };
  const end = (finish: boolean): void => {
    if (done) return;
    done = true;
    detach.out();
    detach.exit();
    if (finish) io.finish({ code: 0 });
    resolveDone();
  };
  // Handlers first (input may arrive at once); typed input waits until the process is at its first prompt.
  if (io.hasStdin) {
    io.onStdin((d) => {
      if (done) return;
      if (ready) proc.input(d);
      else early.push(d);
    });
    io.onStdinEnd(() => {
      if (done) return;
      const after = ready ? Promise.resolve() : proc.started;
      void after.then(() => {
        if (done) return;
        // The session's input is over: with stdinOnce (no TTY) so is the container's; else the client detaches
        // once the process has handled what it was sent.
        if (closesStdin) proc.closeStdin();
        else void proc.whenIdle(runtime.clock, DRAIN_MS).then(() => end(true));
      });
    });
  }
  io.onResize((s) => proc.resize(s.width, s.height));
  io.onGone(() => {
    if (closesStdin) proc.closeStdin();
    end(false);
  });
  await proc.started;
  if (done) return;
  if (proc.exited) {
    end(true);
    return;
  }
  detach.out = proc.attach({ stdout: (d) => io.stdout(d), stderr: (d) => io.stderr(d) });
  detach.exit = proc.onExited(() => end(true));
  ready = true;
  for (const d of early.splice(0)) proc.input(d);
  await finished;
}

/**
 * Attach to a container whose main process does not read stdin: what it prints from now on, until the client goes
 * (or, when the container has stdin open without stdinOnce, until the client's stdin ends: the session detaches).
 */
async function attachOutput(runtime: StreamsRuntime, pod: Obj, container: Obj, io: ExecIO): Promise<void> {
  const out = io.tty ? crlf({ write: (d) => io.stdout(d) }) : { write: (d: Buffer | string) => io.stdout(d) };
  const stop = runtime.onOutput(pod, container.name, (line) => out.write(`${line}\n`));
  try {
    await new Promise<void>((resolve) => {
      io.onGone(resolve);
      if (container.stdin === true && io.hasStdin && !(container.stdinOnce === true && !io.tty)) {
        io.onStdinEnd(() => {
          io.finish({ code: 0 });
          resolve();
        });
      }
    });
  } finally {
    stop();
  }
}
