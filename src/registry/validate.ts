// Validation on the write path: generic ObjectMeta rules plus the resource's own, reported as one 422 Invalid with
// upstream-shaped causes (k8s.io/apimachinery/pkg/api/errors.NewInvalid).
import { errors } from '../machinery/errors.js';
import { formatInvalidMessage, validateObjectMeta, validateObjectMetaUpdate, type FieldError } from '../machinery/validation.js';
import type { Obj, ResourceDef } from './types.js';

export function qualifiedKind(def: ResourceDef): string {
  return def.group ? `${def.kind}.${def.group}` : def.kind;
}

function fail(def: ResourceDef, obj: Obj, errs: FieldError[]): never {
  const name = obj.metadata?.name ?? '';
  throw errors.invalid(
    def.group,
    def.kind,
    name,
    formatInvalidMessage(qualifiedKind(def), name, errs),
    errs.map((e) => ({ reason: e.type, message: e.body, field: e.field })),
  );
}


export function validateForCreate(def: ResourceDef, obj: Obj): void {
  const errs: FieldError[] = [...validateObjectMeta(obj.metadata ?? {}, { namespaced: def.namespaced, nameRule: def.nameRule })];
  if (def.validate) errs.push(...def.validate(obj));
  if (errs.length) fail(def, obj, errs);
}

export function validateForUpdate(def: ResourceDef, obj: Obj, old: Obj): void {
  const errs: FieldError[] = [
    ...validateObjectMeta(obj.metadata ?? {}, { namespaced: def.namespaced, nameRule: def.nameRule }),
    ...validateObjectMetaUpdate(obj.metadata ?? {}, old.metadata ?? {}),
  ];
  if (def.validate) errs.push(...def.validate(obj));
  if (def.validateUpdate) errs.push(...def.validateUpdate(obj, old));
  if (errs.length) fail(def, obj, errs);
}
