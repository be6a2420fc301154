// The SPDY/3 framer and session: frame round trips, header blocks through zlib with the SPDY dictionary (our stored
// blocks decode with real zlib; real zlib's compressed blocks decode with ours, across a shared context), and a
// session answering SYN_STREAM with SYN_REPLY, echoing PINGs, delivering data and FINs.
import zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { SPDY_DICTIONARY } from '../../src/streams/spdy/dictionary.js';
import { encodeControl, encodeData, encodeGoAway, encodeRstStream, encodeSynReply, encodeSynStream, FLAG_FIN, FrameReader, FrameType, parseStreamHeaders, parseSynStream, parseWords } from '../../src/streams/spdy/frames.js';
import { adler32, decodeHeaderBlock, encodeHeaderBlock, HeaderCompressor, HeaderDecompressor, type HeaderMap } from '../../src/streams/spdy/headers.js';
import { SpdySession, type SpdyStream } from '../../src/streams/spdy/session.js';
import type { ByteTransport } from '../../src/streams/transport.js';
import { RealCompressor, SpdyClient } from './spdy-client.js';

describe('SPDY dictionary', () => {
  it('is the 1423-byte draft-3 dictionary', () => {
    expect(SPDY_DICTIONARY.length).toBe(1423);
    expect(SPDY_DICTIONARY.subarray(0, 11)).toEqual(Buffer.from('\x00\x00\x00\x07options', 'latin1'));
    expect(SPDY_DICTIONARY.subarray(-9).toString('latin1')).toBe(',*,enq=0.');
    // zlib's own adler32 of the dictionary, as it names it in the FDICT header of a real stream
    const real = zlib.deflateSync(Buffer.from('x'), { dictionary: SPDY_DICTIONARY });
    expect(real.readUInt32BE(2)).toBe(adler32(SPDY_DICTIONARY));
  });
});

describe('SPDY frames', () => {
  it('round-trips control and data frames, split across reads at any byte', () => {
    const frames = Buffer.concat([
      encodeSynStream(1, Buffer.from('hdrs'), { fin: true, priority: 3 }),
      encodeSynReply(1, Buffer.from('reply')),
      encodeData(1, Buffer.from('hello'), true),
      encodeRstStream(3, 5),
      encodeGoAway(7, 0),
      encodeControl(FrameType.Ping, 0, Buffer.from([0, 0, 0, 9])),
    ]);
    for (const step of [1, 3, 7, frames.length]) {
      const r = new FrameReader();
      const got = [];
      for (let i = 0; i < frames.length; i += step) got.push(...r.push(frames.subarray(i, i + step)));
      expect(got).toHaveLength(6);
      const [syn, reply, data, rst, goaway, ping] = got;
      expect(syn).toMatchObject({ control: true, version: 3, type: FrameType.SynStream, flags: FLAG_FIN });
      expect(parseSynStream((syn as { payload: Buffer }).payload)).toMatchObject({ streamId: 1, associatedTo: 0, priority: 3, headerBlock: Buffer.from('hdrs') });
      expect(parseStreamHeaders((reply as { payload: Buffer }).payload)).toEqual({ streamId: 1, headerBlock: Buffer.from('reply') });
      expect(data).toEqual({ control: false, streamId: 1, flags: FLAG_FIN, data: Buffer.from('hello') });
      expect(parseWords((rst as { payload: Buffer }).payload, 2)).toEqual([3, 5]);
      expect(parseWords((goaway as { payload: Buffer }).payload, 2)).toEqual([7, 0]);
      expect(parseWords((ping as { payload: Buffer }).payload, 1)).toEqual([9]);
    }
  });

  it('encodes name/value header blocks with lower-cased names and NUL-joined values', () => {
    const block = encodeHeaderBlock({ StreamType: ['error'], port: ['80', '81'] });
    expect(decodeHeaderBlock(block)).toEqual({ streamtype: ['error'], port: ['80', '81'] });
    expect(() => decodeHeaderBlock(block.subarray(0, block.length - 1))).toThrow(/truncated/);
  });
});

describe('SPDY header compression', () => {
  it('writes a zlib stream with the dictionary id that real zlib inflates block by block', () => {
    const c = new HeaderCompressor();
    const first = c.compress({ a: ['1'] });
    const second = c.compress({});
    expect(first[0]).toBe(0x78);
    expect(first[1] & 0x20).toBe(0x20); // FDICT
    expect(first.readUInt32BE(2)).toBe(adler32(SPDY_DICTIONARY));
    // Each block ends with the sync-flush marker, like zlib's Z_SYNC_FLUSH output.
    expect(first.subarray(-5)).toEqual(Buffer.from([0, 0, 0, 0xff, 0xff]));
    const inflated = zlib.inflateSync(Buffer.concat([first, second]), { dictionary: SPDY_DICTIONARY, finishFlush: zlib.constants.Z_SYNC_FLUSH });
    expect(inflated).toEqual(Buffer.concat([encodeHeaderBlock({ a: ['1'] }), encodeHeaderBlock({})]));
  });

  it('inflates blocks compressed by real zlib with the dictionary, sharing the context between blocks', async () => {
    const real = new RealCompressor();
    const d = new HeaderDecompressor();
    const headers: HeaderMap[] = [{ streamtype: ['error'] }, { streamtype: ['stdout'] }, { streamtype: ['stdout'], port: ['8080'], requestid: ['0'] }];
    const blocks = [];
    for (const h of headers) blocks.push(await real.compress(h));
    // Later blocks refer back to earlier ones: they only decode in order, through one context.
    expect(blocks[1].length).toBeLessThan(encodeHeaderBlock(headers[1]).length);
    const decoded = await Promise.all(blocks.map((b) => d.decompress(b)));
    expect(decoded).toEqual(headers);
    real.close();
    d.close();
  });
});

function pipeTransport(): { transport: ByteTransport; toServer: (b: Buffer) => void; fromServer: Buffer[]; close: () => void } {
  const fromServer: Buffer[] = [];
  let dataFn: (b: Buffer) => void = () => undefined;
  const closeFns: (() => void)[] = [];
  return {
    transport: {
      write: (b) => fromServer.push(b),
      end: () => closeFns.forEach((f) => f()),
      destroy: () => closeFns.forEach((f) => f()),
      onData: (fn) => (dataFn = fn),
      onClose: (fn) => closeFns.push(fn),
    },
    toServer: (b) => dataFn(b),
    fromServer,
    close: () => closeFns.forEach((f) => f()),
  };
}

describe('SPDY session (server side)', () => {
  it('replies to every stream, echoes client pings, delivers data and FIN both ways', async () => {
    const pipe = pipeTransport();
    const session = new SpdySession(pipe.transport);
    const opened: SpdyStream[] = [];
    session.onStream((s) => opened.push(s));
    const client = new SpdyClient((b) => pipe.toServer(b));
    const flush = async (): Promise<void> => {
      const out = pipe.fromServer.splice(0);
      for (const b of out) await client.receive(b);
    };
    const err = await client.open({ streamtype: 'error' });
    const data = await client.open({ streamtype: 'data', port: '80' });
    await new Promise((r) => setTimeout(r, 20));
    await flush();
    expect(opened.map((s) => [s.id, s.header('streamtype')])).toEqual([
      [1, 'error'],
      [3, 'data'],
    ]);
    expect(err.replied && data.replied).toBe(true);
    const got: string[] = [];
    let ended = false;
    opened[1].onData((d) => got.push(d.toString()));
    opened[1].onEnd(() => (ended = true));
    client.send(data, 'ping?', true);
    await new Promise((r) => setTimeout(r, 10));
    expect(got).toEqual(['ping?']);
    expect(ended).toBe(true);
    opened[1].end('pong!');
    client.ping(5);
    await new Promise((r) => setTimeout(r, 10));
    await flush();
    expect(data.text()).toBe('pong!');
    expect(data.finished).toBe(true);
    expect(client.pings).toEqual([5]);
    session.close();
    await flush();
    expect(client.goAway).toBe(true);
    client.dispose();
  });

  it('refuses stream ids that go backwards and keeps the zlib context for the streams after', async () => {
    const pipe = pipeTransport();
    const session = new SpdySession(pipe.transport);
    const opened: number[] = [];
    session.onStream((s) => opened.push(s.id));
    const client = new SpdyClient((b) => pipe.toServer(b));
    await client.open({ streamtype: 'error' }); // 1
    (client as unknown as { nextId: number }).nextId = 1;
    await client.open({ streamtype: 'again' }); // 1 again: protocol error
    await client.open({ streamtype: 'data' }); // 3
    await new Promise((r) => setTimeout(r, 30));
    for (const b of pipe.fromServer.splice(0)) await client.receive(b);
    expect(opened).toEqual([1, 3]);
    expect(client.streams.get(1)!.reset).toBe(true);
    client.dispose();
    session.close();
  });
});
