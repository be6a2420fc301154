// ReplicaSet status (upstream pkg/controller/replicaset/replica_set_utils.go calculateStatus and
// updateReplicaSetStatus, and the ReplicaFailure condition helpers).
import { isDeepStrictEqual } from 'node:util';
import type { ResourceClient } from '../../client/client.js';
import { rfc3339 } from '../../clock.js';
import { ApiError } from '../../machinery/errors.js';
import type { Obj } from '../../registry/types.js';
import { isPodAvailable, isPodReady } from './pods.js';

function templateLabelsMatch(template: Obj, labels: Obj | undefined): boolean {
  const want: Record<string, string> = template?.metadata?.labels ?? {};
  return Object.entries(want).every(([k, v]) => labels?.[k] === v);
}

/** calculateStatus: counts over the active pods the ReplicaSet owns; ReplicaFailure set/cleared by the sync error. */
export function calculateStatus(rs: Obj, pods: Obj[], manageErr: unknown, now: number): Obj {
  const status: Obj = structuredClone(rs.status ?? {});
  let fullyLabeled = 0;
  let ready = 0;
  let available = 0;
  const minReadySeconds = rs.spec?.minReadySeconds ?? 0;
  for (const p of pods) {
    if (templateLabelsMatch(rs.spec?.template, p.metadata?.labels)) fullyLabeled++;
    if (isPodReady(p)) {
      ready++;
      if (isPodAvailable(p, minReadySeconds, now)) available++;
    }
  }
  const conditions: Obj[] = status.conditions ?? [];
  const failure = conditions.find((c) => c.type === 'ReplicaFailure');
  if (manageErr && !failure) {
    const diff = pods.length - (rs.spec?.replicas ?? 1);
    const reason = diff < 0 ? 'FailedCreate' : diff > 0 ? 'FailedDelete' : '';
    const message = manageErr instanceof Error ? manageErr.message : String(manageErr);
    status.conditions = [...conditions, { type: 'ReplicaFailure', status: 'True', lastTransitionTime: rfc3339(now), reason, message }];
  } else if (!manageErr && failure) {
    status.conditions = conditions.filter((c) => c.type !== 'ReplicaFailure');
  }
  if (status.conditions && !status.conditions.length) delete status.conditions;
  // Go's omitempty: replicas is always written, the other counts only when non-zero.
  status.replicas = pods.length;
  setOrDrop(status, 'fullyLabeledReplicas', fullyLabeled);
  setOrDrop(status, 'readyReplicas', ready);
  setOrDrop(status, 'availableReplicas', available);
  return status;
}

function setOrDrop(o: Obj, k: string, v: number): void {
  if (v) o[k] = v;
  else delete o[k];
}

/**
 * updateReplicaSetStatus: writes only when counts, conditions or the observed generation changed, recording the
 * generation acted on; one retry on a fresh copy after a conflict (statusUpdateRetries).
 */
export async function updateReplicaSetStatus(client: ResourceClient, rs: Obj, status: Obj): Promise<Obj> {
  const cur = rs.status ?? {};
  const same = ['replicas', 'fullyLabeledReplicas', 'readyReplicas', 'availableReplicas'].every((k) => (cur[k] ?? 0) === (status[k] ?? 0));
  if (same && rs.metadata?.generation === cur.observedGeneration && isDeepStrictEqual(cur.conditions ?? [], status.conditions ?? [])) return rs;
  // The generation we acted on, even when the retry writes onto a newer copy.
  const next = { ...status, observedGeneration: rs.metadata?.generation };
  let target = rs;
  for (let attempt = 0; ; attempt++) {
    try {
      return await client.updateStatus({ ...target, status: next });
    } catch (err) {
      if (attempt > 0 || !(err instanceof ApiError && err.code === 409)) throw err;
      const fresh = client.get(rs.metadata.namespace, rs.metadata.name);
      if (!fresh) throw err;
      target = fresh;
    }
  }
}
