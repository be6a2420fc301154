// TaintToleration (upstream plugins/tainttoleration): NoSchedule/NoExecute taints the pod does not tolerate rule a
// node out; untolerated PreferNoSchedule taints make it less attractive.
import { tolerated, untoleratedTaint } from '../selectors.js';
import { unresolvable, type FilterPlugin, type Obj, type ScorePlugin } from '../types.js';
import { defaultNormalize } from './normalize.js';

/** upstream: fmt.Sprintf("node(s) had untolerated taint {%s: %s}", taint.Key, taint.Value). */
export function untoleratedTaintReason(taint: Obj): string {
  return `node(s) had untolerated taint {${taint.key}: ${taint.value ?? ''}}`;
}

export const taintToleration: FilterPlugin = {
  name: 'TaintToleration',
  filter(pod, n) {
    const taint = untoleratedTaint(n.node.spec?.taints, pod.spec?.tolerations, ['NoSchedule', 'NoExecute']);
    return taint ? unresolvable(untoleratedTaintReason(taint)) : null;
  },
};

export const taintTolerationScore: ScorePlugin<Obj[]> = {
  name: 'TaintToleration',
  weight: 3,
  // Only tolerations that can apply to PreferNoSchedule count (upstream getAllTolerationPreferNoSchedule).
  preScore: (pod) => (pod.spec?.tolerations ?? []).filter((t: Obj) => !t.effect || t.effect === 'PreferNoSchedule'),
  score(_pod, n, tolerations) {
    return (n.node.spec?.taints ?? []).filter((t: Obj) => t.effect === 'PreferNoSchedule' && !tolerated(tolerations, t)).length;
  },
  normalize: (scores) => defaultNormalize(scores, true),
};
