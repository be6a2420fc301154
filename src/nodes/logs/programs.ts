// What a simulated container prints, by image: httpd and nginx their real start-up lines then access-log lines,
// shells and one-liner images (busybox, alpine, perl, python, node, ...) what their command prints (shell.ts), other
// long-running images a start-up line then periodic heartbeats. The `kubesim.io/log-*` annotations replace the
// start-up lines and the periodic line (see LOG_ANNOTATIONS). Everything is derived from the pod spec and the
// container instance (its start time and ID), so a log is generated on demand instead of being stored.
import { containerAnnotation, LOG_ANNOTATIONS } from '../container-plan.js';
import { imageRepository, normalizeImage, runsToCompletion } from '../images.js';
import { containerProcesses, interactiveArgv } from '../interactive.js';
import { NODE_INFO_DEFAULTS } from '../node-status.js';
import { accessLogDate, apacheErrorDate, hash32, nginxDate, rfc3339Seconds } from './format.js';
import { piDigits } from './pi.js';
import { simulate, type ScriptLoop, type TimedText } from './shell.js';
import { parseDuration } from '../../clock.js';
import { goSeconds } from '../backoff.js';

type Obj = Record<string, any>;

/** Lines of one container instance, before timestamps and filters. */
export interface LogProgram {
  /** Lines printed at start-up (absolute times, in order). */
  startup: TimedText[];
  /** Lines repeated for as long as the container runs. */
  loop?: ScriptLoop & { jitter?: (k: number) => number };
  /** Lines printed when the instance ends: stopped by the kubelet (SIGTERM) or exited on its own with a code. */
  ending?(how: { stopped: boolean; exitCode: number; at: number }): string[];
}

export interface ProgramContext {
  pod: Obj;
  container: Obj;
  init: boolean;
  /** The instance's start (ms). */
  start: number;
  /** The container ID: seeds the variety of its lines. */
  instanceId: string;
  /** "1.33", for kube-probe/1.33. */
  kubeMinor: string;
  /** Period of the periodic line when neither the image nor an annotation sets one. */
  defaultIntervalMs: number;
}

/** Latest patch releases the simulated images report (as the exec/attach images do). */
const HTTPD_VERSION = '2.4.62';
const NGINX_VERSION = '1.27.3';
const NGINX_WORKERS = 4; // one per CPU of the default simulated node

function tagOf(image: string): string {
  const ref = normalizeImage(image);
  if (ref.includes('@')) return 'latest';
  const slash = ref.lastIndexOf('/');
  const colon = ref.indexOf(':', slash + 1);
  return colon < 0 ? 'latest' : ref.slice(colon + 1);
}

function versionFrom(tag: string, fallback: string): string {
  const full = /^(\d+\.\d+\.\d+)/.exec(tag);
  if (full) return full[1]!;
  const mm = /^(\d+\.\d+)(?!\.)/.exec(tag);
  return mm ? `${mm[1]}.${fallback.split('.')[2] ?? '0'}` : fallback;
}

const baseName = (image: string) => imageRepository(image).split('/').pop() ?? '';

/** The literal env values of a container, plus HOSTNAME, for the shell simulation. */
function shellVars(pod: Obj, container: Obj): Record<string, string> {
  const vars: Record<string, string> = { HOSTNAME: pod.metadata?.name ?? 'localhost', HOME: '/root', PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' };
  for (const e of container.env ?? []) if (typeof e?.name === 'string' && typeof e.value === 'string') vars[e.name] = e.value;
  return vars;
}

/** Placeholders of the `kubesim.io/log-line` and `log-lines` annotations. */
function fillTemplate(template: string, ctx: ProgramContext, n: number, at: number): string {
  const values: Record<string, string> = {
    n: String(n),
    time: rfc3339Seconds(at),
    pod: ctx.pod.metadata?.name ?? '',
    namespace: ctx.pod.metadata?.namespace ?? '',
    container: ctx.container.name ?? '',
    ip: ctx.pod.status?.podIP ?? '',
    node: ctx.pod.spec?.nodeName ?? '',
  };
  return template.replace(/\{(n|time|pod|namespace|container|ip|node)\}/g, (_m, k: string) => values[k]!);
}

/** One line per period, starting one period after `from`, with a per-iteration delay below a quarter period. */
function periodic(from: number, periodMs: number, line: (k: number, at: number) => string, seed: string, spread = true): LogProgram['loop'] {
  const maxJitter = spread ? Math.min(Math.floor(periodMs / 4), 1000) : 0;
  return {
    start: from + periodMs,
    periodMs,
    offsets: [0],
    jitter: (k) => (maxJitter > 0 ? hash32(`${seed}|${k}`) % maxJitter : 0),
    render: (k, at) => [line(k, at)],
  };
}

/** The HTTP probe the kubelet sends to this container (readiness first), if any. */
function httpProbe(container: Obj): Obj | undefined {
  for (const p of [container.readinessProbe, container.livenessProbe, container.startupProbe]) if (p?.httpGet) return p;
  return undefined;
}

const CLIENT_PATHS: [string, number, number, number][] = [
  // path, httpd status/size, nginx size (the 404 page sizes of each server)
  ['/', 200, 45, 615],
  ['/', 200, 45, 615],
  ['/', 200, 45, 615],
  ['/index.html', 200, 45, 615],
  ['/favicon.ico', 404, 196, 153],
];
const USER_AGENTS = ['curl/8.11.1', 'Wget/1.21.4', 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36'];

/** Access-log lines: kubelet probes when the container has an HTTP probe, else a trickle of client requests. */
function accessLoop(ctx: ProgramContext, server: 'httpd' | 'nginx', intervalMs: number | undefined): LogProgram['loop'] {
  const probe = httpProbe(ctx.container);
  const seed = ctx.instanceId;
  const hostIP = ctx.pod.status?.hostIP ?? '10.244.0.1';
  const format = (client: string, path: string, status: number, size: number, ua: string, at: number) =>
    server === 'httpd'
      ? `${client} - - [${accessLogDate(at)}] "GET ${path} HTTP/1.1" ${status} ${size}`
      : `${client} - - [${accessLogDate(at)}] "GET ${path} HTTP/1.1" ${status} ${size} "-" "${ua}" "-"`;
  if (probe && intervalMs === undefined) {
    const period = Math.max(1, probe.periodSeconds ?? 10) * 1000;
    const path = probe.httpGet.path || '/';
    const from = ctx.start + Math.max(0, probe.initialDelaySeconds ?? 0) * 1000 - period;
    const size = server === 'httpd' ? 45 : 615;
    return periodic(from, period, (_k, at) => format(hostIP, path, 200, size, `kube-probe/${ctx.kubeMinor}`, at), seed, false);
  }
  const period = intervalMs ?? ctx.defaultIntervalMs;
  if (period <= 0) return undefined;
  return periodic(ctx.start, period, (k, at) => {
    const h = hash32(`${seed}|req|${k}`);
    const [path, status, httpdSize, nginxSize] = CLIENT_PATHS[h % CLIENT_PATHS.length]!;
    const client = `10.244.${(h >>> 8) % 3}.${1 + ((h >>> 16) % 254)}`;
    return format(client, path, status, server === 'httpd' ? httpdSize : nginxSize, USER_AGENTS[(h >>> 4) % USER_AGENTS.length]!, at);
  }, seed);
}

function httpdProgram(ctx: ProgramContext, intervalMs: number | undefined): LogProgram {
  const v = versionFrom(tagOf(ctx.container.image ?? ''), HTTPD_VERSION);
  const ip = ctx.pod.status?.podIP ?? '127.0.0.1';
  const tid = 139_000_000_000_000 + (hash32(ctx.instanceId) % 999_999_999);
  const s = ctx.start;
  const fqdn = `AH00558: httpd: Could not reliably determine the server's fully qualified domain name, using ${ip}. Set the 'ServerName' directive globally to suppress this message`;
  const notice = (at: number, mod: string, text: string) => `[${apacheErrorDate(at, hash32(`${ctx.instanceId}${text}`) % 1000)}] [${mod}:notice] [pid 1:tid ${tid}] ${text}`;
  return {
    startup: [
      { at: s + 12, text: fqdn },
      { at: s + 25, text: fqdn },
      { at: s + 31, text: notice(s + 31, 'mpm_event', `AH00489: Apache/${v} (Unix) configured -- resuming normal operations`) },
      { at: s + 32, text: notice(s + 32, 'core', "AH00094: Command line: 'httpd -D FOREGROUND'") },
    ],
    loop: accessLoop(ctx, 'httpd', intervalMs),
    ending: ({ stopped, at }) => (stopped ? [notice(at, 'mpm_event', 'AH00491: caught SIGTERM, shutting down')] : []),
  };
}

function nginxProgram(ctx: ProgramContext, intervalMs: number | undefined): LogProgram {
  const v = versionFrom(tagOf(ctx.container.image ?? ''), NGINX_VERSION);
  const s = ctx.start;
  const entry = [
    '/docker-entrypoint.sh: /docker-entrypoint.d/ is not empty, will attempt to perform configuration',
    '/docker-entrypoint.sh: Looking for shell scripts in /docker-entrypoint.d/',
    '/docker-entrypoint.sh: Launching /docker-entrypoint.d/10-listen-on-ipv6-by-default.sh',
    '10-listen-on-ipv6-by-default.sh: info: Getting the checksum of /etc/nginx/conf.d/default.conf',
    '10-listen-on-ipv6-by-default.sh: info: Enabled listen on IPv6 in /etc/nginx/conf.d/default.conf',
    '/docker-entrypoint.sh: Sourcing /docker-entrypoint.d/15-local-resolvers.envsh',
    '/docker-entrypoint.sh: Launching /docker-entrypoint.d/20-envsubst-on-templates.sh',
    '/docker-entrypoint.sh: Launching /docker-entrypoint.d/30-tune-worker-processes.sh',
    '/docker-entrypoint.sh: Configuration complete; ready for start up',
  ];
  const at = s + 40;
  const notices = [
    'using the "epoll" event method',
    `nginx/${v}`,
    'built by gcc 12.2.0 (Debian 12.2.0-14)',
    `OS: Linux ${NODE_INFO_DEFAULTS.kernelVersion}`,
    'getrlimit(RLIMIT_NOFILE): 1048576:1048576',
    'start worker processes',
    ...Array.from({ length: NGINX_WORKERS }, (_, i) => `start worker process ${29 + i}`),
  ].map((t) => `${nginxDate(at)} [notice] 1#1: ${t}`);
  return {
    startup: [...entry.map((text, i) => ({ at: s + 2 + i * 3, text })), ...notices.map((text, i) => ({ at: at + i, text }))],
    loop: accessLoop(ctx, 'nginx', intervalMs),
    ending: ({ stopped, at }) =>
      stopped ? ['signal 3 (SIGQUIT) received, shutting down', 'gracefully shutting down', 'exit'].map((t, i) => `${nginxDate(at)} [notice] ${i === 1 ? '29#29' : '1#1'}: ${t}`) : [],
  };
}

/** A one-liner's output: `perl -e 'print bpi(2000)'`, `python -c "print('hi')"`, `node -e "console.log('hi')"`. */
function oneLinerOutput(prog: string, words: string[]): string[] | undefined {
  const flag = words.findIndex((w, i) => i > 0 && (prog === 'perl' ? /^-\w*e$/.test(w) : prog === 'node' ? w === '-e' || w === '--eval' : w === '-c'));
  if (flag < 0) return undefined;
  const script = words[flag + 1] ?? '';
  if (prog === 'perl') {
    const pi = /bpi\((\d+)\)/.exec(script);
    if (pi) return [piDigits(Math.min(Number(pi[1]), 20_000))];
    return [...script.matchAll(/print\s+["']([^"']*)["']/g)].map((m) => m[1]!.replace(/\\n$/, ''));
  }
  const call = prog === 'node' ? /console\.log\(\s*["'`]([^"'`]*)["'`]\s*\)/g : /print\(\s*["']([^"']*)["']\s*\)/g;
  return [...script.matchAll(call)].map((m) => m[1]!);
}

function commandProgram(ctx: ProgramContext, words: string[]): LogProgram {
  const prog = (words[0] ?? '').split('/').pop()!.replace(/\d+(\.\d+)*$/, '');
  const oneLiner = ['perl', 'python', 'node'].includes(prog) ? oneLinerOutput(prog, words) : undefined;
  if (oneLiner) return { startup: oneLiner.map((text, i) => ({ at: ctx.start + 50 + i, text })) };
  const run = simulate(words, ctx.start, { vars: shellVars(ctx.pod, ctx.container) });
  return { startup: run.lines, loop: run.loop };
}

function genericProgram(ctx: ProgramContext, intervalMs: number | undefined): LogProgram {
  const image = ctx.container.image ?? '';
  const name = baseName(image) || ctx.container.name;
  const version = tagOf(image);
  const period = intervalMs ?? ctx.defaultIntervalMs;
  return {
    startup: [{ at: ctx.start + 5, text: `time="${rfc3339Seconds(ctx.start + 5)}" level=info msg="Starting ${name}" version=${version}` }],
    loop:
      period > 0
        ? periodic(ctx.start, period, (k, at) => `time="${rfc3339Seconds(at)}" level=info msg="heartbeat" uptime=${goSeconds((k + 1) * period)} count=${k + 1}`, ctx.instanceId)
        : undefined,
    ending: ({ stopped, at }) => (stopped ? [`time="${rfc3339Seconds(at)}" level=info msg="Received SIGTERM, shutting down"`] : []),
  };
}

/** `kubesim.io/log-interval` in ms (0: no periodic line), or undefined when absent or invalid. */
export function annotatedInterval(pod: Obj, container: string): number | undefined {
  const raw = containerAnnotation(pod, LOG_ANNOTATIONS.interval, container);
  if (raw === undefined) return undefined;
  try {
    const ms = parseDuration(/^\d+(\.\d+)?$/.test(raw.trim()) ? `${raw.trim()}s` : raw);
    return ms >= 0 ? ms : undefined;
  } catch {
    return undefined;
  }
}

/** What one container instance prints. */
export function logProgram(ctx: ProgramContext): LogProgram {
  const { pod, container } = ctx;
  const name: string = container.name ?? '';
  const image: string = container.image ?? '';
  const base = baseName(image);
  const words: string[] = [...(container.command ?? []), ...(container.args ?? [])].map(String);
  const intervalMs = annotatedInterval(pod, name);
  let program: LogProgram;
  // A shell reading stdin logs what its sessions showed (prompts, echoed input, output).
  if (!ctx.init && interactiveArgv(container)) program = { startup: containerProcesses.transcript(pod.metadata?.uid ?? '', name, ctx.instanceId).filter((l) => l.at >= ctx.start) };
  else if (words.length && (runsToCompletion(image) || ctx.init)) program = commandProgram(ctx, words);
  else if (ctx.init) program = { startup: [] };
  else if (base === 'httpd') program = httpdProgram(ctx, intervalMs);
  else if (base === 'nginx') program = nginxProgram(ctx, intervalMs);
  else if (runsToCompletion(image)) program = { startup: [] }; // an idle shell prints nothing
  else program = genericProgram(ctx, intervalMs);

  const lines = containerAnnotation(pod, LOG_ANNOTATIONS.lines, name);
  if (lines !== undefined) {
    program = { ...program, startup: lines.split('\n').map((t, i) => ({ at: ctx.start + 1 + i, text: fillTemplate(t, ctx, i + 1, ctx.start + 1 + i) })) };
  }
  const template = containerAnnotation(pod, LOG_ANNOTATIONS.line, name);
  if (template !== undefined || intervalMs !== undefined) {
    const period = intervalMs ?? ctx.defaultIntervalMs;
    if (template !== undefined) {
      program = { ...program, loop: period > 0 ? periodic(ctx.start, period, (k, at) => fillTemplate(template, ctx, k + 1, at), ctx.instanceId, false) : undefined };
    } else if (period <= 0) {
      program = { ...program, loop: undefined };
    }
  }
  return program;
}
