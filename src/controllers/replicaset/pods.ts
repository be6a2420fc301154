// Pod helpers the ReplicaSet controller needs (upstream pkg/api/v1/pod/util.go IsPodReady / IsPodAvailable,
// pkg/controller/controller_utils.go FilterActivePods, GetPodFromTemplate, ActivePodsWithRanks).
import type { Obj } from '../../registry/types.js';

const DELETION_COST_ANNOTATION = 'controller.kubernetes.io/pod-deletion-cost';

function readyCondition(pod: Obj): Obj | undefined {
  return (pod.status?.conditions ?? []).find((c: Obj) => c?.type === 'Ready');
}

/** podutil.IsPodReady: the Ready condition is True. */
export function isPodReady(pod: Obj): boolean {
  return readyCondition(pod)?.status === 'True';
}

/** podutil.IsPodAvailable: ready, and ready for at least minReadySeconds (strictly before `now`). */
export function isPodAvailable(pod: Obj, minReadySeconds: number, now: number): boolean {
  if (!isPodReady(pod)) return false;
  if (!minReadySeconds) return true;
  const since = Date.parse(readyCondition(pod)?.lastTransitionTime ?? '');
  return Number.isFinite(since) && since + minReadySeconds * 1000 < now;
}

/** controller.IsPodActive: not terminal and not being deleted. */
export function isPodActive(pod: Obj): boolean {
  const phase = pod.status?.phase;
  return phase !== 'Succeeded' && phase !== 'Failed' && !pod.metadata?.deletionTimestamp;
}

/** GetPodFromTemplate: labels, annotations and finalizers of the template, generateName `<owner>-`, the spec. */
export function podFromTemplate(template: Obj, ownerName: string, controllerRef: Obj): Obj {
  const meta: Obj = { generateName: `${ownerName}-`, ownerReferences: [controllerRef] };
  const t = template?.metadata ?? {};
  if (t.labels && Object.keys(t.labels).length) meta.labels = { ...t.labels };
  if (t.annotations && Object.keys(t.annotations).length) meta.annotations = { ...t.annotations };
  if (t.finalizers?.length) meta.finalizers = [...t.finalizers];
  return { apiVersion: 'v1', kind: 'Pod', metadata: meta, spec: structuredClone(template?.spec ?? {}) };
}

const PHASE_ORDINAL: Record<string, number> = { Pending: 0, Unknown: 1, Running: 2 };

function time(ts: string | undefined): number {
  const t = ts ? Date.parse(ts) : NaN;
  return Number.isFinite(t) ? t : 0;
}

function deletionCost(pod: Obj): number {
  const v = Number(pod.metadata?.annotations?.[DELETION_COST_ANNOTATION]);
  return Number.isInteger(v) ? v : 0;
}

function maxRestarts(pod: Obj): number {
  return Math.max(0, ...(pod.status?.containerStatuses ?? []).map((c: Obj) => c?.restartCount ?? 0));
}

/** logarithmicRankDiff: compares ages on a log2 scale of nanoseconds, so pods of similar age rank equal. */
function logRankDiff(t1: number, t2: number, now: number): number {
  const rank = (t: number) => {
    const d = (now - t) * 1e6;
    return d > 0 ? Math.floor(Math.log2(d)) : -1;
  };
  return rank(t1) - rank(t2);
}

/**
 * ActivePodsWithRanks.Less with LogarithmicScaleDown and PodDeletionCost enabled (their upstream defaults):
 * unassigned < assigned; Pending < Unknown < Running; not ready < ready; lower deletion cost; more co-located
 * related pods; more recently ready; more restarts; newer. "Less" pods are deleted first.
 */
function lessForDeletion(a: Obj, ra: number, b: Obj, rb: number, now: number): number {
  const na = a.spec?.nodeName ?? '';
  const nb = b.spec?.nodeName ?? '';
  if (na !== nb && (!na || !nb)) return !na ? -1 : 1;
  const pa = PHASE_ORDINAL[a.status?.phase] ?? 0;
  const pb = PHASE_ORDINAL[b.status?.phase] ?? 0;
  if (pa !== pb) return pa - pb;
  const ya = isPodReady(a);
  const yb = isPodReady(b);
  if (ya !== yb) return ya ? 1 : -1;
  const ca = deletionCost(a);
  const cb = deletionCost(b);
  if (ca !== cb) return ca - cb;
  if (ra !== rb) return rb - ra;
  const byAge = (ta: number, tb: number, ua: string, ub: string): number => {
    if (ta === tb) return 0;
    // afterOrZero: a zero time counts as the newest.
    if (!ta || !tb) return !ta ? -1 : 1;
    const diff = logRankDiff(ta, tb, now);
    if (diff === 0) return ua < ub ? -1 : ua > ub ? 1 : 0;
    return diff;
  };
  if (ya && yb) {
    const r = byAge(time(readyCondition(a)?.lastTransitionTime), time(readyCondition(b)?.lastTransitionTime), a.metadata?.uid ?? '', b.metadata?.uid ?? '');
    if (r) return r;
  }
  const restarts = maxRestarts(b) - maxRestarts(a);
  if (restarts) return restarts;
  return byAge(time(a.metadata?.creationTimestamp), time(b.metadata?.creationTimestamp), a.metadata?.uid ?? '', b.metadata?.uid ?? '');
}

/**
 * getPodsToDelete: the `diff` pods to delete first. Ranks come from getPodsRankedByRelatedPodsOnSameNode: how many
 * active pods of the same owner family sit on the pod's node.
 */
export function podsToDelete(pods: Obj[], related: Obj[], diff: number, now: number): Obj[] {
  if (diff >= pods.length) return pods.slice(0, diff);
  const onNode = new Map<string, number>();
  for (const p of related) if (isPodActive(p)) onNode.set(p.spec?.nodeName ?? '', (onNode.get(p.spec?.nodeName ?? '') ?? 0) + 1);
  const ranked = pods.map((p) => ({ p, r: onNode.get(p.spec?.nodeName ?? '') ?? 0 }));
  ranked.sort((x, y) => lessForDeletion(x.p, x.r, y.p, y.r, now));
  return ranked.slice(0, diff).map((x) => x.p);
}
