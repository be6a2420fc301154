// The AGE cells of every Table: humanDuration must print exactly what upstream's
// k8s.io/apimachinery/pkg/util/duration.HumanDuration prints (the table of cases from its duration_test.go, plus the
// boundaries of each branch), and age() what printers' translateTimestampSince prints.
import { describe, expect, it } from 'vitest';
import { age, humanDuration } from '../../src/machinery/duration.js';

const S = 1000;
const M = 60 * S;
const H = 60 * M;
const D = 24 * H;

describe('humanDuration (upstream HumanDuration)', () => {
  // upstream TestHumanDuration
  it.each([
    [S, '1s'],
    [70 * S, '70s'],
    [190 * S, '3m10s'],
    [70 * M, '70m'],
    [47 * H, '47h'],
    [49 * H, '2d1h'],
    [(8 * 24 + 2) * H, '8d'],
    [367 * 24 * H, '367d'],
    [(365 * 2 * 24 + 25) * H, '2y1d'],
    [(365 * 8 * 24 + 2) * H, '8y'],
  ])('%d ms → %s (upstream table)', (ms, want) => {
    expect(humanDuration(ms)).toBe(want);
  });

  it.each([
    // seconds: up to two minutes
    [0, '0s'],
    [999, '0s'],
    [59 * S, '59s'],
    [119 * S + 999, '119s'],
    // minutes with seconds below ten minutes, whole minutes below three hours
    [2 * M, '2m'],
    [2 * M + S, '2m1s'],
    [5 * M + 3 * S, '5m3s'],
    [9 * M + 59 * S, '9m59s'],
    [10 * M, '10m'],
    [10 * M + 59 * S, '10m'],
    [179 * M + 59 * S, '179m'],
    // hours with minutes below eight hours, whole hours below two days
    [3 * H, '3h'],
    [3 * H + 7 * M, '3h7m'],
    [7 * H + 59 * M + 59 * S, '7h59m'],
    [8 * H, '8h'],
    [8 * H + 30 * M, '8h'],
    [47 * H + 59 * M, '47h'],
    // days with hours below eight days, whole days below two years
    [2 * D, '2d'],
    [2 * D + 23 * H, '2d23h'],
    [7 * D + 23 * H, '7d23h'],
    [8 * D, '8d'],
    [729 * D, '729d'],
    // years with days below eight years, whole years after
    [730 * D, '2y'],
    [730 * D + D, '2y1d'],
    [365 * 8 * D - D, '7y364d'],
    [365 * 10 * D, '10y'],
  ])('%d ms → %s', (ms, want) => {
    expect(humanDuration(ms)).toBe(want);
  });

  it('tolerates up to two seconds of clock skew, and is <invalid> beyond (Go truncates toward zero)', () => {
    expect(humanDuration(-1)).toBe('0s');
    expect(humanDuration(-999)).toBe('0s');
    expect(humanDuration(-1 * S)).toBe('0s');
    // int(-1.5s.Seconds()) is -1 in Go: still "0s"
    expect(humanDuration(-1.5 * S)).toBe('0s');
    expect(humanDuration(-1999)).toBe('0s');
    expect(humanDuration(-2 * S)).toBe('<invalid>');
    expect(humanDuration(-1 * H)).toBe('<invalid>');
  });
});

describe('age (upstream translateTimestampSince)', () => {
  const now = Date.parse('2026-01-10T12:00:00Z');
  it('prints the duration since the timestamp', () => {
    expect(age('2026-01-10T11:54:57Z', now)).toBe('5m3s');
    expect(age('2026-01-08T12:00:00Z', now)).toBe('2d');
    expect(age('2026-01-10T12:00:00Z', now)).toBe('0s');
  });
  it('is <unknown> for a missing or unparsable timestamp', () => {
    expect(age(undefined, now)).toBe('<unknown>');
    expect(age(null, now)).toBe('<unknown>');
    expect(age('', now)).toBe('<unknown>');
    expect(age('not a time', now)).toBe('<unknown>');
  });
});
