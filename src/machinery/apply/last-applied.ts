// Moving an object from client-side to server-side apply without conflicts (upstream fieldmanager's
// lastAppliedManager and lastAppliedUpdater, both only for the field manager "kubectl"):
//   - a conflict with another manager is allowed when the field is in the kubectl.kubernetes.io/last-applied-
//     configuration annotation with the value the object still has (the user applied it client-side before);
//   - an object that has the annotation keeps it in step with what kubectl applies server-side.
import { isDeepStrictEqual } from 'node:util';
import { addMember, emptySet, members, type FieldTree } from './fieldset.js';
import { isObj, valueAt } from './schema-walk.js';

type Obj = Record<string, any>;

export const LAST_APPLIED_ANNOTATION = 'kubectl.kubernetes.io/last-applied-configuration';
/** The only manager the upgrade applies to: kubectl's server-side apply. */
export const KUBECTL_APPLY_MANAGER = 'kubectl';

function lastAppliedOf(obj: Obj | undefined): Obj | undefined {
  const text = obj?.metadata?.annotations?.[LAST_APPLIED_ANNOTATION];
  if (typeof text !== 'string' || !text) return undefined;
  try {
    const parsed = JSON.parse(text);
    return isObj(parsed) ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The fields a conflict may be forced on: those of the last-applied configuration whose value the live object still
 * has (upstream allowedConflictsFromLastApplied: the annotation's field set minus what was modified, added or
 * removed in the live object).
 * `fieldsOf` computes a configuration's field set the way apply tracks it. Undefined without the annotation.
 */
export function conflictsAllowedByLastApplied(live: Obj | undefined, fieldsOf: (config: Obj) => FieldTree): FieldTree | undefined {
  const lastApplied = lastAppliedOf(live);
  // (An annotation of another API version is not compared.)
  if (!lastApplied || lastApplied.apiVersion !== live?.apiVersion) return undefined;
  const allowed = emptySet();
  for (const p of members(fieldsOf(lastApplied))) {
    const before = valueAt(lastApplied, p);
    const now = valueAt(live, p);
    // A value changed or removed since the last apply is not allowed; a list item both have is decided by its fields.
    const changed = now === undefined || (!p[p.length - 1].startsWith('k:') && !isDeepStrictEqual(before, now));
    if (!changed) addMember(allowed, p);
  }
  return allowed;
}

/** Go's json.Encoder output for a decoded JSON value: map keys sorted, HTML characters escaped, a final newline. */
function goJson(v: unknown): string {
  const sorted = (x: unknown): unknown => {
    if (Array.isArray(x)) return x.map(sorted);
    if (isObj(x)) {
      const out: Obj = {};
      for (const k of Object.keys(x).sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)))) out[k] = sorted(x[k]);
      return out;
    }
    return x;
  };
  const escape: Record<string, string> = { '<': '\\u003c', '>': '\\u003e', '&': '\\u0026', '\u2028': '\\u2028', '\u2029': '\\u2029' };
  return `${JSON.stringify(sorted(v)).replace(/[<>&\u2028\u2029]/g, (c) => escape[c])}\n`;
}

/** Sets the annotation of `object` (the apply result) to `config` when the object already has one. Mutates. */
export function syncLastApplied(object: Obj, config: Obj): void {
  const annotations = object.metadata?.annotations;
  if (!isObj(annotations) || typeof annotations[LAST_APPLIED_ANNOTATION] !== 'string') return;
  const applied = structuredClone(config);
  if (isObj(applied.metadata?.annotations)) {
    delete applied.metadata.annotations[LAST_APPLIED_ANNOTATION];
  }
  annotations[LAST_APPLIED_ANNOTATION] = goJson(applied);
  // Annotations past the 256 KiB limit would make the object invalid: the annotation goes instead.
  const size = Object.entries(annotations).reduce((n, [k, v]) => n + Buffer.byteLength(k) + Buffer.byteLength(String(v)), 0);
  if (size > 256 * 1024) delete annotations[LAST_APPLIED_ANNOTATION];
}
