// Containers whose main process reads stdin (kubectl run -i): which ones they are, and how the simulated kubelet keeps
// them Running until their session ends, then reports the session's exit code and applies the restart policy.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { containerPlan } from '../../src/nodes/container-plan.js';
import { containerProcesses, interactiveArgv, mainArgv } from '../../src/nodes/interactive.js';
import { NodeManager } from '../../src/nodes/node-manager.js';
import { startTestCluster, type TestCluster } from '../helpers/cluster.js';
import { FakeClock } from '../helpers/fake-clock.js';

type Obj = Record<string, any>;

describe('interactiveArgv', () => {
  it('is a shell without a script, or cat, in a container with stdin', () => {
    const c = (extra: Obj) => ({ name: 'c', image: 'busybox', stdin: true, ...extra });
    expect(interactiveArgv(c({ args: ['sh'] }))).toEqual(['sh']);
    expect(interactiveArgv(c({ command: ['/bin/bash', '-l'] }))).toEqual(['/bin/bash', '-l']);
    expect(interactiveArgv(c({ command: ['sh', '-i'] }))).toEqual(['sh', '-i']);
    expect(interactiveArgv(c({ command: ['sh', '-s', 'a', 'b'] }))).toEqual(['sh', '-s', 'a', 'b']);
    expect(interactiveArgv(c({ command: ['cat'] }))).toEqual(['cat']);
    // The image's default command: busybox and alpine run sh, ubuntu bash; a server image reads no stdin.
    expect(interactiveArgv(c({}))).toEqual(['sh']);
    expect(interactiveArgv(c({ image: 'alpine:3.20' }))).toEqual(['/bin/sh']);
    expect(interactiveArgv(c({ image: 'ubuntu' }))).toEqual(['/bin/bash']);
    expect(interactiveArgv(c({ image: 'nginx' }))).toBeUndefined();
    // A script, a script file, another program, or no stdin: the container runs on its own schedule.
    expect(interactiveArgv(c({ command: ['sh', '-c', 'echo hi'] }))).toBeUndefined();
    expect(interactiveArgv(c({ command: ['sh', '-xc', 'echo hi'] }))).toBeUndefined();
    expect(interactiveArgv(c({ command: ['sh', '/run.sh'] }))).toBeUndefined();
    expect(interactiveArgv(c({ command: ['sleep', '10'] }))).toBeUndefined();
    expect(interactiveArgv(c({ command: ['cat', '/etc/hosts'] }))).toBeUndefined();
    expect(interactiveArgv({ name: 'c', image: 'busybox', args: ['sh'] })).toBeUndefined();
    expect(mainArgv({ name: 'c', image: 'python' })).toEqual([]);
  });
});

describe('the kubelet and a shell reading stdin', () => {
  let c: TestCluster;
  let clock: FakeClock;

  beforeEach(async () => {
    clock = new FakeClock();
    c = await startTestCluster({ clock, components: [() => new NodeManager()] });
    await c.client.nodes.create(undefined, { metadata: { name: 'node01' }, spec: { podCIDR: '10.244.1.0/24', podCIDRs: ['10.244.1.0/24'] } });
    await until(() => (c.client.nodes.get(undefined, 'node01')?.status?.conditions ?? []).some((x: Obj) => x.type === 'Ready' && x.status === 'True'));
  });
  afterEach(() => c.stop());

  async function until(cond: () => unknown, maxMs = 5_000): Promise<void> {
    if (!(await clock.advanceUntil(() => !!cond(), maxMs))) throw new Error('condition not reached in virtual time');
  }
  const getPod = (name: string) => c.client.pods.get('default', name)!;
  const shellPod = (name: string, container: Obj, restartPolicy = 'Never'): Obj => ({
    metadata: { name },
    spec: { nodeName: 'node01', restartPolicy, containers: [{ name: 'main', image: 'busybox', ...container }] },
  });
  const exit = (pod: Obj, code: number) =>
    containerProcesses.exited({ uid: pod.metadata.uid, namespace: 'default', name: pod.metadata.name, container: 'main' }, pod.status.containerStatuses[0].containerID, { code, at: clock.now() });

  it('keeps it Running and Ready until its session ends, then reports the exit code (Never: Failed)', async () => {
    await c.client.pods.create('default', shellPod('asks', { args: ['sh'], stdin: true, stdinOnce: true }));
    // The same shell without stdin reads EOF at once and exits.
    await c.client.pods.create('default', shellPod('done', { args: ['sh'] }));
    await until(() => getPod('done').status?.phase === 'Succeeded');
    await clock.advance(600_000);
    const running = getPod('asks');
    expect(running.status.phase).toBe('Running');
    expect(running.status.containerStatuses[0]).toMatchObject({ ready: true, started: true, state: { running: {} } });
    expect(containerPlan(running, running.spec.containers[0], 200)).toEqual({ exitCode: 0, crash: false });
    exit(running, 3);
    await until(() => getPod('asks').status.phase === 'Failed');
    const cs = getPod('asks').status.containerStatuses[0];
    expect(cs.state.terminated).toMatchObject({ exitCode: 3, reason: 'Error', containerID: running.status.containerStatuses[0].containerID });
    expect(Date.parse(cs.state.terminated.finishedAt)).toBeGreaterThanOrEqual(Date.parse(running.status.containerStatuses[0].state.running.startedAt));
  });

  it('an exit 0 makes the pod Succeeded; with restartPolicy Always a new shell starts and keeps running', async () => {
    await c.client.pods.create('default', shellPod('ok', { stdin: true, stdinOnce: true }));
    await c.client.pods.create('default', shellPod('again', { stdin: true, tty: true }, 'Always'));
    await until(() => getPod('ok').status?.phase === 'Running' && getPod('again').status?.phase === 'Running');
    exit(getPod('ok'), 0);
    const first = getPod('again');
    exit(first, 0);
    await until(() => getPod('ok').status.phase === 'Succeeded' && getPod('again').status.containerStatuses[0].restartCount === 1);
    expect(getPod('ok').status.containerStatuses[0].state.terminated).toMatchObject({ exitCode: 0, reason: 'Completed' });
    await clock.advance(600_000);
    const restarted = getPod('again').status.containerStatuses[0];
    expect(restarted.state.running).toBeDefined();
    expect(restarted.containerID).not.toBe(first.status.containerStatuses[0].containerID);
    expect(restarted.lastState.terminated).toMatchObject({ exitCode: 0, reason: 'Completed' });
  });

  it('tells the streaming side when the pod is gone', async () => {
    await c.client.pods.create('default', shellPod('gone', { args: ['sh'], stdin: true }));
    await until(() => getPod('gone').status?.phase === 'Running');
    const uid = getPod('gone').metadata.uid;
    const seen: string[] = [];
    const off = containerProcesses.onPodGone((u) => seen.push(u));
    try {
      await c.client.pods.delete('default', 'gone');
      await until(() => !c.client.pods.get('default', 'gone') && seen.includes(uid));
    } finally {
      off();
    }
  });
});
