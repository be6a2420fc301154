// Field sets as server-side apply tracks them (sigs.k8s.io/structured-merge-diff fieldpath.Set), kept as a tree whose
// keys are the FieldsV1 path elements: `f:<field>`, `k:<json of the key fields>` for items of associative lists,
// `v:<json value>` for items of sets, `i:<index>` for items of atomic lists. A node's `.` member marks that the node
// itself (a list item or map) is a member, as FieldsV1 encodes it.

export type FieldTree = Map<string, FieldTree>;

export const SELF = '.';

export function emptySet(): FieldTree {
  return new Map();
}

export function isEmpty(t: FieldTree): boolean {
  return t.size === 0;
}

export function add(t: FieldTree, path: string[]): void {
  let node = t;
  for (const el of path) {
    let next = node.get(el);
    if (!next) node.set(el, (next = new Map()));
    node = next;
  }
}

/** Leaf paths (members) of the set, as element arrays; a node with `.` counts as a member itself. */
export function members(t: FieldTree, prefix: string[] = [], out: string[][] = []): string[][] {
  for (const [el, child] of t) {
    if (el === SELF) continue;
    const path = [...prefix, el];
    if (child.size === 0 || child.has(SELF)) out.push(path);
    if (child.size) members(child, path, out);
  }
  return out;
}

export function has(t: FieldTree, path: string[]): boolean {
  let node: FieldTree | undefined = t;
  for (let i = 0; i < path.length; i++) {
    node = node.get(path[i]);
    if (!node) return false;
  }
  return node.size === 0 || node.has(SELF);
}

export function union(a: FieldTree, b: FieldTree): FieldTree {
  const out = clone(a);
  for (const p of members(b)) addMember(out, p);
  return out;
}

/** a minus b (members of a that are not members of b; the structure of b's non-members is kept in a). */
export function difference(a: FieldTree, b: FieldTree): FieldTree {
  const out = emptySet();
  for (const p of members(a)) if (!has(b, p)) addMember(out, p);
  return out;
}

export function intersection(a: FieldTree, b: FieldTree): FieldTree {
  const out = emptySet();
  for (const p of members(a)) if (has(b, p)) addMember(out, p);
  return out;
}

/** Adds `path` as a member: its last node is a leaf or gets `.` when it has children. */
export function addMember(t: FieldTree, path: string[]): void {
  let node = t;
  for (let i = 0; i < path.length; i++) {
    let next = node.get(path[i]);
    if (!next) node.set(path[i], (next = new Map()));
    // An existing leaf that gains children stays a member: it gets `.`.
    else if (next.size === 0 && i < path.length - 1) next.set(SELF, new Map());
    node = next;
  }
  if (node.size > 0 && !node.has(SELF)) node.set(SELF, new Map());
}

function clone(t: FieldTree): FieldTree {
  const out: FieldTree = new Map();
  for (const [k, v] of t) out.set(k, clone(v));
  return out;
}

/** FieldsV1 JSON (`{"f:spec":{"f:replicas":{}}}`) → tree. */
export function fromFieldsV1(v: unknown): FieldTree {
  const out: FieldTree = new Map();
  if (!v || typeof v !== 'object' || Array.isArray(v)) return out;
  for (const [k, child] of Object.entries(v as Record<string, unknown>)) out.set(k, fromFieldsV1(child));
  return out;
}

/** Tree → FieldsV1 JSON, with sorted keys (`.` first) like upstream's serialisation. */
export function toFieldsV1(t: FieldTree): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const keys = [...t.keys()].sort((a, b) => (a === SELF ? -1 : b === SELF ? 1 : a < b ? -1 : a > b ? 1 : 0));
  for (const k of keys) out[k] = toFieldsV1(t.get(k)!);
  return out;
}

/** `.spec.template.spec.containers[name="web"].image` — the path notation of upstream conflict messages. */
export function pathString(path: string[]): string {
  let s = '';
  for (const el of path) {
    const kind = el.slice(0, 2);
    const rest = el.slice(2);
    if (kind === 'f:') s += `.${rest}`;
    else if (kind === 'k:') {
      const keys = JSON.parse(rest) as Record<string, unknown>;
      s += `[${Object.entries(keys).map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(',')}]`;
    } else if (kind === 'v:') s += `[=${rest}]`;
    else if (kind === 'i:') s += `[${rest}]`;
  }
  return s;
}
