// Completion indexes of Indexed Jobs (upstream pkg/controller/job/indexed_job_utils.go): the ordered intervals behind
// status.completedIndexes ("0-2,4"), the index a pod carries, and the lowest indexes still to run.
import type { Obj } from '../../registry/types.js';

export const COMPLETION_INDEX_ANNOTATION = 'batch.kubernetes.io/job-completion-index';
export const COMPLETION_INDEX_ENV = 'JOB_COMPLETION_INDEX';

export interface Interval {
  first: number;
  last: number;
}

/** getCompletionIndex: the pod's index annotation (then label), or -1 when absent or malformed. */
export function completionIndex(pod: Obj): number {
  const v = pod.metadata?.annotations?.[COMPLETION_INDEX_ANNOTATION] ?? pod.metadata?.labels?.[COMPLETION_INDEX_ANNOTATION];
  if (typeof v !== 'string' || !/^\d+$/.test(v)) return -1;
  return Number(v);
}

/** parseIndexesFromString: malformed parts and indexes >= completions are dropped (the Job may have shrunk). */
export function parseIndexes(s: string | undefined, completions: number): Interval[] {
  const out: Interval[] = [];
  if (!s) return out;
  for (const part of s.split(',')) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(part);
    if (!m) continue;
    const first = Number(m[1]);
    let last = m[2] === undefined ? first : Number(m[2]);
    if (first >= completions || last < first) continue;
    last = Math.min(last, completions - 1);
    const prev = out[out.length - 1];
    if (prev && prev.last + 1 >= first) prev.last = Math.max(prev.last, last);
    else out.push({ first, last });
  }
  return out;
}

/** orderedIntervals.String: "a" for one index, "a,b" for two adjacent ones, "a-b" for longer runs. */
export function formatIndexes(intervals: Interval[]): string {
  return intervals.map((v) => (v.last === v.first ? `${v.first}` : v.last === v.first + 1 ? `${v.first},${v.last}` : `${v.first}-${v.last}`)).join(',');
}

/** withOrderedIndexes: the union with a sorted list of indexes. */
export function withIndexes(intervals: Interval[], indexes: number[]): Interval[] {
  const all = new Set<number>(indexes);
  for (const v of intervals) for (let i = v.first; i <= v.last; i++) all.add(i);
  const out: Interval[] = [];
  for (const i of [...all].sort((a, b) => a - b)) {
    const prev = out[out.length - 1];
    if (prev && prev.last + 1 === i) prev.last = i;
    else out.push({ first: i, last: i });
  }
  return out;
}

export function totalIndexes(intervals: Interval[]): number {
  return intervals.reduce((n, v) => n + v.last - v.first + 1, 0);
}

export function hasIndex(intervals: Interval[], ix: number): boolean {
  return intervals.some((v) => v.first <= ix && ix <= v.last);
}

/** firstPendingIndexes: the lowest `count` indexes below `completions` neither succeeded nor running. */
export function firstPendingIndexes(succeeded: Interval[], active: Set<number>, count: number, completions: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < completions && out.length < count; i++) if (!active.has(i) && !hasIndex(succeeded, i)) out.push(i);
  return out;
}
