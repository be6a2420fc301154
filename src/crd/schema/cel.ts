// x-kubernetes-validations (upstream apiextensions-apiserver/pkg/apiserver/schema/cel): every rule runs with `self`
// bound to the value at its schema node; rules reading `oldSelf` are transition rules, evaluated only on updates
// where the old value can be correlated (object properties, granular maps, items of list-type=map lists by key).
// A false result is `<path>: Invalid value: "<schema type>": <message>` (or the rule's reason: Forbidden, Required,
// Duplicate); messageExpression, when it yields a non-empty string, replaces the message.
import { duplicate, forbidden, invalid, required, type FieldError } from '../../machinery/validation.js';
import { celErrorText, celLibrary, compile, usesOldSelf } from './cel-env.js';
import { additionalSchema, child, isObject, itemsSchema, type JSONSchemaProps, type ValidationRule } from './types.js';

/** What to evaluate: all rules (create, or update with old values for transition rules), or none but transitions. */
export interface CelOptions {
  /** Skip rules that do not read oldSelf (they already ran). */
  transitionOnly?: boolean;
  /** Run optionalOldSelf rules where there is no old value, with oldSelf = optional.none() (creates, new items). */
  optionalWithoutOld?: boolean;
}

/** Converts JSON to CEL values by the schema: integers become int (bigint), date-time strings timestamps. */
export function toCel(s: JSONSchemaProps | undefined, v: unknown): unknown {
  if (v === null || v === undefined) return v ?? null;
  if (typeof v === 'number') {
    if (s?.type === 'number') return v;
    return Number.isInteger(v) ? BigInt(v) : v;
  }
  if (typeof v === 'string') {
    if (s?.format === 'date-time' && !Number.isNaN(Date.parse(v))) return new Date(v);
    return v;
  }
  if (Array.isArray(v)) {
    const items = s ? itemsSchema(s) : undefined;
    return v.map((x) => toCel(items, x));
  }
  if (isObject(v)) {
    const out: Record<string, unknown> = {};
    const extra = s ? additionalSchema(s) : undefined;
    for (const [k, x] of Object.entries(v)) out[k] = toCel(s?.properties?.[k] ?? extra, x);
    return out;
  }
  return v;
}

function fromCel(v: unknown): string {
  if (typeof v === 'string') return v;
  return v === undefined || v === null ? '' : String(v);
}

function schemaType(s: JSONSchemaProps): string {
  return s.type ?? (s['x-kubernetes-int-or-string'] ? 'integer-or-string' : 'object');
}

function ruleError(s: JSONSchemaProps, rule: ValidationRule, path: string, message: string): FieldError {
  const fieldPath = rule.fieldPath ? joinFieldPath(path, rule.fieldPath) : path;
  switch (rule.reason) {
    case 'FieldValueForbidden':
      return forbidden(fieldPath, message);
    case 'FieldValueRequired':
      return required(fieldPath, message);
    case 'FieldValueDuplicate':
      return duplicate(fieldPath, schemaType(s));
    default:
      return invalid(fieldPath, schemaType(s), message);
  }
}

/** `.spec.x` / `['a.b']` relative to the rule's node. */
function joinFieldPath(path: string, fieldPath: string): string {
  let rest = fieldPath.trim();
  let out = path;
  while (rest) {
    let m = /^\.([A-Za-z_][A-Za-z0-9_-]*)/.exec(rest);
    if (m) {
      out = child(out, m[1]!);
    } else if ((m = /^\['([^']*)'\]/.exec(rest))) {
      out = child(out, m[1]!);
    } else if ((m = /^\[(\d+)\]/.exec(rest))) {
      out = `${out}[${m[1]}]`;
    } else {
      return child(path, fieldPath.replace(/^\./, ''));
    }
    rest = rest.slice(m[0].length);
  }
  return out;
}

function evaluateRules(s: JSONSchemaProps, value: unknown, old: unknown, hasOld: boolean, path: string, out: FieldError[], opts: CelOptions): void {
  const rules = s['x-kubernetes-validations'];
  if (!rules?.length) return;
  const self = toCel(s, value);
  const oldSelf = hasOld ? toCel(s, old) : undefined;
  for (const rule of rules) {
    const transition = usesOldSelf(rule.rule);
    const optional = rule.optionalOldSelf === true;
    if (transition && !hasOld && !(optional && opts.optionalWithoutOld)) continue;
    if (!transition && opts.transitionOnly) continue;
    // optionalOldSelf: oldSelf is an optional (none on creates), so the rule can handle both cases itself.
    const old = optional ? (hasOld ? celLibrary().Optional.of(oldSelf) : celLibrary().Optional.none()) : oldSelf;
    const program = compile(rule.rule, optional);
    if (program instanceof Error) {
      out.push(invalid(path, schemaType(s), `compilation failed: ${celErrorText(program)}`));
      continue;
    }
    let result: unknown;
    try {
      result = program(transition ? { self, oldSelf: old } : { self });
    } catch (err) {
      // Runtime errors (no such key, index out of bounds, ...) fail the rule with the error text, like cel-go.
      out.push(invalid(path, schemaType(s), celErrorText(err)));
      continue;
    }
    if (result === true) continue;
    let message = rule.message?.trim() || `failed rule: ${rule.rule.trim()}`;
    if (rule.messageExpression) {
      const mp = compile(rule.messageExpression, optional);
      if (!(mp instanceof Error)) {
        try {
          const m = fromCel(mp(transition ? { self, oldSelf: old } : { self })).trim();
          if (m && !m.includes('\n')) message = m;
        } catch {
          // upstream falls back to message / the default when messageExpression fails
        }
      }
    }
    out.push(ruleError(s, rule, path, message));
  }
}

/** Runs the rules of `s` and every schema below it over `value` (and `old` on updates). */
export function validateCel(s: JSONSchemaProps, value: unknown, old: unknown, hasOld: boolean, path: string, out: FieldError[], opts: CelOptions = {}): void {
  if (value === undefined || value === null) return;
  evaluateRules(s, value, old, hasOld, path, out, opts);
  if (Array.isArray(value)) {
    const items = itemsSchema(s);
    if (!items) return;
    const keys = s['x-kubernetes-list-type'] === 'map' ? s['x-kubernetes-list-map-keys'] ?? [] : undefined;
    const oldItems = hasOld && Array.isArray(old) && keys ? old : [];
    value.forEach((item, i) => {
      // Only list-type=map items correlate with old ones (by their keys).
      const match = keys ? oldItems.find((o) => isObject(o) && isObject(item) && keys.every((k) => JSON.stringify(o[k]) === JSON.stringify(item[k]))) : undefined;
      validateCel(items, item, match, match !== undefined, `${path}[${i}]`, out, opts);
    });
    return;
  }
  if (!isObject(value)) return;
  const oldObj = hasOld && isObject(old) ? old : undefined;
  const atomicMap = s['x-kubernetes-map-type'] === 'atomic';
  const extra = additionalSchema(s);
  for (const [k, v] of Object.entries(value)) {
    if (path === '' && (k === 'metadata' || k === 'apiVersion' || k === 'kind')) continue;
    const p = s.properties?.[k] ?? extra;
    if (!p) continue;
    const correlated = !!oldObj && !(atomicMap && !s.properties?.[k]) && k in oldObj;
    validateCel(p, v, correlated ? oldObj![k] : undefined, correlated, child(path, k), out, opts);
  }
}

/** Compile errors of every rule in a schema (CRD validation), as `<path>.x-kubernetes-validations[i].rule` errors. */
export function celCompileErrors(s: JSONSchemaProps, path: string, out: FieldError[]): void {
  (s['x-kubernetes-validations'] ?? []).forEach((r, i) => {
    const p = compile(r.rule ?? '', r.optionalOldSelf === true);
    if (p instanceof Error) out.push(invalid(`${path}.x-kubernetes-validations[${i}].rule`, r.rule, `compilation failed: ${celErrorText(p)}`));
    if (r.messageExpression) {
      const m = compile(r.messageExpression);
      if (m instanceof Error) out.push(invalid(`${path}.x-kubernetes-validations[${i}].messageExpression`, r.messageExpression, `messageExpression compilation failed: ${celErrorText(m)}`));
    }
  });
  for (const [k, p] of Object.entries(s.properties ?? {})) celCompileErrors(p, `${path}.properties[${k}]`, out);
  const items = itemsSchema(s);
  if (items) celCompileErrors(items, `${path}.items`, out);
  const extra = s.additionalProperties;
  if (extra && typeof extra === 'object') celCompileErrors(extra, `${path}.additionalProperties`, out);
}
