// Custom resource schemas: value validation with upstream causes, formats, defaulting, pruning, CEL rules (with
// transition rules and messageExpression), printer-column JSONPath and table cells.
import { describe, expect, it } from 'vitest';
import { findResults, printValue } from '../../src/crd/jsonpath.js';
import { cellFor, customTable } from '../../src/crd/printer.js';
import { validateCel } from '../../src/crd/schema/cel.js';
import { applyDefaults } from '../../src/crd/schema/defaults.js';
import { prune } from '../../src/crd/schema/prune.js';
import type { JSONSchemaProps } from '../../src/crd/schema/types.js';
import { validateValue } from '../../src/crd/schema/validate.js';
import type { FieldError } from '../../src/machinery/validation.js';

function errs(schema: JSONSchemaProps, value: unknown): string[] {
  const out: FieldError[] = [];
  validateValue(schema, value, '', out);
  return out.map((e) => e.message);
}

const obj = (properties: Record<string, JSONSchemaProps>, extra: JSONSchemaProps = {}): JSONSchemaProps => ({ type: 'object', properties: { spec: { type: 'object', properties, ...extra } } });

describe('validateValue', () => {
  it('checks types like kube-openapi', () => {
    expect(errs(obj({ n: { type: 'integer' } }), { spec: { n: 'x' } })).toEqual(['spec.n: Invalid value: "string": spec.n in body must be of type integer: "string"']);
    expect(errs(obj({ n: { type: 'integer' } }), { spec: { n: 1.5 } })).toEqual(['spec.n: Invalid value: "number": spec.n in body must be of type integer: "number"']);
    expect(errs(obj({ n: { type: 'number' } }), { spec: { n: 2 } })).toEqual([]);
    expect(errs(obj({ s: { type: 'string' } }), { spec: { s: null } })).toEqual(['spec.s: Invalid value: "null": spec.s in body must be of type string: "null"']);
    expect(errs(obj({ s: { type: 'string', nullable: true } }), { spec: { s: null } })).toEqual([]);
    expect(errs(obj({ p: { 'x-kubernetes-int-or-string': true } }), { spec: { p: 'http' } })).toEqual([]);
    expect(errs(obj({ p: { 'x-kubernetes-int-or-string': true } }), { spec: { p: 80 } })).toEqual([]);
    expect(errs(obj({ p: { 'x-kubernetes-int-or-string': true } }), { spec: { p: [] } })).toEqual(['spec.p: Invalid value: "array": spec.p in body must be of type integer,string: "array"']);
  });

  it('checks value constraints', () => {
    const s = obj({
      mode: { type: 'string', enum: ['a', 'b'] },
      n: { type: 'integer', minimum: 1, maximum: 5, exclusiveMaximum: true },
      name: { type: 'string', minLength: 2, maxLength: 4, pattern: '^[a-z]+$' },
      list: { type: 'array', minItems: 1, maxItems: 2, items: { type: 'string' } },
      m: { type: 'number', multipleOf: 0.5 },
    });
    expect(errs(s, { spec: { mode: 'c', n: 5, name: 'ABCDEF', list: ['a', 'b', 'c'], m: 0.3 } })).toEqual([
      'spec.list: Too many: 3: must have at most 2 items',
      'spec.m: Invalid value: 0.3: spec.m in body should be a multiple of 0.5',
      'spec.mode: Unsupported value: "c": supported values: "a", "b"',
      'spec.n: Invalid value: 5: spec.n in body should be less than 5',
      'spec.name: Too long: must have at most 4 bytes',
      `spec.name: Invalid value: "ABCDEF": spec.name in body should match '^[a-z]+$'`,
    ]);
    expect(errs(s, { spec: { n: 0, name: 'a', list: [] } })).toEqual([
      'spec.list: Invalid value: 0: spec.list in body should have at least 1 items',
      'spec.n: Invalid value: 0: spec.n in body should be greater than or equal to 1',
      'spec.name: Invalid value: "a": spec.name in body should be at least 2 chars long',
    ]);
  });

  it('checks required fields, nested lists and formats', () => {
    const s = obj({ items: { type: 'array', items: { type: 'object', required: ['name'], properties: { name: { type: 'string' }, at: { type: 'string', format: 'date-time' } } } } }, { required: ['items'] });
    expect(errs(s, { spec: {} })).toEqual(['spec.items: Required value']);
    expect(errs(s, { spec: { items: [{ name: 'a', at: '2024-01-01T00:00:00Z' }, { at: 'yesterday' }] } })).toEqual([
      'spec.items[1].name: Required value',
      'spec.items[1].at: Invalid value: "yesterday": spec.items[1].at in body must be of type date-time: "yesterday"',
    ]);
    const f = (format: string, v: string) => errs(obj({ x: { type: 'string', format } }), { spec: { x: v } }).length === 0;
    expect([f('int32', 'x'), f('byte', 'aGVsbG8='), f('byte', 'not base64!'), f('uuid', '6ba7b810-9dad-11d1-80b4-00c04fd430c8'), f('ipv4', '10.0.0.1'), f('ipv4', '10.0.0.256'), f('cidr', '10.0.0.0/8'), f('date', '2024-02-30')]).toEqual([true, true, false, true, true, false, true, false]);
  });

  it('reports duplicates in set and map lists', () => {
    const s = obj({ set: { type: 'array', 'x-kubernetes-list-type': 'set', items: { type: 'string' } }, map: { type: 'array', 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['k'], items: { type: 'object', properties: { k: { type: 'string' } } } } });
    expect(errs(s, { spec: { set: ['a', 'a'], map: [{ k: 'x' }, { k: 'x' }] } })).toEqual(['spec.map[1]: Duplicate value: map[string]interface {}{"k":"x"}', 'spec.set[1]: Duplicate value: "a"']);
  });

  it('requires kind and apiVersion of embedded resources', () => {
    const s = obj({ tpl: { type: 'object', 'x-kubernetes-embedded-resource': true, 'x-kubernetes-preserve-unknown-fields': true } });
    expect(errs(s, { spec: { tpl: { metadata: {} } } })).toEqual(['spec.tpl.kind: Required value', 'spec.tpl.apiVersion: Required value']);
  });
});

describe('defaulting and pruning', () => {
  const schema: JSONSchemaProps = {
    type: 'object',
    properties: {
      spec: {
        type: 'object',
        properties: {
          replicas: { type: 'integer', default: 1 },
          template: { type: 'object', default: {}, properties: { image: { type: 'string', default: 'nginx' }, pull: { type: 'string' } } },
          ports: { type: 'array', items: { type: 'object', properties: { protocol: { type: 'string', default: 'TCP' }, port: { type: 'integer' } } } },
          labels: { type: 'object', additionalProperties: { type: 'string' } },
          free: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true, properties: { known: { type: 'object', properties: { a: { type: 'string' } } } } },
          opt: { type: 'string' },
          embedded: { type: 'object', 'x-kubernetes-embedded-resource': true, properties: { spec: { type: 'object', properties: { x: { type: 'string' } } } } },
        },
      },
    },
  };

  it('applies defaults recursively, including inside defaulted objects and list items', () => {
    const o: any = { spec: { ports: [{ port: 80 }], opt: null } };
    applyDefaults(schema, o);
    expect(o.spec).toEqual({ replicas: 1, template: { image: 'nginx' }, ports: [{ port: 80, protocol: 'TCP' }] });
  });

  it('prunes unknown fields, keeping preserved ones, metadata and embedded resource type fields', () => {
    const o: any = {
      apiVersion: 'x/v1',
      kind: 'X',
      metadata: { name: 'a', bogus: 1 },
      top: 1,
      spec: {
        replicas: 2,
        unknown: true,
        ports: [{ port: 1, x: 1 }],
        labels: { a: 'b' },
        free: { anything: { deep: 1 }, known: { a: 'x', b: 'y' } },
        embedded: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { x: 'a', y: 'b' }, other: 1 },
      },
    };
    expect(prune(schema, o)).toEqual(['metadata.bogus', 'top', 'spec.unknown', 'spec.ports[0].x', 'spec.free.known.b', 'spec.embedded.spec.y', 'spec.embedded.other']);
    expect(o.spec.free).toEqual({ anything: { deep: 1 }, known: { a: 'x' } });
    expect(o.spec.embedded).toEqual({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { x: 'a' } });
  });
});

describe('CEL validation rules', () => {
  const run = (schema: JSONSchemaProps, value: unknown, old?: unknown) => {
    const out: FieldError[] = [];
    validateCel(schema, value, old, old !== undefined, '', out);
    return out.map((e) => e.message);
  };
  const rules = (r: object[], props: Record<string, JSONSchemaProps> = { a: { type: 'integer' }, b: { type: 'integer' }, s: { type: 'string' }, l: { type: 'array', items: { type: 'string' } } }) =>
    obj(props, { 'x-kubernetes-validations': r as never });

  it('evaluates rules with self and reports the message or the rule', () => {
    const s = rules([{ rule: 'self.a < self.b', message: 'a must be less than b' }, { rule: 'self.s.startsWith("x")' }]);
    expect(run(s, { spec: { a: 1, b: 2, s: 'xy' } })).toEqual([]);
    expect(run(s, { spec: { a: 3, b: 2, s: 'y' } })).toEqual(['spec: Invalid value: "object": a must be less than b', 'spec: Invalid value: "object": failed rule: self.s.startsWith("x")']);
  });

  it('supports macros, has(), size and list functions', () => {
    const s = rules([{ rule: "self.l.all(x, x.matches('^[a-z]+$')) && size(self.l) <= 3" }, { rule: '!has(self.s) || self.s.size() > 1' }, { rule: 'self.l.isSorted()' }]);
    expect(run(s, { spec: { l: ['a', 'b'] } })).toEqual([]);
    expect(run(s, { spec: { l: ['b', 'A'], s: 'x' } }).length).toBe(3);
  });

  it('uses messageExpression, reason and fieldPath', () => {
    const s = rules([{ rule: 'self.a <= 10', messageExpression: "'a is ' + string(self.a) + ', the limit is 10'", reason: 'FieldValueForbidden', fieldPath: '.a' }]);
    expect(run(s, { spec: { a: 11 } })).toEqual(['spec.a: Forbidden: a is 11, the limit is 10']);
  });

  it('runs transition rules only on updates with a correlated old value', () => {
    const s = obj({ name: { type: 'string', 'x-kubernetes-validations': [{ rule: 'self == oldSelf', message: 'is immutable' }] } });
    expect(run(s, { spec: { name: 'a' } })).toEqual([]);
    expect(run(s, { spec: { name: 'b' } }, { spec: { name: 'a' } })).toEqual(['spec.name: Invalid value: "string": is immutable']);
    expect(run(s, { spec: { name: 'b' } }, { spec: {} })).toEqual([]);
    const list = obj({
      items: {
        type: 'array',
        'x-kubernetes-list-type': 'map',
        'x-kubernetes-list-map-keys': ['k'],
        items: { type: 'object', properties: { k: { type: 'string' }, v: { type: 'integer', 'x-kubernetes-validations': [{ rule: 'self >= oldSelf', message: 'may not decrease' }] } } },
      },
    });
    expect(run(list, { spec: { items: [{ k: 'b', v: 1 }, { k: 'a', v: 1 }] } }, { spec: { items: [{ k: 'a', v: 2 }] } })).toEqual(['spec.items[1].v: Invalid value: "integer": may not decrease']);
  });

  it('reports runtime errors like cel-go', () => {
    const s = rules([{ rule: 'self.missing > 1' }]);
    expect(run(s, { spec: { a: 1 } })).toEqual(['spec: Invalid value: "object": no such key: missing']);
  });

  it('compares timestamps of date-time fields', () => {
    const s = obj({ start: { type: 'string', format: 'date-time' }, end: { type: 'string', format: 'date-time' } }, { 'x-kubernetes-validations': [{ rule: 'self.start < self.end', message: 'start must precede end' }] });
    expect(run(s, { spec: { start: '2024-01-02T00:00:00Z', end: '2024-01-01T00:00:00Z' } })).toEqual(['spec: Invalid value: "object": start must precede end']);
  });
});

describe('printer columns', () => {
  const o = {
    metadata: { name: 'x', creationTimestamp: '2024-01-01T00:00:00Z' },
    spec: { replicas: 3, ratio: 0.5, on: true, 'dotted.key': 'v', map: { b: 2, a: 'x' }, list: ['a', 'b'] },
    status: { conditions: [{ type: 'Synced', status: 'False' }, { type: 'Ready', status: 'True', message: 'ok' }] },
  };

  it('evaluates the JSONPath subset', () => {
    expect(findResults('.spec.replicas', o)).toEqual([3]);
    expect(findResults('.status.conditions[?(@.type=="Ready")].status', o)).toEqual(['True']);
    expect(findResults(".status.conditions[?(@.type!='Ready')].type", o)).toEqual(['Synced']);
    expect(findResults('.status.conditions[-1].message', o)).toEqual(['ok']);
    expect(findResults('.status.conditions[*].type', o)).toEqual(['Synced', 'Ready']);
    expect(findResults(".spec['dotted.key']", o)).toEqual(['v']);
    expect(findResults('{.spec.list[0]}', o)).toEqual(['a']);
    expect(findResults('..message', o)).toEqual(['ok']);
    expect(findResults('.spec.nothing', o)).toEqual([]);
    expect(printValue(o.spec.map)).toBe('map[a:x b:2]');
    expect(printValue(o.spec.list)).toBe('[a b]');
  });

  it('formats cells by type', () => {
    const now = Date.parse('2024-01-01T00:05:00Z');
    expect(cellFor('integer', 3.7, now)).toBe(3);
    expect(cellFor('number', 2, now)).toBe(2);
    expect(cellFor('boolean', 'yes', now)).toBe(null);
    expect(cellFor('date', '2024-01-01T00:00:00Z', now)).toBe('5m');
    expect(cellFor('string', { a: 1 }, now)).toBe('map[a:1]');
    const t = customTable([
      { name: 'Replicas', type: 'integer', jsonPath: '.spec.replicas' },
      { name: 'Ready', type: 'string', jsonPath: '.status.conditions[?(@.type=="Ready")].status', priority: 1 },
      { name: 'Missing', type: 'string', jsonPath: '.spec.missing' },
    ]);
    expect(t.columns.map((c) => [c.name, c.priority])).toEqual([['Name', 0], ['Replicas', 0], ['Ready', 1], ['Missing', 0]]);
    expect(t.cells(o, now)).toEqual(['x', 3, 'True', null]);
    expect(customTable(undefined).cells(o, now)).toEqual(['x', '5m']);
  });
});

describe('optionalOldSelf', () => {
  it('runs with optional.none() where there is no old value', () => {
    const s: JSONSchemaProps = {
      type: 'object',
      properties: { v: { type: 'integer', 'x-kubernetes-validations': [{ rule: '!oldSelf.hasValue() || self >= oldSelf.value()', message: 'may not decrease', optionalOldSelf: true }] } },
    };
    const run = (value: unknown, old: unknown, hasOld: boolean, optionalWithoutOld: boolean) => {
      const out: FieldError[] = [];
      validateCel(s, value, old, hasOld, '', out, { optionalWithoutOld });
      return out.map((e) => e.message);
    };
    expect(run({ v: 1 }, undefined, false, true)).toEqual([]);
    expect(run({ v: 1 }, { v: 2 }, true, true)).toEqual(['v: Invalid value: "integer": may not decrease']);
    expect(run({ v: 3 }, { v: 2 }, true, true)).toEqual([]);
  });
});
