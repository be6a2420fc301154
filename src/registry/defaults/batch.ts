// Defaults for batch/v1 (upstream pkg/apis/batch/v1/defaults.go) and the Job's generated selector (upstream
// pkg/registry/batch/job/strategy.go generateSelector).
import { defaultPodTemplate } from './podspec.js';
type Obj = Record<string, any>;

export const JOB_NAME_LABEL = 'batch.kubernetes.io/job-name';
export const LEGACY_JOB_NAME_LABEL = 'job-name';
export const CONTROLLER_UID_LABEL = 'batch.kubernetes.io/controller-uid';
export const LEGACY_CONTROLLER_UID_LABEL = 'controller-uid';

/** SetDefaults_Job. `completions` stays unset when only `parallelism` is given (a work-queue Job). */
export function defaultJob(o: Obj): void {
  const spec = (o.spec ??= {});
  if (spec.completions == null && spec.parallelism == null) {
    spec.completions = 1;
    spec.parallelism = 1;
  }
  spec.parallelism ??= 1;
  if (spec.backoffLimit == null) spec.backoffLimit = spec.backoffLimitPerIndex != null ? 2147483647 : 6;
  const templateLabels = spec.template?.metadata?.labels;
  const meta = (o.metadata ??= {});
  if (templateLabels && typeof templateLabels === 'object' && !Object.keys(meta.labels ?? {}).length) meta.labels = { ...templateLabels };
  spec.completionMode ??= 'NonIndexed';
  spec.suspend ??= false;
  for (const rule of spec.podFailurePolicy?.rules ?? []) for (const p of rule?.onPodConditions ?? []) if (p && !p.status) p.status = 'True';
  spec.podReplacementPolicy ??= spec.podFailurePolicy ? 'Failed' : 'TerminatedOrFailed';
  defaultPodTemplate(spec.template);
}

/**
 * generateSelector (create only, unless spec.manualSelector): the job-name and controller-uid labels on the pod
 * template, and a selector on the controller-uid label. Labels the user set are kept (validation rejects a clash).
 */
export function generateJobSelector(o: Obj): void {
  const spec = (o.spec ??= {});
  if (spec.manualSelector === true) return;
  const template = (spec.template ??= {});
  const tmeta = (template.metadata ??= {});
  const labels = (tmeta.labels ??= {});
  const { name, uid } = o.metadata ?? {};
  for (const k of [LEGACY_JOB_NAME_LABEL, JOB_NAME_LABEL]) if (!(k in labels)) labels[k] = name;
  for (const k of [LEGACY_CONTROLLER_UID_LABEL, CONTROLLER_UID_LABEL]) if (!(k in labels)) labels[k] = uid;
  const selector = (spec.selector ??= {});
  const matchLabels = (selector.matchLabels ??= {});
  if (!(CONTROLLER_UID_LABEL in matchLabels)) matchLabels[CONTROLLER_UID_LABEL] = uid;
}

/** SetDefaults_CronJob (the job template gets pod-template defaults only: SetDefaults_Job is for Job objects). */
export function defaultCronJob(o: Obj): void {
  const spec = (o.spec ??= {});
  if (!spec.concurrencyPolicy) spec.concurrencyPolicy = 'Allow';
  spec.suspend ??= false;
  spec.successfulJobsHistoryLimit ??= 3;
  spec.failedJobsHistoryLimit ??= 1;
  defaultPodTemplate(spec.jobTemplate?.spec?.template);
}
