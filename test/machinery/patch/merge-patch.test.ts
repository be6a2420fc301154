// JSON merge patch: RFC 7386 appendix A, plus the evanphx/json-patch and apiserver specifics.

import { describe, expect, it } from 'vitest';
import { applyMergePatch, BAD_MERGE_PATCH_MESSAGE } from '../../../src/machinery/patch/merge-patch.js';
import { PatchError } from '../../../src/machinery/patch/errors.js';
import type { JsonValue } from '../../../src/machinery/patch/json.js';
import { deepFreeze } from './k8s-fixtures.js';

function fail(doc: JsonValue, patch: unknown, ignore = false): PatchError {
  try {
    applyMergePatch(doc, patch, ignore ? { fieldValidation: 'Ignore' } : {});
  } catch (e) {
    if (e instanceof PatchError) return e;
    throw e;
  }
  throw new Error('expected a PatchError');
}

// RFC 7386 appendix A. The array-body examples run with fieldValidation=Ignore: under the default (Warn) the
// apiserver rejects any body that is not a JSON object before merging.
const RFC: Array<{ original: JsonValue; patch: JsonValue; result: JsonValue; ignore?: true }> = [
  { original: { a: 'b' }, patch: { a: 'c' }, result: { a: 'c' } },
  { original: { a: 'b' }, patch: { b: 'c' }, result: { a: 'b', b: 'c' } },
  { original: { a: 'b' }, patch: { a: null }, result: {} },
  { original: { a: 'b', b: 'c' }, patch: { a: null }, result: { b: 'c' } },
  { original: { a: ['b'] }, patch: { a: 'c' }, result: { a: 'c' } },
  { original: { a: 'c' }, patch: { a: ['b'] }, result: { a: ['b'] } },
  { original: { a: { b: 'c' } }, patch: { a: { b: 'd', c: null } }, result: { a: { b: 'd' } } },
  { original: { a: [{ b: 'c' }] }, patch: { a: [1] }, result: { a: [1] } },
  { original: ['a', 'b'], patch: ['c', 'd'], result: ['c', 'd'], ignore: true },
  { original: { a: 'b' }, patch: ['c'], result: ['c'], ignore: true },
  { original: { e: null }, patch: { a: 1 }, result: { e: null, a: 1 } },
  { original: [1, 2], patch: { a: 'b', c: null }, result: { a: 'b' } },
  { original: {}, patch: { a: { bb: { ccc: null } } }, result: { a: { bb: {} } } },
];

describe('merge patch: RFC 7386 appendix A', () => {
  RFC.forEach((c, i) => {
    it(`example ${i + 1}: ${JSON.stringify(c.original)} + ${JSON.stringify(c.patch)}`, () => {
      expect(applyMergePatch(c.original, c.patch, c.ignore ? { fieldValidation: 'Ignore' } : {})).toEqual(c.result);
    });
  });

  it('examples whose patch is not an object are 400s on the apiserver', () => {
    // RFC: {"a":"foo"} + null -> null, {"a":"foo"} + "bar" -> "bar"; evanphx rejects both as "Invalid JSON Patch".
    expect(fail({ a: 'foo' }, null).message).toBe(BAD_MERGE_PATCH_MESSAGE);
    expect(fail({ a: 'foo' }, 'bar', true).message).toBe(BAD_MERGE_PATCH_MESSAGE);
    const strict = fail({ a: 'foo' }, 'bar');
    expect(strict.code).toBe(400);
    expect(strict.message).toBe('error decoding patch: json: cannot unmarshal string into Go value of type map[string]interface {}');
    expect(fail({}, ['c']).message).toBe('error decoding patch: json: cannot unmarshal array into Go value of type map[string]interface {}');
  });
});

describe('merge patch: kubernetes usage and library details', () => {
  it('kubectl label / annotate', () => {
    const pod = { metadata: { name: 'p', labels: { app: 'x' } }, spec: { containers: [{ name: 'c' }] } };
    expect(applyMergePatch(pod, { metadata: { labels: { env: 'dev' } } })).toEqual({
      metadata: { name: 'p', labels: { app: 'x', env: 'dev' } },
      spec: { containers: [{ name: 'c' }] },
    });
    expect(applyMergePatch(pod, { metadata: { annotations: { note: 'hello' } } })).toEqual({
      metadata: { name: 'p', labels: { app: 'x' }, annotations: { note: 'hello' } },
      spec: { containers: [{ name: 'c' }] },
    });
  });

  it('kubectl scale on the scale subresource', () => {
    const scale = { kind: 'Scale', apiVersion: 'autoscaling/v1', spec: { replicas: 1 }, status: { replicas: 1, selector: 'app=d' } };
    expect(applyMergePatch(scale, { spec: { replicas: 3 } })).toEqual({ ...scale, spec: { replicas: 3 } });
  });

  it('lists are replaced wholesale (no merge by key)', () => {
    const d: JsonValue = { spec: { containers: [{ name: 'a', image: 'x' }, { name: 'b' }] } };
    expect(applyMergePatch(d, { spec: { containers: [{ name: 'a', image: 'y' }] } })).toEqual({ spec: { containers: [{ name: 'a', image: 'y' }] } });
  });

  it('nulls inside objects in a newly stored list are pruned, null items are kept', () => {
    expect(applyMergePatch({}, { a: [{ b: null, c: 1 }, null] })).toEqual({ a: [{ c: 1 }, null] });
  });

  it('a non-object value replacing an object is stored verbatim', () => {
    expect(applyMergePatch({ a: { x: 1 } }, { a: [{ b: null }] })).toEqual({ a: [{ b: null }] });
  });

  it('null where the document has null is a deletion', () => {
    expect(applyMergePatch({ a: null, b: 1 }, { a: null })).toEqual({ b: 1 });
  });

  it('never mutates its inputs', () => {
    const doc = deepFreeze({ a: { b: 1 }, l: [1] });
    const patch = deepFreeze({ a: { c: 2 }, n: { x: null, y: 1 } });
    const out = applyMergePatch(doc, patch) as { a: object; n: object };
    expect(out).toEqual({ a: { b: 1, c: 2 }, l: [1], n: { y: 1 } });
    expect(out.a).not.toBe(doc.a);
    expect(out.n).not.toBe(patch.n);
  });
});
