// Jobs, CronJobs and `kubectl top` through real kubectl on the default cluster (simulated kubelets run the pods):
// `create job` (a protobuf body from 1.32 on), a completions=5 parallelism=2 Job finishing with at most two pods at a
// time, the jobs/cronjobs columns, top nodes/pods from metrics.k8s.io, and a CronJob firing under virtual time.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { VirtualClock } from '../../src/clock.js';
import { DEFAULT_COMPONENTS } from '../../src/components.js';
import type { Obj } from '../../src/registry/types.js';
import { startLivingCluster, startTestCluster, type TestCluster } from '../helpers/cluster.js';
import { Kubectl, KUBECTL_VERSIONS } from '../helpers/kubectl.js';
import { waitFor } from '../helpers/wait.js';

function lines(s: string): string[] {
  return s.split('\n').filter((l) => l.trim() !== '');
}

const isTrue = (o: Obj | undefined, type: string) => (o?.status?.conditions ?? []).some((c: Obj) => c.type === type && c.status === 'True');

function parallelJob(name: string): string {
  return `apiVersion: batch/v1
kind: Job
metadata:
  name: ${name}
spec:
  completions: 5
  parallelism: 2
  template:
    spec:
      restartPolicy: Never
      containers:
      - name: work
        image: busybox
        command: ["sh", "-c", "echo working"]
`;
}

describe.each(KUBECTL_VERSIONS)('batch and top with kubectl %s', (version) => {
  let c: TestCluster;
  let k: Kubectl;
  let dir: string;
  const jobs = () => c.client.resource('batch', 'v1', 'jobs');

  beforeAll(async () => {
    c = await startLivingCluster();
    k = new Kubectl(version, c.kubeconfigPath);
    dir = mkdtempSync(path.join(os.tmpdir(), 'kubesim-batch-e2e-'));
  });
  afterAll(async () => {
    await c?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('create job runs to completion; get jobs prints STATUS COMPLETIONS DURATION', async () => {
    expect(await k.ok(['create', 'job', 'hello', '--image=busybox', '--', 'echo', 'hello'])).toBe('job.batch/hello created\n');
    await waitFor('Complete', () => isTrue(jobs().get('default', 'hello'), 'Complete'), 30_000);
    const out = lines(await k.ok(['get', 'jobs']));
    expect(out[0]).toMatch(/^NAME\s+STATUS\s+COMPLETIONS\s+DURATION\s+AGE\s*$/);
    expect(out).toEqual(expect.arrayContaining([expect.stringMatching(/^hello\s+Complete\s+1\/1\s+\d+s\s+\d+s\s*$/)]));
    const wide = lines(await k.ok(['get', 'job', 'hello', '-o', 'wide']));
    expect(wide[0]).toMatch(/^NAME\s+STATUS\s+COMPLETIONS\s+DURATION\s+AGE\s+CONTAINERS\s+IMAGES\s+SELECTOR\s*$/);
    const uid = jobs().get('default', 'hello')!.metadata.uid;
    expect(wide[1]).toMatch(new RegExp(`^hello\\s+Complete\\s+1/1\\s+\\S+\\s+\\S+\\s+hello\\s+busybox\\s+batch\\.kubernetes\\.io/controller-uid=${uid}\\s*$`));
    const pods = lines(await k.ok(['get', 'pods', '-l', 'job-name=hello']));
    expect(pods[1]).toMatch(/^hello-\w{5}\s+0\/1\s+Completed\s+0\s+\S+\s*$/);
  });

  it('a Job with completions=5 parallelism=2 finishes, never running more than 2 pods', async () => {
    const file = path.join(dir, 'parallel.yaml');
    writeFileSync(file, parallelJob('parallel'));
    expect(await k.ok(['create', '-f', file])).toBe('job.batch/parallel created\n');
    let maxRunning = 0;
    await waitFor(
      'Complete',
      () => {
        const running = c.client.pods.list('default', { labelSelector: 'job-name=parallel' }).items.filter((p) => !['Succeeded', 'Failed'].includes(p.status?.phase) && !p.metadata.deletionTimestamp);
        maxRunning = Math.max(maxRunning, running.length);
        return isTrue(jobs().get('default', 'parallel'), 'Complete');
      },
      60_000,
    );
    expect(maxRunning).toBeGreaterThan(0);
    expect(maxRunning).toBeLessThanOrEqual(2);
    expect(lines(await k.ok(['get', 'job', 'parallel']))[1]).toMatch(/^parallel\s+Complete\s+5\/5\s+\S+\s+\S+\s*$/);
    expect(jobs().get('default', 'parallel')!.status).toMatchObject({ succeeded: 5, ready: 0, terminating: 0 });
    const described = await k.ok(['describe', 'job', 'parallel']);
    expect(described).toMatch(/Pods Statuses:\s+0 Active \(0 Ready\) \/ 5 Succeeded \/ 0 Failed/);
    expect(described).toMatch(/Normal\s+Completed\s+\S+\s+job-controller\s+Job completed/);
  });

  it('create cronjob; get cronjobs prints SCHEDULE TIMEZONE SUSPEND ACTIVE LAST SCHEDULE', async () => {
    const created = await k.ok(['create', 'cronjob', 'nightly', '--image=busybox', '--schedule=0 3 * * *', '--', 'date']);
    expect(created).toBe('cronjob.batch/nightly created\n');
    const out = lines(await k.ok(['get', 'cronjobs']));
    expect(out[0]).toMatch(/^NAME\s+SCHEDULE\s+TIMEZONE\s+SUSPEND\s+ACTIVE\s+LAST SCHEDULE\s+AGE\s*$/);
    expect(out).toEqual(expect.arrayContaining([expect.stringMatching(/^nightly\s+0 3 \* \* \*\s+<none>\s+False\s+0\s+<none>\s+\d+s\s*$/)]));
    const wide = lines(await k.ok(['get', 'cj', 'nightly', '-o', 'wide']));
    expect(wide[0]).toMatch(/\s+CONTAINERS\s+IMAGES\s+SELECTOR\s*$/);
    expect(wide[1]).toMatch(/\s+nightly\s+busybox\s+<none>\s*$/);
  });

  it('autoscale creates an HPA (protobuf autoscaling/v2 from 1.32, JSON autoscaling/v1 before); get hpa prints TARGETS', async () => {
    expect(await k.ok(['create', 'deployment', 'scaled', '--image=nginx'])).toBe('deployment.apps/scaled created\n');
    expect(await k.ok(['autoscale', 'deployment', 'scaled', '--cpu-percent=50', '--min=1', '--max=5'])).toBe('horizontalpodautoscaler.autoscaling/scaled autoscaled\n');
    const hpas = c.client.resource('autoscaling', 'v2', 'horizontalpodautoscalers');
    expect(hpas.get('default', 'scaled')!.spec).toMatchObject({
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'scaled' },
      minReplicas: 1,
      maxReplicas: 5,
      metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 50 } } }],
    });
    // The pods request no CPU, so there is no utilisation to compute (as upstream: "missing request for cpu").
    await waitFor('first reconcile', () => hpas.get('default', 'scaled')?.status?.currentReplicas === 1, 30_000);
    const out = lines(await k.ok(['get', 'hpa']));
    expect(out[0]).toMatch(/^NAME\s+REFERENCE\s+TARGETS\s+MINPODS\s+MAXPODS\s+REPLICAS\s+AGE\s*$/);
    expect(out[1]).toMatch(/^scaled\s+Deployment\/scaled\s+cpu: <unknown>\/50%\s+1\s+5\s+1\s+\d+s\s*$/);
  });

  it('top nodes and top pods read metrics.k8s.io', async () => {
    const nodes = lines(await k.ok(['top', 'nodes']));
    expect(nodes[0]).toMatch(/^NAME\s+CPU\(cores\)\s+CPU(%|\(%\))\s+MEMORY\(bytes\)\s+MEMORY(%|\(%\))\s*$/);
    expect(nodes.slice(1).map((l) => l.split(/\s+/)[0])).toEqual(['master', 'node01', 'node02']);
    for (const l of nodes.slice(1)) expect(l).toMatch(/^\S+\s+\d+m\s+\d+%\s+\d+Mi\s+\d+%\s*$/);
    const pods = lines(await k.ok(['top', 'pods', '-n', 'kube-system']));
    expect(pods[0]).toMatch(/^NAME\s+CPU\(cores\)\s+MEMORY\(bytes\)\s*$/);
    expect(pods.some((l) => /^etcd-master\s+\d+m\s+\d+Mi\s*$/.test(l))).toBe(true);
    const containers = lines(await k.ok(['top', 'pods', '-n', 'kube-system', '--containers', '-l', 'component=etcd']));
    expect(containers[0]).toMatch(/^POD\s+NAME\s+CPU\(cores\)\s+MEMORY\(bytes\)\s*$/);
    expect(containers[1]).toMatch(/^etcd-master\s+etcd\s+\d+m\s+\d+Mi\s*$/);
    // The same figures on a second look: usage is stable, not noise.
    expect(lines(await k.ok(['top', 'nodes']))).toEqual(nodes);
  });
});

describe.each(KUBECTL_VERSIONS)('a CronJob firing under virtual time, with kubectl %s', (version) => {
  let c: TestCluster;
  let k: Kubectl;
  const clock = () => c.clock as VirtualClock;

  beforeAll(async () => {
    c = await startTestCluster({ components: DEFAULT_COMPONENTS, fixture: 'default', clock: 'virtual' });
    k = new Kubectl(version, c.kubeconfigPath);
    const up = await clock().advanceUntil(() => c.client.pods.list('kube-system').items.every((p) => p.status?.phase === 'Running'), '2m', '1s');
    expect(up).toBe(true);
  });
  afterAll(() => c?.stop());

  it('runs the Job at the scheduled time once the clock gets there', async () => {
    expect(await k.ok(['create', 'cronjob', 'every5', '--image=busybox', '--schedule=*/5 * * * *', '--', 'echo', 'tick'])).toBe('cronjob.batch/every5 created\n');
    const cronjobs = c.client.resource('batch', 'v1', 'cronjobs');
    const jobs = c.client.resource('batch', 'v1', 'jobs');
    expect(jobs.list('default').items).toHaveLength(0);
    const due = (Math.floor(clock().now() / 300_000) + 1) * 300_000;
    await clock().set(due + 1000);
    await clock().advanceUntil(() => jobs.list('default').items.some((j) => isTrue(j, 'Complete')), '1m', '1s');
    const job = jobs.list('default').items[0]!;
    expect(job.metadata.name).toBe(`every5-${due / 60_000}`);
    expect(job.metadata.annotations['batch.kubernetes.io/cronjob-scheduled-timestamp']).toBe(new Date(due).toISOString().replace('.000Z', 'Z'));
    expect(lines(await k.ok(['get', 'jobs']))[1]).toMatch(new RegExp(`^every5-${due / 60_000}\\s+Complete\\s+1/1\\s+\\S+\\s+\\S+\\s*$`));
    await clock().advanceUntil(() => !!cronjobs.get('default', 'every5')?.status?.lastSuccessfulTime, '30s', '1s');
    const cj = lines(await k.ok(['get', 'cronjob', 'every5']));
    expect(cj[1]).toMatch(/^every5\s+\*\/5 \* \* \* \*\s+<none>\s+False\s+0\s+\d+s\s+\S+\s*$/);
  });
});
