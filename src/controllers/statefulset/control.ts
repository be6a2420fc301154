// The StatefulSet update algorithm (upstream pkg/controller/statefulset/stateful_set_control.go
// defaultStatefulSetControl): revisions first, then pods by ordinal — create missing ones (OrderedReady waits for
// each predecessor to be Running, Ready and available; Parallel bursts), delete condemned ones from the highest
// ordinal, and roll pods at or above the partition onto the update revision from the highest ordinal down, one at a
// time. Status and the revision history limit are maintained on every pass.
import type { ResourceClient } from '../../client/client.js';
import type { Clock } from '../../clock.js';
import { ApiError } from '../../machinery/errors.js';
import type { Obj } from '../../registry/types.js';
import { createControllerRevision, equalRevision, findEqualRevisions, newControllerRevision, sortRevisions } from '../history/revisions.js';
import { slowStartBatch } from '../replicaset/controller.js';
import type { StatefulPodControl } from './pod-control.js';
import { computeStatus, type SetStatus } from './status.js';
import * as u from './utils.js';

export interface ControlEnv {
  clock: Clock;
  podControl: StatefulPodControl;
  revisions: ResourceClient;
}

export interface UpdateResult {
  status: SetStatus;
  current: Obj;
  update: Obj;
  error?: unknown;
}

/** newRevision: the template patch, labelled like the template, carrying the set's annotations. */
function newRevision(set: Obj, revision: number, collisionCount: number): Obj {
  const cr = newControllerRevision(set, u.STS_KIND, set.spec?.template?.metadata?.labels, u.revisionPatch(set), revision, collisionCount);
  if (set.metadata.annotations) cr.metadata.annotations = { ...set.metadata.annotations };
  return cr;
}

/**
 * getStatefulSetRevisions: the update revision is the set's current template — reused when it equals the newest
 * revision, re-numbered when it equals an older one (a rollback), created otherwise.
 */
export async function getRevisions(env: ControlEnv, set: Obj, revisions: Obj[]): Promise<{ current: Obj; update: Obj; collisionCount: number }> {
  sortRevisions(revisions);
  let collisionCount: number = set.status?.collisionCount ?? 0;
  const next = revisions.length ? (revisions[revisions.length - 1]!.revision ?? 0) + 1 : 1;
  let update = newRevision(set, next, collisionCount);
  const equal = findEqualRevisions(revisions, update);
  if (equal.length && equalRevision(revisions[revisions.length - 1], equal[equal.length - 1])) {
    update = revisions[revisions.length - 1]!;
  } else if (equal.length) {
    const prior = equal[equal.length - 1]!;
    update = prior.revision === next ? prior : await env.revisions.patch(set.metadata.namespace, prior.metadata.name, 'merge', { revision: next });
  } else {
    ({ revision: update, collisionCount } = await createControllerRevision(env.revisions, set, update, collisionCount));
  }
  const current = revisions.find((r) => r.metadata.name === set.status?.currentRevision) ?? update;
  return { current, update, collisionCount };
}

/** runForAll: in order stopping at the first blocker (monotonic), or in slow-start batches (burst). */
async function runForAll(n: number, fn: (i: number) => Promise<boolean>, monotonic: boolean): Promise<boolean> {
  if (monotonic) {
    for (let i = 0; i < n; i++) if (await fn(i)) return true;
    return false;
  }
  let i = 0;
  const { error } = await slowStartBatch(n, 1, async () => {
    await fn(i++);
  });
  if (error) throw error;
  return false;
}

/** updateStatefulSet: one reconciling pass over the set's pods; returns the status to record. */
export async function updateStatefulSet(env: ControlEnv, set: Obj, current: Obj, update: Obj, collisionCount: number, pods: Obj[]): Promise<UpdateResult> {
  const now = env.clock.now();
  const minReady: number = set.spec?.minReadySeconds ?? 0;
  const currentSet = u.applyRevision(set, current);
  const updateSet = u.applyRevision(set, update);
  const base = { observedGeneration: set.metadata.generation, currentRevision: current.metadata.name, updateRevision: update.metadata.name, collisionCount };
  let status = computeStatus(base, pods, minReady, now, current, update);

  const start = u.startOrdinal(set);
  const replicas: Obj[] = new Array(u.replicasOf(set));
  const condemned: Obj[] = [];
  for (const pod of pods) {
    if (u.inOrdinalRange(pod, set)) replicas[u.ordinalOf(pod) - start] = pod;
    else if (u.ordinalOf(pod) >= 0) condemned.push(pod);
  }
  for (let ord = start; ord <= u.endOrdinal(set); ord++) {
    replicas[ord - start] ??= u.newVersionedPod(currentSet, updateSet, current.metadata.name, update.metadata.name, ord);
  }
  condemned.sort((a, b) => u.ordinalOf(b) - u.ordinalOf(a));
  const firstUnhealthy = [...replicas, ...[...condemned].reverse()].find((p) => u.isUnavailable(p, minReady, now));
  if (set.metadata.deletionTimestamp) return { status, current, update };

  const monotonic = !u.allowsBurst(set);
  const recount = () => computeStatus(base, [...replicas, ...condemned], minReady, now, current, update);
  const pc = env.podControl;

  const processReplica = async (i: number): Promise<boolean> => {
    const pod = replicas[i]!;
    // Failed or Succeeded pods are deleted and recreated on a later pass (evicted or node-rebooted pods).
    if (pod.status?.phase === 'Failed' || pod.status?.phase === 'Succeeded') {
      if (!pod.metadata.deletionTimestamp) await pc.deletePod(set, pod);
      return true;
    }
    if (!u.isCreated(pod)) {
      if (pc.podClaimIsStale(set, pod)) return true;
      await pc.createPod(set, pod);
      if (monotonic) return true;
    }
    if (pod.status?.phase === 'Pending') await pc.createClaims(set, pod);
    if (u.isTerminating(pod) && monotonic) return true;
    if (!u.isRunningAndReady(pod) && monotonic) return true;
    if (!u.isRunningAndAvailable(pod, minReady, now) && monotonic) return true;
    if (!u.isCreated(pod)) return false;
    const retentionMatch = await pc.claimsMatchRetentionPolicy(updateSet, pod).catch(() => true);
    if (u.identityMatches(set, pod) && u.storageMatches(set, pod) && retentionMatch) return false;
    await pc.updatePod(updateSet, pod);
    return false;
  };

  const fixPodClaim = async (i: number): Promise<boolean> => {
    if (!(await pc.claimsMatchRetentionPolicy(updateSet, condemned[i]!))) await pc.updateClaimsForRetentionPolicy(updateSet, condemned[i]!);
    return false;
  };

  // Scale down: condemned pods go from the highest ordinal, each waiting for its predecessors to be healthy.
  const processCondemned = async (i: number): Promise<boolean> => {
    const pod = condemned[i]!;
    if (u.isTerminating(pod)) return monotonic;
    if (monotonic && pod !== firstUnhealthy && (!u.isRunningAndReady(pod) || !u.isRunningAndAvailable(pod, minReady, now))) return true;
    await pc.deletePod(set, pod);
    return true;
  };

  try {
    for (const [n, fn] of [[replicas.length, processReplica], [condemned.length, fixPodClaim], [condemned.length, processCondemned]] as const) {
      if (await runForAll(n, fn, monotonic)) return { status: recount(), current, update };
    }
  } catch (error) {
    return { status: recount(), current, update, error };
  }
  status = recount();
  if (set.spec?.updateStrategy?.type === 'OnDelete') return { status, current, update };

  // RollingUpdate: replace the highest-ordinal pod not at the update revision, waiting for each to be available.
  const updateMin: number = set.spec?.updateStrategy?.rollingUpdate?.partition ?? 0;
  for (let target = replicas.length - 1; target >= updateMin; target--) {
    const pod = replicas[target]!;
    if (u.isCreated(pod) && u.podRevision(pod) !== update.metadata.name && !u.isTerminating(pod)) {
      try {
        await pc.deletePod(set, pod);
      } catch (error) {
        if (!(error instanceof ApiError && error.code === 404)) return { status, current, update, error };
      }
      status.currentReplicas--;
      return { status, current, update };
    }
    if (u.isUnavailable(pod, minReady, now)) return { status, current, update };
  }
  return { status, current, update };
}

/**
 * truncateHistory: deletes the oldest revisions that no pod, nor the current or update revision, uses, until only
 * revisionHistoryLimit of them remain.
 */
export async function truncateHistory(env: ControlEnv, set: Obj, pods: Obj[], revisions: Obj[], current?: Obj, update?: Obj): Promise<void> {
  const live = new Set<string>([current?.metadata.name, update?.metadata.name, ...pods.map(u.podRevision)].filter((x): x is string => !!x));
  const history = revisions.filter((r) => !live.has(r.metadata.name));
  const limit: number = set.spec?.revisionHistoryLimit ?? 10;
  if (limit < 0 || history.length <= limit) return;
  for (const r of history.slice(0, history.length - limit)) await env.revisions.delete(r.metadata.namespace, r.metadata.name);
}
