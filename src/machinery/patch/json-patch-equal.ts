// The equality behind the JSON patch "test" operation, as evanphx/json-patch v4 (lazyNode.equal) implements it:
//   - objects are compared one-sidedly: each key of the document's object must exist in the operation value
//     with an equal value; keys only the operation value has are ignored;
//   - arrays must have the same length and equal elements;
//   - scalars must be the same JSON value;
//   - a nested null facing a non-null (or any null element of a document array) dereferences a nil node, so
//     upstream panics; we report that as 'panic'.
// A top-level null operation value never equals a (non-null) document value.

import { isObject, type JsonValue } from './json.js';

export function jsonPatchEqual(doc: JsonValue, value: JsonValue): boolean | 'panic' {
  if (value === null) return false;
  return nodeEqual(doc, value);
}

/** Both sides are non-null. */
function nodeEqual(n: JsonValue, o: JsonValue): boolean | 'panic' {
  if (isObject(n)) {
    if (!isObject(o)) return false;
    for (const [k, v] of Object.entries(n)) {
      if (!Object.prototype.hasOwnProperty.call(o, k)) return false;
      const ov = o[k]!;
      if (v === null && ov === null) continue;
      if (v === null || ov === null) return 'panic';
      const r = nodeEqual(v, ov);
      if (r !== true) return r;
    }
    return true;
  }
  if (Array.isArray(n)) {
    if (!Array.isArray(o) || n.length !== o.length) return false;
    for (let i = 0; i < n.length; i++) {
      const v = n[i]!;
      const ov = o[i]!;
      if (v === null || ov === null) return 'panic';
      const r = nodeEqual(v, ov);
      if (r !== true) return r;
    }
    return true;
  }
  if (isObject(o) || Array.isArray(o)) return false;
  return JSON.stringify(n) === JSON.stringify(o);
}
