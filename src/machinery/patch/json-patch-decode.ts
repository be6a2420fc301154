// Decoding a JSON patch body the way kube-apiserver does before applying it (jsonPatcher.applyJSPatch in
// k8s.io/apiserver/pkg/endpoints/handlers/patch.go):
//   1. with fieldValidation Warn (the default when the query parameter is absent) or Strict, the body is first
//      strictly unmarshalled into []jsonPatchOp{op,path,from string; value interface{}}; a type error is a 400
//      "error decoding patch: ...";
//   2. jsonpatch.DecodePatch unmarshals it into []map[string]*json.RawMessage; a failure is a 400 with the bare
//      json error;
//   3. more than 10000 operations is a 413.
// Go's decoder reports only the first type error it meets (document order), which is what we report too.

import { PatchError, unmarshalTypeError } from './errors.js';
import { isObject, type JsonObject } from './json.js';

export type FieldValidation = 'Ignore' | 'Warn' | 'Strict';

/** handlers.maxJSONPatchOperations */
export const MAX_JSON_PATCH_OPERATIONS = 10000;

/** One decoded operation: upstream's jsonpatch.Operation (nil for a JSON null element). */
export type Operation = JsonObject | null;

const STRING_FIELDS = ['op', 'path', 'from'];

/** encoding/json matches struct fields exactly first, then case-insensitively. */
function structField(key: string): string | undefined {
  if (STRING_FIELDS.includes(key)) return key;
  const lower = key.toLowerCase();
  return STRING_FIELDS.find((f) => f === lower);
}

function strictDecodeError(ops: unknown): string | undefined {
  if (ops === null) return undefined;
  if (!Array.isArray(ops)) return unmarshalTypeError(ops, '[]handlers.jsonPatchOp');
  for (const op of ops) {
    if (op === null) continue;
    if (!isObject(op)) return unmarshalTypeError(op, 'handlers.jsonPatchOp');
    for (const [k, v] of Object.entries(op)) {
      const field = structField(k);
      if (field && v !== null && typeof v !== 'string') {
        return unmarshalTypeError(v, 'string', { struct: 'jsonPatchOp', name: field });
      }
    }
  }
  return undefined;
}

/** Validates and decodes a JSON patch body, throwing the PatchError the apiserver would answer with. */
export function decodeJsonPatch(ops: unknown, validation: FieldValidation = 'Warn'): Operation[] {
  if (validation !== 'Ignore') {
    const err = strictDecodeError(ops);
    if (err) throw PatchError.badRequest(`error decoding patch: ${err}`);
  }
  if (ops === null) return [];
  if (!Array.isArray(ops)) throw PatchError.badRequest(unmarshalTypeError(ops, 'jsonpatch.Patch'));
  for (const op of ops) {
    if (op !== null && !isObject(op)) throw PatchError.badRequest(unmarshalTypeError(op, 'jsonpatch.Operation'));
  }
  if (ops.length > MAX_JSON_PATCH_OPERATIONS) {
    throw PatchError.tooLarge(`The allowed maximum operations in a JSON patch is ${MAX_JSON_PATCH_OPERATIONS}, got ${ops.length}`);
  }
  return ops as Operation[];
}

/** Operation.Kind(): the "op" string, or "unknown" when absent, null or not a string. */
export function opKind(op: Operation): string {
  const v = op?.op;
  return typeof v === 'string' ? v : 'unknown';
}

type FieldResult = { value: string } | { error: string };

function stringField(op: Operation, name: 'path' | 'from', missing: string): FieldResult {
  const v = op?.[name];
  if (v === undefined || v === null) return { error: `${missing}: missing value` };
  if (typeof v !== 'string') return { error: unmarshalTypeError(v, 'string') };
  return { value: v };
}

/** Operation.Path() */
export function opPath(op: Operation): FieldResult {
  return stringField(op, 'path', 'operation missing path field');
}

/** Operation.From() */
export function opFrom(op: Operation): FieldResult {
  return stringField(op, 'from', 'operation, missing from field');
}
