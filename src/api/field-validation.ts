// fieldValidation=Strict|Warn|Ignore on create, update, patch and apply (upstream's strict decoding): unknown fields
// are rejected with 400 (Strict), reported in Warning headers (Warn, the default) or silently dropped (Ignore).
// Unknown fields never reach storage, as a typed decode would drop them.
import type { ServerResponse } from 'node:http';
import { errors } from '../machinery/errors.js';
import { loadUnknownFieldsDetector, strictDecodingMessage, unknownFieldWarnings } from '../openapi/field-validation.js';
import type { Obj, ResourceDef } from '../registry/types.js';

export type FieldValidation = 'Strict' | 'Warn' | 'Ignore';

export function fieldValidationOf(q: Record<string, string>): FieldValidation {
  const v = q.fieldValidation;
  if (v === undefined || v === '') return 'Warn';
  if (v === 'Strict' || v === 'Warn' || v === 'Ignore') return v;
  throw errors.badRequest(`fieldValidation: Unsupported value: ${JSON.stringify(v)}: supported values: "Ignore", "Strict", "Warn"`);
}

/** Removes `a.b[0].c` style paths from obj (in place). */
function prune(obj: Obj, path: string): void {
  const parts = path.match(/[^.[\]]+/g) ?? [];
  let cur: any = obj;
  for (let i = 0; i < parts.length - 1 && cur !== undefined; i++) cur = cur?.[parts[i]];
  if (cur && typeof cur === 'object') delete cur[parts[parts.length - 1]];
}

/** A checker for one request: returns the object without unknown fields, throwing or warning per the mode. */
export async function fieldChecker(def: ResourceDef, mode: FieldValidation, res: ServerResponse): Promise<(obj: Obj) => Obj> {
  const detect = await loadUnknownFieldsDetector();
  const gvk = { group: def.group, version: def.version, kind: def.kind };
  return (obj) => {
    // Custom resources report what their structural schema would prune (upstream's CRD strict decoding).
    const unknown = def.unknownFields ? def.unknownFields(obj) : detect ? detect(gvk, obj) : [];
    if (!unknown.length) return obj;
    if (mode === 'Strict') throw errors.badRequest(strictDecodingMessage(gvk, unknown));
    if (mode === 'Warn') {
      const prior = res.getHeader('Warning');
      const list = Array.isArray(prior) ? prior : prior ? [String(prior)] : [];
      res.setHeader('Warning', [...list, ...unknownFieldWarnings(unknown)]);
    }
    for (const p of unknown) prune(obj, p);
    return obj;
  };
}
