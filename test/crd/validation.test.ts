// CRD validation (upstream apiextensions validation): names, group, versions, structural schemas, printer columns,
// scale paths, protected groups, and the naming controller's conflict decisions.
import { describe, expect, it } from 'vitest';
import { computeNames } from '../../src/crd/naming.js';
import type { CRD } from '../../src/crd/types.js';
import { validateCRD, validateCRDUpdate } from '../../src/crd/validation.js';
import { widgetCRD } from './fixtures.js';

function crd(mutate: (c: any) => void = () => undefined): CRD {
  const c = widgetCRD();
  c.spec.names.listKind = 'WidgetList';
  c.status = { storedVersions: ['v1'] };
  mutate(c);
  return c as CRD;
}

const messages = (c: CRD) => validateCRD(c).map((e) => e.message);

describe('validateCRD', () => {
  it('accepts a valid CRD', () => {
    expect(messages(crd())).toEqual([]);
  });

  it('checks the name, group and scope', () => {
    expect(messages(crd((c) => (c.metadata.name = 'wrong.stable.example.com')))).toEqual(['metadata.name: Invalid value: "wrong.stable.example.com": must be spec.names.plural+"."+spec.group']);
    expect(messages(crd((c) => ((c.spec.group = 'example'), (c.metadata.name = 'widgets.example'))))).toEqual(['spec.group: Invalid value: "example": should be a domain with at least one dot']);
    expect(messages(crd((c) => (c.spec.scope = 'Global')))).toEqual(['spec.scope: Unsupported value: "Global": supported values: "Cluster", "Namespaced"']);
  });

  it('checks names', () => {
    const m = messages(crd((c) => (c.spec.names = { plural: 'widgets', singular: 'Widget', kind: 'Widget', listKind: 'Widget', shortNames: ['w_d'] })));
    expect(m).toContain('spec.names.singular: Invalid value: "Widget": a DNS-1035 label must consist of lower case alphanumeric characters or \'-\', start with an alphabetic character, and end with an alphanumeric character (e.g. \'my-name\',  or \'abc-123\', regex used for validation is \'[a-z]([-a-z0-9]*[a-z0-9])?\')');
    expect(m).toContain('spec.names.listKind: Invalid value: "Widget": kind and listKind may not be the same');
    expect(m.some((x) => x.startsWith('spec.names.shortNames[0]: Invalid value: "w_d"'))).toBe(true);
    expect(messages(crd((c) => delete c.spec.names.kind))).toContain('spec.names.kind: Required value');
  });

  it('requires exactly one storage version and a served one', () => {
    const two = messages(crd((c) => c.spec.versions.push({ ...c.spec.versions[0], name: 'v2' })));
    expect(two.some((m) => m.endsWith('must have exactly one version marked as storage version'))).toBe(true);
    const none = messages(crd((c) => (c.spec.versions[0].served = false)));
    expect(none.some((m) => m.endsWith('must have at least one served version'))).toBe(true);
    expect(messages(crd((c) => (c.spec.versions[0].name = 'V1')))[0]).toMatch(/^spec\.versions\[0\]\.name: Invalid value: "V1": a DNS-1035 label/);
  });

  it('enforces structural schemas', () => {
    const p = 'spec.versions[0].schema.openAPIV3Schema';
    const m = (schema: any) => messages(crd((c) => ((c.spec.versions[0].schema.openAPIV3Schema = schema), (c.spec.versions[0].selectableFields = undefined), (c.spec.versions[0].subresources = undefined))));
    expect(m({ properties: {} })).toEqual([`${p}.type: Required value: must not be empty at the root`]);
    expect(m({ type: 'array', items: { type: 'string' } })).toEqual([`${p}.type: Invalid value: "array": must be object at the root`]);
    expect(m({ type: 'object', properties: { spec: { type: 'object', properties: { a: {} } } } })).toEqual([`${p}.properties[spec].properties[a].type: Required value: must not be empty for specified object fields`]);
    expect(m({ type: 'object', properties: { s: { type: 'object', properties: { a: { type: 'string' } }, additionalProperties: { type: 'string' } } } })).toEqual([
      `${p}.properties[s].additionalProperties: Forbidden: additionalProperties and properties are mutual exclusive`,
    ]);
    expect(m({ type: 'object', properties: { l: { type: 'array' } } })).toEqual([`${p}.properties[l].items: Required value: must be specified`]);
    expect(m({ type: 'object', properties: { metadata: { type: 'object', properties: { labels: { type: 'object' } } } } })).toEqual([
      `${p}.properties[metadata]: Forbidden: must not specify anything other than name and generateName, but metadata is implicitly specified`,
    ]);
    expect(m({ type: 'object', properties: { metadata: { type: 'object', properties: { name: { type: 'string', maxLength: 10 } } } } })).toEqual([]);
    expect(m({ type: 'object', properties: { x: { type: 'object', 'x-kubernetes-preserve-unknown-fields': false } } })).toEqual([`${p}.properties[x].x-kubernetes-preserve-unknown-fields: Invalid value: false: must be true or undefined`]);
    expect(m({ type: 'object', properties: { x: { type: 'array', uniqueItems: true, items: { type: 'string' } } } })).toEqual([
      `${p}.properties[x].uniqueItems: Forbidden: uniqueItems cannot be set to true since the runtime complexity becomes quadratic`,
    ]);
    expect(m({ type: 'object', properties: { x: { $ref: '#/definitions/x' } } })[0]).toBe(`${p}.properties[x].$ref: Forbidden: $ref is not supported`);
    expect(m({ type: 'object', properties: { x: { type: 'object', anyOf: [{ type: 'string' }] } } })).toEqual([`${p}.properties[x].anyOf[0].type: Forbidden: must be empty to be structural`]);
    expect(m({ type: 'object', properties: { l: { type: 'array', 'x-kubernetes-list-type': 'map', items: { type: 'object', properties: { k: { type: 'string' } } } } } })).toEqual([
      `${p}.properties[l].x-kubernetes-list-map-keys: Required value: must not be empty if x-kubernetes-list-type is map`,
    ]);
    expect(m({ type: 'object', 'x-kubernetes-validations': [{ rule: 'self.a >' }] })[0]).toMatch(/^spec\.versions\[0\]\.schema\.openAPIV3Schema\.x-kubernetes-validations\[0\]\.rule: Invalid value: "self\.a >": compilation failed: /);
  });

  it('checks printer columns, scale paths and selectable fields', () => {
    const v = 'spec.versions[0]';
    expect(messages(crd((c) => (c.spec.versions[0].additionalPrinterColumns = [{ name: 'X', type: 'text', jsonPath: 'spec.x' }])))).toEqual([
      `${v}.additionalPrinterColumns[0].type: Invalid value: "text": must be one of boolean,date,integer,number,string`,
      `${v}.additionalPrinterColumns[0].JSONPath: Invalid value: "spec.x": must be a simple json path starting with .`,
    ]);
    expect(messages(crd((c) => (c.spec.versions[0].subresources.scale.specReplicasPath = '.status.replicas')))).toEqual([`${v}.subresources.scale.specReplicasPath: Invalid value: ".status.replicas": should be a json path under .spec`]);
    expect(messages(crd((c) => (c.spec.versions[0].selectableFields = [{ jsonPath: '.spec.ports' }])))).toEqual([
      `${v}.selectableFields[0].jsonPath: Invalid value: ".spec.ports": must point to a field of type string, boolean or integer. Enum string fields and strings with formats are allowed.`,
    ]);
  });

  it('protects the Kubernetes community groups', () => {
    const m = messages(crd((c) => ((c.spec.group = 'stable.k8s.io'), (c.metadata.name = 'widgets.stable.k8s.io'))));
    expect(m).toEqual(['metadata.annotations[api-approved.kubernetes.io]: Required value: protected groups must have approval annotation "api-approved.kubernetes.io", see https://github.com/kubernetes/enhancements/pull/1111']);
    const ok = crd((c) => ((c.spec.group = 'stable.k8s.io'), (c.metadata.name = 'widgets.stable.k8s.io'), (c.metadata.annotations = { 'api-approved.kubernetes.io': 'unapproved, testing only' })));
    expect(messages(ok)).toEqual([]);
  });

  it('checks stored versions and immutable fields on update', () => {
    expect(messages(crd((c) => (c.status.storedVersions = ['v0'])))).toEqual([
      'status.storedVersions: Invalid value: ["v0"]: must have the storage version v1',
      'status.storedVersions[0]: Invalid value: "v0": missing from spec.versions; v0 was previously a storage version, and must remain in spec.versions until a storage migration ensures no data remains persisted in v0 and removes v0 from status.storedVersions',
    ]);
    const old = crd((c) => (c.status.conditions = [{ type: 'Established', status: 'True' }]));
    const next = crd((c) => ((c.spec.scope = 'Cluster'), (c.spec.names.plural = 'widgetz')));
    expect(validateCRDUpdate(next, old).map((e) => e.message)).toEqual(['spec.scope: Invalid value: "Cluster": field is immutable', 'spec.names.plural: Invalid value: "widgetz": field is immutable']);
  });
});

describe('naming', () => {
  const other = crd((c) => {
    c.metadata.name = 'gadgets.stable.example.com';
    c.status.acceptedNames = { plural: 'gadgets', singular: 'gadget', kind: 'Gadget', listKind: 'GadgetList', shortNames: ['wd'] };
  });

  it('accepts fresh names and reports conflicts with the group', () => {
    const r = computeNames(crd(), [other]);
    expect(r.namesAccepted).toEqual({ type: 'NamesAccepted', status: 'False', reason: 'ShortNamesConflict', message: '"wd" is already in use' });
    expect(r.acceptedNames).toEqual({ plural: 'widgets', singular: 'widget', kind: 'Widget', listKind: 'WidgetList', categories: ['all'] });
    expect(r.established).toEqual({ type: 'Established', status: 'False', reason: 'NotAccepted', message: 'not all names are accepted' });
    const ok = computeNames(crd((c) => (c.spec.names.shortNames = ['wdg'])), [other]);
    expect(ok.namesAccepted).toEqual({ type: 'NamesAccepted', status: 'True', reason: 'NoConflicts', message: 'no conflicts found' });
    expect(ok.established).toMatchObject({ status: 'False', reason: 'Installing' });
  });

  it('ignores other groups', () => {
    const elsewhere = crd((c) => ((c.spec.group = 'other.example.com'), (c.status.acceptedNames = { plural: 'widgets', kind: 'Widget' })));
    expect(computeNames(crd(), [elsewhere]).namesAccepted.status).toBe('True');
  });
});

describe('schema defaults', () => {
  it('must be valid for their schema', () => {
    const c = crd((x) => (x.spec.versions[0].schema.openAPIV3Schema.properties.spec.properties.replicas.default = 'one'));
    expect(validateCRD(c).map((e) => e.message)).toEqual([
      'spec.versions[0].schema.openAPIV3Schema.properties[spec].properties[replicas].default: Invalid value: "string": . in body must be of type integer: "string"',
    ]);
  });
});
