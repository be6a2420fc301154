import { describe, expect, it } from 'vitest';
import {
  type FieldError,
  duplicate,
  forbidden,
  formatInvalidMessage,
  invalid,
  isDNS1035Label,
  isDNS1123Label,
  isDNS1123Subdomain,
  isQualifiedName,
  isValidLabelValue,
  isValidPathSegmentName,
  notSupported,
  required,
  tooLong,
  typeInvalid,
  validateObjectMeta,
  validateObjectMetaName,
  validateObjectMetaUpdate,
} from '../../src/machinery/validation.js';

const SUBDOMAIN_MSG =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const LABEL_MSG =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
const LABEL1035_MSG =
  "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')";
const NAME_PART_MSG =
  "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
const VALUE_MSG =
  "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";

const messages = (errs: FieldError[]) => errs.map((e) => e.message);

describe('isDNS1123Subdomain (upstream TestIsDNS1123Subdomain)', () => {
  it.each([
    'a', 'ab', 'abc', 'a1', 'a-1', 'a--1--2--b', '0', '01', '012', '1a', '1-a', '1--a--b--2',
    'a.a', 'ab.a', 'abc.a', 'a1.a', 'a-1.a', 'a--1--2--b.a', 'a.1', 'ab.1', '0.a', '01.a', '1a.a', '1--a--b--2',
    'a.b.c.d.e', 'aa.bb.cc.dd.ee', '1.2.3.4.5', '11.22.33.44.55', 'a'.repeat(253),
  ])('accepts %j', (v) => {
    expect(isDNS1123Subdomain(v)).toEqual([]);
  });

  it.each([
    '', 'A', 'ABC', 'aBc', 'A1', 'A-1', '1-A', '-', 'a-', '-a', '1-', '-1', '_', 'a_', '_a', 'a_b', '1_', '_1', '1_2',
    '.', 'a.', '.a', 'a..b', '1.', '.1', '1..2', ' ', 'a ', ' a', 'a b', '1 ', ' 1', '1 2', 'A.a', 'aB.a', 'ab.A',
    'A1.a', 'a1.A', 'A.1', 'aB.1', 'A1.1', '1A.1', '0.A', '01.A', '012.A', '1A.a', '1a.A', 'A.B.C.D.E', 'a@b', 'a,b',
    'a;b', 'a:b', 'a%b', 'a?b', 'a$b', 'ä', 'a\nb',
  ])('rejects %j with the regex message', (v) => {
    expect(isDNS1123Subdomain(v)).toEqual([SUBDOMAIN_MSG]);
  });

  it('reports the length in bytes', () => {
    expect(isDNS1123Subdomain('a'.repeat(254))).toEqual(['must be no more than 253 characters']);
    expect(isDNS1123Subdomain('A'.repeat(254))).toEqual(['must be no more than 253 characters', SUBDOMAIN_MSG]);
    expect(isDNS1123Subdomain('é'.repeat(127))).toEqual(['must be no more than 253 characters', SUBDOMAIN_MSG]);
  });
});

describe('isDNS1123Label / isDNS1035Label', () => {
  it.each(['a', 'ab', 'abc', 'a1', 'a-1', 'a--1--2--b', '0', '01', '012', '1a', '1-a', '1--a--b--2', 'a'.repeat(63)])(
    'DNS-1123 label accepts %j',
    (v) => expect(isDNS1123Label(v)).toEqual([]),
  );

  it.each(['', 'A', 'ABC', 'aBc', '-', 'a-', '-a', '_', 'a_b', ' ', 'a b', 'a@b', 'a.'])('DNS-1123 label rejects %j', (v) => {
    expect(isDNS1123Label(v)).toEqual([LABEL_MSG]);
  });

  it('says "must not contain dots" for a valid subdomain', () => {
    expect(isDNS1123Label('a.b')).toEqual(['must not contain dots']);
    expect(isDNS1123Label('a'.repeat(64))).toEqual(['must be no more than 63 characters']);
  });

  it.each(['a', 'ab', 'abc', 'a1', 'a-1', 'a--1--2--b', 'abc-123', 'a'.repeat(63)])('DNS-1035 accepts %j', (v) => {
    expect(isDNS1035Label(v)).toEqual([]);
  });

  it.each(['0', '01', '1a', '1-a', '', 'A', '-', 'a-', 'a.b', 'a_b'])('DNS-1035 rejects %j', (v) => {
    expect(isDNS1035Label(v)).toEqual([LABEL1035_MSG]);
  });

  it('DNS-1035 length', () => {
    expect(isDNS1035Label('a'.repeat(64))).toEqual(['must be no more than 63 characters']);
  });
});

describe('isValidPathSegmentName', () => {
  it.each([
    ['ok', []],
    ['', []],
    ['Mixed_Case and spaces', []],
    ['.', ["may not be '.'"]],
    ['..', ["may not be '..'"]],
    ['...', []],
    ['a/b', ["may not contain '/'"]],
    ['a%b', ["may not contain '%'"]],
    ['a/%', ["may not contain '/'", "may not contain '%'"]],
  ])('%j', (v, want) => {
    expect(isValidPathSegmentName(v)).toEqual(want);
  });
});

describe('isQualifiedName (upstream TestIsQualifiedName)', () => {
  it.each([
    'simple', 'now-with-dashes', '1-starts-with-num', '1234', 'simple/simple', 'now-with-dashes/simple',
    'now-with-dashes/now-with-dashes', 'now.with.dots/simple', 'now-with.dashes-and.dots/simple', '1-num.2-num/3-num',
    '1234/5678', '1.2.3.4/5678', 'Uppercase_Is_OK_123', 'example.com/Uppercase_Is_OK_123', 'requests.storage-foo',
    'a'.repeat(63), 'a'.repeat(253) + '/' + 'b'.repeat(63),
  ])('accepts %j', (v) => {
    expect(isQualifiedName(v)).toEqual([]);
  });

  it.each([
    ['nospecialchars%^=@', [NAME_PART_MSG]],
    ['cantendwithadash-', [NAME_PART_MSG]],
    ['-cantstartwithadash-', [NAME_PART_MSG]],
    ['Example.com/abc', ['prefix part ' + SUBDOMAIN_MSG]],
    ['example_com/abc', ['prefix part ' + SUBDOMAIN_MSG]],
    ['/simple', ['prefix part must be non-empty']],
    ['example.com/', ['name part must be non-empty', NAME_PART_MSG]],
    ['a'.repeat(64), ['name part must be no more than 63 characters']],
    ['a'.repeat(254) + '/abc', ['prefix part must be no more than 253 characters']],
    [
      'only/one/slash',
      [
        "a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')",
      ],
    ],
  ])('rejects %j', (v, want) => {
    expect(isQualifiedName(v)).toEqual(want);
  });
});

describe('isValidLabelValue (upstream TestIsValidLabelValue)', () => {
  it.each(['simple', 'now-with-dashes', '1-starts-with-num', 'end-with-num-1', '1234', 'a'.repeat(63), ''])('accepts %j', (v) => {
    expect(isValidLabelValue(v)).toEqual([]);
  });

  it.each([
    'nospecialchars%^=@', 'Tama-nui-te-rā.is.Māori.sun', '\\backslashes\\are\\bad', '-starts-with-dash', 'ends-with-dash-',
    '.starts.with.dot', 'ends.with.dot.', 'a b',
  ])('rejects %j', (v) => {
    expect(isValidLabelValue(v)).toEqual([VALUE_MSG]);
  });

  it('limits to 63 bytes', () => {
    expect(isValidLabelValue('a'.repeat(64))).toEqual(['must be no more than 63 characters']);
  });
});

describe('field errors format like field.Error', () => {
  it.each([
    [required('metadata.name', 'name or generateName is required'), 'FieldValueRequired', 'metadata.name: Required value: name or generateName is required'],
    [required('metadata.namespace'), 'FieldValueRequired', 'metadata.namespace: Required value'],
    [invalid('metadata.name', 'Foo', SUBDOMAIN_MSG), 'FieldValueInvalid', `metadata.name: Invalid value: "Foo": ${SUBDOMAIN_MSG}`],
    [invalid('metadata.generation', -1, 'must be greater than or equal to 0'), 'FieldValueInvalid', 'metadata.generation: Invalid value: -1: must be greater than or equal to 0'],
    [invalid('spec.paused', true, 'nope'), 'FieldValueInvalid', 'spec.paused: Invalid value: true: nope'],
    [invalid('spec.x', null, 'missing'), 'FieldValueInvalid', 'spec.x: Invalid value: null: missing'],
    [invalid('spec.list', ['a', 'b'], 'bad'), 'FieldValueInvalid', 'spec.list: Invalid value: ["a","b"]: bad'],
    [invalid('spec.obj', { a: '<b>' }, 'bad'), 'FieldValueInvalid', 'spec.obj: Invalid value: {"a":"\\u003cb\\u003e"}: bad'],
    [invalid('spec.s', 'q"b\\s\n\t\u0007', 'x'), 'FieldValueInvalid', 'spec.s: Invalid value: "q\\"b\\\\s\\n\\t\\a": x'],
    [invalid('spec.s', 'rā\u00a0\u200b😀', 'x'), 'FieldValueInvalid', 'spec.s: Invalid value: "rā\\u00a0\\u200b😀": x'],
    [typeInvalid('spec.replicas', 'three', 'must be an integer'), 'FieldValueTypeInvalid', 'spec.replicas: Invalid value: "three": must be an integer'],
    [forbidden('metadata.namespace', 'not allowed on this type'), 'FieldValueForbidden', 'metadata.namespace: Forbidden: not allowed on this type'],
    [notSupported('spec.foo', 'x', ['a', 'b']), 'FieldValueNotSupported', 'spec.foo: Unsupported value: "x": supported values: "a", "b"'],
    [notSupported('spec.foo', 'x', []), 'FieldValueNotSupported', 'spec.foo: Unsupported value: "x"'],
    [tooLong('metadata.annotations', 262144), 'FieldValueTooLong', 'metadata.annotations: Too long: must have at most 262144 bytes'],
    [duplicate('spec.ports[1].name', 'http'), 'FieldValueDuplicate', 'spec.ports[1].name: Duplicate value: "http"'],
  ])('%#', (err, type, message) => {
    expect(err.type).toBe(type);
    expect(err.message).toBe(message);
    expect(err.body).toBe(message.slice(err.field.length + 2));
  });

  it('keeps detail and value separately', () => {
    const e = invalid('metadata.name', 'Foo', 'why');
    expect(e).toMatchObject({ field: 'metadata.name', detail: 'why', value: 'Foo' });
    expect(required('x').detail).toBe('');
    expect('value' in required('x')).toBe(false);
  });
});

describe('formatInvalidMessage (apierrors.NewInvalid)', () => {
  const e1 = invalid('metadata.name', 'Foo', SUBDOMAIN_MSG);
  const e2 = required('spec.containers', '');
  it('prints one error bare', () => {
    expect(formatInvalidMessage('Pod', 'Foo', [e1])).toBe(`Pod "Foo" is invalid: metadata.name: Invalid value: "Foo": ${SUBDOMAIN_MSG}`);
  });
  it('brackets several errors and drops duplicates', () => {
    expect(formatInvalidMessage('Deployment.apps', 'web', [e1, e2, e1])).toBe(
      `Deployment.apps "web" is invalid: [${e1.message}, spec.containers: Required value]`,
    );
    expect(formatInvalidMessage('Pod', 'x', [e2, e2])).toBe('Pod "x" is invalid: spec.containers: Required value');
  });
  it('quotes the name like Go %q and prints an empty list as <nil>', () => {
    expect(formatInvalidMessage('ConfigMap', 'a"b', [])).toBe('ConfigMap "a\\"b" is invalid: <nil>');
  });
});

describe('validateObjectMetaName', () => {
  it.each([
    ['foo', 'subdomain', false, []],
    ['foo.bar', 'subdomain', false, []],
    ['foo.bar', 'label', false, ['must not contain dots']],
    ['1abc', 'label1035', false, [LABEL1035_MSG]],
    ['Foo', 'subdomain', false, [SUBDOMAIN_MSG]],
    ['Any Thing', 'path-segment', false, []],
    ['..', 'path-segment', false, ["may not be '..'"]],
    // generateName prefixes: a trailing '-' is allowed (upstream masks the last two characters with "a").
    ['foo-', 'subdomain', true, []],
    ['foo-', 'label', true, []],
    ['foo-', 'label1035', true, []],
    ['-', 'subdomain', true, []],
    ['foo--', 'label', true, []],
    // The quirk is observable: the character before the dash is dropped, so these prefixes pass upstream.
    ['ab_-', 'subdomain', true, []],
    ['a.-', 'label', true, []],
    ['foo-', 'subdomain', false, [SUBDOMAIN_MSG]],
    ['Foo-', 'subdomain', true, [SUBDOMAIN_MSG]],
    ['1ab-', 'label1035', true, [LABEL1035_MSG]],
    ['..', 'path-segment', true, []],
    ['a/', 'path-segment', true, ["may not contain '/'"]],
  ] as const)('%j (%s, prefix=%s)', (name, rule, prefix, want) => {
    expect(validateObjectMetaName(name, rule, prefix)).toEqual(want);
  });
});

describe('validateObjectMeta (create)', () => {
  const ns = { namespaced: true, nameRule: 'subdomain' } as const;

  it('accepts a complete valid object', () => {
    expect(
      validateObjectMeta(
        {
          name: 'web-1',
          namespace: 'default',
          generation: 1,
          labels: { app: 'web' },
          annotations: { 'example.com/note': 'hi' },
          ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web', uid: 'u1', controller: true }],
          finalizers: ['example.com/cleanup', 'foregroundDeletion'],
          managedFields: [{ manager: 'kubectl', operation: 'Apply', fieldsType: 'FieldsV1' }],
        },
        ns,
      ),
    ).toEqual([]);
    expect(validateObjectMeta({ name: 'node-1' }, { namespaced: false, nameRule: 'subdomain' })).toEqual([]);
  });

  it('requires a name', () => {
    const errs = validateObjectMeta({ namespace: 'default' }, ns);
    expect(messages(errs)).toEqual(['metadata.name: Required value: name or generateName is required']);
    expect(errs[0]).toMatchObject({ type: 'FieldValueRequired', field: 'metadata.name', body: 'Required value: name or generateName is required' });
    expect(messages(validateObjectMeta(undefined, { namespaced: false, nameRule: 'label' }))).toEqual([
      'metadata.name: Required value: name or generateName is required',
    ]);
  });

  it('validates generateName as a prefix and name with the rule', () => {
    expect(messages(validateObjectMeta({ generateName: 'Web-', namespace: 'default' }, ns))).toEqual([
      `metadata.generateName: Invalid value: "Web-": ${SUBDOMAIN_MSG}`,
      'metadata.name: Required value: name or generateName is required',
    ]);
    expect(messages(validateObjectMeta({ name: 'Foo', namespace: 'default' }, ns))).toEqual([
      `metadata.name: Invalid value: "Foo": ${SUBDOMAIN_MSG}`,
    ]);
    expect(messages(validateObjectMeta({ name: 'a.b' }, { namespaced: false, nameRule: 'label' }))).toEqual([
      'metadata.name: Invalid value: "a.b": must not contain dots',
    ]);
  });

  it('requires or forbids the namespace', () => {
    expect(messages(validateObjectMeta({ name: 'a' }, ns))).toEqual(['metadata.namespace: Required value']);
    expect(messages(validateObjectMeta({ name: 'a', namespace: 'Bad_NS' }, ns))).toEqual([
      `metadata.namespace: Invalid value: "Bad_NS": ${LABEL_MSG}`,
    ]);
    const errs = validateObjectMeta({ name: 'a', namespace: 'default' }, { namespaced: false, nameRule: 'subdomain' });
    expect(messages(errs)).toEqual(['metadata.namespace: Forbidden: not allowed on this type']);
    expect(errs[0]!.type).toBe('FieldValueForbidden');
  });

  it('rejects a negative generation', () => {
    expect(messages(validateObjectMeta({ name: 'a', namespace: 'd', generation: -1 }, ns))).toEqual([
      'metadata.generation: Invalid value: -1: must be greater than or equal to 0',
    ]);
  });

  it('validates labels and annotations', () => {
    expect(messages(validateObjectMeta({ name: 'a', namespace: 'd', labels: { k: 'bad value' }, annotations: { 'a/b/c': '' } }, ns))).toEqual([
      `metadata.labels: Invalid value: "bad value": ${VALUE_MSG}`,
      expect.stringMatching(/^metadata\.annotations: Invalid value: "a\/b\/c": a qualified name must consist/),
    ]);
  });

  it('validates owner references', () => {
    expect(messages(validateObjectMeta({ name: 'a', namespace: 'd', ownerReferences: [{}] }, ns))).toEqual([
      'metadata.ownerReferences.apiVersion: Invalid value: "": version must not be empty',
      'metadata.ownerReferences.kind: Invalid value: "": must not be empty',
      'metadata.ownerReferences.name: Invalid value: "": must not be empty',
      'metadata.ownerReferences.uid: Invalid value: "": must not be empty',
    ]);
    for (const apiVersion of ['apps/', 'a/b/c', '/']) {
      expect(messages(validateObjectMeta({ name: 'a', namespace: 'd', ownerReferences: [{ apiVersion, kind: 'K', name: 'n', uid: 'u' }] }, ns))).toEqual([
        `metadata.ownerReferences.apiVersion: Invalid value: "${apiVersion}": version must not be empty`,
      ]);
    }
    const event = validateObjectMeta({ name: 'a', namespace: 'd', ownerReferences: [{ apiVersion: 'v1', kind: 'Event', name: 'e', uid: 'u' }] }, ns);
    expect(event.map((e) => [e.field, e.detail])).toEqual([['metadata.ownerReferences', '/v1, Kind=Event is disallowed from being an owner']]);
    // events.k8s.io Events are not banned.
    expect(validateObjectMeta({ name: 'a', namespace: 'd', ownerReferences: [{ apiVersion: 'events.k8s.io/v1', kind: 'Event', name: 'e', uid: 'u' }] }, ns)).toEqual([]);
  });

  it('allows at most one controller reference', () => {
    const refs = [
      { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'a', uid: '1', controller: true },
      { apiVersion: 'v1', kind: 'Pod', name: 'p', uid: '2', controller: false },
      { apiVersion: 'apps/v1', kind: 'Deployment', name: 'b', uid: '3', controller: true },
    ];
    const errs = validateObjectMeta({ name: 'a', namespace: 'd', ownerReferences: refs }, ns);
    expect(errs).toHaveLength(1);
    expect(errs[0]!.field).toBe('metadata.ownerReferences');
    expect(errs[0]!.detail).toBe('Only one reference can have Controller set to true. Found "true" in references for ReplicaSet/a and Deployment/b');
    expect(errs[0]!.message).toBe(`metadata.ownerReferences: Invalid value: ${JSON.stringify(refs)}: ${errs[0]!.detail}`);
  });

  it('validates finalizers', () => {
    expect(messages(validateObjectMeta({ name: 'a', namespace: 'd', finalizers: ['bad finalizer'] }, ns))).toEqual([
      `metadata.finalizers: Invalid value: "bad finalizer": ${NAME_PART_MSG}`,
    ]);
    expect(messages(validateObjectMeta({ name: 'a', namespace: 'd', finalizers: ['orphan', 'foregroundDeletion'] }, ns))).toEqual([
      'metadata.finalizers: Invalid value: ["orphan","foregroundDeletion"]: finalizer orphan and foregroundDeletion cannot be both set',
    ]);
  });

  it('validates managed fields', () => {
    const errs = validateObjectMeta(
      {
        name: 'a',
        namespace: 'd',
        managedFields: [
          { manager: 'k\u0007x', operation: 'Bogus', fieldsType: 'FieldsV2' },
          { manager: 'm'.repeat(129), operation: 'Update', subresource: 's'.repeat(257) },
        ],
      },
      ns,
    );
    expect(messages(errs)).toEqual([
      'metadata.managedFields[0].operation: Invalid value: "Bogus": must be `Apply` or `Update`',
      'metadata.managedFields[0].fieldsType: Invalid value: "FieldsV2": must be `FieldsV1`',
      'metadata.managedFields[0].manager: Invalid value: "k\\ax": invalid character U+0007 (at position 1)',
      'metadata.managedFields[1].manager: Too long: must have at most 128 bytes',
      'metadata.managedFields[1].subresource: Too long: must have at most 256 bytes',
    ]);
  });

  it('reports errors in upstream order', () => {
    const errs = validateObjectMeta({ name: 'Bad', generation: -2, labels: { '-x': 'y' }, finalizers: ['-f'] }, ns);
    expect(errs.map((e) => e.field)).toEqual([
      'metadata.name',
      'metadata.namespace',
      'metadata.generation',
      'metadata.labels',
      'metadata.finalizers',
    ]);
  });
});

describe('validateObjectMetaUpdate', () => {
  const old = {
    name: 'a',
    namespace: 'd',
    uid: 'u1',
    resourceVersion: '5',
    generation: 2,
    creationTimestamp: '2024-01-01T00:00:00Z',
    finalizers: ['x/y'],
  };

  it('accepts an unchanged identity', () => {
    expect(validateObjectMetaUpdate({ ...old, labels: { new: 'label' }, generation: 3 }, old)).toEqual([]);
    // Same instant, different spelling.
    expect(validateObjectMetaUpdate({ ...old, creationTimestamp: '2024-01-01T00:00:00+00:00' }, old)).toEqual([]);
  });

  it.each([
    [{ name: 'b' }, 'metadata.name: Invalid value: "b": field is immutable'],
    [{ namespace: 'e' }, 'metadata.namespace: Invalid value: "e": field is immutable'],
    [{ uid: 'u2' }, 'metadata.uid: Invalid value: "u2": field is immutable'],
    [{ uid: undefined }, 'metadata.uid: Invalid value: "": field is immutable'],
    [{ creationTimestamp: '2024-01-02T00:00:00Z' }, 'metadata.creationTimestamp: Invalid value: "2024-01-02T00:00:00Z": field is immutable'],
    [{ creationTimestamp: null }, 'metadata.creationTimestamp: Invalid value: null: field is immutable'],
    [{ deletionTimestamp: '2024-02-01T00:00:00Z' }, 'metadata.deletionTimestamp: Invalid value: "2024-02-01T00:00:00Z": field is immutable'],
    [{ deletionGracePeriodSeconds: 30 }, 'metadata.deletionGracePeriodSeconds: Invalid value: 30: field is immutable'],
    [{ generation: 1 }, 'metadata.generation: Invalid value: 1: must not be decremented'],
    [{ resourceVersion: '' }, 'metadata.resourceVersion: Invalid value: "": must be specified for an update'],
    [{ labels: { k: '-v' } }, `metadata.labels: Invalid value: "-v": ${VALUE_MSG}`],
  ])('%j', (change, message) => {
    expect(messages(validateObjectMetaUpdate({ ...old, ...change }, old))).toEqual([message]);
  });

  it('forbids new finalizers only while the object is being deleted', () => {
    const deleting = { ...old, deletionTimestamp: '2024-02-01T00:00:00Z', deletionGracePeriodSeconds: 0 };
    expect(messages(validateObjectMetaUpdate({ ...deleting, finalizers: ['x/y', 'b/b', 'a/a', 'a/a'] }, deleting))).toEqual([
      'metadata.finalizers: Forbidden: no new finalizers can be added if the object is being deleted, found new finalizers []string{"a/a", "b/b"}',
    ]);
    expect(validateObjectMetaUpdate({ ...deleting, finalizers: [] }, deleting)).toEqual([]);
    expect(validateObjectMetaUpdate({ ...old, finalizers: ['x/y', 'b/b'] }, old)).toEqual([]);
  });
});
