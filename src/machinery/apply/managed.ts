// metadata.managedFields bookkeeping (upstream k8s.io/apiserver/pkg/endpoints/handlers/fieldmanager): Update and
// Patch operations give their manager the fields they changed; server-side apply merges a configuration, reports
// conflicts with other managers (409 unless forced), and removes fields its manager stopped applying.
import { ApiError } from '../errors.js';
import type { TypeRef } from '../patch/index.js';
import { addMember, difference, emptySet, fromFieldsV1, has, intersection, isEmpty, members, pathString, toFieldsV1, union, type FieldTree } from './fieldset.js';
import { mergeObject, removePath } from './merge.js';
import { fieldsOf, isObj, valueAt } from './schema-walk.js';

type Obj = Record<string, any>;

export interface ManagedFieldsEntry {
  manager: string;
  operation: 'Apply' | 'Update';
  apiVersion: string;
  time: string;
  fieldsType: 'FieldsV1';
  fieldsV1: Record<string, unknown>;
  subresource?: string;
}

export interface FieldManagerContext {
  manager: string;
  apiVersion: string;
  /** RFC 3339 time of the operation. */
  time: string;
  type: TypeRef | undefined;
  /** 'status' for status-subresource writes. */
  subresource?: string;
  /** The type has a status subresource: main-resource managers never own status, status writers own only it. */
  statusSubresource: boolean;
}

// Fields never tracked (upstream fieldmanager's stripMeta).
const STRIPPED_META = ['name', 'namespace', 'uid', 'resourceVersion', 'generation', 'creationTimestamp', 'managedFields', 'selfLink', 'deletionTimestamp', 'deletionGracePeriodSeconds'];

export function trackedFields(obj: Obj, ctx: FieldManagerContext): FieldTree {
  const view: Obj = { ...obj };
  delete view.apiVersion;
  delete view.kind;
  if (isObj(view.metadata)) {
    const meta = { ...view.metadata };
    for (const k of STRIPPED_META) delete meta[k];
    if (Object.keys(meta).length) view.metadata = meta;
    else delete view.metadata;
  }
  if (ctx.statusSubresource) {
    if (ctx.subresource === 'status') return fieldsOf({ status: view.status }, ctx.type);
    delete view.status;
  }
  return fieldsOf(view, ctx.type);
}

interface Entry {
  meta: Omit<ManagedFieldsEntry, 'fieldsV1'>;
  fields: FieldTree;
}

function decode(list: unknown): Entry[] {
  if (!Array.isArray(list)) return [];
  return list.filter(isObj).map((e) => ({ meta: { ...(e as Obj), fieldsV1: undefined } as never, fields: fromFieldsV1((e as Obj).fieldsV1) }));
}

function encode(entries: Entry[]): ManagedFieldsEntry[] {
  const out: ManagedFieldsEntry[] = [];
  for (const e of entries) {
    if (isEmpty(e.fields)) continue;
    const { fieldsV1: _drop, ...meta } = e.meta as Obj;
    out.push({ ...(meta as Omit<ManagedFieldsEntry, 'fieldsV1'>), fieldsType: 'FieldsV1', fieldsV1: toFieldsV1(e.fields) });
  }
  return out;
}

function sameIdentity(e: Entry, manager: string, operation: string, subresource: string | undefined): boolean {
  return e.meta.manager === manager && e.meta.operation === operation && (e.meta.subresource ?? '') === (subresource ?? '');
}

function upsert(entries: Entry[], ctx: FieldManagerContext, operation: 'Apply' | 'Update', fields: FieldTree, replace: boolean): void {
  const meta: Entry['meta'] = { manager: ctx.manager, operation, apiVersion: ctx.apiVersion, time: ctx.time, fieldsType: 'FieldsV1' };
  if (ctx.subresource) meta.subresource = ctx.subresource;
  const existing = entries.find((e) => sameIdentity(e, ctx.manager, operation, ctx.subresource));
  if (existing) {
    existing.meta = meta;
    existing.fields = replace ? fields : union(existing.fields, fields);
  } else {
    entries.push({ meta, fields });
  }
}

/** The base entries for a write: the ones the client sent if it changed them explicitly, else the stored ones. */
function baseEntries(oldObj: Obj | undefined, newObj: Obj): Entry[] {
  const sent = newObj.metadata?.managedFields;
  const stored = oldObj?.metadata?.managedFields;
  if (Array.isArray(sent) && JSON.stringify(sent) !== JSON.stringify(stored ?? [])) return decode(sent);
  return decode(stored);
}

/** managedFields after a create, update or (non-apply) patch by ctx.manager. */
export function updateManagedFields(oldObj: Obj | undefined, newObj: Obj, ctx: FieldManagerContext): ManagedFieldsEntry[] {
  const entries = baseEntries(oldObj, newObj);
  const newFields = trackedFields(newObj, ctx);
  let changed: FieldTree;
  let removed = emptySet();
  if (!oldObj) {
    changed = newFields;
  } else {
    const oldFields = trackedFields(oldObj, ctx);
    changed = emptySet();
    for (const p of members(newFields)) {
      if (JSON.stringify(valueAt(oldObj, p)) !== JSON.stringify(valueAt(newObj, p)) || !has(oldFields, p)) changed = union(changed, pathSet(p));
    }
    removed = difference(oldFields, newFields);
  }
  const taken = union(changed, removed);
  for (const e of entries) if (!sameIdentity(e, ctx.manager, 'Update', ctx.subresource)) e.fields = difference(e.fields, taken);
  if (!isEmpty(changed)) upsert(entries, ctx, 'Update', changed, false);
  const mine = entries.find((e) => sameIdentity(e, ctx.manager, 'Update', ctx.subresource));
  if (mine) mine.fields = difference(mine.fields, removed);
  return encode(entries);
}

function pathSet(p: string[]): FieldTree {
  const t = emptySet();
  addMember(t, p);
  return t;
}

export interface ApplyResult {
  object: Obj;
  managedFields: ManagedFieldsEntry[];
}

/**
 * Server-side apply of `config` by ctx.manager onto `live` (undefined: create). Throws a 409 Conflict listing the
 * fields and managers when another manager owns a field whose value the config changes, unless `force`.
 */
export function applyConfig(live: Obj | undefined, config: Obj, ctx: FieldManagerContext, force: boolean): ApplyResult {
  const entries = baseEntries(live, live ?? {});
  const applied = trackedFields(config, ctx);
  const conflicts: { manager: Entry; path: string[] }[] = [];
  for (const e of entries) {
    if (sameIdentity(e, ctx.manager, 'Apply', ctx.subresource)) continue;
    for (const p of members(intersection(applied, e.fields))) {
      if (JSON.stringify(valueAt(live, p)) !== JSON.stringify(valueAt(config, p))) conflicts.push({ manager: e, path: p });
    }
  }
  if (conflicts.length && !force) throw conflictError(conflicts);
  for (const c of conflicts) c.manager.fields = difference(c.manager.fields, pathSet(c.path));

  const base = live ? structuredClone(live) : {};
  let object = mergeObject(base, config, ctx.type) as Obj;
  // Fields this manager applied before but not now, and nobody else owns, are removed.
  const previous = entries.find((e) => sameIdentity(e, ctx.manager, 'Apply', ctx.subresource))?.fields ?? emptySet();
  let othersOwn = emptySet();
  for (const e of entries) if (!sameIdentity(e, ctx.manager, 'Apply', ctx.subresource)) othersOwn = union(othersOwn, e.fields);
  // Shallow paths first: removing a list item makes its fields' removals no-ops.
  const dropped = members(difference(difference(previous, applied), othersOwn)).sort((a, b) => a.length - b.length);
  for (const p of dropped) removePath(object, p);
  object = pruneEmpty(object);
  upsert(entries, ctx, 'Apply', applied, true);
  return { object, managedFields: encode(entries) };
}

/** Maps left empty by removals disappear (labels: {} → absent), as a Go round trip would drop them. */
function pruneEmpty(o: Obj): Obj {
  if (isObj(o.metadata)) {
    for (const k of ['labels', 'annotations']) if (isObj(o.metadata[k]) && !Object.keys(o.metadata[k]).length) delete o.metadata[k];
  }
  return o;
}

function printManager(e: Entry): string {
  let s = JSON.stringify(e.meta.manager);
  if (e.meta.subresource) s += ` with subresource ${JSON.stringify(e.meta.subresource)}`;
  if (e.meta.operation === 'Update') s += ` using ${e.meta.apiVersion}`;
  return s;
}

function conflictError(conflicts: { manager: Entry; path: string[] }[]): ApiError {
  let message: string;
  if (conflicts.length === 1) {
    message = `Apply failed with 1 conflict: conflict with ${printManager(conflicts[0].manager)}: ${pathString(conflicts[0].path)}`;
  } else {
    const byManager = new Map<string, string[]>();
    for (const c of conflicts) {
      const m = printManager(c.manager);
      byManager.set(m, [...(byManager.get(m) ?? []), pathString(c.path)]);
    }
    const lines: string[] = [];
    for (const m of [...byManager.keys()].sort()) {
      lines.push(`conflicts with ${m}:`);
      for (const p of byManager.get(m)!.sort()) lines.push(`- ${p}`);
    }
    message = `Apply failed with ${conflicts.length} conflicts: ${lines.join('\n')}`;
  }
  return new ApiError(409, 'Conflict', message, {
    causes: conflicts.map((c) => ({ reason: 'FieldManagerConflict', message: `conflict with ${printManager(c.manager)}`, field: pathString(c.path) })),
  });
}
