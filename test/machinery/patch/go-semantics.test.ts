// The Go behaviours the patch code reproduces: fmt verbs in error messages, strconv.Atoi, sort.SliceStable
// with upstream's non-strict comparator, and the in-place de-duplication of scalar lists.

import { describe, expect, it } from 'vitest';
import { goAtoi, goFloat, goSprintS, goSprintV } from '../../../src/machinery/patch/go-format.js';
import { deduplicateScalars, goSliceStable } from '../../../src/machinery/patch/smp-order.js';

describe('Go formatting', () => {
  it('%v of float64 (strconv shortest, exponent from 1e6 and below 1e-4)', () => {
    expect(goFloat(1.5)).toBe('1.5');
    expect(goFloat(-2.25)).toBe('-2.25');
    expect(goFloat(100000.5)).toBe('100000.5');
    expect(goFloat(1e6)).toBe('1e+06');
    expect(goFloat(1234567.5)).toBe('1.2345675e+06');
    expect(goFloat(0.0001)).toBe('0.0001');
    expect(goFloat(0.00001)).toBe('1e-05');
    expect(goFloat(1.5e300)).toBe('1.5e+300');
  });

  it('%v of decoded JSON values', () => {
    expect(goSprintV({ b: 1, a: 'x', c: null, d: [true, 2.5, { z: 1 }] })).toBe('map[a:x b:1 c:<nil> d:[true 2.5 map[z:1]]]');
    expect(goSprintV([])).toBe('[]');
    expect(goSprintV({})).toBe('map[]');
    expect(goSprintV(1e6)).toBe('1000000'); // integers are int64 upstream
  });

  it('%s of decoded JSON values', () => {
    expect(goSprintS('merge')).toBe('merge');
    expect(goSprintS(5)).toBe('%!s(int64=5)');
    expect(goSprintS(0.5)).toBe('%!s(float64=0.5)');
    expect(goSprintS(true)).toBe('%!s(bool=true)');
    expect(goSprintS(null)).toBe('%!s(<nil>)');
  });

  it('strconv.Atoi', () => {
    expect(goAtoi('12')).toEqual({ value: 12 });
    expect(goAtoi('+1')).toEqual({ value: 1 });
    expect(goAtoi('-007')).toEqual({ value: -7 });
    expect(goAtoi('-')).toEqual({ error: 'strconv.Atoi: parsing "-": invalid syntax' });
    expect(goAtoi(' 1')).toEqual({ error: 'strconv.Atoi: parsing " 1": invalid syntax' });
    expect(goAtoi('99999999999999999999')).toEqual({ error: 'strconv.Atoi: parsing "99999999999999999999": value out of range' });
  });
});

describe('Go sorting and de-duplication', () => {
  it('sort.SliceStable agrees with a stable sort for a consistent comparator (beyond one insertion block)', () => {
    let seed = 7;
    const rand = () => (seed = (seed * 1103515245 + 12345) % 2147483648) % 17;
    const items = Array.from({ length: 137 }, (_, i) => ({ key: rand(), i }));
    const ours = [...items];
    goSliceStable(ours, (a, b) => ours[a]!.key < ours[b]!.key);
    const want = [...items].sort((a, b) => a.key - b.key);
    expect(ours).toEqual(want);
  });

  it('reproduces Go for upstream\'s comparator where unknown items compare less', () => {
    // order = [F0, F1]; N is not in it. Go's insertion sort moves N and F0 ahead of F1.
    const order = ['F0', 'F1'];
    const items = ['F1', 'N', 'F0'];
    goSliceStable(items, (i, j) => {
      const ii = order.indexOf(items[i]!);
      if (ii >= 0) {
        const ij = order.indexOf(items[j]!);
        if (ij >= 0) return ii < ij;
      }
      return true;
    });
    expect(items).toEqual(['F0', 'N', 'F1']);
  });

  it('de-duplicates scalars by moving the last element into each hole', () => {
    expect(deduplicateScalars([1, 2, 2, 3])).toEqual([1, 2, 3]);
    expect(deduplicateScalars(['a', 'b', 'a', 'c', 'd'])).toEqual(['a', 'b', 'd', 'c']);
    expect(deduplicateScalars([1, 1.5, '1'])).toEqual([1, 1.5, '1']);
  });
});
