// SPDY/3 header blocks: the name/value encoding and the per-direction zlib streams primed with the SPDY dictionary.
// Incoming blocks (compressed by the client's zlib, e.g. Go's at BestCompression) go through one persistent Node
// inflate stream; Node's synchronous zlib calls close their handle after one call, so inflation is asynchronous and
// serialised. Outgoing blocks are written as zlib *stored* deflate blocks: a valid zlib stream (header with the
// dictionary id, then non-final stored blocks each followed by the sync-flush marker), which any inflater decodes
// block by block without needing compression state of our own.
import zlib from 'node:zlib';
import { SPDY_DICTIONARY } from './dictionary.js';

export type HeaderMap = Record<string, string[]>;

/** Name/value block: a 32-bit count, then per header a 32-bit length and name, a 32-bit length and the values joined by NUL. */
export function encodeHeaderBlock(headers: HeaderMap): Buffer {
  const entries = Object.entries(headers);
  const parts: Buffer[] = [u32(entries.length)];
  for (const [name, values] of entries) {
    const n = Buffer.from(name.toLowerCase(), 'utf8');
    const v = Buffer.from(values.join('\0'), 'utf8');
    parts.push(u32(n.length), n, u32(v.length), v);
  }
  return Buffer.concat(parts);
}

export function decodeHeaderBlock(block: Buffer): HeaderMap {
  const out: HeaderMap = {};
  let off = 0;
  const need = (n: number): void => {
    if (off + n > block.length) throw new Error('truncated SPDY header block');
  };
  need(4);
  const count = block.readUInt32BE(off);
  off += 4;
  for (let i = 0; i < count; i++) {
    need(4);
    const nl = block.readUInt32BE(off);
    off += 4;
    need(nl);
    const name = block.subarray(off, off + nl).toString('utf8').toLowerCase();
    off += nl;
    need(4);
    const vl = block.readUInt32BE(off);
    off += 4;
    need(vl);
    const values = block.subarray(off, off + vl).toString('utf8').split('\0');
    off += vl;
    (out[name] ??= []).push(...values);
  }
  return out;
}

function u32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n >>> 0);
  return b;
}

/** zlib's Adler-32 (the DICTID a zlib header names its preset dictionary by). */
export function adler32(buf: Buffer): number {
  let a = 1;
  let b = 0;
  for (let i = 0; i < buf.length; i++) {
    a = (a + buf[i]) % 65521;
    b = (b + a) % 65521;
  }
  return ((b << 16) | a) >>> 0;
}

const MAX_STORED = 0xffff;
const SYNC_MARKER = Buffer.from([0x00, 0x00, 0x00, 0xff, 0xff]);

/** The outgoing half: one zlib stream of stored blocks per session. */
export class HeaderCompressor {
  private started = false;

  compress(headers: HeaderMap): Buffer {
    const raw = encodeHeaderBlock(headers);
    const parts: Buffer[] = [];
    if (!this.started) {
      this.started = true;
      // CMF 0x78 (deflate, 32K window); FLG 0x20 sets FDICT, and 0x7820 is already a multiple of 31 (FCHECK 0).
      const head = Buffer.alloc(6);
      head[0] = 0x78;
      head[1] = 0x20;
      head.writeUInt32BE(adler32(SPDY_DICTIONARY), 2);
      parts.push(head);
    }
    for (let off = 0; off < raw.length; off += MAX_STORED) {
      const chunk = raw.subarray(off, off + MAX_STORED);
      const h = Buffer.alloc(5);
      h[0] = 0x00; // BFINAL 0, BTYPE 00 (stored), padding to the byte boundary
      h.writeUInt16LE(chunk.length, 1);
      h.writeUInt16LE(~chunk.length & 0xffff, 3);
      parts.push(h, chunk);
    }
    // The sync-flush marker (an empty stored block), as zlib's Z_SYNC_FLUSH ends every SPDY header block: Go's
    // inflater hands out a stored block's bytes only when the next block starts.
    parts.push(SYNC_MARKER);
    return Buffer.concat(parts);
  }
}

/** The incoming half: a persistent inflate stream with the dictionary; calls resolve in the order they were made. */
export class HeaderDecompressor {
  private readonly inflate = zlib.createInflate({ dictionary: SPDY_DICTIONARY });
  private pending: Buffer[] = [];
  private failure: Error | undefined;
  private queue: Promise<unknown> = Promise.resolve();

  constructor() {
    this.inflate.on('data', (d: Buffer) => this.pending.push(d));
    this.inflate.on('error', (err) => (this.failure = err));
  }

  decompress(compressed: Buffer): Promise<HeaderMap> {
    const run = () =>
      new Promise<HeaderMap>((resolve, reject) => {
        if (this.failure) return reject(this.failure);
        this.inflate.write(compressed);
        this.inflate.flush(zlib.constants.Z_SYNC_FLUSH, () => {
          if (this.failure) return reject(this.failure);
          const raw = Buffer.concat(this.pending);
          this.pending = [];
          try {
            resolve(decodeHeaderBlock(raw));
          } catch (err) {
            reject(err as Error);
          }
        });
      });
    const p = this.queue.then(run, run);
    this.queue = p.catch(() => undefined);
    return p;
  }

  close(): void {
    this.inflate.removeAllListeners('data');
    this.inflate.on('error', () => undefined);
    this.inflate.destroy();
  }
}
