// Rollout progress (upstream pkg/controller/deployment/progress.go): the Progressing condition (complete, progressing,
// or timed out against progressDeadlineSeconds), ReplicaFailure copied from the ReplicaSets, and a delayed requeue so
// a stuck rollout is noticed at its deadline without any other event.
import { isDeepStrictEqual } from 'node:util';
import type { Obj } from '../../registry/types.js';
import { calculateStatus, nowString, writeDeployment, type DeploymentEnv } from './sync.js';
import * as u from './util.js';

/** DeploymentProgressing: more updated, fewer old, more ready or more available replicas than last recorded. */
function deploymentProgressing(d: Obj, s: Obj): boolean {
  const old = d.status ?? {};
  const oldOld = (old.replicas ?? 0) - (old.updatedReplicas ?? 0);
  const newOld = (s.replicas ?? 0) - (s.updatedReplicas ?? 0);
  return (
    (s.updatedReplicas ?? 0) > (old.updatedReplicas ?? 0) ||
    newOld < oldOld ||
    (s.readyReplicas ?? 0) > (old.readyReplicas ?? 0) ||
    (s.availableReplicas ?? 0) > (old.availableReplicas ?? 0)
  );
}

/** DeploymentTimedOut: no progress recorded for progressDeadlineSeconds (strictly past the deadline). */
function deploymentTimedOut(d: Obj, s: Obj, now: number): boolean {
  if (!u.hasProgressDeadline(d)) return false;
  const cond = u.getCondition(s, 'Progressing');
  if (!cond || cond.reason === u.Reason.NewRSAvailable) return false;
  if (cond.reason === u.Reason.TimedOut) return true;
  const from = Date.parse(cond.lastUpdateTime ?? '');
  return Number.isFinite(from) && from + d.spec.progressDeadlineSeconds * 1000 < now;
}

/** getReplicaFailures: the new ReplicaSet's ReplicaFailure first, otherwise any old one's. */
function replicaFailure(allRSs: (Obj | undefined)[], newRS: Obj | undefined): Obj | undefined {
  const fromRS = (rs: Obj | undefined) => (rs?.status?.conditions ?? []).find((c: Obj) => c.type === 'ReplicaFailure');
  const c = fromRS(newRS) ?? allRSs.map(fromRS).find(Boolean);
  if (!c) return undefined;
  // ReplicaSetToDeploymentCondition.
  return { type: c.type, status: c.status, lastUpdateTime: c.lastTransitionTime, lastTransitionTime: c.lastTransitionTime, reason: c.reason, message: c.message };
}

/** syncRolloutStatus. */
export async function syncRolloutStatus(env: DeploymentEnv, allRSs: (Obj | undefined)[], newRS: Obj | undefined, d: Obj): Promise<void> {
  const now = nowString(env);
  const status = calculateStatus(allRSs, newRS, d, now);
  if (!u.hasProgressDeadline(d)) u.removeCondition(status, 'Progressing');
  const current = u.getCondition(d.status, 'Progressing');
  // A finished rollout being resynced: nothing to estimate.
  const isComplete = (status.replicas ?? 0) === (status.updatedReplicas ?? 0) && current?.reason === u.Reason.NewRSAvailable;
  if (u.hasProgressDeadline(d) && !isComplete) {
    const subject = newRS ? `ReplicaSet "${newRS.metadata.name}"` : `Deployment "${d.metadata.name}"`;
    if (u.deploymentComplete(d, status)) {
      u.setCondition(status, u.newCondition('Progressing', 'True', u.Reason.NewRSAvailable, `${subject} has successfully progressed.`, now));
    } else if (deploymentProgressing(d, status)) {
      // Same reason but a new lastUpdateTime on every sign of progress: that is what resets the deadline.
      const cond = u.newCondition('Progressing', 'True', u.Reason.ReplicaSetUpdated, `${subject} is progressing.`, now);
      if (current) {
        if (current.status === 'True') cond.lastTransitionTime = current.lastTransitionTime;
        u.removeCondition(status, 'Progressing');
      }
      u.setCondition(status, cond);
    } else if (deploymentTimedOut(d, status, env.clock.now())) {
      u.setCondition(status, u.newCondition('Progressing', 'False', u.Reason.TimedOut, `${subject} has timed out progressing.`, now));
    }
  }
  const failure = replicaFailure(allRSs, newRS);
  if (failure) u.setCondition(status, failure);
  else u.removeCondition(status, 'ReplicaFailure');

  if (isDeepStrictEqual(d.status ?? {}, status)) {
    requeueStuckDeployment(env, d, status);
    return;
  }
  d.status = status;
  await writeDeployment(env, d);
}

/** requeueStuckDeployment: look again when the progress deadline of an unfinished rollout would pass. */
function requeueStuckDeployment(env: DeploymentEnv, d: Obj, status: Obj): void {
  const cond = u.getCondition(d.status, 'Progressing');
  if (!u.hasProgressDeadline(d) || !cond) return;
  if (u.deploymentComplete(d, status) || cond.reason === u.Reason.TimedOut) return;
  const after = Date.parse(cond.lastUpdateTime ?? '') + d.spec.progressDeadlineSeconds * 1000 - env.clock.now();
  if (!Number.isFinite(after)) return;
  // Under a second: soon (upstream rate-limits); otherwise a second past the deadline, to avoid landing just before.
  env.enqueueAfter(d, after < 1000 ? Math.max(after, 0) + 50 : after + 1000);
}
