// SPDY/3 framing (draft 3, section 2.2): 8-byte frame headers, control frames (SYN_STREAM, SYN_REPLY, RST_STREAM,
// SETTINGS, PING, GOAWAY, HEADERS, WINDOW_UPDATE) and data frames. Header blocks stay compressed here; see headers.ts.

export const SPDY_VERSION = 3;

export const FrameType = {
  SynStream: 1,
  SynReply: 2,
  RstStream: 3,
  Settings: 4,
  Ping: 6,
  GoAway: 7,
  Headers: 8,
  WindowUpdate: 9,
} as const;

export const FLAG_FIN = 0x01;
export const FLAG_UNIDIRECTIONAL = 0x02;

export const RstStatus = {
  ProtocolError: 1,
  InvalidStream: 2,
  RefusedStream: 3,
  Cancel: 5,
  InternalError: 6,
} as const;

export interface DataFrame {
  control: false;
  streamId: number;
  flags: number;
  data: Buffer;
}

export interface ControlFrame {
  control: true;
  version: number;
  type: number;
  flags: number;
  payload: Buffer;
}

export type Frame = DataFrame | ControlFrame;

/** The largest payload a frame header can describe (24-bit length). */
export const MAX_FRAME_PAYLOAD = 0xffffff;

/** Splits a byte stream into frames; bytes of an incomplete frame wait for the next push. */
export class FrameReader {
  private buf: Buffer = Buffer.alloc(0);

  push(chunk: Buffer): Frame[] {
    this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : chunk;
    const frames: Frame[] = [];
    while (this.buf.length >= 8) {
      const length = this.buf.readUInt32BE(4) & 0xffffff;
      if (this.buf.length < 8 + length) break;
      const first = this.buf.readUInt32BE(0);
      const flags = this.buf[4];
      const payload = Buffer.from(this.buf.subarray(8, 8 + length));
      if (first & 0x80000000) {
        frames.push({ control: true, version: (first >>> 16) & 0x7fff, type: first & 0xffff, flags, payload });
      } else {
        frames.push({ control: false, streamId: first & 0x7fffffff, flags, data: payload });
      }
      this.buf = this.buf.subarray(8 + length);
    }
    return frames;
  }
}

function header(first: number, flags: number, length: number): Buffer {
  const h = Buffer.alloc(8);
  h.writeUInt32BE(first >>> 0, 0);
  h.writeUInt32BE(((flags & 0xff) << 24 | (length & 0xffffff)) >>> 0, 4);
  return h;
}

export function encodeControl(type: number, flags: number, payload: Buffer): Buffer {
  return Buffer.concat([header((0x80000000 | (SPDY_VERSION << 16) | type) >>> 0, flags, payload.length), payload]);
}

export function encodeData(streamId: number, data: Buffer, fin = false): Buffer {
  return Buffer.concat([header(streamId & 0x7fffffff, fin ? FLAG_FIN : 0, data.length), data]);
}

function words(...values: number[]): Buffer {
  const b = Buffer.alloc(values.length * 4);
  values.forEach((v, i) => b.writeUInt32BE(v >>> 0, i * 4));
  return b;
}

export function encodeSynStream(streamId: number, headerBlock: Buffer, opts: { fin?: boolean; associatedTo?: number; priority?: number } = {}): Buffer {
  const fixed = Buffer.alloc(10);
  fixed.writeUInt32BE(streamId & 0x7fffffff, 0);
  fixed.writeUInt32BE((opts.associatedTo ?? 0) & 0x7fffffff, 4);
  fixed[8] = ((opts.priority ?? 0) & 0x7) << 5;
  fixed[9] = 0; // credential slot
  return encodeControl(FrameType.SynStream, opts.fin ? FLAG_FIN : 0, Buffer.concat([fixed, headerBlock]));
}

export function encodeSynReply(streamId: number, headerBlock: Buffer, fin = false): Buffer {
  return encodeControl(FrameType.SynReply, fin ? FLAG_FIN : 0, Buffer.concat([words(streamId & 0x7fffffff), headerBlock]));
}

export function encodeRstStream(streamId: number, status: number): Buffer {
  return encodeControl(FrameType.RstStream, 0, words(streamId & 0x7fffffff, status));
}

export function encodePing(id: number): Buffer {
  return encodeControl(FrameType.Ping, 0, words(id));
}

export function encodeGoAway(lastGoodStreamId: number, status = 0): Buffer {
  return encodeControl(FrameType.GoAway, 0, words(lastGoodStreamId & 0x7fffffff, status));
}

export function encodeSettings(entries: { id: number; value: number; flags?: number }[]): Buffer {
  return encodeControl(FrameType.Settings, 0, words(entries.length, ...entries.flatMap((e) => [((e.flags ?? 0) << 24) | (e.id & 0xffffff), e.value])));
}

export function encodeWindowUpdate(streamId: number, delta: number): Buffer {
  return encodeControl(FrameType.WindowUpdate, 0, words(streamId & 0x7fffffff, delta & 0x7fffffff));
}

export interface SynStream {
  streamId: number;
  associatedTo: number;
  priority: number;
  headerBlock: Buffer;
}

export function parseSynStream(payload: Buffer): SynStream {
  if (payload.length < 10) throw new Error('short SYN_STREAM');
  return {
    streamId: payload.readUInt32BE(0) & 0x7fffffff,
    associatedTo: payload.readUInt32BE(4) & 0x7fffffff,
    priority: payload[8] >> 5,
    headerBlock: payload.subarray(10),
  };
}

/** SYN_REPLY and HEADERS: a stream id, then the header block. */
export function parseStreamHeaders(payload: Buffer): { streamId: number; headerBlock: Buffer } {
  if (payload.length < 4) throw new Error('short frame');
  return { streamId: payload.readUInt32BE(0) & 0x7fffffff, headerBlock: payload.subarray(4) };
}

export function parseWords(payload: Buffer, n: number): number[] {
  if (payload.length < n * 4) throw new Error('short frame');
  return Array.from({ length: n }, (_, i) => payload.readUInt32BE(i * 4));
}
