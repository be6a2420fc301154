// The cron parser and next-run computation against robfig/cron v3 ParseStandard semantics (what the CronJob
// controller uses): fields, ranges, steps, lists, names, day-of-month/day-of-week matching, descriptors, time zones,
// DST, and robfig's error texts.
import { describe, expect, it } from 'vitest';
import { parseStandard } from '../../src/machinery/cron.js';
import { parseGoDuration } from '../../src/machinery/go-duration.js';
import { formatRFC3339In, loadLocation } from '../../src/machinery/timezone.js';

const at = (iso: string) => Date.parse(iso);
const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');

/** The next `n` activations after `from`. */
function runs(spec: string, from: string, n = 3): string[] {
  const s = parseStandard(spec);
  const out: string[] = [];
  let t = at(from);
  for (let i = 0; i < n; i++) {
    t = s.next(t);
    out.push(t ? iso(t) : 'never');
    if (!t) break;
  }
  return out;
}

describe('cron: fields, ranges, steps, lists and names', () => {
  it.each([
    ['* * * * *', '2025-01-01T00:00:00Z', ['2025-01-01T00:01:00Z', '2025-01-01T00:02:00Z', '2025-01-01T00:03:00Z']],
    ['*/15 * * * *', '2025-01-01T00:07:30Z', ['2025-01-01T00:15:00Z', '2025-01-01T00:30:00Z', '2025-01-01T00:45:00Z']],
    ['5-10/2 * * * *', '2025-01-01T00:00:00Z', ['2025-01-01T00:05:00Z', '2025-01-01T00:07:00Z', '2025-01-01T00:09:00Z']],
    ['50/5 * * * *', '2025-01-01T00:00:00Z', ['2025-01-01T00:50:00Z', '2025-01-01T00:55:00Z', '2025-01-01T01:50:00Z']],
    ['0,30 9-10 * * *', '2025-01-01T00:00:00Z', ['2025-01-01T09:00:00Z', '2025-01-01T09:30:00Z', '2025-01-01T10:00:00Z']],
    ['30 2 1,15 * *', '2025-01-10T00:00:00Z', ['2025-01-15T02:30:00Z', '2025-02-01T02:30:00Z', '2025-02-15T02:30:00Z']],
    // 2025-01-04 is a Saturday
    ['0 9 * * 1-5', '2025-01-04T10:00:00Z', ['2025-01-06T09:00:00Z', '2025-01-07T09:00:00Z', '2025-01-08T09:00:00Z']],
    ['0 9 * * MON-fri', '2025-01-04T10:00:00Z', ['2025-01-06T09:00:00Z', '2025-01-07T09:00:00Z', '2025-01-08T09:00:00Z']],
    ['0 0 1 jan,JUL *', '2025-01-01T00:00:00Z', ['2025-07-01T00:00:00Z', '2026-01-01T00:00:00Z', '2026-07-01T00:00:00Z']],
    ['0 0 ? * sun', '2025-01-01T00:00:00Z', ['2025-01-05T00:00:00Z', '2025-01-12T00:00:00Z', '2025-01-19T00:00:00Z']],
    // Day of month and day of week both restricted: either matches (the 1st, or any Monday).
    ['0 12 1 * mon', '2025-01-01T13:00:00Z', ['2025-01-06T12:00:00Z', '2025-01-13T12:00:00Z', '2025-01-20T12:00:00Z']],
    ['0 12 1 * mon', '2025-01-27T13:00:00Z', ['2025-02-01T12:00:00Z', '2025-02-03T12:00:00Z', '2025-02-10T12:00:00Z']],
    // A stepped day of month is not a star: with a star day of week, both must match.
    ['0 0 */10 * *', '2025-01-02T00:00:00Z', ['2025-01-11T00:00:00Z', '2025-01-21T00:00:00Z', '2025-01-31T00:00:00Z']],
    ['0 0 29 2 *', '2025-01-01T00:00:00Z', ['2028-02-29T00:00:00Z', '2032-02-29T00:00:00Z']],
    ['0 0 31 * *', '2025-01-31T00:00:00Z', ['2025-03-31T00:00:00Z', '2025-05-31T00:00:00Z', '2025-07-31T00:00:00Z']],
    ['0 0 30 2 *', '2025-01-01T00:00:00Z', ['never']],
    ['59 23 31 12 *', '2025-06-01T00:00:00Z', ['2025-12-31T23:59:00Z', '2026-12-31T23:59:00Z']],
  ])('%s after %s', (spec, from, want) => {
    expect(runs(spec, from, want.length)).toEqual(want);
  });

  it('starts strictly after the given time, at whole seconds', () => {
    expect(runs('0 * * * *', '2025-01-01T01:00:00Z', 1)).toEqual(['2025-01-01T02:00:00Z']);
    expect(runs('0 * * * *', '2025-01-01T00:59:59.500Z', 1)).toEqual(['2025-01-01T01:00:00Z']);
  });
});

describe('cron: descriptors', () => {
  it.each([
    ['@yearly', ['2026-01-01T00:00:00Z', '2027-01-01T00:00:00Z']],
    ['@annually', ['2026-01-01T00:00:00Z', '2027-01-01T00:00:00Z']],
    ['@monthly', ['2025-02-01T00:00:00Z', '2025-03-01T00:00:00Z']],
    ['@weekly', ['2025-01-05T00:00:00Z', '2025-01-12T00:00:00Z']],
    ['@daily', ['2025-01-02T00:00:00Z', '2025-01-03T00:00:00Z']],
    ['@midnight', ['2025-01-02T00:00:00Z', '2025-01-03T00:00:00Z']],
    ['@hourly', ['2025-01-01T01:00:00Z', '2025-01-01T02:00:00Z']],
    ['@every 90m', ['2025-01-01T01:30:00Z', '2025-01-01T03:00:00Z']],
    ['@every 1h30m', ['2025-01-01T01:30:00Z', '2025-01-01T03:00:00Z']],
    ['@every 1.5s', ['2025-01-01T00:00:01Z', '2025-01-01T00:00:02Z']],
    ['@every 10ms', ['2025-01-01T00:00:01Z', '2025-01-01T00:00:02Z']],
  ])('%s', (spec, want) => {
    expect(runs(spec, '2025-01-01T00:00:00Z', 2)).toEqual(want);
  });

  it('@every counts from the given time', () => {
    expect(runs('@every 5m', '2025-01-01T00:02:17.250Z', 2)).toEqual(['2025-01-01T00:07:17Z', '2025-01-01T00:12:17Z']);
  });
});

describe('cron: errors (robfig texts, as CronJob validation reports them)', () => {
  it.each([
    ['', 'empty spec string'],
    ['* * * *', 'expected exactly 5 fields, found 4: [* * * *]'],
    ['0 * * * * *', 'expected exactly 5 fields, found 6: [0 * * * * *]'],
    ['60 * * * *', 'end of range (60) above maximum (59): 60'],
    ['* 24 * * *', 'end of range (24) above maximum (23): 24'],
    ['* * 0 * *', 'beginning of range (0) below minimum (1): 0'],
    ['* * * 13 *', 'end of range (13) above maximum (12): 13'],
    ['* * * * 7', 'end of range (7) above maximum (6): 7'],
    ['5-1 * * * *', 'beginning of range (5) beyond end of range (1): 5-1'],
    ['*/0 * * * *', 'step of range should be a positive number: */0'],
    ['1-2-3 * * * *', 'too many hyphens: 1-2-3'],
    ['1/2/3 * * * *', 'too many slashes: 1/2/3'],
    ['a * * * *', 'failed to parse int from a: strconv.Atoi: parsing "a": invalid syntax'],
    ['* * * foo *', 'failed to parse int from foo: strconv.Atoi: parsing "foo": invalid syntax'],
    ['@foo', 'unrecognized descriptor: @foo'],
    ['@every x', 'failed to parse duration @every x: time: invalid duration "x"'],
    ['@every 5', 'failed to parse duration @every 5: time: missing unit in duration "5"'],
    ['TZ=Nowhere/City * * * * *', 'provided bad location Nowhere/City: unknown time zone Nowhere/City'],
  ])('%j', (spec, message) => {
    expect(() => parseStandard(spec)).toThrow(message);
  });
});

describe('cron: time zones and DST', () => {
  it('reads the schedule in the TZ= zone', () => {
    expect(runs('TZ=Europe/Berlin 0 9 * * *', '2025-01-01T00:00:00Z', 1)).toEqual(['2025-01-01T08:00:00Z']);
    expect(runs('CRON_TZ=Europe/Berlin 0 9 * * *', '2025-07-01T00:00:00Z', 1)).toEqual(['2025-07-01T07:00:00Z']);
    expect(runs('TZ=Asia/Tokyo 0 9 * * *', '2025-01-01T00:00:00Z', 1)).toEqual(['2025-01-02T00:00:00Z']);
    expect(runs('TZ=Asia/Kolkata 0 0 * * *', '2025-01-01T00:00:00Z', 1)).toEqual(['2025-01-01T18:30:00Z']);
    expect(parseStandard('0 9 * * *', loadLocation('America/New_York')).next(at('2025-01-01T00:00:00Z'))).toBe(at('2025-01-01T14:00:00Z'));
  });

  it('skips a wall time that does not exist when clocks spring forward', () => {
    // 2025-03-09 02:00 EST → 03:00 EDT in New York: 02:30 does not happen that day.
    expect(runs('TZ=America/New_York 30 2 * * *', '2025-03-08T17:00:00Z', 3)).toEqual(['2025-03-10T06:30:00Z', '2025-03-11T06:30:00Z', '2025-03-12T06:30:00Z']);
    expect(runs('TZ=America/New_York 0 * * * *', '2025-03-09T05:30:00Z', 3)).toEqual(['2025-03-09T06:00:00Z', '2025-03-09T07:00:00Z', '2025-03-09T08:00:00Z']);
  });

  it('runs twice in a wall hour that repeats when clocks fall back', () => {
    // 2025-11-02 02:00 EDT → 01:00 EST: 01:30 happens at 05:30Z and again at 06:30Z.
    expect(runs('TZ=America/New_York 30 1 * * *', '2025-11-02T04:00:00Z', 3)).toEqual(['2025-11-02T05:30:00Z', '2025-11-02T06:30:00Z', '2025-11-03T06:30:00Z']);
  });

  it('keeps midnight schedules on the right day across a DST change', () => {
    expect(runs('TZ=Europe/Berlin 0 0 * * *', '2025-03-29T12:00:00Z', 3)).toEqual(['2025-03-29T23:00:00Z', '2025-03-30T22:00:00Z', '2025-03-31T22:00:00Z']);
  });

  it('loads IANA zones like Go and formats RFC 3339 in them', () => {
    expect(() => loadLocation('Europe/Berlin')).not.toThrow();
    expect(() => loadLocation('europe/berlin')).toThrow('unknown time zone europe/berlin');
    expect(() => loadLocation('Mars/Olympus')).toThrow('unknown time zone Mars/Olympus');
    expect(loadLocation('').name).toBe('UTC');
    expect(formatRFC3339In(at('2025-01-01T08:00:00Z'), loadLocation('Europe/Berlin'))).toBe('2025-01-01T09:00:00+01:00');
    expect(formatRFC3339In(at('2025-01-01T08:00:00Z'), loadLocation('America/New_York'))).toBe('2025-01-01T03:00:00-05:00');
    expect(formatRFC3339In(at('2025-01-01T08:00:00Z'), loadLocation('Asia/Kolkata'))).toBe('2025-01-01T13:30:00+05:30');
    expect(formatRFC3339In(at('2025-01-01T08:00:00Z'), loadLocation('UTC'))).toBe('2025-01-01T08:00:00Z');
    expect(formatRFC3339In(at('2025-01-01T08:00:00Z'), loadLocation('Europe/London'))).toBe('2025-01-01T08:00:00Z');
  });
});

describe('Go durations', () => {
  it.each([
    ['1h30m', 5_400_000],
    ['90s', 90_000],
    ['1.5h', 5_400_000],
    ['300ms', 300],
    ['-2m', -120_000],
    ['0', 0],
  ])('%s', (s, ms) => {
    expect(parseGoDuration(s)).toBe(ms);
  });

  it('rejects what Go rejects', () => {
    expect(() => parseGoDuration('')).toThrow('time: invalid duration ""');
    expect(() => parseGoDuration('1x')).toThrow('time: unknown unit "x" in duration "1x"');
    expect(() => parseGoDuration('h')).toThrow('time: invalid duration "h"');
  });
});
