// RFC 6902 JSON patch with evanphx/json-patch v4 semantics and kube-apiserver's status codes.

import { describe, expect, it } from 'vitest';
import { applyJsonPatch, MAX_JSON_PATCH_OPERATIONS } from '../../../src/machinery/patch/json-patch.js';
import { INVALID_REQUEST_MESSAGE, PANIC_MESSAGE, PatchError } from '../../../src/machinery/patch/errors.js';
import type { JsonValue } from '../../../src/machinery/patch/json.js';
import { deepFreeze } from './k8s-fixtures.js';

function fail(doc: JsonValue, ops: unknown, validation?: 'Ignore' | 'Warn' | 'Strict'): PatchError {
  try {
    applyJsonPatch(doc, ops, validation ? { fieldValidation: validation } : {});
  } catch (e) {
    if (e instanceof PatchError) return e;
    throw e;
  }
  throw new Error('expected a PatchError');
}

interface Ok {
  name: string;
  doc: JsonValue;
  ops: unknown[];
  want: JsonValue;
}

// RFC 6902 appendix A examples (those the library implements) and library-specific behaviour.
const OK: Ok[] = [
  { name: 'A.1 add an object member', doc: { foo: 'bar' }, ops: [{ op: 'add', path: '/baz', value: 'qux' }], want: { foo: 'bar', baz: 'qux' } },
  { name: 'A.2 add an array element', doc: { foo: ['bar', 'baz'] }, ops: [{ op: 'add', path: '/foo/1', value: 'qux' }], want: { foo: ['bar', 'qux', 'baz'] } },
  { name: 'A.3 remove an object member', doc: { baz: 'qux', foo: 'bar' }, ops: [{ op: 'remove', path: '/baz' }], want: { foo: 'bar' } },
  { name: 'A.4 remove an array element', doc: { foo: ['bar', 'qux', 'baz'] }, ops: [{ op: 'remove', path: '/foo/1' }], want: { foo: ['bar', 'baz'] } },
  { name: 'A.5 replace a value', doc: { baz: 'qux', foo: 'bar' }, ops: [{ op: 'replace', path: '/baz', value: 'boo' }], want: { baz: 'boo', foo: 'bar' } },
  {
    name: 'A.6 move a value',
    doc: { foo: { bar: 'baz', waldo: 'fred' }, qux: { corge: 'grault' } },
    ops: [{ op: 'move', from: '/foo/waldo', path: '/qux/thud' }],
    want: { foo: { bar: 'baz' }, qux: { corge: 'grault', thud: 'fred' } },
  },
  { name: 'A.7 move an array element', doc: { foo: ['all', 'grass', 'cows', 'eat'] }, ops: [{ op: 'move', from: '/foo/1', path: '/foo/3' }], want: { foo: ['all', 'cows', 'eat', 'grass'] } },
  {
    name: 'A.8 test a value: success',
    doc: { baz: 'qux', foo: ['a', 2, 'c'] },
    ops: [
      { op: 'test', path: '/baz', value: 'qux' },
      { op: 'test', path: '/foo/1', value: 2 },
    ],
    want: { baz: 'qux', foo: ['a', 2, 'c'] },
  },
  { name: 'A.10 add a nested member object', doc: { foo: 'bar' }, ops: [{ op: 'add', path: '/child', value: { grandchild: {} } }], want: { foo: 'bar', child: { grandchild: {} } } },
  { name: 'A.11 unrecognized operation members are ignored', doc: { foo: 'bar' }, ops: [{ op: 'add', path: '/baz', value: 'qux', xyz: 123 }], want: { foo: 'bar', baz: 'qux' } },
  { name: 'A.14 ~ escapes', doc: { '/': 9, '~1': 10 }, ops: [{ op: 'test', path: '/~01', value: 10 }], want: { '/': 9, '~1': 10 } },
  { name: 'A.16 add an array value', doc: { foo: ['bar'] }, ops: [{ op: 'add', path: '/foo/-', value: ['abc', 'def'] }], want: { foo: ['bar', ['abc', 'def']] } },
  { name: 'add with ~1 in a label key', doc: { metadata: { labels: {} } }, ops: [{ op: 'add', path: '/metadata/labels/app.kubernetes.io~1name', value: 'x' }], want: { metadata: { labels: { 'app.kubernetes.io/name': 'x' } } } },
  { name: 'add replaces an existing member', doc: { a: 1 }, ops: [{ op: 'add', path: '/a', value: 2 }], want: { a: 2 } },
  { name: 'add without a value adds null', doc: { a: 1 }, ops: [{ op: 'add', path: '/b' }], want: { a: 1, b: null } },
  { name: 'add at the end index', doc: { a: [1, 2] }, ops: [{ op: 'add', path: '/a/2', value: 3 }], want: { a: [1, 2, 3] } },
  { name: 'negative index counts from the end (add)', doc: { a: [1, 2] }, ops: [{ op: 'add', path: '/a/-1', value: 9 }], want: { a: [1, 2, 9] } },
  { name: 'negative index counts from the end (remove)', doc: { a: [1, 2, 3] }, ops: [{ op: 'remove', path: '/a/-1' }], want: { a: [1, 2] } },
  { name: 'replace of a missing key adds it', doc: { a: 1 }, ops: [{ op: 'replace', path: '/b', value: 2 }], want: { a: 1, b: 2 } },
  { name: 'replace the root with an object', doc: { a: 1 }, ops: [{ op: 'replace', path: '', value: { b: 2 } }], want: { b: 2 } },
  { name: 'replace the root with a scalar is a no-op', doc: { a: 1 }, ops: [{ op: 'replace', path: '', value: 5 }], want: { a: 1 } },
  { name: 'copy deep-copies', doc: { a: { b: [1] } }, ops: [{ op: 'copy', from: '/a', path: '/c' }, { op: 'add', path: '/c/b/-', value: 2 }], want: { a: { b: [1] }, c: { b: [1, 2] } } },
  { name: 'copy from a missing key copies null', doc: { a: {} }, ops: [{ op: 'copy', from: '/a/x', path: '/y' }], want: { a: {}, y: null } },
  { name: 'test of a missing key against null passes', doc: { a: {} }, ops: [{ op: 'test', path: '/a/x', value: null }], want: { a: {} } },
  { name: 'test compares objects one-sidedly', doc: { a: { x: 1 } }, ops: [{ op: 'test', path: '/a', value: { x: 1, extra: 2 } }], want: { a: { x: 1 } } },
  { name: 'first path segment need not be empty', doc: { a: 1 }, ops: [{ op: 'replace', path: 'ignored/a', value: 2 }], want: { a: 2 } },
  { name: 'a null body is an empty patch', doc: { a: 1 }, ops: null as unknown as unknown[], want: { a: 1 } },
  {
    name: 'kubectl patch --type=json on a deployment',
    doc: { spec: { template: { spec: { containers: [{ name: 'web', image: 'nginx', args: ['a'] }] } } } },
    ops: [
      { op: 'replace', path: '/spec/template/spec/containers/0/image', value: 'nginx:1.26' },
      { op: 'add', path: '/spec/template/spec/containers/0/args/-', value: '--v=2' },
    ],
    want: { spec: { template: { spec: { containers: [{ name: 'web', image: 'nginx:1.26', args: ['a', '--v=2'] }] } } } },
  },
];

interface Bad {
  name: string;
  doc: JsonValue;
  ops: unknown;
  detail: string;
}

// Operation failures: 422 with the fixed message; the library error is kept in `detail`.
const BAD: Bad[] = [
  { name: 'A.9 test a value: error', doc: { baz: 'qux' }, ops: [{ op: 'test', path: '/baz', value: 'bar' }], detail: 'testing value /baz failed: test failed' },
  { name: 'A.12 add to a nonexistent target', doc: { foo: 'bar' }, ops: [{ op: 'add', path: '/baz/bat', value: 'qux' }], detail: 'add operation does not apply: doc is missing path: "/baz/bat": missing value' },
  { name: 'A.15 comparing strings and numbers', doc: { '/': 9, '~1': 10 }, ops: [{ op: 'test', path: '/~01', value: '10' }], detail: 'testing value /~01 failed: test failed' },
  { name: 'missing spec path', doc: { spec: {} }, ops: [{ op: 'add', path: '/spec/foo/bar', value: 1 }], detail: 'add operation does not apply: doc is missing path: "/spec/foo/bar": missing value' },
  { name: 'add at the root', doc: { a: 1 }, ops: [{ op: 'add', path: '', value: {} }], detail: 'add operation does not apply: doc is missing path: "": missing value' },
  { name: 'add with a bad index', doc: { a: [] }, ops: [{ op: 'add', path: '/a/x', value: 1 }], detail: `error in add for path: '/a/x': value was not a proper array index: 'x': strconv.Atoi: parsing "x": invalid syntax` },
  { name: 'add past the end', doc: { a: [1] }, ops: [{ op: 'add', path: '/a/5', value: 1 }], detail: "error in add for path: '/a/5': Unable to access invalid index: 5: invalid index referenced" },
  { name: 'remove a missing key', doc: { metadata: { labels: {} } }, ops: [{ op: 'remove', path: '/metadata/labels/x' }], detail: "error in remove for path: '/metadata/labels/x': Unable to remove nonexistent key: x: missing value" },
  { name: 'remove with "-"', doc: { a: [1] }, ops: [{ op: 'remove', path: '/a/-' }], detail: `error in remove for path: '/a/-': strconv.Atoi: parsing "-": invalid syntax` },
  { name: 'remove past the end', doc: { a: [1] }, ops: [{ op: 'remove', path: '/a/1' }], detail: "error in remove for path: '/a/1': Unable to access invalid index: 1: invalid index referenced" },
  { name: 'replace past the end', doc: { a: [1] }, ops: [{ op: 'replace', path: '/a/9', value: 1 }], detail: 'replace operation does not apply: doc is missing key: /a/9: missing value' },
  { name: 'replace under a missing parent', doc: {}, ops: [{ op: 'replace', path: '/a/b', value: 1 }], detail: 'replace operation does not apply: doc is missing path: /a/b: missing value' },
  { name: 'replace without a path', doc: {}, ops: [{ op: 'replace', value: 1 }], detail: 'replace operation failed to decode path: operation missing path field: missing value' },
  { name: 'move from a missing parent', doc: {}, ops: [{ op: 'move', from: '/x/y', path: '/z' }], detail: 'move operation does not apply: doc is missing from path: /x/y: missing value' },
  { name: 'move a missing key', doc: { a: {} }, ops: [{ op: 'move', from: '/a/b', path: '/c' }], detail: "error in move for path: 'b': Unable to remove nonexistent key: b: missing value" },
  { name: 'move without from', doc: {}, ops: [{ op: 'move', path: '/c' }], detail: 'move operation failed to decode from: operation, missing from field: missing value' },
  { name: 'copy to a missing parent', doc: { a: 1 }, ops: [{ op: 'copy', from: '/a', path: '/x/y' }], detail: 'copy operation does not apply: doc is missing destination path: /x/y: missing value' },
  { name: 'test under a missing parent', doc: {}, ops: [{ op: 'test', path: '/a/b', value: 1 }], detail: 'test operation does not apply: is missing path: /a/b: missing value' },
  { name: 'test with a bad index', doc: { a: [] }, ops: [{ op: 'test', path: '/a/0', value: 1 }], detail: "error in test for path: '/a/0': Unable to access invalid index: 0: invalid index referenced" },
  { name: 'test a present value without "value"', doc: { a: 1 }, ops: [{ op: 'test', path: '/a' }], detail: 'testing value /a failed: test failed' },
  { name: 'test the root', doc: { a: 1 }, ops: [{ op: 'test', path: '', value: {} }], detail: 'testing value  failed: test failed' },
  { name: 'unknown operation', doc: {}, ops: [{ op: 'merge', path: '/a' }], detail: 'Unexpected kind: merge' },
  { name: 'operation without op', doc: {}, ops: [{ path: '/a' }], detail: 'Unexpected kind: unknown' },
  { name: 'null operation', doc: {}, ops: [null], detail: 'Unexpected kind: unknown' },
];

describe('JSON patch: operations', () => {
  for (const c of OK) {
    it(c.name, () => {
      expect(applyJsonPatch(c.doc, c.ops)).toEqual(c.want);
    });
  }
  for (const c of BAD) {
    it(`fails: ${c.name}`, () => {
      const err = fail(c.doc, c.ops);
      expect(err.code).toBe(422);
      expect(err.reason).toBe('Invalid');
      expect(err.message).toBe(INVALID_REQUEST_MESSAGE);
      expect(err.detail).toBe(c.detail);
    });
  }
});

describe('JSON patch: atomicity, purity and status', () => {
  it('a failing operation leaves the document untouched', () => {
    const doc = deepFreeze({ metadata: { labels: { a: '1' } }, spec: { replicas: 1 } });
    const err = fail(doc, [
      { op: 'add', path: '/metadata/labels/b', value: '2' },
      { op: 'replace', path: '/spec/replicas', value: 3 },
      { op: 'test', path: '/spec/replicas', value: 1 },
    ]);
    expect(err.detail).toBe('testing value /spec/replicas failed: test failed');
    expect(doc).toEqual({ metadata: { labels: { a: '1' } }, spec: { replicas: 1 } });
  });

  it('returns a new document and copies inserted values', () => {
    const doc = deepFreeze({ a: { b: 1 } });
    const value = { deep: [1] };
    const out = applyJsonPatch(doc, [{ op: 'add', path: '/c', value }]) as { a: unknown; c: { deep: number[] } };
    expect(out).not.toBe(doc);
    expect(out.a).not.toBe(doc.a);
    out.c.deep.push(2);
    expect(value.deep).toEqual([1]);
  });

  it('the 422 Status matches the apiserver body', () => {
    expect(fail({}, [{ op: 'remove', path: '/x' }]).toStatus()).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'the server rejected our request due to an error in our request',
      reason: 'Invalid',
      details: {},
      code: 422,
    });
  });

  it('inputs where upstream panics answer the plain-text 500', () => {
    const err = fail({ a: { b: null } }, [{ op: 'test', path: '/a', value: { b: 1 } }]);
    expect(err.code).toBe(500);
    expect(err.panic).toBe(true);
    expect(err.message).toBe(PANIC_MESSAGE);
    expect(fail({ a: 1 }, [{ op: 'test', path: '/b' }]).panic).toBe(true);
  });
});

describe('JSON patch: decoding the body', () => {
  it('a body that is not an array is a 400 (strict decode under the default Warn validation)', () => {
    const err = fail({}, { op: 'add', path: '/a', value: 1 });
    expect(err.code).toBe(400);
    expect(err.reason).toBe('BadRequest');
    expect(err.message).toBe('error decoding patch: json: cannot unmarshal object into Go value of type []handlers.jsonPatchOp');
    expect(err.toStatus()).toEqual({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: err.message, reason: 'BadRequest', code: 400 });
  });

  it('with fieldValidation=Ignore the message is jsonpatch.DecodePatch\'s', () => {
    expect(fail({}, { op: 'add' }, 'Ignore').message).toBe('json: cannot unmarshal object into Go value of type jsonpatch.Patch');
    expect(fail({}, [1], 'Ignore').message).toBe('json: cannot unmarshal number into Go value of type jsonpatch.Operation');
  });

  it('operation elements and fields must have the right JSON types', () => {
    expect(fail({}, ['add']).message).toBe('error decoding patch: json: cannot unmarshal string into Go value of type handlers.jsonPatchOp');
    expect(fail({}, [{ op: 'add', path: 7, value: 1 }]).message).toBe(
      'error decoding patch: json: cannot unmarshal number into Go struct field jsonPatchOp.path of type string',
    );
    expect(fail({}, [{ OP: true }], 'Strict').message).toBe('error decoding patch: json: cannot unmarshal bool into Go struct field jsonPatchOp.op of type string');
    // Without the strict decode the same operation reaches the library.
    const ignored = fail({}, [{ op: 'add', path: 7, value: 1 }], 'Ignore');
    expect(ignored.code).toBe(422);
    expect(ignored.detail).toBe('add operation failed to decode path: missing value');
  });

  it('more than 10000 operations is a 413', () => {
    const ops = Array.from({ length: MAX_JSON_PATCH_OPERATIONS + 1 }, () => ({ op: 'test', path: '/a', value: 1 }));
    const err = fail({ a: 1 }, ops);
    expect(err.code).toBe(413);
    expect(err.message).toBe('Request entity too large: The allowed maximum operations in a JSON patch is 10000, got 10001');
    expect(applyJsonPatch({ a: 1 }, ops.slice(1))).toEqual({ a: 1 });
  });
});
