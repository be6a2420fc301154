// Pod requests and node snapshots, the way upstream's scheduler cache accounts them
// (k8s.io/component-helpers/resource PodRequests, framework.NodeInfo.AddPod).
import { intValue, milliValue } from '../machinery/quantity.js';
import type { Labels, NodeInfo, Obj, Resources, Snapshot } from './types.js';

/** Defaults counted for containers without requests when scoring (upstream schedutil.DefaultMilliCPURequest/DefaultMemoryRequest). */
export const DEFAULT_MILLI_CPU_REQUEST = 100;
export const DEFAULT_MEMORY_REQUEST = 200 * 1024 * 1024;

export function emptyResources(): Resources {
  return { milliCPU: 0, memory: 0, ephemeralStorage: 0, scalar: {} };
}

/** A ResourceList (`{cpu: "500m", memory: "1Gi", ...}`) as Resources. */
export function fromResourceList(list: Obj | undefined): Resources {
  const r = emptyResources();
  for (const [name, q] of Object.entries(list ?? {})) {
    if (name === 'cpu') r.milliCPU = milliValue(q);
    else if (name === 'memory') r.memory = intValue(q);
    else if (name === 'ephemeral-storage') r.ephemeralStorage = intValue(q);
    else if (name !== 'pods') r.scalar[name] = intValue(q);
  }
  return r;
}

export function subtractResources(a: Resources, b: Resources): Resources {
  const scalar = { ...a.scalar };
  for (const [k, v] of Object.entries(b.scalar)) scalar[k] = (scalar[k] ?? 0) - v;
  return { milliCPU: a.milliCPU - b.milliCPU, memory: a.memory - b.memory, ephemeralStorage: a.ephemeralStorage - b.ephemeralStorage, scalar };
}

export function addResources(a: Resources, b: Resources): Resources {
  const scalar = { ...a.scalar };
  for (const [k, v] of Object.entries(b.scalar)) scalar[k] = (scalar[k] ?? 0) + v;
  return { milliCPU: a.milliCPU + b.milliCPU, memory: a.memory + b.memory, ephemeralStorage: a.ephemeralStorage + b.ephemeralStorage, scalar };
}

function maxResources(a: Resources, b: Resources): Resources {
  const scalar = { ...a.scalar };
  for (const [k, v] of Object.entries(b.scalar)) scalar[k] = Math.max(scalar[k] ?? 0, v);
  return { milliCPU: Math.max(a.milliCPU, b.milliCPU), memory: Math.max(a.memory, b.memory), ephemeralStorage: Math.max(a.ephemeralStorage, b.ephemeralStorage), scalar };
}

function containerRequests(c: Obj, nonZero: boolean): Resources {
  const r = fromResourceList(c?.resources?.requests);
  if (nonZero) {
    if (c?.resources?.requests?.cpu === undefined) r.milliCPU = DEFAULT_MILLI_CPU_REQUEST;
    if (c?.resources?.requests?.memory === undefined) r.memory = DEFAULT_MEMORY_REQUEST;
  }
  return r;
}

/**
 * The pod's effective request: the sum of its containers (and restartable init "sidecar" containers) or the largest
 * init container, whichever is larger, plus pod overhead (upstream PodRequests).
 */
export function podRequests(pod: Obj, nonZero = false): Resources {
  const spec = pod.spec ?? {};
  let sum = emptyResources();
  for (const c of spec.containers ?? []) sum = addResources(sum, containerRequests(c, nonZero));
  let sidecars = emptyResources();
  let initMax = emptyResources();
  for (const c of spec.initContainers ?? []) {
    const r = containerRequests(c, nonZero);
    if (c?.restartPolicy === 'Always') {
      sidecars = addResources(sidecars, r);
      initMax = maxResources(initMax, sidecars);
    } else {
      initMax = maxResources(initMax, addResources(r, sidecars));
    }
  }
  let total = maxResources(addResources(sum, sidecars), initMax);
  if (spec.overhead) total = addResources(total, fromResourceList(spec.overhead));
  return total;
}

export function isTerminal(pod: Obj): boolean {
  const phase = pod.status?.phase;
  return phase === 'Succeeded' || phase === 'Failed';
}

/** The host ports a pod binds, as `protocol/hostIP/port` (upstream NodePorts plugin's view). */
export function podHostPorts(pod: Obj): string[] {
  const out: string[] = [];
  for (const c of pod.spec?.containers ?? []) {
    for (const p of c?.ports ?? []) {
      if (p?.hostPort) out.push(`${p.protocol ?? 'TCP'}/${p.hostIP || '0.0.0.0'}/${p.hostPort}`);
    }
  }
  return out;
}

export function newNodeInfo(node: Obj): NodeInfo {
  const status = node.status ?? {};
  const alloc = status.allocatable ?? status.capacity ?? {};
  return {
    name: node.metadata?.name,
    node,
    labels: node.metadata?.labels ?? {},
    pods: [],
    requested: emptyResources(),
    nonZeroRequested: emptyResources(),
    allocatable: fromResourceList(alloc),
    allowedPodNumber: alloc.pods !== undefined ? intValue(alloc.pods) : 110,
    usedPorts: new Set(),
    podsWithAffinity: [],
    podsWithRequiredAntiAffinity: [],
    generation: 0,
  };
}

/** The node-level parts of a NodeInfo from a (changed) Node object; the pods and their sums stay. */
export function setNode(info: NodeInfo, node: Obj): void {
  const fresh = newNodeInfo(node);
  info.node = node;
  info.labels = fresh.labels;
  info.allocatable = fresh.allocatable;
  info.allowedPodNumber = fresh.allowedPodNumber;
  info.generation++;
}

function hasAffinity(pod: Obj): boolean {
  const a = pod.spec?.affinity;
  return !!(a?.podAffinity || a?.podAntiAffinity);
}

function hasRequiredAntiAffinity(pod: Obj): boolean {
  return (pod.spec?.affinity?.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? []).length > 0;
}

export function addPod(info: NodeInfo, pod: Obj): void {
  info.pods.push(pod);
  info.requested = addResources(info.requested, podRequests(pod));
  info.nonZeroRequested = addResources(info.nonZeroRequested, podRequests(pod, true));
  for (const p of podHostPorts(pod)) info.usedPorts.add(p);
  if (hasAffinity(pod)) info.podsWithAffinity.push(pod);
  if (hasRequiredAntiAffinity(pod)) info.podsWithRequiredAntiAffinity.push(pod);
  info.generation++;
}

/** Takes `pod` (the same object addPod was given) off the node (upstream NodeInfo.RemovePod). */
export function removePod(info: NodeInfo, pod: Obj): void {
  const drop = (list: Obj[]) => {
    const i = list.indexOf(pod);
    if (i < 0) return false;
    list[i] = list[list.length - 1]!;
    list.pop();
    return true;
  };
  if (!drop(info.pods)) return;
  drop(info.podsWithAffinity);
  drop(info.podsWithRequiredAntiAffinity);
  info.requested = subtractResources(info.requested, podRequests(pod));
  info.nonZeroRequested = subtractResources(info.nonZeroRequested, podRequests(pod, true));
  if (podHostPorts(pod).length) {
    info.usedPorts = new Set();
    for (const p of info.pods) for (const port of podHostPorts(p)) info.usedPorts.add(port);
  }
  info.generation++;
}

/**
 * A snapshot of the cluster for one scheduling cycle (upstream cache.UpdateSnapshot): every node with the non-terminal
 * pods bound to it. `assumed` maps pods the scheduler has just bound to their node, until the informer shows it.
 */
export function buildSnapshot(
  nodes: Obj[],
  pods: Obj[],
  opts: { assumed?: Map<string, string>; namespaceLabels?: (ns: string) => Labels | undefined } = {},
): Snapshot {
  const byName = new Map<string, NodeInfo>();
  for (const n of nodes) byName.set(n.metadata?.name, newNodeInfo(n));
  for (const p of pods) {
    if (isTerminal(p)) continue;
    const key = `${p.metadata?.namespace}/${p.metadata?.name}`;
    const nodeName: string | undefined = p.spec?.nodeName || opts.assumed?.get(key);
    if (!nodeName) continue;
    const info = byName.get(nodeName);
    if (info) addPod(info, p.spec?.nodeName ? p : { ...p, spec: { ...p.spec, nodeName } });
  }
  return { nodes: [...byName.values()], byName, namespaceLabels: opts.namespaceLabels ?? (() => undefined) };
}
