import { describe, expect, it } from 'vitest';
import {
  SelectorParseError,
  checkFieldSelectorSupported,
  escapeFieldValue,
  parseFieldSelector,
  unescapeFieldValue,
} from '../../src/machinery/fields.js';

function parseError(s: string): string {
  try {
    parseFieldSelector(s);
  } catch (e) {
    expect(e).toBeInstanceOf(SelectorParseError);
    return (e as Error).message;
  }
  throw new Error(`expected ${JSON.stringify(s)} to fail`);
}

describe('parseFieldSelector: terms', () => {
  it.each([
    ['a=b', [['a', '=', 'b']], 'a=b'],
    ['a==b', [['a', '=', 'b']], 'a=b'],
    ['a!=b', [['a', '!=', 'b']], 'a!=b'],
    ['x=a,y=b,z=c', [['x', '=', 'a'], ['y', '=', 'b'], ['z', '=', 'c']], 'x=a,y=b,z=c'],
    // Terms are sorted before parsing, so order does not matter.
    ['z=c,x=a,y!=b', [['x', '=', 'a'], ['y', '!=', 'b'], ['z', '=', 'c']], 'x=a,y!=b,z=c'],
    ['involvedObject.namespace=', [['involvedObject.namespace', '=', '']], 'involvedObject.namespace='],
    ['spec.nodeName!=', [['spec.nodeName', '!=', '']], 'spec.nodeName!='],
    ['a=b,,c=d', [['a', '=', 'b'], ['c', '=', 'd']], 'a=b,c=d'],
    ['=b', [['', '=', 'b']], '=b'],
    // No whitespace trimming upstream.
    ['metadata.name = foo', [['metadata.name ', '=', ' foo']], 'metadata.name = foo'],
    // Escapes: \, \= \\ are data.
    ['a=\\,', [['a', '=', ',']], 'a=\\,'],
    ['a=\\=b', [['a', '=', '=b']], 'a=\\=b'],
    ['a=\\\\', [['a', '=', '\\']], 'a=\\\\'],
    ['a=x\\,y,b=z', [['a', '=', 'x,y'], ['b', '=', 'z']], 'a=x\\,y,b=z'],
    ['a=x\\\\,b=z', [['a', '=', 'x\\'], ['b', '=', 'z']], 'a=x\\\\,b=z'],
    // The first operator splits: the field cannot contain '=' or '!='.
    ['a!b=c', [['a!b', '=', 'c']], 'a!b=c'],
    ['metadata.name=ünïcode', [['metadata.name', '=', 'ünïcode']], 'metadata.name=ünïcode'],
  ])('%j', (input, reqs, printed) => {
    const sel = parseFieldSelector(input);
    expect(sel.requirements.map((r) => [r.field, r.op, r.value])).toEqual(reqs);
    expect(sel.empty).toBe(false);
    expect(sel.toString()).toBe(printed);
    expect(parseFieldSelector(printed).requirements).toEqual(sel.requirements);
  });

  it.each(['', ',', ',,'])('%j selects everything', (input) => {
    const sel = parseFieldSelector(input);
    expect(sel.empty).toBe(true);
    expect(sel.requirements).toEqual([]);
    expect(sel.toString()).toBe('');
    expect(sel.matches({})).toBe(true);
  });
});

describe('parseFieldSelector: errors carry upstream text', () => {
  it.each([
    ['a', "invalid selector: 'a'; can't understand 'a'"],
    ['a=b,c', "invalid selector: 'a=b,c'; can't understand 'c'"],
    ['a=b,c<d', "invalid selector: 'a=b,c<d'; can't understand 'c<d'"],
    ['a=b=c', 'invalid field selector: unescaped character in value: 61'],
    ['a!==b', 'invalid field selector: unescaped character in value: 61'],
    ['a=\\x', 'invalid field selector: invalid escape sequence: \\x'],
    ['a=\\!', 'invalid field selector: invalid escape sequence: \\!'],
    ['a=b\\', 'invalid field selector: invalid escape sequence: \\'],
    // Sorted first: "a=b=c" is examined before "c".
    ['c,a=b=c', 'invalid field selector: unescaped character in value: 61'],
  ])('%j', (input, message) => {
    expect(parseError(input)).toBe(message);
  });
});

describe('FieldSelector.matches', () => {
  it.each([
    ['a=b', { a: 'b' }, true],
    ['a=b', { a: 'c' }, false],
    ['a=b', {}, false],
    ['a==b', { a: 'b' }, true],
    ['a!=b', { a: 'c' }, true],
    ['a!=b', {}, true],
    ['a!=b', { a: 'b' }, false],
    ['a=', {}, true],
    ['a=', { a: '' }, true],
    ['a=', { a: 'x' }, false],
    ['a!=', {}, false],
    ['a!=', { a: 'x' }, true],
    ['a=b,c=d', { a: 'b', c: 'd' }, true],
    ['a=b,c=d', { a: 'b', c: 'x' }, false],
    ['a=b,c!=d', { a: 'b' }, true],
    ['a=x\\,y', { a: 'x,y' }, true],
    ['constructor=', {}, true],
  ] as const)('%j on %j → %s', (sel, fields, want) => {
    expect(parseFieldSelector(sel).matches(fields)).toBe(want);
  });
});

describe('valueFor (RequiresExactMatch)', () => {
  it('returns the value of an = term only', () => {
    const sel = parseFieldSelector('spec.nodeName!=n1,metadata.name==foo,status.phase=');
    expect(sel.valueFor('metadata.name')).toBe('foo');
    expect(sel.valueFor('status.phase')).toBe('');
    expect(sel.valueFor('spec.nodeName')).toBeUndefined();
    expect(sel.valueFor('metadata.namespace')).toBeUndefined();
  });
});

describe('escapeFieldValue / unescapeFieldValue', () => {
  it.each(['plain', '', 'a,b', 'a=b', 'back\\slash', '\\,=\\=,', 'ünï,cöde'])('%j round-trips', (v) => {
    const escaped = escapeFieldValue(v);
    expect(unescapeFieldValue(escaped)).toBe(v);
    const sel = parseFieldSelector(`f=${escaped}`);
    expect(sel.requirements[0]!.value).toBe(v);
    expect(sel.matches({ f: v })).toBe(true);
  });

  it('escapes exactly backslash, comma and equals', () => {
    expect(escapeFieldValue('a\\b,c=d!e')).toBe('a\\\\b\\,c\\=d!e');
  });
});

describe('checkFieldSelectorSupported', () => {
  const podFields = ['metadata.name', 'metadata.namespace', 'spec.nodeName', 'status.phase'];

  it('accepts supported fields and the empty selector', () => {
    expect(() => checkFieldSelectorSupported(parseFieldSelector('spec.nodeName=n1,status.phase!=Running'), podFields)).not.toThrow();
    expect(() => checkFieldSelectorSupported(parseFieldSelector(''), [])).not.toThrow();
  });

  it('uses the per-kind conversion message by default', () => {
    expect(() => checkFieldSelectorSupported(parseFieldSelector('spec.foo=x'), podFields)).toThrow(
      new SelectorParseError('field label not supported: spec.foo'),
    );
    // Whitespace is not trimmed, so a padded field is unsupported.
    expect(() => checkFieldSelectorSupported(parseFieldSelector('metadata.name =x'), podFields)).toThrow(
      new SelectorParseError('field label not supported: metadata.name '),
    );
  });

  it('uses the default metav1 conversion message for kinds without one', () => {
    expect(() =>
      checkFieldSelectorSupported(parseFieldSelector('spec.foo=x'), ['metadata.name', 'metadata.namespace'], 'default'),
    ).toThrow(new SelectorParseError('"spec.foo" is not a known field selector: only "metadata.name", "metadata.namespace"'));
  });

  it('reports the first unsupported term in sorted order', () => {
    expect(() => checkFieldSelectorSupported(parseFieldSelector('zzz=1,aaa=2,metadata.name=x'), podFields)).toThrow(
      new SelectorParseError('field label not supported: aaa'),
    );
  });
});
