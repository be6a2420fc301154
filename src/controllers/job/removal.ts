// activePodsForRemoval (upstream pkg/controller/job): which running pods go first when a Job has too many. Indexed
// Jobs first drop pods with a missing or out-of-range index and the extra pods of a repeated index; then the usual
// controller order (unscheduled, pending, not ready ... first) picks the rest.
import type { Obj } from '../../registry/types.js';
import { podsToDelete } from '../replicaset/pods.js';
import { completionIndex } from './indexes.js';

export function removalOrder(job: Obj, pods: Obj[], rmAtLeast: number, now: number): Obj[] {
  let rm: Obj[] = [];
  let left = pods;
  if (job.spec?.completionMode === 'Indexed') {
    const completions = job.spec?.completions ?? 0;
    const byIndex = new Map<number, Obj[]>();
    left = [];
    for (const p of pods) {
      const ix = completionIndex(p);
      if (ix < 0 || ix >= completions) rm.push(p);
      else byIndex.set(ix, [...(byIndex.get(ix) ?? []), p]);
    }
    for (const group of byIndex.values()) {
      // Keep the pod furthest along (last in deletion order); the others are duplicates.
      const dups = podsToDelete(group, [], group.length - 1, now);
      rm.push(...dups);
      left.push(...group.filter((p) => !dups.includes(p)));
    }
  }
  if (rm.length < rmAtLeast) rm = [...rm, ...podsToDelete(left, [], rmAtLeast - rm.length, now)];
  return rm;
}
