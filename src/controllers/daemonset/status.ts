// DaemonSet status (upstream pkg/controller/daemon/daemon_controller.go updateDaemonSetStatus and
// storeDaemonSetStatus): per node that should run the daemon, whether it has one, whether the oldest is ready,
// available and updated; pods on nodes that should not run it are misscheduled.
import { isDeepStrictEqual } from 'node:util';
import type { ResourceClient } from '../../client/client.js';
import { ApiError } from '../../machinery/errors.js';
import type { Obj } from '../../registry/types.js';
import { isPodAvailable, isPodReady } from '../replicaset/pods.js';
import type { NodePods } from './update.js';
import { byCreationAndPhase, isPodUpdated, nodeShouldRunDaemonPod, templateGeneration } from './util.js';

const FIELDS = ['desiredNumberScheduled', 'currentNumberScheduled', 'numberMisscheduled', 'numberReady', 'updatedNumberScheduled', 'numberAvailable', 'numberUnavailable'] as const;
type Counts = Record<(typeof FIELDS)[number], number>;

export function calculateStatus(ds: Obj, nodes: Obj[], nodePods: NodePods, hash: string, now: number): Counts {
  const c: Counts = { desiredNumberScheduled: 0, currentNumberScheduled: 0, numberMisscheduled: 0, numberReady: 0, updatedNumberScheduled: 0, numberAvailable: 0, numberUnavailable: 0 };
  const gen = templateGeneration(ds);
  for (const node of nodes) {
    const [shouldRun] = nodeShouldRunDaemonPod(node, ds);
    const pods = nodePods.get(node.metadata.name) ?? [];
    if (!shouldRun) {
      if (pods.length) c.numberMisscheduled++;
      continue;
    }
    c.desiredNumberScheduled++;
    if (!pods.length) continue;
    c.currentNumberScheduled++;
    const pod = [...pods].sort(byCreationAndPhase)[0]!;
    if (isPodReady(pod)) {
      c.numberReady++;
      if (isPodAvailable(pod, ds.spec?.minReadySeconds ?? 0, now)) c.numberAvailable++;
    }
    if (isPodUpdated(pod, hash, gen)) c.updatedNumberScheduled++;
  }
  c.numberUnavailable = c.desiredNumberScheduled - c.numberAvailable;
  return c;
}

/**
 * storeDaemonSetStatus: writes when a count changed or (when this pass acted on the spec) the observed generation is
 * behind; omitempty fields that are 0 are dropped; one retry on a fresh copy after a conflict.
 */
export async function storeStatus(client: ResourceClient, ds: Obj, c: Counts, updateObservedGen: boolean): Promise<void> {
  const cur = ds.status ?? {};
  const gen = ds.metadata.generation ?? 0;
  if (FIELDS.every((k) => (cur[k] ?? 0) === c[k]) && (cur.observedGeneration ?? 0) >= gen) return;
  let target = ds;
  for (let attempt = 0; ; attempt++) {
    const status: Obj = { ...(target.status ?? {}) };
    for (const k of FIELDS) {
      if (c[k] || ['desiredNumberScheduled', 'currentNumberScheduled', 'numberMisscheduled', 'numberReady'].includes(k)) status[k] = c[k];
      else delete status[k];
    }
    if (updateObservedGen) status.observedGeneration = gen;
    if (isDeepStrictEqual(status, target.status ?? {})) return;
    try {
      await client.updateStatus({ ...target, status });
      return;
    } catch (err) {
      if (attempt > 0 || !(err instanceof ApiError && err.code === 409)) throw err;
      const fresh = client.get(ds.metadata.namespace, ds.metadata.name);
      if (!fresh) return;
      target = fresh;
    }
  }
}
