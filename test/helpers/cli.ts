// Running the real command line (`node bin/kubesim.js ...`, i.e. the compiled dist/) as a child process.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { waitFor } from './wait.js';

/** The repository root (this file is test/helpers/cli.ts). */
export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));

/**
 * Compiles src/ to dist/ (what bin/kubesim.js runs); throws with the compiler output on failure. Test files run in
 * parallel, and a compile rewrites dist/ under any child process another file has running from it: so the build
 * happens once per vitest run (test/helpers/global-setup.ts names the run), under a lock held by one worker while
 * the others wait for it.
 */
export function buildDist(): void {
  const run = process.env.KUBESIM_TEST_RUN;
  const marker = run ? path.join(os.tmpdir(), `kubesim-dist-built-${run}`) : undefined;
  if (marker && existsSync(marker)) return;
  const lock = path.join(REPO_ROOT, 'dist.build-lock');
  const deadline = Date.now() + 240_000;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      // A lock left by a killed run is stale after the longest a build may take.
      if (Date.now() - (statSync(lock, { throwIfNoEntry: false })?.mtimeMs ?? Date.now()) > 180_000) rmSync(lock, { recursive: true, force: true });
      if (Date.now() > deadline) throw new Error(`buildDist: ${lock} is held by another build`);
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 100); // a synchronous sleep
    }
  }
  try {
    if (marker && existsSync(marker)) return;
    execFileSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: REPO_ROOT, stdio: 'pipe', timeout: 120_000 });
    if (marker) writeFileSync(marker, '');
  } catch (err) {
    const e = err as { stdout?: Buffer; stderr?: Buffer; message: string };
    throw new Error(`build failed: ${e.message}\n${e.stdout?.toString() ?? ''}${e.stderr?.toString() ?? ''}`);
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface CliProcess {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  exited: Promise<Exit>;
  /** Resolves with the first match of `re` in stdout; fails if the process exits or the deadline passes first. */
  waitForStdout(re: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  /** Resolves with the exit; fails (after SIGKILL) if it does not come before the deadline. */
  waitForExit(timeoutMs?: number): Promise<Exit>;
}

/** The environment without any KUBESIM_* variable of the test runner, plus `extra`. */
export function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('KUBESIM_')) env[k] = v;
  return { ...env, ...extra };
}

export function startCli(args: string[], opts: { cwd: string; env?: Record<string, string> }): CliProcess {
  const child = spawn(process.execPath, [`${REPO_ROOT}/bin/kubesim.js`, ...args], { cwd: opts.cwd, env: cleanEnv(opts.env), stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout!.on('data', (d) => (out += String(d)));
  child.stderr!.on('data', (d) => (err += String(d)));
  let done: Exit | undefined;
  const exited = new Promise<Exit>((resolve) =>
    child.on('exit', (code, signal) => {
      done = { code, signal };
      resolve(done);
    }),
  );
  const describe = () => `\nstdout: ${out}\nstderr: ${err}`;
  return {
    child,
    stdout: () => out,
    stderr: () => err,
    exited,
    waitForStdout: async (re, timeoutMs = 20_000) => {
      const r = await waitFor(`${re} in the output of kubesim ${args.join(' ')}`, () => out.match(re) ?? (done ? 'exited' : undefined), timeoutMs).catch(
        (e: Error) => {
          throw new Error(`${e.message}${describe()}`);
        },
      );
      if (r === 'exited') throw new Error(`kubesim exited (${JSON.stringify(done)}) before printing ${re}${describe()}`);
      return r;
    },
    waitForExit: async (timeoutMs = 10_000) => {
      let timer: NodeJS.Timeout | undefined;
      const deadline = new Promise<'timeout'>((r) => (timer = setTimeout(() => r('timeout'), timeoutMs)));
      const r = await Promise.race([exited, deadline]);
      clearTimeout(timer);
      if (r === 'timeout') {
        child.kill('SIGKILL');
        throw new Error(`kubesim ${args.join(' ')} did not exit within ${timeoutMs} ms${describe()}`);
      }
      return r;
    },
  };
}
