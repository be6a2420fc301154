// The Deployment controller's shared steps (upstream pkg/controller/deployment/sync.go): finding or creating the new
// ReplicaSet and syncing revisions, proportional scaling, scaling one ReplicaSet with its event, history cleanup and
// status. `d` is the controller's private copy of the Deployment; functions update it in place like their Go twins.
import { isDeepStrictEqual } from 'node:util';
import type { Client } from '../../client/client.js';
import type { EventRecorder } from '../../client/events.js';
import { rfc3339, type Clock } from '../../clock.js';
import { ApiError } from '../../machinery/errors.js';
import type { Obj } from '../../registry/types.js';
import { controllerOf, newControllerRef } from '../replicaset/controller-ref.js';
import { computeHash } from './hash.js';
import * as u from './util.js';

export const DEPLOYMENT_KIND = { apiVersion: 'apps/v1', kind: 'Deployment' };

export interface DeploymentEnv {
  client: Client;
  clock: Clock;
  recorder: EventRecorder;
  enqueueAfter(d: Obj, ms: number): void;
}

export const nowString = (env: DeploymentEnv): string => rfc3339(env.clock.now());

/**
 * Writes the deployment's status (and first its revision annotation, when that changed: upstream sends both in one
 * UpdateStatus, but our status subresource keeps metadata, so the annotation goes through the main resource).
 */
export async function writeDeployment(env: DeploymentEnv, d: Obj, annotations = false): Promise<void> {
  const api = env.client.deployments;
  if (annotations) {
    const out = await api.update(d);
    d.metadata.resourceVersion = out.metadata.resourceVersion;
  }
  const out = await api.updateStatus(d);
  d.metadata.resourceVersion = out.metadata.resourceVersion;
}

/** SetDeploymentRevision. */
function setDeploymentRevision(d: Obj, revision: string): boolean {
  const ann = (d.metadata.annotations ??= {});
  if (ann[u.REVISION_ANNOTATION] === revision) return false;
  ann[u.REVISION_ANNOTATION] = revision;
  return true;
}

/** NewRSNewReplicas: how far the new ReplicaSet may grow now. */
export function newRSNewReplicas(d: Obj, allRSs: Obj[], newRS: Obj): number {
  const type = d.spec?.strategy?.type;
  if (type === 'Recreate') return u.replicas(d);
  if (type !== 'RollingUpdate') throw new Error(`deployment type ${type} isn't supported`);
  const surge = u.scaledValue(d.spec.strategy.rollingUpdate?.maxSurge ?? 0, u.replicas(d), true) ?? 0;
  const current = u.sumSpec(allRSs);
  const maxTotal = u.replicas(d) + surge;
  if (current >= maxTotal) return u.replicas(newRS);
  return u.replicas(newRS) + Math.min(maxTotal - current, u.replicas(d) - u.replicas(newRS));
}

/** getAllReplicaSetsAndSyncRevision: [newRS (maybe created), all old RSs]. */
export async function getAllReplicaSetsAndSyncRevision(env: DeploymentEnv, d: Obj, rsList: Obj[], create: boolean): Promise<[Obj | undefined, Obj[]]> {
  const oldRSs = u.findOldReplicaSets(d, rsList);
  const newRS = await getNewReplicaSet(env, d, rsList, oldRSs, create);
  return [newRS, oldRSs];
}

/** getNewReplicaSet: syncs the existing new ReplicaSet's annotations and the revision, or creates it. */
async function getNewReplicaSet(env: DeploymentEnv, d: Obj, rsList: Obj[], oldRSs: Obj[], create: boolean): Promise<Obj | undefined> {
  const existing = u.findNewReplicaSet(d, rsList);
  const newRevision = u.maxRevision(oldRSs) + 1;
  if (existing) {
    const rsCopy = structuredClone(existing);
    const annotationsUpdated = u.setNewReplicaSetAnnotations(d, rsCopy, newRevision, true);
    if (annotationsUpdated || (rsCopy.spec.minReadySeconds ?? 0) !== (d.spec.minReadySeconds ?? 0)) {
      if (d.spec.minReadySeconds) rsCopy.spec.minReadySeconds = d.spec.minReadySeconds;
      else delete rsCopy.spec.minReadySeconds;
      const updated = await env.client.replicasets.update(rsCopy);
      rsList.splice(rsList.indexOf(existing), 1, updated);
      return updated;
    }
    let needsUpdate = setDeploymentRevision(d, rsCopy.metadata.annotations?.[u.REVISION_ANNOTATION] ?? '');
    const annotationChanged = needsUpdate;
    if (u.hasProgressDeadline(d) && !u.getCondition(d.status, 'Progressing')) {
      const cond = u.newCondition('Progressing', 'True', u.Reason.FoundNewRS, `Found new replica set "${rsCopy.metadata.name}"`, nowString(env));
      u.setCondition((d.status ??= {}), cond);
      needsUpdate = true;
    }
    if (needsUpdate) await writeDeployment(env, d, annotationChanged);
    return rsCopy;
  }
  if (!create) return undefined;

  const template = structuredClone(d.spec.template ?? {});
  const hash = computeHash(template, d.status?.collisionCount);
  template.metadata ??= {};
  template.metadata.labels = { ...(template.metadata.labels ?? {}), [u.HASH_LABEL]: hash };
  // CloneSelectorAndAddLabel: the hash joins matchLabels so ReplicaSets of one deployment never overlap.
  const selector = structuredClone(d.spec.selector ?? {});
  selector.matchLabels = { ...(selector.matchLabels ?? {}), [u.HASH_LABEL]: hash };
  const newRS: Obj = {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: {
      name: `${d.metadata.name}-${hash}`,
      namespace: d.metadata.namespace,
      ownerReferences: [newControllerRef(d, DEPLOYMENT_KIND)],
      labels: template.metadata.labels,
    },
    spec: { replicas: 0, selector, template },
  };
  if (d.spec.minReadySeconds) newRS.spec.minReadySeconds = d.spec.minReadySeconds;
  const count = newRSNewReplicas(d, [...oldRSs, newRS], newRS);
  newRS.spec.replicas = count;
  u.setNewReplicaSetAnnotations(d, newRS, newRevision, false);

  let created: Obj;
  let alreadyExists = false;
  try {
    created = await env.client.replicasets.create(d.metadata.namespace, newRS);
  } catch (err) {
    if (err instanceof ApiError && err.reason === 'AlreadyExists') {
      // A slow cache, or a hash collision: ours only if we own it and its template is ours.
      alreadyExists = true;
      const rs = env.client.replicasets.get(d.metadata.namespace, newRS.metadata.name);
      if (!rs) throw err;
      if (controllerOf(rs)?.uid === d.metadata.uid && u.equalIgnoreHash(d.spec.template, rs.spec?.template)) {
        created = rs;
      } else {
        d.status ??= {};
        d.status.collisionCount = (d.status.collisionCount ?? 0) + 1;
        await writeDeployment(env, d).catch(() => undefined);
        throw err;
      }
    } else if (err instanceof ApiError && (err.details?.causes ?? []).some((c) => c.reason === 'NamespaceTerminating')) {
      throw err;
    } else {
      const msg = `Failed to create new replica set "${newRS.metadata.name}": ${(err as Error).message}`;
      if (u.hasProgressDeadline(d)) {
        u.setCondition((d.status ??= {}), u.newCondition('Progressing', 'False', u.Reason.FailedRSCreate, msg, nowString(env)));
        await writeDeployment(env, d).catch(() => undefined);
      }
      env.recorder.event(d, 'Warning', u.Reason.FailedRSCreate, msg);
      throw err;
    }
  }
  if (!alreadyExists && count > 0) {
    env.recorder.event(d, 'Normal', 'ScalingReplicaSet', `Scaled up replica set ${created.metadata.name} from 0 to ${count}`);
  }
  let needsUpdate = setDeploymentRevision(d, String(newRevision));
  const annotationChanged = needsUpdate;
  if (!alreadyExists && u.hasProgressDeadline(d)) {
    const cond = u.newCondition('Progressing', 'True', u.Reason.NewReplicaSet, `Created new replica set "${created.metadata.name}"`, nowString(env));
    u.setCondition((d.status ??= {}), cond);
    needsUpdate = true;
  }
  if (needsUpdate) await writeDeployment(env, d, annotationChanged);
  rsList.push(created);
  return created;
}

/** scaleReplicaSet: sets replicas and the replica annotations; records ScalingReplicaSet when the size changed. */
export async function scaleReplicaSet(env: DeploymentEnv, rs: Obj, newScale: number, d: Obj, op: string): Promise<[boolean, Obj]> {
  const sizeNeedsUpdate = u.replicas(rs) !== newScale;
  const max = u.replicas(d) + u.maxSurge(d);
  if (!sizeNeedsUpdate && !u.replicasAnnotationsNeedUpdate(rs, u.replicas(d), max)) return [false, rs];
  const oldScale = u.replicas(rs);
  const rsCopy = structuredClone(rs);
  rsCopy.spec.replicas = newScale;
  u.setReplicasAnnotations(rsCopy, u.replicas(d), max);
  const updated = await env.client.replicasets.update(rsCopy);
  if (sizeNeedsUpdate) {
    env.recorder.event(d, 'Normal', 'ScalingReplicaSet', `Scaled ${op} replica set ${updated.metadata.name} from ${oldScale} to ${newScale}`);
  }
  return [sizeNeedsUpdate, updated];
}

export async function scaleReplicaSetAndRecordEvent(env: DeploymentEnv, rs: Obj, newScale: number, d: Obj): Promise<[boolean, Obj]> {
  if (u.replicas(rs) === newScale) return [false, rs];
  return scaleReplicaSet(env, rs, newScale, d, u.replicas(rs) < newScale ? 'up' : 'down');
}

/** FindActiveOrLatest: the only active ReplicaSet, or the newest when none is active; undefined when several are. */
function findActiveOrLatest(newRS: Obj | undefined, oldRSs: Obj[]): Obj | undefined {
  if (!newRS && !oldRSs.length) return undefined;
  const sorted = [...oldRSs].sort(u.byCreation).reverse();
  const active = u.activeReplicaSets([...sorted, newRS]);
  if (active.length === 0) return newRS ?? sorted[0];
  return active.length === 1 ? active[0] : undefined;
}

/** getReplicaSetFraction / GetProportion: this ReplicaSet's share of a scaling step, bounded by what is left. */
function proportion(rs: Obj, d: Obj, toAdd: number, added: number): number {
  if (u.replicas(rs) === 0 || toAdd === 0 || toAdd === added) return 0;
  let fraction: number;
  if (u.replicas(d) === 0) fraction = -u.replicas(rs);
  else {
    let before = u.intAnnotation(rs, u.MAX_REPLICAS_ANNOTATION) ?? 0;
    if (!before) before = d.status?.replicas ?? 0;
    // Go's math.Round rounds half away from zero.
    const size = (u.replicas(rs) * (u.replicas(d) + u.maxSurge(d))) / before;
    fraction = before ? Math.sign(size) * Math.round(Math.abs(size)) - u.replicas(rs) : 0;
  }
  const allowed = toAdd - added;
  return toAdd > 0 ? Math.min(fraction, allowed) : Math.max(fraction, allowed);
}

/** scale: a scaling event (or a paused deployment) scales ReplicaSets proportionally instead of rolling. */
export async function scale(env: DeploymentEnv, d: Obj, newRS: Obj | undefined, oldRSs: Obj[]): Promise<void> {
  const activeOrLatest = findActiveOrLatest(newRS, oldRSs);
  if (activeOrLatest) {
    if (u.replicas(activeOrLatest) === u.replicas(d)) return;
    await scaleReplicaSetAndRecordEvent(env, activeOrLatest, u.replicas(d), d);
    return;
  }
  // A saturated new ReplicaSet means the old ones go to zero (adoption during a finished rollout).
  if (u.isSaturated(d, newRS)) {
    for (const old of u.activeReplicaSets(oldRSs)) await scaleReplicaSetAndRecordEvent(env, old, 0, d);
    return;
  }
  if (!u.isRollingUpdate(d)) return;
  const all = u.activeReplicaSets([...oldRSs, newRS]);
  const allowed = u.replicas(d) > 0 ? u.replicas(d) + u.maxSurge(d) : 0;
  const toAdd = allowed - u.sumSpec(all);
  let op = '';
  if (toAdd > 0) {
    all.sort(u.bySizeNewer);
    op = 'up';
  } else if (toAdd < 0) {
    all.sort(u.bySizeOlder);
    op = 'down';
  }
  let added = 0;
  const sizes = all.map((rs) => {
    if (toAdd === 0) return u.replicas(rs);
    const p = proportion(rs, d, toAdd, added);
    added += p;
    return u.replicas(rs) + p;
  });
  // Leftovers go to the largest ReplicaSet.
  if (all.length && toAdd !== 0) sizes[0] = Math.max(0, sizes[0] + toAdd - added);
  for (let i = 0; i < all.length; i++) await scaleReplicaSet(env, all[i], sizes[i], d, op);
}

/** cleanupDeployment: deletes the oldest fully scaled-down ReplicaSets beyond revisionHistoryLimit. */
export async function cleanupDeployment(env: DeploymentEnv, oldRSs: Obj[], d: Obj): Promise<void> {
  const limit = d.spec?.revisionHistoryLimit;
  if (typeof limit !== 'number') return;
  const cleanable = oldRSs.filter((rs) => !rs.metadata.deletionTimestamp);
  const diff = cleanable.length - limit;
  if (diff <= 0) return;
  cleanable.sort(u.byRevision);
  for (const rs of cleanable.slice(0, diff)) {
    if ((rs.status?.replicas ?? 0) !== 0 || u.replicas(rs) !== 0) continue;
    if ((rs.metadata.generation ?? 0) > (rs.status?.observedGeneration ?? 0)) continue;
    await env.client.replicasets.delete(rs.metadata.namespace, rs.metadata.name);
  }
}

/** calculateStatus: the counts `kubectl rollout status` reads, and the Available condition. */
export function calculateStatus(allRSs: (Obj | undefined)[], newRS: Obj | undefined, d: Obj, now: string): Obj {
  const available = u.sumStatus(allRSs, 'availableReplicas');
  const total = u.sumSpec(allRSs);
  const counts: Obj = {
    observedGeneration: d.metadata.generation,
    replicas: u.sumStatus(allRSs, 'replicas'),
    updatedReplicas: u.sumStatus([newRS], 'replicas'),
    readyReplicas: u.sumStatus(allRSs, 'readyReplicas'),
    availableReplicas: available,
    unavailableReplicas: Math.max(0, total - available),
  };
  const status: Obj = {};
  // Go's omitempty: zero counts are not written.
  for (const [k, v] of Object.entries(counts)) if (v) status[k] = v;
  if (d.status?.collisionCount !== undefined) status.collisionCount = d.status.collisionCount;
  if (d.status?.conditions?.length) status.conditions = structuredClone(d.status.conditions);
  const cond =
    available >= u.replicas(d) - u.maxUnavailable(d)
      ? u.newCondition('Available', 'True', u.Reason.MinimumReplicasAvailable, 'Deployment has minimum availability.', now)
      : u.newCondition('Available', 'False', u.Reason.MinimumReplicasUnavailable, 'Deployment does not have minimum availability.', now);
  u.setCondition(status, cond);
  return status;
}

/** syncDeploymentStatus: writes the computed status when it differs. */
export async function syncDeploymentStatus(env: DeploymentEnv, allRSs: (Obj | undefined)[], newRS: Obj | undefined, d: Obj): Promise<void> {
  const status = calculateStatus(allRSs, newRS, d, nowString(env));
  if (isDeepStrictEqual(d.status ?? {}, status)) return;
  d.status = status;
  await writeDeployment(env, d);
}

/** sync: scaling events and paused deployments — proportional scaling, no rollout. */
export async function syncScaleOnly(env: DeploymentEnv, d: Obj, rsList: Obj[]): Promise<void> {
  const [newRS, oldRSs] = await getAllReplicaSetsAndSyncRevision(env, d, rsList, false);
  await scale(env, d, newRS, oldRSs);
  if (d.spec?.paused) await cleanupDeployment(env, oldRSs, d);
  await syncDeploymentStatus(env, [...oldRSs, newRS], newRS, d);
}

/** isScalingEvent: an active ReplicaSet was sized for a different spec.replicas. */
export async function isScalingEvent(env: DeploymentEnv, d: Obj, rsList: Obj[]): Promise<boolean> {
  const [newRS, oldRSs] = await getAllReplicaSetsAndSyncRevision(env, d, rsList, false);
  for (const rs of u.activeReplicaSets([...oldRSs, newRS])) {
    const desired = u.intAnnotation(rs, u.DESIRED_REPLICAS_ANNOTATION);
    if (desired !== undefined && desired !== u.replicas(d)) return true;
  }
  return false;
}
