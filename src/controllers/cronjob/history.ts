// Finished-Job bookkeeping of the CronJob controller (upstream cronjob_controllerv2.go cleanupFinishedJobs,
// removeOldestJobs, deleteJob, getRef): successful and failed Jobs beyond the history limits are deleted oldest first
// (by start time, then name), in the background so their pods follow.
import type { ResourceClient } from '../../client/client.js';
import type { EventRecorder } from '../../client/events.js';
import type { Obj } from '../../registry/types.js';
import { finishedCondition } from '../job/conditions.js';

export function isFinished(job: Obj): boolean {
  return finishedCondition(job) !== undefined;
}

/** The ObjectReference kept in status.active. */
export function jobRef(job: Obj): Obj {
  const m = job.metadata;
  return { kind: 'Job', namespace: m.namespace, name: m.name, uid: m.uid, apiVersion: 'batch/v1', resourceVersion: m.resourceVersion };
}

/** deleteJob: the Job (background propagation) and its entry in the active list; false when the delete failed. */
export async function deleteJob(cj: Obj, job: Obj, jobs: ResourceClient, recorder: EventRecorder): Promise<boolean> {
  try {
    await jobs.delete(job.metadata.namespace, job.metadata.name, { propagationPolicy: 'Background' });
  } catch (err) {
    recorder.event(cj, 'Warning', 'FailedDelete', `Deleted job: ${(err as Error).message}`);
    return false;
  }
  const active: Obj[] = cj.status?.active ?? [];
  const i = active.findIndex((r) => r.uid === job.metadata.uid);
  if (i >= 0) active.splice(i, 1);
  recorder.event(cj, 'Normal', 'SuccessfulDelete', `Deleted job ${job.metadata.name}`);
  return true;
}

/** byJobStartTime: started before not started, earlier first, then by name. */
function byStartTime(a: Obj, b: Obj): number {
  const sa = a.status?.startTime ? Date.parse(a.status.startTime) : undefined;
  const sb = b.status?.startTime ? Date.parse(b.status.startTime) : undefined;
  if (sa === undefined && sb !== undefined) return 1;
  if (sa !== undefined && sb === undefined) return -1;
  if (sa === sb) return a.metadata.name < b.metadata.name ? -1 : a.metadata.name > b.metadata.name ? 1 : 0;
  return sa! - sb!;
}

async function removeOldest(cj: Obj, jobs: Obj[], max: number, client: ResourceClient, recorder: EventRecorder): Promise<boolean> {
  const n = jobs.length - max;
  if (n <= 0) return false;
  let changed = false;
  for (const j of [...jobs].sort(byStartTime).slice(0, n)) if (await deleteJob(cj, j, client, recorder)) changed = true;
  return changed;
}

/** cleanupFinishedJobs; true when the status (active list) changed. */
export async function cleanupFinishedJobs(cj: Obj, jobs: Obj[], client: ResourceClient, recorder: EventRecorder): Promise<boolean> {
  const spec = cj.spec ?? {};
  if (spec.successfulJobsHistoryLimit == null && spec.failedJobsHistoryLimit == null) return false;
  const succeeded = jobs.filter((j) => finishedCondition(j)?.type === 'Complete');
  const failed = jobs.filter((j) => finishedCondition(j)?.type === 'Failed');
  let changed = false;
  if (spec.successfulJobsHistoryLimit != null && (await removeOldest(cj, succeeded, spec.successfulJobsHistoryLimit, client, recorder))) changed = true;
  if (spec.failedJobsHistoryLimit != null && (await removeOldest(cj, failed, spec.failedJobsHistoryLimit, client, recorder))) changed = true;
  return changed;
}
