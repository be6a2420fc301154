// Structural equality of JSON values, used by guaranteedUpdate to skip no-op writes. Upstream compares the encoded
// bytes, which works there because Go's encoder is deterministic; JS key order depends on how an object was built,
// so we compare structurally (key order ignored; undefined-valued properties ignored since JSON drops them).

import type { KubeObject } from './interface.js';

type JsonObject = Record<string, unknown>;

export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  const aIsArray = Array.isArray(a);
  if (aIsArray !== Array.isArray(b)) return false;
  if (aIsArray) {
    const x = a as unknown[];
    const y = b as unknown[];
    if (x.length !== y.length) return false;
    for (let i = 0; i < x.length; i++) if (!jsonEqual(x[i], y[i])) return false;
    return true;
  }
  return objectEqual(a as JsonObject, b as JsonObject, undefined);
}

function objectEqual(a: JsonObject, b: JsonObject, ignore: string | undefined): boolean {
  let countA = 0;
  for (const k in a) {
    const v = a[k];
    if (k === ignore || v === undefined) continue;
    countA++;
    if (!Object.hasOwn(b, k) || !jsonEqual(v, b[k])) return false;
  }
  let countB = 0;
  for (const k in b) if (k !== ignore && b[k] !== undefined) countB++;
  return countA === countB;
}

/** Deep equality ignoring `metadata.resourceVersion` (which the store owns and overwrites on every write). */
export function equalIgnoringResourceVersion(a: KubeObject, b: KubeObject): boolean {
  if (!objectEqual(a, b, 'metadata')) return false;
  const ma = a.metadata;
  const mb = b.metadata;
  if (ma === mb) return true;
  return objectEqual(ma ?? {}, mb ?? {}, 'resourceVersion');
}
