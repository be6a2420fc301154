// The per-node decision of the DaemonSet manage loop (upstream daemon_controller.go podsShouldBeOnNode) and the
// back-off for failed daemon pods (failedPodsBackoff: 1s doubling to 15 min), which keeps the controller from
// fighting a kubelet that keeps rejecting the pod.
import type { Obj } from '../../registry/types.js';
import { isPodAvailable, isPodReady } from '../replicaset/pods.js';
import { REVISION_HASH_LABEL } from '../history/revisions.js';
import type { NodePods } from './update.js';
import { allowsSurge, byCreationAndPhase, nodeShouldRunDaemonPod } from './util.js';

const BACKOFF_INITIAL_MS = 1_000;
const BACKOFF_MAX_MS = 15 * 60_000;

/** flowcontrol.Backoff as the DaemonSet controller uses it, keyed `<ds uid>/<node>`. */
export class FailedPodsBackoff {
  private readonly entries = new Map<string, { delay: number; last: number }>();

  /** IsInBackOffSinceUpdate: the current delay has not passed since the last failure. */
  inBackoff(key: string, now: number): boolean {
    const e = this.entries.get(key);
    return !!e && now - e.last < e.delay;
  }

  delay(key: string): number {
    return this.entries.get(key)?.delay ?? 0;
  }

  /** Next: doubles the delay (restarting from 1s after a long quiet spell). */
  next(key: string, now: number): void {
    const e = this.entries.get(key);
    const fresh = !e || now - e.last > 2 * BACKOFF_MAX_MS;
    this.entries.set(key, { delay: fresh ? BACKOFF_INITIAL_MS : Math.min(e!.delay * 2, BACKOFF_MAX_MS), last: now });
  }
}

export interface NodeDecision {
  /** Node names needing a daemon pod (this node, or nothing). */
  create: string[];
  /** Pod names to delete. */
  remove: string[];
  /** Failed pods being killed (for the FailedDaemonPod event). */
  failed: Obj[];
  /** Requeue after this long (a failed pod still in back-off). */
  retryAfterMs?: number;
}

/** podsShouldBeOnNode: what the manage loop does for one node. */
export function podsShouldBeOnNode(node: Obj, nodePods: NodePods, ds: Obj, hash: string, backoff: FailedPodsBackoff, now: number): NodeDecision {
  const out: NodeDecision = { create: [], remove: [], failed: [] };
  const [shouldRun, shouldContinueRunning] = nodeShouldRunDaemonPod(node, ds);
  const name: string = node.metadata.name;
  const pods = nodePods.get(name);
  if (shouldRun && !pods?.length) {
    out.create.push(name);
    return out;
  }
  if (!shouldContinueRunning) {
    // The daemon should not be here: every live daemon pod on the node goes.
    for (const p of pods ?? []) if (!p.metadata?.deletionTimestamp) out.remove.push(p.metadata.name);
    return out;
  }
  const running: Obj[] = [];
  for (const pod of pods ?? []) {
    if (pod.metadata?.deletionTimestamp) continue;
    const phase = pod.status?.phase;
    if (phase === 'Failed') {
      const key = `${ds.metadata.uid}/${name}`;
      if (backoff.inBackoff(key, now)) {
        out.retryAfterMs = backoff.delay(key);
        continue;
      }
      backoff.next(key, now);
      out.failed.push(pod);
      out.remove.push(pod.metadata.name);
    } else if (phase === 'Succeeded') {
      out.remove.push(pod.metadata.name);
    } else {
      running.push(pod);
    }
  }
  running.sort(byCreationAndPhase);
  if (!allowsSurge(ds)) {
    // Without surge one pod per node: all but the oldest go.
    for (const p of running.slice(1)) out.remove.push(p.metadata.name);
    return out;
  }
  if (running.length <= 1) {
    if (!running.length && shouldRun) out.create.push(name);
    return out;
  }
  // With surge, an old and a new pod may coexist while the new one comes up; anything else is excess.
  let oldestNew: Obj | undefined;
  let oldestOld: Obj | undefined;
  for (const pod of running) {
    if (pod.metadata?.labels?.[REVISION_HASH_LABEL] === hash) {
      if (!oldestNew) {
        oldestNew = pod;
        continue;
      }
    } else if (!oldestOld) {
      oldestOld = pod;
      continue;
    }
    out.remove.push(pod.metadata.name);
  }
  if (oldestNew && oldestOld) {
    if (!isPodReady(oldestOld)) out.remove.push(oldestOld.metadata.name);
    else if (isPodAvailable(oldestNew, ds.spec?.minReadySeconds ?? 0, now)) out.remove.push(oldestOld.metadata.name);
  }
  return out;
}
