// InterPodAffinity (upstream plugins/interpodaffinity): required pod affinity / anti-affinity as a filter (including
// the anti-affinity of pods already running, which is symmetric), preferred terms as a score. Counts are kept per
// topology pair `key=value`, exactly like the upstream preFilterState.
import { preferredTerms, requiredTerms, termMatches, type AffinityTerm } from '../selectors.js';
import { MAX_NODE_SCORE, unresolvable, unschedulable, type FilterPlugin, type Labels, type NodeInfo, type ScorePlugin, type Snapshot } from '../types.js';

export const ERR_EXISTING_ANTI_AFFINITY = "node(s) didn't satisfy existing pods anti-affinity rules";
export const ERR_AFFINITY = "node(s) didn't match pod affinity rules";
export const ERR_ANTI_AFFINITY = "node(s) didn't match pod anti-affinity rules";

type Counts = Map<string, number>;

function pair(key: string, value: string): string {
  return `${key}\u0000${value}`;
}

function bump(counts: Counts, labels: Labels, key: string, by: number): void {
  if (!Object.hasOwn(labels, key)) return;
  const p = pair(key, labels[key]!);
  counts.set(p, (counts.get(p) ?? 0) + by);
}

interface AffinityState {
  affinity: AffinityTerm[];
  antiAffinity: AffinityTerm[];
  existingAntiAffinityCounts: Counts;
  affinityCounts: Counts;
  antiAffinityCounts: Counts;
}

function nsLabelsOf(snap: Snapshot): (ns: string) => Labels | undefined {
  return (ns) => snap.namespaceLabels(ns);
}

export const interPodAffinity: FilterPlugin<AffinityState> = {
  name: 'InterPodAffinity',
  preFilter(pod, snap) {
    const nsLabels = nsLabelsOf(snap);
    const state: AffinityState = {
      affinity: requiredTerms(pod, 'podAffinity'),
      antiAffinity: requiredTerms(pod, 'podAntiAffinity'),
      existingAntiAffinityCounts: new Map(),
      affinityCounts: new Map(),
      antiAffinityCounts: new Map(),
    };
    // Without terms of its own, only the pods with required anti-affinity can matter (upstream walks
    // HavePodsWithRequiredAntiAffinityNodeInfoList then).
    const own = state.affinity.length > 0 || state.antiAffinity.length > 0;
    for (const n of snap.nodes) {
      for (const existing of own ? n.pods : (n.podsWithRequiredAntiAffinity ?? n.pods)) {
        // Running pods whose required anti-affinity matches the incoming pod keep it out of their topology domain.
        for (const t of requiredTerms(existing, 'podAntiAffinity')) {
          if (termMatches(t, pod, nsLabels)) bump(state.existingAntiAffinityCounts, n.labels, t.topologyKey, 1);
        }
        if (state.affinity.length && state.affinity.every((t) => termMatches(t, existing, nsLabels))) {
          for (const t of state.affinity) bump(state.affinityCounts, n.labels, t.topologyKey, 1);
        }
        for (const t of state.antiAffinity) if (termMatches(t, existing, nsLabels)) bump(state.antiAffinityCounts, n.labels, t.topologyKey, 1);
      }
    }
    return state;
  },
  filter(pod, n, s, snap) {
    // Nothing to check (no terms of its own, no existing anti-affinity against it): the common case, kept cheap.
    if (!s.existingAntiAffinityCounts.size && !s.affinity.length && !s.antiAffinity.length) return null;
    for (const [k, v] of Object.entries(n.labels)) {
      if ((s.existingAntiAffinityCounts.get(pair(k, v)) ?? 0) > 0) return unschedulable(ERR_EXISTING_ANTI_AFFINITY);
    }
    if (s.affinity.length) {
      let podsExist = true;
      for (const t of s.affinity) {
        if (!Object.hasOwn(n.labels, t.topologyKey)) return unresolvable(ERR_AFFINITY);
        if ((s.affinityCounts.get(pair(t.topologyKey, n.labels[t.topologyKey]!)) ?? 0) <= 0) podsExist = false;
      }
      // The first pod of a group with affinity to itself may go anywhere that has the topology labels.
      const first = s.affinityCounts.size === 0 && s.affinity.every((t) => termMatches(t, pod, nsLabelsOf(snap)));
      if (!podsExist && !first) return unresolvable(ERR_AFFINITY);
    }
    for (const t of s.antiAffinity) {
      if (!Object.hasOwn(n.labels, t.topologyKey)) continue;
      if ((s.antiAffinityCounts.get(pair(t.topologyKey, n.labels[t.topologyKey]!)) ?? 0) > 0) return unschedulable(ERR_ANTI_AFFINITY);
    }
    return null;
  },
};

/** Hard affinity of existing pods counts as a preference of this weight (upstream HardPodAffinityWeight default). */
const HARD_POD_AFFINITY_WEIGHT = 1;

/**
 * Preferred affinity (+weight) and anti-affinity (-weight) of the incoming pod towards existing pods, and the same
 * of existing pods towards the incoming one, summed per topology pair (upstream PreScore/Score).
 */
export const interPodAffinityScore: ScorePlugin<Counts> = {
  name: 'InterPodAffinity',
  weight: 2,
  preScore(pod, _feasible, snap) {
    const nsLabels = nsLabelsOf(snap);
    const counts: Counts = new Map();
    const prefAff = preferredTerms(pod, 'podAffinity');
    const prefAnti = preferredTerms(pod, 'podAntiAffinity');
    // Without preferences of its own, only pods with affinity terms can score (upstream HavePodsWithAffinityNodeInfoList).
    const own = prefAff.length > 0 || prefAnti.length > 0;
    for (const n of snap.nodes) {
      for (const existing of own ? n.pods : (n.podsWithAffinity ?? n.pods)) {
        for (const { weight, term } of prefAff) if (termMatches(term, existing, nsLabels)) bump(counts, n.labels, term.topologyKey, weight);
        for (const { weight, term } of prefAnti) if (termMatches(term, existing, nsLabels)) bump(counts, n.labels, term.topologyKey, -weight);
        for (const t of requiredTerms(existing, 'podAffinity')) if (termMatches(t, pod, nsLabels)) bump(counts, n.labels, t.topologyKey, HARD_POD_AFFINITY_WEIGHT);
        for (const { weight, term } of preferredTerms(existing, 'podAffinity')) if (termMatches(term, pod, nsLabels)) bump(counts, n.labels, term.topologyKey, weight);
        for (const { weight, term } of preferredTerms(existing, 'podAntiAffinity')) if (termMatches(term, pod, nsLabels)) bump(counts, n.labels, term.topologyKey, -weight);
      }
    }
    return counts;
  },
  score(_pod, n: NodeInfo, counts) {
    if (!counts.size) return 0;
    let total = 0;
    for (const [k, v] of Object.entries(n.labels)) total += counts.get(pair(k, v)) ?? 0;
    return total;
  },
  normalize(scores) {
    const max = Math.max(...scores);
    const min = Math.min(...scores);
    if (max === min) return scores.map(() => 0);
    return scores.map((s) => Math.floor((MAX_NODE_SCORE * (s - min)) / (max - min)));
  },
};
