// File and text utilities of the simulated container: ls, cat, head, tail, wc, grep, sort, uniq, cut, tr, tee,
// mkdir, touch, rm, cp, mv, ln. GNU coreutils messages on Debian-based images, busybox ones elsewhere.
import { FsError, VirtualFS, type FsNode } from './fs.js';
import type { Utility, UtilityContext } from './interp.js';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

export function isGnu(ctx: UtilityContext): boolean {
  return ctx.host.profile.flavor === 'debian';
}

function err(ctx: UtilityContext, msg: string): void {
  ctx.io.stderr.write(`${ctx.argv[0].split('/').pop()}: ${msg}\n`);
}

/** Splits argv into single-letter flags and operands (`-la` → l, a); `--` ends flags; numeric options kept. */
export function flags(args: string[], withValue = ''): { set: Set<string>; values: Map<string, string>; rest: string[] } {
  const set = new Set<string>();
  const values = new Map<string, string>();
  const rest: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '--') {
      rest.push(...args.slice(i + 1));
      break;
    }
    if (a.startsWith('--')) {
      set.add(a);
      continue;
    }
    if (a.startsWith('-') && a.length > 1 && !/^-\d/.test(a)) {
      for (let j = 1; j < a.length; j++) {
        const f = a[j];
        if (withValue.includes(f)) {
          values.set(f, a.slice(j + 1) || args[++i] || '');
          break;
        }
        set.add(f);
      }
      continue;
    }
    rest.push(a);
  }
  return { set, values, rest };
}

function abs(ctx: UtilityContext, p: string): string {
  return VirtualFS.normalize(p, ctx.cwd);
}

/** Reads the operands (or stdin for none or `-`), reporting missing files; returns the texts and whether all were read. */
async function inputs(ctx: UtilityContext, files: string[]): Promise<{ texts: string[]; ok: boolean }> {
  const texts: string[] = [];
  let ok = true;
  for (const f of files.length ? files : ['-']) {
    if (f === '-') {
      texts.push((await ctx.host.interrupts.wait(ctx.io.stdin.readAll())).toString('utf8'));
      continue;
    }
    try {
      texts.push(ctx.host.fs.read(abs(ctx, f)).toString('utf8'));
    } catch (e) {
      if (!(e instanceof FsError)) throw e;
      err(ctx, `${f}: ${e.text}`);
      ok = false;
    }
  }
  return { texts, ok };
}

function lines(text: string): string[] {
  if (!text) return [];
  const l = text.split('\n');
  if (l[l.length - 1] === '') l.pop();
  return l;
}

function modeString(n: FsNode): string {
  const t = n.type === 'dir' ? 'd' : n.type === 'link' ? 'l' : n.device ? 'c' : '-';
  const bits = ['r', 'w', 'x'];
  let s = '';
  for (let i = 8; i >= 0; i--) s += n.mode & (1 << i) ? bits[(8 - i) % 3] : '-';
  if (n.mode & 0o1000) s = `${s.slice(0, 8)}${s[8] === 'x' ? 't' : 'T'}`;
  return t + s;
}

function lsDate(ms: number, now: number): string {
  const d = new Date(ms);
  const day = String(d.getUTCDate()).padStart(2, ' ');
  const recent = Math.abs(now - ms) < 180 * 86400_000;
  const tail = recent ? `${String(d.getUTCHours()).padStart(2, '0')}:${String(d.getUTCMinutes()).padStart(2, '0')}` : ` ${d.getUTCFullYear()}`;
  return `${MONTHS[d.getUTCMonth()]} ${day} ${tail}`;
}

function columns(names: string[], width: number): string {
  if (!names.length) return '';
  const w = Math.max(...names.map((n) => n.length)) + 2;
  const perRow = Math.max(1, Math.floor(width / w));
  const rows = Math.ceil(names.length / perRow);
  const out: string[] = [];
  for (let r = 0; r < rows; r++) {
    let line = '';
    for (let c = 0; c < perRow; c++) {
      const n = names[c * rows + r];
      if (n === undefined) continue;
      line += c * rows + r + rows < names.length ? n.padEnd(w) : n;
    }
    out.push(line.trimEnd());
  }
  return `${out.join('\n')}\n`;
}

const ls: Utility = async (ctx) => {
  const { set, rest } = flags(ctx.argv.slice(1));
  const fs = ctx.host.fs;
  const all = set.has('a');
  const almost = set.has('A');
  const long = set.has('l') || set.has('n');
  const one = set.has('1') || (!ctx.io.stdout.isTTY && !set.has('C'));
  const dirOnly = set.has('d');
  const now = ctx.host.clock.now();
  let status = 0;
  const targets = rest.length ? rest : ['.'];
  const entry = (name: string, node: FsNode, linkTarget?: string): string => {
    if (!long) return name + (set.has('F') ? (node.type === 'dir' ? '/' : node.mode & 0o111 && node.type === 'file' ? '*' : node.type === 'link' ? '@' : '') : '');
    const size = node.type === 'dir' ? 4096 : node.type === 'link' ? (node.target?.length ?? 0) : (node.data?.length ?? 0);
    const owner = set.has('n') ? '0' : 'root';
    const line = `${modeString(node)} ${node.type === 'dir' ? 2 : 1} ${owner.padEnd(5)} ${owner.padEnd(5)} ${String(size).padStart(6)} ${lsDate(node.mtime || now, now)} ${name}`;
    return linkTarget ? `${line} -> ${linkTarget}` : line;
  };
  const files: string[] = [];
  const dirs: string[] = [];
  for (const t of targets) {
    const node = fs.lstat(abs(ctx, t));
    const followed = fs.stat(abs(ctx, t));
    if (!node || (node.type === 'link' && !followed && !long)) {
      err(ctx, isGnu(ctx) ? `cannot access '${t}': No such file or directory` : `${t}: No such file or directory`);
      status = isGnu(ctx) ? 2 : 1;
      continue;
    }
    if (dirOnly || (followed?.type !== 'dir') || (node.type === 'link' && long && !t.endsWith('/'))) files.push(t);
    else dirs.push(t);
  }
  const render = (names: { name: string; node: FsNode; target?: string }[]): string => {
    if (long) return names.map((n) => `${entry(n.name, n.node, n.target)}\n`).join('');
    const shown = names.map((n) => entry(n.name, n.node));
    return one ? shown.map((n) => `${n}\n`).join('') : columns(shown, ctx.host.terminal.cols || 80);
  };
  if (files.length) {
    ctx.io.stdout.write(render(files.map((f) => ({ name: f, node: fs.lstat(abs(ctx, f))!, target: fs.lstat(abs(ctx, f))?.target }))));
  }
  dirs.forEach((d, i) => {
    const dir = abs(ctx, d);
    let names = fs.list(dir);
    if (!all && !almost) names = names.filter((n) => !n.startsWith('.'));
    const items = names.map((n) => {
      const p = dir === '/' ? `/${n}` : `${dir}/${n}`;
      const node = fs.lstat(p)!;
      return { name: n, node, target: node.type === 'link' ? node.target : undefined };
    });
    if (all) items.unshift({ name: '.', node: fs.stat(dir)!, target: undefined }, { name: '..', node: fs.stat(VirtualFS.normalize(`${dir}/..`))!, target: undefined });
    if (set.has('r')) items.reverse();
    if (dirs.length > 1 || files.length) ctx.io.stdout.write(`${i > 0 || files.length ? '\n' : ''}${d}:\n`);
    if (long) ctx.io.stdout.write(`total ${items.length * 4}\n`);
    ctx.io.stdout.write(render(items));
  });
  return status;
};

const cat: Utility = async (ctx) => {
  const { rest, set } = flags(ctx.argv.slice(1));
  let status = 0;
  for (const f of rest.length ? rest : ['-']) {
    if (f === '-') {
      // Streams stdin through as it arrives (kubectl exec -i pod -- cat echoes interactively).
      for (;;) {
        const chunk = await ctx.host.interrupts.wait(ctx.io.stdin.read());
        if (chunk === null) break;
        ctx.io.stdout.write(chunk);
      }
      continue;
    }
    try {
      const data = ctx.host.fs.read(abs(ctx, f));
      if (set.has('n')) ctx.io.stdout.write(lines(data.toString('utf8')).map((l, i) => `${String(i + 1).padStart(6)}\t${l}\n`).join(''));
      else ctx.io.stdout.write(data);
    } catch (e) {
      if (!(e instanceof FsError)) throw e;
      err(ctx, `${f}: ${e.text}`);
      status = 1;
    }
  }
  return status;
};

function countOption(ctx: UtilityContext, def: number): { n: number; fromStart: boolean; files: string[] } {
  const args = ctx.argv.slice(1);
  let n = def;
  let fromStart = false;
  const files: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '-n' || a === '-c') {
      const v = args[++i] ?? '';
      fromStart = v.startsWith('+');
      n = Math.abs(parseInt(v, 10)) || 0;
    } else if (/^-n\d+$/.test(a)) n = Number(a.slice(2));
    else if (/^-\d+$/.test(a)) n = Number(a.slice(1));
    else if (a === '-f' || a === '-q') continue;
    else files.push(a);
  }
  return { n, fromStart, files };
}

const head: Utility = async (ctx) => {
  const { n, files } = countOption(ctx, 10);
  const { texts, ok } = await inputs(ctx, files);
  for (const t of texts) ctx.io.stdout.write(lines(t).slice(0, n).map((l) => `${l}\n`).join(''));
  return ok ? 0 : 1;
};

const tail: Utility = async (ctx) => {
  const { n, fromStart, files } = countOption(ctx, 10);
  const { texts, ok } = await inputs(ctx, files);
  for (const t of texts) {
    const l = lines(t);
    ctx.io.stdout.write((fromStart ? l.slice(Math.max(0, n - 1)) : l.slice(Math.max(0, l.length - n))).map((x) => `${x}\n`).join(''));
  }
  return ok ? 0 : 1;
};

const wc: Utility = async (ctx) => {
  const { set, rest } = flags(ctx.argv.slice(1));
  const { texts, ok } = await inputs(ctx, rest);
  const only = set.has('l') || set.has('w') || set.has('c') || set.has('m');
  texts.forEach((t, i) => {
    const counts: number[] = [];
    if (!only || set.has('l')) counts.push((t.match(/\n/g) ?? []).length);
    if (!only || set.has('w')) counts.push(t.split(/\s+/).filter(Boolean).length);
    if (!only || set.has('c') || set.has('m')) counts.push(Buffer.byteLength(t));
    const name = rest[i] && rest[i] !== '-' ? ` ${rest[i]}` : '';
    const gnuSingle = isGnu(ctx) && counts.length === 1 && !name;
    ctx.io.stdout.write(`${counts.map((c) => (gnuSingle ? String(c) : String(c).padStart(isGnu(ctx) ? 1 : 7))).join(' ')}${name}\n`);
  });
  return ok ? 0 : 1;
};

const grep: Utility = async (ctx) => {
  const { set, values, rest } = flags(ctx.argv.slice(1), 'e');
  const pattern = values.get('e') ?? rest.shift();
  if (pattern === undefined) {
    ctx.io.stderr.write(isGnu(ctx) ? 'Usage: grep [OPTION]... PATTERNS [FILE]...\n' : 'BusyBox v1.37.0 multi-call binary.\n\nUsage: grep [-HhnlLoqvsrRiwFE] [-m N] [-A|B|C N] { PATTERN | -e PATTERN... | -f FILE... } [FILE]...\n');
    return 2;
  }
  let re: RegExp;
  try {
    const src = set.has('F') ? pattern.replace(/[.*+?^${}()|[\]\\]/g, '\\$&') : set.has('E') ? pattern : pattern.replace(/\\([|(){}+?])/g, '$1');
    re = new RegExp(set.has('w') ? `\\b(?:${src})\\b` : src, set.has('i') ? 'i' : '');
  } catch {
    err(ctx, 'Invalid regular expression');
    return 2;
  }
  const { texts, ok } = await inputs(ctx, rest);
  let matched = 0;
  texts.forEach((t, fi) => {
    let fileMatches = 0;
    lines(t).forEach((l, li) => {
      if (re.test(l) === set.has('v')) return;
      fileMatches++;
      if (set.has('q') || set.has('c') || set.has('l')) return;
      const prefix = (rest.length > 1 ? `${rest[fi]}:` : '') + (set.has('n') ? `${li + 1}:` : '');
      ctx.io.stdout.write(set.has('o') && !set.has('v') ? `${prefix}${l.match(re)![0]}\n` : `${prefix}${l}\n`);
    });
    if (set.has('c')) ctx.io.stdout.write(`${rest.length > 1 ? `${rest[fi]}:` : ''}${fileMatches}\n`);
    if (set.has('l') && fileMatches) ctx.io.stdout.write(`${rest[fi] ?? '(standard input)'}\n`);
    matched += fileMatches;
  });
  if (!ok) return 2;
  return matched ? 0 : 1;
};

const sort: Utility = async (ctx) => {
  const { set, rest } = flags(ctx.argv.slice(1));
  const { texts, ok } = await inputs(ctx, rest);
  let all = texts.flatMap(lines);
  all.sort(set.has('n') ? (a, b) => parseFloat(a) - parseFloat(b) : undefined);
  if (set.has('r')) all.reverse();
  if (set.has('u')) all = [...new Set(all)];
  ctx.io.stdout.write(all.map((l) => `${l}\n`).join(''));
  return ok ? 0 : 2;
};

const uniq: Utility = async (ctx) => {
  const { set, rest } = flags(ctx.argv.slice(1));
  const { texts, ok } = await inputs(ctx, rest.slice(0, 1));
  const out: [string, number][] = [];
  for (const l of texts.flatMap(lines)) {
    const last = out[out.length - 1];
    if (last && last[0] === l) last[1]++;
    else out.push([l, 1]);
  }
  ctx.io.stdout.write(out.map(([l, n]) => (set.has('c') ? `${String(n).padStart(7)} ${l}\n` : `${l}\n`)).join(''));
  return ok ? 0 : 1;
};

const cut: Utility = async (ctx) => {
  const { values, rest } = flags(ctx.argv.slice(1), 'dfc');
  const delim = values.get('d') ?? '\t';
  const spec = values.get('f') ?? values.get('c');
  if (!spec) {
    err(ctx, 'you must specify a list of bytes, characters, or fields');
    return 1;
  }
  const picks = (n: number): boolean =>
    spec.split(',').some((r) => {
      const [a, b] = r.split('-');
      const lo = a === '' ? 1 : Number(a);
      const hi = b === undefined ? lo : b === '' ? Infinity : Number(b);
      return n >= lo && n <= hi;
    });
  const { texts, ok } = await inputs(ctx, rest);
  for (const l of texts.flatMap(lines)) {
    if (values.has('c')) ctx.io.stdout.write(`${[...l].filter((_, i) => picks(i + 1)).join('')}\n`);
    else ctx.io.stdout.write(`${l.includes(delim) ? l.split(delim).filter((_, i) => picks(i + 1)).join(delim) : l}\n`);
  }
  return ok ? 0 : 1;
};

function expandSet(s: string): string {
  return s.replace(/(.)-(.)/g, (_m, a: string, b: string) => {
    let out = '';
    for (let c = a.charCodeAt(0); c <= b.charCodeAt(0); c++) out += String.fromCharCode(c);
    return out;
  }).replace('[:upper:]', 'ABCDEFGHIJKLMNOPQRSTUVWXYZ').replace('[:lower:]', 'abcdefghijklmnopqrstuvwxyz');
}

const tr: Utility = async (ctx) => {
  const { set, rest } = flags(ctx.argv.slice(1));
  const from = expandSet(rest[0] ?? '');
  const to = expandSet(rest[1] ?? '');
  const text = (await ctx.host.interrupts.wait(ctx.io.stdin.readAll())).toString('utf8');
  let out = '';
  for (const c of text) {
    const i = from.indexOf(c);
    if (set.has('d')) {
      if (i < 0) out += c;
    } else out += i < 0 ? c : (to[Math.min(i, to.length - 1)] ?? c);
  }
  ctx.io.stdout.write(out);
  return 0;
};

const tee: Utility = async (ctx) => {
  const { set, rest } = flags(ctx.argv.slice(1));
  const targets = rest.map((f) => abs(ctx, f));
  for (const t of targets) if (!set.has('a')) ctx.host.fs.write(t, Buffer.alloc(0));
  for (;;) {
    const chunk = await ctx.host.interrupts.wait(ctx.io.stdin.read());
    if (chunk === null) break;
    ctx.io.stdout.write(chunk);
    for (const t of targets) ctx.host.fs.write(t, chunk, true);
  }
  return 0;
};

function fsOp(ctx: UtilityContext, what: string, fn: () => void): boolean {
  try {
    fn();
    return true;
  } catch (e) {
    if (!(e instanceof FsError)) throw e;
    err(ctx, isGnu(ctx) ? `${what}: ${e.text}` : `${what}: ${e.text}`);
    return false;
  }
}

const mkdir: Utility = async (ctx) => {
  const { set, rest } = flags(ctx.argv.slice(1));
  let ok = true;
  for (const d of rest) ok = fsOp(ctx, isGnu(ctx) ? `cannot create directory '${d}'` : `can't create directory '${d}'`, () => ctx.host.fs.mkdir(abs(ctx, d), set.has('p'))) && ok;
  return ok ? 0 : 1;
};

const touch: Utility = async (ctx) => {
  const { rest } = flags(ctx.argv.slice(1));
  let ok = true;
  for (const f of rest) ok = fsOp(ctx, isGnu(ctx) ? `cannot touch '${f}'` : f, () => ctx.host.fs.touch(abs(ctx, f))) && ok;
  return ok ? 0 : 1;
};

const rm: Utility = async (ctx) => {
  const { set, rest } = flags(ctx.argv.slice(1));
  let ok = true;
  for (const f of rest) {
    const p = abs(ctx, f);
    const node = ctx.host.fs.lstat(p);
    if (!node) {
      if (!set.has('f')) {
        err(ctx, isGnu(ctx) ? `cannot remove '${f}': No such file or directory` : `can't remove '${f}': No such file or directory`);
        ok = false;
      }
      continue;
    }
    if (node.type === 'dir' && !set.has('r') && !set.has('R')) {
      err(ctx, isGnu(ctx) ? `cannot remove '${f}': Is a directory` : `'${f}' is a directory`);
      ok = false;
      continue;
    }
    ok = fsOp(ctx, f, () => ctx.host.fs.remove(p, true)) && ok;
  }
  return ok ? 0 : 1;
};

function copy(ctx: UtilityContext, move: boolean): Promise<number> {
  const { rest } = flags(ctx.argv.slice(1));
  if (rest.length < 2) {
    err(ctx, 'missing file operand');
    return Promise.resolve(1);
  }
  const fs = ctx.host.fs;
  const dest = abs(ctx, rest[rest.length - 1]);
  let ok = true;
  for (const src of rest.slice(0, -1)) {
    const target = fs.stat(dest)?.type === 'dir' ? `${dest}/${src.split('/').pop()}` : dest;
    ok =
      fsOp(ctx, isGnu(ctx) ? `cannot stat '${src}'` : `can't stat '${src}'`, () => {
        fs.write(target, fs.read(abs(ctx, src)));
        if (move) fs.remove(abs(ctx, src));
      }) && ok;
  }
  return Promise.resolve(ok ? 0 : 1);
}

const ln: Utility = async (ctx) => {
  const { rest } = flags(ctx.argv.slice(1));
  const [target, name] = rest;
  if (!target || !name) return 1;
  fsOp(ctx, name, () => ctx.host.fs.write(abs(ctx, name), ctx.host.fs.read(abs(ctx, target))));
  return 0;
};

export const FILE_UTILITIES: Record<string, Utility> = {
  ls,
  cat,
  head,
  tail,
  wc,
  grep,
  sort,
  uniq,
  cut,
  tr,
  tee,
  mkdir,
  touch,
  rm,
  cp: (ctx) => copy(ctx, false),
  mv: (ctx) => copy(ctx, true),
  ln,
};
