// Pod helpers of the Job controller (upstream pkg/controller/job/job_controller.go and tracking_utils.go): the
// job-tracking finalizer, which pods count as failed, finish times for the failure back-off, and the pod built from
// the Job's template (Indexed Jobs add the completion index, hostname and JOB_COMPLETION_INDEX).
import type { Obj } from '../../registry/types.js';
import { newControllerRef } from '../replicaset/controller-ref.js';
import { podFromTemplate } from '../replicaset/pods.js';
import { COMPLETION_INDEX_ANNOTATION, COMPLETION_INDEX_ENV } from './indexes.js';

export const JOB_KIND = { apiVersion: 'batch/v1', kind: 'Job' };
/** Held on every pod the controller creates until its outcome is counted in the Job status. */
export const TRACKING_FINALIZER = 'batch.kubernetes.io/job-tracking';
/** names.MaxGeneratedNameLength: a generateName longer than this is cut by the API server. */
const MAX_GENERATED_NAME = 58;

export function hasTrackingFinalizer(pod: Obj): boolean {
  return (pod.metadata?.finalizers ?? []).includes(TRACKING_FINALIZER);
}

export function isTerminal(pod: Obj): boolean {
  return pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed';
}

/** Pods being deleted that have not reached a terminal phase (status.terminating). */
export function isTerminating(pod: Obj): boolean {
  return !!pod.metadata?.deletionTimestamp && !isTerminal(pod);
}

/** onlyReplaceFailedPods: podReplacementPolicy Failed, which a podFailurePolicy implies. */
export function onlyReplaceFailedPods(job: Obj): boolean {
  return job.spec?.podReplacementPolicy === 'Failed' || !!job.spec?.podFailurePolicy;
}

/** isPodFailed: phase Failed, or (unless only failed pods are replaced) deleted before succeeding. */
export function isPodFailed(pod: Obj, job: Obj): boolean {
  if (pod.status?.phase === 'Failed') return true;
  if (onlyReplaceFailedPods(job)) return false;
  return !!pod.metadata?.deletionTimestamp && pod.status?.phase !== 'Succeeded';
}

function time(ts: unknown): number | undefined {
  const t = typeof ts === 'string' ? Date.parse(ts) : NaN;
  return Number.isFinite(t) ? t : undefined;
}

/** getFinishedTime: the last container finish, else when Ready turned False, else the deletion time. */
export function finishedTime(pod: Obj, now: number): number {
  const finished = [...(pod.status?.containerStatuses ?? []), ...(pod.status?.initContainerStatuses ?? [])]
    .map((c: Obj) => time(c?.state?.terminated?.finishedAt))
    .filter((t): t is number => t !== undefined);
  if (finished.length) return Math.max(...finished);
  const ready = (pod.status?.conditions ?? []).find((c: Obj) => c?.type === 'Ready' && c.status === 'False');
  return time(ready?.lastTransitionTime) ?? time(pod.metadata?.deletionTimestamp) ?? now;
}

/** podGenerateNameWithIndex: `<job>-<index>-`, the Job name cut so the prefix stays within the generated limit. */
function generateNameWithIndex(jobName: string, index: number): string {
  const suffix = `-${index}-`;
  const prefix = jobName + suffix;
  return prefix.length > MAX_GENERATED_NAME ? jobName.slice(0, MAX_GENERATED_NAME - suffix.length) + suffix : prefix;
}

/** addCompletionIndexEnvVariable: JOB_COMPLETION_INDEX from the pod's index annotation, unless already declared. */
function addIndexEnv(container: Obj): void {
  const env: Obj[] = (container.env ??= []);
  if (env.some((e) => e?.name === COMPLETION_INDEX_ENV)) return;
  env.push({ name: COMPLETION_INDEX_ENV, valueFrom: { fieldRef: { fieldPath: `metadata.annotations['${COMPLETION_INDEX_ANNOTATION}']` } } });
}

/** The pod for one creation: the template, the controllerRef, the tracking finalizer and, when Indexed, the index. */
export function podForJob(job: Obj, index?: number): Obj {
  const pod = podFromTemplate(job.spec?.template, job.metadata.name, newControllerRef(job, JOB_KIND));
  const meta = pod.metadata;
  if (!(meta.finalizers ?? []).includes(TRACKING_FINALIZER)) meta.finalizers = [...(meta.finalizers ?? []), TRACKING_FINALIZER];
  if (index === undefined) return pod;
  meta.annotations = { ...(meta.annotations ?? {}), [COMPLETION_INDEX_ANNOTATION]: String(index) };
  // PodIndexLabel (GA in 1.32): the index is a label too, for selectors and services.
  meta.labels = { ...(meta.labels ?? {}), [COMPLETION_INDEX_ANNOTATION]: String(index) };
  meta.generateName = generateNameWithIndex(job.metadata.name, index);
  pod.spec.hostname = `${job.metadata.name}-${index}`;
  for (const c of pod.spec.initContainers ?? []) addIndexEnv(c);
  for (const c of pod.spec.containers ?? []) addIndexEnv(c);
  return pod;
}

/** The strategic-merge patch that drops our finalizer (removeTrackingFinalizerPatch). */
export const REMOVE_FINALIZER_PATCH = { metadata: { '$deleteFromPrimitiveList/finalizers': [TRACKING_FINALIZER] } };
