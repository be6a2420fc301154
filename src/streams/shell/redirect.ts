// Redirections of a command (`> f`, `>> f`, `< f`, `2>&1`, `&> f`, `>&2`): the ProcIO the command runs with, and
// the shell's messages when a file cannot be opened ("sh: 1: cannot create /x: Permission denied").
import { FsError, VirtualFS } from './fs.js';
import { devNull, Input, type Output } from './io.js';
import type { Redirect, Word } from './parse.js';
import type { ProcIO } from './types.js';

/** A redirection that failed: the command does not run; the shell prints the message (status 2 in dash, else 1). */
export class RedirectError extends Error {}

export interface RedirectContext {
  fs: VirtualFS;
  cwd: string;
  flavor: 'dash' | 'ash' | 'bash';
  /** Word expansion of the target, by the shell. */
  expand(word: Word): Promise<string>;
}

export async function applyRedirects(redirects: Redirect[], io: ProcIO, ctx: RedirectContext): Promise<ProcIO> {
  if (!redirects.length) return io;
  const out: ProcIO = { ...io };
  for (const r of redirects) {
    const target = await ctx.expand(r.target);
    const fdOut = (fd: number): Output => (fd === 2 ? out.stderr : out.stdout);
    if (r.op === '>&' || r.op === '<&') {
      if (target === '-') continue;
      const fd = Number(target);
      if (!/^\d$/.test(target)) {
        const w = fileOutput(ctx, target, false);
        if (r.fd === 2) out.stderr = w;
        else out.stdout = w;
        continue;
      }
      if (r.op === '<&') continue;
      if (fd !== 1 && fd !== 2) throw new RedirectError(`${fd}: Bad file descriptor`);
      if (r.fd === 2) out.stderr = fdOut(fd);
      else if (r.fd === 1) out.stdout = fdOut(fd);
      continue;
    }
    if (r.op === '<') {
      out.stdin = fileInput(ctx, target);
      continue;
    }
    const w = fileOutput(ctx, target, r.op === '>>');
    if (r.op === '&>') {
      out.stdout = w;
      out.stderr = w;
    } else if (r.fd === 2) out.stderr = w;
    else if (r.fd === 1) out.stdout = w;
  }
  return out;
}

function special(path: string, cwd: string): 'stdout' | 'stderr' | 'stdin' | 'null' | undefined {
  const p = VirtualFS.normalize(path, cwd);
  if (p === '/dev/null') return 'null';
  if (p === '/dev/stdout' || p === '/proc/self/fd/1' || p === '/dev/fd/1') return 'stdout';
  if (p === '/dev/stderr' || p === '/proc/self/fd/2' || p === '/dev/fd/2') return 'stderr';
  if (p === '/dev/stdin' || p === '/proc/self/fd/0' || p === '/dev/fd/0') return 'stdin';
  return undefined;
}

function fileOutput(ctx: RedirectContext, path: string, append: boolean): Output {
  const sp = special(path, ctx.cwd);
  if (sp === 'null') return devNull;
  const abs = VirtualFS.normalize(path, ctx.cwd);
  const fs = ctx.fs;
  try {
    if (!append || !fs.stat(abs)) fs.write(abs, Buffer.alloc(0), false);
  } catch (err) {
    if (err instanceof FsError) throw new RedirectError(ctx.flavor === 'dash' ? `cannot create ${path}: ${err.text}` : `can't create ${path}: ${err.text}`);
    throw err;
  }
  return { write: (d) => fs.write(abs, typeof d === 'string' ? Buffer.from(d) : d, true) };
}

function fileInput(ctx: RedirectContext, path: string): Input {
  try {
    return Input.of(ctx.fs.read(VirtualFS.normalize(path, ctx.cwd)));
  } catch (err) {
    if (err instanceof FsError) throw new RedirectError(ctx.flavor === 'dash' ? `cannot open ${path}: ${err.text}` : `can't open '${path}': ${err.text}`);
    throw err;
  }
}
