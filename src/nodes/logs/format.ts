// Time formats of simulated log lines (the kubelet's RFC 3339 timestamps, and the dates programs print themselves),
// and a small stable hash for the deterministic variety of generated lines.

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

const p2 = (n: number) => String(n).padStart(2, '0');

/** FNV-1a over a string: stable pseudo-random numbers per (container instance, line). */
export function hash32(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** Go's time.RFC3339Nano in UTC (trailing zeros of the fraction dropped), as `kubectl logs --timestamps` prints. */
export function rfc3339Nano(ms: number, subMsNanos = 0): string {
  const iso = new Date(ms).toISOString(); // 2025-01-01T00:00:00.123Z
  const frac = (iso.slice(20, 23) + String(Math.max(0, Math.min(999_999, Math.floor(subMsNanos)))).padStart(6, '0')).replace(/0+$/, '');
  return `${iso.slice(0, 19)}${frac ? `.${frac}` : ''}Z`;
}

/** Parses RFC 3339 (any fraction length) to ms; NaN when invalid. */
export function parseRfc3339(s: string): number {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/i.test(s)) return NaN;
  return Date.parse(s.replace(/(\.\d{3})\d+/, '$1'));
}

/** busybox/coreutils `date` in UTC: `Wed Jan  1 00:00:10 UTC 2025`. */
export function shellDate(ms: number): string {
  const d = new Date(ms);
  return `${DAYS[d.getUTCDay()]} ${MONTHS[d.getUTCMonth()]} ${String(d.getUTCDate()).padStart(2, ' ')} ${hms(d)} UTC ${d.getUTCFullYear()}`;
}

/** `date +FORMAT` for the common conversions. */
export function shellDateFormat(ms: number, format: string): string {
  const d = new Date(ms);
  const map: Record<string, string> = {
    Y: String(d.getUTCFullYear()),
    m: p2(d.getUTCMonth() + 1),
    d: p2(d.getUTCDate()),
    H: p2(d.getUTCHours()),
    M: p2(d.getUTCMinutes()),
    S: p2(d.getUTCSeconds()),
    s: String(Math.floor(ms / 1000)),
    T: hms(d),
    F: `${d.getUTCFullYear()}-${p2(d.getUTCMonth() + 1)}-${p2(d.getUTCDate())}`,
    a: DAYS[d.getUTCDay()]!,
    b: MONTHS[d.getUTCMonth()]!,
    Z: 'UTC',
    z: '+0000',
    N: String((ms % 1000) * 1_000_000).padStart(9, '0'),
    '%': '%',
  };
  return format.replace(/%([A-Za-z%])/g, (m, c: string) => map[c] ?? m);
}

function hms(d: Date): string {
  return `${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())}`;
}

/** Apache/nginx access logs: `01/Jan/2025:00:00:10 +0000`. */
export function accessLogDate(ms: number): string {
  const d = new Date(ms);
  return `${p2(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${hms(d)} +0000`;
}

/** Apache's error log: `Wed Jan 01 00:00:00.123456 2025`. */
export function apacheErrorDate(ms: number, micros = 0): string {
  const d = new Date(ms);
  const us = String((ms % 1000) * 1000 + (micros % 1000)).padStart(6, '0');
  return `${DAYS[d.getUTCDay()]} ${MONTHS[d.getUTCMonth()]} ${p2(d.getUTCDate())} ${hms(d)}.${us} ${d.getUTCFullYear()}`;
}

/** nginx's error log: `2025/01/01 00:00:00`. */
export function nginxDate(ms: number): string {
  const d = new Date(ms);
  return `${d.getUTCFullYear()}/${p2(d.getUTCMonth() + 1)}/${p2(d.getUTCDate())} ${hms(d)}`;
}

/** Redis: `01 Jan 2025 00:00:00.123`. */
export function redisDate(ms: number): string {
  const d = new Date(ms);
  return `${p2(d.getUTCDate())} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()} ${hms(d)}.${String(ms % 1000).padStart(3, '0')}`;
}

/** RFC 3339 with second precision (logfmt `time=`). */
export function rfc3339Seconds(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}
