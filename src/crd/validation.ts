// Validation of a CustomResourceDefinition (upstream apiextensions-apiserver/pkg/apis/apiextensions/validation:
// ValidateCustomResourceDefinition and its Update variant), in upstream's order: metadata.name, group, scope,
// schemas, versions, storage version, names, conversion, status.storedVersions.
import { isDNS1035Label, isDNS1123Subdomain, invalid, duplicate, forbidden, notSupported, required, type FieldError } from '../machinery/validation.js';
import { FIELD_IMMUTABLE_ERROR_MSG } from '../machinery/validation.js';
import { parse as parseJSONPath } from './jsonpath.js';
import { tooMany } from './schema/errors.js';
import type { JSONSchemaProps } from './schema/types.js';
import { validateSchema } from './structural.js';
import { isConditionTrue, storageVersion, type CRD, type CRDNames, type CRDVersion, type PrinterColumnDef } from './types.js';

const COLUMN_TYPES = ['boolean', 'date', 'integer', 'number', 'string'];
const COLUMN_FORMATS = ['byte', 'date', 'date-time', 'double', 'float', 'int32', 'int64', 'password'];
const MAX_SELECTABLE_FIELDS = 8;

export function validateCRD(crd: CRD): FieldError[] {
  const errs: FieldError[] = [];
  const spec = crd.spec ?? ({} as CRD['spec']);
  const name = crd.metadata?.name ?? '';
  if (name && name !== `${spec.names?.plural}.${spec.group}`) errs.push(invalid('metadata.name', name, 'must be spec.names.plural+"."+spec.group'));
  errs.push(...validateSpec(spec));
  errs.push(...validateNames(crd.status?.acceptedNames ?? {}, 'status.acceptedNames'));
  errs.push(...validateStoredVersions(crd.status?.storedVersions ?? [], spec.versions ?? []));
  errs.push(...validateAPIApproval(crd));
  return errs;
}

const APPROVAL = 'api-approved.kubernetes.io';
const APPROVAL_PR = 'see https://github.com/kubernetes/enhancements/pull/1111';

/** Groups reserved for the Kubernetes community (*.k8s.io, *.kubernetes.io) need the API approval annotation. */
function validateAPIApproval(crd: CRD): FieldError[] {
  const g = crd.spec?.group ?? '';
  if (!/(^|\.)(k8s\.io|kubernetes\.io)$/.test(g)) return [];
  const value = crd.metadata?.annotations?.[APPROVAL];
  const path = `metadata.annotations[${APPROVAL}]`;
  if (value === undefined) return [required(path, `protected groups must have approval annotation ${JSON.stringify(APPROVAL)}, ${APPROVAL_PR}`)];
  if (/^https?:\/\/\S+$/.test(value) || value.startsWith('unapproved')) return [];
  return [invalid(path, value, `protected groups must have approval annotation ${JSON.stringify(APPROVAL)} with either a URL or a reason starting with "unapproved", ${APPROVAL_PR}`)];
}

export function validateCRDUpdate(crd: CRD, old: CRD): FieldError[] {
  const errs: FieldError[] = [];
  const spec = crd.spec ?? ({} as CRD['spec']);
  const oldSpec = old.spec ?? ({} as CRD['spec']);
  const immutable = (path: string, a: unknown, b: unknown) => {
    if (JSON.stringify(a) !== JSON.stringify(b)) errs.push(invalid(path, a, FIELD_IMMUTABLE_ERROR_MSG));
  };
  // Names that affect storage are frozen once the CRD is established.
  if (isConditionTrue(old, 'Established')) {
    immutable('spec.scope', spec.scope, oldSpec.scope);
    immutable('spec.names.kind', spec.names?.kind, oldSpec.names?.kind);
  }
  immutable('spec.group', spec.group, oldSpec.group);
  immutable('spec.names.plural', spec.names?.plural, oldSpec.names?.plural);
  return errs;
}

function validateSpec(spec: CRD['spec']): FieldError[] {
  const errs: FieldError[] = [];
  if (!spec.group) errs.push(required('spec.group', ''));
  else if (isDNS1123Subdomain(spec.group).length) errs.push(invalid('spec.group', spec.group, isDNS1123Subdomain(spec.group).join(',')));
  else if (spec.group.split('.').length < 2) errs.push(invalid('spec.group', spec.group, 'should be a domain with at least one dot'));
  if (!spec.scope) errs.push(required('spec.scope', ''));
  else if (spec.scope !== 'Cluster' && spec.scope !== 'Namespaced') errs.push(notSupported('spec.scope', spec.scope, ['Cluster', 'Namespaced']));

  const versions = spec.versions ?? [];
  versions.forEach((v, i) => {
    if (!v.schema?.openAPIV3Schema) errs.push(required(`spec.versions[${i}].schema.openAPIV3Schema`, 'schemas are required'));
  });
  if (spec.preserveUnknownFields) errs.push(invalid('spec.preserveUnknownFields', true, 'must be false'));

  const seen = new Set<string>();
  let unique = true;
  let storage = 0;
  versions.forEach((v, i) => {
    if (v.storage) storage++;
    if (seen.has(v.name)) unique = false;
    seen.add(v.name);
    const dns = isDNS1035Label(v.name ?? '');
    if (dns.length) errs.push(invalid(`spec.versions[${i}].name`, v.name, dns.join(',')));
    errs.push(...validateVersion(v, `spec.versions[${i}]`));
  });
  if (!unique) errs.push(invalid('spec.versions', versions, 'must contain unique version names'));
  if (storage !== 1) errs.push(invalid('spec.versions', versions, 'must have exactly one version marked as storage version'));
  if (versions.length && !versions.some((v) => v.served)) errs.push(invalid('spec.versions', versions, 'must have at least one served version'));

  const names = spec.names ?? ({} as CRDNames);
  if (!names.plural) errs.push(required('spec.names.plural', ''));
  if (!names.singular) errs.push(required('spec.names.singular', ''));
  if (!names.kind) errs.push(required('spec.names.kind', ''));
  if (!names.listKind) errs.push(required('spec.names.listKind', ''));
  errs.push(...validateNames(names, 'spec.names'));

  const conv = spec.conversion;
  if (conv) {
    if (!conv.strategy) errs.push(required('spec.conversion.strategy', ''));
    else if (conv.strategy !== 'None' && conv.strategy !== 'Webhook') errs.push(notSupported('spec.conversion.strategy', conv.strategy, ['None', 'Webhook']));
    else if (conv.strategy === 'Webhook') errs.push(forbidden('spec.conversion.strategy', 'Webhook conversion is not supported by kubesim'));
  }
  return errs;
}

export function validateNames(names: Partial<CRDNames>, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const label = (field: string, v: string | undefined, prefix = '') => {
    if (!v) return;
    const e = isDNS1035Label(prefix ? v.toLowerCase() : v);
    if (e.length) errs.push(invalid(`${path}.${field}`, v, prefix + e.join(',')));
  };
  label('plural', names.plural);
  label('singular', names.singular);
  label('kind', names.kind, 'may have mixed case, but should otherwise match: ');
  label('listKind', names.listKind, 'may have mixed case, but should otherwise match: ');
  (names.shortNames ?? []).forEach((s, i) => {
    const e = isDNS1035Label(s);
    if (e.length) errs.push(invalid(`${path}.shortNames[${i}]`, s, e.join(',')));
  });
  if (names.kind && names.kind === names.listKind) errs.push(invalid(`${path}.listKind`, names.listKind, 'kind and listKind may not be the same'));
  (names.categories ?? []).forEach((c, i) => {
    const e = isDNS1035Label(c);
    if (e.length) errs.push(invalid(`${path}.categories[${i}]`, c, e.join(',')));
  });
  return errs;
}

function validateVersion(v: CRDVersion, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (!v.deprecated && v.deprecationWarning !== undefined) errs.push(invalid(`${path}.deprecationWarning`, v.deprecationWarning, 'can only be set for deprecated versions'));
  else if (v.deprecationWarning !== undefined && v.deprecationWarning.length > 256) errs.push(invalid(`${path}.deprecationWarning`, v.deprecationWarning, 'must be <= 256 characters long'));
  else if (v.deprecationWarning === '') errs.push(invalid(`${path}.deprecationWarning`, '', 'must not be an empty string'));
  const schema = v.schema?.openAPIV3Schema;
  if (schema) errs.push(...validateSchema(schema, `${path}.schema.openAPIV3Schema`));
  errs.push(...validateSubresources(v, `${path}.subresources`));
  (v.additionalPrinterColumns ?? []).forEach((c, i) => errs.push(...validateColumn(c, `${path}.additionalPrinterColumns[${i}]`)));
  if (v.selectableFields?.length) errs.push(...validateSelectableFields(v.selectableFields, schema, `${path}.selectableFields`));
  return errs;
}

/** upstream validateSimpleJSONPath. */
function simpleJSONPath(s: string, path: string): FieldError[] {
  if (!s) return [invalid(path, s, 'must not be empty')];
  if (!s.startsWith('.')) return [invalid(path, s, 'must be a simple json path starting with .')];
  return [];
}

function validateSubresources(v: CRDVersion, path: string): FieldError[] {
  const scale = v.subresources?.scale;
  if (!scale) return [];
  const errs: FieldError[] = [];
  const under = (field: string, value: string | undefined, prefixes: string[], why: string, optional = false) => {
    if (!value) {
      if (!optional) errs.push(required(`${path}.scale.${field}`, ''));
      return;
    }
    const e = simpleJSONPath(value, `${path}.scale.${field}`);
    if (e.length) errs.push(...e);
    else if (!prefixes.some((p) => value.startsWith(p))) errs.push(invalid(`${path}.scale.${field}`, value, why));
  };
  under('specReplicasPath', scale.specReplicasPath, ['.spec.'], 'should be a json path under .spec');
  under('statusReplicasPath', scale.statusReplicasPath, ['.status.'], 'should be a json path under .status');
  under('labelSelectorPath', scale.labelSelectorPath, ['.spec.', '.status.'], 'should be a json path under either .spec or .status', true);
  return errs;
}

function validateColumn(c: PrinterColumnDef, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (!c.name) errs.push(required(`${path}.name`, ''));
  if (!c.type) errs.push(required(`${path}.type`, `must be one of ${COLUMN_TYPES.join(',')}`));
  else if (!COLUMN_TYPES.includes(c.type)) errs.push(invalid(`${path}.type`, c.type, `must be one of ${COLUMN_TYPES.join(',')}`));
  if (c.format && !COLUMN_FORMATS.includes(c.format)) errs.push(invalid(`${path}.format`, c.format, `must be one of ${COLUMN_FORMATS.join(',')}`));
  if (!c.jsonPath) errs.push(required(`${path}.JSONPath`, ''));
  else {
    const e = simpleJSONPath(c.jsonPath, `${path}.JSONPath`);
    if (e.length) errs.push(...e);
    else {
      try {
        parseJSONPath(c.jsonPath);
      } catch (err) {
        errs.push(invalid(`${path}.JSONPath`, c.jsonPath, (err as Error).message));
      }
    }
  }
  return errs;
}

/** The schema at a `.a.b` path (selectable fields may not index lists). */
export function schemaAt(schema: JSONSchemaProps | undefined, jsonPath: string): JSONSchemaProps | undefined {
  let cur = schema;
  for (const k of jsonPath.split('.').filter(Boolean)) cur = cur?.properties?.[k];
  return cur;
}

function validateSelectableFields(fields: { jsonPath: string }[], schema: JSONSchemaProps | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  fields.forEach((f, i) => {
    const p = `${path}[${i}].jsonPath`;
    if (!f.jsonPath) return errs.push(required(p, ''));
    if (!/^(\.[A-Za-z_][A-Za-z0-9_-]*)+$/.test(f.jsonPath) || !schemaAt(schema, f.jsonPath)) {
      return errs.push(invalid(p, f.jsonPath, `is an invalid path: does not refer to a valid field`));
    }
    if (f.jsonPath.startsWith('.metadata')) errs.push(invalid(p, f.jsonPath, 'must not point to fields in metadata'));
    const t = schemaAt(schema, f.jsonPath)?.type;
    if (t !== 'string' && t !== 'boolean' && t !== 'integer') {
      errs.push(invalid(p, f.jsonPath, 'must point to a field of type string, boolean or integer. Enum string fields and strings with formats are allowed.'));
    }
    if (seen.has(f.jsonPath)) errs.push(duplicate(p, f.jsonPath));
    seen.add(f.jsonPath);
  });
  if (seen.size > MAX_SELECTABLE_FIELDS) errs.push(tooMany(path, seen.size, MAX_SELECTABLE_FIELDS));
  return errs;
}

function validateStoredVersions(stored: string[], versions: CRDVersion[]): FieldError[] {
  const path = 'status.storedVersions';
  if (!stored.length) return [invalid(path, stored, 'must have at least one stored version')];
  const errs: FieldError[] = [];
  const left = new Map(stored.map((v, i) => [v, i]));
  for (const v of versions) {
    if (v.storage && !left.has(v.name)) errs.push(invalid(path, stored, `must have the storage version ${v.name}`));
    left.delete(v.name);
  }
  for (const [v, i] of left) {
    errs.push(
      invalid(
        `${path}[${i}]`,
        v,
        `missing from spec.versions; ${v} was previously a storage version, and must remain in spec.versions until a storage migration ensures no data remains persisted in ${v} and removes ${v} from status.storedVersions`,
      ),
    );
  }
  return errs;
}

export { storageVersion };
