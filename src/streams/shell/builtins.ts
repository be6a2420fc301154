// The shell builtins: commands that act on the shell itself (cd, export, exit, read, set, ...) or that shells
// build in (echo, printf, test), plus the printf and escape formatting they share with the utilities.
import { FsError, VirtualFS } from './fs.js';
import type { ProcIO, Shell } from './interp.js';
import { ExitSignal } from './signals.js';

type Builtin = (sh: Shell, argv: string[], io: ProcIO) => Promise<number>;

async function readBuiltin(sh: Shell, argv: string[], io: ProcIO): Promise<number> {
  const args = argv.slice(1);
  let raw = false;
  while (args[0]?.startsWith('-')) {
    const opt = args.shift()!;
    if (opt === '-r') raw = true;
    else if (opt === '-p') args.shift();
    else if (opt === '--') break;
  }
  const line = await sh.host.interrupts.wait(io.stdin.readLine());
  if (line === null) {
    for (const n of args) sh.vars.set(n, '');
    return 1;
  }
  const text = raw ? line : line.replace(/\\(.)/g, '$1');
  const names = args.length ? args : ['REPLY'];
  const words = text.trim().split(/[ \t]+/);
  names.forEach((n, i) => {
    sh.vars.set(n, i === names.length - 1 ? words.slice(i).join(' ') : words[i] ?? '');
  });
  return 0;
}

function testBuiltin(sh: Shell, argv: string[], io: ProcIO): number {
  let args = argv.slice(1);
  if (argv[0] === '[') {
    if (args[args.length - 1] !== ']') {
      io.stderr.write(`${sh.errPrefix()}[: missing ]\n`);
      return 2;
    }
    args = args.slice(0, -1);
  }
  const fs = sh.host.fs;
  const abs = (p: string): string => VirtualFS.normalize(p, sh.cwd);
  const evalExpr = (a: string[]): boolean => {
    if (!a.length) return false;
    if (a[0] === '!') return !evalExpr(a.slice(1));
    const andAt = a.indexOf('-a');
    if (andAt > 0) return evalExpr(a.slice(0, andAt)) && evalExpr(a.slice(andAt + 1));
    const orAt = a.indexOf('-o');
    if (orAt > 0) return evalExpr(a.slice(0, orAt)) || evalExpr(a.slice(orAt + 1));
    if (a.length === 1) return a[0] !== '';
    if (a.length === 2) {
      const [op, v] = a;
      switch (op) {
        case '-n':
          return v !== '';
        case '-z':
          return v === '';
        case '-e':
          return !!fs.stat(abs(v));
        case '-f':
          return fs.stat(abs(v))?.type === 'file';
        case '-d':
          return fs.stat(abs(v))?.type === 'dir';
        case '-L':
        case '-h':
          return fs.lstat(abs(v))?.type === 'link';
        case '-s':
          return (fs.stat(abs(v))?.data?.length ?? 0) > 0;
        case '-r':
        case '-w':
          return !!fs.stat(abs(v));
        case '-x':
          return !!((fs.stat(abs(v))?.mode ?? 0) & 0o111);
        case '-t':
          return v === '0' ? io.stdin.isTTY : v === '1' ? !!io.stdout.isTTY : v === '2' ? !!io.stderr.isTTY : false;
      }
      return false;
    }
    const [l, op, r] = a;
    const ln = Number(l);
    const rn = Number(r);
    switch (op) {
      case '=':
      case '==':
        return l === r;
      case '!=':
        return l !== r;
      case '-eq':
        return ln === rn;
      case '-ne':
        return ln !== rn;
      case '-lt':
        return ln < rn;
      case '-le':
        return ln <= rn;
      case '-gt':
        return ln > rn;
      case '-ge':
        return ln >= rn;
    }
    return false;
  };
  if (args.length === 3 && ['-eq', '-ne', '-lt', '-le', '-gt', '-ge'].includes(args[1])) {
    for (const v of [args[0], args[2]]) {
      if (!/^\s*-?\d+\s*$/.test(v)) {
        io.stderr.write(`${sh.errPrefix()}${argv[0]}: Illegal number: ${v}\n`);
        return 2;
      }
    }
  }
  return evalExpr(args) ? 0 : 1;
}

export const BUILTINS: Record<string, Builtin> = {
  ':': async () => 0,
  true: async () => 0,
  false: async () => 1,
  exit: async (sh, argv) => {
    const n = argv[1] === undefined ? sh.status : Number(argv[1]);
    throw new ExitSignal(Number.isFinite(n) ? ((n % 256) + 256) % 256 : 2);
  },
  cd: async (sh, argv, io) => {
    const target = argv[1] === undefined ? sh.vars.get('HOME') ?? '/' : argv[1] === '-' ? sh.vars.get('OLDPWD') ?? sh.cwd : argv[1];
    const abs = VirtualFS.normalize(target, sh.cwd);
    const node = sh.host.fs.stat(abs);
    if (!node || node.type !== 'dir') {
      const why = node ? 'Not a directory' : 'No such file or directory';
      io.stderr.write(sh.flavor === 'dash' ? `${sh.errPrefix()}cd: can't cd to ${target}\n` : sh.flavor === 'bash' ? `${sh.errPrefix()}cd: ${target}: ${why}\n` : `${sh.errPrefix()}cd: can't cd to ${target}: ${why}\n`);
      return sh.flavor === 'dash' ? 2 : 1;
    }
    sh.vars.set('OLDPWD', sh.cwd);
    sh.cwd = abs;
    sh.vars.set('PWD', abs);
    if (argv[1] === '-') io.stdout.write(`${abs}\n`);
    return 0;
  },
  pwd: async (sh, _argv, io) => {
    io.stdout.write(`${sh.cwd}\n`);
    return 0;
  },
  export: async (sh, argv, io) => {
    const args = argv.slice(1).filter((a) => a !== '-p');
    if (!args.length) {
      for (const k of [...sh.exported].sort()) if (sh.vars.has(k)) io.stdout.write(`export ${k}='${sh.vars.get(k)}'\n`);
      return 0;
    }
    for (const a of args) {
      const eq = a.indexOf('=');
      const name = eq < 0 ? a : a.slice(0, eq);
      if (eq >= 0) sh.vars.set(name, a.slice(eq + 1));
      sh.exported.add(name);
    }
    return 0;
  },
  unset: async (sh, argv) => {
    for (const n of argv.slice(1).filter((a) => !a.startsWith('-'))) {
      sh.vars.delete(n);
      sh.exported.delete(n);
    }
    return 0;
  },
  set: async (sh, argv, io) => {
    const args = argv.slice(1);
    if (!args.length) {
      for (const [k, v] of [...sh.vars].sort()) io.stdout.write(`${k}='${v}'\n`);
      return 0;
    }
    while (args.length && /^[-+][a-z]+$/.test(args[0]) && args[0] !== '--') {
      const a = args.shift()!;
      if (a.includes('u')) sh.vars.set('-u', a.startsWith('-') ? '1' : '0');
    }
    if (args[0] === '--') args.shift();
    if (args.length) sh.positional = args;
    return 0;
  },
  shift: async (sh, argv) => {
    const n = Number(argv[1] ?? 1);
    if (n > sh.positional.length) return 1;
    sh.positional = sh.positional.slice(n);
    return 0;
  },
  read: readBuiltin,
  eval: async (sh, argv, io) => sh.runScript(argv.slice(1).join(' '), io),
  '.': async (sh, argv, io) => {
    const file = argv[1];
    if (!file) return 0;
    try {
      return await sh.runScript(sh.host.fs.read(VirtualFS.normalize(file, sh.cwd)).toString('utf8'), io);
    } catch (err) {
      if (err instanceof FsError) {
        io.stderr.write(`${sh.errPrefix()}.: cannot open ${file}: ${err.text}\n`);
        return 2;
      }
      throw err;
    }
  },
  echo: async (sh, argv, io) => {
    let args = argv.slice(1);
    let newline = true;
    let escapes = sh.flavor === 'dash';
    while (args[0] && /^-[neE]+$/.test(args[0])) {
      const f = args.shift()!;
      if (f.includes('n')) newline = false;
      if (f.includes('e')) escapes = true;
      if (f.includes('E')) escapes = false;
    }
    let text = args.join(' ');
    if (escapes) {
      const cut = text.indexOf('\\c');
      if (cut >= 0) {
        text = text.slice(0, cut);
        newline = false;
      }
      text = unescape(text);
    }
    io.stdout.write(newline ? `${text}\n` : text);
    return 0;
  },
  printf: async (sh, argv, io) => {
    if (argv.length < 2) {
      io.stderr.write(`${sh.errPrefix()}printf: usage: printf format [arguments]\n`);
      return 2;
    }
    io.stdout.write(formatPrintf(argv[1], argv.slice(2)));
    return 0;
  },
  test: async (sh, argv, io) => testBuiltin(sh, argv, io),
  '[': async (sh, argv, io) => testBuiltin(sh, argv, io),
  type: async (sh, argv, io) => {
    let status = 0;
    for (const n of argv.slice(1)) {
      if (BUILTINS[n]) io.stdout.write(`${n} is a shell builtin\n`);
      else {
        const r = sh.resolveProgram(n, sh.environment());
        if (r.kind === 'util') io.stdout.write(`${n} is ${programPath(sh, n)}\n`);
        else {
          io.stdout.write(`${n}: not found\n`);
          status = 127;
        }
      }
    }
    return status;
  },
  command: async (sh, argv, io) => {
    if (argv[1] === '-v' || argv[1] === '-V') {
      let status = 0;
      for (const n of argv.slice(2)) {
        if (BUILTINS[n]) io.stdout.write(argv[1] === '-v' ? `${n}\n` : `${n} is a shell builtin\n`);
        else if (sh.resolveProgram(n, sh.environment()).kind === 'util') io.stdout.write(argv[1] === '-v' ? `${programPath(sh, n)}\n` : `${n} is ${programPath(sh, n)}\n`);
        else status = 1;
      }
      return status;
    }
    const rest = argv.slice(1);
    if (!rest.length) return 0;
    return BUILTINS[rest[0]] ? BUILTINS[rest[0]](sh, rest, io) : sh.exec(rest, io, sh.environment());
  },
  exec: async (sh, argv, io) => {
    if (argv.length < 2) return 0;
    const code = BUILTINS[argv[1]] ? await BUILTINS[argv[1]](sh, argv.slice(1), io) : await sh.exec(argv.slice(1), io, sh.environment());
    throw new ExitSignal(code);
  },
  wait: async () => 0,
  umask: async (_sh, argv, io) => {
    if (argv.length < 2) io.stdout.write('0022\n');
    return 0;
  },
  alias: async () => 0,
  history: async () => 0,
  local: async (sh, argv) => {
    for (const a of argv.slice(1)) {
      const eq = a.indexOf('=');
      if (eq >= 0) sh.vars.set(a.slice(0, eq), a.slice(eq + 1));
    }
    return 0;
  },
};

export function programPath(sh: Shell, name: string): string {
  const path = (sh.vars.get('PATH') ?? '').split(':').filter(Boolean);
  for (const d of path) if (sh.host.fs.stat(`${VirtualFS.normalize(d)}/${name}`)?.type === 'file') return `${VirtualFS.normalize(d)}/${name}`;
  return `/usr/bin/${name}`;
}

export function unescape(s: string): string {
  return s.replace(/\\(0[0-7]{0,3}|x[0-9a-fA-F]{1,2}|.)/g, (_m, e: string) => {
    switch (e[0]) {
      case 'n':
        return '\n';
      case 't':
        return '\t';
      case 'r':
        return '\r';
      case 'a':
        return '\x07';
      case 'b':
        return '\b';
      case 'e':
        return '\x1b';
      case 'f':
        return '\f';
      case 'v':
        return '\v';
      case '\\':
        return '\\';
      case '0':
        return String.fromCharCode(parseInt(e.slice(1) || '0', 8));
      case 'x':
        return String.fromCharCode(parseInt(e.slice(1), 16));
      default:
        return `\\${e}`;
    }
  });
}

/** printf FORMAT ARGS: %s %d %i %x %o %c %f %% with widths; the format repeats while arguments remain. */
export function formatPrintf(format: string, args: string[]): string {
  let out = '';
  let i = 0;
  do {
    let used = false;
    out += unescape(format).replace(/%([-+ 0#]*)(\d*)(?:\.(\d+))?([sdixXocfbu%])/g, (_m, flags: string, width: string, prec: string, conv: string) => {
      if (conv === '%') return '%';
      used = true;
      const a = args[i++] ?? '';
      let s: string;
      switch (conv) {
        case 'd':
        case 'i':
        case 'u':
          s = String(Math.trunc(Number(a) || 0));
          break;
        case 'x':
          s = (Math.trunc(Number(a)) || 0).toString(16);
          break;
        case 'X':
          s = (Math.trunc(Number(a)) || 0).toString(16).toUpperCase();
          break;
        case 'o':
          s = (Math.trunc(Number(a)) || 0).toString(8);
          break;
        case 'c':
          s = a.slice(0, 1);
          break;
        case 'f':
          s = (Number(a) || 0).toFixed(prec ? Number(prec) : 6);
          break;
        case 'b':
          s = unescape(a);
          break;
        default:
          s = prec ? a.slice(0, Number(prec)) : a;
      }
      const w = Number(width || 0);
      if (s.length < w) s = flags.includes('-') ? s.padEnd(w) : s.padStart(w, flags.includes('0') && conv !== 's' ? '0' : ' ');
      return s;
    });
    if (!used) break;
  } while (i < args.length);
  return out;
}
