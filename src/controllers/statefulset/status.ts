// StatefulSet status (upstream stateful_set_control.go computeReplicaStatus / updateStatus /
// updateStatefulSetStatus, stateful_set_utils.go completeRollingUpdate / inconsistentStatus, and
// stateful_set_status_updater.go's conflict retries).
import type { ResourceClient } from '../../client/client.js';
import { ApiError } from '../../machinery/errors.js';
import type { Obj } from '../../registry/types.js';
import { isCreated, isRunningAndAvailable, isRunningAndReady, isTerminating, podRevision, replicasOf } from './utils.js';

export interface SetStatus {
  observedGeneration: number;
  replicas: number;
  readyReplicas: number;
  currentReplicas: number;
  updatedReplicas: number;
  availableReplicas: number;
  currentRevision: string;
  updateRevision: string;
  collisionCount: number;
}

/** computeReplicaStatus over every pod list given. */
export function computeStatus(base: Pick<SetStatus, 'observedGeneration' | 'currentRevision' | 'updateRevision' | 'collisionCount'>, pods: Obj[], minReady: number, now: number, current: Obj, update: Obj): SetStatus {
  const s: SetStatus = { ...base, replicas: 0, readyReplicas: 0, currentReplicas: 0, updatedReplicas: 0, availableReplicas: 0 };
  for (const pod of pods) {
    if (isCreated(pod)) s.replicas++;
    if (isRunningAndReady(pod)) {
      s.readyReplicas++;
      if (isRunningAndAvailable(pod, minReady, now)) s.availableReplicas++;
    }
    if (isCreated(pod) && !isTerminating(pod)) {
      const rev = podRevision(pod);
      if (rev === current.metadata.name) s.currentReplicas++;
      if (rev === update.metadata.name) s.updatedReplicas++;
    }
  }
  return s;
}

/** completeRollingUpdate: once every replica is updated and ready, the update revision becomes the current one. */
function completeRollingUpdate(set: Obj, s: SetStatus): void {
  const want = replicasOf(set);
  if (set.spec?.updateStrategy?.type === 'RollingUpdate' && s.updatedReplicas === want && s.readyReplicas === want && s.replicas === want) {
    s.currentReplicas = s.updatedReplicas;
    s.currentRevision = s.updateRevision;
  }
}

const COUNTS = ['replicas', 'currentReplicas', 'readyReplicas', 'updatedReplicas', 'availableReplicas'] as const;

/** inconsistentStatus: a newer generation or any count or revision differs. */
function inconsistent(set: Obj, s: SetStatus): boolean {
  const cur = set.status ?? {};
  return (
    s.observedGeneration > (cur.observedGeneration ?? 0) ||
    COUNTS.some((k) => s[k] !== (cur[k] ?? 0)) ||
    s.currentRevision !== (cur.currentRevision ?? '') ||
    s.updateRevision !== (cur.updateRevision ?? '')
  );
}

/** The v1 JSON of the status: Go's omitempty drops zero ready/current/updated counts and empty revisions. */
function encode(s: SetStatus): Obj {
  const out: Obj = { observedGeneration: s.observedGeneration, replicas: s.replicas };
  for (const k of ['readyReplicas', 'currentReplicas', 'updatedReplicas'] as const) if (s[k]) out[k] = s[k];
  if (s.currentRevision) out.currentRevision = s.currentRevision;
  if (s.updateRevision) out.updateRevision = s.updateRevision;
  out.collisionCount = s.collisionCount;
  out.availableReplicas = s.availableReplicas;
  return out;
}

/** updateStatefulSetStatus: completes a finished rollout and writes only a changed status, retrying conflicts. */
export async function writeStatus(client: ResourceClient, set: Obj, s: SetStatus): Promise<void> {
  completeRollingUpdate(set, s);
  if (!inconsistent(set, s)) return;
  let target = set;
  for (let attempt = 0; ; attempt++) {
    try {
      await client.updateStatus({ ...target, status: encode(s) });
      return;
    } catch (err) {
      if (attempt >= 4 || !(err instanceof ApiError && err.code === 409)) throw err;
      const fresh = client.get(set.metadata.namespace, set.metadata.name);
      if (!fresh) return;
      target = fresh;
    }
  }
}
