// ControllerRef handling shared by the ReplicaSet and Deployment controllers (upstream pkg/controller/
// controller_ref_manager.go: BaseControllerRefManager.ClaimObject, RecheckDeletionTimestamp, and the adopt/release
// strategic-merge patches of PodControllerRefManager / ReplicaSetControllerRefManager).
import type { ResourceClient } from '../../client/client.js';
import { ApiError } from '../../machinery/errors.js';
import type { Obj } from '../../registry/types.js';

export interface OwnerKind {
  apiVersion: string;
  kind: string;
}

/** metav1.GetControllerOf: the owner reference with controller=true, if any. */
export function controllerOf(obj: Obj): Obj | undefined {
  return (obj.metadata?.ownerReferences ?? []).find((r: Obj) => r?.controller === true);
}

/** metav1.NewControllerRef. */
export function newControllerRef(owner: Obj, kind: OwnerKind): Obj {
  return { apiVersion: kind.apiVersion, kind: kind.kind, name: owner.metadata.name, uid: owner.metadata.uid, controller: true, blockOwnerDeletion: true };
}

/**
 * resolveControllerRef (both controllers): the owner from `lookup` when the reference names our kind and the uid
 * still matches (a recreated owner with the same name must not inherit the old one's children).
 */
export function resolveControllerRef(ref: Obj | undefined, kind: OwnerKind, lookup: (name: string) => Obj | undefined): Obj | undefined {
  if (!ref || ref.kind !== kind.kind || String(ref.apiVersion ?? '').split('/')[0] !== kind.apiVersion.split('/')[0]) return undefined;
  const owner = lookup(ref.name);
  return owner && owner.metadata?.uid === ref.uid ? owner : undefined;
}

function isNotFound(err: unknown): boolean {
  return err instanceof ApiError && err.code === 404;
}

export interface ClaimOptions {
  owner: Obj;
  kind: OwnerKind;
  /** Does the selector (plus any extra filter) match this candidate? */
  match: (obj: Obj) => boolean;
  /** The candidates' client, used for the adopt/release patches. */
  client: ResourceClient;
  /** A fresh (uncached) read of the owner, checked before the first adoption (RecheckDeletionTimestamp). */
  fresh: () => Obj | undefined;
}

/**
 * ClaimObjects: keeps what we own and still match, releases what we own but no longer match, adopts matching
 * orphans. Returns the claimed objects (adopted ones as written by the patch).
 */
export async function claim(objs: Obj[], o: ClaimOptions): Promise<Obj[]> {
  const uid = o.owner.metadata.uid;
  const ownerDeleting = !!o.owner.metadata.deletionTimestamp;
  const claimed: Obj[] = [];
  let canAdopt: boolean | undefined;
  const errors: unknown[] = [];
  for (const obj of objs) {
    const ref = controllerOf(obj);
    try {
      if (ref) {
        if (ref.uid !== uid) continue; // owned by someone else
        if (o.match(obj)) {
          claimed.push(obj);
          continue;
        }
        if (ownerDeleting) continue;
        await release(obj, o);
        continue;
      }
      if (ownerDeleting || !o.match(obj) || obj.metadata?.deletionTimestamp) continue;
      if (obj.metadata?.namespace !== o.owner.metadata.namespace) continue;
      if (canAdopt === undefined) {
        const fresh = o.fresh();
        if (!fresh || fresh.metadata?.uid !== uid) throw new Error(`original ${o.owner.metadata.namespace}/${o.owner.metadata.name} is gone: got uid ${fresh?.metadata?.uid}, wanted ${uid}`);
        if (fresh.metadata?.deletionTimestamp) throw new Error(`${o.owner.metadata.namespace}/${o.owner.metadata.name} has just been deleted at ${fresh.metadata.deletionTimestamp}`);
        canAdopt = true;
      }
      claimed.push(await adopt(obj, o));
    } catch (err) {
      if (!isNotFound(err)) errors.push(err);
    }
  }
  if (errors.length) throw errors[0];
  return claimed;
}

/** AdoptPod / AdoptReplicaSet: adds our controllerRef; the uid in the patch guards against a recreated object. */
function adopt(obj: Obj, o: ClaimOptions): Promise<Obj> {
  const ref = newControllerRef(o.owner, o.kind);
  const patch = { metadata: { ownerReferences: [ref], uid: obj.metadata.uid } };
  return o.client.patch(obj.metadata.namespace, obj.metadata.name, 'strategic', patch);
}

/** ReleasePod / ReleaseReplicaSet: removes our ownerReference with a `$patch: delete` directive. */
async function release(obj: Obj, o: ClaimOptions): Promise<void> {
  const patch = { metadata: { ownerReferences: [{ $patch: 'delete', uid: o.owner.metadata.uid }], uid: obj.metadata.uid } };
  try {
    await o.client.patch(obj.metadata.namespace, obj.metadata.name, 'strategic', patch);
  } catch (err) {
    // upstream ignores NotFound and Invalid here: the object is gone or being deleted.
    if (err instanceof ApiError && (err.code === 404 || err.code === 422)) return;
    throw err;
  }
}
