// metadata.generateName, mirroring k8s.io/apiserver/pkg/storage/names (SimpleNameGenerator) and
// k8s.io/apimachinery/pkg/util/rand (String): the base is cut to 58 bytes and 5 random characters are appended,
// drawn from an alphabet without vowels (so generated suffixes do not spell words).

import { randomFillSync } from 'node:crypto';

export const MAX_NAME_LENGTH = 63;
export const RANDOM_LENGTH = 5;
export const MAX_GENERATED_NAME_LENGTH = MAX_NAME_LENGTH - RANDOM_LENGTH;

/** utilrand's alphabet: 27 characters, no vowels. */
export const RANDOM_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

// Random bytes are drawn in batches; bytes >= 243 (= 27 * 9) are rejected so every character is equally likely.
const POOL = new Uint8Array(256);
let poolPos = POOL.length;
const LIMIT = Math.floor(256 / RANDOM_ALPHABET.length) * RANDOM_ALPHABET.length;

function randomIndex(): number {
  for (;;) {
    if (poolPos >= POOL.length) {
      randomFillSync(POOL);
      poolPos = 0;
    }
    const b = POOL[poolPos++]!;
    if (b < LIMIT) return b % RANDOM_ALPHABET.length;
  }
}

/** utilrand.String: `length` random characters from RANDOM_ALPHABET. */
export function randomString(length: number): string {
  let s = '';
  for (let i = 0; i < length; i++) s += RANDOM_ALPHABET[randomIndex()];
  return s;
}

/** Go's base[:n] on the UTF-8 bytes (a cut through a multi-byte character yields U+FFFD; such names are invalid anyway). */
function truncateBytes(s: string, n: number): string {
  if (s.length <= n && !/[^\x00-\x7f]/.test(s)) return s;
  const bytes = Buffer.from(s, 'utf8');
  return bytes.length <= n ? s : bytes.subarray(0, n).toString('utf8');
}

/**
 * SimpleNameGenerator.GenerateName: `base` (cut to 58 bytes) + 5 random characters, so the result fits in 63.
 * `random` may be injected for deterministic tests; it must return RANDOM_LENGTH characters.
 */
export function generateName(base: string, random: (length: number) => string = randomString): string {
  return truncateBytes(base, MAX_GENERATED_NAME_LENGTH) + random(RANDOM_LENGTH);
}
