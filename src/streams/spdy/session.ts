// The server side of a SPDY/3.1 session as client-go's spdystream peer expects it (the kubelet's role): every client
// SYN_STREAM gets a SYN_REPLY, client PINGs are echoed, RST_STREAM and GOAWAY end streams and the session. Flow
// control is not enforced by spdystream, so WINDOW_UPDATE and SETTINGS are accepted and ignored.
import type { ByteTransport } from '../transport.js';
import {
  encodeData,
  encodeGoAway,
  encodePing,
  encodeRstStream,
  encodeSynReply,
  FLAG_FIN,
  FrameReader,
  FrameType,
  parseStreamHeaders,
  parseSynStream,
  parseWords,
  RstStatus,
  type Frame,
} from './frames.js';
import { HeaderCompressor, HeaderDecompressor, type HeaderMap } from './headers.js';

/** Data frames we write are at most this big (spdystream reads any size; small frames keep streams interleaved). */
const MAX_DATA_CHUNK = 32 * 1024;

export class SpdyStream {
  remoteClosed = false;
  localClosed = false;
  private inbox: Buffer[] = [];
  private dataFn: ((data: Buffer) => void) | undefined;
  private endFns: (() => void)[] = [];
  private endFired = false;

  constructor(
    private readonly session: SpdySession,
    readonly id: number,
    readonly headers: HeaderMap,
  ) {}

  header(name: string): string | undefined {
    return this.headers[name.toLowerCase()]?.[0];
  }

  /** Receives the stream's data; data that arrived before is delivered first. */
  onData(fn: (data: Buffer) => void): void {
    this.dataFn = fn;
    const queued = this.inbox;
    this.inbox = [];
    for (const d of queued) fn(d);
    this.maybeFireEnd();
  }

  /** Called once when the client half-closes (FIN), resets the stream, or the session ends. */
  onEnd(fn: () => void): void {
    this.endFns.push(fn);
    this.maybeFireEnd();
  }

  write(data: Buffer | string): void {
    if (this.localClosed || this.session.closed) return;
    const buf = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    for (let off = 0; off < buf.length; off += MAX_DATA_CHUNK) {
      this.session.send(encodeData(this.id, buf.subarray(off, off + MAX_DATA_CHUNK)));
    }
  }

  /** Half-closes our side (an empty DATA frame with FIN). */
  end(data?: Buffer | string): void {
    if (data !== undefined && (typeof data === 'string' ? data.length : data.length)) this.write(data);
    if (this.localClosed) return;
    this.localClosed = true;
    this.session.send(encodeData(this.id, Buffer.alloc(0), true));
    this.session.streamStateChanged(this);
  }

  reset(status: number = RstStatus.Cancel): void {
    if (this.localClosed && this.remoteClosed) return;
    this.localClosed = true;
    this.session.send(encodeRstStream(this.id, status));
    this.remoteEnd();
  }

  /** @internal */
  pushData(data: Buffer): void {
    if (this.remoteClosed || !data.length) return;
    if (this.dataFn) this.dataFn(data);
    else this.inbox.push(data);
  }

  /** @internal */
  remoteEnd(): void {
    if (this.remoteClosed) return;
    this.remoteClosed = true;
    this.maybeFireEnd();
    this.session.streamStateChanged(this);
  }

  private maybeFireEnd(): void {
    if (!this.remoteClosed || this.endFired || this.inbox.length) return;
    if (!this.endFns.length) return;
    this.endFired = true;
    for (const fn of this.endFns) fn();
  }
}

export class SpdySession {
  closed = false;
  private readonly reader = new FrameReader();
  private readonly compressor = new HeaderCompressor();
  private readonly decompressor = new HeaderDecompressor();
  private readonly streams = new Map<number, SpdyStream>();
  private lastClientStreamId = 0;
  private goneAway = false;
  private queue: Promise<void> = Promise.resolve();
  private readonly streamFns: ((s: SpdyStream) => void)[] = [];
  private readonly closeFns: (() => void)[] = [];

  constructor(
    private readonly transport: ByteTransport,
    private readonly log?: (line: string) => void,
  ) {
    transport.onData((chunk) => {
      let frames: Frame[];
      try {
        frames = this.reader.push(chunk);
      } catch (err) {
        this.fail(err);
        return;
      }
      for (const f of frames) this.queue = this.queue.then(() => this.handle(f)).catch((err) => this.fail(err));
    });
    transport.onClose(() => this.teardown());
  }

  onStream(fn: (s: SpdyStream) => void): void {
    this.streamFns.push(fn);
  }

  onClose(fn: () => void): void {
    if (this.closed) queueMicrotask(fn);
    else this.closeFns.push(fn);
  }

  /** Ends the session like spdystream's Close: GOAWAY, then our side of the connection. */
  close(): void {
    if (this.closed) return;
    if (!this.goneAway) this.send(encodeGoAway(this.lastClientStreamId, 0));
    this.goneAway = true;
    this.transport.end();
    this.teardown();
  }

  /** @internal */
  send(frame: Buffer): void {
    if (!this.closed) this.transport.write(frame);
  }

  /** @internal */
  streamStateChanged(s: SpdyStream): void {
    if (s.localClosed && s.remoteClosed) this.streams.delete(s.id);
  }

  private async handle(f: Frame): Promise<void> {
    if (this.closed) return;
    if (!f.control) {
      const s = this.streams.get(f.streamId);
      if (!s) return; // already gone (reset or finished): spdystream drops these too
      s.pushData(f.data);
      if (f.flags & FLAG_FIN) s.remoteEnd();
      return;
    }
    switch (f.type) {
      case FrameType.SynStream: {
        const syn = parseSynStream(f.payload);
        // Every header block must pass through the inflater, even for streams we refuse: the zlib state is shared.
        const headers = await this.decompressor.decompress(syn.headerBlock);
        if (this.closed) return;
        if (this.goneAway) return this.send(encodeRstStream(syn.streamId, RstStatus.RefusedStream));
        if (syn.streamId === 0 || syn.streamId % 2 === 0 || syn.streamId <= this.lastClientStreamId) {
          return this.send(encodeRstStream(syn.streamId, RstStatus.ProtocolError));
        }
        this.lastClientStreamId = syn.streamId;
        const s = new SpdyStream(this, syn.streamId, headers);
        this.streams.set(s.id, s);
        this.send(encodeSynReply(s.id, this.compressor.compress({})));
        if (f.flags & FLAG_FIN) s.remoteEnd();
        for (const fn of this.streamFns) fn(s);
        return;
      }
      case FrameType.SynReply:
      case FrameType.Headers:
        await this.decompressor.decompress(parseStreamHeaders(f.payload).headerBlock);
        return;
      case FrameType.RstStream: {
        const [id] = parseWords(f.payload, 2);
        const s = this.streams.get(id & 0x7fffffff);
        if (s) {
          s.localClosed = true;
          s.remoteEnd();
        }
        return;
      }
      case FrameType.Ping: {
        const [id] = parseWords(f.payload, 1);
        if (id % 2 === 1) this.send(encodePing(id)); // client-initiated (odd): echo; even ones would be our own
        return;
      }
      case FrameType.GoAway:
        this.goneAway = true;
        if (this.streams.size === 0) this.close();
        return;
      default:
        return; // SETTINGS, WINDOW_UPDATE, and anything unknown
    }
  }

  private fail(err: unknown): void {
    if (this.closed) return;
    this.log?.(`spdy: closing session: ${(err as Error)?.message ?? err}`);
    this.send(encodeGoAway(this.lastClientStreamId, 1));
    this.transport.destroy();
    this.teardown();
  }

  private teardown(): void {
    if (this.closed) return;
    this.closed = true;
    this.decompressor.close();
    for (const s of this.streams.values()) {
      s.localClosed = true;
      s.remoteEnd();
    }
    this.streams.clear();
    for (const fn of this.closeFns) fn();
  }
}
