// batch/v1 validation (upstream pkg/apis/batch/validation): the rules users hit in practice — restart policy,
// selector vs template labels, completion mode, pod failure policy, the CronJob schedule and time zone, and the
// fields that may not change after creation.
import { isDeepStrictEqual } from 'node:util';
import { parseStandard } from '../../../machinery/cron.js';
import { selectorFromLabelSelector } from '../../../machinery/labels.js';
import { loadLocation } from '../../../machinery/timezone.js';
import { FIELD_IMMUTABLE_ERROR_MSG, invalid, IS_NEGATIVE_ERROR_MSG, notSupported, required, type FieldError } from '../../../machinery/validation.js';
type Obj = Record<string, any>;

const MAX_INDEXED_COMPLETIONS = 100_000;
const CRONJOB_NAME_MAX = 52;

function nonNegative(errs: FieldError[], path: string, v: unknown): void {
  if (typeof v === 'number' && v < 0) errs.push(invalid(path, v, IS_NEGATIVE_ERROR_MSG));
}

/** ValidateJobSpec / ValidateJobTemplateSpec, with `path` the spec's field path. */
export function validateJobSpec(spec: Obj | undefined, path: string, isJob: boolean): FieldError[] {
  const errs: FieldError[] = [];
  if (!spec) return [required(path)];
  for (const f of ['parallelism', 'completions', 'activeDeadlineSeconds', 'backoffLimit', 'ttlSecondsAfterFinished']) nonNegative(errs, `${path}.${f}`, spec[f]);
  const restartPolicy = spec.template?.spec?.restartPolicy;
  if (restartPolicy !== 'OnFailure' && restartPolicy !== 'Never') {
    errs.push(notSupported(`${path}.template.spec.restartPolicy`, restartPolicy ?? '', ['OnFailure', 'Never']));
  }
  const mode = spec.completionMode ?? 'NonIndexed';
  if (mode !== 'NonIndexed' && mode !== 'Indexed') errs.push(notSupported(`${path}.completionMode`, mode, ['NonIndexed', 'Indexed']));
  if (mode === 'Indexed') {
    if (spec.completions == null) errs.push(required(`${path}.completions`, 'when completion mode is Indexed'));
    else if (spec.completions > MAX_INDEXED_COMPLETIONS) errs.push(invalid(`${path}.completions`, spec.completions, `must be less than or equal to ${MAX_INDEXED_COMPLETIONS} when completion mode is Indexed`));
  }
  if (spec.podFailurePolicy) {
    if (restartPolicy !== 'Never') errs.push(invalid(`${path}.template.spec.restartPolicy`, restartPolicy ?? '', 'only "Never" is supported when podFailurePolicy is specified'));
    (spec.podFailurePolicy.rules ?? []).forEach((rule: Obj, i: number) => {
      const rp = `${path}.podFailurePolicy.rules[${i}]`;
      if (!['Count', 'FailIndex', 'FailJob', 'Ignore'].includes(rule?.action)) errs.push(notSupported(`${rp}.action`, rule?.action ?? '', ['Count', 'FailIndex', 'FailJob', 'Ignore']));
      if (!rule?.onExitCodes && !rule?.onPodConditions) errs.push(invalid(rp, '', 'specifying one of OnExitCodes and OnPodConditions is required'));
      const op = rule?.onExitCodes?.operator;
      if (rule?.onExitCodes && op !== 'In' && op !== 'NotIn') errs.push(notSupported(`${rp}.onExitCodes.operator`, op ?? '', ['In', 'NotIn']));
    });
  }
  if (isJob) {
    if (!spec.selector) {
      errs.push(required(`${path}.selector`));
    } else {
      let matches = true;
      try {
        matches = selectorFromLabelSelector(spec.selector).matches(spec.template?.metadata?.labels ?? {});
      } catch (err) {
        errs.push(invalid(`${path}.selector`, spec.selector, (err as Error).message));
      }
      if (!matches) errs.push(invalid(`${path}.template.metadata.labels`, spec.template?.metadata?.labels ?? {}, '`selector` does not match template `labels`'));
    }
  }
  return errs;
}

export function validateJob(o: Obj): FieldError[] {
  return validateJobSpec(o.spec, 'spec', true);
}

/** ValidateJobSpecUpdate: selector, completion mode and (except elastic Indexed Jobs) completions are fixed; the pod
 * template may only change while the Job is suspended and has never started. */
export function validateJobUpdate(o: Obj, old: Obj): FieldError[] {
  const errs: FieldError[] = [];
  const s = o.spec ?? {};
  const p = old.spec ?? {};
  if (!isDeepStrictEqual(s.selector, p.selector)) errs.push(invalid('spec.selector', s.selector ?? null, FIELD_IMMUTABLE_ERROR_MSG));
  if (s.completionMode !== p.completionMode) errs.push(invalid('spec.completionMode', s.completionMode ?? null, FIELD_IMMUTABLE_ERROR_MSG));
  const elastic = s.completionMode === 'Indexed' && s.completions === s.parallelism && p.completions === p.parallelism;
  if (s.completions !== p.completions && !elastic) errs.push(invalid('spec.completions', s.completions ?? null, FIELD_IMMUTABLE_ERROR_MSG));
  const mutableTemplate = p.suspend === true && !old.status?.startTime;
  if (!mutableTemplate && !isDeepStrictEqual(s.template, p.template)) errs.push(invalid('spec.template', s.template ?? null, FIELD_IMMUTABLE_ERROR_MSG));
  return errs;
}

/** validateTimeZone. */
export function validateTimeZone(tz: unknown, path: string): FieldError[] {
  if (tz == null) return [];
  if (typeof tz !== 'string' || tz === '') return [invalid(path, tz, 'timeZone must be nil or non-empty string')];
  for (const part of tz.split('/')) {
    if (part === '.' || part === '..' || part.startsWith('-') || !/^[A-Za-z.\-_0-9+]{1,14}$/.test(part)) return [invalid(path, tz, `unknown time zone ${tz}`)];
  }
  if (tz.toLowerCase() === 'local') return [invalid(path, tz, 'timeZone must be an explicit time zone as defined in https://www.iana.org/time-zones')];
  try {
    loadLocation(tz);
  } catch (err) {
    return [invalid(path, tz, (err as Error).message)];
  }
  return [];
}

function validateSchedule(schedule: unknown, allowTZ: boolean, tz: unknown): FieldError[] {
  if (typeof schedule !== 'string' || schedule === '') return [required('spec.schedule')];
  const errs: FieldError[] = [];
  try {
    parseStandard(schedule);
  } catch (err) {
    errs.push(invalid('spec.schedule', schedule, (err as Error).message));
  }
  if (schedule.includes('TZ')) {
    if (!allowTZ) errs.push(invalid('spec.schedule', schedule, 'cannot use TZ or CRON_TZ in schedule, use timeZone field instead'));
    else if (tz != null) errs.push(invalid('spec.schedule', schedule, 'cannot use both timeZone field and TZ or CRON_TZ in schedule'));
  }
  return errs;
}

function validateCronJobCommon(o: Obj, allowTZ: boolean): FieldError[] {
  const errs: FieldError[] = [];
  const name = o.metadata?.name;
  if (typeof name === 'string' && name.length > CRONJOB_NAME_MAX) errs.push(invalid('metadata.name', name, `must be no more than ${CRONJOB_NAME_MAX} characters`));
  const spec = o.spec ?? {};
  errs.push(...validateSchedule(spec.schedule, allowTZ, spec.timeZone));
  errs.push(...validateTimeZone(spec.timeZone, 'spec.timeZone'));
  if (!['Allow', 'Forbid', 'Replace'].includes(spec.concurrencyPolicy)) errs.push(notSupported('spec.concurrencyPolicy', spec.concurrencyPolicy ?? '', ['Allow', 'Forbid', 'Replace']));
  for (const f of ['startingDeadlineSeconds', 'successfulJobsHistoryLimit', 'failedJobsHistoryLimit']) nonNegative(errs, `spec.${f}`, spec[f]);
  errs.push(...validateJobSpec(spec.jobTemplate?.spec, 'spec.jobTemplate.spec', false));
  return errs;
}

/** validateCronJob. A TZ= prefix is always refused here: upstream still accepts it on updates of CronJobs created
 * before the timeZone field existed, which kubesim cannot hold. */
export function validateCronJob(o: Obj): FieldError[] {
  return validateCronJobCommon(o, false);
}
