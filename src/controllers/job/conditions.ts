// Job conditions (upstream pkg/controller/job/job_controller.go newCondition, ensureJobConditionStatus and
// pkg/controller/job/util IsJobFinished). Since 1.31 a Job first gets the interim SuccessCriteriaMet / FailureTarget
// condition and only gets Complete / Failed once none of its pods is still running or terminating.
import { rfc3339 } from '../../clock.js';
import type { Obj } from '../../registry/types.js';

export interface JobCondition {
  type: string;
  status: 'True' | 'False';
  reason: string;
  message: string;
}

export const COMPLETIONS_REACHED = { reason: 'CompletionsReached', message: 'Reached expected number of succeeded pods' };
export const BACKOFF_LIMIT_EXCEEDED = { reason: 'BackoffLimitExceeded', message: 'Job has reached the specified backoff limit' };
export const DEADLINE_EXCEEDED = { reason: 'DeadlineExceeded', message: 'Job was active longer than specified deadline' };

export function findCondition(job: Obj, type: string): Obj | undefined {
  return (job.status?.conditions ?? []).find((c: Obj) => c?.type === type);
}

function isTrue(job: Obj, type: string): boolean {
  return findCondition(job, type)?.status === 'True';
}

/** IsJobFinished: Complete or Failed is True. */
export function isJobFinished(job: Obj): boolean {
  return isTrue(job, 'Complete') || isTrue(job, 'Failed');
}

/** The condition a Job reached (Complete or Failed), if any. */
export function finishedCondition(job: Obj): Obj | undefined {
  return (job.status?.conditions ?? []).find((c: Obj) => (c?.type === 'Complete' || c?.type === 'Failed') && c.status === 'True');
}

function newCondition(c: JobCondition, now: number): Obj {
  const ts = rfc3339(now);
  return { type: c.type, status: c.status, lastProbeTime: ts, lastTransitionTime: ts, reason: c.reason, message: c.message };
}

/** ensureJobConditionStatus: sets the condition in `status` (in place); a False condition is never added anew. */
export function ensureCondition(status: Obj, c: JobCondition, now: number): boolean {
  const list: Obj[] = (status.conditions ??= []);
  const i = list.findIndex((x) => x?.type === c.type);
  if (i >= 0) {
    const cur = list[i]!;
    if (cur.status === c.status && (cur.reason ?? '') === c.reason && (cur.message ?? '') === c.message) return false;
    list[i] = newCondition(c, now);
    return true;
  }
  if (!list.length) delete status.conditions;
  if (c.status === 'False') return false;
  (status.conditions ??= []).push(newCondition(c, now));
  return true;
}
