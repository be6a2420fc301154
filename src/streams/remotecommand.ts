// The remotecommand protocol of exec and attach (upstream kubelet cri/streaming/remotecommand), over SPDY streams
// or WebSocket channels: stdin, stdout, stderr, the error stream that carries the final Status, and TTY resize.
import type { WebSocket } from 'ws';
import type { Clock } from '../clock.js';
import { CHANNEL, decodeChannelMessage, encodeChannelMessage, isBase64Protocol, parseResize, protocolVersion, type TerminalSize } from './channel.js';
import type { SpdySession, SpdyStream } from './spdy/session.js';

/** SPDY exec/attach protocols (X-Stream-Protocol-Version), best first. */
export const SPDY_EXEC_PROTOCOLS = ['v5.channel.k8s.io', 'v4.channel.k8s.io', 'v3.channel.k8s.io', 'v2.channel.k8s.io', 'channel.k8s.io'];

/** The kubelet's streamCreationTimeout: the client must open its streams within this time. */
const STREAM_CREATION_TIMEOUT_MS = 30_000;

export interface StreamOptions {
  stdin: boolean;
  stdout: boolean;
  stderr: boolean;
  tty: boolean;
  container?: string;
  command: string[];
}

/** How the process ended: an exit code, or an error the runtime reports (InternalError upstream). */
export type ExitResult = { code: number; command?: string[] } | { error: string };

/** What a simulated process sees of its streams. */
export interface ExecIO {
  readonly tty: boolean;
  readonly hasStdin: boolean;
  stdout(data: Buffer | string): void;
  stderr(data: Buffer | string): void;
  onStdin(fn: (data: Buffer) => void): void;
  onStdinEnd(fn: () => void): void;
  onResize(fn: (size: TerminalSize) => void): void;
  /** The client went away (connection closed) before the process finished. */
  onGone(fn: () => void): void;
  finish(result: ExitResult): void;
}

function goBool(v: string | null): boolean {
  return v !== null && ['1', 't', 'T', 'true', 'TRUE', 'True'].includes(v);
}

export function streamOptionsFrom(params: URLSearchParams): StreamOptions {
  return {
    stdin: goBool(params.get('stdin')),
    stdout: goBool(params.get('stdout')),
    stderr: goBool(params.get('stderr')),
    tty: goBool(params.get('tty')),
    container: params.get('container') || undefined,
    command: params.getAll('command'),
  };
}

/** The Status JSON written on the error stream (json.Marshal of metav1.Status: no kind, no code for exit codes). */
export function exitStatusJson(result: ExitResult): string {
  if ('error' in result) {
    return JSON.stringify({
      metadata: {},
      status: 'Failure',
      message: `Internal error occurred: ${result.error}`,
      reason: 'InternalError',
      details: { causes: [{ message: result.error }] },
      code: 500,
    });
  }
  if (result.code === 0) return JSON.stringify({ metadata: {}, status: 'Success' });
  const what = result.command ? `error executing command [${result.command.join(' ')}], exit code ${result.code}` : `exit code ${result.code}`;
  return JSON.stringify({
    metadata: {},
    status: 'Failure',
    message: `command terminated with non-zero exit code: ${what}`,
    reason: 'NonZeroExitCode',
    details: { causes: [{ reason: 'ExitCode', message: String(result.code) }] },
  });
}

/** v1-v3 error streams carry only the message of a failure (nothing on success). */
function legacyErrorText(result: ExitResult): string {
  if ('error' in result) return `Internal error occurred: ${result.error}`;
  if (result.code === 0) return '';
  return `command terminated with non-zero exit code: exit code ${result.code}`;
}

class Listeners<T extends unknown[]> {
  private fns: ((...a: T) => void)[] = [];
  private fired: T | undefined;
  constructor(private readonly once = false) {}
  add(fn: (...a: T) => void): void {
    this.fns.push(fn);
    if (this.fired) fn(...this.fired);
  }
  emit(...a: T): void {
    if (this.once) {
      if (this.fired) return;
      this.fired = a;
    }
    for (const fn of this.fns) fn(...a);
  }
}

/**
 * Waits for the client's SPDY streams (error, then stdin/stdout/stderr/resize as the options ask) and hands the
 * process its IO. The session ends after the final Status, like the kubelet closing the connection.
 */
export function spdyExecIO(session: SpdySession, opts: StreamOptions, protocol: string, clock: Clock, start: (io: ExecIO) => void): void {
  const version = protocolVersion(protocol || 'channel.k8s.io');
  const expected = new Set<string>(['error']);
  if (opts.stdin) expected.add('stdin');
  if (opts.stdout) expected.add('stdout');
  if (opts.stderr && !(opts.tty && version >= 4)) expected.add('stderr');
  if (opts.tty && version >= 3) expected.add('resize');
  const streams = new Map<string, SpdyStream>();
  let started = false;
  const timer = clock.after(STREAM_CREATION_TIMEOUT_MS, () => {
    if (!started) session.close();
  });
  session.onClose(() => timer.cancel());
  session.onStream((s) => {
    const type = s.header('streamtype') ?? '';
    if (started || !expected.has(type) || streams.has(type)) {
      s.reset();
      return;
    }
    streams.set(type, s);
    if (streams.size < expected.size) return;
    started = true;
    timer.cancel();
    start(spdyIO(session, streams, opts, version));
  });
}

function spdyIO(session: SpdySession, streams: Map<string, SpdyStream>, opts: StreamOptions, version: number): ExecIO {
  const stdin = streams.get('stdin');
  const stdout = streams.get('stdout');
  const stderr = streams.get('stderr');
  const resize = streams.get('resize');
  const error = streams.get('error')!;
  const gone = new Listeners<[]>(true);
  let finished = false;
  session.onClose(() => {
    if (!finished) gone.emit();
  });
  const resizeFns: ((s: TerminalSize) => void)[] = [];
  if (resize) {
    let partial = '';
    resize.onData((d) => {
      partial += d.toString('utf8');
      const cut = partial.lastIndexOf('\n');
      if (cut < 0) return;
      const sizes = parseResize(partial.slice(0, cut));
      partial = partial.slice(cut + 1);
      for (const s of sizes) for (const fn of resizeFns) fn(s);
    });
  }
  return {
    tty: opts.tty,
    hasStdin: !!stdin,
    stdout: (d) => stdout?.write(d),
    // With a TTY there is no stderr stream: the terminal merges both.
    stderr: (d) => (stderr ?? (opts.tty ? stdout : undefined))?.write(d),
    onStdin: (fn) => stdin?.onData(fn),
    onStdinEnd: (fn) => stdin?.onEnd(fn),
    onResize: (fn) => resizeFns.push(fn),
    onGone: (fn) => gone.add(fn),
    finish: (result) => {
      if (finished) return;
      finished = true;
      stdout?.end();
      stderr?.end();
      error.end(version >= 4 ? exitStatusJson(result) : legacyErrorText(result));
      session.close();
    },
  };
}

/** The same IO over WebSocket channels (v5 has stdin EOF via the CLOSE signal; older versions end stdin on close). */
export function webSocketExecIO(ws: WebSocket, opts: StreamOptions): ExecIO {
  const protocol = ws.protocol;
  const base64 = isBase64Protocol(protocol);
  const version = protocolVersion(protocol);
  const stdinData = new Listeners<[Buffer]>();
  const stdinEnd = new Listeners<[]>(true);
  const resize = new Listeners<[TerminalSize]>();
  const gone = new Listeners<[]>(true);
  const pending: Buffer[] = [];
  let stdinReader = false;
  let finished = false;
  const send = (channel: number, data: Buffer | string): void => {
    if (ws.readyState === ws.OPEN) ws.send(encodeChannelMessage(channel, data, base64), { binary: !base64 });
  };
  ws.on('message', (raw: Buffer | ArrayBuffer | Buffer[], isBinary: boolean) => {
    const data = Buffer.isBuffer(raw) ? raw : Array.isArray(raw) ? Buffer.concat(raw) : Buffer.from(raw);
    const msg = decodeChannelMessage(base64 && !isBinary ? data.toString('utf8') : data, base64 && !isBinary);
    if (!msg) return;
    if (msg.channel === CHANNEL.stdin && opts.stdin) {
      if (!msg.data.length) return;
      if (stdinReader) stdinData.emit(msg.data);
      else pending.push(msg.data);
    } else if (msg.channel === CHANNEL.resize) {
      for (const s of parseResize(msg.data)) resize.emit(s);
    } else if (msg.channel === CHANNEL.close && version >= 5 && msg.data[0] === CHANNEL.stdin) {
      stdinEnd.emit();
    }
  });
  ws.on('close', () => {
    stdinEnd.emit();
    if (!finished) gone.emit();
  });
  return {
    tty: opts.tty,
    hasStdin: opts.stdin,
    stdout: (d) => opts.stdout && send(CHANNEL.stdout, d),
    stderr: (d) => (opts.stderr ? send(CHANNEL.stderr, d) : opts.tty && opts.stdout && send(CHANNEL.stdout, d)),
    onStdin: (fn) => {
      stdinReader = true;
      stdinData.add(fn);
      for (const d of pending.splice(0)) fn(d);
    },
    onStdinEnd: (fn) => stdinEnd.add(fn),
    onResize: (fn) => resize.add(fn),
    onGone: (fn) => gone.add(fn),
    finish: (result) => {
      if (finished) return;
      finished = true;
      send(CHANNEL.error, version >= 4 ? exitStatusJson(result) : legacyErrorText(result));
      if (ws.readyState === ws.OPEN) ws.close(1000);
    },
  };
}
