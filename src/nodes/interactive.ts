// Containers whose main process reads its stdin: a shell (sh, ash, dash, bash without -c or a script file) or
// `cat`, started with `stdin: true` (kubectl run -i), or a shell image's default command (busybox, alpine, ubuntu,
// ...). Such a process keeps running while its stdin is open and exits when the session on it ends (`exit 3`, EOF).
//
// The streaming server (src/streams) runs these processes, since it is where attach sessions arrive, and reports
// here when one exits; the kubelet reads the exit to turn the container's state to terminated with that exit code,
// the way containerd's task-exit event reaches the kubelet's pod lifecycle (PLEG). The table is process-wide and
// keyed by pod UID, container name and container ID, so clusters sharing a Node.js process never mix.
import { imageRepository, runsToCompletion } from './images.js';

type Obj = Record<string, any>;

const SHELLS = new Set(['sh', 'ash', 'dash', 'bash']);
/** Base images whose default command is a shell (busybox, alpine: sh; the others: bash). */
const SHELL_IMAGES: Record<string, string> = { busybox: 'sh', alpine: '/bin/sh', ubuntu: '/bin/bash', debian: 'bash', centos: '/bin/bash', fedora: '/bin/bash', bash: 'bash' };

/** The container's main process as argv: command and args, else the image's default shell (if it has one). */
export function mainArgv(container: Obj): string[] {
  const argv = [...(container.command ?? []), ...(container.args ?? [])].map(String);
  if (argv.length) return argv;
  const name = imageRepository(String(container.image ?? '')).split('/').pop() ?? '';
  const shell = runsToCompletion(String(container.image ?? '')) ? SHELL_IMAGES[name] : undefined;
  return shell ? [shell] : [];
}

/** A shell that reads commands from stdin: no -c, no script file; options such as -i, -l, -s, -x are fine. */
function readsCommandsFromStdin(argv: string[]): boolean {
  for (const a of argv.slice(1)) {
    if (a === '-' || a === '--') continue;
    if (!a.startsWith('-')) return false;
    if (a.startsWith('--')) continue;
    if (a.includes('c')) return false;
    // -s: commands from stdin, the words after it are positional parameters.
    if (a.includes('s')) return true;
  }
  return true;
}

/**
 * The argv of the container's main process when it is one that reads stdin (and the container has stdin open),
 * else undefined: such a container runs until its stdin session ends instead of on its own schedule.
 */
export function interactiveArgv(container: Obj): string[] | undefined {
  if (container?.stdin !== true) return undefined;
  const argv = mainArgv(container);
  const prog = (argv[0] ?? '').split('/').pop() ?? '';
  if (SHELLS.has(prog) && readsCommandsFromStdin(argv)) return argv;
  if (prog === 'cat' && argv.length === 1) return argv;
  return undefined;
}

export interface ProcessExit {
  code: number;
  /** When it exited (cluster clock, ms). */
  at: number;
}

export interface ProcessRef {
  uid: string;
  namespace: string;
  name: string;
  container: string;
}

/** Exits and transcripts kept at most (oldest dropped first); a pod's entries go when the pod does. */
const MAX_EXITS = 5000;
const MAX_TRANSCRIPTS = 1000;
/** Lines kept per transcript (older ones are rotated away, like the kubelet's log files). */
const MAX_TRANSCRIPT_LINES = 5000;

/** What a process printed, line by line as the container log has it (a prompt waits for the rest of its line). */
interface Transcript {
  lines: { at: number; text: string }[];
  partial: string;
  partialAt: number;
}

class ProcessTable {
  private readonly exits = new Map<string, ProcessExit>();
  private readonly transcripts = new Map<string, Transcript>();
  private readonly exitListeners = new Set<(ref: ProcessRef) => void>();
  private readonly goneListeners = new Set<(uid: string) => void>();

  private key(uid: string, container: string, containerID: string | undefined): string {
    return `${uid}/${container}/${containerID ?? ''}`;
  }

  /** The main process of a container instance exited (the streaming server saw its session end). */
  exited(ref: ProcessRef, containerID: string | undefined, exit: ProcessExit): void {
    const k = this.key(ref.uid, ref.container, containerID);
    if (this.exits.has(k)) return;
    this.exits.set(k, exit);
    if (this.exits.size > MAX_EXITS) this.exits.delete(this.exits.keys().next().value!);
    for (const fn of [...this.exitListeners]) fn(ref);
  }

  exitOf(uid: string, container: string, containerID: string | undefined): ProcessExit | undefined {
    return this.exits.get(this.key(uid, container, containerID));
  }

  /** The process printed `text` at `at` (stdout or stderr: the container log holds both). */
  output(ref: ProcessRef, containerID: string | undefined, at: number, text: string): void {
    const k = this.key(ref.uid, ref.container, containerID);
    let t = this.transcripts.get(k);
    if (!t) {
      t = { lines: [], partial: '', partialAt: at };
      this.transcripts.set(k, t);
      if (this.transcripts.size > MAX_TRANSCRIPTS) this.transcripts.delete(this.transcripts.keys().next().value!);
    }
    const parts = text.split('\n');
    for (let i = 0; i < parts.length - 1; i++) {
      t.lines.push({ at, text: (t.partial + parts[i]).replace(/\r$/, '') });
      t.partial = '';
    }
    if (!t.partial) t.partialAt = at;
    t.partial += parts[parts.length - 1];
    if (t.lines.length > MAX_TRANSCRIPT_LINES) t.lines.splice(0, t.lines.length - MAX_TRANSCRIPT_LINES);
  }

  /** The lines an instance's process printed so far, for its container log. */
  transcript(uid: string, container: string, containerID: string | undefined): { at: number; text: string }[] {
    const t = this.transcripts.get(this.key(uid, container, containerID));
    if (!t) return [];
    return t.partial ? [...t.lines, { at: t.partialAt, text: t.partial }] : [...t.lines];
  }

  /** Tells the kubelets that a process exited (they look at the pod again). */
  onExit(fn: (ref: ProcessRef) => void): () => void {
    this.exitListeners.add(fn);
    return () => this.exitListeners.delete(fn);
  }

  /** The pod is gone from its node: its processes were stopped. */
  podGone(uid: string): void {
    for (const map of [this.exits, this.transcripts] as Map<string, unknown>[]) for (const k of [...map.keys()]) if (k.startsWith(`${uid}/`)) map.delete(k);
    for (const fn of [...this.goneListeners]) fn(uid);
  }

  /** Tells the streaming server to end the processes (and attach sessions) of a pod that is gone. */
  onPodGone(fn: (uid: string) => void): () => void {
    this.goneListeners.add(fn);
    return () => this.goneListeners.delete(fn);
  }
}

export const containerProcesses = new ProcessTable();
