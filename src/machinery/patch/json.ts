// JSON value helpers shared by the three patch implementations. Patches operate on parsed JSON (what the HTTP
// layer hands us), never on Go-style typed objects, so these are the only value shapes we ever see.

export type JsonPrimitive = string | number | boolean | null;
export type JsonValue = JsonPrimitive | JsonObject | JsonValue[];
export interface JsonObject {
  [key: string]: JsonValue;
}

export function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A deep copy, so the algorithms may mutate freely (mirroring upstream) without touching the caller's values. */
export function cloneJson<T>(v: T): T {
  return structuredClone(v);
}

/** Own-property lookup (patch keys such as "__proto__" must never reach the prototype chain). */
export function hasKey(o: JsonObject, k: string): boolean {
  return Object.prototype.hasOwnProperty.call(o, k);
}

/** Sets a key as an own data property, even for "__proto__". */
export function setKey(o: JsonObject, k: string, v: JsonValue): void {
  if (k === '__proto__') Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });
  else o[k] = v;
}

/** Structural equality (key order ignored), the semantics of Go's reflect.DeepEqual on decoded JSON. */
export function jsonDeepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    return a.every((x, i) => jsonDeepEqual(x, b[i]));
  }
  if (isObject(a) && isObject(b)) {
    const ka = Object.keys(a);
    if (ka.length !== Object.keys(b).length) return false;
    return ka.every((k) => hasKey(b, k) && jsonDeepEqual(a[k], b[k]));
  }
  return false;
}

/**
 * The Go dynamic type a decoded JSON value would have on the apiserver side. Upstream decodes integers as int64
 * (UnmarshalCaseSensitivePreserveInts / ToUnstructured) and other numbers as float64; strategic merge compares
 * these types with reflect.TypeOf, so int 1 and float 1.5 count as different element types.
 */
export type GoKind = 'map' | 'slice' | 'string' | 'bool' | 'int64' | 'float64' | 'nil';

export function goKind(v: unknown): GoKind {
  if (v === null || v === undefined) return 'nil';
  if (Array.isArray(v)) return 'slice';
  switch (typeof v) {
    case 'string':
      return 'string';
    case 'boolean':
      return 'bool';
    case 'number':
      return Number.isInteger(v) ? 'int64' : 'float64';
    default:
      return 'map';
  }
}

/** Go reflect.Type.String() of a decoded JSON value, as printed by mergepatch.ErrBadArgType. */
export function goTypeName(v: unknown): string {
  switch (goKind(v)) {
    case 'map':
      return 'map[string]interface {}';
    case 'slice':
      return '[]interface {}';
    case 'nil':
      return '%!s(<nil>)';
    default:
      return goKind(v);
  }
}
