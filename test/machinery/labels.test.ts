import { describe, expect, it } from 'vitest';
import {
  SelectorParseError,
  labelSelectorAsString,
  newRequirement,
  parseLabelSelector,
  selectorFromLabelSelector,
  selectorFromSet,
  validateAnnotations,
  validateLabelSelector,
  validateLabels,
} from '../../src/machinery/labels.js';

const KEY_REGEX_MSG =
  "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
const VALUE_REGEX_MSG =
  "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";
const SUBDOMAIN_MSG =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const OPS = 'in, notin, =, ==, !=, gt, lt';

function parseError(s: string): string {
  try {
    parseLabelSelector(s);
  } catch (e) {
    expect(e).toBeInstanceOf(SelectorParseError);
    return (e as Error).message;
  }
  throw new Error(`expected ${JSON.stringify(s)} to fail`);
}

describe('parseLabelSelector: round trip (upstream TestSelectorParse)', () => {
  it.each(['x=a,y=b,z=c', '', 'x!=a,y=b', 'x=', 'x= ', 'x=,z= ', 'x= ,z= ', '!x', 'x>1', 'x>1,z<5', 'x==a'])(
    '%j prints back without spaces',
    (s) => {
      expect(parseLabelSelector(s).toString()).toBe(s.replaceAll(' ', ''));
    },
  );

  it('sorts requirements by key so equal selectors print the same', () => {
    expect(parseLabelSelector('x=a,a=x').toString()).toBe('a=x,x=a');
    expect(parseLabelSelector('a=x,x=a').toString()).toBe('a=x,x=a');
  });

  it('empty string selects everything', () => {
    const sel = parseLabelSelector('');
    expect(sel.empty).toBe(true);
    expect(sel.requirements).toEqual([]);
    expect(sel.matches({ any: 'thing' })).toBe(true);
    expect(sel.matches(undefined)).toBe(true);
  });
});

describe('parseLabelSelector: requirements (upstream TestSetSelectorParser)', () => {
  it.each([
    ['\rx', [['x', 'exists', []]], 'x'],
    ['a ', [['a', 'exists', []]], 'a'],
    ['this-is-a-dns.domain.com/key-with-dash', [['this-is-a-dns.domain.com/key-with-dash', 'exists', []]], 'this-is-a-dns.domain.com/key-with-dash'],
    [
      '0.1.2.domain/99 notin (10.10.100.1, tick.tack.clock)',
      [['0.1.2.domain/99', 'notin', ['10.10.100.1', 'tick.tack.clock']]],
      '0.1.2.domain/99 notin (10.10.100.1,tick.tack.clock)',
    ],
    ['foo  in\t (abc)', [['foo', 'in', ['abc']]], 'foo in (abc)'],
    ['x notin\n (abc)', [['x', 'notin', ['abc']]], 'x notin (abc)'],
    ['x  notin\t\t\t(abc,def)', [['x', 'notin', ['abc', 'def']]], 'x notin (abc,def)'],
    ['x in (def,abc,def)', [['x', 'in', ['abc', 'def']]], 'x in (abc,def)'],
    ['x in (abc,)', [['x', 'in', ['', 'abc']]], 'x in (,abc)'],
    ['x in ()', [['x', 'in', ['']]], 'x in ()'],
    ['x notin ( )', [['x', 'notin', ['']]], 'x notin ()'],
    ['x notin (, a)', [['x', 'notin', ['', 'a']]], 'x notin (,a)'],
    ['x in (a,,b)', [['x', 'in', ['', 'a', 'b']]], 'x in (,a,b)'],
    [
      'x notin (abc,def),bar,z in (),w',
      [
        ['bar', 'exists', []],
        ['w', 'exists', []],
        ['x', 'notin', ['abc', 'def']],
        ['z', 'in', ['']],
      ],
      'bar,w,x notin (abc,def),z in ()',
    ],
    ['x,y in (a)', [['x', 'exists', []], ['y', 'in', ['a']]], 'x,y in (a)'],
    ['a in (x,y,notin, z,in)', [['a', 'in', ['in', 'notin', 'x', 'y', 'z']]], 'a in (in,notin,x,y,z)'],
    ['notin=in', [['notin', '=', ['in']]], 'notin=in'],
    ['in in (in)', [['in', 'in', ['in']]], 'in in (in)'],
    ['x=a,y!=b,z in (h,i,j)', [['x', '=', ['a']], ['y', '!=', ['b']], ['z', 'in', ['h', 'i', 'j']]], 'x=a,y!=b,z in (h,i,j)'],
    ['x>1', [['x', 'gt', ['1']]], 'x>1'],
    ['x<7', [['x', 'lt', ['7']]], 'x<7'],
    ['!x,y', [['x', '!', []], ['y', 'exists', []]], '!x,y'],
  ])('%j', (input, reqs, printed) => {
    const sel = parseLabelSelector(input);
    expect(sel.requirements.map((r) => [r.key, r.operator, r.values])).toEqual(reqs);
    expect(sel.toString()).toBe(printed);
    expect(sel.empty).toBe(false);
    // What we print parses back to the same selector.
    expect(parseLabelSelector(printed).toString()).toBe(printed);
  });
});

describe('parseLabelSelector: errors carry upstream text', () => {
  it.each([
    ['x=a||y=b', `unable to parse requirement: values[0][x]: Invalid value: "a||y": ${VALUE_REGEX_MSG}`],
    ['x==a==b', "found '==', expected: ',' or 'end of string'"],
    ['!x=a', "found '=', expected: ',' or 'end of string'"],
    ['x<a', `unable to parse requirement: values[0]: Invalid value: "a": for 'Gt', 'Lt' operators, the value must be an integer`],
    ['environment>qa', `unable to parse requirement: values[0]: Invalid value: "qa": for 'Gt', 'Lt' operators, the value must be an integer`],
    [',x,y', "found ',', expected: !, identifier, or 'end of string'"],
    ['a in (xyz),', "found '', expected: identifier after ','"],
    ['x,,y', "found ',', expected: identifier after ','"],
    ['a in (xyz)b notin ()', "found 'b', expected: ',' or 'end of string'"],
    ['x nott in (y)', `unable to parse requirement: found 'nott', expected: ${OPS}`],
    ['a (', `unable to parse requirement: found '(', expected: ${OPS}`],
    ['x !y', `unable to parse requirement: found '!', expected: ${OPS}`],
    ['(', "found '(', expected: !, identifier, or 'end of string'"],
    ['a in (xyz abc)', "unable to parse requirement: found 'abc', expected: ',' or ')'"],
    ['a notin(', "unable to parse requirement: found '', expected: ',', ')' or identifier"],
    ['a in (x,(', "unable to parse requirement: found '(', expected: ',', or identifier"],
    ['x in', "unable to parse requirement: found '' expected: '('"],
    ['x in a', "unable to parse requirement: found 'a' expected: '('"],
    ['x=(', "unable to parse requirement: found '(', expected: identifier"],
    ['!', "unable to parse requirement: found '', expected: identifier"],
    ['!=a', "found '!=', expected: !, identifier, or 'end of string'"],
    ['!!a', "unable to parse requirement: found '!', expected: identifier"],
    ['app:monolith', `unable to parse requirement: <nil>: Invalid value: "app:monolith": ${KEY_REGEX_MSG}`],
    ['app.kubernetes_io/name=x', `unable to parse requirement: <nil>: Invalid value: "app.kubernetes_io/name": prefix part ${SUBDOMAIN_MSG}`],
    ['a'.repeat(64), `unable to parse requirement: <nil>: Invalid value: "${'a'.repeat(64)}": name part must be no more than 63 characters`],
    // Two failures in one requirement aggregate as [a, b].
    [
      'x>a_',
      `unable to parse requirement: [values[0]: Invalid value: "a_": for 'Gt', 'Lt' operators, the value must be an integer, values[0][x]: Invalid value: "a_": ${VALUE_REGEX_MSG}]`,
    ],
  ])('%j', (input, message) => {
    expect(parseError(input)).toBe(message);
  });
});

describe('LabelSelector.matches (upstream TestSelectorMatches / TestRequirementSelectorMatching)', () => {
  const labelset = { foo: 'bar', baz: 'blah' };
  it.each([
    ['', { x: 'y' }, true],
    ['x=y', { x: 'y' }, true],
    ['x==y', { x: 'y' }, true],
    ['x=y,z=w', { x: 'y', z: 'w' }, true],
    ['x!=y,z!=w', { x: 'z', z: 'a' }, true],
    ['notin=in', { notin: 'in' }, true],
    ['x', { x: 'z' }, true],
    ['x', { x: '' }, true],
    ['!x', { y: 'z' }, true],
    ['x>1', { x: '2' }, true],
    ['x<1', { x: '0' }, true],
    ['x=z', {}, false],
    ['x=y', { x: 'z' }, false],
    ['x=y,z=w', { x: 'w', z: 'w' }, false],
    ['x!=y,z!=w', { x: 'z', z: 'w' }, false],
    ['x', { y: 'z' }, false],
    ['!x', { x: 'z' }, false],
    ['x>1', { x: '0' }, false],
    ['x<1', { x: '2' }, false],
    ['x>1', { x: 'v2' }, false],
    ['x>1', {}, false],
    ['x>5', { x: '+6' }, true],
    ['x>5', { x: '06' }, true],
    ['x>5', { x: ' 6' }, false],
    ['x<5', { x: '-3' }, true],
    ['x>9223372036854775806', { x: '9223372036854775807' }, true],
    ['x>9223372036854775806', { x: '9223372036854775808' }, false],
    ['x<1', { x: '-9223372036854775808' }, true],
    ['x<1', { x: '-9223372036854775809' }, false],
    ['x in (foo)', { x: 'foo', y: 'baz' }, true],
    ['x in (foo),y notin (alpha)', { x: 'foo', y: 'baz' }, true],
    ['x in (foo),y in (alpha)', { x: 'foo', y: 'baz' }, false],
    ['x notin (),y', { y: '' }, true],
    ['x notin ()', { x: '' }, false],
    ['!x,y', { y: '' }, true],
    ['x notin (),!y', { y: '' }, false],
    ['x in ()', { y: 'baz' }, false],
    ['x in ()', { x: '' }, true],
    ['x in (a,b,c,d,e,f,g,h,i,j)', { x: 'j' }, true],
    ['x in (a,b,c,d,e,f,g,h,i,j)', { x: 'k' }, false],
    ['x notin (a,b,c,d,e,f,g,h,i,j)', { x: 'k' }, true],
    ['foo=bar', labelset, true],
    ['baz=blah', labelset, true],
    ['foo=bar,baz=blah', labelset, true],
    ['foo=blah', labelset, false],
    ['baz=bar', labelset, false],
    ['foo=bar,foobar=bar,baz=blah', labelset, false],
    // Inherited object members are not labels.
    ['constructor', {}, false],
    ['!constructor', {}, true],
    ['toString!=x', {}, true],
  ] as const)('%j on %j → %s', (sel, labels, want) => {
    expect(parseLabelSelector(sel).matches(labels)).toBe(want);
  });

  it('treats missing labels as an empty set', () => {
    expect(parseLabelSelector('!x').matches(undefined)).toBe(true);
    expect(parseLabelSelector('x!=y').matches(null)).toBe(true);
    expect(parseLabelSelector('x').matches(undefined)).toBe(false);
    expect(parseLabelSelector('x in (a)').matches(null)).toBe(false);
  });
});

describe('requiresExactMatch', () => {
  it.each([
    ['x=a,y=b', 'x', 'a'],
    ['x==a', 'x', 'a'],
    ['x in (a)', 'x', 'a'],
    ['x in (a,b)', 'x', undefined],
    ['x!=a', 'x', undefined],
    ['y=b', 'x', undefined],
  ])('%j / %s', (sel, key, want) => {
    expect(parseLabelSelector(sel).requiresExactMatch(key)).toBe(want);
  });
});

describe('newRequirement (upstream TestRequirementConstructor)', () => {
  it.each([
    ['x', 'in', ['foo']],
    ['x', 'notin', ['foo']],
    ['x', 'exists', []],
    ['x', '!', []],
    ['1foo', 'in', ['bar']],
    ['1234', 'in', ['bar']],
    ['y', 'gt', ['1']],
    ['z', 'lt', ['6']],
  ] as const)('accepts %s %s %j', (key, op, vals) => {
    expect(newRequirement(key, op, vals)).toEqual({ key, operator: op, values: vals });
  });

  it.each([
    ['x', 'in', [], `values: Invalid value: null: for 'in', 'notin' operators, values set can't be empty`],
    ['x', '=', ['a', 'b'], 'values: Invalid value: ["a","b"]: exact-match compatibility requires one single value'],
    ['x', 'exists', ['a'], 'values: Invalid value: ["a"]: values set must be empty for exists and does not exist'],
    ['foo', 'gt', ['bar'], `values[0]: Invalid value: "bar": for 'Gt', 'Lt' operators, the value must be an integer`],
    ['x', 'lt', ['1', '2'], `values: Invalid value: ["1","2"]: for 'Gt', 'Lt' operators, exactly one value is required`],
    ['a'.repeat(254), 'exists', [], `key: Invalid value: "${'a'.repeat(254)}": name part must be no more than 63 characters`],
  ] as const)('rejects %s %s %j', (key, op, vals, message) => {
    expect(() => newRequirement(key, op, vals)).toThrow(new SelectorParseError(message));
  });
});

describe('selectorFromSet (labels.SelectorFromSet)', () => {
  it('selects exact matches, everything for null/empty', () => {
    expect(selectorFromSet({ b: '2', a: '1' }).toString()).toBe('a=1,b=2');
    expect(selectorFromSet({ a: '1' }).matches({ a: '1', c: '3' })).toBe(true);
    expect(selectorFromSet({ a: '1' }).matches({ a: '2' })).toBe(false);
    expect(selectorFromSet(null).empty).toBe(true);
    expect(selectorFromSet({}).matches({})).toBe(true);
  });
});

describe('selectorFromLabelSelector (metav1.LabelSelectorAsSelector)', () => {
  it('null selects nothing, {} selects everything', () => {
    const none = selectorFromLabelSelector(null);
    expect(none.matches({})).toBe(false);
    expect(none.matches({ a: 'b' })).toBe(false);
    expect(none.empty).toBe(false);
    expect(none.toString()).toBe('');
    expect(selectorFromLabelSelector(undefined).matches({})).toBe(false);

    const all = selectorFromLabelSelector({});
    expect(all.empty).toBe(true);
    expect(all.matches({ a: 'b' })).toBe(true);
    expect(selectorFromLabelSelector({ matchLabels: {}, matchExpressions: [] }).matches({})).toBe(true);
  });

  it('converts matchLabels and every operator', () => {
    const sel = selectorFromLabelSelector({
      matchLabels: { app: 'web' },
      matchExpressions: [
        { key: 'tier', operator: 'In', values: ['b', 'a'] },
        { key: 'env', operator: 'NotIn', values: ['prod'] },
        { key: 'team', operator: 'Exists' },
        { key: 'legacy', operator: 'DoesNotExist', values: [] },
      ],
    });
    expect(sel.toString()).toBe('app=web,env notin (prod),!legacy,team,tier in (a,b)');
    expect(sel.matches({ app: 'web', tier: 'a', team: 'x' })).toBe(true);
    expect(sel.matches({ app: 'web', tier: 'a', team: 'x', env: 'dev' })).toBe(true);
    expect(sel.matches({ app: 'web', tier: 'a', team: 'x', env: 'prod' })).toBe(false);
    expect(sel.matches({ app: 'web', tier: 'c', team: 'x' })).toBe(false);
    expect(sel.matches({ app: 'web', tier: 'a' })).toBe(false);
    expect(sel.matches({ app: 'web', tier: 'a', team: 'x', legacy: '' })).toBe(false);
    expect(sel.matches({ app: 'api', tier: 'a', team: 'x' })).toBe(false);
  });

  it.each([
    [{ matchExpressions: [{ key: 'a', operator: 'Foo' }] }, '"Foo" is not a valid pod selector operator'],
    [{ matchExpressions: [{ key: 'a', operator: 'in', values: ['x'] }] }, '"in" is not a valid pod selector operator'],
    [{ matchExpressions: [{ key: 'a', operator: 'In', values: [] }] }, "values: Invalid value: null: for 'in', 'notin' operators, values set can't be empty"],
    [{ matchExpressions: [{ key: 'a', operator: 'Exists', values: ['x'] }] }, 'values: Invalid value: ["x"]: values set must be empty for exists and does not exist'],
    [{ matchLabels: { 'bad key': 'v' } }, `key: Invalid value: "bad key": ${KEY_REGEX_MSG}`],
    [{ matchLabels: { app: 'bad value' } }, `values[0][app]: Invalid value: "bad value": ${VALUE_REGEX_MSG}`],
  ])('rejects %j', (ls, message) => {
    expect(() => selectorFromLabelSelector(ls)).toThrow(new SelectorParseError(message));
    expect(labelSelectorAsString(ls)).toBe('<error>');
  });

  it('formats like FormatLabelSelector', () => {
    expect(labelSelectorAsString({ matchLabels: { app: 'web' }, matchExpressions: [{ key: 'tier', operator: 'In', values: ['a', 'b'] }] })).toBe(
      'app=web,tier in (a,b)',
    );
    expect(labelSelectorAsString({})).toBe('<none>');
    expect(labelSelectorAsString(null)).toBe('<none>');
    expect(labelSelectorAsString({ matchLabels: { b: '1' }, matchExpressions: [{ key: 'a', operator: 'Exists' }] })).toBe('a,b=1');
  });
});

describe('validateLabels / validateAnnotations', () => {
  it('accepts valid labels', () => {
    expect(validateLabels({ app: 'web', 'example.com/tier': '', 'a.b/C_d-e': 'X.y_z-1' })).toEqual([]);
    expect(validateLabels(undefined)).toEqual([]);
  });

  it('reports bad keys and values at metadata.labels', () => {
    const errs = validateLabels({ 'bad key': 'ok', good: '-bad' });
    expect(errs.map((e) => e.message)).toEqual([
      `metadata.labels: Invalid value: "bad key": ${KEY_REGEX_MSG}`,
      `metadata.labels: Invalid value: "-bad": ${VALUE_REGEX_MSG}`,
    ]);
    expect(errs.every((e) => e.type === 'FieldValueInvalid' && e.field === 'metadata.labels')).toBe(true);
    expect(validateLabels({ x: 'v'.repeat(64) }).map((e) => e.body)).toEqual(['Invalid value: "' + 'v'.repeat(64) + '": must be no more than 63 characters']);
  });

  it('reports a bad key prefix', () => {
    expect(validateLabels({ 'Example.com/x': 'v' }, 'spec.template.metadata.labels').map((e) => e.message)).toEqual([
      `spec.template.metadata.labels: Invalid value: "Example.com/x": prefix part ${SUBDOMAIN_MSG}`,
    ]);
  });

  it('checks annotation keys case-insensitively', () => {
    expect(validateAnnotations({ 'Example.COM/Foo': 'anything at all, even , = spaces' })).toEqual([]);
    expect(validateAnnotations({ 'a/b/c': 'x' }).map((e) => e.message)).toEqual([
      "metadata.annotations: Invalid value: \"a/b/c\": a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')",
    ]);
  });

  it('limits annotations to 262144 bytes in total', () => {
    expect(validateAnnotations({ a: 'x'.repeat(262143) })).toEqual([]);
    const errs = validateAnnotations({ a: 'x'.repeat(262144) });
    expect(errs.map((e) => [e.type, e.message])).toEqual([
      ['FieldValueTooLong', 'metadata.annotations: Too long: must have at most 262144 bytes'],
    ]);
    // Bytes, not UTF-16 units: 131072 two-byte characters plus a 1-byte key is over the limit.
    expect(validateAnnotations({ a: 'é'.repeat(131072) })).toHaveLength(1);
    expect(validateAnnotations({ a: 'é'.repeat(131071) })).toEqual([]);
  });
});

describe('validateLabelSelector (metav1 ValidateLabelSelector)', () => {
  it('reports operator/values mismatches and bad keys', () => {
    const errs = validateLabelSelector(
      {
        matchLabels: { app: 'web' },
        matchExpressions: [
          { key: 'a', operator: 'In', values: [] },
          { key: 'b', operator: 'Exists', values: ['x'] },
          { key: 'bad key', operator: 'Nope' },
        ],
      },
      'spec.selector',
    );
    expect(errs.map((e) => e.message)).toEqual([
      "spec.selector.matchExpressions[0].values: Required value: must be specified when `operator` is 'In' or 'NotIn'",
      "spec.selector.matchExpressions[1].values: Forbidden: may not be specified when `operator` is 'Exists' or 'DoesNotExist'",
      'spec.selector.matchExpressions[2].operator: Invalid value: "Nope": not a valid selector operator',
      `spec.selector.matchExpressions[2].key: Invalid value: "bad key": ${KEY_REGEX_MSG}`,
    ]);
    expect(validateLabelSelector(null, 'spec.selector')).toEqual([]);
  });
});
