// ControllerRevision helpers shared by the StatefulSet and DaemonSet controllers (upstream
// pkg/controller/history/controller_history.go: NewControllerRevision, HashControllerRevision, ControllerRevisionName,
// SortControllerRevisions, EqualRevision, FindEqualRevisions, and realHistory.CreateControllerRevision).
import type { ResourceClient } from '../../client/client.js';
import { ApiError } from '../../machinery/errors.js';
import type { Obj } from '../../registry/types.js';
import { canonicalJson, safeEncodeString } from '../deployment/hash.js';
import { newControllerRef, type OwnerKind } from '../replicaset/controller-ref.js';

/** apps.ControllerRevisionHashLabelKey (also DefaultDaemonSetUniqueLabelKey and StatefulSetRevisionLabel). */
export const REVISION_HASH_LABEL = 'controller-revision-hash';

const FNV32_OFFSET = 0x811c9dc5;
const FNV32_PRIME = 0x01000193;

/** hash/fnv New32 (FNV-1, multiply then xor), which HashControllerRevision uses. */
function fnv32(bytes: Uint8Array, hash = FNV32_OFFSET): number {
  let h = hash;
  for (const b of bytes) {
    h = Math.imul(h, FNV32_PRIME) >>> 0;
    h = (h ^ b) >>> 0;
  }
  return h >>> 0;
}

/** The raw bytes of a revision's data (upstream hashes Data.Raw; ours is the canonical JSON of the data). */
export function revisionData(rev: Obj): string {
  return canonicalJson(rev.data ?? null);
}

/** HashControllerRevision: FNV-32 of the data, then the collision count in decimal when there is one. */
export function hashControllerRevision(data: unknown, probe?: number): string {
  const enc = new TextEncoder();
  let h = fnv32(enc.encode(canonicalJson(data)));
  if (probe !== undefined && probe !== null) h = fnv32(enc.encode(String(probe)), h);
  return safeEncodeString(String(h));
}

/** ControllerRevisionName: `<prefix>-<hash>`, the prefix cut to 223 characters. */
export function controllerRevisionName(prefix: string, hash: string): string {
  return `${prefix.length > 223 ? prefix.slice(0, 223) : prefix}-${hash}`;
}

/** NewControllerRevision: owned by the parent, labelled with the template labels and the hash, named from both. */
export function newControllerRevision(parent: Obj, kind: OwnerKind, templateLabels: Obj | undefined, data: Obj, revision: number, collisionCount?: number): Obj {
  const hash = hashControllerRevision(data, collisionCount);
  return {
    apiVersion: 'apps/v1',
    kind: 'ControllerRevision',
    metadata: {
      name: controllerRevisionName(parent.metadata.name, hash),
      namespace: parent.metadata.namespace,
      labels: { ...(templateLabels ?? {}), [REVISION_HASH_LABEL]: hash },
      ownerReferences: [newControllerRef(parent, kind)],
    },
    data,
    revision,
  };
}

function created(o: Obj): number {
  return Date.parse(o.metadata?.creationTimestamp ?? '') || 0;
}

/** SortControllerRevisions: by revision, then creation time, then name. Sorts in place. */
export function sortRevisions(revs: Obj[]): Obj[] {
  return revs.sort((a, b) => (a.revision ?? 0) - (b.revision ?? 0) || created(a) - created(b) || (a.metadata.name < b.metadata.name ? -1 : a.metadata.name > b.metadata.name ? 1 : 0));
}

/** EqualRevision: hash labels (when both parse) must agree and the data must be identical. */
export function equalRevision(a: Obj | undefined, b: Obj | undefined): boolean {
  if (!a || !b) return a === b;
  const ha = a.metadata?.labels?.[REVISION_HASH_LABEL];
  const hb = b.metadata?.labels?.[REVISION_HASH_LABEL];
  if (ha !== undefined && hb !== undefined && /^\d+$/.test(ha) && /^\d+$/.test(hb) && ha !== hb) return false;
  return revisionData(a) === revisionData(b);
}

/** FindEqualRevisions: the revisions equal to `needle`, in the given order. */
export function findEqualRevisions(revs: Obj[], needle: Obj): Obj[] {
  return revs.filter((r) => equalRevision(r, needle));
}

/**
 * realHistory.CreateControllerRevision: creates the revision, and on a name collision with different data bumps the
 * collision count and tries the next name. Returns the revision and the (possibly bumped) collision count.
 */
export async function createControllerRevision(client: ResourceClient, parent: Obj, revision: Obj, collisionCount: number): Promise<{ revision: Obj; collisionCount: number }> {
  let count = collisionCount;
  for (;;) {
    const hash = hashControllerRevision(revision.data, count);
    const body = structuredClone(revision);
    body.metadata.name = controllerRevisionName(parent.metadata.name, hash);
    body.metadata.labels = { ...(body.metadata.labels ?? {}), [REVISION_HASH_LABEL]: hash };
    try {
      return { revision: await client.create(parent.metadata.namespace, body), collisionCount: count };
    } catch (err) {
      if (!(err instanceof ApiError && err.reason === 'AlreadyExists')) throw err;
      const exists = client.get(parent.metadata.namespace, body.metadata.name);
      if (exists && revisionData(exists) === revisionData(body)) return { revision: exists, collisionCount: count };
      count++;
    }
  }
}
