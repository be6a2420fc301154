// π to n significant digits, as `perl -Mbignum=bpi -wle 'print bpi(2000)'` prints it (the Job example of the
// Kubernetes documentation): Machin's formula in BigInt fixed point, rounded to n digits.

function arctanInverse(x: bigint, unity: bigint): bigint {
  // arctan(1/x) = 1/x − 1/(3x³) + 1/(5x⁵) − ...
  const x2 = x * x;
  let term = unity / x;
  let sum = term;
  for (let k = 1n; term !== 0n; k++) {
    term /= x2;
    const part = term / (2n * k + 1n);
    sum += k % 2n ? -part : part;
  }
  return sum;
}

export function piDigits(n: number): string {
  const digits = Math.max(1, Math.floor(n));
  const guard = 10;
  const unity = 10n ** BigInt(digits - 1 + guard);
  const pi = 16n * arctanInverse(5n, unity) - 4n * arctanInverse(239n, unity);
  // Round away the guard digits (half up), leaving `digits` significant digits.
  const scale = 10n ** BigInt(guard);
  const rounded = (pi + scale / 2n) / scale;
  const s = rounded.toString();
  return s.length > 1 ? `${s[0]}.${s.slice(1)}` : s;
}
