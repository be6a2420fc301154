// The protobuf wire format, read-only: varints (as bigint, so int64 values survive), fixed 32/64-bit values and
// length-delimited payloads. Errors carry the messages Go's gogo-generated Unmarshal code returns, because the
// apiserver puts them in the 400 it answers (e.g. "unexpected EOF", "proto: wrong wireType = 2 for field replicas").

export const WireType = { Varint: 0, Fixed64: 1, Bytes: 2, StartGroup: 3, EndGroup: 4, Fixed32: 5 } as const;

export class ProtobufError extends Error {
  override name = 'ProtobufError';
}

export class WireReader {
  pos: number;
  readonly end: number;

  constructor(
    readonly buf: Uint8Array,
    start = 0,
    end = buf.length,
  ) {
    this.pos = start;
    this.end = end;
  }

  done(): boolean {
    return this.pos >= this.end;
  }

  /** A varint of up to 10 bytes, as an unsigned 64-bit bigint. */
  varint(): bigint {
    let result = 0n;
    for (let shift = 0n; ; shift += 7n) {
      if (shift >= 70n) throw new ProtobufError('proto: integer overflow');
      if (this.pos >= this.end) throw new ProtobufError('unexpected EOF');
      const b = this.buf[this.pos++];
      result |= BigInt(b & 0x7f) << shift;
      if (b < 0x80) return BigInt.asUintN(64, result);
    }
  }

  /** A small varint (tags, lengths) as a number; larger values than 2^53 are an error. */
  uint(): number {
    const v = this.varint();
    if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw new ProtobufError('proto: negative length found during unmarshaling');
    return Number(v);
  }

  /** A field key: field number and wire type. */
  tag(): { field: number; wire: number } {
    const key = this.varint();
    const field = Number(key >> 3n);
    const wire = Number(key & 7n);
    if (wire === WireType.EndGroup) throw new ProtobufError('proto: wiretype end group for non-group');
    if (field <= 0 || field > 0x1fffffff) throw new ProtobufError(`proto: illegal tag ${field} (wire type ${wire})`);
    return { field, wire };
  }

  /** The bounds of a length-delimited payload, advancing past it. */
  span(): [number, number] {
    const len = this.uint();
    const start = this.pos;
    if (len > this.end - start) throw new ProtobufError('unexpected EOF');
    this.pos = start + len;
    return [start, start + len];
  }

  bytes(): Uint8Array {
    const [s, e] = this.span();
    return this.buf.subarray(s, e);
  }

  fixed32(): DataView {
    return this.fixed(4);
  }

  fixed64(): DataView {
    return this.fixed(8);
  }

  private fixed(n: number): DataView {
    if (this.end - this.pos < n) throw new ProtobufError('unexpected EOF');
    const view = new DataView(this.buf.buffer, this.buf.byteOffset + this.pos, n);
    this.pos += n;
    return view;
  }

  /** Skips a field of an unknown number (gogo's skipGenerated), groups included. */
  skip(wire: number, depth = 0): void {
    switch (wire) {
      case WireType.Varint:
        this.varint();
        return;
      case WireType.Fixed64:
        this.fixed(8);
        return;
      case WireType.Bytes:
        this.span();
        return;
      case WireType.Fixed32:
        this.fixed(4);
        return;
      case WireType.StartGroup:
        if (depth > 100) throw new ProtobufError('proto: nesting too deep');
        for (;;) {
          if (this.done()) throw new ProtobufError('unexpected EOF');
          const key = this.varint();
          const w = Number(key & 7n);
          if (w === WireType.EndGroup) return;
          this.skip(w, depth + 1);
        }
      default:
        throw new ProtobufError(`proto: illegal wireType ${wire}`);
    }
  }
}
