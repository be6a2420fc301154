// Schedule arithmetic of the CronJob controller (upstream pkg/controller/cronjob/utils.go): the most recent missed
// start time, the "too many missed start times" estimate, the requeue delay, and the deterministic Job name.
import { parseStandard, type Schedule } from '../../machinery/cron.js';
import { loadLocation } from '../../machinery/timezone.js';
import type { Obj } from '../../registry/types.js';

/** nextScheduleDelta: requeues land 100 ms after the scheduled time, to absorb clock skew. */
export const NEXT_SCHEDULE_DELTA_MS = 100;
/** More missed starts than this is reported as a warning (the count is only estimated beyond it). */
const MANY_MISSED = 100;

export type Missed = 'none' | 'few' | 'many';

export interface Recent {
  earliest: number;
  /** The most recent scheduled time not after now, if any. */
  mostRecent?: number;
  missed: Missed;
}

function time(ts: unknown): number | undefined {
  const t = typeof ts === 'string' ? Date.parse(ts) : NaN;
  return Number.isFinite(t) ? t : undefined;
}

/** formatSchedule: spec.timeZone becomes a TZ= prefix (a TZ already in the schedule wins). */
export function parseCronJobSchedule(cj: Obj): Schedule {
  const schedule: string = cj.spec?.schedule ?? '';
  const tz = cj.spec?.timeZone;
  if (!schedule.includes('TZ') && typeof tz === 'string') {
    try {
      loadLocation(tz);
      return parseStandard(`TZ=${tz} ${schedule}`);
    } catch {
      // An unknown zone is reported by the controller (UnknownTimeZone); parse the bare schedule.
    }
  }
  return parseStandard(schedule);
}

/** mostRecentScheduleTime. */
export function mostRecentScheduleTime(cj: Obj, now: number, schedule: Schedule, includeStartingDeadline: boolean): Recent {
  let earliest = time(cj.status?.lastScheduleTime) ?? time(cj.metadata?.creationTimestamp) ?? now;
  const deadline = cj.spec?.startingDeadlineSeconds;
  if (includeStartingDeadline && deadline != null) {
    // The controller never schedules anything older than the starting deadline.
    const schedulingDeadline = now - deadline * 1000;
    if (schedulingDeadline > earliest) earliest = schedulingDeadline;
  }
  const t1 = schedule.next(earliest);
  const t2 = schedule.next(t1);
  // robfig returns the zero time when nothing fires within five years; upstream then fails the interval check.
  if (!t1) throw new Error('time difference between two schedules is less than 1 second');
  if (now < t1) return { earliest, missed: 'none' };
  if (!t2 || now < t2) return { earliest, mostRecent: t1, missed: 'none' };
  const between = Math.round((t2 - t1) / 1000);
  // e.g. "59 23 31 2 *": two "schedules" with nothing between them.
  if (between < 1) throw new Error('time difference between two schedules is less than 1 second');
  const elapsed = Math.floor((now - t1) / 1000);
  const missedCount = Math.floor(elapsed / between) + 1;
  // Jump close to now by the interval, then let the schedule find the exact latest time (irregular schedules).
  const potentialEarliest = t1 + (missedCount - 2) * between * 1000;
  let mostRecent: number | undefined;
  for (let t = schedule.next(potentialEarliest); t && t <= now; t = schedule.next(t)) mostRecent = t;
  return { earliest, mostRecent, missed: missedCount > MANY_MISSED ? 'many' : 'few' };
}

/** nextScheduleTimeDuration: ms from now until the next run after the latest scheduled time, plus the delta. */
export function nextScheduleDelay(cj: Obj, now: number, schedule: Schedule): number {
  let from: number;
  try {
    const r = mostRecentScheduleTime(cj, now, schedule, false);
    from = r.mostRecent ?? r.earliest;
  } catch {
    from = now;
  }
  const next = schedule.next(from);
  // No activation within five years: look again in a day rather than never.
  if (!next) return 24 * 3_600_000;
  return next + NEXT_SCHEDULE_DELTA_MS - now;
}

/** getJobName: `<cronjob>-<scheduled time in minutes since the epoch>`, the lock against creating a run twice. */
export function jobNameFor(cj: Obj, scheduled: number): string {
  return `${cj.metadata.name}-${Math.floor(scheduled / 60_000)}`;
}
