// Malformed protobuf bodies answer 400 BadRequest (upstream's transformDecodeError), never a crash or a 500.
import { describe, expect, it } from 'vitest';
import { decodeObjectBody } from '../../../src/api/negotiation.js';
import { ApiError } from '../../../src/machinery/errors.js';
import { bytes, encode, envelope, int, msg, objectMeta, PROTOBUF, str } from './pb.js';

function badRequest(body: Uint8Array): string {
  try {
    decodeObjectBody(Buffer.from(body), PROTOBUF);
  } catch (err) {
    expect(err).toBeInstanceOf(ApiError);
    const e = err as ApiError;
    expect(e.code).toBe(400);
    expect(e.toStatus().reason).toBe('BadRequest');
    return e.message;
  }
  throw new Error('expected a 400');
}

const PREFIX = Buffer.from([0x6b, 0x38, 0x73, 0x00]);

describe('malformed protobuf bodies → 400', () => {
  it('empty body, missing prefix, prefix only', () => {
    expect(badRequest(Buffer.alloc(0))).toBe('the object provided is unrecognized: empty data');
    expect(badRequest(Buffer.from('{"kind":"ConfigMap"}'))).toBe(
      'the object provided is unrecognized: provided data does not appear to be a protobuf message, expected prefix [107 56 115 0]',
    );
    expect(badRequest(PREFIX)).toBe('the object provided is unrecognized: empty body');
  });

  it('a truncated envelope', () => {
    const body = envelope('v1', 'ConfigMap', encode(objectMeta(1, { name: 'c' })));
    expect(badRequest(body.subarray(0, body.length - 3))).toBe('the object provided is unrecognized: unexpected EOF');
  });

  it('missing kind or apiVersion in the envelope', () => {
    expect(badRequest(envelope('v1', '', new Uint8Array()))).toBe(`Object 'Kind' is missing in 'runtime.TypeMeta{APIVersion:"v1", Kind:""}'`);
    expect(badRequest(envelope('', 'ConfigMap', new Uint8Array()))).toBe(`Object 'apiVersion' is missing in 'runtime.TypeMeta{APIVersion:"", Kind:"ConfigMap"}'`);
  });

  it('a kind that is not registered (upstream: 400 from the decoder, not 415)', () => {
    expect(badRequest(envelope('v1', 'Widget', new Uint8Array()))).toBe(
      'no kind "Widget" is registered for version "v1" in scheme "pkg/api/legacyscheme/scheme.go:30"',
    );
    expect(badRequest(envelope('apps/v1', 'ConfigMap', new Uint8Array()))).toMatch(/^no kind "ConfigMap" is registered for version "apps\/v1"/);
  });

  it('a truncated object message', () => {
    const raw = encode(objectMeta(1, { name: 'c' }));
    expect(badRequest(envelope('v1', 'ConfigMap', raw.subarray(0, raw.length - 2)))).toBe(
      'ConfigMap in version "v1" cannot be handled as a ConfigMap: unexpected EOF',
    );
  });

  it('a wrong wire type for a known field', () => {
    const raw = encode(objectMeta(1, { name: 'd' }), msg(2, str(1, 'two')));
    expect(badRequest(envelope('apps/v1', 'Deployment', raw))).toBe(
      'Deployment in version "v1" cannot be handled as a Deployment: proto: wrong wireType = 2 for field replicas',
    );
  });

  it('field number 0, an illegal wire type, a length past the end, an overlong varint', () => {
    expect(badRequest(envelope('v1', 'ConfigMap', Uint8Array.of(0x00, 0x01)))).toMatch(/proto: illegal tag 0 \(wire type 0\)$/);
    expect(badRequest(envelope('v1', 'ConfigMap', Uint8Array.of(0x7f)))).toMatch(/proto: illegal wireType 7$/);
    expect(badRequest(envelope('v1', 'ConfigMap', Uint8Array.of(0x0a, 0x7f, 0x01)))).toMatch(/unexpected EOF$/);
    expect(badRequest(envelope('v1', 'ConfigMap', Uint8Array.of(0x50, ...Array(11).fill(0xff), 0x01)))).toMatch(/proto: integer overflow$/);
  });

  it('invalid special values: IntOrString type, Quantity string, RawExtension JSON, Time out of range', () => {
    const port = (io: Uint8Array) => encode(objectMeta(1), msg(2, msg(1, int(3, 80), bytes(4, io))));
    expect(badRequest(envelope('v1', 'Service', port(encode(int(1, 7)))))).toMatch(/impossible IntOrString.Type$/);
    const cpu = encode(objectMeta(1), msg(2, msg(2, str(1, 'c'), msg(8, msg(1, str(1, 'cpu'), msg(2, str(1, 'lots')))))));
    expect(badRequest(envelope('v1', 'Pod', cpu))).toMatch(/quantities must match the regular expression/);
    const rev = encode(objectMeta(1), msg(2, bytes(1, Buffer.from('{not json'))));
    expect(badRequest(envelope('apps/v1', 'ControllerRevision', rev))).toMatch(/RawExtension: invalid JSON/);
    const ev = encode(objectMeta(1), msg(6, int(1, 1e15)));
    expect(badRequest(envelope('v1', 'Event', ev))).toMatch(/year outside of range/);
  });

  it('random bytes after a valid prefix never escape as anything but a 400', () => {
    let seed = 42;
    const rand = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) % 256);
    for (let i = 0; i < 300; i++) {
      const raw = Uint8Array.from({ length: 1 + (i % 40) }, rand);
      const body = envelope(i % 2 ? 'apps/v1' : 'v1', i % 2 ? 'Deployment' : 'Pod', raw);
      try {
        decodeObjectBody(body, PROTOBUF);
      } catch (err) {
        expect(err).toBeInstanceOf(ApiError);
        expect((err as ApiError).code).toBe(400);
      }
    }
  });
});
