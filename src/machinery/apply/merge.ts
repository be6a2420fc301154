// Merging an applied configuration into the live object, and removing the fields an applier gave up
// (structured-merge-diff's merge and RemoveItems over the schema facts).
import { fieldInfo, type FieldFact, type TypeRef } from '../patch/index.js';
import { isObj, itemKey, listKind, setKey } from './schema-walk.js';

type Obj = Record<string, unknown>;

export function mergeObject(live: unknown, config: Obj, type: TypeRef | undefined): Obj {
  const out: Obj = isObj(live) ? { ...live } : {};
  for (const [k, v] of Object.entries(config)) {
    if (v === undefined || v === null) continue;
    out[k] = mergeField(out[k], v, type ? fieldInfo(type, k) : undefined);
  }
  return out;
}

function mergeField(live: unknown, config: unknown, f: FieldFact | undefined): unknown {
  if (Array.isArray(config)) {
    const lk = f?.list ? listKind(f) : undefined;
    if (!lk || lk.kind === 'atomic' || !Array.isArray(live)) return structuredClone(config);
    if (lk.kind === 'set') {
      const seen = new Set(live.map((x) => JSON.stringify(x)));
      return [...live, ...config.filter((x) => !seen.has(JSON.stringify(x)))];
    }
    // Associative list: merge items by key; new items are appended in the applied order.
    const result = [...live];
    for (const item of config) {
      const key = itemKey(item, lk.keys);
      const idx = key === undefined ? -1 : result.findIndex((x) => itemKey(x, lk.keys) === key);
      if (idx >= 0 && isObj(item)) result[idx] = mergeObject(result[idx], item, f?.type);
      else result.push(structuredClone(item));
    }
    return result;
  }
  if (isObj(config)) {
    const atomic = f?.mapType === 'atomic';
    if (atomic || !isObj(live)) return structuredClone(config);
    if (f?.map) {
      const out: Obj = { ...live };
      for (const [k, v] of Object.entries(config)) if (v !== null && v !== undefined) out[k] = isObj(v) ? mergeObject(out[k], v, f.type) : structuredClone(v);
      return out;
    }
    return mergeObject(live, config, f?.type);
  }
  return config;
}

/** Removes the value at `path` (a field, an associative list item or a set member) from `obj` in place. */
export function removePath(obj: unknown, path: string[]): void {
  if (!path.length) return;
  const parentPath = path.slice(0, -1);
  let parent: unknown = obj;
  for (const el of parentPath) {
    parent = step(parent, el);
    if (parent === undefined) return;
  }
  const last = path[path.length - 1];
  const kind = last.slice(0, 2);
  const rest = last.slice(2);
  if (kind === 'f:' && isObj(parent)) delete parent[rest];
  else if (Array.isArray(parent)) {
    const idx =
      kind === 'k:'
        ? parent.findIndex((it) => isObj(it) && itemKey(it, Object.keys(JSON.parse(rest) as Obj)) === last)
        : kind === 'v:'
          ? parent.findIndex((it) => setKey(it) === last)
          : -1;
    if (idx >= 0) parent.splice(idx, 1);
  }
}

function step(cur: unknown, el: string): unknown {
  const kind = el.slice(0, 2);
  const rest = el.slice(2);
  if (kind === 'f:') return isObj(cur) ? cur[rest] : undefined;
  if (kind === 'k:' && Array.isArray(cur)) {
    const keys = Object.keys(JSON.parse(rest) as Obj);
    return cur.find((it) => itemKey(it, keys) === el);
  }
  return undefined;
}
