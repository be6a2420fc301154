// One scheduling cycle over a snapshot (upstream schedule_one.go schedulePod): run the filter plugins on every node
// (the first failing plugin decides a node's reasons), score the feasible nodes with the weighted score plugins, pick
// the best (ties broken at random, like selectHost), or explain the failure the way upstream's FitError does.
import { nodeName, nodePorts, nodeReady, nodeUnschedulable } from './plugins/node-basic.js';
import { nodeAffinity, nodeAffinityScore } from './plugins/node-affinity.js';
import { interPodAffinity, interPodAffinityScore } from './plugins/inter-pod-affinity.js';
import { balancedAllocation, leastAllocated, nodeResourcesFit } from './plugins/resources-fit.js';
import { taintToleration, taintTolerationScore } from './plugins/taint-toleration.js';
import { podTopologySpread, podTopologySpreadScore } from './plugins/topology-spread.js';
import type { FilterPlugin, FilterStatus, NodeInfo, Obj, ScorePlugin, Snapshot } from './types.js';

/** In upstream's default-profile order. */
export const DEFAULT_FILTERS: FilterPlugin[] = [
  nodeUnschedulable,
  nodeName,
  taintToleration,
  nodeReady,
  nodeAffinity,
  nodePorts,
  nodeResourcesFit,
  podTopologySpread,
  interPodAffinity,
];

export const DEFAULT_SCORES: ScorePlugin[] = [
  taintTolerationScore,
  nodeAffinityScore,
  leastAllocated,
  balancedAllocation,
  interPodAffinityScore,
  podTopologySpreadScore,
];

export const ERR_NO_NODES = 'no nodes available to schedule pods';

export interface Profile {
  filters?: FilterPlugin[];
  scores?: ScorePlugin[];
  /** For tie breaks; Math.random by default. */
  random?: () => number;
}

export interface ScheduleResult {
  /** The chosen node; undefined when the pod fits nowhere. */
  node?: string;
  /** Every node's failure (nodes that passed are absent). */
  statuses: Map<string, FilterStatus>;
  /** Final weighted scores of the feasible nodes. */
  scores: Map<string, number>;
  /** The FailedScheduling message when no node fits. */
  message?: string;
}

/** Runs the filters on every node (upstream findNodesThatPassFilters). */
export function filterNodes(pod: Obj, snap: Snapshot, filters: FilterPlugin[] = DEFAULT_FILTERS): { feasible: NodeInfo[]; statuses: Map<string, FilterStatus> } {
  const states = filters.map((f) => (f.preFilter ? f.preFilter(pod, snap) : undefined));
  const feasible: NodeInfo[] = [];
  const statuses = new Map<string, FilterStatus>();
  for (const n of snap.nodes) {
    let failed: FilterStatus | null = null;
    for (let i = 0; i < filters.length && !failed; i++) {
      const s = filters[i]!.filter(pod, n, states[i], snap);
      if (s) failed = { ...s, plugin: filters[i]!.name };
    }
    if (failed) statuses.set(n.name, failed);
    else feasible.push(n);
  }
  return { feasible, statuses };
}

/** Weighted, normalised scores per node (upstream prioritizeNodes). */
export function scoreNodes(pod: Obj, feasible: NodeInfo[], snap: Snapshot, scores: ScorePlugin[] = DEFAULT_SCORES): Map<string, number> {
  const total = new Map<string, number>(feasible.map((n) => [n.name, 0]));
  for (const p of scores) {
    const state = p.preScore ? p.preScore(pod, feasible, snap) : undefined;
    let raw = feasible.map((n) => p.score(pod, n, state, snap));
    if (p.normalize) raw = p.normalize(raw, state);
    feasible.forEach((n, i) => total.set(n.name, total.get(n.name)! + raw[i]! * p.weight));
  }
  return total;
}

export function schedule(pod: Obj, snap: Snapshot, profile: Profile = {}): ScheduleResult {
  if (!snap.nodes.length) return { statuses: new Map(), scores: new Map(), message: ERR_NO_NODES };
  const { feasible, statuses } = filterNodes(pod, snap, profile.filters);
  if (!feasible.length) return { statuses, scores: new Map(), message: fitErrorMessage(pod, snap.nodes.length, statuses) };
  if (feasible.length === 1) return { node: feasible[0]!.name, statuses, scores: new Map([[feasible[0]!.name, 0]]) };
  const scores = scoreNodes(pod, feasible, snap, profile.scores);
  // Reservoir sampling among the best, like upstream selectHost.
  const random = profile.random ?? Math.random;
  let best: string | undefined;
  let bestScore = -Infinity;
  let ties = 0;
  for (const [name, s] of scores) {
    if (s > bestScore) {
      best = name;
      bestScore = s;
      ties = 1;
    } else if (s === bestScore) {
      ties++;
      if (random() * ties < 1) best = name;
    }
  }
  return { node: best, statuses, scores };
}

/** upstream framework.SortReasonsHistogram: "count reason" strings, sorted. */
function histogram(reasons: Iterable<string>): string[] {
  const counts = new Map<string, number>();
  for (const r of reasons) counts.set(r, (counts.get(r) ?? 0) + 1);
  return [...counts].map(([r, n]) => `${n} ${r}`).sort();
}

/**
 * upstream FitError.Error() followed by the DefaultPreemption PostFilter's message. kubesim does not preempt: nodes
 * that failed an UnschedulableAndUnresolvable filter are "not helpful", the rest have no victims.
 */
export function fitErrorMessage(pod: Obj, numNodes: number, statuses: Map<string, FilterStatus>): string {
  const reasons = [...statuses.values()].flatMap((s) => s.reasons);
  let msg = `0/${numNodes} nodes are available: ${histogram(reasons).join(', ')}.`;
  if (pod.spec?.preemptionPolicy === 'Never') return `${msg} preemption: not eligible due to preemptionPolicy=Never.`;
  const preemption = [...statuses.values()].map((s) =>
    s.code === 'UnschedulableAndUnresolvable' ? 'Preemption is not helpful for scheduling' : 'No preemption victims found for incoming pod',
  );
  // The PostFilter message is itself a FitError ("...pod.") and gets the separator's "." again (upstream shows "..").
  msg += ` preemption: 0/${numNodes} nodes are available: ${histogram(preemption).join(', ')}..`;
  return msg;
}
