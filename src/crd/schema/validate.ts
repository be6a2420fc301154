// Validation of a custom resource against its structural schema, with the causes kube-apiserver reports
// (kube-openapi's validator as translated by apiextensions-apiserver's kubeOpenAPIResultToFieldErrors):
//   spec.replicas: Invalid value: "string": spec.replicas in body must be of type integer: "string"
//   spec.mode: Unsupported value: "x": supported values: "a", "b"
//   spec.name: Required value
// Paths use `[i]` for list items; messages name the field "in body" like go-openapi.
import { invalid, notSupported, required, tooLong, typeInvalid, type FieldError } from '../../machinery/validation.js';
import { tooMany } from './errors.js';
import { checkFormat } from './formats.js';
import { additionalSchema, child, isObject, itemsSchema, jsonTypeName, type JSONSchemaProps } from './types.js';

function num(v: number): string {
  return String(v);
}

function typeMatches(types: string[], v: unknown): boolean {
  const t = jsonTypeName(v);
  return types.some((want) => want === t || (want === 'number' && t === 'integer'));
}

/** Validates `value` at `path` against `s` (value validations only: pruning and defaulting ran before). */
export function validateValue(s: JSONSchemaProps, value: unknown, path: string, out: FieldError[]): void {
  const name = path || '.';
  if (value === null || value === undefined) {
    if (s.nullable || (!s.type && !s['x-kubernetes-int-or-string'])) return;
    const types = s['x-kubernetes-int-or-string'] ? 'integer,string' : s.type!;
    out.push(typeInvalid(path, 'null', `${name} in body must be of type ${types}: "null"`));
    return;
  }
  const types = s['x-kubernetes-int-or-string'] ? ['integer', 'string'] : s.type ? [s.type] : [];
  if (types.length && !typeMatches(types, value)) {
    const got = jsonTypeName(value);
    out.push(typeInvalid(path, got, `${name} in body must be of type ${types.join(',')}: "${got}"`));
    return;
  }
  if (s.enum && !s.enum.some((e) => JSON.stringify(e) === JSON.stringify(value))) {
    out.push(notSupported(path, value, s.enum.map((e) => (typeof e === 'string' ? e : JSON.stringify(e)))));
  }
  if (typeof value === 'string') validateString(s, value, path, name, out);
  else if (typeof value === 'number') validateNumber(s, value, path, name, out);
  else if (Array.isArray(value)) validateArray(s, value, path, name, out);
  else if (isObject(value)) validateObject(s, value, path, name, out);
  validateJunctors(s, value, path, name, out);
}

function validateString(s: JSONSchemaProps, v: string, path: string, name: string, out: FieldError[]): void {
  const length = [...v].length;
  if (s.maxLength !== undefined && length > s.maxLength) out.push(tooLong(path, s.maxLength));
  if (s.minLength !== undefined && length < s.minLength) out.push(invalid(path, v, `${name} in body should be at least ${s.minLength} chars long`));
  if (s.pattern !== undefined) {
    let re: RegExp | undefined;
    try {
      re = new RegExp(s.pattern, 'u');
    } catch {
      re = undefined;
    }
    if (re && !re.test(v)) out.push(invalid(path, v, `${name} in body should match '${s.pattern}'`));
  }
  if (s.format && !checkFormat(s.format, v)) out.push(invalid(path, v, `${name} in body must be of type ${s.format}: ${JSON.stringify(v)}`));
}

function validateNumber(s: JSONSchemaProps, v: number, path: string, name: string, out: FieldError[]): void {
  if (s.maximum !== undefined) {
    if (s.exclusiveMaximum ? v >= s.maximum : v > s.maximum) {
      out.push(invalid(path, v, `${name} in body should be less than ${s.exclusiveMaximum ? '' : 'or equal to '}${num(s.maximum)}`));
    }
  }
  if (s.minimum !== undefined) {
    if (s.exclusiveMinimum ? v <= s.minimum : v < s.minimum) {
      out.push(invalid(path, v, `${name} in body should be greater than ${s.exclusiveMinimum ? '' : 'or equal to '}${num(s.minimum)}`));
    }
  }
  if (s.multipleOf !== undefined && s.multipleOf > 0 && Math.abs(v / s.multipleOf - Math.round(v / s.multipleOf)) > 1e-9) {
    out.push(invalid(path, v, `${name} in body should be a multiple of ${num(s.multipleOf)}`));
  }
}

function validateArray(s: JSONSchemaProps, v: unknown[], path: string, name: string, out: FieldError[]): void {
  if (s.maxItems !== undefined && v.length > s.maxItems) out.push(tooMany(path, v.length, s.maxItems));
  if (s.minItems !== undefined && v.length < s.minItems) out.push(invalid(path, v.length, `${name} in body should have at least ${s.minItems} items`));
  if (s.uniqueItems) {
    const seen = new Set(v.map((x) => JSON.stringify(x)));
    if (seen.size !== v.length) out.push(invalid(path, v, `${name} in body shouldn't contain duplicates`));
  }
  const listType = s['x-kubernetes-list-type'];
  if (listType === 'set' || listType === 'map') validateListType(s, v, path, out);
  const items = itemsSchema(s);
  if (items) v.forEach((x, i) => validateValue(items, x, `${path}[${i}]`, out));
}

/** x-kubernetes-list-type set/map uniqueness (upstream validateListSetsAndMaps): `Duplicate value: ...`. */
function validateListType(s: JSONSchemaProps, v: unknown[], path: string, out: FieldError[]): void {
  const keys = s['x-kubernetes-list-map-keys'] ?? [];
  const seen = new Set<string>();
  v.forEach((item, i) => {
    let id: string;
    let shown: unknown = item;
    if (s['x-kubernetes-list-type'] === 'map' && isObject(item)) {
      const k: Record<string, unknown> = {};
      for (const key of keys) k[key] = item[key] ?? (itemsSchema(s)?.properties?.[key]?.default ?? null);
      id = JSON.stringify(k);
      shown = k;
    } else {
      id = JSON.stringify(item);
    }
    if (seen.has(id)) out.push({ ...duplicate(`${path}[${i}]`, shown) });
    seen.add(id);
  });
}

function duplicate(field: string, value: unknown): FieldError {
  const shown = typeof value === 'object' && value !== null ? `map[string]interface {}${goMap(value as Record<string, unknown>)}` : JSON.stringify(value);
  const body = `Duplicate value: ${shown}`;
  return { type: 'FieldValueDuplicate', field, message: `${field}: ${body}`, body, detail: '', value };
}

function goMap(m: Record<string, unknown>): string {
  return `{${Object.keys(m)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${JSON.stringify(m[k])}`)
    .join(', ')}}`;
}

function validateObject(s: JSONSchemaProps, v: Record<string, unknown>, path: string, name: string, out: FieldError[]): void {
  for (const r of s.required ?? []) if (!(r in v)) out.push(required(child(path, r), ''));
  const count = Object.keys(v).length;
  if (s.maxProperties !== undefined && count > s.maxProperties) out.push(tooMany(path, count, s.maxProperties));
  if (s.minProperties !== undefined && count < s.minProperties) out.push(invalid(path, count, `${name} in body should have at least ${s.minProperties} properties`));
  if (s['x-kubernetes-embedded-resource']) {
    // An embedded object must name its kind and apiVersion (upstream validateEmbeddedResource).
    for (const f of ['kind', 'apiVersion']) if (!v[f]) out.push(required(child(path, f), ''));
  }
  const props = s.properties ?? {};
  const extra = additionalSchema(s);
  for (const k of Object.keys(v).sort()) {
    const p = props[k] ?? extra;
    if (p && !(path === '' && k === 'metadata')) validateValue(p, v[k], child(path, k), out);
  }
}

/** allOf / anyOf / oneOf / not: value validations only (structural schemas cannot add types under them). */
function validateJunctors(s: JSONSchemaProps, v: unknown, path: string, name: string, out: FieldError[]): void {
  const sub = (schema: JSONSchemaProps): FieldError[] => {
    const errs: FieldError[] = [];
    validateValue(schema, v, path, errs);
    return errs;
  };
  for (const a of s.allOf ?? []) out.push(...sub(a));
  if (s.anyOf?.length && !s.anyOf.some((a) => sub(a).length === 0)) {
    // The IntOrString pattern (anyOf integer/string) was already checked by the type.
    if (!(s['x-kubernetes-int-or-string'] && s.anyOf.every((a) => a.type === 'integer' || a.type === 'string'))) {
      for (const a of s.anyOf) out.push(...sub(a));
      out.push(invalid(path, v, `${name} in body must validate at least one schema (anyOf)`));
    }
  }
  if (s.oneOf?.length) {
    const ok = s.oneOf.filter((a) => sub(a).length === 0).length;
    if (ok !== 1) out.push(invalid(path, v, `${name} in body must validate one and only one schema (oneOf)`));
  }
  if (s.not && sub(s.not).length === 0) out.push(invalid(path, v, `${name} in body should not validate the schema provided`));
}
