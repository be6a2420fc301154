// The CronJob controller on a test clock: runs fire when the clock reaches them, with deterministic Job names and the
// scheduled-timestamp annotation, concurrency policies, suspend, starting deadlines, history limits and time zones.
// The test plays the Job controller by writing Job conditions itself.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { rfc3339 } from '../../src/clock.js';
import { cronJobController } from '../../src/controllers/cronjob/controller.js';
import { jobNameFor, mostRecentScheduleTime, nextScheduleDelay } from '../../src/controllers/cronjob/schedule.js';
import { parseStandard } from '../../src/machinery/cron.js';
import type { Obj } from '../../src/registry/types.js';
import { waitFor } from '../helpers/wait.js';
import { events, startHarness, type Harness } from './harness.js';

let h: Harness;
beforeEach(async () => {
  h = await startHarness([cronJobController]);
});
afterEach(async () => {
  await h.stop();
});

const cronjobs = () => h.client.resource('batch', 'v1', 'cronjobs');
const jobs = () => h.client.resource('batch', 'v1', 'jobs');
const getCJ = (name: string): Obj => cronjobs().get('default', name)!;
const jobsOf = (cj: Obj): Obj[] =>
  jobs()
    .list('default')
    .items.filter((j) => (j.metadata.ownerReferences ?? []).some((r: Obj) => r.uid === cj.metadata.uid))
    .sort((a, b) => (a.metadata.name < b.metadata.name ? -1 : 1));

function cronJob(name: string, schedule: string, spec: Obj = {}): Obj {
  return {
    metadata: { name },
    spec: {
      schedule,
      jobTemplate: { metadata: { labels: { app: name } }, spec: { template: { spec: { restartPolicy: 'OnFailure', containers: [{ name: 'c', image: 'busybox' }] } } } },
      ...spec,
    },
  };
}

/** Moves the clock to just after the next multiple of `periodMs` (+ `extraMs`), returning that boundary. */
function advanceToNext(periodMs: number, extraMs = 500): number {
  const boundary = (Math.floor(h.clock.now() / periodMs) + 1) * periodMs;
  h.clock.advance(boundary + extraMs - h.clock.now());
  return boundary;
}

/** What the Job controller writes when a Job finishes. */
async function finishJob(job: Obj, type: 'Complete' | 'Failed' = 'Complete'): Promise<void> {
  const fresh = jobs().get('default', job.metadata.name)!;
  const now = rfc3339(h.clock.now());
  fresh.status = {
    ...fresh.status,
    startTime: fresh.status?.startTime ?? now,
    conditions: [{ type, status: 'True', lastProbeTime: now, lastTransitionTime: now, reason: type === 'Complete' ? 'CompletionsReached' : 'BackoffLimitExceeded', message: '' }],
    ...(type === 'Complete' ? { completionTime: now, succeeded: 1 } : { failed: 1 }),
  };
  await jobs().updateStatus(fresh);
}

describe('CronJob controller', () => {
  it('defaults the spec and creates a named Job at each scheduled time on the clock', async () => {
    const cj = await cronjobs().create('default', cronJob('tick', '*/5 * * * *'));
    expect(cj.spec).toMatchObject({ concurrencyPolicy: 'Allow', suspend: false, successfulJobsHistoryLimit: 3, failedJobsHistoryLimit: 1 });
    expect(jobsOf(cj)).toHaveLength(0);
    const t = advanceToNext(300_000);
    const [job] = await waitFor('job', () => jobsOf(cj).length === 1 && jobsOf(cj));
    expect(job!.metadata.name).toBe(`tick-${t / 60_000}`);
    expect(job!.metadata.labels).toMatchObject({ app: 'tick' });
    expect(job!.metadata.annotations['batch.kubernetes.io/cronjob-scheduled-timestamp']).toBe(rfc3339(t));
    expect(job!.metadata.ownerReferences).toEqual([{ apiVersion: 'batch/v1', kind: 'CronJob', name: 'tick', uid: cj.metadata.uid, controller: true, blockOwnerDeletion: true }]);
    expect(job!.spec.template.spec.containers[0].image).toBe('busybox');
    const st = await waitFor('status', () => getCJ('tick').status?.active?.length === 1 && getCJ('tick').status);
    expect(st.lastScheduleTime).toBe(rfc3339(t));
    expect(st.active[0]).toMatchObject({ kind: 'Job', apiVersion: 'batch/v1', namespace: 'default', name: job!.metadata.name, uid: job!.metadata.uid });
    await waitFor('event', () => events(h, 'SuccessfulCreate').length === 1);
    expect(events(h, 'SuccessfulCreate')[0]!.message).toBe(`Created job ${job!.metadata.name}`);
    // Allow: the next run starts while the first is still active.
    advanceToNext(300_000);
    await waitFor('2 jobs', () => jobsOf(cj).length === 2);
    await waitFor('2 active', () => getCJ('tick').status?.active?.length === 2);
  });

  it('records finished Jobs: active list, lastSuccessfulTime, SawCompletedJob', async () => {
    const cj = await cronjobs().create('default', cronJob('done', '* * * * *'));
    advanceToNext(60_000);
    const [job] = await waitFor('job', () => jobsOf(cj).length === 1 && jobsOf(cj));
    await waitFor('active', () => getCJ('done').status?.active?.length === 1);
    await finishJob(job!);
    const st = await waitFor('not active', () => !getCJ('done').status?.active && getCJ('done').status?.lastSuccessfulTime && getCJ('done').status);
    expect(st.lastSuccessfulTime).toBe(jobs().get('default', job!.metadata.name)!.status.completionTime);
    await waitFor('event', () => events(h, 'SawCompletedJob').length === 1);
    expect(events(h, 'SawCompletedJob')[0]!.message).toBe(`Saw completed job: ${job!.metadata.name}, condition: Complete`);
  });

  it('Forbid skips a run while one is active; Replace deletes the active one', async () => {
    const forbid = await cronjobs().create('default', cronJob('forbid', '* * * * *', { concurrencyPolicy: 'Forbid' }));
    const replace = await cronjobs().create('default', cronJob('replace', '* * * * *', { concurrencyPolicy: 'Replace' }));
    advanceToNext(60_000);
    await waitFor('first jobs', () => jobsOf(forbid).length === 1 && jobsOf(replace).length === 1);
    const firstReplace = jobsOf(replace)[0]!;
    await waitFor('active', () => getCJ('forbid').status?.active?.length === 1 && getCJ('replace').status?.active?.length === 1);
    advanceToNext(60_000);
    await waitFor('JobAlreadyActive', () => events(h, 'JobAlreadyActive').length === 1);
    expect(jobsOf(forbid)).toHaveLength(1);
    const replaced = await waitFor('replaced', () => jobsOf(replace).length === 1 && jobsOf(replace)[0]!.metadata.uid !== firstReplace.metadata.uid && jobsOf(replace));
    expect(replaced[0]!.metadata.name).not.toBe(firstReplace.metadata.name);
    await waitFor('SuccessfulDelete', () => events(h, 'SuccessfulDelete').some((e) => e.message === `Deleted job ${firstReplace.metadata.name}`));
    await waitFor('one active', () => getCJ('replace').status?.active?.length === 1 && getCJ('replace').status.active[0].uid === replaced[0]!.metadata.uid);
  });

  it('does nothing while suspended, then runs the most recent missed time unless past startingDeadlineSeconds', async () => {
    const late = await cronjobs().create('default', cronJob('late', '* * * * *', { suspend: true }));
    const strict = await cronjobs().create('default', cronJob('strict', '* * * * *', { suspend: true, startingDeadlineSeconds: 10 }));
    advanceToNext(60_000, 0);
    const missed = advanceToNext(60_000, 30_000);
    expect(jobsOf(late)).toHaveLength(0);
    await cronjobs().patch('default', 'late', 'merge', { spec: { suspend: false } });
    await cronjobs().patch('default', 'strict', 'merge', { spec: { suspend: false } });
    const [job] = await waitFor('missed run', () => jobsOf(late).length === 1 && jobsOf(late));
    expect(job!.metadata.name).toBe(jobNameFor(late, missed));
    // 30 s late is past a 10 s starting deadline: nothing runs until the next time.
    await waitFor('late status', () => getCJ('late').status?.lastScheduleTime === rfc3339(missed));
    expect(jobsOf(strict)).toHaveLength(0);
    const next = advanceToNext(60_000, 1000);
    await waitFor('strict runs on time', () => jobsOf(strict).length === 1);
    expect(jobsOf(strict)[0]!.metadata.name).toBe(jobNameFor(strict, next));
  });

  it('warns about too many missed start times and still runs the latest', async () => {
    const cj = await cronjobs().create('default', cronJob('many', '* * * * *', { suspend: true }));
    h.clock.advance(102 * 60_000);
    await cronjobs().patch('default', 'many', 'merge', { spec: { suspend: false } });
    await waitFor('TooManyMissedTimes', () => events(h, 'TooManyMissedTimes').length === 1);
    expect(events(h, 'TooManyMissedTimes')[0]).toMatchObject({
      type: 'Warning',
      message: 'too many missed start times. Set or decrease .spec.startingDeadlineSeconds or check clock skew',
    });
    const [job] = await waitFor('job', () => jobsOf(cj).length === 1 && jobsOf(cj));
    expect(job!.metadata.name).toBe(jobNameFor(cj, Math.floor(h.clock.now() / 60_000) * 60_000));
  });

  it('keeps successfulJobsHistoryLimit and failedJobsHistoryLimit finished Jobs, deleting the oldest', async () => {
    const cj = await cronjobs().create('default', cronJob('hist', '* * * * *', { successfulJobsHistoryLimit: 1, failedJobsHistoryLimit: 0 }));
    advanceToNext(60_000);
    const [a] = await waitFor('job 1', () => jobsOf(cj).length === 1 && jobsOf(cj));
    await finishJob(a!);
    advanceToNext(60_000);
    const b = await waitFor('job 2', () => jobsOf(cj).find((j) => j.metadata.name !== a!.metadata.name));
    await finishJob(b);
    await waitFor('oldest deleted', () => jobsOf(cj).length === 1 && jobsOf(cj)[0]!.metadata.name === b.metadata.name);
    advanceToNext(60_000);
    const c = await waitFor('job 3', () => jobsOf(cj).find((j) => j.metadata.name !== b.metadata.name));
    await finishJob(c, 'Failed');
    await waitFor('failed job deleted', () => !jobs().get('default', c.metadata.name));
    expect(jobsOf(cj).map((j) => j.metadata.name)).toEqual([b.metadata.name]);
  });

  it('schedules in spec.timeZone and stamps the scheduled time in that zone', async () => {
    const cj = await cronjobs().create('default', cronJob('tokyo', '0 9 * * *', { timeZone: 'Asia/Tokyo' }));
    // 09:00 in Tokyo is 00:00 UTC.
    const t = advanceToNext(86_400_000);
    const [job] = await waitFor('job', () => jobsOf(cj).length === 1 && jobsOf(cj));
    expect(job!.metadata.name).toBe(`tokyo-${t / 60_000}`);
    const d = new Date(t + 9 * 3_600_000).toISOString().slice(0, 10);
    expect(job!.metadata.annotations['batch.kubernetes.io/cronjob-scheduled-timestamp']).toBe(`${d}T09:00:00+09:00`);
  });

  it('validates the schedule and time zone like the API server', async () => {
    await expect(cronjobs().create('default', cronJob('bad', '61 * * * *'))).rejects.toThrow(
      'CronJob.batch "bad" is invalid: spec.schedule: Invalid value: "61 * * * *": end of range (61) above maximum (59): 61',
    );
    await expect(cronjobs().create('default', cronJob('tz', 'TZ=UTC * * * * *'))).rejects.toThrow('cannot use TZ or CRON_TZ in schedule, use timeZone field instead');
    await expect(cronjobs().create('default', cronJob('zone', '* * * * *', { timeZone: 'Mars/Olympus' }))).rejects.toThrow(
      'spec.timeZone: Invalid value: "Mars/Olympus": unknown time zone Mars/Olympus',
    );
    await expect(cronjobs().create('default', cronJob('x'.repeat(53), '* * * * *'))).rejects.toThrow('must be no more than 52 characters');
  });
});

describe('CronJob schedule arithmetic', () => {
  const sched = parseStandard('* * * * *');
  const cj = (last?: string, deadline?: number): Obj => ({
    metadata: { name: 'c', creationTimestamp: '2025-01-01T00:00:00Z' },
    spec: { startingDeadlineSeconds: deadline },
    status: last ? { lastScheduleTime: last } : {},
  });
  const at = Date.parse;

  it('finds the most recent unmet time and counts missed schedules', () => {
    expect(mostRecentScheduleTime(cj(), at('2025-01-01T00:00:30Z'), sched, true)).toEqual({ earliest: at('2025-01-01T00:00:00Z'), missed: 'none' });
    expect(mostRecentScheduleTime(cj(), at('2025-01-01T00:01:30Z'), sched, true)).toMatchObject({ mostRecent: at('2025-01-01T00:01:00Z'), missed: 'none' });
    expect(mostRecentScheduleTime(cj(), at('2025-01-01T00:05:30Z'), sched, true)).toMatchObject({ mostRecent: at('2025-01-01T00:05:00Z'), missed: 'few' });
    expect(mostRecentScheduleTime(cj('2025-01-01T00:04:00Z'), at('2025-01-01T00:05:30Z'), sched, true)).toMatchObject({ mostRecent: at('2025-01-01T00:05:00Z') });
    expect(mostRecentScheduleTime(cj(), at('2025-01-01T03:00:30Z'), sched, true)).toMatchObject({ mostRecent: at('2025-01-01T03:00:00Z'), missed: 'many' });
    // A starting deadline moves the earliest time considered up to now - deadline.
    expect(mostRecentScheduleTime(cj(undefined, 40), at('2025-01-01T03:00:30Z'), sched, true)).toMatchObject({ mostRecent: at('2025-01-01T03:00:00Z'), missed: 'none' });
    expect(mostRecentScheduleTime(cj(undefined, 20), at('2025-01-01T03:00:45Z'), sched, true).mostRecent).toBeUndefined();
  });

  it('requeues 100 ms after the next scheduled time', () => {
    expect(nextScheduleDelay(cj('2025-01-01T00:05:00Z'), at('2025-01-01T00:05:10Z'), sched)).toBe(50_100);
    expect(() => mostRecentScheduleTime(cj(), at('2025-01-01T00:05:10Z'), parseStandard('0 0 30 2 *'), true)).toThrow('less than 1 second');
  });
});
