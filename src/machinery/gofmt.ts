// Go formatting verbs that leak into Kubernetes error messages. Clients (kubectl, client libraries, e2e tests)
// compare these texts, so we reproduce Go's output rather than JavaScript's:
//   - goQuote       = strconv.Quote / fmt "%q" on a string
//   - goValue       = how field.Error.ErrorBody prints a BadValue
//   - goStringSlice = fmt "%#v" on a []string (used by a few upstream messages)
//   - utf8Length    = Go len(string), which counts UTF-8 bytes, not UTF-16 units

/** Go's unicode.IsPrint: letters, marks, numbers, punctuation, symbols and the ASCII space. */
const PRINTABLE = /^[\p{L}\p{M}\p{N}\p{P}\p{S} ]$/u;

function hex(n: number, width: number): string {
  return n.toString(16).padStart(width, '0');
}

/** strconv.Quote: double-quoted, Go escape sequences, non-printable runes escaped. */
export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    if (cp < 0x80) {
      // ASCII fast path (the common case for names, keys and values).
      if (cp === 0x22) out += '\\"';
      else if (cp === 0x5c) out += '\\\\';
      else if (cp >= 0x20 && cp < 0x7f) out += ch;
      else if (cp === 0x07) out += '\\a';
      else if (cp === 0x08) out += '\\b';
      else if (cp === 0x0c) out += '\\f';
      else if (cp === 0x0a) out += '\\n';
      else if (cp === 0x0d) out += '\\r';
      else if (cp === 0x09) out += '\\t';
      else if (cp === 0x0b) out += '\\v';
      else out += '\\x' + hex(cp, 2);
      continue;
    }
    // A lone surrogate cannot come out of a Go string (decoding replaces it with U+FFFD), so print that.
    if (cp >= 0xd800 && cp <= 0xdfff) {
      out += '\ufffd';
    } else if (PRINTABLE.test(ch)) {
      out += ch;
    } else if (cp < 0x10000) {
      out += '\\u' + hex(cp, 4);
    } else {
      out += '\\U' + hex(cp, 8);
    }
  }
  return out + '"';
}

/** Go's encoding/json escapes these characters that JSON.stringify leaves alone. */
function goJSON(v: unknown): string {
  const s = JSON.stringify(v);
  if (s === undefined) return 'null';
  return s.replace(/[<>&\u2028\u2029]/g, (c) => '\\u' + hex(c.charCodeAt(0), 4));
}

/**
 * Print a field error's bad value the way field.Error.ErrorBody does: simple types with %v, strings with %q,
 * nil as null and anything else as JSON (what current upstream does; very old releases used Go's %#v).
 */
export function goValue(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  switch (typeof v) {
    case 'string':
      return goQuote(v);
    case 'number':
    case 'boolean':
    case 'bigint':
      return String(v);
    default:
      return goJSON(v);
  }
}

/** fmt "%#v" of a []string, e.g. []string{"a", "b"}. */
export function goStringSlice(values: readonly string[]): string {
  return '[]string{' + values.map(goQuote).join(', ') + '}';
}

/** Go len(s): the UTF-8 byte length. Avoids the Buffer call for pure ASCII strings. */
export function utf8Length(s: string): number {
  for (let i = 0; i < s.length; i++) {
    if (s.charCodeAt(i) >= 0x80) return Buffer.byteLength(s, 'utf8');
  }
  return s.length;
}

/** Go's sort.Strings order (byte-wise on UTF-8). UTF-16 order only differs above U+FFFF, so compare code points. */
export function compareGoStrings(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    // Surrogates (astral code points) sort after every BMP code point in UTF-8 byte order.
    const xs = x >= 0xd800 && x <= 0xdfff;
    const ys = y >= 0xd800 && y <= 0xdfff;
    if (xs !== ys) return xs ? 1 : -1;
    return x < y ? -1 : 1;
  }
  return a.length - b.length;
}
