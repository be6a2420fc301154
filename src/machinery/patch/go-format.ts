// Go fmt verbs that leak into patch error messages (mergepatch.ErrNoMergeKey prints the offending map with %v,
// ErrBadPatchType prints the directive with %s). kubectl shows these texts verbatim, so we reproduce Go's output
// for decoded JSON values: maps print as map[k:v ...] with sorted keys, slices as [a b], nil as <nil>.

import { goKind, isObject } from './json.js';

/** strconv.FormatFloat(f, 'g', -1, 64), which is what %v uses for a float64. */
export function goFloat(f: number): string {
  if (Number.isNaN(f)) return 'NaN';
  if (!Number.isFinite(f)) return f > 0 ? '+Inf' : '-Inf';
  if (f === 0) return Object.is(f, -0) ? '-0' : '0';
  // toExponential() without a precision yields the shortest digits that round-trip, like Go's shortest mode.
  const [mant, expText] = f.toExponential().split('e');
  const exp = Number(expText);
  // %e is used when the exponent is < -4 or >= the precision, which Go fixes at 6 in shortest mode.
  if (exp < -4 || exp >= 6) {
    const abs = Math.abs(exp);
    return `${mant}e${exp < 0 ? '-' : '+'}${abs < 10 ? '0' : ''}${abs}`;
  }
  const digits = mant.replace('-', '').replace('.', '');
  const sign = f < 0 ? '-' : '';
  if (exp < 0) return `${sign}0.${'0'.repeat(-exp - 1)}${digits}`;
  const intPart = digits.slice(0, exp + 1).padEnd(exp + 1, '0');
  const frac = digits.slice(exp + 1);
  return frac ? `${sign}${intPart}.${frac}` : `${sign}${intPart}`;
}

function goNumber(n: number): string {
  return goKind(n) === 'int64' ? String(n) : goFloat(n);
}

/** Go's internal/fmtsort orders string map keys byte-wise. */
function sortedKeys(o: object): string[] {
  return Object.keys(o).sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
}

/** fmt "%v" of a decoded JSON value (map[string]interface{}, []interface{}, string, int64, float64, bool, nil). */
export function goSprintV(v: unknown): string {
  if (v === null || v === undefined) return '<nil>';
  if (Array.isArray(v)) return `[${v.map(goSprintV).join(' ')}]`;
  if (isObject(v)) return `map[${sortedKeys(v).map((k) => `${k}:${goSprintV(v[k])}`).join(' ')}]`;
  if (typeof v === 'number') return goNumber(v);
  return String(v);
}

/**
 * fmt "%s" of a decoded JSON value: strings print as-is, other scalars as a %!s(type=value) verb error, and
 * containers apply %s to their elements.
 */
export function goSprintS(v: unknown): string {
  if (v === null || v === undefined) return '%!s(<nil>)';
  if (Array.isArray(v)) return `[${v.map(goSprintS).join(' ')}]`;
  if (isObject(v)) return `map[${sortedKeys(v).map((k) => `${k}:${goSprintS(v[k])}`).join(' ')}]`;
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return `%!s(${goKind(v)}=${goNumber(v)})`;
  return `%!s(bool=${String(v)})`;
}

/** strconv.Atoi, including its error texts (which evanphx/json-patch wraps into its messages). */
export function goAtoi(s: string): { value: number } | { error: string } {
  if (!/^[+-]?[0-9]+$/.test(s)) return { error: `strconv.Atoi: parsing ${JSON.stringify(s)}: invalid syntax` };
  const n = BigInt(s);
  if (n > 9223372036854775807n || n < -9223372036854775808n) {
    return { error: `strconv.Atoi: parsing ${JSON.stringify(s)}: value out of range` };
  }
  return { value: Number(n) };
}
