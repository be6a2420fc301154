// tar, enough for `kubectl cp`: it runs `tar cf - PATH` in the container to download and `tar -xmf - -C DIR` to
// upload. ustar archives of regular files, directories and symbolic links, read from stdin and written to stdout.
import path from 'node:path/posix';
import { FsError, VirtualFS } from './fs.js';
import type { Utility, UtilityContext } from './interp.js';

const BLOCK = 512;

function field(buf: Buffer, off: number, len: number, value: string): void {
  buf.write(value, off, len, 'utf8');
}

function octal(buf: Buffer, off: number, len: number, n: number): void {
  field(buf, off, len, `${n.toString(8).padStart(len - 1, '0')}\0`);
}

function header(name: string, type: '0' | '2' | '5', size: number, mode: number, mtime: number, link = ''): Buffer {
  const h = Buffer.alloc(BLOCK);
  let n = name;
  let prefix = '';
  if (Buffer.byteLength(n) > 100) {
    const cut = n.lastIndexOf('/', 154);
    prefix = n.slice(0, cut);
    n = n.slice(cut + 1);
  }
  field(h, 0, 100, n);
  octal(h, 100, 8, mode & 0o7777);
  octal(h, 108, 8, 0);
  octal(h, 116, 8, 0);
  octal(h, 124, 12, size);
  octal(h, 136, 12, Math.floor(mtime / 1000));
  field(h, 148, 8, '        ');
  field(h, 156, 1, type);
  field(h, 157, 100, link);
  field(h, 257, 8, 'ustar\x0000');
  field(h, 265, 32, 'root');
  field(h, 297, 32, 'root');
  field(h, 345, 155, prefix);
  let sum = 0;
  for (const b of h) sum += b;
  field(h, 148, 8, `${sum.toString(8).padStart(6, '0')}\0 `);
  return h;
}

function pad(data: Buffer): Buffer {
  const rest = data.length % BLOCK;
  return rest ? Buffer.concat([data, Buffer.alloc(BLOCK - rest)]) : data;
}

function create(ctx: UtilityContext, files: string[], cwd: string): { archive: Buffer; ok: boolean } {
  const fs = ctx.host.fs;
  const parts: Buffer[] = [];
  let ok = true;
  let warned = false;
  const add = (abs: string, member: string): void => {
    const node = fs.lstat(abs);
    if (!node) throw new FsError('ENOENT', member);
    if (node.type === 'dir') {
      parts.push(header(`${member.replace(/\/$/, '')}/`, '5', 0, node.mode, node.mtime));
      for (const child of fs.list(abs)) add(abs === '/' ? `/${child}` : `${abs}/${child}`, `${member.replace(/\/$/, '')}/${child}`);
    } else if (node.type === 'link') parts.push(header(member, '2', 0, 0o777, node.mtime, node.target ?? ''));
    else {
      const data = fs.read(abs);
      parts.push(header(member, '0', data.length, node.mode, node.mtime), pad(data));
    }
  };
  for (const f of files) {
    let member = path.normalize(f);
    if (member.startsWith('/')) {
      if (!warned) ctx.io.stderr.write("tar: Removing leading `/' from member names\n");
      warned = true;
      member = member.replace(/^\/+/, '') || '.';
    }
    try {
      add(VirtualFS.normalize(f, cwd), member);
    } catch (e) {
      if (!(e instanceof FsError)) throw e;
      ctx.io.stderr.write(`tar: ${f}: Cannot stat: No such file or directory\n`);
      ok = false;
    }
  }
  parts.push(Buffer.alloc(BLOCK * 2));
  return { archive: Buffer.concat(parts), ok };
}

function text(buf: Buffer, off: number, len: number): string {
  const s = buf.subarray(off, off + len);
  const nul = s.indexOf(0);
  return s.subarray(0, nul < 0 ? len : nul).toString('utf8');
}

function extract(ctx: UtilityContext, archive: Buffer, dir: string, list: boolean): boolean {
  const fs = ctx.host.fs;
  for (let off = 0; off + BLOCK <= archive.length; ) {
    const h = archive.subarray(off, off + BLOCK);
    if (h.every((b) => b === 0)) break;
    const prefix = text(h, 345, 155);
    const name = (prefix ? `${prefix}/` : '') + text(h, 0, 100);
    const size = parseInt(text(h, 124, 12).trim() || '0', 8) || 0;
    const type = String.fromCharCode(h[156] || 48);
    const data = archive.subarray(off + BLOCK, off + BLOCK + size);
    off += BLOCK + Math.ceil(size / BLOCK) * BLOCK;
    if (list) {
      ctx.io.stdout.write(`${name}\n`);
      continue;
    }
    const target = VirtualFS.normalize(name.replace(/^\/+/, ''), dir);
    try {
      if (type === '5') fs.mkdir(target, true);
      else if (type === '0' || type === '\0' || type === '7') {
        fs.mkdir(path.dirname(target), true);
        fs.write(target, Buffer.from(data));
      }
    } catch (e) {
      if (!(e instanceof FsError)) throw e;
      ctx.io.stderr.write(`tar: ${name}: Cannot open: ${e.text}\n`);
      return false;
    }
  }
  return true;
}

export const tar: Utility = async (ctx) => {
  const args = ctx.argv.slice(1);
  let mode: 'c' | 'x' | 't' | undefined;
  let file: string | undefined;
  let dir = ctx.cwd;
  const operands: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '-C' || a === '--directory') dir = VirtualFS.normalize(args[++i] ?? '.', ctx.cwd);
    else if (a.startsWith('--')) continue;
    else if ((i === 0 && !a.startsWith('-')) || /^-[A-Za-z]+$/.test(a)) {
      for (const ch of a.replace(/^-/, '')) {
        if (ch === 'c' || ch === 'x' || ch === 't') mode = ch;
        else if (ch === 'f') file = args[++i];
        else if (ch === 'C') dir = VirtualFS.normalize(args[++i] ?? '.', ctx.cwd);
      }
    } else operands.push(a);
  }
  if (!mode) {
    ctx.io.stderr.write("tar: You must specify one of the '-Acdtrux', '--delete' or '--test-label' options\nTry 'tar --help' or 'tar --usage' for more information.\n");
    return 2;
  }
  if (mode === 'c') {
    const { archive, ok } = create(ctx, operands, dir);
    if (!file || file === '-') ctx.io.stdout.write(archive);
    else ctx.host.fs.write(VirtualFS.normalize(file, ctx.cwd), archive);
    return ok ? 0 : 2;
  }
  let input: Buffer;
  if (!file || file === '-') input = await ctx.host.interrupts.wait(ctx.io.stdin.readAll());
  else {
    try {
      input = ctx.host.fs.read(VirtualFS.normalize(file, ctx.cwd));
    } catch {
      ctx.io.stderr.write(`tar: ${file}: Cannot open: No such file or directory\n`);
      return 2;
    }
  }
  return extract(ctx, input, dir, mode === 't') ? 0 : 2;
};
