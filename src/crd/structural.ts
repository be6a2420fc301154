// Static checks of a CRD version's openAPIV3Schema (upstream apiextensions validation: the v3 standard validator,
// structural schema invariants of pkg/apiserver/schema/validation.go, list/map type rules and CEL compilation).
// Errors name the schema path the way upstream does: `...openAPIV3Schema.properties[spec].type`.
import { forbidden, invalid, notSupported, required, type FieldError } from '../machinery/validation.js';
import { celCompileErrors } from './schema/cel.js';
import { validateValue } from './schema/validate.js';
import type { JSONSchemaProps } from './schema/types.js';

type Level = 'root' | 'item' | 'field';

const V3_TYPES = ['array', 'boolean', 'integer', 'number', 'object', 'string'];
const FORBIDDEN_KEYWORDS: [string, string][] = [
  ['id', 'id is not supported'],
  ['additionalItems', 'additionalItems is not supported'],
  ['patternProperties', 'patternProperties is not supported'],
  ['definitions', 'definitions is not supported'],
  ['dependencies', 'dependencies is not supported'],
  ['$ref', '$ref is not supported'],
];

/** Checks one version's schema; `path` is e.g. `spec.versions[0].schema.openAPIV3Schema`. */
export function validateSchema(schema: JSONSchemaProps, path: string): FieldError[] {
  const out: FieldError[] = [];
  if (schema.nullable) out.push(forbidden(`${path}.nullable`, 'nullable cannot be true at the root'));
  walk(schema, 'root', path, out, false);
  if (!out.length) celCompileErrors(schema, path, out);
  return out;
}

function walk(s: JSONSchemaProps, level: Level, path: string, out: FieldError[], embedded: boolean): void {
  standard(s, path, out);
  if (s.default !== undefined && level !== 'root') {
    // Defaults must themselves be valid (upstream structuraldefaulting.ValidateDefaults).
    const errs: FieldError[] = [];
    validateValue(s, s.default, '', errs);
    for (const e of errs) out.push(invalid(`${path}.default${e.field ? `.${e.field}` : ''}`, e.value ?? s.default, e.detail || e.body));
  }
  if (s.type === 'array' && s.items === undefined) out.push(required(`${path}.items`, 'must be specified'));
  if (s['x-kubernetes-embedded-resource'] && s.type !== 'object') {
    if (!s.type) out.push(required(`${path}.type`, 'must be object if x-kubernetes-embedded-resource is true'));
    else out.push(invalid(`${path}.type`, s.type, 'must be object if x-kubernetes-embedded-resource is true'));
  } else if (!s.type && !s['x-kubernetes-int-or-string'] && !s['x-kubernetes-preserve-unknown-fields']) {
    const why = level === 'root' ? 'must not be empty at the root' : level === 'item' ? 'must not be empty for specified array items' : 'must not be empty for specified object fields';
    out.push(required(`${path}.type`, why));
  }
  if (level === 'root' && s.type && s.type !== 'object') out.push(invalid(`${path}.type`, s.type, 'must be object at the root'));
  if (level === 'root' && s.additionalProperties !== undefined) out.push(forbidden(`${path}.additionalProperties`, 'must not be used at the root'));
  if (s.additionalProperties !== undefined && s.properties && Object.keys(s.properties).length && s.additionalProperties !== true) {
    out.push(forbidden(`${path}.additionalProperties`, 'additionalProperties and properties are mutual exclusive'));
  }
  if (s['x-kubernetes-embedded-resource'] && s.additionalProperties !== undefined) {
    out.push(forbidden(`${path}.additionalProperties`, 'must not be used if x-kubernetes-embedded-resource is set'));
  }
  if (s['x-kubernetes-embedded-resource'] && !s['x-kubernetes-preserve-unknown-fields'] && !Object.keys(s.properties ?? {}).length) {
    out.push(required(`${path}.properties`, 'must not be empty if x-kubernetes-embedded-resource is true without x-kubernetes-preserve-unknown-fields'));
  }
  extensions(s, path, out);
  if (level === 'root' || embedded) resourceMeta(s, path, out, level === 'root');
  for (const key of ['allOf', 'anyOf', 'oneOf'] as const) {
    (s[key] ?? []).forEach((sub, i) => {
      if (s['x-kubernetes-int-or-string'] && (key === 'anyOf' || (key === 'allOf' && i === 0))) return;
      nested(sub, `${path}.${key}[${i}]`, out);
    });
  }
  if (s.not) nested(s.not, `${path}.not`, out);
  for (const [k, p] of Object.entries(s.properties ?? {})) walk(p, 'field', `${path}.properties[${k}]`, out, !!p['x-kubernetes-embedded-resource']);
  if (s.items && !Array.isArray(s.items)) walk(s.items, 'item', `${path}.items`, out, !!s.items['x-kubernetes-embedded-resource']);
  if (s.additionalProperties && typeof s.additionalProperties === 'object') walk(s.additionalProperties, 'field', `${path}.additionalProperties`, out, false);
}

/** The OpenAPI v3 standard checks (upstream specStandardValidatorV3). */
function standard(s: JSONSchemaProps, path: string, out: FieldError[]): void {
  for (const [k, why] of FORBIDDEN_KEYWORDS) if (s[k] !== undefined) out.push(forbidden(`${path}.${k}`, why));
  if (s.type === 'null') out.push(forbidden(`${path}.type`, 'type cannot be set to null, use nullable as an alternative'));
  else if (s.type && !V3_TYPES.includes(s.type)) out.push(notSupported(`${path}.type`, s.type, V3_TYPES));
  if (Array.isArray(s.items)) out.push(forbidden(`${path}.items`, 'items must be a schema object and not an array'));
  if (s.uniqueItems) out.push(forbidden(`${path}.uniqueItems`, 'uniqueItems cannot be set to true since the runtime complexity becomes quadratic'));
  if (s.pattern !== undefined) {
    try {
      new RegExp(s.pattern, 'u');
    } catch (err) {
      out.push(invalid(`${path}.pattern`, s.pattern, `must be a valid regular expression, but isn't: ${(err as Error).message}`));
    }
  }
}

function extensions(s: JSONSchemaProps, path: string, out: FieldError[]): void {
  const preserve = s['x-kubernetes-preserve-unknown-fields'];
  if (preserve === false) out.push(invalid(`${path}.x-kubernetes-preserve-unknown-fields`, false, 'must be true or undefined'));
  if (s['x-kubernetes-int-or-string'] && preserve) out.push(invalid(`${path}.x-kubernetes-preserve-unknown-fields`, true, 'must be false if x-kubernetes-int-or-string is true'));
  if (s['x-kubernetes-int-or-string'] && s['x-kubernetes-embedded-resource']) out.push(invalid(`${path}.x-kubernetes-embedded-resource`, true, 'must be false if x-kubernetes-int-or-string is true'));
  const mapType = s['x-kubernetes-map-type'];
  if (mapType !== undefined) {
    if (s.type !== 'object') out.push(s.type ? invalid(`${path}.type`, s.type, 'must be object if x-kubernetes-map-type is specified') : required(`${path}.type`, 'must be object if x-kubernetes-map-type is specified'));
    if (mapType !== 'atomic' && mapType !== 'granular') out.push(notSupported(`${path}.x-kubernetes-map-type`, mapType, ['atomic', 'granular']));
  }
  const listType = s['x-kubernetes-list-type'];
  const keys = s['x-kubernetes-list-map-keys'] ?? [];
  if (listType !== undefined) {
    if (s.type !== 'array') out.push(s.type ? invalid(`${path}.type`, s.type, 'must be array if x-kubernetes-list-type is specified') : required(`${path}.type`, 'must be array if x-kubernetes-list-type is specified'));
    if (!['atomic', 'set', 'map'].includes(listType)) out.push(notSupported(`${path}.x-kubernetes-list-type`, listType, ['atomic', 'set', 'map']));
  }
  if (keys.length && listType === undefined) out.push(required(`${path}.x-kubernetes-list-type`, 'must be map if x-kubernetes-list-map-keys is non-empty'));
  else if (keys.length && listType !== 'map') out.push(invalid(`${path}.x-kubernetes-list-type`, listType, 'must be map if x-kubernetes-list-map-keys is non-empty'));
  if (listType === 'map') {
    const items = Array.isArray(s.items) ? undefined : s.items;
    if (!keys.length) out.push(required(`${path}.x-kubernetes-list-map-keys`, 'must not be empty if x-kubernetes-list-type is map'));
    if (!items) out.push(required(`${path}.items`, 'must have a schema if x-kubernetes-list-type is map'));
    else if (items.type !== 'object') out.push(invalid(`${path}.items.type`, items.type ?? '', "must be object if parent array's x-kubernetes-list-type is map"));
    else {
      const seen = new Set<string>();
      for (const k of keys) {
        const p = items.properties?.[k];
        if (!p) out.push(invalid(`${path}.x-kubernetes-list-map-keys`, keys, 'entries must all be names of item properties'));
        else if (p.type === 'array' || p.type === 'object') out.push(invalid(`${path}.items.properties[${k}].type`, items.type, "must be a scalar type if parent array's x-kubernetes-list-type is map"));
        else if (!(items.required ?? []).includes(k) && p.default === undefined) {
          out.push(required(`${path}.items.properties[${k}]`, 'this property is in x-kubernetes-list-map-keys, so it must have a default or be a required property'));
        }
        if (seen.has(k)) out.push(invalid(`${path}.x-kubernetes-list-map-keys`, keys, 'must not contain duplicate entries'));
        seen.add(k);
      }
    }
  }
}

/** apiVersion/kind/metadata at the root (and in embedded resources): metadata may only restrict name/generateName. */
function resourceMeta(s: JSONSchemaProps, path: string, out: FieldError[], root: boolean): void {
  const props = s.properties ?? {};
  for (const k of ['kind', 'apiVersion']) {
    if (props[k] && props[k]!.type !== 'string') out.push(invalid(`${path}.properties[${k}].type`, props[k]!.type ?? '', 'must be string'));
  }
  const meta = props.metadata;
  if (!meta) return;
  if (meta.type !== 'object') out.push(invalid(`${path}.properties[metadata].type`, meta.type ?? '', 'must be object'));
  if (!root) return;
  const rest = Object.keys(meta).filter((k) => !['type', 'properties', 'default'].includes(k));
  const metaProps = Object.keys(meta.properties ?? {}).filter((k) => k !== 'name' && k !== 'generateName');
  if (rest.length || metaProps.length) {
    out.push(forbidden(`${path}.properties[metadata]`, 'must not specify anything other than name and generateName, but metadata is implicitly specified'));
  }
  if (meta.default !== undefined) out.push(forbidden(`${path}.properties[metadata].default`, 'must not be set for metadata at the root'));
}

/** Value validations under allOf/anyOf/oneOf/not may not carry types or structure (upstream "to be structural"). */
function nested(s: JSONSchemaProps, path: string, out: FieldError[]): void {
  if (s.type) out.push(forbidden(`${path}.type`, 'must be empty to be structural'));
  if (s.additionalProperties !== undefined) out.push(forbidden(`${path}.additionalProperties`, 'must be undefined to be structural'));
  if (s.default !== undefined) out.push(forbidden(`${path}.default`, 'must be undefined to be structural'));
  if (s.title) out.push(forbidden(`${path}.title`, 'must be empty to be structural'));
  if (s.description) out.push(forbidden(`${path}.description`, 'must be empty to be structural'));
  if (s.nullable) out.push(forbidden(`${path}.nullable`, 'must be false to be structural'));
  for (const ext of ['x-kubernetes-preserve-unknown-fields', 'x-kubernetes-embedded-resource', 'x-kubernetes-int-or-string']) {
    if (s[ext]) out.push(forbidden(`${path}.${ext}`, 'must be false to be structural'));
  }
  if (s.properties?.metadata) out.push(forbidden(`${path}.properties[metadata]`, 'must not be specified in a nested context'));
  for (const [k, p] of Object.entries(s.properties ?? {})) nested(p, `${path}.properties[${k}]`, out);
  if (s.items && !Array.isArray(s.items)) nested(s.items, `${path}.items`, out);
}
