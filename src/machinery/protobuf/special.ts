// The apimachinery types whose protobuf form differs from their JSON form: Time and MicroTime ({seconds, nanos} →
// RFC 3339), Duration ({duration} nanoseconds → Go duration string), Quantity ({string}), IntOrString
// ({type, intVal, strVal} → number or string). RawExtension and FieldsV1 carry raw JSON (see convert.ts).
import { ProtobufError, WireReader, WireType } from './wire.js';

/** Reads the varint fields of a tiny message into a number-keyed record (other wire types are skipped). */
function varints(buf: Uint8Array, start: number, end: number, strings: number[] = []): Map<number, bigint | string> {
  const out = new Map<number, bigint | string>();
  const r = new WireReader(buf, start, end);
  while (!r.done()) {
    const { field, wire } = r.tag();
    if (strings.includes(field)) {
      if (wire !== WireType.Bytes) throw new ProtobufError(`proto: wrong wireType = ${wire} for field ${field}`);
      const b = r.bytes();
      out.set(field, Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('utf8'));
    } else if (wire === WireType.Varint) {
      out.set(field, r.varint());
    } else {
      r.skip(wire);
    }
  }
  return out;
}

function int64(v: bigint | string | undefined): bigint {
  return typeof v === 'bigint' ? BigInt.asIntN(64, v) : 0n;
}

/** Seconds and nanoseconds since the epoch → a UTC RFC 3339 string with `fraction` digits (0 or 6). */
function rfc3339(seconds: bigint, nanos: bigint, fraction: 0 | 6): string {
  // time.Unix normalises nanos outside [0, 1e9) into the seconds.
  const total = seconds * 1_000_000_000n + nanos;
  let secs = total / 1_000_000_000n;
  let rem = total % 1_000_000_000n;
  if (rem < 0n) {
    rem += 1_000_000_000n;
    secs -= 1n;
  }
  const ms = Number(secs) * 1000;
  const d = new Date(ms);
  const year = d.getUTCFullYear();
  if (!Number.isFinite(ms) || Number.isNaN(d.getTime()) || year < 0 || year > 9999) {
    throw new ProtobufError('Time.MarshalJSON: year outside of range [0,9999]');
  }
  const base = d.toISOString().slice(0, 19);
  return fraction ? `${base}.${String(rem / 1000n).padStart(6, '0')}Z` : `${base}Z`;
}

/** metav1.Time: second precision like its JSON form; an empty message is the zero time (null). */
export function decodeTime(buf: Uint8Array, start: number, end: number): string | null {
  if (start === end) return null;
  const f = varints(buf, start, end);
  return rfc3339(int64(f.get(1)), 0n, 0);
}

/** metav1.MicroTime: microsecond precision (RFC3339Micro); an empty message is the zero time (null). */
export function decodeMicroTime(buf: Uint8Array, start: number, end: number): string | null {
  if (start === end) return null;
  const f = varints(buf, start, end);
  return rfc3339(int64(f.get(1)), BigInt.asIntN(32, typeof f.get(2) === 'bigint' ? (f.get(2) as bigint) : 0n), 6);
}

const UNITS: [string, bigint][] = [
  ['h', 3_600_000_000_000n],
  ['m', 60_000_000_000n],
];

function fractional(v: bigint, digits: number): string {
  // v has `digits` fractional digits; print without trailing zeros (Go's fmtFrac).
  const s = v.toString().padStart(digits + 1, '0');
  const int = s.slice(0, s.length - digits);
  const frac = s.slice(s.length - digits).replace(/0+$/, '');
  return frac ? `${int}.${frac}` : int;
}

/** Go's time.Duration.String(): "1h2m3.5s", "1.5ms", "0s". */
export function formatGoDuration(nanos: bigint): string {
  if (nanos === 0n) return '0s';
  const neg = nanos < 0n;
  let u = neg ? -nanos : nanos;
  let out: string;
  if (u < 1_000_000_000n) {
    if (u < 1000n) out = `${u}ns`;
    else if (u < 1_000_000n) out = `${fractional(u, 3)}µs`;
    else out = `${fractional(u, 6)}ms`;
  } else {
    out = '';
    for (const [unit, size] of UNITS) {
      if (u >= size || out) {
        out += `${u / size}${unit}`;
        u %= size;
      }
    }
    out += `${fractional(u, 9)}s`;
  }
  return neg ? `-${out}` : out;
}

/** metav1.Duration {duration = 1 (int64 ns)}. */
export function decodeDuration(buf: Uint8Array, start: number, end: number): string {
  return formatGoDuration(int64(varints(buf, start, end).get(1)));
}

const QUANTITY = /^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$/;

/** resource.Quantity {string = 1}: the canonical string kubectl serialised; absent means the zero quantity "0". */
export function decodeQuantity(buf: Uint8Array, start: number, end: number): string {
  const f = varints(buf, start, end, [1]);
  const s = f.get(1);
  if (s === undefined) return '0';
  if (typeof s !== 'string' || !QUANTITY.test(s)) {
    throw new ProtobufError(`quantities must match the regular expression '${QUANTITY.source}'`);
  }
  return s;
}

/** intstr.IntOrString {type = 1 (0 int, 1 string), intVal = 2, strVal = 3}. */
export function decodeIntOrString(buf: Uint8Array, start: number, end: number): number | string {
  const f = varints(buf, start, end, [3]);
  const type = int64(f.get(1));
  if (type === 0n) return Number(BigInt.asIntN(32, typeof f.get(2) === 'bigint' ? (f.get(2) as bigint) : 0n));
  if (type === 1n) return (f.get(3) as string | undefined) ?? '';
  throw new ProtobufError('impossible IntOrString.Type');
}
