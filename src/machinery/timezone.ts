// Time zones from the runtime's IANA database (Intl), with the two Go time operations the CronJob controller needs:
// wall-clock fields of an instant in a zone, and time.Date (wall clock → instant, with Go's choice for wall times
// that do not exist or happen twice around a DST change). No dependency: Node ships full ICU.

export interface WallClock {
  year: number;
  /** 1-12 */
  month: number;
  /** 1-31 */
  day: number;
  hour: number;
  minute: number;
  second: number;
  /** 0 = Sunday, like Go's time.Weekday */
  weekday: number;
}

export interface Zone {
  readonly name: string;
  /** Offset from UTC in ms at the instant `ms` (positive east of Greenwich). */
  offsetAt(ms: number): number;
  /** The wall clock at `ms` in this zone. */
  wall(ms: number): WallClock;
  /** Go's time.Date(y, mo, d, h, mi, s, 0, loc): overflowing fields normalise (Jan 32 = Feb 1). */
  date(year: number, month: number, day: number, hour: number, minute: number, second: number): number;
}

function utcWall(ms: number): WallClock {
  const d = new Date(ms);
  return {
    year: d.getUTCFullYear(),
    month: d.getUTCMonth() + 1,
    day: d.getUTCDate(),
    hour: d.getUTCHours(),
    minute: d.getUTCMinutes(),
    second: d.getUTCSeconds(),
    weekday: d.getUTCDay(),
  };
}

class IntlZone implements Zone {
  private readonly fmt: Intl.DateTimeFormat | undefined;
  private readonly offsets = new Map<number, number>();

  constructor(readonly name: string) {
    this.fmt =
      name === 'UTC'
        ? undefined
        : new Intl.DateTimeFormat('en-US', {
            timeZone: name,
            hourCycle: 'h23',
            year: 'numeric',
            month: 'numeric',
            day: 'numeric',
            hour: 'numeric',
            minute: 'numeric',
            second: 'numeric',
          });
  }

  offsetAt(ms: number): number {
    if (!this.fmt) return 0;
    // Offsets change at most at whole minutes in any zone a schedule runs in: cache per minute.
    const minute = Math.floor(ms / 60_000);
    const cached = this.offsets.get(minute);
    if (cached !== undefined) return cached;
    const p: Record<string, number> = {};
    for (const part of this.fmt.formatToParts(new Date(minute * 60_000))) if (part.type !== 'literal') p[part.type] = Number(part.value);
    const asUTC = Date.UTC(p.year!, p.month! - 1, p.day!, p.hour!, p.minute!, p.second!);
    const offset = asUTC - minute * 60_000;
    if (this.offsets.size > 4096) this.offsets.clear();
    this.offsets.set(minute, offset);
    return offset;
  }

  wall(ms: number): WallClock {
    return utcWall(ms + this.offsetAt(ms));
  }

  date(year: number, month: number, day: number, hour: number, minute: number, second: number): number {
    // Go: look the offset up at the wall time read as UTC; if the resulting instant lies in another zone period,
    // use that period's offset instead. So a wall time inside a spring-forward gap resolves with the summer offset
    // (02:30 → 01:30 standard time) and a repeated fall-back wall time resolves to its first occurrence.
    const local = Date.UTC(year, month - 1, day, hour, minute, second);
    const first = this.offsetAt(local);
    const second_ = this.offsetAt(local - first);
    return local - (second_ !== first ? second_ : first);
  }
}

const zones = new Map<string, Zone>();

/**
 * time.LoadLocation: "" and "UTC" are UTC; other names must be IANA zones the runtime knows. "Local" is the
 * controller's own zone, which for kubesim (like a kube-controller-manager container) is UTC.
 */
export function loadLocation(name: string): Zone {
  const key = name === '' || name === 'Local' ? 'UTC' : name;
  let z = zones.get(key);
  if (z) return z;
  if (key !== 'UTC') {
    let resolved: string;
    try {
      resolved = new Intl.DateTimeFormat('en-US', { timeZone: key }).resolvedOptions().timeZone;
    } catch {
      throw new Error(`unknown time zone ${name}`);
    }
    // Intl is case-insensitive where Go's zoneinfo lookup is not ("europe/berlin" is unknown to Go).
    if (resolved.toLowerCase() === key.toLowerCase() && resolved !== key) throw new Error(`unknown time zone ${name}`);
  }
  z = new IntlZone(key);
  zones.set(key, z);
  return z;
}

/** RFC 3339 in the zone (Go's time.Format(time.RFC3339) on t.In(loc)): `Z` for UTC, `+01:00` otherwise. */
export function formatRFC3339In(ms: number, zone: Zone): string {
  const off = zone.offsetAt(ms);
  const w = utcWall(Math.floor(ms / 1000) * 1000 + off);
  const p2 = (n: number) => String(n).padStart(2, '0');
  const base = `${String(w.year).padStart(4, '0')}-${p2(w.month)}-${p2(w.day)}T${p2(w.hour)}:${p2(w.minute)}:${p2(w.second)}`;
  // Go's "Z07:00" layout prints Z for any zero offset, not only for UTC.
  if (off === 0) return `${base}Z`;
  const abs = Math.abs(Math.round(off / 60_000));
  return `${base}${off < 0 ? '-' : '+'}${p2(Math.floor(abs / 60))}:${p2(abs % 60)}`;
}
