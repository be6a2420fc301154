// Cron schedules exactly as the CronJob controller reads them: github.com/robfig/cron/v3 ParseStandard (five fields
// minute hour day-of-month month day-of-week, lists/ranges/steps/names, the @yearly ... @hourly descriptors,
// `@every <duration>`, an optional TZ=/CRON_TZ= prefix) and its SpecSchedule.Next, including how it walks across
// DST changes (a skipped hour is skipped, a repeated hour runs twice). Error texts are robfig's.
import { parseGoDuration } from './go-duration.js';
import { loadLocation, type WallClock, type Zone } from './timezone.js';

export interface Schedule {
  /** The first activation strictly after `ms` (whole seconds), or 0 when none falls within five years. */
  next(ms: number): number;
}

interface Bounds {
  min: number;
  max: number;
  names?: Record<string, number>;
}

const MINUTES: Bounds = { min: 0, max: 59 };
const HOURS: Bounds = { min: 0, max: 23 };
const DOM: Bounds = { min: 1, max: 31 };
const MONTHS: Bounds = {
  min: 1,
  max: 12,
  names: { jan: 1, feb: 2, mar: 3, apr: 4, may: 5, jun: 6, jul: 7, aug: 8, sep: 9, oct: 10, nov: 11, dec: 12 },
};
const DOW: Bounds = { min: 0, max: 6, names: { sun: 0, mon: 1, tue: 2, wed: 3, thu: 4, fri: 5, sat: 6 } };

/** A field's allowed values; `star` is robfig's starBit (the field was `*` or `?`, which changes day matching). */
interface Field {
  bits: Set<number>;
  star: boolean;
}

const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;

function mustParseInt(expr: string): number {
  // strconv.Atoi: optional sign, decimal digits only.
  if (!/^[+-]?\d+$/.test(expr)) throw new Error(`failed to parse int from ${expr}: strconv.Atoi: parsing ${JSON.stringify(expr)}: invalid syntax`);
  const n = Number(expr);
  if (!Number.isSafeInteger(n)) throw new Error(`failed to parse int from ${expr}: strconv.Atoi: parsing ${JSON.stringify(expr)}: value out of range`);
  if (n < 0) throw new Error(`negative number (${n}) not allowed: ${expr}`);
  return n;
}

function parseIntOrName(expr: string, names?: Record<string, number>): number {
  const named = names?.[expr.toLowerCase()];
  return named !== undefined ? named : mustParseInt(expr);
}

/** getRange: `*`, `?`, `N`, `N-M`, each with an optional `/step` (`N/step` means `N-max/step`). */
function getRange(expr: string, r: Bounds, into: Field): void {
  const rangeAndStep = expr.split('/');
  const lowAndHigh = rangeAndStep[0]!.split('-');
  const singleDigit = lowAndHigh.length === 1;
  let start: number;
  let end: number;
  let star = false;
  if (lowAndHigh[0] === '*' || lowAndHigh[0] === '?') {
    start = r.min;
    end = r.max;
    star = true;
  } else {
    start = parseIntOrName(lowAndHigh[0]!, r.names);
    if (lowAndHigh.length === 1) end = start;
    else if (lowAndHigh.length === 2) end = parseIntOrName(lowAndHigh[1]!, r.names);
    else throw new Error(`too many hyphens: ${expr}`);
  }
  let step = 1;
  if (rangeAndStep.length === 2) {
    step = mustParseInt(rangeAndStep[1]!);
    if (singleDigit) end = r.max;
    if (step > 1) star = false;
  } else if (rangeAndStep.length > 2) {
    throw new Error(`too many slashes: ${expr}`);
  }
  if (start < r.min) throw new Error(`beginning of range (${start}) below minimum (${r.min}): ${expr}`);
  if (end > r.max) throw new Error(`end of range (${end}) above maximum (${r.max}): ${expr}`);
  if (start > end) throw new Error(`beginning of range (${start}) beyond end of range (${end}): ${expr}`);
  if (step === 0) throw new Error(`step of range should be a positive number: ${expr}`);
  for (let i = start; i <= end; i += step) into.bits.add(i);
  if (star) into.star = true;
}

function getField(expr: string, r: Bounds): Field {
  const f: Field = { bits: new Set(), star: false };
  for (const part of expr.split(',')) getRange(part, r, f);
  return f;
}

function all(r: Bounds): Field {
  const f: Field = { bits: new Set(), star: true };
  for (let i = r.min; i <= r.max; i++) f.bits.add(i);
  return f;
}

function only(n: number): Field {
  return { bits: new Set([n]), star: false };
}

class SpecSchedule implements Schedule {
  constructor(
    private readonly minute: Field,
    private readonly hour: Field,
    private readonly dom: Field,
    private readonly month: Field,
    private readonly dow: Field,
    readonly zone: Zone,
  ) {}

  /** dayMatches: with a `*` in either day field both must match, otherwise either may. */
  private dayMatches(w: WallClock): boolean {
    const domMatch = this.dom.bits.has(w.day);
    const dowMatch = this.dow.bits.has(w.weekday);
    if (this.dom.star || this.dow.star) return domMatch && dowMatch;
    return domMatch || dowMatch;
  }

  next(from: number): number {
    const z = this.zone;
    // Start at the upcoming whole second; seconds are always 0 for standard schedules.
    let t = Math.floor(from / 1000) * 1000 + 1000;
    let added = false;
    let w = z.wall(t);
    const yearLimit = w.year + 5;
    wrap: for (;;) {
      w = z.wall(t);
      if (w.year > yearLimit) return 0;
      while (!this.month.bits.has(w.month)) {
        if (!added) {
          added = true;
          t = z.date(w.year, w.month, 1, 0, 0, 0);
          w = z.wall(t);
        }
        t = z.date(w.year, w.month + 1, w.day, w.hour, w.minute, w.second);
        w = z.wall(t);
        if (w.month === 1) continue wrap;
      }
      while (!this.dayMatches(w)) {
        if (!added) {
          added = true;
          t = z.date(w.year, w.month, w.day, 0, 0, 0);
          w = z.wall(t);
        }
        t = z.date(w.year, w.month, w.day + 1, w.hour, w.minute, w.second);
        w = z.wall(t);
        // Midnight may not exist on a DST day: robfig nudges back to 00:00 of the intended day.
        if (w.hour !== 0) {
          t += w.hour > 12 ? (24 - w.hour) * HOUR_MS : -w.hour * HOUR_MS;
          w = z.wall(t);
        }
        if (w.day === 1) continue wrap;
      }
      while (!this.hour.bits.has(w.hour)) {
        if (!added) {
          added = true;
          t = z.date(w.year, w.month, w.day, w.hour, 0, 0);
        }
        // Real hours, not wall hours: across a DST change this skips or repeats a wall hour, like Go's t.Add.
        t += HOUR_MS;
        w = z.wall(t);
        if (w.hour === 0) continue wrap;
      }
      while (!this.minute.bits.has(w.minute)) {
        if (!added) {
          added = true;
          t = Math.floor(t / MINUTE_MS) * MINUTE_MS;
        }
        t += MINUTE_MS;
        w = z.wall(t);
        if (w.minute === 0) continue wrap;
      }
      while (w.second !== 0) {
        if (!added) {
          added = true;
          t = Math.floor(t / 1000) * 1000;
        }
        t += 1000;
        w = z.wall(t);
        if (w.second === 0) continue wrap;
      }
      return t;
    }
  }
}

/** ConstantDelaySchedule (`@every`): every `delayMs` (whole seconds, at least one) from the given time. */
class ConstantDelaySchedule implements Schedule {
  constructor(readonly delayMs: number) {}
  next(from: number): number {
    return Math.floor(from / 1000) * 1000 + this.delayMs;
  }
}

function parseDescriptor(spec: string, zone: Zone): Schedule {
  const every = '@every ';
  switch (spec) {
    case '@yearly':
    case '@annually':
      return new SpecSchedule(only(0), only(0), only(1), only(1), all(DOW), zone);
    case '@monthly':
      return new SpecSchedule(only(0), only(0), only(1), all(MONTHS), all(DOW), zone);
    case '@weekly':
      return new SpecSchedule(only(0), only(0), all(DOM), all(MONTHS), only(0), zone);
    case '@daily':
    case '@midnight':
      return new SpecSchedule(only(0), only(0), all(DOM), all(MONTHS), all(DOW), zone);
    case '@hourly':
      return new SpecSchedule(only(0), all(HOURS), all(DOM), all(MONTHS), all(DOW), zone);
  }
  if (spec.startsWith(every)) {
    let ms: number;
    try {
      ms = parseGoDuration(spec.slice(every.length));
    } catch (err) {
      throw new Error(`failed to parse duration ${spec}: ${(err as Error).message}`);
    }
    // cron.Every: at least one second, rounded down to whole seconds.
    const delay = Math.max(ms, 1000);
    return new ConstantDelaySchedule(delay - (delay % 1000));
  }
  throw new Error(`unrecognized descriptor: ${spec}`);
}

/** cron.ParseStandard. Schedules without a TZ= prefix use `defaultZone` (Go's time.Local; UTC in kubesim). */
export function parseStandard(input: string, defaultZone: Zone = loadLocation('UTC')): Schedule {
  let spec = input;
  if (spec.length === 0) throw new Error('empty spec string');
  let zone = defaultZone;
  if (spec.startsWith('TZ=') || spec.startsWith('CRON_TZ=')) {
    const i = spec.indexOf(' ');
    const eq = spec.indexOf('=');
    const name = i < 0 ? spec.slice(eq + 1) : spec.slice(eq + 1, i);
    try {
      zone = loadLocation(name);
    } catch (err) {
      throw new Error(`provided bad location ${name}: ${(err as Error).message}`);
    }
    spec = i < 0 ? '' : spec.slice(i).trim();
  }
  if (spec.startsWith('@')) return parseDescriptor(spec, zone);
  const fields = spec.split(/\s+/).filter(Boolean);
  if (fields.length !== 5) throw new Error(`expected exactly 5 fields, found ${fields.length}: [${fields.join(' ')}]`);
  const [minute, hour, dom, month, dow] = fields as [string, string, string, string, string];
  return new SpecSchedule(getField(minute, MINUTES), getField(hour, HOURS), getField(dom, DOM), getField(month, MONTHS), getField(dow, DOW), zone);
}
