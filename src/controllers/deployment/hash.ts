// The pod-template-hash (upstream pkg/controller/controller_utils.go ComputeHash): FNV-32a over the pod template,
// then the collisionCount as 8 little-endian bytes (only the low 4 set) when there is one, rendered as the decimal
// of the 32-bit sum through rand.SafeEncodeString's vowel-free alphabet.
//
// Upstream hashes a spew dump of the Go struct; we hash the template's canonical JSON (keys sorted) instead, which
// keeps every property that matters — deterministic, changes exactly when the template does, same alphabet and
// length — but gives different values than a real cluster for the same template.
import { RANDOM_ALPHABET } from '../../machinery/names.js';
import type { Obj } from '../../registry/types.js';

const FNV32_OFFSET = 0x811c9dc5;
const FNV32_PRIME = 0x01000193;

function fnv32a(hash: number, bytes: Uint8Array): number {
  let h = hash;
  for (const b of bytes) {
    h ^= b;
    h = Math.imul(h, FNV32_PRIME) >>> 0;
  }
  return h >>> 0;
}

/** JSON with object keys sorted at every level (undefined members dropped, like JSON.stringify). */
export function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map((x) => (x === undefined ? 'null' : canonicalJson(x))).join(',')}]`;
  if (v && typeof v === 'object') {
    const o = v as Obj;
    const keys = Object.keys(o).filter((k) => o[k] !== undefined).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(o[k])}`).join(',')}}`;
  }
  return JSON.stringify(v) ?? 'null';
}

/** rand.SafeEncodeString: each character mapped into the alphabet by its code point. */
export function safeEncodeString(s: string): string {
  let out = '';
  for (const ch of s) out += RANDOM_ALPHABET[ch.codePointAt(0)! % RANDOM_ALPHABET.length];
  return out;
}

export function computeHash(template: Obj, collisionCount?: number): string {
  let h = fnv32a(FNV32_OFFSET, new TextEncoder().encode(canonicalJson(template)));
  if (collisionCount !== undefined && collisionCount !== null) {
    const bytes = new Uint8Array(8);
    new DataView(bytes.buffer).setUint32(0, collisionCount >>> 0, true);
    h = fnv32a(h, bytes);
  }
  return safeEncodeString(String(h));
}
