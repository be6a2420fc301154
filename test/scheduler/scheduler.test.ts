// The scheduler component in a cluster (no HTTP): binds pending pods, records Scheduled / FailedScheduling events,
// sets PodScheduled=False for unschedulable pods and retries them when nodes or pods change.
import { afterEach, describe, expect, it } from 'vitest';
import { Scheduler } from '../../src/scheduler/scheduler.js';
import { startHarness, type Harness } from '../controllers/harness.js';
import { node, pod } from '../helpers/objects.js';
import { waitFor } from '../helpers/wait.js';

type Obj = Record<string, any>;
let c: Harness;
afterEach(() => c?.stop());

async function start(nodes: Obj[]): Promise<Harness> {
  c = await startHarness([() => new Scheduler({ initialBackoffMs: 20, maxBackoffMs: 100 })]);
  for (const n of nodes) await c.client.nodes.create(undefined, n);
  return c;
}

const events = (name: string) => c.client.events.list('default').items.filter((e) => e.involvedObject?.name === name);
const getPod = (name: string) => c.client.pods.get('default', name)!;

describe('Scheduler', () => {
  it('binds a pending pod and records the Scheduled event', async () => {
    await start([node('node01'), node('master', { taints: [{ key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' }] })]);
    await c.client.pods.create('default', pod('web'));
    const bound = await waitFor('web bound', () => getPod('web').spec.nodeName);
    expect(bound).toBe('node01');
    expect(getPod('web').status.conditions).toContainEqual(expect.objectContaining({ type: 'PodScheduled', status: 'True' }));
    const ev = await waitFor('Scheduled event', () => events('web').find((e) => e.reason === 'Scheduled'));
    // Recorded through events.k8s.io/v1 like upstream's scheduler: no source or count, an action and eventTime.
    expect(ev).toMatchObject({ type: 'Normal', message: 'Successfully assigned default/web to node01', action: 'Binding', reportingComponent: 'default-scheduler', reportingInstance: 'default-scheduler-master', source: {} });
    expect(ev.eventTime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
    expect(ev.count).toBeUndefined();
    expect(ev.firstTimestamp ?? null).toBeNull();
  });

  it('leaves unschedulable pods Pending with PodScheduled=False, then retries when a node appears', async () => {
    await start([node('node01', { cpu: '1' }), node('node02', { cpu: '1' })]);
    await c.client.pods.create('default', pod('big', { cpu: '2' }));
    const cond = await waitFor('PodScheduled=False', () => getPod('big').status.conditions?.find((x: Obj) => x.type === 'PodScheduled'));
    const message =
      '0/2 nodes are available: 2 Insufficient cpu. preemption: 0/2 nodes are available: 2 No preemption victims found for incoming pod..';
    expect(cond).toMatchObject({ status: 'False', reason: 'Unschedulable', message });
    const failed = await waitFor('FailedScheduling', () => events('big').find((e) => e.reason === 'FailedScheduling'));
    expect(failed).toMatchObject({ type: 'Warning', message, action: 'Scheduling', reportingComponent: 'default-scheduler', source: {} });
    expect(getPod('big').status.phase).toBe('Pending');
    await c.client.nodes.create(undefined, node('node03', { cpu: '8' }));
    expect(await waitFor('big bound', () => getPod('big').spec.nodeName)).toBe('node03');
  });

  it('retries when a bound pod goes away and frees resources', async () => {
    await start([node('node01', { cpu: '1' })]);
    await c.client.pods.create('default', pod('first', { cpu: '800m' }));
    await waitFor('first bound', () => getPod('first').spec.nodeName);
    await c.client.pods.create('default', pod('second', { cpu: '800m' }));
    await waitFor('second unschedulable', () => getPod('second').status.conditions?.some((x: Obj) => x.reason === 'Unschedulable'));
    await c.client.pods.delete('default', 'first', { gracePeriodSeconds: 0 });
    expect(await waitFor('second bound', () => getPod('second').spec.nodeName)).toBe('node01');
  });

  it('spreads the replicas of one owner over the nodes', async () => {
    await start([node('node01'), node('node02'), node('node03')]);
    for (let i = 0; i < 6; i++) await c.client.pods.create('default', pod(`r${i}`, { owner: 'rs', labels: { app: 'r' } }));
    await waitFor('all bound', () => c.client.pods.list('default').items.every((p) => p.spec.nodeName));
    const per = ['node01', 'node02', 'node03'].map((n) => c.client.pods.list('default').items.filter((p) => p.spec.nodeName === n).length);
    expect(per).toEqual([2, 2, 2]);
  });

  it('ignores pods for other schedulers and pods that name their node', async () => {
    await start([node('node01')]);
    await c.client.pods.create('default', pod('other', { spec: { schedulerName: 'my-scheduler' } }));
    await c.client.pods.create('default', pod('pinned', { nodeName: 'node09' }));
    await c.client.pods.create('default', pod('mine'));
    await waitFor('mine bound', () => getPod('mine').spec.nodeName);
    expect(getPod('other').spec.nodeName).toBeUndefined();
    expect(getPod('pinned').spec.nodeName).toBe('node09');
    expect(events('other')).toEqual([]);
  });
});
