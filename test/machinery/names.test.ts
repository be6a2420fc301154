import { describe, expect, it } from 'vitest';
import {
  MAX_GENERATED_NAME_LENGTH,
  RANDOM_ALPHABET,
  generateName,
  randomString,
} from '../../src/machinery/names.js';
import { isDNS1123Label, isDNS1123Subdomain } from '../../src/machinery/validation.js';

const SUFFIX = /^[bcdfghjklmnpqrstvwxz2456789]{5}$/;

describe('generateName (SimpleNameGenerator)', () => {
  it('appends five characters from the vowel-free alphabet', () => {
    expect(RANDOM_ALPHABET).toBe('bcdfghjklmnpqrstvwxz2456789');
    for (let i = 0; i < 200; i++) {
      const name = generateName('web-');
      expect(name).toHaveLength(9);
      expect(name.startsWith('web-')).toBe(true);
      expect(name.slice(4)).toMatch(SUFFIX);
    }
  });

  it.each([
    [0, 5],
    [1, 6],
    [57, 62],
    [58, 63],
    [59, 63],
    [200, 63],
  ])('a %i-character base gives a %i-character name', (baseLength, want) => {
    const base = 'a'.repeat(baseLength);
    const name = generateName(base);
    expect(MAX_GENERATED_NAME_LENGTH).toBe(58);
    expect(name).toHaveLength(want);
    expect(name.slice(0, -5)).toBe(base.slice(0, 58));
    expect(name.slice(-5)).toMatch(SUFFIX);
  });

  it('produces valid DNS names from valid (even over-long) bases', () => {
    expect(isDNS1123Subdomain(generateName('x'.repeat(100)))).toEqual([]);
    expect(isDNS1123Label(generateName('my-deployment-7d9f8c6b5-'))).toEqual([]);
  });

  it('cuts the base at 58 UTF-8 bytes, like Go', () => {
    const name = generateName('é'.repeat(40), () => 'bbbbb');
    expect(name).toBe('é'.repeat(29) + 'bbbbb');
  });

  it('uses an injected random source', () => {
    expect(generateName('pod-', (n) => 'z'.repeat(n))).toBe('pod-zzzzz');
  });

  it('rarely collides', () => {
    const names = new Set<string>();
    for (let i = 0; i < 2000; i++) names.add(generateName('p-'));
    expect(names.size).toBeGreaterThan(1990);
  });
});

describe('randomString (utilrand.String)', () => {
  it('draws every alphabet character about equally often and nothing else', () => {
    const counts = new Map<string, number>();
    const s = randomString(27_000);
    expect(s).toHaveLength(27_000);
    for (const c of s) counts.set(c, (counts.get(c) ?? 0) + 1);
    expect([...counts.keys()].sort().join('')).toBe([...RANDOM_ALPHABET].sort().join(''));
    for (const n of counts.values()) {
      expect(n).toBeGreaterThan(700);
      expect(n).toBeLessThan(1300);
    }
  });

  it('returns the requested length', () => {
    expect(randomString(0)).toBe('');
    expect(randomString(12)).toMatch(/^[bcdfghjklmnpqrstvwxz2456789]{12}$/);
  });
});
