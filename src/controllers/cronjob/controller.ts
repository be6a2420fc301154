// The CronJob controller (upstream pkg/controller/cronjob/cronjob_controllerv2.go): at each scheduled time it creates
// a Job named after that time (so a time is never run twice), honouring suspend, startingDeadlineSeconds and
// concurrencyPolicy; it keeps status.active / lastScheduleTime / lastSuccessfulTime and deletes finished Jobs beyond
// the history limits. Every wait is a workqueue delay on the cluster clock, so a virtual clock drives the runs.
import type { ComponentContext, ComponentFactory } from '../../client/component.js';
import { EventRecorder } from '../../client/events.js';
import { keyOf, splitKey, type Informer } from '../../client/informer.js';
import { rfc3339 } from '../../clock.js';
import { ApiError } from '../../machinery/errors.js';
import { formatRFC3339In, loadLocation } from '../../machinery/timezone.js';
import type { Obj } from '../../registry/types.js';
import { Controller } from '../controller.js';
import { controllerOf, newControllerRef } from '../replicaset/controller-ref.js';
import { finishedCondition } from '../job/conditions.js';
import { cleanupFinishedJobs, deleteJob, isFinished, jobRef } from './history.js';
import { jobNameFor, mostRecentScheduleTime, nextScheduleDelay, parseCronJobSchedule } from './schedule.js';

const CRONJOB_KIND = { apiVersion: 'batch/v1', kind: 'CronJob' };
export const SCHEDULED_TIMESTAMP_ANNOTATION = 'batch.kubernetes.io/cronjob-scheduled-timestamp';

function time(ts: unknown): number {
  const t = typeof ts === 'string' ? Date.parse(ts) : NaN;
  return Number.isFinite(t) ? t : 0;
}

export class CronJobController extends Controller {
  readonly name = 'cronjob-controller';
  private cronInformer!: Informer;
  private jobInformer!: Informer;
  private recorder!: EventRecorder;

  private get cronjobs() {
    return this.ctx.client.resource('batch', 'v1', 'cronjobs');
  }
  private get jobs() {
    return this.ctx.client.resource('batch', 'v1', 'jobs');
  }

  protected setup(ctx: ComponentContext): void {
    this.recorder = new EventRecorder(ctx.client, ctx.clock, { component: 'cronjob-controller' });
    this.cronInformer = ctx.informers.for('batch', 'v1', 'cronjobs');
    this.jobInformer = ctx.informers.for('batch', 'v1', 'jobs');
    this.cronInformer.addHandlers({
      onAdd: (cj) => this.queue.add(keyOf(cj)),
      onUpdate: (old, cj) => this.updateCronJob(old, cj),
      onDelete: (cj) => this.queue.add(keyOf(cj)),
    });
    const jobChanged = (j: Obj) => {
      const ref = controllerOf(j);
      if (ref?.kind !== CRONJOB_KIND.kind || ref.apiVersion !== CRONJOB_KIND.apiVersion) return;
      this.queue.add(`${j.metadata.namespace}/${ref.name}`);
    };
    this.jobInformer.addHandlers({ onAdd: jobChanged, onUpdate: (_o, j) => jobChanged(j), onDelete: jobChanged });
  }

  /** updateCronJob: a new schedule or zone moves the next wake-up; any other change is looked at now. */
  private updateCronJob(old: Obj, cj: Obj): void {
    if (old.spec?.schedule !== cj.spec?.schedule || old.spec?.timeZone !== cj.spec?.timeZone) {
      try {
        this.queue.addAfter(keyOf(cj), nextScheduleDelay(cj, this.ctx.clock.now(), parseCronJobSchedule(cj)));
        return;
      } catch {
        // Unparseable: the sync reports it.
      }
    }
    this.queue.add(keyOf(cj));
  }

  async sync(key: string): Promise<void> {
    const [namespace, name] = splitKey(key);
    const live = this.cronjobs.get(namespace, name);
    if (!live) return;
    const cj = structuredClone(live);
    cj.status ??= {};
    const jobs = this.jobs.list(namespace).items.filter((j) => controllerOf(j)?.uid === cj.metadata.uid);
    const { requeueAfter, updateStatus } = await this.syncCronJob(cj, jobs);
    let write = updateStatus;
    if (cj.metadata.deletionTimestamp == null && (await cleanupFinishedJobs(cj, jobs, this.jobs, this.recorder))) write = true;
    // The next wake-up is armed before the status write, so whoever sees the new status also sees the timer.
    if (requeueAfter !== undefined) this.queue.addAfter(key, requeueAfter);
    if (write) await this.writeStatus(live, cj);
  }

  private async writeStatus(live: Obj, cj: Obj): Promise<void> {
    const status = cj.status;
    if (!status.active?.length) delete status.active;
    try {
      await this.cronjobs.updateStatus({ ...live, status });
    } catch (err) {
      if (!(err instanceof ApiError && err.code === 404)) throw err;
    }
  }

  /** syncCronJob; mutates cj.status. */
  private async syncCronJob(cj: Obj, jobs: Obj[]): Promise<{ requeueAfter?: number; updateStatus: boolean }> {
    const now = this.ctx.clock.now();
    const status = cj.status;
    let updateStatus = false;
    const active: Obj[] = (status.active ??= []);
    const inActive = (uid: string) => active.some((r) => r.uid === uid);
    const children = new Set<string>();
    for (const j of jobs) {
      children.add(j.metadata.uid);
      const found = inActive(j.metadata.uid);
      if (!found && !isFinished(j)) {
        const fresh = this.cronjobs.get(cj.metadata.namespace, cj.metadata.name);
        if ((fresh?.status?.active ?? []).some((r: Obj) => r.uid === j.metadata.uid)) continue;
        this.recorder.event(cj, 'Warning', 'UnexpectedJob', `Saw a job that the controller did not create or forgot: ${j.metadata.name}`);
      } else if (found && isFinished(j)) {
        const cond = finishedCondition(j);
        active.splice(active.findIndex((r) => r.uid === j.metadata.uid), 1);
        this.recorder.event(cj, 'Normal', 'SawCompletedJob', `Saw completed job: ${j.metadata.name}, condition: ${cond?.type}`);
        updateStatus = true;
      }
      // A successful Job moves lastSuccessfulTime whether or not it was in the active list.
      if (isFinished(j) && finishedCondition(j)?.type === 'Complete' && j.status?.completionTime) {
        if (!status.lastSuccessfulTime || time(j.status.completionTime) > time(status.lastSuccessfulTime)) {
          status.lastSuccessfulTime = j.status.completionTime;
          updateStatus = true;
        }
      }
    }
    // An active Job that no longer exists (checked with a fresh read) leaves the list.
    for (const ref of [...active]) {
      if (children.has(ref.uid)) continue;
      if (this.jobs.get(ref.namespace, ref.name)) continue;
      this.recorder.event(cj, 'Normal', 'MissingJob', `Active job went missing: ${ref.name}`);
      active.splice(active.indexOf(ref), 1);
      updateStatus = true;
    }
    if (cj.metadata.deletionTimestamp) return { updateStatus };
    const tz = cj.spec?.timeZone;
    if (tz != null) {
      try {
        loadLocation(tz);
      } catch (err) {
        this.recorder.event(cj, 'Warning', 'UnknownTimeZone', `invalid timeZone: ${JSON.stringify(tz)}: ${(err as Error).message}`);
        return { updateStatus };
      }
    }
    if (cj.spec?.suspend === true) return { updateStatus };
    const schedule = String(cj.spec?.schedule ?? '');
    if (schedule.includes('TZ')) {
      this.recorder.event(cj, 'Warning', 'UnsupportedSchedule', `CRON_TZ or TZ used in schedule ${JSON.stringify(schedule)} is not officially supported, see https://kubernetes.io/docs/concepts/workloads/controllers/cron-jobs/ for more details`);
    }
    let sched;
    try {
      sched = parseCronJobSchedule(cj);
    } catch (err) {
      this.recorder.event(cj, 'Warning', 'UnparseableSchedule', `unparseable schedule: ${JSON.stringify(schedule)} : ${(err as Error).message}`);
      return { updateStatus };
    }
    let recent;
    try {
      recent = mostRecentScheduleTime(cj, now, sched, true);
    } catch (err) {
      this.recorder.event(cj, 'Warning', 'InvalidSchedule', `invalid schedule: ${schedule} : ${(err as Error).message}`);
      return { updateStatus };
    }
    const requeue = () => nextScheduleDelay(cj, now, sched);
    if (recent.mostRecent === undefined || recent.mostRecent > now) return { requeueAfter: requeue(), updateStatus };
    if (recent.missed === 'many') {
      this.recorder.event(cj, 'Warning', 'TooManyMissedTimes', 'too many missed start times. Set or decrease .spec.startingDeadlineSeconds or check clock skew');
    }
    const scheduled = recent.mostRecent;
    const deadline = cj.spec?.startingDeadlineSeconds;
    if (deadline != null && scheduled + deadline * 1000 < now) {
      this.recorder.event(cj, 'Warning', 'MissSchedule', `Missed scheduled time to start a job: ${rfc1123z(scheduled)}`);
      return { requeueAfter: requeue(), updateStatus };
    }
    const name = jobNameFor(cj, scheduled);
    if (active.some((r) => r.name === name) || time(status.lastScheduleTime) === scheduled) return { requeueAfter: requeue(), updateStatus };
    if (cj.spec?.concurrencyPolicy === 'Forbid' && active.length > 0) {
      this.recorder.event(cj, 'Normal', 'JobAlreadyActive', 'Not starting job because prior execution is running and concurrency policy is Forbid');
      return { requeueAfter: requeue(), updateStatus };
    }
    if (cj.spec?.concurrencyPolicy === 'Replace') {
      for (const ref of [...active]) {
        const job = this.jobs.get(ref.namespace, ref.name);
        if (!job) continue;
        if (!(await deleteJob(cj, job, this.jobs, this.recorder))) throw new Error(`could not replace job ${job.metadata.namespace}/${job.metadata.name}`);
        updateStatus = true;
      }
    }
    const created = await this.createJob(cj, name, scheduled);
    if (!created) return { updateStatus };
    if (!inActive(created.metadata.uid)) active.push(jobRef(created));
    status.lastScheduleTime = rfc3339(scheduled);
    return { requeueAfter: requeue(), updateStatus: true };
  }

  /** getJobFromTemplate2 + create; an existing Job of ours with that name (a lost status write) is taken as created. */
  private async createJob(cj: Obj, name: string, scheduled: number): Promise<Obj | undefined> {
    const template = cj.spec?.jobTemplate ?? {};
    const zone = loadLocation(cj.spec?.timeZone ?? '');
    const job: Obj = {
      metadata: {
        name,
        labels: { ...(template.metadata?.labels ?? {}) },
        annotations: { ...(template.metadata?.annotations ?? {}), [SCHEDULED_TIMESTAMP_ANNOTATION]: formatRFC3339In(scheduled, zone) },
        ownerReferences: [newControllerRef(cj, CRONJOB_KIND)],
      },
      spec: structuredClone(template.spec ?? {}),
    };
    try {
      const created = await this.jobs.create(cj.metadata.namespace, job);
      this.recorder.event(cj, 'Normal', 'SuccessfulCreate', `Created job ${created.metadata.name}`);
      return created;
    } catch (err) {
      if (err instanceof ApiError && (err.details?.causes ?? []).some((c) => c.reason === 'NamespaceTerminating')) throw err;
      if (err instanceof ApiError && err.reason === 'AlreadyExists') {
        const existing = this.jobs.get(cj.metadata.namespace, name);
        if (!existing) throw err;
        // Someone else's Job with our name: assume they keep our status.
        return controllerOf(existing)?.uid === cj.metadata.uid ? existing : undefined;
      }
      this.recorder.event(cj, 'Warning', 'FailedCreate', `Error creating job: ${(err as Error).message}`);
      throw err;
    }
  }
}

/** Go's time.RFC1123Z in UTC: "Mon, 02 Jan 2006 15:04:05 +0000". */
function rfc1123z(ms: number): string {
  return new Date(ms).toUTCString().replace('GMT', '+0000');
}

export const cronJobController: ComponentFactory = () => new CronJobController();
