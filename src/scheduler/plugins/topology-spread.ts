// PodTopologySpread (upstream plugins/podtopologyspread): DoNotSchedule constraints filter nodes whose domain would
// exceed maxSkew; ScheduleAnyway constraints score. Pods without constraints get the upstream system defaults
// (hostname maxSkew 3, zone maxSkew 5, ScheduleAnyway) over the replicas of their controller, which is what spreads a
// Deployment's pods across nodes (upstream builds that selector from the owning ReplicaSet/StatefulSet/Service; we
// use the controller ownerReference, which selects the same replicas).
import { selectorFromLabelSelector } from '../../machinery/labels.js';
import { matchesRequiredNodeAffinity, untoleratedTaint } from '../selectors.js';
import { MAX_NODE_SCORE, unresolvable, unschedulable, type FilterPlugin, type NodeInfo, type Obj, type ScorePlugin, type Snapshot } from '../types.js';

export const ERR_CONSTRAINTS = "node(s) didn't match pod topology spread constraints";
export const ERR_MISSING_LABEL = `${ERR_CONSTRAINTS} (missing required label)`;

interface Constraint {
  /** Identifies `matches` (the namespace and selector, or the owner), for the per-node memo. */
  key: string;
  maxSkew: number;
  topologyKey: string;
  minDomains: number;
  honorAffinity: boolean;
  honorTaints: boolean;
  matches(p: Obj): boolean;
}

const SYSTEM_DEFAULTS = [
  { topologyKey: 'kubernetes.io/hostname', maxSkew: 3 },
  { topologyKey: 'topology.kubernetes.io/zone', maxSkew: 5 },
];

function controllerUid(p: Obj): string | undefined {
  return (p.metadata?.ownerReferences ?? []).find((o: Obj) => o.controller)?.uid;
}

function constraintsOf(pod: Obj, action: 'DoNotSchedule' | 'ScheduleAnyway'): Constraint[] {
  const ns = pod.metadata?.namespace;
  const labels = pod.metadata?.labels ?? {};
  const declared: Obj[] = pod.spec?.topologySpreadConstraints ?? [];
  if (!declared.length) {
    const uid = controllerUid(pod);
    if (action === 'DoNotSchedule' || !uid) return [];
    const sameOwner = (p: Obj) => p.metadata?.namespace === ns && controllerUid(p) === uid;
    const key = `owner\u0000${ns}\u0000${uid}`;
    return SYSTEM_DEFAULTS.map((d) => ({ ...d, key, minDomains: 1, honorAffinity: true, honorTaints: false, matches: sameOwner }));
  }
  return declared
    .filter((c) => (c.whenUnsatisfiable ?? 'DoNotSchedule') === action)
    .map((c) => {
      const sel = { ...(c.labelSelector ?? {}), matchExpressions: [...(c.labelSelector?.matchExpressions ?? [])] };
      for (const k of c.matchLabelKeys ?? []) if (Object.hasOwn(labels, k)) sel.matchExpressions.push({ key: k, operator: 'In', values: [labels[k]] });
      const selector = c.labelSelector == null ? null : selectorFromLabelSelector(sel);
      return {
        key: `selector\u0000${ns}\u0000${JSON.stringify(c.labelSelector == null ? null : sel)}`,
        maxSkew: c.maxSkew ?? 1,
        topologyKey: c.topologyKey ?? '',
        minDomains: c.minDomains ?? 1,
        honorAffinity: (c.nodeAffinityPolicy ?? 'Honor') === 'Honor',
        honorTaints: c.nodeTaintsPolicy === 'Honor',
        matches: (p: Obj) => !!selector && p.metadata?.namespace === ns && selector.matches(p.metadata?.labels ?? {}),
      };
    });
}

/** Per node, the number of matching pods per constraint key, valid while the node's generation stays: a cycle
 * recounts only the nodes whose pods changed since the last one. */
const memo = new WeakMap<NodeInfo, { generation: number; counts: Map<string, number> }>();

function matchingOn(n: NodeInfo, c: Constraint): number {
  let m = memo.get(n);
  if (!m || m.generation !== n.generation) memo.set(n, (m = { generation: n.generation, counts: new Map() }));
  let count = m.counts.get(c.key);
  if (count === undefined) {
    count = 0;
    for (const p of n.pods) if (!p.metadata?.deletionTimestamp && c.matches(p)) count++;
    m.counts.set(c.key, count);
  }
  return count;
}

/** Matching, non-terminating pods per topology domain of each constraint, over the nodes that count. */
function countDomains(pod: Obj, cs: Constraint[], nodes: NodeInfo[], requireAllKeys: boolean): Map<string, number>[] {
  const counts = cs.map(() => new Map<string, number>());
  for (const n of nodes) {
    if (requireAllKeys && !cs.every((c) => Object.hasOwn(n.labels, c.topologyKey))) continue;
    cs.forEach((c, i) => {
      if (!Object.hasOwn(n.labels, c.topologyKey)) return;
      if (c.honorAffinity && !matchesRequiredNodeAffinity(pod, n.node)) return;
      if (c.honorTaints && untoleratedTaint(n.node.spec?.taints, pod.spec?.tolerations, ['NoSchedule', 'NoExecute'])) return;
      const domain = n.labels[c.topologyKey]!;
      const matching = matchingOn(n, c);
      counts[i]!.set(domain, (counts[i]!.get(domain) ?? 0) + matching);
    });
  }
  return counts;
}

interface FilterState {
  constraints: Constraint[];
  counts: Map<string, number>[];
}

export const podTopologySpread: FilterPlugin<FilterState | null> = {
  name: 'PodTopologySpread',
  preFilter(pod, snap: Snapshot) {
    const constraints = constraintsOf(pod, 'DoNotSchedule');
    if (!constraints.length) return null;
    return { constraints, counts: countDomains(pod, constraints, snap.nodes, true) };
  },
  filter(pod, n, state) {
    if (!state) return null;
    for (const [i, c] of state.constraints.entries()) {
      if (!Object.hasOwn(n.labels, c.topologyKey)) return unresolvable(ERR_MISSING_LABEL);
      const counts = state.counts[i]!;
      let min = counts.size ? Math.min(...counts.values()) : 0;
      if (counts.size < c.minDomains) min = 0;
      const self = c.matches(pod) ? 1 : 0;
      const skew = (counts.get(n.labels[c.topologyKey]!) ?? 0) + self - min;
      if (skew > c.maxSkew) return unschedulable(ERR_CONSTRAINTS);
    }
    return null;
  },
};

interface ScoreState {
  constraints: Constraint[];
  counts: Map<string, number>[];
  weights: number[];
}

export const podTopologySpreadScore: ScorePlugin<ScoreState | null> = {
  name: 'PodTopologySpread',
  weight: 2,
  preScore(pod, feasible) {
    const constraints = constraintsOf(pod, 'ScheduleAnyway');
    if (!constraints.length) return null;
    const declared = !!(pod.spec?.topologySpreadConstraints ?? []).length;
    const counts = countDomains(pod, constraints, feasible, declared);
    // upstream topologyNormalizingWeight: log(number of domains + 2), so that wide topologies do not dominate.
    const weights = counts.map((c) => Math.log(c.size + 2));
    return { constraints, counts, weights };
  },
  score(_pod, n, state) {
    if (!state) return 0;
    let score = 0;
    state.constraints.forEach((c, i) => {
      if (!Object.hasOwn(n.labels, c.topologyKey)) return;
      const cnt = state.counts[i]!.get(n.labels[c.topologyKey]!) ?? 0;
      score += cnt * state.weights[i]! + (c.maxSkew - 1);
    });
    return Math.round(score);
  },
  normalize(scores, state) {
    if (!state) return scores.map(() => 0);
    const max = Math.max(...scores);
    const min = Math.min(...scores);
    if (max === 0) return scores.map(() => MAX_NODE_SCORE);
    return scores.map((s) => Math.floor((MAX_NODE_SCORE * (max + min - s)) / max));
  },
};
