// DaemonSet rolling updates (upstream pkg/controller/daemon/update.go rollingUpdate, findUpdatedPodsOnNode and
// updatedDesiredNodeCounts). Without surge, old pods are deleted while the number of unavailable nodes stays within
// maxUnavailable and the manage loop recreates them; with surge, a new pod is started next to an old one (up to
// maxSurge at a time) and the old one goes once the new one is available.
import type { Obj } from '../../registry/types.js';
import { isPodAvailable } from '../replicaset/pods.js';
import { isPodUpdated, nodeShouldRunDaemonPod, surgeCount, templateGeneration, unavailableCount } from './util.js';

export type NodePods = Map<string, Obj[]>;

/** findUpdatedPodsOnNode: at most one new and one old live pod, else `ok` is false (the manage loop prunes). */
export function findUpdatedPodsOnNode(ds: Obj, pods: Obj[], hash: string): { newPod?: Obj; oldPod?: Obj; ok: boolean } {
  let newPod: Obj | undefined;
  let oldPod: Obj | undefined;
  const gen = templateGeneration(ds);
  for (const pod of pods) {
    if (pod.metadata?.deletionTimestamp) continue;
    if (isPodUpdated(pod, hash, gen)) {
      if (newPod) return { ok: false };
      newPod = pod;
    } else {
      if (oldPod) return { ok: false };
      oldPod = pod;
    }
  }
  return { newPod, oldPod, ok: true };
}

/** updatedDesiredNodeCounts: the surge and unavailability budgets; nodes that should run a pod get an entry. */
export function desiredNodeCounts(ds: Obj, nodes: Obj[], nodePods: NodePods): { maxSurge: number; maxUnavailable: number; desired: number } {
  let desired = 0;
  for (const node of nodes) {
    if (!nodeShouldRunDaemonPod(node, ds)[0]) continue;
    desired++;
    if (!nodePods.has(node.metadata.name)) nodePods.set(node.metadata.name, []);
  }
  let maxUnavailable = unavailableCount(ds, desired);
  const maxSurge = surgeCount(ds, desired);
  // An impossible configuration (both 0) falls back to accepting one unavailable node, like upstream.
  if (desired > 0 && maxUnavailable === 0 && maxSurge === 0) maxUnavailable = 1;
  return { maxSurge, maxUnavailable, desired };
}

/** rollingUpdate: the old pods to delete and the nodes to surge onto for this pass. */
export function rollingUpdate(ds: Obj, nodes: Obj[], nodePods: NodePods, hash: string, now: number): { deletePods: string[]; createOn: string[] } {
  const { maxSurge, maxUnavailable, desired } = desiredNodeCounts(ds, nodes, nodePods);
  const minReady: number = ds.spec?.minReadySeconds ?? 0;
  const available = (p: Obj) => isPodAvailable(p, minReady, now);
  const nodeByName = new Map(nodes.map((n) => [n.metadata.name, n]));
  const shouldRun = (name: string) => {
    const n = nodeByName.get(name);
    return !!n && nodeShouldRunDaemonPod(n, ds)[0];
  };

  if (maxSurge === 0) {
    let unavailable = 0;
    const replacements: string[] = [];
    const candidates: string[] = [];
    for (const pods of nodePods.values()) {
      const { newPod, oldPod, ok } = findUpdatedPodsOnNode(ds, pods, hash);
      if (!ok || (!oldPod && !newPod) || (oldPod && newPod)) {
        unavailable++; // the manage loop creates or prunes here
      } else if (newPod) {
        if (!available(newPod)) unavailable++;
      } else if (!available(oldPod!)) {
        replacements.push(oldPod!.metadata.name); // not available anyway: replace it at once
        unavailable++;
      } else if (unavailable < maxUnavailable) {
        candidates.push(oldPod!.metadata.name);
      }
    }
    const remaining = Math.min(Math.max(maxUnavailable - unavailable, 0), candidates.length);
    return { deletePods: [...replacements, ...candidates.slice(0, remaining)], createOn: [] };
  }

  const deletePods: string[] = [];
  const shouldNotRunPods: string[] = [];
  const candidateNodes: string[] = [];
  const allowedNodes: string[] = [];
  let surge = 0;
  let numAvailable = 0;
  for (const [nodeName, pods] of nodePods) {
    const { newPod, oldPod, ok } = findUpdatedPodsOnNode(ds, pods, hash);
    if (!ok) {
      surge++;
      continue;
    }
    if (oldPod ? available(oldPod) : newPod && available(newPod)) numAvailable++;
    if (!oldPod) continue; // nothing to replace here; the manage loop handles empty nodes
    if (!newPod) {
      if (!available(oldPod)) {
        if (!shouldRun(nodeName)) deletePods.push(oldPod.metadata.name);
        else allowedNodes.push(nodeName);
      } else if (!shouldRun(nodeName)) {
        shouldNotRunPods.push(oldPod.metadata.name);
      } else if (surge < maxSurge) {
        candidateNodes.push(nodeName);
      }
      continue;
    }
    // Already surged here: the old pod goes once the new one is available.
    if (!available(newPod)) surge++;
    else deletePods.push(oldPod.metadata.name);
  }
  // With surge the owner expects full availability: pods on nodes the set no longer fits go only when spare.
  const deletable = Math.min(Math.max(numAvailable - desired, 0), shouldNotRunPods.length);
  deletePods.push(...shouldNotRunPods.slice(0, deletable));
  const remainingSurge = Math.min(Math.max(maxSurge - surge, 0), candidateNodes.length);
  return { deletePods, createOn: [...allowedNodes, ...candidateNodes.slice(0, remainingSurge)] };
}
