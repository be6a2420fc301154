// System utilities of the simulated container: env, printenv, hostname, date (the cluster clock), sleep (cluster
// clock timers), uname, id, whoami, ps, nproc, df, free, uptime, stty, tty, seq, basename, dirname, xargs, which,
// yes, and the shells themselves (sh, bash, dash, ash) with -c, script files and commands read from stdin.
import { podFqdn } from '../container/files.js';
import { BUILTINS, ExitSignal, Interrupted, programPath, type Shell, type Utility, type UtilityContext } from './interp.js';
import { ParseError, parseScript } from './parse.js';
import { flags, isGnu } from './util-files.js';

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const p2 = (n: number): string => String(n).padStart(2, '0');

/** date(1) output: the default format, or +FORMAT with the common conversions. UTC, like a container without TZ. */
export function formatDate(ms: number, format?: string): string {
  const d = new Date(ms);
  const conv: Record<string, () => string> = {
    Y: () => String(d.getUTCFullYear()),
    m: () => p2(d.getUTCMonth() + 1),
    d: () => p2(d.getUTCDate()),
    e: () => String(d.getUTCDate()).padStart(2, ' '),
    H: () => p2(d.getUTCHours()),
    M: () => p2(d.getUTCMinutes()),
    S: () => p2(d.getUTCSeconds()),
    s: () => String(Math.floor(ms / 1000)),
    N: () => String((ms % 1000) * 1e6).padStart(9, '0'),
    a: () => DAYS[d.getUTCDay()],
    A: () => ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'][d.getUTCDay()],
    b: () => MONTHS[d.getUTCMonth()],
    h: () => MONTHS[d.getUTCMonth()],
    Z: () => 'UTC',
    z: () => '+0000',
    T: () => `${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())}`,
    F: () => `${d.getUTCFullYear()}-${p2(d.getUTCMonth() + 1)}-${p2(d.getUTCDate())}`,
    D: () => `${p2(d.getUTCMonth() + 1)}/${p2(d.getUTCDate())}/${String(d.getUTCFullYear()).slice(2)}`,
    j: () => String(Math.floor((ms - Date.UTC(d.getUTCFullYear(), 0, 1)) / 86400_000) + 1).padStart(3, '0'),
    '%': () => '%',
    n: () => '\n',
    t: () => '\t',
  };
  const fmt = format ?? '%a %b %e %H:%M:%S %Z %Y';
  return fmt.replace(/%(.)/g, (m, c: string) => conv[c]?.() ?? m);
}

const date: Utility = async (ctx) => {
  const args = ctx.argv.slice(1);
  const fmt = args.find((a) => a.startsWith('+'));
  let ms = ctx.host.clock.now();
  const dIdx = args.findIndex((a) => a === '-d' || a === '--date' || a.startsWith('--date='));
  if (dIdx >= 0) {
    const v = args[dIdx].startsWith('--date=') ? args[dIdx].slice(7) : args[dIdx + 1];
    const parsed = v?.startsWith('@') ? Number(v.slice(1)) * 1000 : Date.parse(v ?? '');
    if (!Number.isFinite(parsed)) {
      ctx.io.stderr.write(`date: invalid date '${v}'\n`);
      return 1;
    }
    ms = parsed;
  }
  if (args.includes('-I') || args.some((a) => a.startsWith('--iso-8601'))) {
    ctx.io.stdout.write(`${formatDate(ms, '%Y-%m-%dT%H:%M:%S')}+00:00\n`);
    return 0;
  }
  if (args.includes('-R')) {
    ctx.io.stdout.write(`${formatDate(ms, '%a, %d %b %Y %H:%M:%S +0000')}\n`);
    return 0;
  }
  ctx.io.stdout.write(`${formatDate(ms, fmt?.slice(1))}\n`);
  return 0;
};

/** sleep N[smhd] (fractions allowed, `infinity`) on the cluster clock; interruptible. */
const sleep: Utility = async (ctx) => {
  const args = ctx.argv.slice(1);
  if (!args.length) {
    ctx.io.stderr.write(isGnu(ctx) ? "sleep: missing operand\nTry 'sleep --help' for more information.\n" : 'BusyBox v1.37.0 multi-call binary.\n\nUsage: sleep [N]...\n');
    return 1;
  }
  let ms = 0;
  for (const a of args) {
    if (a === 'inf' || a === 'infinity') ms = Infinity;
    const m = /^(\d+(?:\.\d*)?|\.\d+)([smhd]?)$/.exec(a);
    if (!m && ms !== Infinity) {
      ctx.io.stderr.write(isGnu(ctx) ? `sleep: invalid time interval '${a}'\nTry 'sleep --help' for more information.\n` : `sleep: invalid number '${a}'\n`);
      return 1;
    }
    if (m) ms += Number(m[1]) * ({ '': 1000, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[m[2]] ?? 1000);
  }
  await ctx.host.interrupts.wait(
    new Promise<void>((resolve) => {
      if (ms === Infinity) return;
      ctx.host.clock.after(ms, resolve);
    }),
  );
  return 0;
};

const env: Utility = async (ctx) => {
  const args = ctx.argv.slice(1);
  let vars = new Map(ctx.env);
  while (args.length) {
    if (args[0] === '-i' || args[0] === '-') {
      vars = new Map();
      args.shift();
    } else if (args[0] === '-u') {
      args.shift();
      vars.delete(args.shift() ?? '');
    } else if (/^[A-Za-z_][A-Za-z0-9_]*=/.test(args[0])) {
      const a = args.shift()!;
      const eq = a.indexOf('=');
      vars.set(a.slice(0, eq), a.slice(eq + 1));
    } else break;
  }
  if (args.length) return ctx.run(args, ctx.io, vars);
  for (const [k, v] of vars) ctx.io.stdout.write(`${k}=${v}\n`);
  return 0;
};

const printenv: Utility = async (ctx) => {
  const names = ctx.argv.slice(1);
  if (!names.length) {
    for (const [k, v] of ctx.env) ctx.io.stdout.write(`${k}=${v}\n`);
    return 0;
  }
  let status = 0;
  for (const n of names) {
    const v = ctx.env.get(n);
    if (v === undefined) status = 1;
    else ctx.io.stdout.write(`${v}\n`);
  }
  return status;
};

const hostname: Utility = async (ctx) => {
  const { set } = flags(ctx.argv.slice(1));
  const pod = ctx.host.pod;
  if (set.has('i')) ctx.io.stdout.write(`${(pod.status?.podIPs ?? []).map((i: { ip: string }) => i.ip).join(' ') || pod.status?.podIP || ''}\n`);
  else if (set.has('f')) ctx.io.stdout.write(`${podFqdn(pod) ?? ctx.host.hostname}\n`);
  else if (set.has('d')) ctx.io.stdout.write(`${(podFqdn(pod) ?? '').split('.').slice(1).join('.')}\n`);
  else ctx.io.stdout.write(`${ctx.host.hostname}\n`);
  return 0;
};

function nodeInfo(ctx: UtilityContext): { kernel: string; arch: string } {
  return { kernel: '5.15.0-125-generic', arch: ctx.host.pod.spec?.nodeSelector?.['kubernetes.io/arch'] === 'arm64' ? 'aarch64' : 'x86_64' };
}

const uname: Utility = async (ctx) => {
  const { set } = flags(ctx.argv.slice(1));
  const { kernel, arch } = nodeInfo(ctx);
  const parts: string[] = [];
  const all = set.has('a');
  if (all || set.has('s') || set.size === 0) parts.push('Linux');
  if (all || set.has('n')) parts.push(ctx.host.hostname);
  if (all || set.has('r')) parts.push(kernel);
  if (all || set.has('v')) parts.push('#135-Ubuntu SMP Fri Sep 27 13:53:58 UTC 2024');
  if (all || set.has('m')) parts.push(arch);
  if (all || set.has('o')) parts.push('GNU/Linux');
  ctx.io.stdout.write(`${parts.join(' ')}\n`);
  return 0;
};

/** The user the container runs as: pod or container securityContext runAsUser/runAsGroup (root by default). */
function identity(ctx: UtilityContext): { uid: number; gid: number } {
  const sc = { ...(ctx.host.pod.spec?.securityContext ?? {}), ...(ctx.host.container.securityContext ?? {}) };
  return { uid: Number(sc.runAsUser ?? 0), gid: Number(sc.runAsGroup ?? 0) };
}

const NAMES: Record<number, string> = { 0: 'root', 1: 'daemon', 33: 'www-data', 101: 'nginx', 65534: 'nobody' };
const named = (n: number): string => (NAMES[n] ? `${n}(${NAMES[n]})` : String(n));

const id: Utility = async (ctx) => {
  const { set } = flags(ctx.argv.slice(1));
  const { uid, gid } = identity(ctx);
  if (set.has('u')) ctx.io.stdout.write(`${set.has('n') ? NAMES[uid] ?? uid : uid}\n`);
  else if (set.has('g')) ctx.io.stdout.write(`${set.has('n') ? NAMES[gid] ?? gid : gid}\n`);
  else ctx.io.stdout.write(`uid=${named(uid)} gid=${named(gid)} groups=${named(gid)}${uid === 0 && !isGnu(ctx) ? ',0(root),1(bin),2(daemon),3(sys),4(adm),6(disk),10(wheel),11(floppy),20(dialout),26(tape),27(video)' : ''}\n`);
  return 0;
};

const whoami: Utility = async (ctx) => {
  const { uid } = identity(ctx);
  if (NAMES[uid] === undefined) {
    ctx.io.stderr.write(isGnu(ctx) ? `whoami: cannot find name for user ID ${uid}\n` : `whoami: unknown uid ${uid}\n`);
    return 1;
  }
  ctx.io.stdout.write(`${NAMES[uid]}\n`);
  return 0;
};

const ps: Utility = async (ctx) => {
  const procs = ctx.host.processes();
  ctx.io.stdout.write('PID   USER     TIME  COMMAND\n');
  for (const p of procs) ctx.io.stdout.write(`${String(p.pid).padStart(5)} root      0:00 ${p.command}\n`);
  return 0;
};

const nproc: Utility = async (ctx) => {
  ctx.io.stdout.write('2\n');
  return 0;
};

const df: Utility = async (ctx) => {
  ctx.io.stdout.write(
    isGnu(ctx)
      ? 'Filesystem     1K-blocks     Used Available Use% Mounted on\noverlay         50620216 11943844  36061308  25% /\ntmpfs              65536        0     65536   0% /dev\nshm                65536        0     65536   0% /dev/shm\n'
      : 'Filesystem           1K-blocks      Used Available Use% Mounted on\noverlay               50620216  11943844  36061308  25% /\ntmpfs                    65536         0     65536   0% /dev\n',
  );
  return 0;
};

const free: Utility = async (ctx) => {
  ctx.io.stdout.write('              total        used        free      shared  buff/cache   available\nMem:        8139612     1502344     4312020        2840     2325248     6354888\nSwap:             0           0           0\n');
  return 0;
};

const uptime: Utility = async (ctx) => {
  const started = Date.parse(ctx.host.pod.status?.startTime ?? '') || ctx.host.clock.now();
  const mins = Math.max(0, Math.floor((ctx.host.clock.now() - started) / 60_000));
  ctx.io.stdout.write(` ${formatDate(ctx.host.clock.now(), '%H:%M:%S')} up ${Math.floor(mins / 60)}:${p2(mins % 60)},  0 users,  load average: 0.08, 0.05, 0.01\n`);
  return 0;
};

const stty: Utility = async (ctx) => {
  const t = ctx.host.terminal;
  if (!t.tty) {
    ctx.io.stderr.write(isGnu(ctx) ? "stty: 'standard input': Inappropriate ioctl for device\n" : 'stty: standard input: Not a tty\n');
    return 1;
  }
  if (ctx.argv[1] === 'size') ctx.io.stdout.write(`${t.rows} ${t.cols}\n`);
  return 0;
};

const tty: Utility = async (ctx) => {
  if (ctx.io.stdin.isTTY) {
    ctx.io.stdout.write('/dev/pts/0\n');
    return 0;
  }
  ctx.io.stdout.write('not a tty\n');
  return 1;
};

const seq: Utility = async (ctx) => {
  const nums = ctx.argv.slice(1).filter((a) => /^-?\d+(\.\d+)?$/.test(a)).map(Number);
  const [first, step, last] = nums.length === 1 ? [1, 1, nums[0]] : nums.length === 2 ? [nums[0], 1, nums[1]] : [nums[0], nums[1], nums[2]];
  if (!step) return 1;
  let out = '';
  for (let i = first; step > 0 ? i <= last : i >= last; i += step) out += `${i}\n`;
  ctx.io.stdout.write(out);
  return 0;
};

const basename: Utility = async (ctx) => {
  const [p, suffix] = ctx.argv.slice(1);
  let b = (p ?? '').replace(/\/+$/, '').split('/').pop() || '/';
  if (suffix && b.endsWith(suffix) && b !== suffix) b = b.slice(0, -suffix.length);
  ctx.io.stdout.write(`${b}\n`);
  return 0;
};

const dirname: Utility = async (ctx) => {
  const p = (ctx.argv[1] ?? '').replace(/\/+$/, '');
  const i = p.lastIndexOf('/');
  ctx.io.stdout.write(`${i < 0 ? '.' : i === 0 ? '/' : p.slice(0, i)}\n`);
  return 0;
};

const which: Utility = async (ctx) => {
  let status = 0;
  for (const n of ctx.argv.slice(1)) {
    const fake = { vars: new Map([['PATH', ctx.env.get('PATH') ?? '']]), host: ctx.host } as unknown as Shell;
    if (ctx.host.programs.has(n)) ctx.io.stdout.write(`${programPath(fake, n)}\n`);
    else status = 1;
  }
  return status;
};

const xargs: Utility = async (ctx) => {
  const cmd = ctx.argv.slice(1);
  const input = (await ctx.host.interrupts.wait(ctx.io.stdin.readAll())).toString('utf8');
  const items = input.split(/\s+/).filter(Boolean);
  return ctx.run([...(cmd.length ? cmd : ['echo']), ...items], ctx.io);
};

const yes: Utility = async (ctx) => {
  const word = ctx.argv.slice(1).join(' ') || 'y';
  for (let i = 0; i < 10_000; i++) {
    ctx.io.stdout.write(`${word}\n`.repeat(100));
    await ctx.host.interrupts.wait(new Promise((r) => setImmediate(r)));
  }
  return 0;
};

const kill: Utility = async (ctx) => {
  const pids = ctx.argv.slice(1).filter((a) => /^\d+$/.test(a));
  for (const p of pids) {
    if (!ctx.host.processes().some((x) => String(x.pid) === p)) {
      ctx.io.stderr.write(isGnu(ctx) ? `kill: (${p}) - No such process\n` : `kill: can't kill pid ${p}: No such process\n`);
      return 1;
    }
  }
  return 0;
};

/** sh / bash / dash / ash: -c SCRIPT [NAME [ARGS]], a script file, or commands from stdin (interactive on a TTY). */
const shellUtility: Utility = async (ctx) => {
  const prog = ctx.argv[0].split('/').pop()!;
  const sh = ctx.newShell(prog === 'bash' ? 'bash' : 'sh');
  sh.argv0 = prog === 'bash' ? 'bash' : prog === 'dash' || prog === 'ash' ? prog : 'sh';
  const args = ctx.argv.slice(1);
  let script: string | undefined;
  let interactive = false;
  while (args.length && args[0].startsWith('-') && args[0] !== '-') {
    const a = args.shift()!;
    if (a === '--') break;
    if (a.startsWith('--')) continue;
    if (a.includes('c')) {
      script = args.shift();
      if (script === undefined) {
        ctx.io.stderr.write(`${sh.argv0}: -c: option requires an argument\n`);
        return 2;
      }
    }
    if (a.includes('i')) interactive = true;
    if (a.includes('s')) break;
  }
  try {
    if (script !== undefined) {
      if (args.length) sh.argv0 = args.shift()!;
      sh.positional = args;
      return await sh.runScript(script, ctx.io);
    }
    if (args.length) {
      const file = args.shift()!;
      sh.positional = args;
      let text: string;
      try {
        text = ctx.host.fs.read(file.startsWith('/') ? file : `${ctx.cwd}/${file}`).toString('utf8');
      } catch {
        ctx.io.stderr.write(sh.flavor === 'dash' ? `${sh.argv0}: 0: cannot open ${file}: No such file\n` : sh.flavor === 'bash' ? `bash: ${file}: No such file or directory\n` : `${sh.argv0}: can't open '${file}': No such file or directory\n`);
        return sh.flavor === 'ash' ? 2 : 127;
      }
      sh.argv0 = file;
      return await sh.runScript(text, ctx.io);
    }
    return await repl(sh, ctx, interactive || ctx.io.stdin.isTTY);
  } catch (err) {
    if (err instanceof ExitSignal) return err.code;
    if (err instanceof Interrupted) return 130;
    throw err;
  }
};

function prompt(sh: Shell): string {
  const root = sh.host.container.securityContext?.runAsUser === undefined && sh.host.pod.spec?.securityContext?.runAsUser === undefined;
  const mark = root ? '#' : '$';
  if (sh.flavor === 'bash') return `${root ? 'root' : 'I have no name!'}@${sh.host.hostname}:${sh.cwd}${mark} `;
  if (sh.flavor === 'ash') return `${sh.cwd === sh.vars.get('HOME') ? '~' : sh.cwd} ${mark} `;
  return `${mark} `;
}

/** Reads commands from stdin until EOF or exit; prompts (PS1, PS2 for continuation lines) when interactive. */
async function repl(sh: Shell, ctx: UtilityContext, interactive: boolean): Promise<number> {
  sh.interactive = interactive;
  let pending = '';
  for (;;) {
    if (interactive) ctx.io.stdout.write(pending ? '> ' : prompt(sh));
    const line = await ctx.io.stdin.readLine();
    if (line === null) break;
    pending += `${line}\n`;
    try {
      parseScript(pending);
    } catch (err) {
      if (err instanceof ParseError && err.incomplete) continue;
    }
    const src = pending;
    pending = '';
    try {
      await sh.runScript(src, ctx.io);
    } catch (err) {
      if (err instanceof ExitSignal) {
        if (interactive && sh.flavor === 'bash') ctx.io.stdout.write('exit\n');
        return err.code;
      }
      if (!(err instanceof Interrupted)) throw err;
      sh.status = 130;
    }
    sh.lineNo += src.split('\n').length - 1;
  }
  if (interactive) ctx.io.stdout.write(sh.flavor === 'bash' ? 'exit\n' : '\n');
  return sh.status;
}

/** echo, printf, test, [, true, false, pwd as programs (env echo hi, xargs echo): the builtins on a throwaway shell. */
function asProgram(name: string): Utility {
  return (ctx) => {
    const sh = ctx.newShell('sh');
    return BUILTINS[name](sh, ctx.argv, ctx.io);
  };
}

const serverVersion: Utility = async (ctx) => {
  const p = ctx.host.profile;
  if (ctx.argv.slice(1).some((a) => a === '-v' || a === '-V' || a === '-version')) {
    ctx.io.stderr.write(p.name === 'nginx' ? `nginx version: ${p.serverVersion}\n` : '');
    if (p.name === 'httpd') ctx.io.stdout.write(`Server version: ${p.serverVersion}\nServer built:   Nov 12 2024 00:00:00\n`);
    return 0;
  }
  ctx.io.stderr.write(p.name === 'nginx' ? 'nginx: [emerg] bind() to 0.0.0.0:80 failed (98: Address already in use)\n' : '(98)Address already in use: AH00072: make_sock: could not bind to address [::]:80\n');
  return 1;
};

export const SYSTEM_UTILITIES: Record<string, Utility> = {
  date,
  sleep,
  env,
  printenv,
  hostname,
  uname,
  id,
  whoami,
  ps,
  top: ps,
  nproc,
  df,
  free,
  uptime,
  stty,
  tty,
  seq,
  basename,
  dirname,
  which,
  xargs,
  yes,
  kill,
  hostid: async (ctx) => {
    ctx.io.stdout.write('007f0101\n');
    return 0;
  },
  sh: shellUtility,
  bash: shellUtility,
  dash: shellUtility,
  ash: shellUtility,
  echo: asProgram('echo'),
  printf: asProgram('printf'),
  test: asProgram('test'),
  '[': asProgram('['),
  true: asProgram('true'),
  false: asProgram('false'),
  pwd: asProgram('pwd'),
  nginx: serverVersion,
  httpd: serverVersion,
  apachectl: serverVersion,
};
