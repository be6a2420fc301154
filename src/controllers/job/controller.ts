// The Job controller (upstream pkg/controller/job/job_controller.go syncJob/manageJob): runs pods until
// `completions` succeed (at most `parallelism` at a time), counts outcomes exactly through the job-tracking
// finalizer (tracking.ts), and finishes the Job as Complete or Failed (backoffLimit, activeDeadlineSeconds,
// podFailurePolicy). Suspending deletes the running pods. Informers only trigger syncs: each sync reads the Job and
// its pods from the store, which is as cheap as the cache in process and never stale, so the creation/deletion
// expectations upstream needs against informer lag are not needed here.
import type { ComponentContext, ComponentFactory } from '../../client/component.js';
import { EventRecorder } from '../../client/events.js';
import { keyOf, splitKey, type Informer } from '../../client/informer.js';
import { rfc3339 } from '../../clock.js';
import { ApiError } from '../../machinery/errors.js';
import type { Obj } from '../../registry/types.js';
import { Controller } from '../controller.js';
import { claim, controllerOf, resolveControllerRef } from '../replicaset/controller-ref.js';
import { rsSelector, slowStartBatch } from '../replicaset/controller.js';
import { isPodActive, isPodReady } from '../replicaset/pods.js';
import { nextRecord, remainingBackoff, type BackoffRecord } from './backoff.js';
import { BACKOFF_LIMIT_EXCEEDED, COMPLETIONS_REACHED, DEADLINE_EXCEEDED, ensureCondition, findCondition, isJobFinished } from './conditions.js';
import { failJobMessage, matchPodFailurePolicy } from './failure-policy.js';
import { completionIndex, firstPendingIndexes, parseIndexes, totalIndexes, withIndexes, type Interval } from './indexes.js';
import { hasTrackingFinalizer, isPodFailed, isTerminating, JOB_KIND, onlyReplaceFailedPods, podForJob, REMOVE_FINALIZER_PATCH, TRACKING_FINALIZER } from './pods.js';
import { removalOrder } from './removal.js';
import { trackStatusAndRemoveFinalizers, type SyncCtx } from './tracking.js';

/** MaxPodCreateDeletePerSync. */
const MAX_PER_SYNC = 500;
const ORPHAN = 'orphan:';
const CONTROLLER_NAME = 'kubernetes.io/job-controller';

export class JobController extends Controller {
  readonly name = 'job-controller';
  private jobInformer!: Informer;
  private recorder!: EventRecorder;
  private readonly backoff = new Map<string, BackoffRecord>();

  private get jobs() {
    return this.ctx.client.resource('batch', 'v1', 'jobs');
  }

  protected setup(ctx: ComponentContext): void {
    this.recorder = new EventRecorder(ctx.client, ctx.clock, { component: 'job-controller' });
    this.jobInformer = ctx.informers.for('batch', 'v1', 'jobs');
    this.jobInformer.addHandlers({
      onAdd: (j) => this.queue.add(keyOf(j)),
      onUpdate: (_old, j) => this.queue.add(keyOf(j)),
      onDelete: (j) => {
        this.backoff.delete(keyOf(j));
        this.queue.add(keyOf(j));
      },
    });
    ctx.informers.for('', 'v1', 'pods').addHandlers({
      onAdd: (p) => this.podChanged(p),
      onUpdate: (old, p) => {
        if (old.metadata?.resourceVersion === p.metadata?.resourceVersion) return;
        const oldRef = controllerOf(old);
        if (oldRef && oldRef.uid !== controllerOf(p)?.uid) this.podChanged(old);
        this.podChanged(p);
      },
      onDelete: (p) => this.podChanged(p, true),
    });
  }

  /** Wakes the pod's Job, the Jobs that could adopt it, or the orphan clean-up for a pod still holding our finalizer. */
  private podChanged(pod: Obj, deleted = false): void {
    const ns = pod.metadata?.namespace;
    const ref = controllerOf(pod);
    if (ref) {
      const job = resolveControllerRef(ref, JOB_KIND, (name) => this.jobInformer.get(`${ns}/${name}`));
      if (job) this.queue.add(keyOf(job));
      else if (!deleted && hasTrackingFinalizer(pod)) this.queue.add(ORPHAN + keyOf(pod));
      return;
    }
    if (deleted) return;
    if (hasTrackingFinalizer(pod)) this.queue.add(ORPHAN + keyOf(pod));
    if (pod.metadata?.deletionTimestamp) return;
    for (const job of this.jobInformer.list()) {
      const sel = job.metadata?.namespace === ns ? rsSelector(job) : undefined;
      if (sel && !sel.empty && sel.matches(pod.metadata?.labels)) this.queue.add(keyOf(job));
    }
  }

  async sync(key: string): Promise<void> {
    if (key.startsWith(ORPHAN)) return this.syncOrphanPod(key.slice(ORPHAN.length));
    return this.syncJob(key);
  }

  /** handleOrphanPod: drops our finalizer from a pod whose Job is gone, finished, or not its controller any more. */
  private async syncOrphanPod(key: string): Promise<void> {
    const [ns, name] = splitKey(key);
    const pod = this.ctx.client.pods.get(ns, name);
    if (!pod || !hasTrackingFinalizer(pod)) return;
    const ref = controllerOf(pod);
    if (ref) {
      if (ref.kind !== JOB_KIND.kind || ref.apiVersion !== JOB_KIND.apiVersion) return;
      const job = this.jobs.get(ns, ref.name);
      if (job && job.metadata?.uid === ref.uid && !isJobFinished(job)) return;
    }
    await this.ctx.client.pods.patch(ns, name, 'strategic', REMOVE_FINALIZER_PATCH).catch((err) => {
      if (!(err instanceof ApiError && err.code === 404)) throw err;
    });
  }

  /** getPodsForJob: every pod of the namespace we own or can adopt; adopted pods get the tracking finalizer too. */
  private async podsForJob(job: Obj): Promise<Obj[]> {
    const { namespace, name, uid } = job.metadata;
    const selector = rsSelector(job);
    if (!selector) return [];
    const all = this.ctx.client.pods.list(namespace).items;
    const ownedBefore = new Set(all.filter((p) => controllerOf(p)?.uid === uid).map((p) => p.metadata.uid));
    const pods = await claim(all, {
      owner: job,
      kind: JOB_KIND,
      match: (p) => selector.matches(p.metadata?.labels),
      client: this.ctx.client.pods,
      fresh: () => this.jobs.get(namespace, name),
    });
    return Promise.all(
      pods.map((p) => {
        if (ownedBefore.has(p.metadata.uid) || hasTrackingFinalizer(p)) return p;
        return this.ctx.client.pods.patch(namespace, p.metadata.name, 'strategic', { metadata: { finalizers: [TRACKING_FINALIZER] } });
      }),
    );
  }

  private async syncJob(key: string): Promise<void> {
    const [namespace, name] = splitKey(key);
    const live = this.jobs.get(namespace, name);
    if (!live) {
      this.backoff.delete(key);
      return;
    }
    if (isJobFinished(live)) {
      this.backoff.delete(key);
      return;
    }
    if (live.spec?.managedBy && live.spec.managedBy !== CONTROLLER_NAME) return;
    const job = structuredClone(live);
    const status = (job.status ??= {});
    const now = this.ctx.clock.now();
    const suspended = job.spec?.suspend === true;
    const pods = await this.podsForJob(job);
    const activePods = pods.filter(isPodActive);
    const ctx: SyncCtx = {
      job,
      pods,
      terminating: pods.filter(isTerminating).length,
      uncounted: { succeeded: new Set(status.uncountedTerminatedPods?.succeeded ?? []), failed: new Set(status.uncountedTerminatedPods?.failed ?? []) },
      prevSucceededIndexes: [],
    };
    const indexed = job.spec?.completionMode === 'Indexed';
    const { newSucceeded, newFailed } = newFinishedPods(job, pods, ctx.uncounted);
    let succeeded = (status.succeeded ?? 0) + newSucceeded.length + ctx.uncounted.succeeded.size;
    const counted = newFailed.filter((p) => matchPodFailurePolicy(job.spec?.podFailurePolicy, p).countFailed).length;
    const failed = (status.failed ?? 0) + counted + ctx.uncounted.failed.size;
    let active = activePods.length;
    let ready = activePods.filter(isPodReady).length;
    const startedBefore = status.startTime;
    if (!status.startTime && !suspended) status.startTime = rfc3339(now);
    const record = nextRecord(this.backoff.get(key), newSucceeded, newFailed, now);

    const successMet = findCondition(job, 'SuccessCriteriaMet');
    const target = findCondition(job, 'FailureTarget');
    if (successMet?.status === 'True') ctx.finished = { type: 'Complete', status: 'True', reason: successMet.reason ?? '', message: successMet.message ?? '' };
    else if (target?.status === 'True') ctx.finished = { type: 'Failed', status: 'True', reason: target.reason ?? '', message: target.message ?? '' };
    else {
      const msg = failJobMessage(job, pods);
      if (msg) ctx.finished = { type: 'FailureTarget', status: 'True', reason: 'PodFailurePolicy', message: msg };
    }
    if (!ctx.finished) {
      if (failed > (job.spec?.backoffLimit ?? 6) || pastBackoffLimitOnFailure(job, pods)) {
        ctx.finished = { type: 'FailureTarget', status: 'True', ...BACKOFF_LIMIT_EXCEEDED };
      } else if (job.spec?.activeDeadlineSeconds != null && !suspended && status.startTime) {
        const left = Date.parse(status.startTime) + job.spec.activeDeadlineSeconds * 1000 - now;
        if (left <= 0) ctx.finished = { type: 'FailureTarget', status: 'True', ...DEADLINE_EXCEEDED };
        else this.queue.addAfter(key, left);
      }
    }
    let succeededIndexes: Interval[] = [];
    if (indexed) {
      const completions = job.spec?.completions ?? 0;
      ctx.prevSucceededIndexes = parseIndexes(status.completedIndexes, completions);
      const fresh = pods.filter((p) => p.status?.phase === 'Succeeded' && hasTrackingFinalizer(p)).map(completionIndex).filter((ix) => ix >= 0 && ix < completions);
      succeededIndexes = withIndexes(ctx.prevSucceededIndexes, fresh);
      succeeded = totalIndexes(succeededIndexes);
    }

    let suspendChanged = false;
    let manageErr: unknown;
    if (ctx.finished) {
      // deleteActivePods: finalizers stay, so the deleted pods are counted (as failed) once they are gone.
      const r = await this.deletePods(job, activePods, false);
      if (r.deleted !== active) ctx.finished = undefined;
      active -= r.deleted;
      ready -= r.deletedReady;
      ctx.terminating += r.deleted;
      manageErr = r.error;
    } else {
      let manageCalled = false;
      if (!job.metadata.deletionTimestamp) {
        try {
          ({ active, ready } = await this.manageJob(ctx, key, activePods, succeeded, succeededIndexes, record));
        } catch (err) {
          manageErr = err;
        }
        manageCalled = true;
      }
      const completions = job.spec?.completions;
      const complete = completions == null ? succeeded > 0 && active === 0 : succeeded >= completions && active === 0;
      if (complete) {
        ctx.finished = { type: 'SuccessCriteriaMet', status: 'True', ...COMPLETIONS_REACHED };
      } else if (manageCalled) {
        if (suspended) {
          suspendChanged = ensureCondition(status, { type: 'Suspended', status: 'True', reason: 'JobSuspended', message: 'Job suspended' }, now);
          if (suspendChanged) this.recorder.event(job, 'Normal', 'Suspended', 'Job suspended');
        } else {
          suspendChanged = ensureCondition(status, { type: 'Suspended', status: 'False', reason: 'JobResumed', message: 'Job resumed' }, now);
          if (suspendChanged) {
            this.recorder.event(job, 'Normal', 'Resumed', 'Job resumed');
            // activeDeadlineSeconds counts continuous activity: resuming restarts the clock.
            status.startTime = rfc3339(now);
          }
        }
      }
    }
    const old = live.status ?? {};
    const needsFlush =
      suspendChanged || active !== (old.active ?? 0) || ready !== old.ready || ctx.terminating !== old.terminating || status.startTime !== startedBefore;
    if (active > 0) status.active = active;
    else delete status.active;
    status.ready = ready;
    status.terminating = ctx.terminating;
    await trackStatusAndRemoveFinalizers({ jobs: this.jobs, pods: this.ctx.client.pods, recorder: this.recorder, now: () => this.ctx.clock.now() }, ctx, needsFlush);
    this.backoff.set(key, record);
    if (manageErr) throw manageErr;
  }

  /** manageJob: deletes surplus pods (or all, when suspended) or creates the missing ones; returns active and ready. */
  private async manageJob(ctx: SyncCtx, key: string, activePods: Obj[], succeeded: number, succeededIndexes: Interval[], record: BackoffRecord): Promise<{ active: number; ready: number }> {
    const job = ctx.job;
    let active = activePods.length;
    let ready = activePods.filter(isPodReady).length;
    const remove = async (pods: Obj[]) => {
      const r = await this.deletePods(job, pods, true);
      active -= r.deleted;
      ready -= r.deletedReady;
      ctx.terminating += r.deleted;
      if (r.error) throw r.error;
      return { active, ready };
    };
    if (job.spec?.suspend === true) return remove(activePods);
    const parallelism: number = job.spec?.parallelism ?? 1;
    const completions: number | undefined = job.spec?.completions ?? undefined;
    let wantActive: number;
    if (completions == null) wantActive = succeeded > 0 ? active : parallelism;
    else wantActive = Math.max(0, Math.min(completions - succeeded, parallelism));
    const surplus = removalOrder(job, activePods, Math.max(0, active - wantActive), this.ctx.clock.now()).slice(0, MAX_PER_SYNC);
    // Deletion takes precedence: one sync either deletes or creates, never both.
    if (surplus.length) return remove(surplus);
    let diff = wantActive - (onlyReplaceFailedPods(job) ? ctx.terminating : 0) - active;
    if (diff <= 0) return { active, ready };
    const wait = remainingBackoff(record, this.ctx.clock.now());
    if (wait > 0) {
      this.queue.addAfter(key, wait);
      return { active, ready };
    }
    diff = Math.min(diff, MAX_PER_SYNC);
    let indexes: (number | undefined)[] = new Array(diff).fill(undefined);
    if (job.spec?.completionMode === 'Indexed') {
      const running = new Set(activePods.map(completionIndex).filter((ix) => ix >= 0));
      indexes = firstPendingIndexes(succeededIndexes, running, diff, completions ?? 0);
    }
    let next = 0;
    const { successes, error } = await slowStartBatch(indexes.length, 1, () => this.createPod(job, indexes[next++]));
    active += successes;
    if (error) throw error;
    return { active, ready };
  }

  /** PodControl.CreatePods with SuccessfulCreate / FailedCreate events. */
  private async createPod(job: Obj, index: number | undefined): Promise<void> {
    try {
      const created = await this.ctx.client.pods.create(job.metadata.namespace, podForJob(job, index));
      this.recorder.event(job, 'Normal', 'SuccessfulCreate', `Created pod: ${created.metadata.name}`);
    } catch (err) {
      // A terminating namespace refuses creates; nothing to do, like upstream.
      if (err instanceof ApiError && (err.details?.causes ?? []).some((c) => c.reason === 'NamespaceTerminating')) return;
      this.recorder.event(job, 'Warning', 'FailedCreate', `Error creating: ${(err as Error).message}`);
      throw err;
    }
  }

  /**
   * deleteJobPods (`dropFinalizer`: surplus and suspended pods are not counted, so the finalizer goes first) and
   * deleteActivePods (finishing: the finalizer stays and the pod is counted as failed).
   */
  private async deletePods(job: Obj, pods: Obj[], dropFinalizer: boolean): Promise<{ deleted: number; deletedReady: number; error?: unknown }> {
    let deleted = 0;
    let deletedReady = 0;
    let error: unknown;
    await Promise.all(
      pods.map(async (p) => {
        const { namespace, name } = p.metadata;
        try {
          if (dropFinalizer && hasTrackingFinalizer(p)) await this.ctx.client.pods.patch(namespace, name, 'strategic', REMOVE_FINALIZER_PATCH);
          await this.ctx.client.pods.delete(namespace, name);
          if (dropFinalizer) this.recorder.event(job, 'Normal', 'SuccessfulDelete', `Deleted pod: ${name}`);
        } catch (err) {
          if (!(err instanceof ApiError && err.code === 404)) {
            error ??= err;
            if (dropFinalizer) this.recorder.event(job, 'Warning', 'FailedDelete', `Error deleting: ${(err as Error).message}`);
            return;
          }
        }
        deleted++;
        if (isPodReady(p)) deletedReady++;
      }),
    );
    return { deleted, deletedReady, error };
  }
}

/** getNewFinishedPods: finished pods still holding the finalizer and not yet in uncountedTerminatedPods. */
function newFinishedPods(job: Obj, pods: Obj[], uncounted: SyncCtx['uncounted']): { newSucceeded: Obj[]; newFailed: Obj[] } {
  const completions = job.spec?.completions ?? 0;
  const indexed = job.spec?.completionMode === 'Indexed';
  const valid = (p: Obj, skip: Set<string>) => {
    if (!hasTrackingFinalizer(p) || skip.has(p.metadata.uid)) return false;
    if (!indexed) return true;
    const ix = completionIndex(p);
    return ix >= 0 && ix < completions;
  };
  return {
    newSucceeded: pods.filter((p) => valid(p, uncounted.succeeded) && p.status?.phase === 'Succeeded'),
    newFailed: pods.filter((p) => valid(p, uncounted.failed) && isPodFailed(p, job)),
  };
}

/** pastBackoffLimitOnFailure: with restartPolicy OnFailure, container restarts count against backoffLimit. */
function pastBackoffLimitOnFailure(job: Obj, pods: Obj[]): boolean {
  if (job.spec?.template?.spec?.restartPolicy !== 'OnFailure') return false;
  let restarts = 0;
  for (const p of pods) {
    if (p.status?.phase !== 'Running' && p.status?.phase !== 'Pending') continue;
    for (const cs of [...(p.status?.initContainerStatuses ?? []), ...(p.status?.containerStatuses ?? [])]) restarts += cs?.restartCount ?? 0;
  }
  const limit = job.spec?.backoffLimit ?? 6;
  return limit === 0 ? restarts > 0 : restarts >= limit;
}

export const jobController: ComponentFactory = () => new JobController();
