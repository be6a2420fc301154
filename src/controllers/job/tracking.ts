// Counting finished pods exactly (upstream trackJobStatusAndRemoveFinalizers / flushUncountedAndRemoveFinalizers):
// a finished pod's uid first goes into status.uncountedTerminatedPods, then its job-tracking finalizer is removed,
// then the uid moves into succeeded/failed. A crash or conflict between the steps never loses or double-counts a pod,
// and a pod deleted after it finished is still counted. The terminal condition is written last.
import type { ResourceClient } from '../../client/client.js';
import type { EventRecorder } from '../../client/events.js';
import { rfc3339 } from '../../clock.js';
import { ApiError } from '../../machinery/errors.js';
import type { Obj } from '../../registry/types.js';
import { ensureCondition, type JobCondition } from './conditions.js';
import { matchPodFailurePolicy } from './failure-policy.js';
import { completionIndex, formatIndexes, hasIndex, totalIndexes, withIndexes, type Interval } from './indexes.js';
import { hasTrackingFinalizer, isPodFailed, REMOVE_FINALIZER_PATCH } from './pods.js';

export interface SyncCtx {
  /** The working copy; its status is rewritten during the sync. */
  job: Obj;
  /** Every pod the Job owns, finished ones included. */
  pods: Obj[];
  terminating: number;
  uncounted: { succeeded: Set<string>; failed: Set<string> };
  /** The condition the Job is heading for (interim or final), if it is finishing. */
  finished?: JobCondition;
  prevSucceededIndexes: Interval[];
}

export interface TrackDeps {
  jobs: ResourceClient;
  pods: ResourceClient;
  recorder: EventRecorder;
  now: () => number;
}

function isIndexed(job: Obj): boolean {
  return job.spec?.completionMode === 'Indexed';
}

/** canRemoveFinalizer: once the outcome is known (or the Job is finishing or going away). */
function canRemoveFinalizer(ctx: SyncCtx, pod: Obj, consideredFailed: boolean): boolean {
  return !!ctx.job.metadata?.deletionTimestamp || !!ctx.finished || pod.status?.phase === 'Succeeded' || consideredFailed;
}

async function updateStatus(deps: TrackDeps, job: Obj): Promise<Obj> {
  const written = await deps.jobs.updateStatus(job);
  // Keep working on our copy of the status (the write returns the same), on the new resourceVersion.
  return { ...job, metadata: { ...job.metadata, resourceVersion: written.metadata.resourceVersion } };
}

/** Removes the finalizer from each pod; returns the uids that no longer hold it (removed now, or pod gone). */
async function removeFinalizers(deps: TrackDeps, pods: Obj[]): Promise<{ removed: Set<string>; error?: unknown }> {
  const removed = new Set<string>();
  let error: unknown;
  await Promise.all(
    pods.map(async (p) => {
      try {
        await deps.pods.patch(p.metadata.namespace, p.metadata.name, 'strategic', REMOVE_FINALIZER_PATCH);
        removed.add(p.metadata.uid);
      } catch (err) {
        if (err instanceof ApiError && err.code === 404) removed.add(p.metadata.uid);
        else error ??= err;
      }
    }),
  );
  return { removed, error };
}

function setCount(status: Obj, key: string, n: number): void {
  if (n > 0) status[key] = n;
  else delete status[key];
}

/** enactJobFinished: the terminal condition, only when nothing is uncounted and no pod is still terminating. */
function enactFinished(deps: TrackDeps, ctx: SyncCtx): boolean {
  const c = ctx.finished;
  if (!c || (c.type !== 'Complete' && c.type !== 'Failed')) return false;
  const u = ctx.job.status.uncountedTerminatedPods ?? {};
  if ((u.succeeded?.length ?? 0) + (u.failed?.length ?? 0) > 0) return false;
  if (ctx.terminating > 0) return false;
  const now = deps.now();
  ensureCondition(ctx.job.status, c, now);
  if (c.type === 'Complete') ctx.job.status.completionTime = rfc3339(now);
  return true;
}

/** recordJobFinished. */
function recordFinished(deps: TrackDeps, job: Obj, c: JobCondition): void {
  if (c.type === 'Complete') deps.recorder.event(job, 'Normal', 'Completed', 'Job completed');
  else deps.recorder.event(job, 'Warning', c.reason, c.message);
}

/** trackJobStatusAndRemoveFinalizers; returns the Job as last written. */
export async function trackStatusAndRemoveFinalizers(deps: TrackDeps, ctx: SyncCtx, needsFlushIn: boolean): Promise<Obj> {
  const job = ctx.job;
  const status = job.status;
  let needsFlush = needsFlushIn;
  const indexed = isIndexed(job);
  const completions: number = job.spec?.completions ?? 0;
  const uncountedSucceeded = [...ctx.uncounted.succeeded];
  const uncountedFailed = [...ctx.uncounted.failed];
  const newSucceededIndexes: number[] = [];
  const toRemove: Obj[] = [];
  for (const pod of ctx.pods) {
    if (!hasTrackingFinalizer(pod)) continue;
    const failed = isPodFailed(pod, job);
    if (!canRemoveFinalizer(ctx, pod, failed)) continue;
    toRemove.push(pod);
    const uid: string = pod.metadata.uid;
    const ix = completionIndex(pod);
    const validIndex = ix >= 0 && ix < completions;
    if (pod.status?.phase === 'Succeeded' && !ctx.uncounted.failed.has(uid)) {
      if (indexed) {
        // The completion index is enough to never count a succeeded pod twice.
        if (validIndex && !hasIndex(ctx.prevSucceededIndexes, ix)) {
          newSucceededIndexes.push(ix);
          needsFlush = true;
        }
      } else if (!ctx.uncounted.succeeded.has(uid)) {
        uncountedSucceeded.push(uid);
        needsFlush = true;
      }
    } else if (failed || (ctx.finished && pod.status?.phase !== 'Succeeded')) {
      // When the Job is finishing, every pod that did not succeed counts as failed.
      if (!ctx.uncounted.failed.has(uid) && (!indexed || validIndex)) {
        if (matchPodFailurePolicy(job.spec?.podFailurePolicy, pod).countFailed) {
          uncountedFailed.push(uid);
          needsFlush = true;
        }
      }
    }
  }
  if (newSucceededIndexes.length) {
    const merged = withIndexes(ctx.prevSucceededIndexes, newSucceededIndexes.sort((a, b) => a - b));
    setCount(status, 'succeeded', totalIndexes(merged));
    status.completedIndexes = formatIndexes(merged);
  }
  // The interim condition goes out with the first write, before any finalizer is removed; the final one later.
  if (ctx.finished?.type === 'FailureTarget' || ctx.finished?.type === 'SuccessCriteriaMet') {
    ensureCondition(status, ctx.finished, deps.now());
    needsFlush = true;
    ctx.finished = { ...ctx.finished, type: ctx.finished.type === 'FailureTarget' ? 'Failed' : 'Complete' };
  }
  status.uncountedTerminatedPods = uncountedStatus(uncountedSucceeded, uncountedFailed);
  return flush(deps, ctx, toRemove, needsFlush);
}

function uncountedStatus(succeeded: string[], failed: string[]): Obj {
  const u: Obj = {};
  if (succeeded.length) u.succeeded = succeeded;
  if (failed.length) u.failed = failed;
  return u;
}

/** flushUncountedAndRemoveFinalizers + cleanUncountedPodsWithoutFinalizers + enactJobFinished. */
async function flush(deps: TrackDeps, ctx: SyncCtx, toRemove: Obj[], needsFlushIn: boolean): Promise<Obj> {
  let needsFlush = needsFlushIn;
  if (needsFlush) ctx.job = await updateStatus(deps, ctx.job);
  const { removed, error } = await removeFinalizers(deps, toRemove);
  const withFinalizer = new Set(ctx.pods.filter((p) => hasTrackingFinalizer(p) && !removed.has(p.metadata.uid)).map((p) => p.metadata.uid as string));
  const status = ctx.job.status;
  const u = status.uncountedTerminatedPods ?? {};
  const stillSucceeded = (u.succeeded ?? []).filter((uid: string) => withFinalizer.has(uid));
  const stillFailed = (u.failed ?? []).filter((uid: string) => withFinalizer.has(uid));
  const countedSucceeded = (u.succeeded?.length ?? 0) - stillSucceeded.length;
  const countedFailed = (u.failed?.length ?? 0) - stillFailed.length;
  if (countedSucceeded || countedFailed) {
    setCount(status, 'succeeded', (status.succeeded ?? 0) + countedSucceeded);
    setCount(status, 'failed', (status.failed ?? 0) + countedFailed);
    status.uncountedTerminatedPods = uncountedStatus(stillSucceeded, stillFailed);
    needsFlush = true;
  } else {
    needsFlush = false;
  }
  if (error) {
    if (needsFlush) ctx.job = await updateStatus(deps, ctx.job);
    throw error;
  }
  const finished = enactFinished(deps, ctx);
  if (finished || needsFlush) ctx.job = await updateStatus(deps, ctx.job);
  if (finished) recordFinished(deps, ctx.job, ctx.finished!);
  return ctx.job;
}
