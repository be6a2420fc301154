// A minimal SPDY/3.1 client for tests, compressing its header blocks with real zlib (Node's, with the SPDY
// dictionary), as client-go's spdystream does: it opens streams, sends data, and collects what the server sends.
import net from 'node:net';
import zlib from 'node:zlib';
import { SPDY_DICTIONARY } from '../../src/streams/spdy/dictionary.js';
import { encodeData, encodePing, encodeSynStream, FLAG_FIN, FrameReader, FrameType, parseStreamHeaders, parseWords, type Frame } from '../../src/streams/spdy/frames.js';
import { encodeHeaderBlock, HeaderDecompressor, type HeaderMap } from '../../src/streams/spdy/headers.js';

/** A persistent deflate stream with the dictionary; each block ends with a sync flush (one header block). */
export class RealCompressor {
  private readonly z = zlib.createDeflate({ dictionary: SPDY_DICTIONARY, level: 9 });
  private out: Buffer[] = [];
  private queue: Promise<unknown> = Promise.resolve();
  constructor() {
    this.z.on('data', (d: Buffer) => this.out.push(d));
  }
  compress(headers: HeaderMap): Promise<Buffer> {
    const run = () =>
      new Promise<Buffer>((resolve) => {
        this.z.write(encodeHeaderBlock(headers));
        this.z.flush(zlib.constants.Z_SYNC_FLUSH, () => {
          const b = Buffer.concat(this.out);
          this.out = [];
          resolve(b);
        });
      });
    const p = this.queue.then(run);
    this.queue = p;
    return p;
  }
  close(): void {
    this.z.close();
  }
}

export interface ClientStream {
  id: number;
  data: Buffer[];
  finished: boolean;
  replied: boolean;
  reset: boolean;
  text(): string;
}

export class SpdyClient {
  readonly streams = new Map<number, ClientStream>();
  readonly pings: number[] = [];
  goAway = false;
  closed = false;
  private nextId = 1;
  private readonly reader = new FrameReader();
  private readonly compressor = new RealCompressor();
  private readonly decompressor = new HeaderDecompressor();
  private waiters: (() => void)[] = [];

  constructor(private readonly write: (b: Buffer) => void) {}

  /** Feeds bytes from the server. */
  async receive(chunk: Buffer): Promise<void> {
    for (const f of this.reader.push(chunk)) await this.handle(f);
    this.wake();
  }

  private async handle(f: Frame): Promise<void> {
    if (!f.control) {
      const s = this.streams.get(f.streamId);
      if (!s) return;
      if (f.data.length) s.data.push(f.data);
      if (f.flags & FLAG_FIN) s.finished = true;
      return;
    }
    if (f.type === FrameType.SynReply) {
      const { streamId, headerBlock } = parseStreamHeaders(f.payload);
      await this.decompressor.decompress(headerBlock);
      const s = this.streams.get(streamId);
      if (s) s.replied = true;
    } else if (f.type === FrameType.Ping) this.pings.push(parseWords(f.payload, 1)[0]);
    else if (f.type === FrameType.GoAway) this.goAway = true;
    else if (f.type === FrameType.RstStream) {
      const s = this.streams.get(parseWords(f.payload, 2)[0]);
      if (s) {
        s.reset = true;
        s.finished = true;
      }
    }
  }

  async open(headers: Record<string, string>, fin = false): Promise<ClientStream> {
    const id = this.nextId;
    this.nextId += 2;
    const s: ClientStream = { id, data: [], finished: false, replied: false, reset: false, text: () => Buffer.concat(s.data).toString('utf8') };
    this.streams.set(id, s);
    const block = await this.compressor.compress(Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, [v]])));
    this.write(encodeSynStream(id, block, { fin }));
    return s;
  }

  send(s: ClientStream, data: Buffer | string, fin = false): void {
    this.write(encodeData(s.id, Buffer.from(data), fin));
  }

  ping(id: number): void {
    this.write(encodePing(id));
  }

  async until(what: string, cond: () => boolean, timeoutMs = 5000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!cond()) {
      if (this.closed && !cond()) throw new Error(`connection closed while waiting for ${what}`);
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise<void>((r) => {
        this.waiters.push(r);
        setTimeout(r, 50);
      });
    }
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const fn of w) fn();
  }

  markClosed(): void {
    this.closed = true;
    this.wake();
  }

  dispose(): void {
    this.compressor.close();
    this.decompressor.close();
  }
}

/** Opens a real SPDY upgrade against a server URL; resolves after the 101 with the client and response headers. */
export function spdyUpgrade(baseUrl: string, path: string, protocols: string[], method = 'POST'): Promise<{ client: SpdyClient; socket: net.Socket; status: number; head: string; body: string }> {
  const u = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(u.port), u.hostname);
    let buf = Buffer.alloc(0);
    let client: SpdyClient | undefined;
    socket.on('error', reject);
    socket.on('connect', () => {
      const lines = [`${method} ${path} HTTP/1.1`, `Host: ${u.host}`, 'Connection: Upgrade', 'Upgrade: SPDY/3.1', ...protocols.map((p) => `X-Stream-Protocol-Version: ${p}`), 'Content-Length: 0'];
      socket.write(`${lines.join('\r\n')}\r\n\r\n`);
    });
    let failed = false;
    socket.on('end', () => {
      if (failed) {
        const end = buf.indexOf('\r\n\r\n');
        const head = buf.subarray(0, end).toString('latin1');
        resolve({ client: undefined as unknown as SpdyClient, socket, status: Number(head.split(' ')[1]), head, body: buf.subarray(end + 4).toString('utf8') });
      }
    });
    socket.on('data', (chunk: Buffer) => {
      if (client) {
        void client.receive(chunk);
        return;
      }
      buf = Buffer.concat([buf, chunk]);
      if (failed) return;
      const end = buf.indexOf('\r\n\r\n');
      if (end < 0) return;
      const head = buf.subarray(0, end).toString('latin1');
      const status = Number(head.split(' ')[1]);
      if (status !== 101) {
        failed = true;
        return;
      }
      const rest = buf.subarray(end + 4);
      client = new SpdyClient((b) => socket.write(b));
      socket.on('close', () => client!.markClosed());
      if (rest.length) void client.receive(rest);
      resolve({ client, socket, status, head, body: '' });
    });
  });
}
