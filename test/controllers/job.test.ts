// The Job and TTL-after-finished controllers against a real in-memory store, without scheduler or kubelets: the test
// plays the kubelet by writing pod phases and exit codes, and moves the clock for back-off and deadlines.
import { afterEach, describe, expect, it } from 'vitest';
import { rfc3339 } from '../../src/clock.js';
import { GarbageCollector } from '../../src/controllers/garbagecollector/controller.js';
import { jobController } from '../../src/controllers/job/controller.js';
import { ttlAfterFinishedController } from '../../src/controllers/ttlafterfinished/controller.js';
import type { ComponentFactory } from '../../src/client/component.js';
import type { Obj } from '../../src/registry/types.js';
import { waitFor } from '../helpers/wait.js';
import { events, startHarness, type Harness } from './harness.js';

const FINALIZER = 'batch.kubernetes.io/job-tracking';
let h: Harness;

async function start(extra: ComponentFactory[] = []): Promise<Harness> {
  h = await startHarness([jobController, ...extra]);
  return h;
}
afterEach(async () => {
  await h?.stop();
});

const jobs = () => h.client.resource('batch', 'v1', 'jobs');
const getJob = (name: string): Obj => jobs().get('default', name)!;

function job(name: string, spec: Obj = {}): Obj {
  return {
    metadata: { name },
    spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'busybox' }] } }, ...spec },
  };
}

const podsOf = (j: Obj): Obj[] =>
  h.client.pods.list('default').items.filter((p) => (p.metadata.ownerReferences ?? []).some((r: Obj) => r.uid === j.metadata.uid && r.controller));
const running = (j: Obj): Obj[] => podsOf(j).filter((p) => !p.metadata.deletionTimestamp && !['Succeeded', 'Failed'].includes(p.status?.phase));

/** What a kubelet reports when the pod's only container exits. */
async function exit(pod: Obj, exitCode = 0): Promise<void> {
  const fresh = h.client.pods.get(pod.metadata.namespace, pod.metadata.name)!;
  const finishedAt = rfc3339(h.clock.now());
  fresh.status = {
    ...fresh.status,
    phase: exitCode === 0 ? 'Succeeded' : 'Failed',
    containerStatuses: fresh.spec.containers.map((c: Obj) => ({
      name: c.name,
      image: c.image,
      imageID: '',
      ready: false,
      restartCount: 0,
      state: { terminated: { exitCode, reason: exitCode === 0 ? 'Completed' : 'Error', startedAt: finishedAt, finishedAt } },
    })),
  };
  await h.client.pods.updateStatus(fresh);
}

const condition = (j: Obj, type: string): Obj | undefined => (j.status?.conditions ?? []).find((c: Obj) => c.type === type);

describe('Job controller', () => {
  it('runs completions=5 with parallelism=2, never more than 2 at a time, and completes', async () => {
    await start();
    const j = await jobs().create('default', job('pi', { completions: 5, parallelism: 2 }));
    let maxActive = 0;
    for (let done = 0; done < 5; done++) {
      const want = Math.min(2, 5 - done);
      const pods = await waitFor(`${want} running pods`, () => running(j).length === want && running(j));
      maxActive = Math.max(maxActive, running(j).length);
      await exit(pods[0]!);
      await waitFor('counted', () => getJob('pi').status?.succeeded === done + 1);
      maxActive = Math.max(maxActive, running(j).length);
    }
    expect(maxActive).toBe(2);
    const done = await waitFor('Complete', () => condition(getJob('pi'), 'Complete') && getJob('pi'));
    expect(done.status).toMatchObject({ succeeded: 5, ready: 0, terminating: 0, uncountedTerminatedPods: {} });
    expect(done.status.active).toBeUndefined();
    expect(done.status.failed).toBeUndefined();
    expect(done.status.startTime).toBeTruthy();
    expect(done.status.completionTime).toBeTruthy();
    expect(condition(done, 'SuccessCriteriaMet')).toMatchObject({ status: 'True', reason: 'CompletionsReached', message: 'Reached expected number of succeeded pods' });
    expect(condition(done, 'Complete')).toMatchObject({ status: 'True', reason: 'CompletionsReached' });
    expect(podsOf(j)).toHaveLength(5);
    for (const p of podsOf(j)) expect(p.metadata.finalizers ?? []).not.toContain(FINALIZER);
    await waitFor('events', () => events(h, 'SuccessfulCreate').length === 5 && events(h, 'Completed').length === 1);
    expect(events(h, 'Completed')[0]).toMatchObject({ type: 'Normal', message: 'Job completed', source: { component: 'job-controller' } });
  });

  it('generates the selector and labels and creates pods with the tracking finalizer', async () => {
    await start();
    const j = await jobs().create('default', job('gen'));
    const uid = j.metadata.uid;
    expect(j.spec).toMatchObject({ completions: 1, parallelism: 1, backoffLimit: 6, completionMode: 'NonIndexed', suspend: false, podReplacementPolicy: 'TerminatedOrFailed' });
    expect(j.spec.selector).toEqual({ matchLabels: { 'batch.kubernetes.io/controller-uid': uid } });
    const labels = { 'batch.kubernetes.io/controller-uid': uid, 'batch.kubernetes.io/job-name': 'gen', 'controller-uid': uid, 'job-name': 'gen' };
    expect(j.spec.template.metadata.labels).toEqual(labels);
    expect(j.metadata.labels).toEqual(labels);
    const [pod] = await waitFor('pod', () => podsOf(j).length === 1 && podsOf(j));
    expect(pod!.metadata.generateName).toBe('gen-');
    expect(pod!.metadata.finalizers).toEqual([FINALIZER]);
    expect(pod!.metadata.labels).toEqual(labels);
    expect(pod!.metadata.ownerReferences).toEqual([{ apiVersion: 'batch/v1', kind: 'Job', name: 'gen', uid, controller: true, blockOwnerDeletion: true }]);
    await waitFor('active', () => getJob('gen').status?.active === 1);
  });

  it('runs Indexed Jobs with completion indexes, hostnames and completedIndexes intervals', async () => {
    await start();
    const j = await jobs().create('default', job('idx', { completions: 5, parallelism: 5, completionMode: 'Indexed' }));
    const pods = await waitFor('5 pods', () => running(j).length === 5 && running(j));
    const byIndex = new Map(pods.map((p) => [Number(p.metadata.annotations['batch.kubernetes.io/job-completion-index']), p]));
    expect([...byIndex.keys()].sort()).toEqual([0, 1, 2, 3, 4]);
    const p3 = byIndex.get(3)!;
    expect(p3.metadata.labels['batch.kubernetes.io/job-completion-index']).toBe('3');
    expect(p3.metadata.generateName).toBe('idx-3-');
    expect(p3.spec.hostname).toBe('idx-3');
    expect(p3.spec.containers[0].env).toEqual([
      { name: 'JOB_COMPLETION_INDEX', valueFrom: { fieldRef: { fieldPath: "metadata.annotations['batch.kubernetes.io/job-completion-index']" } } },
    ]);
    for (const ix of [4, 0, 2, 1]) await exit(byIndex.get(ix)!);
    const st = await waitFor('0-2,4', () => getJob('idx').status?.completedIndexes === '0-2,4' && getJob('idx').status);
    expect(st.succeeded).toBe(4);
    // A failed index is retried with the same index.
    await exit(byIndex.get(3)!, 1);
    h.clock.advance(11_000);
    const retry = await waitFor('index 3 again', () => running(j).find((p) => p.metadata.annotations['batch.kubernetes.io/job-completion-index'] === '3'));
    expect(retry.metadata.name).not.toBe(p3.metadata.name);
    await exit(retry);
    const done = await waitFor('Complete', () => condition(getJob('idx'), 'Complete') && getJob('idx'));
    expect(done.status).toMatchObject({ completedIndexes: '0-4', succeeded: 5, failed: 1 });
  });

  it('fails with BackoffLimitExceeded after backoffLimit failures, backing off between retries', async () => {
    await start();
    const j = await jobs().create('default', job('flaky', { backoffLimit: 1 }));
    const [first] = await waitFor('pod', () => running(j).length === 1 && running(j));
    await exit(first!, 1);
    await waitFor('failed=1', () => getJob('flaky').status?.failed === 1);
    // The replacement waits out the 10 s back-off.
    expect(running(j)).toHaveLength(0);
    h.clock.advance(11_000);
    const [second] = await waitFor('replacement', () => running(j).length === 1 && running(j));
    await exit(second!, 1);
    const failed = await waitFor('Failed', () => condition(getJob('flaky'), 'Failed') && getJob('flaky'));
    expect(failed.status.failed).toBe(2);
    expect(condition(failed, 'FailureTarget')).toMatchObject({ status: 'True', reason: 'BackoffLimitExceeded', message: 'Job has reached the specified backoff limit' });
    expect(condition(failed, 'Failed')).toMatchObject({ status: 'True', reason: 'BackoffLimitExceeded', message: 'Job has reached the specified backoff limit' });
    expect(failed.status.completionTime).toBeUndefined();
    await waitFor('event', () => events(h, 'BackoffLimitExceeded').length === 1);
    expect(events(h, 'BackoffLimitExceeded')[0]).toMatchObject({ type: 'Warning', message: 'Job has reached the specified backoff limit' });
  });

  it('fails with DeadlineExceeded after activeDeadlineSeconds on the clock, deleting running pods', async () => {
    await start();
    const j = await jobs().create('default', job('slow', { activeDeadlineSeconds: 30, parallelism: 2, completions: 4 }));
    await waitFor('2 pods', () => running(j).length === 2);
    h.clock.advance(31_000);
    const failed = await waitFor('Failed', () => condition(getJob('slow'), 'Failed') && getJob('slow'));
    expect(condition(failed, 'Failed')).toMatchObject({ reason: 'DeadlineExceeded', message: 'Job was active longer than specified deadline' });
    expect(failed.status).toMatchObject({ failed: 2, terminating: 0, ready: 0 });
    expect(podsOf(j)).toHaveLength(0);
  });

  it('suspends (deleting pods without counting them) and resumes', async () => {
    await start();
    const j = await jobs().create('default', job('sus', { suspend: true, parallelism: 2, completions: 2 }));
    const suspended = await waitFor('Suspended', () => condition(getJob('sus'), 'Suspended') && getJob('sus'));
    expect(condition(suspended, 'Suspended')).toMatchObject({ status: 'True', reason: 'JobSuspended', message: 'Job suspended' });
    expect(suspended.status.startTime).toBeUndefined();
    expect(podsOf(j)).toHaveLength(0);
    await jobs().patch('default', 'sus', 'merge', { spec: { suspend: false } });
    await waitFor('2 pods', () => running(j).length === 2);
    const resumed = await waitFor('resumed', () => condition(getJob('sus'), 'Suspended')?.status === 'False' && getJob('sus'));
    expect(condition(resumed, 'Suspended')).toMatchObject({ reason: 'JobResumed', message: 'Job resumed' });
    expect(resumed.status.startTime).toBeTruthy();
    await jobs().patch('default', 'sus', 'merge', { spec: { suspend: true } });
    await waitFor('pods deleted', () => podsOf(j).length === 0);
    const again = await waitFor('suspended again', () => condition(getJob('sus'), 'Suspended')?.status === 'True' && getJob('sus'));
    expect(again.status.failed).toBeUndefined();
    expect(again.status.active).toBeUndefined();
    await waitFor('events', () => events(h, 'Suspended').length === 1 && events(h, 'Resumed').length === 1);
  });

  it('applies podFailurePolicy: Ignore does not count, FailJob fails at once', async () => {
    await start();
    const spec = {
      backoffLimit: 3,
      podFailurePolicy: {
        rules: [
          { action: 'FailJob', onExitCodes: { containerName: 'c', operator: 'In', values: [42] } },
          { action: 'Ignore', onExitCodes: { operator: 'In', values: [7] } },
        ],
      },
    };
    const j = await jobs().create('default', job('pfp', spec));
    expect(j.spec.podReplacementPolicy).toBe('Failed');
    const [first] = await waitFor('pod', () => running(j).length === 1 && running(j));
    await exit(first!, 7);
    h.clock.advance(11_000);
    const [second] = await waitFor('replacement', () => running(j).length === 1 && running(j));
    expect(getJob('pfp').status.failed).toBeUndefined();
    await exit(second!, 42);
    const failed = await waitFor('Failed', () => condition(getJob('pfp'), 'Failed') && getJob('pfp'));
    const message = `Container c for pod default/${second!.metadata.name} failed with exit code 42 matching FailJob rule at index 0`;
    expect(condition(failed, 'FailureTarget')).toMatchObject({ reason: 'PodFailurePolicy', message });
    expect(condition(failed, 'Failed')).toMatchObject({ reason: 'PodFailurePolicy', message });
    expect(failed.status.failed).toBe(1);
  });

  it('completes a work-queue Job (no completions) once a pod succeeded and none is running', async () => {
    await start();
    const j = await jobs().create('default', job('queue', { parallelism: 2 }));
    expect(j.spec.completions).toBeUndefined();
    const pods = await waitFor('2 pods', () => running(j).length === 2 && running(j));
    await exit(pods[0]!);
    await waitFor('counted', () => getJob('queue').status?.succeeded === 1);
    expect(condition(getJob('queue'), 'Complete')).toBeUndefined();
    expect(running(j)).toHaveLength(1);
    await exit(pods[1]!);
    await waitFor('Complete', () => condition(getJob('queue'), 'Complete'));
    expect(getJob('queue').status.succeeded).toBe(2);
  });

  it('keeps counts exact when finished pods are deleted', async () => {
    await start();
    const j = await jobs().create('default', job('exact', { completions: 3, parallelism: 1 }));
    for (let i = 1; i <= 3; i++) {
      const [p] = await waitFor('pod', () => running(j).length === 1 && running(j));
      await exit(p!);
      await waitFor('counted', () => getJob('exact').status?.succeeded === i);
      await h.client.pods.delete('default', p!.metadata.name);
    }
    await waitFor('Complete', () => condition(getJob('exact'), 'Complete'));
    expect(getJob('exact').status.succeeded).toBe(3);
  });

  it('deletes finished Jobs after ttlSecondsAfterFinished, with their pods', async () => {
    await start([ttlAfterFinishedController, () => new GarbageCollector()]);
    const j = await jobs().create('default', job('ttl', { ttlSecondsAfterFinished: 60 }));
    const [p] = await waitFor('pod', () => running(j).length === 1 && running(j));
    await exit(p!);
    await waitFor('Complete', () => condition(getJob('ttl'), 'Complete'));
    h.clock.advance(30_000);
    expect(getJob('ttl')).toBeDefined();
    h.clock.advance(31_000);
    await waitFor('job deleted', () => !jobs().get('default', 'ttl'));
    await waitFor('pods deleted', () => h.client.pods.list('default').items.length === 0);
  });

  it('removes the tracking finalizer from pods of a deleted Job', async () => {
    await start([() => new GarbageCollector()]);
    const j = await jobs().create('default', job('gone', { parallelism: 2, completions: 2 }));
    await waitFor('2 pods', () => running(j).length === 2);
    await jobs().delete('default', 'gone', { propagationPolicy: 'Background' });
    await waitFor('pods gone', () => h.client.pods.list('default').items.length === 0);
  });
});
