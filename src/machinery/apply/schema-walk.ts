// Walking an object by its schema facts: which field set it covers, and how its lists are keyed. Lists follow
// x-kubernetes-list-type (map with its keys, set, atomic); a list with only a strategic merge key is treated as a
// map keyed by it, and maps/structs marked atomic are single leaves — the rules structured-merge-diff applies to
// built-in types.
import { fieldInfo, typeInfo, type FieldFact, type TypeRef } from '../patch/index.js';
import { add, addMember, emptySet, type FieldTree } from './fieldset.js';

type Obj = Record<string, unknown>;

export type ListKind = { kind: 'map'; keys: string[] } | { kind: 'set' } | { kind: 'atomic' };

const PRIMITIVES = new Set(['string', 'integer', 'number', 'boolean', 'int32', 'int64', 'bool']);

export function listKind(f: FieldFact): ListKind {
  if (f.listType === 'map' && f.listMapKeys?.length) return { kind: 'map', keys: f.listMapKeys };
  if (f.listType === 'set') return { kind: 'set' };
  if (f.listType === 'atomic') return { kind: 'atomic' };
  if (f.patchStrategy?.includes('merge')) {
    if (f.patchMergeKey) return { kind: 'map', keys: [f.patchMergeKey] };
    if (PRIMITIVES.has(f.type)) return { kind: 'set' };
  }
  return { kind: 'atomic' };
}

export function isObj(v: unknown): v is Obj {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** The `k:` element for an associative list item: its key fields as JSON, in key-name order (like upstream). */
export function itemKey(item: unknown, keys: string[]): string | undefined {
  if (!isObj(item)) return undefined;
  const o: Obj = {};
  for (const k of [...keys].sort()) {
    if (item[k] === undefined) continue;
    o[k] = item[k];
  }
  return Object.keys(o).length ? `k:${JSON.stringify(o)}` : undefined;
}

export function setKey(v: unknown): string {
  return `v:${JSON.stringify(v)}`;
}

/** Fields of an object value of `type` (undefined type: a granular map with no list information). */
export function fieldsOf(value: unknown, type: TypeRef | undefined): FieldTree {
  const out = emptySet();
  walkObject(value, type, [], out);
  return out;
}

function walkObject(value: unknown, type: TypeRef | undefined, path: string[], out: FieldTree): void {
  if (!isObj(value)) return;
  for (const [k, v] of Object.entries(value)) {
    if (v === undefined) continue;
    walkField(v, type ? fieldInfo(type, k) : undefined, [...path, `f:${k}`], out);
  }
}

function walkField(v: unknown, f: FieldFact | undefined, path: string[], out: FieldTree): void {
  if (Array.isArray(v)) {
    const lk = f?.list ? listKind(f) : ({ kind: 'atomic' } as ListKind);
    if (lk.kind === 'atomic' || !v.length) return addMember(out, path);
    for (const item of v) {
      if (lk.kind === 'set') {
        addMember(out, [...path, setKey(item)]);
        continue;
      }
      const key = itemKey(item, lk.keys);
      if (!key) continue;
      const itemPath = [...path, key];
      add(out, itemPath);
      walkObject(item, f?.type, itemPath, out);
      // The item itself is a member (`.`) besides its fields.
      addMember(out, itemPath);
    }
    return;
  }
  if (isObj(v)) {
    const atomic = f?.mapType === 'atomic' || (f && typeInfo(f.type)?.mapType === 'atomic') || (f && typeInfo(f.type)?.opaque);
    if (atomic || !Object.keys(v).length) return addMember(out, path);
    if (f?.map) {
      // A map of values: each key is a field; struct values are walked by the value type.
      for (const [k, item] of Object.entries(v)) walkField(item, isObj(item) ? { type: f.type } : undefined, [...path, `f:${k}`], out);
      return;
    }
    walkObject(v, f?.type, path, out);
    return;
  }
  addMember(out, path);
}

/** The value at a field path, or undefined. */
export function valueAt(obj: unknown, path: string[]): unknown {
  let cur: unknown = obj;
  for (const el of path) {
    if (el === '.') continue;
    const kind = el.slice(0, 2);
    const rest = el.slice(2);
    if (kind === 'f:') cur = isObj(cur) ? cur[rest] : undefined;
    else if (kind === 'k:') {
      const want = JSON.parse(rest) as Obj;
      cur = Array.isArray(cur) ? cur.find((it) => isObj(it) && Object.entries(want).every(([k, x]) => JSON.stringify(it[k]) === JSON.stringify(x))) : undefined;
    } else if (kind === 'v:') {
      cur = Array.isArray(cur) ? cur.find((it) => JSON.stringify(it) === rest) : undefined;
    } else if (kind === 'i:') cur = Array.isArray(cur) ? cur[Number(rest)] : undefined;
    if (cur === undefined) return undefined;
  }
  return cur;
}
