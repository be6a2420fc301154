// Deployment helpers (upstream pkg/controller/deployment/util/deployment_util.go and the ReplicaSet sort orders of
// pkg/controller/controller_utils.go). Objects are plain JSON; functions that "set" mutate like their Go originals.
import { isDeepStrictEqual } from 'node:util';
import type { Obj } from '../../registry/types.js';

export const HASH_LABEL = 'pod-template-hash';
export const REVISION_ANNOTATION = 'deployment.kubernetes.io/revision';
export const REVISION_HISTORY_ANNOTATION = 'deployment.kubernetes.io/revision-history';
export const DESIRED_REPLICAS_ANNOTATION = 'deployment.kubernetes.io/desired-replicas';
export const MAX_REPLICAS_ANNOTATION = 'deployment.kubernetes.io/max-replicas';
const LAST_APPLIED_ANNOTATION = 'kubectl.kubernetes.io/last-applied-configuration';
const ROLLBACK_TO_ANNOTATION = 'deprecated.deployment.rollback.to';

/** Progressing / Available condition reasons. */
export const Reason = {
  ReplicaSetUpdated: 'ReplicaSetUpdated',
  FailedRSCreate: 'ReplicaSetCreateError',
  NewReplicaSet: 'NewReplicaSetCreated',
  FoundNewRS: 'FoundNewReplicaSet',
  NewRSAvailable: 'NewReplicaSetAvailable',
  TimedOut: 'ProgressDeadlineExceeded',
  Paused: 'DeploymentPaused',
  Resumed: 'DeploymentResumed',
  MinimumReplicasAvailable: 'MinimumReplicasAvailable',
  MinimumReplicasUnavailable: 'MinimumReplicasUnavailable',
} as const;

export const replicas = (o: Obj | undefined): number => o?.spec?.replicas ?? 0;

// --- int-or-percent fenceposts --------------------------------------------------------------------------------

/** intstr.GetScaledValueFromIntOrPercent; undefined for a malformed value (callers treat that as 0, like upstream). */
export function scaledValue(v: unknown, total: number, roundUp: boolean): number | undefined {
  if (typeof v === 'number') return v;
  if (typeof v !== 'string' || !v.endsWith('%')) return undefined;
  const pct = v.slice(0, -1);
  if (!/^[+-]?\d+$/.test(pct)) return undefined;
  const x = (Number(pct) * total) / 100;
  return roundUp ? Math.ceil(x) : Math.floor(x);
}

export function isRollingUpdate(d: Obj): boolean {
  return d.spec?.strategy?.type === 'RollingUpdate';
}

/** ResolveFenceposts: surge rounds up, unavailable down; both 0 would stall, so unavailable becomes 1. */
export function resolveFenceposts(maxSurge: unknown, maxUnavailable: unknown, desired: number): [number, number] {
  const surge = scaledValue(maxSurge ?? 0, desired, true) ?? 0;
  let unavailable = scaledValue(maxUnavailable ?? 0, desired, false) ?? 0;
  if (surge === 0 && unavailable === 0) unavailable = 1;
  return [surge, unavailable];
}

export function maxSurge(d: Obj): number {
  if (!isRollingUpdate(d)) return 0;
  const ru = d.spec.strategy.rollingUpdate ?? {};
  return resolveFenceposts(ru.maxSurge, ru.maxUnavailable, replicas(d))[0];
}

export function maxUnavailable(d: Obj): number {
  if (!isRollingUpdate(d) || replicas(d) === 0) return 0;
  const ru = d.spec.strategy.rollingUpdate ?? {};
  return Math.min(resolveFenceposts(ru.maxSurge, ru.maxUnavailable, replicas(d))[1], replicas(d));
}

// --- conditions -----------------------------------------------------------------------------------------------

export function newCondition(type: string, status: string, reason: string, message: string, now: string): Obj {
  return { type, status, lastUpdateTime: now, lastTransitionTime: now, reason, message };
}

export function getCondition(status: Obj | undefined, type: string): Obj | undefined {
  return (status?.conditions ?? []).find((c: Obj) => c.type === type);
}

/** SetDeploymentCondition: no-op for the same status and reason; keeps lastTransitionTime while status holds. */
export function setCondition(status: Obj, cond: Obj): void {
  const cur = getCondition(status, cond.type);
  if (cur && cur.status === cond.status && cur.reason === cond.reason) return;
  if (cur && cur.status === cond.status) cond.lastTransitionTime = cur.lastTransitionTime;
  status.conditions = [...(status.conditions ?? []).filter((c: Obj) => c.type !== cond.type), cond];
}

export function removeCondition(status: Obj, type: string): void {
  if (!status.conditions) return;
  status.conditions = status.conditions.filter((c: Obj) => c.type !== type);
  if (!status.conditions.length) delete status.conditions;
}

export function hasProgressDeadline(d: Obj): boolean {
  const s = d.spec?.progressDeadlineSeconds;
  return typeof s === 'number' && s !== 2147483647;
}

// --- revisions and annotations ----------------------------------------------------------------------------------

/** Revision: the revision annotation as a number; undefined when it is absent or malformed. */
export function revisionOf(o: Obj | undefined): number | undefined {
  const v = o?.metadata?.annotations?.[REVISION_ANNOTATION];
  return typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : undefined;
}

export function maxRevision(rss: Obj[]): number {
  return Math.max(0, ...rss.map((rs) => revisionOf(rs) ?? 0));
}

const SKIPPED_ANNOTATIONS = new Set([
  LAST_APPLIED_ANNOTATION,
  REVISION_ANNOTATION,
  REVISION_HISTORY_ANNOTATION,
  DESIRED_REPLICAS_ANNOTATION,
  MAX_REPLICAS_ANNOTATION,
  ROLLBACK_TO_ANNOTATION,
]);

/** copyDeploymentAnnotationsToReplicaSet: everything but the controller's own annotations. */
function copyDeploymentAnnotations(d: Obj, rs: Obj): boolean {
  const ann = (rs.metadata.annotations ??= {});
  let changed = false;
  for (const [k, v] of Object.entries<string>(d.metadata?.annotations ?? {})) {
    if (SKIPPED_ANNOTATIONS.has(k) || ann[k] === v) continue;
    ann[k] = v;
    changed = true;
  }
  return changed;
}

/** SetReplicasAnnotations: desired-replicas and max-replicas (what proportional scaling reads back). */
export function setReplicasAnnotations(rs: Obj, desired: number, max: number): boolean {
  const ann = (rs.metadata.annotations ??= {});
  let changed = false;
  if (ann[DESIRED_REPLICAS_ANNOTATION] !== String(desired)) {
    ann[DESIRED_REPLICAS_ANNOTATION] = String(desired);
    changed = true;
  }
  if (ann[MAX_REPLICAS_ANNOTATION] !== String(max)) {
    ann[MAX_REPLICAS_ANNOTATION] = String(max);
    changed = true;
  }
  return changed;
}

export function replicasAnnotationsNeedUpdate(rs: Obj, desired: number, max: number): boolean {
  const ann = rs.metadata?.annotations ?? {};
  return ann[DESIRED_REPLICAS_ANNOTATION] !== String(desired) || ann[MAX_REPLICAS_ANNOTATION] !== String(max);
}

/** getIntFromAnnotation for desired-replicas / max-replicas. */
export function intAnnotation(rs: Obj, key: string): number | undefined {
  const v = rs.metadata?.annotations?.[key];
  return typeof v === 'string' && /^-?\d+$/.test(v) ? Number(v) : undefined;
}

const MAX_REV_HISTORY_CHARS = 2000;

/**
 * SetNewReplicaSetAnnotations: copies the deployment's annotations, raises the revision to `newRevision` when it is
 * lower (remembering the old one in revision-history — that is a rollback to this ReplicaSet), and on creation
 * adds the replica annotations.
 */
export function setNewReplicaSetAnnotations(d: Obj, rs: Obj, newRevision: number, exists: boolean): boolean {
  let changed = copyDeploymentAnnotations(d, rs);
  const ann = rs.metadata.annotations;
  const had = Object.hasOwn(ann, REVISION_ANNOTATION);
  const oldRevision: string = ann[REVISION_ANNOTATION] ?? '';
  if (oldRevision !== '' && !/^\d+$/.test(oldRevision)) return false;
  const oldInt = oldRevision === '' ? 0 : Number(oldRevision);
  if (oldInt < newRevision) {
    ann[REVISION_ANNOTATION] = String(newRevision);
    changed = true;
    if (had) {
      const history: string = ann[REVISION_HISTORY_ANNOTATION] ?? '';
      if (!history) ann[REVISION_HISTORY_ANNOTATION] = oldRevision;
      else {
        // Keep the history under the limit by dropping the oldest entries.
        let parts = history.split(',');
        let total = history.length + oldRevision.length + 1;
        while (total > MAX_REV_HISTORY_CHARS && parts.length) total -= parts.shift()!.length + 1;
        if (total <= MAX_REV_HISTORY_CHARS) ann[REVISION_HISTORY_ANNOTATION] = [...parts, oldRevision].join(',');
      }
    }
  }
  if (!exists && setReplicasAnnotations(rs, replicas(d), replicas(d) + maxSurge(d))) changed = true;
  return changed;
}

// --- templates and replica sets ------------------------------------------------------------------------------------

/** Drops what Go's semantic equality treats as unset: null, and empty maps or lists. */
function prune(v: unknown): unknown {
  if (Array.isArray(v)) return v.length ? v.map(prune) : undefined;
  if (v && typeof v === 'object') {
    const out: Obj = {};
    for (const [k, x] of Object.entries(v)) {
      const p = prune(x);
      if (p !== undefined) out[k] = p;
    }
    return Object.keys(out).length ? out : undefined;
  }
  return v === null ? undefined : v;
}

/** EqualIgnoreHash: pod templates equal once the pod-template-hash label is removed from both. */
export function equalIgnoreHash(a: Obj | undefined, b: Obj | undefined): boolean {
  const strip = (t: Obj | undefined) => {
    const c = structuredClone(t ?? {});
    if (c.metadata?.labels) delete c.metadata.labels[HASH_LABEL];
    return prune(c);
  };
  return isDeepStrictEqual(strip(a), strip(b));
}

function ts(o: Obj): number {
  return Date.parse(o.metadata?.creationTimestamp ?? '') || 0;
}

/** ReplicaSetsByCreationTimestamp: oldest first, name breaks ties. */
export function byCreation(a: Obj, b: Obj): number {
  return ts(a) - ts(b) || (a.metadata.name < b.metadata.name ? -1 : a.metadata.name > b.metadata.name ? 1 : 0);
}

/** ReplicaSetsBySizeNewer: larger first, newer first among equals (scale-up order). */
export function bySizeNewer(a: Obj, b: Obj): number {
  return replicas(b) - replicas(a) || byCreation(b, a);
}

/** ReplicaSetsBySizeOlder: larger first, older first among equals (scale-down order). */
export function bySizeOlder(a: Obj, b: Obj): number {
  return replicas(b) - replicas(a) || byCreation(a, b);
}

/** ReplicaSetsByRevision: lowest revision first, creation time breaks ties. */
export function byRevision(a: Obj, b: Obj): number {
  const ra = revisionOf(a) ?? 0;
  const rb = revisionOf(b) ?? 0;
  return ra - rb || byCreation(a, b);
}

export function activeReplicaSets(rss: (Obj | undefined)[]): Obj[] {
  return rss.filter((rs): rs is Obj => !!rs && replicas(rs) > 0);
}

/** FindNewReplicaSet: the oldest ReplicaSet whose template equals the deployment's (ignoring the hash label). */
export function findNewReplicaSet(d: Obj, rsList: Obj[]): Obj | undefined {
  return [...rsList].sort(byCreation).find((rs) => equalIgnoreHash(rs.spec?.template, d.spec?.template));
}

/** FindOldReplicaSets: every other ReplicaSet (the "all" half of upstream's pair). */
export function findOldReplicaSets(d: Obj, rsList: Obj[]): Obj[] {
  const fresh = findNewReplicaSet(d, rsList);
  return rsList.filter((rs) => rs.metadata.uid !== fresh?.metadata.uid);
}

/** GetReplicaCountForReplicaSets (spec) and the status-based siblings. */
export const sumSpec = (rss: (Obj | undefined)[]): number => rss.reduce((n, rs) => n + (rs ? replicas(rs) : 0), 0);
export const sumStatus = (rss: (Obj | undefined)[], field: string): number => rss.reduce((n, rs) => n + (rs?.status?.[field] ?? 0), 0);

/** DeploymentComplete. */
export function deploymentComplete(d: Obj, s: Obj): boolean {
  const want = replicas(d);
  return (s.updatedReplicas ?? 0) === want && (s.replicas ?? 0) === want && (s.availableReplicas ?? 0) === want && (s.observedGeneration ?? 0) >= (d.metadata?.generation ?? 0);
}

/** IsSaturated: the new ReplicaSet runs every desired replica, all available. */
export function isSaturated(d: Obj, rs: Obj | undefined): boolean {
  if (!rs) return false;
  const desired = intAnnotation(rs, DESIRED_REPLICAS_ANNOTATION);
  if (desired === undefined) return false;
  return replicas(rs) === replicas(d) && desired === replicas(d) && (rs.status?.availableReplicas ?? 0) === replicas(d);
}
