// Human-readable ages exactly as upstream prints them (k8s.io/apimachinery/pkg/util/duration.HumanDuration), used by
// the AGE column of every Table.

export function humanDuration(ms: number): string {
  // int(d.Seconds()) in Go truncates toward zero: -1.5s is -1 ("0s"), not -2.
  const seconds = Math.trunc(ms / 1000);
  // Up to two seconds in the future still counts as "now" (clock skew tolerance, like upstream).
  if (seconds < -1) return '<invalid>';
  if (seconds < 0) return '0s';
  if (seconds < 60 * 2) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 10) {
    const s = seconds % 60;
    return s === 0 ? `${minutes}m` : `${minutes}m${s}s`;
  }
  if (minutes < 60 * 3) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 8) {
    const m = minutes % 60;
    return m === 0 ? `${hours}h` : `${hours}h${m}m`;
  }
  if (hours < 48) return `${hours}h`;
  if (hours < 24 * 8) {
    const h = hours % 24;
    return h === 0 ? `${Math.floor(hours / 24)}d` : `${Math.floor(hours / 24)}d${h}h`;
  }
  if (hours < 24 * 365 * 2) return `${Math.floor(hours / 24)}d`;
  if (hours < 24 * 365 * 8) {
    const dy = Math.floor(hours / 24) % 365;
    const y = Math.floor(hours / 24 / 365);
    return dy === 0 ? `${y}y` : `${y}y${dy}d`;
  }
  return `${Math.floor(hours / 24 / 365)}y`;
}

// The last AGE cell computed: a Table of a LIST asks for the same timestamp and time row after row (objects created
// in the same second), so Date.parse and the formatting run once per distinct timestamp instead of once per row.
let lastStamp: string | undefined;
let lastNow = NaN;
let lastAge = '';

/** The AGE cell: `<unknown>` for a missing timestamp (upstream translateTimestampSince). */
export function age(timestamp: string | undefined | null, now: number): string {
  if (!timestamp) return '<unknown>';
  if (timestamp === lastStamp && now === lastNow) return lastAge;
  const t = Date.parse(timestamp);
  const out = Number.isNaN(t) ? '<unknown>' : humanDuration(now - t);
  lastStamp = timestamp;
  lastNow = now;
  lastAge = out;
  return out;
}
