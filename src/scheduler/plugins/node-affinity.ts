// NodeAffinity: spec.nodeSelector plus required node affinity as a filter, preferred node affinity as a score
// (upstream plugins/nodeaffinity).
import { matchesRequiredNodeAffinity, matchNodeSelectorTerm } from '../selectors.js';
import { unresolvable, type FilterPlugin, type Obj, type ScorePlugin } from '../types.js';
import { defaultNormalize } from './normalize.js';

export const ERR_NODE_AFFINITY = "node(s) didn't match Pod's node affinity/selector";

export const nodeAffinity: FilterPlugin = {
  name: 'NodeAffinity',
  filter: (pod, n) => (matchesRequiredNodeAffinity(pod, n.node) ? null : unresolvable(ERR_NODE_AFFINITY)),
};

export const nodeAffinityScore: ScorePlugin = {
  name: 'NodeAffinity',
  weight: 2,
  score(pod, n) {
    const preferred: Obj[] = pod.spec?.affinity?.nodeAffinity?.preferredDuringSchedulingIgnoredDuringExecution ?? [];
    let total = 0;
    for (const p of preferred) if (p.weight && matchNodeSelectorTerm(n.node, p.preference ?? {})) total += p.weight;
    return total;
  },
  normalize: (scores) => defaultNormalize(scores),
};
