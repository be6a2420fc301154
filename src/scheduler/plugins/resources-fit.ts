// NodeResourcesFit (filter: requests vs allocatable minus what bound pods already request; score: LeastAllocated)
// and NodeResourcesBalancedAllocation, as the upstream default profile configures them.
import { addResources, podRequests } from '../resources.js';
import { MAX_NODE_SCORE, unschedulable, type FilterPlugin, type NodeInfo, type Resources, type ScorePlugin } from '../types.js';

export const ERR_TOO_MANY_PODS = 'Too many pods';

export function insufficient(resource: string): string {
  return `Insufficient ${resource}`;
}

function isZero(r: Resources): boolean {
  return !r.milliCPU && !r.memory && !r.ephemeralStorage && Object.values(r.scalar).every((v) => !v);
}

/** The reasons a pod with request `req` does not fit on the node (upstream fitsRequest), empty when it fits. */
export function fitsRequest(req: Resources, n: NodeInfo): string[] {
  const reasons: string[] = [];
  if (n.pods.length + 1 > n.allowedPodNumber) reasons.push(ERR_TOO_MANY_PODS);
  if (isZero(req)) return reasons;
  const { allocatable: a, requested: used } = n;
  if (req.milliCPU > 0 && a.milliCPU < req.milliCPU + used.milliCPU) reasons.push(insufficient('cpu'));
  if (req.memory > 0 && a.memory < req.memory + used.memory) reasons.push(insufficient('memory'));
  if (req.ephemeralStorage > 0 && a.ephemeralStorage < req.ephemeralStorage + used.ephemeralStorage) reasons.push(insufficient('ephemeral-storage'));
  for (const [name, v] of Object.entries(req.scalar)) {
    if (v > 0 && (a.scalar[name] ?? 0) < v + (used.scalar[name] ?? 0)) reasons.push(insufficient(name));
  }
  return reasons;
}

export const nodeResourcesFit: FilterPlugin<Resources> = {
  name: 'NodeResourcesFit',
  preFilter: (pod) => podRequests(pod),
  filter(_pod, n, req) {
    const reasons = fitsRequest(req, n);
    return reasons.length ? unschedulable(...reasons) : null;
  },
};

/** cpu and memory after placing the pod, counting request-less containers at the scheduler's defaults. */
function fractions(n: NodeInfo, podNonZero: Resources): [number, number][] {
  const r = addResources(n.nonZeroRequested, podNonZero);
  return [
    [r.milliCPU, n.allocatable.milliCPU],
    [r.memory, n.allocatable.memory],
  ];
}

/** LeastAllocated: prefers nodes with the most free cpu and memory, weighted equally (upstream leastResourceScorer). */
export const leastAllocated: ScorePlugin<Resources> = {
  name: 'NodeResourcesFit',
  weight: 1,
  preScore: (pod) => podRequests(pod, true),
  score(_pod, n, req) {
    let total = 0;
    for (const [requested, alloc] of fractions(n, req)) {
      total += alloc <= 0 || requested > alloc ? 0 : Math.floor(((alloc - requested) * MAX_NODE_SCORE) / alloc);
    }
    return Math.floor(total / 2);
  },
};

/** BalancedAllocation: prefers nodes where cpu and memory usage stay close to each other (upstream balancedResourceScorer). */
export const balancedAllocation: ScorePlugin<Resources> = {
  name: 'NodeResourcesBalancedAllocation',
  weight: 1,
  preScore: (pod) => podRequests(pod, true),
  score(_pod, n, req) {
    const f = fractions(n, req).map(([r, a]) => (a <= 0 ? 1 : Math.min(r / a, 1)));
    const std = Math.abs(f[0]! - f[1]!) / 2;
    return Math.floor((1 - std) * MAX_NODE_SCORE);
  },
};
