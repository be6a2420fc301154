// RollingUpdate (upstream pkg/controller/deployment/rolling.go): grow the new ReplicaSet within maxSurge, shrink old
// ones while at least replicas - maxUnavailable stay available, one step per sync; the ReplicaSet and pod events
// that follow each step drive the next one.
import type { Obj } from '../../registry/types.js';
import { syncRolloutStatus } from './progress.js';
import { cleanupDeployment, getAllReplicaSetsAndSyncRevision, newRSNewReplicas, scaleReplicaSetAndRecordEvent, type DeploymentEnv } from './sync.js';
import * as u from './util.js';

export async function rolloutRolling(env: DeploymentEnv, d: Obj, rsList: Obj[]): Promise<void> {
  const [newRS, oldRSs] = await getAllReplicaSetsAndSyncRevision(env, d, rsList, true);
  const allRSs = [...oldRSs, newRS];
  if (await reconcileNewReplicaSet(env, allRSs, newRS!, d)) return syncRolloutStatus(env, allRSs, newRS, d);
  if (await reconcileOldReplicaSets(env, allRSs, u.activeReplicaSets(oldRSs), newRS!, d)) return syncRolloutStatus(env, allRSs, newRS, d);
  if (u.deploymentComplete(d, d.status ?? {})) await cleanupDeployment(env, oldRSs, d);
  return syncRolloutStatus(env, allRSs, newRS, d);
}

/** reconcileNewReplicaSet: scale the new ReplicaSet up within maxSurge (or down to spec.replicas if above). */
async function reconcileNewReplicaSet(env: DeploymentEnv, allRSs: (Obj | undefined)[], newRS: Obj, d: Obj): Promise<boolean> {
  if (u.replicas(newRS) === u.replicas(d)) return false;
  if (u.replicas(newRS) > u.replicas(d)) return (await scaleReplicaSetAndRecordEvent(env, newRS, u.replicas(d), d))[0];
  const count = newRSNewReplicas(d, allRSs.filter((rs): rs is Obj => !!rs), newRS);
  return (await scaleReplicaSetAndRecordEvent(env, newRS, count, d))[0];
}

/**
 * reconcileOldReplicaSets: how many old pods may go without dropping below minAvailable, counting the new
 * ReplicaSet's unavailable pods as already lost; unhealthy old pods go first.
 */
async function reconcileOldReplicaSets(env: DeploymentEnv, allRSs: (Obj | undefined)[], oldRSs: Obj[], newRS: Obj, d: Obj): Promise<boolean> {
  if (u.sumSpec(oldRSs) === 0) return false;
  const minAvailable = u.replicas(d) - u.maxUnavailable(d);
  const newUnavailable = u.replicas(newRS) - (newRS.status?.availableReplicas ?? 0);
  const maxScaledDown = u.sumSpec(allRSs) - minAvailable - newUnavailable;
  if (maxScaledDown <= 0) return false;
  const cleaned = await cleanupUnhealthyReplicas(env, oldRSs, d, maxScaledDown);
  const scaled = await scaleDownOldReplicaSetsForRollingUpdate(env, [...oldRSs, newRS], oldRSs, d);
  return cleaned + scaled > 0;
}

/** cleanupUnhealthyReplicas: drop unavailable old replicas (oldest ReplicaSets first), up to maxCleanup. */
async function cleanupUnhealthyReplicas(env: DeploymentEnv, oldRSs: Obj[], d: Obj, maxCleanup: number): Promise<number> {
  oldRSs.sort(u.byCreation);
  let total = 0;
  for (let i = 0; i < oldRSs.length; i++) {
    if (total >= maxCleanup) break;
    const rs = oldRSs[i];
    const available = rs.status?.availableReplicas ?? 0;
    if (u.replicas(rs) === 0 || u.replicas(rs) === available) continue;
    const count = Math.min(maxCleanup - total, u.replicas(rs) - available);
    const next = u.replicas(rs) - count;
    if (next > u.replicas(rs)) throw new Error(`when cleaning up unhealthy replicas, got invalid request to scale down ${rs.metadata.namespace}/${rs.metadata.name} ${u.replicas(rs)} -> ${next}`);
    const [, updated] = await scaleReplicaSetAndRecordEvent(env, rs, next, d);
    total += count;
    oldRSs[i] = updated;
  }
  return total;
}

/** scaleDownOldReplicaSetsForRollingUpdate: scale old ReplicaSets down by the available surplus over minAvailable. */
async function scaleDownOldReplicaSetsForRollingUpdate(env: DeploymentEnv, allRSs: Obj[], oldRSs: Obj[], d: Obj): Promise<number> {
  const minAvailable = u.replicas(d) - u.maxUnavailable(d);
  const available = u.sumStatus(allRSs, 'availableReplicas');
  if (available <= minAvailable) return 0;
  oldRSs.sort(u.byCreation);
  const wanted = available - minAvailable;
  let total = 0;
  for (const rs of oldRSs) {
    if (total >= wanted) break;
    if (u.replicas(rs) === 0) continue;
    const count = Math.min(u.replicas(rs), wanted - total);
    const next = u.replicas(rs) - count;
    if (next > u.replicas(rs)) throw new Error(`when scaling down old replica sets, got invalid request to scale down ${rs.metadata.namespace}/${rs.metadata.name} ${u.replicas(rs)} -> ${next}`);
    await scaleReplicaSetAndRecordEvent(env, rs, next, d);
    total += count;
  }
  return total;
}
