// Recreate (upstream pkg/controller/deployment/recreate.go): scale every old ReplicaSet to zero, wait until none of
// their pods is left running, and only then create and scale up the new ReplicaSet.
import type { Obj } from '../../registry/types.js';
import { syncRolloutStatus } from './progress.js';
import { cleanupDeployment, getAllReplicaSetsAndSyncRevision, scaleReplicaSetAndRecordEvent, type DeploymentEnv } from './sync.js';
import * as u from './util.js';

/** Pods of the deployment grouped by the uid of the ReplicaSet controlling them (getPodMapForDeployment). */
export type PodMap = Map<string, Obj[]>;

export async function rolloutRecreate(env: DeploymentEnv, d: Obj, rsList: Obj[], podMap: PodMap): Promise<void> {
  // Do not create the new ReplicaSet yet, so nothing scales up before the old pods are gone.
  let [newRS, oldRSs] = await getAllReplicaSetsAndSyncRevision(env, d, rsList, false);
  let allRSs = [...oldRSs, newRS];
  if (await scaleDownOldReplicaSetsForRecreate(env, u.activeReplicaSets(oldRSs), d)) return syncRolloutStatus(env, allRSs, newRS, d);
  if (oldPodsRunning(newRS, oldRSs, podMap)) return syncRolloutStatus(env, allRSs, newRS, d);
  if (!newRS) {
    [newRS, oldRSs] = await getAllReplicaSetsAndSyncRevision(env, d, rsList, true);
    allRSs = [...oldRSs, newRS];
  }
  await scaleReplicaSetAndRecordEvent(env, newRS!, u.replicas(d), d);
  if (u.deploymentComplete(d, d.status ?? {})) await cleanupDeployment(env, oldRSs, d);
  return syncRolloutStatus(env, allRSs, newRS, d);
}

async function scaleDownOldReplicaSetsForRecreate(env: DeploymentEnv, oldRSs: Obj[], d: Obj): Promise<boolean> {
  let scaled = false;
  for (const rs of oldRSs) {
    if (u.replicas(rs) === 0) continue;
    if ((await scaleReplicaSetAndRecordEvent(env, rs, 0, d))[0]) scaled = true;
  }
  return scaled;
}

/** oldPodsRunning: old ReplicaSets still report pods, or some old pod is not in a terminal phase. */
export function oldPodsRunning(newRS: Obj | undefined, oldRSs: Obj[], podMap: PodMap): boolean {
  if (u.sumStatus(oldRSs, 'replicas') > 0) return true;
  for (const [uid, pods] of podMap) {
    if (newRS && newRS.metadata.uid === uid) continue;
    if (pods.some((p) => p.status?.phase !== 'Failed' && p.status?.phase !== 'Succeeded')) return true;
  }
  return false;
}
