// ObjectMeta validation, mirroring k8s.io/apimachinery/pkg/api/validation (objectmeta.go: ValidateObjectMetaAccessor,
// ValidateObjectMetaAccessorUpdate, ValidateOwnerReferences, ValidateFinalizers, ValidateNoNewFinalizers;
// generic.go: NameIsDNSSubdomain & co.) and apis/meta/v1/validation (ValidateManagedFields, ValidateFieldManager).
// Errors come back in upstream's order so aggregated messages read the same.

import { type FieldError, childPath, forbidden, indexPath, invalid, required, tooLong } from './field-error.js';
import { compareGoStrings, goStringSlice, utf8Length } from './gofmt.js';
import { validateAnnotations, validateLabels } from './label-validation.js';
import {
  isDNS1035Label,
  isDNS1123Label,
  isDNS1123Subdomain,
  isQualifiedName,
  isValidPathSegmentName,
  isValidPathSegmentPrefix,
} from './name-rules.js';

/** Which ValidateNameFunc a resource uses: NameIsDNSSubdomain, NameIsDNSLabel, NameIsDNS1035Label, ValidatePathSegmentName. */
export type NameRule = 'subdomain' | 'label' | 'label1035' | 'path-segment';

export interface OwnerReferenceInput {
  apiVersion?: string;
  kind?: string;
  name?: string;
  uid?: string;
  controller?: boolean | null;
  blockOwnerDeletion?: boolean | null;
}

export interface ManagedFieldsEntryInput {
  manager?: string;
  operation?: string;
  apiVersion?: string;
  time?: string | null;
  fieldsType?: string;
  fieldsV1?: unknown;
  subresource?: string;
}

export interface ObjectMetaInput {
  name?: string;
  generateName?: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string | null;
  deletionTimestamp?: string | null;
  deletionGracePeriodSeconds?: number | null;
  labels?: Record<string, string> | null;
  annotations?: Record<string, string> | null;
  ownerReferences?: OwnerReferenceInput[] | null;
  finalizers?: string[] | null;
  managedFields?: ManagedFieldsEntryInput[] | null;
}

export interface ObjectMetaOptions {
  namespaced: boolean;
  nameRule: NameRule;
  /** Defaults to "metadata". */
  fieldPath?: string;
}

export const FIELD_IMMUTABLE_ERROR_MSG = 'field is immutable';
export const IS_NEGATIVE_ERROR_MSG = 'must be greater than or equal to 0';
export const FINALIZER_ORPHAN_DEPENDENTS = 'orphan';
export const FINALIZER_DELETE_DEPENDENTS = 'foregroundDeletion';
const FIELD_MANAGER_MAX_LENGTH = 128;
const MAX_SUBRESOURCE_NAME_LENGTH = 256;

/**
 * maskTrailingDash: a generateName prefix may end in '-'. Upstream replaces the last TWO characters with "a"
 * (a long-standing quirk we keep, since it decides which prefixes are accepted).
 */
function maskTrailingDash(name: string): string {
  return name.endsWith('-') ? name.slice(0, Math.max(0, name.length - 2)) + 'a' : name;
}

/** The ValidateNameFunc for `rule`; `prefix` is true when validating a generateName. */
export function validateObjectMetaName(name: string, rule: NameRule, prefix = false): string[] {
  switch (rule) {
    case 'subdomain':
      return isDNS1123Subdomain(prefix ? maskTrailingDash(name) : name);
    case 'label':
      return isDNS1123Label(prefix ? maskTrailingDash(name) : name);
    case 'label1035':
      return isDNS1035Label(prefix ? maskTrailingDash(name) : name);
    case 'path-segment':
      return prefix ? isValidPathSegmentPrefix(name) : isValidPathSegmentName(name);
  }
}

/** schema.ParseGroupVersion, reduced to what owner-reference validation needs. */
function parseGroupVersion(apiVersion: string): { group: string; version: string } {
  if (apiVersion === '' || apiVersion === '/') return { group: '', version: '' };
  const slash = apiVersion.indexOf('/');
  if (slash < 0) return { group: '', version: apiVersion };
  if (apiVersion.indexOf('/', slash + 1) >= 0) return { group: '', version: '' }; // parse error → empty GVK
  return { group: apiVersion.slice(0, slash), version: apiVersion.slice(slash + 1) };
}

/** ValidateOwnerReferences (each reference reported at the list's path, not per index, as upstream does). */
export function validateOwnerReferences(refs: readonly OwnerReferenceInput[] | null | undefined, fieldPath: string): FieldError[] {
  const errs: FieldError[] = [];
  if (refs == null) return errs;
  let firstController = '';
  for (const ref of refs) {
    const apiVersion = ref.apiVersion ?? '';
    const kind = ref.kind ?? '';
    const name = ref.name ?? '';
    const uid = ref.uid ?? '';
    const gv = parseGroupVersion(apiVersion);
    if (gv.version === '') errs.push(invalid(childPath(fieldPath, 'apiVersion'), apiVersion, 'version must not be empty'));
    if (kind === '') errs.push(invalid(childPath(fieldPath, 'kind'), kind, 'must not be empty'));
    if (name === '') errs.push(invalid(childPath(fieldPath, 'name'), name, 'must not be empty'));
    if (uid === '') errs.push(invalid(childPath(fieldPath, 'uid'), uid, 'must not be empty'));
    // BannedOwners: core/v1 Events may not own anything.
    if (gv.group === '' && gv.version === 'v1' && kind === 'Event') {
      errs.push(invalid(fieldPath, ref, '/v1, Kind=Event is disallowed from being an owner'));
    }
    if (ref.controller === true) {
      const current = kind + '/' + name;
      if (firstController !== '') {
        errs.push(
          invalid(
            fieldPath,
            refs,
            `Only one reference can have Controller set to true. Found "true" in references for ${firstController} and ${current}`,
          ),
        );
      } else {
        firstController = current;
      }
    }
  }
  return errs;
}

/** ValidateFinalizers: qualified names, and not both "orphan" and "foregroundDeletion". */
export function validateFinalizers(finalizers: readonly string[] | null | undefined, fieldPath: string): FieldError[] {
  const errs: FieldError[] = [];
  if (finalizers == null) return errs;
  for (const f of finalizers) {
    for (const msg of isQualifiedName(f)) errs.push(invalid(fieldPath, f, msg));
  }
  if (finalizers.includes(FINALIZER_ORPHAN_DEPENDENTS) && finalizers.includes(FINALIZER_DELETE_DEPENDENTS)) {
    errs.push(
      invalid(fieldPath, finalizers, `finalizer ${FINALIZER_ORPHAN_DEPENDENTS} and ${FINALIZER_DELETE_DEPENDENTS} cannot be both set`),
    );
  }
  return errs;
}

/** Go's unicode.IsPrint. */
const PRINTABLE = /^[\p{L}\p{M}\p{N}\p{P}\p{S} ]$/u;

/** ValidateFieldManager: at most 128 bytes, printable characters only (position = byte offset, as upstream). */
export function validateFieldManager(manager: string, fieldPath: string): FieldError[] {
  const errs: FieldError[] = [];
  if (utf8Length(manager) > FIELD_MANAGER_MAX_LENGTH) errs.push(tooLong(fieldPath, FIELD_MANAGER_MAX_LENGTH));
  let offset = 0;
  for (const ch of manager) {
    if (!PRINTABLE.test(ch)) {
      const cp = ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0');
      errs.push(invalid(fieldPath, manager, `invalid character U+${cp} (at position ${offset})`));
    }
    offset += utf8Length(ch);
  }
  return errs;
}

/** ValidateManagedFields. */
export function validateManagedFields(entries: readonly ManagedFieldsEntryInput[] | null | undefined, fieldPath: string): FieldError[] {
  const errs: FieldError[] = [];
  (entries ?? []).forEach((e, i) => {
    const p = indexPath(fieldPath, i);
    const op = e.operation ?? '';
    if (op !== 'Apply' && op !== 'Update') errs.push(invalid(childPath(p, 'operation'), op, 'must be `Apply` or `Update`'));
    const ft = e.fieldsType ?? '';
    if (ft !== '' && ft !== 'FieldsV1') errs.push(invalid(childPath(p, 'fieldsType'), ft, 'must be `FieldsV1`'));
    errs.push(...validateFieldManager(e.manager ?? '', childPath(p, 'manager')));
    if (utf8Length(e.subresource ?? '') > MAX_SUBRESOURCE_NAME_LENGTH) {
      errs.push(tooLong(childPath(p, 'subresource'), MAX_SUBRESOURCE_NAME_LENGTH));
    }
  });
  return errs;
}

/**
 * ValidateObjectMetaAccessor (create): generateName and name format, name-or-generateName required, namespace
 * required (namespaced) or forbidden (cluster-scoped), generation, labels, annotations, ownerReferences,
 * finalizers, managedFields. Run it after name generation, as upstream does.
 */
export function validateObjectMeta(meta: ObjectMetaInput | null | undefined, opts: ObjectMetaOptions): FieldError[] {
  const m = meta ?? {};
  const fp = opts.fieldPath ?? 'metadata';
  const errs: FieldError[] = [];
  const generateName = m.generateName ?? '';
  if (generateName !== '') {
    for (const msg of validateObjectMetaName(generateName, opts.nameRule, true)) {
      errs.push(invalid(childPath(fp, 'generateName'), generateName, msg));
    }
  }
  const name = m.name ?? '';
  if (name === '') {
    errs.push(required(childPath(fp, 'name'), 'name or generateName is required'));
  } else {
    for (const msg of validateObjectMetaName(name, opts.nameRule)) errs.push(invalid(childPath(fp, 'name'), name, msg));
  }
  const namespace = m.namespace ?? '';
  if (opts.namespaced) {
    if (namespace === '') errs.push(required(childPath(fp, 'namespace')));
    else for (const msg of isDNS1123Label(namespace)) errs.push(invalid(childPath(fp, 'namespace'), namespace, msg));
  } else if (namespace !== '') {
    errs.push(forbidden(childPath(fp, 'namespace'), 'not allowed on this type'));
  }
  if (typeof m.generation === 'number' && m.generation < 0) {
    errs.push(invalid(childPath(fp, 'generation'), m.generation, IS_NEGATIVE_ERROR_MSG));
  }
  errs.push(...validateLabels(m.labels, childPath(fp, 'labels')));
  errs.push(...validateAnnotations(m.annotations, childPath(fp, 'annotations')));
  errs.push(...validateOwnerReferences(m.ownerReferences, childPath(fp, 'ownerReferences')));
  errs.push(...validateFinalizers(m.finalizers, childPath(fp, 'finalizers')));
  errs.push(...validateManagedFields(m.managedFields, childPath(fp, 'managedFields')));
  return errs;
}

/** metav1.Time equality (second precision, any RFC 3339 offset); unset, null and "" are the zero time. */
function sameTime(a: string | null | undefined, b: string | null | undefined): boolean {
  const x = a || null;
  const y = b || null;
  if (x === y) return true;
  if (x === null || y === null) return false;
  const tx = Date.parse(x);
  const ty = Date.parse(y);
  return !Number.isNaN(tx) && !Number.isNaN(ty) && Math.floor(tx / 1000) === Math.floor(ty / 1000);
}

/**
 * ValidateObjectMetaAccessorUpdate: no new finalizers while deleting, resourceVersion required, generation not
 * decremented, name/namespace/uid/creationTimestamp/deletionTimestamp/deletionGracePeriodSeconds immutable, plus
 * labels, annotations, ownerReferences and managedFields. Upstream's update path (rest.BeforeUpdate) also runs the
 * create checks with the path-segment rule, and first copies uid/creationTimestamp from the old object when the
 * new one omits them; both are the caller's job.
 */
export function validateObjectMetaUpdate(newMeta: ObjectMetaInput | null | undefined, oldMeta: ObjectMetaInput | null | undefined, fieldPath = 'metadata'): FieldError[] {
  const n = newMeta ?? {};
  const o = oldMeta ?? {};
  const fp = fieldPath;
  const errs: FieldError[] = [];
  if (o.deletionTimestamp) {
    const had = new Set(o.finalizers ?? []);
    const extra = [...new Set((n.finalizers ?? []).filter((f) => !had.has(f)))].sort(compareGoStrings);
    if (extra.length > 0) {
      errs.push(
        forbidden(
          childPath(fp, 'finalizers'),
          `no new finalizers can be added if the object is being deleted, found new finalizers ${goStringSlice(extra)}`,
        ),
      );
    }
  }
  if ((n.resourceVersion ?? '') === '') {
    errs.push(invalid(childPath(fp, 'resourceVersion'), n.resourceVersion ?? '', 'must be specified for an update'));
  }
  if ((n.generation ?? 0) < (o.generation ?? 0)) {
    errs.push(invalid(childPath(fp, 'generation'), n.generation ?? 0, 'must not be decremented'));
  }
  for (const key of ['name', 'namespace', 'uid'] as const) {
    const nv = n[key] ?? '';
    if (nv !== (o[key] ?? '')) errs.push(invalid(childPath(fp, key), nv, FIELD_IMMUTABLE_ERROR_MSG));
  }
  for (const key of ['creationTimestamp', 'deletionTimestamp'] as const) {
    if (!sameTime(n[key], o[key])) errs.push(invalid(childPath(fp, key), n[key] || null, FIELD_IMMUTABLE_ERROR_MSG));
  }
  const ngrace = n.deletionGracePeriodSeconds ?? null;
  if (ngrace !== (o.deletionGracePeriodSeconds ?? null)) {
    errs.push(invalid(childPath(fp, 'deletionGracePeriodSeconds'), ngrace, FIELD_IMMUTABLE_ERROR_MSG));
  }
  errs.push(...validateLabels(n.labels, childPath(fp, 'labels')));
  errs.push(...validateAnnotations(n.annotations, childPath(fp, 'annotations')));
  errs.push(...validateOwnerReferences(n.ownerReferences, childPath(fp, 'ownerReferences')));
  errs.push(...validateManagedFields(n.managedFields, childPath(fp, 'managedFields')));
  return errs;
}
