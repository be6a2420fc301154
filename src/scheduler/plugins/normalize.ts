// upstream helper.DefaultNormalizeScore: scales scores so the highest becomes MAX_NODE_SCORE (or, reversed, the lowest).
import { MAX_NODE_SCORE } from '../types.js';

export function defaultNormalize(scores: number[], reverse = false): number[] {
  const max = Math.max(0, ...scores);
  if (max === 0) return scores.map(() => (reverse ? MAX_NODE_SCORE : 0));
  return scores.map((s) => {
    const v = Math.floor((s * MAX_NODE_SCORE) / max);
    return reverse ? MAX_NODE_SCORE - v : v;
  });
}
