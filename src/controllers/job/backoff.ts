// The pod failure back-off (upstream pkg/controller/job/backoff_utils.go): after n failures since the last success,
// new pods wait 10 s * 2^(n-1) (at most 10 min) from the last failure.
import type { Obj } from '../../registry/types.js';
import { finishedTime } from './pods.js';

export const DEFAULT_BACKOFF_MS = 10_000;
export const MAX_BACKOFF_MS = 10 * 60_000;

export interface BackoffRecord {
  failuresAfterLastSuccess: number;
  lastFailureTime?: number;
}

/** newBackoffRecord: folds the pods that finished since the last sync into the record. */
export function nextRecord(prev: BackoffRecord | undefined, succeeded: Obj[], failed: Obj[], now: number): BackoffRecord {
  const rec: BackoffRecord = prev ? { ...prev } : { failuresAfterLastSuccess: 0 };
  const failedTimes = failed.map((p) => finishedTime(p, now)).sort((a, b) => a - b);
  if (!succeeded.length) {
    if (!failedTimes.length) return rec;
    return { failuresAfterLastSuccess: rec.failuresAfterLastSuccess + failedTimes.length, lastFailureTime: failedTimes[failedTimes.length - 1] };
  }
  const lastSuccess = Math.max(...succeeded.map((p) => finishedTime(p, now)));
  const after = failedTimes.filter((t) => t > lastSuccess);
  return after.length ? { failuresAfterLastSuccess: after.length, lastFailureTime: after[after.length - 1] } : { failuresAfterLastSuccess: 0 };
}

/** getRemainingTime: how long new pods must still wait. */
export function remainingBackoff(rec: BackoffRecord | undefined, now: number): number {
  if (!rec || !rec.failuresAfterLastSuccess || rec.lastFailureTime === undefined) return 0;
  let d = DEFAULT_BACKOFF_MS;
  for (let i = 1; i < rec.failuresAfterLastSuccess; i++) {
    d *= 2;
    if (d >= MAX_BACKOFF_MS) {
      d = MAX_BACKOFF_MS;
      break;
    }
  }
  const elapsed = now - rec.lastFailureTime;
  return d < elapsed ? 0 : d - elapsed;
}
