// batch/v1 Job: columns as upstream's printJob (STATUS since 1.28), defaults, the generated selector and validation.
import { age, humanDuration } from '../../../machinery/duration.js';
import { col, AGE, NAME_DESCRIPTION } from '../../columns.js';
import { defaultJob, generateJobSelector } from '../../defaults/batch.js';
import type { Obj, ResourceDef } from '../../types.js';
import { CONTAINERS, IMAGES, selectorCell, templateCells } from '../apps/workload-columns.js';
import { validateJob, validateJobUpdate } from './validation.js';

const JOB_SELECTOR_DESCRIPTION =
  'A label query over pods that should match the pod count. Normally, the system sets this field for you. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#label-selectors';

function hasCondition(job: Obj, type: string): boolean {
  return (job.status?.conditions ?? []).some((c: Obj) => c?.type === type && c.status === 'True');
}

/** printJob's STATUS cell. */
export function jobStatusCell(job: Obj): string {
  if (hasCondition(job, 'Complete')) return 'Complete';
  if (hasCondition(job, 'Failed')) return 'Failed';
  if (job.metadata?.deletionTimestamp) return 'Terminating';
  if (hasCondition(job, 'Suspended')) return 'Suspended';
  if (hasCondition(job, 'FailureTarget')) return 'FailureTarget';
  if (hasCondition(job, 'SuccessCriteriaMet')) return 'SuccessCriteriaMet';
  return 'Running';
}

/** printJob's COMPLETIONS cell: `succeeded/completions`, or `n/1 [of parallelism]` for work-queue Jobs. */
export function jobCompletionsCell(job: Obj): string {
  const succeeded = job.status?.succeeded ?? 0;
  if (job.spec?.completions != null) return `${succeeded}/${job.spec.completions}`;
  const parallelism = job.spec?.parallelism ?? 0;
  return parallelism > 1 ? `${succeeded}/1 of ${parallelism}` : `${succeeded}/1`;
}

/** printJob's DURATION cell: empty before start, running time until completion, then start → completion. */
export function jobDurationCell(job: Obj, now: number): string {
  const start = Date.parse(job.status?.startTime ?? '');
  if (!Number.isFinite(start)) return '';
  const done = Date.parse(job.status?.completionTime ?? '');
  return humanDuration((Number.isFinite(done) ? done : now) - start);
}

export const jobs: ResourceDef = {
  group: 'batch',
  version: 'v1',
  kind: 'Job',
  plural: 'jobs',
  singular: 'job',
  namespaced: true,
  categories: ['all'],
  nameRule: 'subdomain',
  generation: true,
  statusSubresource: true,
  subresources: [{ name: 'status', verbs: ['get', 'patch', 'update'] }],
  columns: [
    col('Name', NAME_DESCRIPTION),
    col('Status', 'Status of the job.'),
    col('Completions', 'The number of pods which reached phase Succeeded. The value increases monotonically for a given spec. However, it may decrease in reaction to scale down of elastic indexed jobs.'),
    col('Duration', 'Time required to complete the job.'),
    AGE,
    CONTAINERS,
    IMAGES,
    col('Selector', JOB_SELECTOR_DESCRIPTION, 1),
  ],
  cells: (o, now) => {
    const [names, images] = templateCells(o);
    return [o.metadata?.name, jobStatusCell(o), jobCompletionsCell(o), jobDurationCell(o, now), age(o.metadata?.creationTimestamp, now), names, images, selectorCell(o)];
  },
  // The selector is generated before defaulting so that, like upstream, a Job without labels takes the template's
  // (generated ones included: `kubectl create job` Jobs carry job-name and controller-uid labels).
  prepareForCreate: (o) => {
    o.status = {};
    generateJobSelector(o);
  },
  defaults: defaultJob,
  validate: validateJob,
  validateUpdate: validateJobUpdate,
};
