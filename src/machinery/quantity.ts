// resource.Quantity parsing (k8s.io/apimachinery/pkg/api/resource): "100m", "1.5", "128Mi", "2G", "1e3" as plain
// numbers in base units. Numbers are JS doubles: exact for every quantity a scheduler compares in practice.

const BINARY: Record<string, number> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60 };
const DECIMAL: Record<string, number> = { n: 1e-9, u: 1e-6, m: 1e-3, '': 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18 };
const QUANTITY = /^([+-]?(?:\d+\.?\d*|\.\d+))(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE]|[eE][+-]?\d+)?$/;

/** The quantity in base units (cores, bytes, count); NaN when it does not parse. Numbers pass through. */
export function parseQuantity(q: unknown): number {
  if (typeof q === 'number') return q;
  if (typeof q !== 'string') return NaN;
  const m = QUANTITY.exec(q.trim());
  if (!m) return NaN;
  const n = Number(m[1]);
  const suffix = m[2] ?? '';
  if (suffix in BINARY) return n * BINARY[suffix]!;
  if (suffix in DECIMAL) return n * DECIMAL[suffix]!;
  return n * 10 ** Number(suffix.slice(1));
}

/** Quantity.MilliValue(): thousandths, rounded up like upstream. */
export function milliValue(q: unknown): number {
  const v = parseQuantity(q);
  return Number.isNaN(v) ? 0 : Math.ceil(Math.round(v * 1e9) / 1e6);
}

/** Quantity.Value(): the value rounded up to an integer (bytes, counts). */
export function intValue(q: unknown): number {
  const v = parseQuantity(q);
  return Number.isNaN(v) ? 0 : Math.ceil(v - 1e-9);
}
