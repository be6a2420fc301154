// RFC 6902 JSON Patch with the exact behaviour of gopkg.in/evanphx/json-patch.v4 (v4.12), the library
// kube-apiserver applies application/json-patch+json with (jsonPatcher.applyJSPatch). That library deviates from
// the RFC in ways clients can observe, and we keep them:
//   - "replace" on a missing object key adds it; "copy" from a missing object key copies null;
//   - "add"/"remove" on the root path ("") fail with "doc is missing path"; "replace" of the root with a scalar
//     is a silent no-op;
//   - array indexes may be negative (counted from the end; jsonpatch.SupportNegativeIndices defaults to true);
//   - the first path segment is not required to be empty ("a/b" addresses "/b");
//   - "test" compares objects one-sidedly: every key of the document's value must match, extra keys in the
//     patch value are ignored.
// Any failing operation aborts the whole patch: we work on a private copy and only return it on success.
// Scalars are compared by value, not by their raw JSON text as upstream does (we only see parsed JSON).

import { decodeJsonPatch, opFrom, opKind, opPath, type FieldValidation, type Operation } from './json-patch-decode.js';
import { PatchError } from './errors.js';
import { goAtoi } from './go-format.js';
import { cloneJson, hasKey, isObject, setKey, type JsonObject, type JsonValue } from './json.js';
import { jsonPatchEqual } from './json-patch-equal.js';

export { MAX_JSON_PATCH_OPERATIONS, type FieldValidation } from './json-patch-decode.js';

export interface JsonPatchOptions {
  /** The request's fieldValidation; the apiserver defaults an absent parameter to Warn. */
  fieldValidation?: FieldValidation;
}

const MISSING = 'missing value'; // jsonpatch.ErrMissing
const INVALID_INDEX = 'invalid index referenced'; // jsonpatch.ErrInvalidIndex
const TEST_FAILED = 'test failed'; // jsonpatch.ErrTestFailed

/** An internal failure: an operation error (422 on the wire) or a Go runtime panic upstream. */
class OpFailure extends Error {
  constructor(
    message: string,
    readonly panic = false,
  ) {
    super(message);
  }
}

type Container = JsonObject | JsonValue[];
type Got = { value: JsonValue | undefined } | { error: string };

function invalidIndex(idx: number): string {
  return `Unable to access invalid index: ${idx}: ${INVALID_INDEX}`;
}

/** container.get: objects never fail (a missing key is nil); arrays need a valid, possibly negative, index. */
function get(c: Container, key: string): Got {
  if (!Array.isArray(c)) return { value: hasKey(c, key) ? c[key] : undefined };
  const parsed = goAtoi(key);
  if ('error' in parsed) return parsed;
  let idx = parsed.value;
  if (idx < 0) {
    if (idx < -c.length) return { error: invalidIndex(idx) };
    idx += c.length;
  }
  if (idx >= c.length) return { error: invalidIndex(idx) };
  return { value: c[idx] };
}

/** container.add: sets an object key, or inserts into an array ("-" appends). */
function add(c: Container, key: string, v: JsonValue): string | undefined {
  if (!Array.isArray(c)) {
    setKey(c, key, v);
    return undefined;
  }
  if (key === '-') {
    c.push(v);
    return undefined;
  }
  const parsed = goAtoi(key);
  if ('error' in parsed) return `value was not a proper array index: '${key}': ${parsed.error}`;
  let idx = parsed.value;
  const size = c.length + 1;
  if (idx >= size) return invalidIndex(idx);
  if (idx < 0) {
    if (idx < -size) return invalidIndex(idx);
    idx += size;
  }
  c.splice(idx, 0, v);
  return undefined;
}

function remove(c: Container, key: string): string | undefined {
  if (!Array.isArray(c)) {
    if (!hasKey(c, key)) return `Unable to remove nonexistent key: ${key}: ${MISSING}`;
    delete c[key];
    return undefined;
  }
  const parsed = goAtoi(key);
  if ('error' in parsed) return parsed.error;
  let idx = parsed.value;
  if (idx >= c.length) return invalidIndex(idx);
  if (idx < 0) {
    if (idx < -c.length) return invalidIndex(idx);
    idx += c.length;
  }
  c.splice(idx, 1);
  return undefined;
}

/** container.set, only used by "replace" after get succeeded. */
function set(c: Container, key: string, v: JsonValue): void {
  if (!Array.isArray(c)) {
    setKey(c, key, v);
    return;
  }
  let idx = (goAtoi(key) as { value: number }).value;
  if (idx < 0) idx += c.length;
  c[idx] = v;
}

/** RFC 6901 unescaping: "~1" then "~0", in one left-to-right pass. */
function decodeKey(k: string): string {
  return k.replace(/~[01]/g, (m) => (m === '~1' ? '/' : '~'));
}

/** findObject: the container holding the path's last segment, or undefined when any step is missing. */
function findObject(root: Container, path: string): { c: Container; key: string } | undefined {
  const split = path.split('/');
  if (split.length < 2) return undefined;
  let doc: Container = root;
  for (const part of split.slice(1, -1)) {
    const next = get(doc, decodeKey(part));
    if ('error' in next || next.value === undefined || next.value === null) return undefined;
    if (!Array.isArray(next.value) && !isObject(next.value)) return undefined;
    doc = next.value;
  }
  return { c: doc, key: decodeKey(split[split.length - 1]!) };
}

/** The operation's "value": undefined when the key is absent (upstream's nil node), else a private copy. */
function opValue(op: Operation): JsonValue | undefined {
  return op && hasKey(op, 'value') ? cloneJson(op.value!) : undefined;
}

class Applier {
  constructor(public root: Container) {}

  apply(op: Operation): void {
    const kind = opKind(op);
    switch (kind) {
      case 'add':
        return this.add(op);
      case 'remove':
        return this.remove(op);
      case 'replace':
        return this.replace(op);
      case 'move':
        return this.move(op);
      case 'test':
        return this.test(op);
      case 'copy':
        return this.copy(op);
      default:
        throw new OpFailure(`Unexpected kind: ${kind}`);
    }
  }

  private add(op: Operation): void {
    const path = opPath(op);
    if ('error' in path) throw new OpFailure(`add operation failed to decode path: ${MISSING}`);
    const at = findObject(this.root, path.value);
    if (!at) throw new OpFailure(`add operation does not apply: doc is missing path: "${path.value}": ${MISSING}`);
    const err = add(at.c, at.key, opValue(op) ?? null);
    if (err) throw new OpFailure(`error in add for path: '${path.value}': ${err}`);
  }

  private remove(op: Operation): void {
    const path = opPath(op);
    if ('error' in path) throw new OpFailure(`remove operation failed to decode path: ${MISSING}`);
    const at = findObject(this.root, path.value);
    if (!at) throw new OpFailure(`remove operation does not apply: doc is missing path: "${path.value}": ${MISSING}`);
    const err = remove(at.c, at.key);
    if (err) throw new OpFailure(`error in remove for path: '${path.value}': ${err}`);
  }

  private replace(op: Operation): void {
    const path = opPath(op);
    if ('error' in path) throw new OpFailure(`replace operation failed to decode path: ${path.error}`);
    if (path.value === '') {
      const v = opValue(op);
      if (v === undefined) throw new OpFailure('replace of the root without a value dereferences nil', true);
      // Upstream wraps a nil error for scalar values, so replacing the root with one is a silent no-op.
      if (Array.isArray(v) || isObject(v)) this.root = v;
      return;
    }
    const at = findObject(this.root, path.value);
    if (!at) throw new OpFailure(`replace operation does not apply: doc is missing path: ${path.value}: ${MISSING}`);
    if ('error' in get(at.c, at.key)) {
      throw new OpFailure(`replace operation does not apply: doc is missing key: ${path.value}: ${MISSING}`);
    }
    set(at.c, at.key, opValue(op) ?? null);
  }

  private move(op: Operation): void {
    const from = opFrom(op);
    if ('error' in from) throw new OpFailure(`move operation failed to decode from: ${from.error}`);
    const src = findObject(this.root, from.value);
    if (!src) throw new OpFailure(`move operation does not apply: doc is missing from path: ${from.value}: ${MISSING}`);
    const got = get(src.c, src.key);
    if ('error' in got) throw new OpFailure(`error in move for path: '${src.key}': ${got.error}`);
    const removeErr = remove(src.c, src.key);
    if (removeErr) throw new OpFailure(`error in move for path: '${src.key}': ${removeErr}`);
    const path = opPath(op);
    if ('error' in path) throw new OpFailure(`move operation failed to decode path: ${path.error}`);
    const dst = findObject(this.root, path.value);
    if (!dst) throw new OpFailure(`move operation does not apply: doc is missing destination path: ${path.value}: ${MISSING}`);
    const addErr = add(dst.c, dst.key, got.value ?? null);
    if (addErr) throw new OpFailure(`error in move for path: '${path.value}': ${addErr}`);
  }

  private test(op: Operation): void {
    const path = opPath(op);
    if ('error' in path) throw new OpFailure(`test operation failed to decode path: ${path.error}`);
    const hasValue = op !== null && hasKey(op, 'value');
    const expected = hasValue ? op.value! : undefined;
    if (path.value === '') {
      if (!hasValue) throw new OpFailure('test of the root without a value dereferences nil', true);
      if (!this.equal(this.root, expected!)) throw new OpFailure(`testing value ${path.value} failed: ${TEST_FAILED}`);
      return;
    }
    const at = findObject(this.root, path.value);
    if (!at) throw new OpFailure(`test operation does not apply: is missing path: ${path.value}: ${MISSING}`);
    const got = get(at.c, at.key);
    if ('error' in got) throw new OpFailure(`error in test for path: '${path.value}': ${got.error}`);
    const actual = got.value ?? null;
    if (actual === null) {
      // A missing or null value only matches an explicit "value": null; no "value" at all dereferences nil.
      if (!hasValue) throw new OpFailure('test without a value dereferences nil', true);
      if (expected === null) return;
      throw new OpFailure(`testing value ${path.value} failed: ${TEST_FAILED}`);
    }
    if (!hasValue || !this.equal(actual, expected!)) throw new OpFailure(`testing value ${path.value} failed: ${TEST_FAILED}`);
  }

  private copy(op: Operation): void {
    const from = opFrom(op);
    if ('error' in from) throw new OpFailure(`copy operation failed to decode from: ${from.error}`);
    const src = findObject(this.root, from.value);
    if (!src) throw new OpFailure(`copy operation does not apply: doc is missing from path: ${from.value}: ${MISSING}`);
    const got = get(src.c, src.key);
    if ('error' in got) throw new OpFailure(`error in copy for from: '${from.value}': ${got.error}`);
    const path = opPath(op);
    if ('error' in path) throw new OpFailure(`copy operation failed to decode path: ${MISSING}`);
    const dst = findObject(this.root, path.value);
    if (!dst) throw new OpFailure(`copy operation does not apply: doc is missing destination path: ${path.value}: ${MISSING}`);
    const addErr = add(dst.c, dst.key, got.value === undefined ? null : cloneJson(got.value));
    if (addErr) throw new OpFailure(`error while adding value during copy: ${addErr}`);
  }

  private equal(actual: JsonValue, expected: JsonValue): boolean {
    const r = jsonPatchEqual(actual, expected);
    if (r === 'panic') throw new OpFailure('test compared a null with a non-null value (nil dereference)', true);
    return r;
  }
}

/**
 * Applies an RFC 6902 patch (the parsed request body) to `doc`, returning a new document. Throws PatchError:
 * 400 when the body is not a list of operation objects, 413 past 10000 operations, 422 when an operation fails
 * (the library error is in `detail`), 500 (panic) where upstream would panic.
 */
export function applyJsonPatch(doc: JsonValue, ops: unknown, options: JsonPatchOptions = {}): JsonValue {
  const decoded = decodeJsonPatch(ops, options.fieldValidation ?? 'Warn');
  if (!Array.isArray(doc) && !isObject(doc)) throw new TypeError('applyJsonPatch: the document must be a JSON object or array');
  const applier = new Applier(cloneJson(doc));
  try {
    for (const op of decoded) applier.apply(op);
  } catch (e) {
    if (!(e instanceof OpFailure)) throw e;
    throw e.panic ? PatchError.panicked(e.message) : PatchError.invalid(e.message);
  }
  return applier.root;
}
