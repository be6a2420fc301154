// DaemonSet revision history (upstream pkg/controller/daemon/update.go constructHistory, snapshot, dedupCurHistories,
// cleanupHistory, controlledHistories, getPatch and Match): one ControllerRevision per distinct pod template, named
// `<ds>-<hash>` and labelled with the hash that the DaemonSet's pods carry in controller-revision-hash.
import type { Client } from '../../client/client.js';
import { ApiError } from '../../machinery/errors.js';
import type { Obj } from '../../registry/types.js';
import { canonicalJson, computeHash } from '../deployment/hash.js';
import { REVISION_HASH_LABEL } from '../history/revisions.js';
import { newControllerRef } from '../replicaset/controller-ref.js';
import { DS_KIND } from './util.js';

/** getPatch: a strategic merge patch replacing spec.template. */
export function revisionPatch(ds: Obj): Obj {
  return { spec: { template: { ...structuredClone(ds.spec?.template ?? {}), $patch: 'replace' } } };
}

/** Match: the revision records exactly this template. */
export const matches = (ds: Obj, rev: Obj): boolean => canonicalJson(revisionPatch(ds)) === canonicalJson(rev.data ?? null);

const maxRevision = (revs: Obj[]): number => Math.max(0, ...revs.map((r) => r.revision ?? 0));

/**
 * constructHistory: labels every revision with its hash, splits the current one (this template) from the old ones,
 * creates the current one when missing, deduplicates it and lifts its revision above the old ones.
 */
export async function constructHistory(client: Client, ds: Obj, histories: Obj[], pods: Obj[]): Promise<{ cur: Obj; old: Obj[] }> {
  const revisions = client.resource('apps', 'v1', 'controllerrevisions');
  const current: Obj[] = [];
  const old: Obj[] = [];
  for (let h of histories) {
    if (!Object.hasOwn(h.metadata.labels ?? {}, REVISION_HASH_LABEL)) {
      h = await revisions.update({ ...h, metadata: { ...h.metadata, labels: { ...(h.metadata.labels ?? {}), [REVISION_HASH_LABEL]: h.metadata.name } } });
    }
    (matches(ds, h) ? current : old).push(h);
  }
  const next = maxRevision(old) + 1;
  let cur: Obj;
  if (!current.length) {
    cur = await snapshot(client, ds, next);
  } else {
    cur = await dedup(client, ds, current, pods);
    if ((cur.revision ?? 0) < next) cur = await revisions.update({ ...cur, revision: next });
  }
  return { cur, old };
}

/** snapshot: creates the revision of the current template; on a name clash with other data bumps collisionCount. */
async function snapshot(client: Client, ds: Obj, revision: number): Promise<Obj> {
  const revisions = client.resource('apps', 'v1', 'controllerrevisions');
  const hash = computeHash(ds.spec?.template ?? {}, ds.status?.collisionCount);
  const history: Obj = {
    metadata: {
      name: `${ds.metadata.name}-${hash}`,
      namespace: ds.metadata.namespace,
      labels: { ...(ds.spec?.template?.metadata?.labels ?? {}), [REVISION_HASH_LABEL]: hash },
      ownerReferences: [newControllerRef(ds, DS_KIND)],
    },
    data: revisionPatch(ds),
    revision,
  };
  if (ds.metadata.annotations) history.metadata.annotations = { ...ds.metadata.annotations };
  try {
    return await revisions.create(ds.metadata.namespace, history);
  } catch (err) {
    if (!(err instanceof ApiError && err.reason === 'AlreadyExists')) throw err;
    const existing = revisions.get(ds.metadata.namespace, history.metadata.name);
    if (existing && matches(ds, existing)) return existing;
    const daemonsets = client.resource('apps', 'v1', 'daemonsets');
    const fresh = daemonsets.get(ds.metadata.namespace, ds.metadata.name);
    if (!fresh) throw err;
    if ((fresh.status?.collisionCount ?? null) !== (ds.status?.collisionCount ?? null)) {
      throw new Error(`found a stale collision count (${ds.status?.collisionCount}, expected ${fresh.status?.collisionCount}) of DaemonSet "${ds.metadata.name}" while processing; will retry until it is updated`);
    }
    await daemonsets.updateStatus({ ...fresh, status: { ...(fresh.status ?? {}), collisionCount: (fresh.status?.collisionCount ?? 0) + 1 } });
    throw err;
  }
}

/** dedupCurHistories: keeps the highest revision, relabels pods of the duplicates onto it, deletes the duplicates. */
async function dedup(client: Client, ds: Obj, current: Obj[], pods: Obj[]): Promise<Obj> {
  if (current.length === 1) return current[0]!;
  const keep = current.reduce((a, b) => ((b.revision ?? 0) > (a.revision ?? 0) ? b : a));
  const keepHash = keep.metadata.labels[REVISION_HASH_LABEL];
  for (const dup of current) {
    if (dup === keep) continue;
    const dupHash = dup.metadata.labels?.[REVISION_HASH_LABEL];
    for (const pod of pods) {
      if (pod.metadata?.labels?.[REVISION_HASH_LABEL] !== dupHash) continue;
      await client.pods.patch(pod.metadata.namespace, pod.metadata.name, 'merge', { metadata: { labels: { [REVISION_HASH_LABEL]: keepHash } } });
    }
    await client.resource('apps', 'v1', 'controllerrevisions').delete(dup.metadata.namespace, dup.metadata.name);
  }
  return keep;
}

/** cleanupHistory: deletes the oldest revisions beyond revisionHistoryLimit that no live pod still uses. */
export async function cleanupHistory(client: Client, ds: Obj, old: Obj[], pods: Obj[]): Promise<void> {
  let toKill = old.length - (ds.spec?.revisionHistoryLimit ?? 10);
  if (toKill <= 0) return;
  const live = new Set(pods.map((p) => p.metadata?.labels?.[REVISION_HASH_LABEL]).filter(Boolean));
  for (const h of [...old].sort((a, b) => (a.revision ?? 0) - (b.revision ?? 0))) {
    if (toKill <= 0) break;
    if (live.has(h.metadata.labels?.[REVISION_HASH_LABEL])) continue;
    await client.resource('apps', 'v1', 'controllerrevisions').delete(h.metadata.namespace, h.metadata.name);
    toKill--;
  }
}
