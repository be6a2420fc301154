// metadata.managedFields bookkeeping (upstream k8s.io/apiserver/pkg/endpoints/handlers/fieldmanager): Update and
// Patch operations give their manager the fields they changed; server-side apply merges a configuration, reports
// conflicts with other managers (409 unless forced), and removes fields its manager stopped applying.
import { isDeepStrictEqual } from 'node:util';
import { ApiError } from '../errors.js';
import type { TypeRef } from '../patch/index.js';
import { addMember, difference, emptySet, fromFieldsV1, has, intersection, isEmpty, members, pathString, SELF, toFieldsV1, union, type FieldTree } from './fieldset.js';
import { mergeObject, removePath } from './merge.js';
import { conflictsAllowedByLastApplied, KUBECTL_APPLY_MANAGER, syncLastApplied } from './last-applied.js';
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

/**
 * One managedFields entry being worked on. Its field set is decoded from the FieldsV1 JSON on first use: a write
 * usually touches one manager's entry, and the others (a controller's big spec entry beside a kubelet's status one)
 * are written back as they were, without a decode/encode round trip.
 */
class Entry {
  private tree: FieldTree | undefined;
  constructor(
    public meta: Omit<ManagedFieldsEntry, 'fieldsV1'>,
    private raw: unknown,
    tree?: FieldTree,
  ) {
    this.tree = tree;
  }

  get fields(): FieldTree {
    return (this.tree ??= fromFieldsV1(this.raw));
  }

  set fields(t: FieldTree) {
    this.tree = t;
  }

  /** Removes the members of `taken` from this entry's set, decoding it only if it has any of them. */
  release(taken: FieldTree): void {
    if (this.tree || rawIntersects(taken, this.raw)) this.fields = difference(this.fields, taken);
  }

  /** The FieldsV1 JSON to write: the original when the set was never decoded. */
  encoded(): Record<string, unknown> | undefined {
    if (!this.tree) return isObj(this.raw) && Object.keys(this.raw).length ? (this.raw as Record<string, unknown>) : undefined;
    return isEmpty(this.tree) ? undefined : toFieldsV1(this.tree);
  }
}

/** Whether FieldsV1 JSON `raw` has a member of `t` (has() for every member of t, without decoding raw). */
function rawIntersects(t: FieldTree, raw: unknown): boolean {
  if (!isObj(raw)) return false;
  for (const [el, child] of t) {
    if (el === SELF || !Object.hasOwn(raw, el)) continue;
    const r = (raw as Obj)[el];
    if ((child.size === 0 || child.has(SELF)) && isObj(r) && (Object.hasOwn(r, SELF) || Object.keys(r).length === 0)) return true;
    if (child.size && rawIntersects(child, r)) return true;
  }
  return false;
}

function decode(list: unknown): Entry[] {
  if (!Array.isArray(list)) return [];
  return list.filter(isObj).map((e) => new Entry({ ...(e as Obj), fieldsV1: undefined } as never, (e as Obj).fieldsV1));
}

function encode(entries: Entry[]): ManagedFieldsEntry[] {
  const out: ManagedFieldsEntry[] = [];
  for (const e of entries) {
    const fieldsV1 = e.encoded();
    if (!fieldsV1) continue;
    const { fieldsV1: _drop, ...meta } = e.meta as Obj;
    out.push({ ...(meta as Omit<ManagedFieldsEntry, 'fieldsV1'>), fieldsType: 'FieldsV1', fieldsV1 });
  }
  return out.sort(compareEntries);
}

/** upstream sortEncodedManagedFields: by operation (Apply first), time (whole seconds), manager, apiVersion, subresource. */
function compareEntries(p: ManagedFieldsEntry, q: ManagedFieldsEntry): number {
  const seconds = (e: ManagedFieldsEntry) => (e.time ? Math.floor(Date.parse(e.time) / 1000) || 0 : 0);
  const cmp = (a: string | number, b: string | number) => (a < b ? -1 : a > b ? 1 : 0);
  return (
    cmp(p.operation, q.operation) ||
    cmp(seconds(p), seconds(q)) ||
    cmp(p.manager, q.manager) ||
    cmp(p.apiVersion ?? '', q.apiVersion ?? '') ||
    cmp(p.subresource ?? '', q.subresource ?? '')
  );
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
    entries.push(new Entry(meta, undefined, fields));
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
  const sent = newObj.metadata?.managedFields;
  if (!oldObj && !(Array.isArray(sent) && sent.length)) return createdEntries(newObj, ctx);
  const entries = baseEntries(oldObj, newObj);
  const newFields = trackedFields(newObj, ctx);
  let changed: FieldTree;
  let removed = emptySet();
  if (!oldObj) {
    changed = newFields;
  } else {
    const oldFields = trackedFields(oldObj, ctx);
    changed = emptySet();
    changedMembers(newFields, oldFields, oldObj, newObj, [], changed);
    removed = difference(oldFields, newFields);
  }
  const taken = union(changed, removed);
  for (const e of entries) if (!sameIdentity(e, ctx.manager, 'Update', ctx.subresource)) e.release(taken);
  if (!isEmpty(changed)) upsert(entries, ctx, 'Update', changed, false);
  const mine = entries.find((e) => sameIdentity(e, ctx.manager, 'Update', ctx.subresource));
  if (mine) mine.fields = difference(mine.fields, removed);
  return encode(entries);
}

/**
 * The common create (no prior object, no managedFields sent): the manager owns every tracked field, one entry. What
 * the general path computes for it, without its set algebra (each step of which rebuilds the tree).
 */
function createdEntries(newObj: Obj, ctx: FieldManagerContext): ManagedFieldsEntry[] {
  const fields = trackedFields(newObj, ctx);
  if (isEmpty(fields)) return [];
  const entry: Obj = { manager: ctx.manager, operation: 'Update', apiVersion: ctx.apiVersion, time: ctx.time, fieldsType: 'FieldsV1' };
  if (ctx.subresource) entry.subresource = ctx.subresource;
  entry.fieldsV1 = toFieldsV1(fields);
  return [entry as ManagedFieldsEntry];
}

/**
 * Adds to `out` each member p of `newTree` (in members() order) whose value differs between the objects
 * (JSON.stringify(valueAt(oldVal, p)) vs the same for newVal) or that `oldTree` does not have as a member. One walk
 * down both objects along the tree, instead of resolving every member's path from the root again.
 */
function changedMembers(newTree: FieldTree, oldTree: FieldTree | undefined, oldVal: unknown, newVal: unknown, path: string[], out: FieldTree): void {
  for (const [el, child] of newTree) {
    if (el === SELF) continue;
    const p = [...path, el];
    const oldChildVal = oldVal === undefined ? undefined : valueAt(oldVal, [el]);
    const newChildVal = newVal === undefined ? undefined : valueAt(newVal, [el]);
    const oldChild = oldTree?.get(el);
    if (child.size === 0 || child.has(SELF)) {
      const wasMember = oldChild !== undefined && (oldChild.size === 0 || oldChild.has(SELF));
      if (!wasMember || JSON.stringify(oldChildVal) !== JSON.stringify(newChildVal)) addMember(out, p);
    }
    if (child.size) changedMembers(child, oldChild, oldChildVal, newChildVal, p, out);
  }
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
  const base = live ? structuredClone(live) : {};
  let object = mergeObject(base, config, ctx.type) as Obj;
  // Conflicts are the other managers' fields that the merge modifies or adds (structured-merge-diff compares the live
  // object with the merged one, leaf by leaf: a list item both sides have is decided by its fields).
  const conflicts: { manager: Entry; path: string[] }[] = [];
  for (const e of entries) {
    if (sameIdentity(e, ctx.manager, 'Apply', ctx.subresource)) continue;
    for (const p of members(intersection(applied, e.fields))) {
      if (changedByMerge(live, object, p)) conflicts.push({ manager: e, path: p });
    }
  }
  if (conflicts.length && !force) {
    // kubectl's own server-side apply may take over what it applied client-side before (upstream lastAppliedManager).
    const allowed = ctx.manager === KUBECTL_APPLY_MANAGER ? conflictsAllowedByLastApplied(live, (c) => trackedFields(c, ctx)) : undefined;
    const remaining = allowed ? conflicts.filter((c) => !has(allowed, c.path)) : conflicts;
    if (remaining.length) throw conflictError(remaining);
  }
  for (const c of conflicts) c.manager.fields = difference(c.manager.fields, pathSet(c.path));

  // Fields this manager applied before but not now, and nobody else owns, are removed.
  const previous = entries.find((e) => sameIdentity(e, ctx.manager, 'Apply', ctx.subresource))?.fields ?? emptySet();
  let othersOwn = emptySet();
  for (const e of entries) if (!sameIdentity(e, ctx.manager, 'Apply', ctx.subresource)) othersOwn = union(othersOwn, e.fields);
  // Shallow paths first: removing a list item makes its fields' removals no-ops.
  const dropped = members(difference(difference(previous, applied), othersOwn)).sort((a, b) => a.length - b.length);
  for (const p of dropped) removePath(object, p);
  object = pruneEmpty(object);
  // An object kubectl applied client-side keeps its annotation in step (upstream lastAppliedUpdater).
  if (ctx.manager === KUBECTL_APPLY_MANAGER) syncLastApplied(object, config);
  upsert(entries, ctx, 'Apply', applied, true);
  return { object, managedFields: encode(entries) };
}

function changedByMerge(live: Obj | undefined, merged: Obj, path: string[]): boolean {
  const before = valueAt(live, path);
  if (path[path.length - 1].startsWith('k:') && before !== undefined) return false;
  return !isDeepStrictEqual(before, valueAt(merged, path));
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
