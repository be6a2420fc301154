// The Kubernetes protobuf envelope: the magic prefix "k8s\0" followed by a runtime.Unknown message
// (typeMeta = 1 {apiVersion = 1, kind = 2}, raw = 2, contentEncoding = 3, contentType = 4).
import { ProtobufError, WireReader, WireType } from './wire.js';

export const PROTOBUF_PREFIX = Uint8Array.of(0x6b, 0x38, 0x73, 0x00);

export interface UnknownEnvelope {
  apiVersion: string;
  kind: string;
  raw: Uint8Array;
  contentEncoding: string;
  contentType: string;
}

export function hasProtobufPrefix(buf: Uint8Array): boolean {
  return buf.length >= PROTOBUF_PREFIX.length && PROTOBUF_PREFIX.every((b, i) => buf[i] === b);
}

function text(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
}

function expectBytes(wire: number, field: string): void {
  if (wire !== WireType.Bytes) throw new ProtobufError(`proto: wrong wireType = ${wire} for field ${field}`);
}

/** Parses runtime.Unknown from the bytes after the prefix (upstream errors: "empty data", "empty body", prefix). */
export function parseEnvelope(buf: Uint8Array): UnknownEnvelope {
  if (buf.length === 0) throw new ProtobufError('empty data');
  if (!hasProtobufPrefix(buf)) {
    throw new ProtobufError(`provided data does not appear to be a protobuf message, expected prefix [${[...PROTOBUF_PREFIX].join(' ')}]`);
  }
  if (buf.length === PROTOBUF_PREFIX.length) throw new ProtobufError('empty body');
  const out: UnknownEnvelope = { apiVersion: '', kind: '', raw: new Uint8Array(0), contentEncoding: '', contentType: '' };
  const r = new WireReader(buf, PROTOBUF_PREFIX.length);
  while (!r.done()) {
    const { field, wire } = r.tag();
    switch (field) {
      case 1: {
        expectBytes(wire, 'TypeMeta');
        const [s, e] = r.span();
        const t = new WireReader(buf, s, e);
        while (!t.done()) {
          const k = t.tag();
          if (k.field === 1) {
            expectBytes(k.wire, 'APIVersion');
            out.apiVersion = text(t.bytes());
          } else if (k.field === 2) {
            expectBytes(k.wire, 'Kind');
            out.kind = text(t.bytes());
          } else t.skip(k.wire);
        }
        break;
      }
      case 2:
        expectBytes(wire, 'Raw');
        out.raw = r.bytes();
        break;
      case 3:
        expectBytes(wire, 'ContentEncoding');
        out.contentEncoding = text(r.bytes());
        break;
      case 4:
        expectBytes(wire, 'ContentType');
        out.contentType = text(r.bytes());
        break;
      default:
        r.skip(wire);
    }
  }
  return out;
}
