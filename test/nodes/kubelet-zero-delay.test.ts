// Simulated kubelets with zero start delays (what bench/deployment-scale.mjs runs): a state that lasts no time is
// never written, like the kubelet's status manager that only sends the latest status. A bound pod goes to Running in
// one status write with every event of the stages it went through; with the default delays ContainerCreating is
// written (and seen) first.
import { afterEach, describe, expect, it } from 'vitest';
import { NodeManager } from '../../src/nodes/node-manager.js';
import { startTestCluster, type TestCluster } from '../helpers/cluster.js';
import { FakeClock } from '../helpers/fake-clock.js';

type Obj = Record<string, any>;
let c: TestCluster;
afterEach(() => c?.stop());

async function run(timings?: ConstructorParameters<typeof NodeManager>[0]): Promise<{ states: string[]; events: string[] }> {
  const clock = new FakeClock();
  c = await startTestCluster({ clock, components: [() => new NodeManager(timings)] });
  await c.client.nodes.create(undefined, { metadata: { name: 'node01' }, spec: { podCIDR: '10.244.1.0/24', podCIDRs: ['10.244.1.0/24'] } });
  await clock.advanceUntil(() => (c.client.nodes.get(undefined, 'node01')?.status?.conditions ?? []).some((x: Obj) => x.type === 'Ready' && x.status === 'True'), 5_000);
  const states: string[] = [];
  const list = c.client.pods.list('default');
  const w = c.client.pods.watch('default', Number(list.resourceVersion), (e) => {
    const cs = e.object.status?.containerStatuses?.[0];
    states.push(`${e.type} ${e.object.status?.phase ?? '-'} ${cs ? Object.keys(cs.state ?? {})[0] + (cs.state?.waiting ? `:${cs.state.waiting.reason}` : '') : '-'}`);
  });
  await c.client.pods.create('default', { metadata: { name: 'web' }, spec: { nodeName: 'node01', containers: [{ name: 'web', image: 'httpd' }] } });
  await clock.advanceUntil(() => c.client.pods.get('default', 'web')?.status?.phase === 'Running', 5_000);
  await clock.advance(1_000);
  w.stop();
  const events = c.client.events.list('default').items.filter((e) => e.involvedObject?.name === 'web').map((e) => e.reason);
  return { states, events };
}

describe('zero start delays', () => {
  it('writes Running at once, with the events of every stage', async () => {
    const { states, events } = await run({ timings: { acceptMs: 0, startMs: 0, jitter: 0 } });
    expect(states).toEqual(['ADDED Pending -', 'MODIFIED Running running']);
    expect(events).toEqual(['Pulling', 'Pulled', 'Created', 'Started']);
    const pod = c.client.pods.get('default', 'web')!;
    expect(pod.status.podIP).toMatch(/^10\.244\.1\.\d+$/);
    expect(pod.status.hostIP).toBeDefined();
    expect(pod.status.conditions.find((x: Obj) => x.type === 'Ready').status).toBe('True');
  });

  it('with the default delays, ContainerCreating comes first', async () => {
    const { states, events } = await run();
    expect(states).toEqual(['ADDED Pending -', 'MODIFIED Pending waiting:ContainerCreating', 'MODIFIED Running running']);
    expect(events).toEqual(['Pulling', 'Pulled', 'Created', 'Started']);
  });
});
