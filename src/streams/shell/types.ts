// The shell's view of the world: the container it runs in (ShellHost), a process's three streams (ProcIO) and what
// an external program gets (UtilityContext). Shared by the interpreter (interp.ts), builtins and utilities.
import type { Clock } from '../../clock.js';
import type { ImageProfile } from '../container/profile.js';
import type { VirtualFS } from './fs.js';
import type { Input, Output } from './io.js';
import type { Interrupter } from './signals.js';
import type { Shell } from './interp.js';

type Obj = Record<string, any>;

export interface Terminal {
  tty: boolean;
  cols: number;
  rows: number;
}

/** Answers an HTTP GET the way the cluster network would (curl, wget): undefined when nothing answers. */
export type Fetcher = (url: string, opts: { method: string; headers: Record<string, string>; body?: Buffer }) => Promise<FetchResult>;
export type FetchResult =
  | { ok: true; status: number; reason: string; headers: [string, string][]; body: Buffer }
  | { ok: false; error: 'resolve' | 'refused' | 'timeout'; host: string; port: number };

/** The container a shell runs in. */
export interface ShellHost {
  profile: ImageProfile;
  hostname: string;
  fs: VirtualFS;
  clock: Clock;
  pod: Obj;
  container: Obj;
  /** Programs installed in the image (commands-available.ts). */
  programs: Set<string>;
  terminal: Terminal;
  interrupts: Interrupter;
  fetch?: Fetcher;
  /** Cluster DNS: the fully qualified name and addresses a name resolves to from this pod (search path applied). */
  resolve?: (name: string) => { fqdn: string; addresses: string[] } | undefined;
  /** Process table for ps: the main process first. */
  processes(): { pid: number; command: string }[];
}

export interface ProcIO {
  stdin: Input;
  stdout: Output;
  stderr: Output;
}

/** What a utility (an external program) gets. */
export interface UtilityContext {
  argv: string[];
  env: Map<string, string>;
  cwd: string;
  io: ProcIO;
  host: ShellHost;
  /** Runs another program (env, xargs, sh): the same lookup as the shell's. */
  run(argv: string[], io: ProcIO, env?: Map<string, string>): Promise<number>;
  /** A new shell process (sh, bash). */
  newShell(name: string): Shell;
}

export type Utility = (ctx: UtilityContext) => Promise<number>;

export type ShellName = 'sh' | 'bash';
