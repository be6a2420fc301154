// Container crashes, restarts and probes on a simulated kubelet with a virtual clock: the restart policy, the
// crash-loop back-off (Error → CrashLoopBackOff → Running, 10 s doubling), the RESTARTS column, readiness probe
// timing, a pod kept not ready (and out of its Service's ready endpoints), liveness and startup probes that kill.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EndpointsController } from '../../src/controllers/endpoints/controller.js';
import { NodeManager } from '../../src/nodes/node-manager.js';
import { podCells } from '../../src/registry/printers/pod.js';
import { startTestCluster, type TestCluster } from '../helpers/cluster.js';
import { FakeClock } from '../helpers/fake-clock.js';

type Obj = Record<string, any>;
let c: TestCluster;
let clock: FakeClock;
const T0 = Date.parse('2025-01-01T00:00:00Z');

beforeEach(async () => {
  clock = new FakeClock();
  c = await startTestCluster({ clock, components: [() => new NodeManager(), () => new EndpointsController()] });
  await c.client.nodes.create(undefined, { metadata: { name: 'node01' }, spec: { podCIDR: '10.244.1.0/24', podCIDRs: ['10.244.1.0/24'] } });
  await clock.advance(0);
});
afterEach(() => c.stop());

const getPod = (name: string) => c.client.pods.get('default', name)!;
const cs = (name: string): Obj => getPod(name).status.containerStatuses[0];
const cond = (name: string, type: string): Obj | undefined => getPod(name).status.conditions.find((x: Obj) => x.type === type);
const events = (name: string) => c.client.events.list('default').items.filter((e) => e.involvedObject?.name === name);
/** Moves the clock to T0 + `s` seconds. */
const at = (s: number) => clock.advance(Math.max(0, T0 + s * 1000 - clock.now()));
const cells = (name: string) => podCells(getPod(name), clock.now()) as string[];

async function create(name: string, container: Obj, spec: Obj = {}, annotations?: Obj): Promise<void> {
  await c.client.pods.create('default', { metadata: { name, annotations, labels: { app: name } }, spec: { nodeName: 'node01', containers: [{ name: 'app', image: 'httpd', ...container }], ...spec } });
  // Accepted and started within the first second, so the container's startedAt is T0.
  await clock.advanceUntil(() => getPod(name).status?.phase === 'Running', 1000);
  expect(cs(name).state.running.startedAt).toBe('2025-01-01T00:00:00Z');
}

describe('crashes and restarts', () => {
  it('restarts a crashing container with the crash-loop back-off: Error, Running, CrashLoopBackOff', async () => {
    await create('crash', {}, {}, { 'kubesim.io/crash-after': '10s' });
    await at(9.9);
    expect(cs('crash').state.running).toBeDefined();

    await at(10);
    expect(cs('crash').state.terminated).toMatchObject({ exitCode: 1, reason: 'Error', startedAt: '2025-01-01T00:00:00Z', finishedAt: '2025-01-01T00:00:10Z' });
    expect(cells('crash').slice(1, 4)).toEqual(['0/1', 'Error', '0']);
    expect(cond('crash', 'Ready')).toMatchObject({ status: 'False', reason: 'ContainersNotReady', message: 'containers with unready status: [app]' });

    // The first restart comes at once (at the kubelet's next look, 1 s later).
    await at(11);
    expect(cs('crash')).toMatchObject({ restartCount: 1, ready: true, state: { running: { startedAt: '2025-01-01T00:00:11Z' } } });
    expect(cs('crash').lastState.terminated).toMatchObject({ exitCode: 1, reason: 'Error', finishedAt: '2025-01-01T00:00:10Z' });
    expect(getPod('crash').status.phase).toBe('Running');
    expect(cells('crash').slice(1, 4)).toEqual(['1/1', 'Running', '1 (1s ago)']);

    // The second exit waits 10 s in CrashLoopBackOff.
    await at(22);
    const uid = getPod('crash').metadata.uid;
    expect(cs('crash').state.waiting).toEqual({ reason: 'CrashLoopBackOff', message: `back-off 10s restarting failed container=app pod=crash_default(${uid})` });
    expect(cs('crash').restartCount).toBe(1);
    expect(cells('crash').slice(1, 4)).toEqual(['0/1', 'CrashLoopBackOff', '1 (1s ago)']);
    expect(events('crash').find((e) => e.reason === 'BackOff')).toMatchObject({ type: 'Warning', message: `Back-off restarting failed container app in pod crash_default(${uid})` });
    await at(30.9);
    expect(cs('crash').state.waiting).toBeDefined();
    await at(31);
    expect(cs('crash')).toMatchObject({ restartCount: 2, state: { running: { startedAt: '2025-01-01T00:00:31Z' } } });

    // Then 20 s, 40 s: exits at 41 and 81+... restarts at 61 and 121.
    await at(60.9);
    expect(cs('crash').state.waiting?.message).toMatch(/^back-off 20s /);
    await at(61);
    expect(cs('crash').restartCount).toBe(3);
    await at(72);
    expect(cs('crash').state.waiting?.message).toMatch(/^back-off 40s /);
    await at(111);
    expect(cs('crash').restartCount).toBe(4);
    expect(cells('crash')[3]).toBe('4 (40s ago)');
  });

  it('OnFailure restarts only failures; Never leaves the pod Failed; exit code 0 completes', async () => {
    await create('ok', {}, { restartPolicy: 'OnFailure' }, { 'kubesim.io/run-seconds': '5' });
    await create('retry', {}, { restartPolicy: 'OnFailure' }, { 'kubesim.io/crash-after': '5s', 'kubesim.io/exit-code': '3' });
    await create('once', {}, { restartPolicy: 'Never' }, { 'kubesim.io/crash-after': '5s' });
    await at(7);
    expect(getPod('ok').status.phase).toBe('Succeeded');
    expect(cs('ok').state.terminated).toMatchObject({ exitCode: 0, reason: 'Completed' });
    expect(getPod('retry').status.phase).toBe('Running');
    expect(cs('retry')).toMatchObject({ restartCount: 1, lastState: { terminated: { exitCode: 3, reason: 'Error' } } });
    expect(getPod('once').status.phase).toBe('Failed');
    expect(cs('once').restartCount).toBe(0);
    expect(cells('once')[2]).toBe('Error');
  });

  it('a crash in one container (kubesim.io/crash-after.<name>) leaves the other running', async () => {
    await c.client.pods.create('default', {
      metadata: { name: 'pair', annotations: { 'kubesim.io/crash-after.side': '3s' } },
      spec: { nodeName: 'node01', containers: [{ name: 'main', image: 'httpd' }, { name: 'side', image: 'nginx' }] },
    });
    await at(5);
    const [main, side] = getPod('pair').status.containerStatuses;
    expect(main).toMatchObject({ name: 'main', restartCount: 0, ready: true });
    expect(side).toMatchObject({ name: 'side', restartCount: 1, ready: true });
  });
});

describe('probes', () => {
  it('readiness: Ready only after initialDelaySeconds and successThreshold periods', async () => {
    await create('slow', { readinessProbe: { httpGet: { path: '/', port: 80 }, initialDelaySeconds: 5, periodSeconds: 2, successThreshold: 3 } });
    expect(cs('slow')).toMatchObject({ ready: false, started: true });
    expect(cond('slow', 'Ready')).toMatchObject({ status: 'False', reason: 'ContainersNotReady' });
    await at(8.9);
    expect(cond('slow', 'Ready')!.status).toBe('False');
    await at(9); // probes at 5, 7 and 9 s
    expect(cs('slow').ready).toBe(true);
    expect(cond('slow', 'Ready')).toMatchObject({ status: 'True', lastTransitionTime: '2025-01-01T00:00:09Z' });
    expect(cond('slow', 'ContainersReady')!.status).toBe('True');
  });

  it('kubesim.io/ready: "false" keeps a pod out of its Service\'s ready endpoints until it passes again', async () => {
    const probe = { httpGet: { path: '/healthz', port: 80 }, periodSeconds: 10, failureThreshold: 3 };
    await create('good', { readinessProbe: probe, ports: [{ containerPort: 80 }] });
    await create('bad', { readinessProbe: probe, ports: [{ containerPort: 80 }] }, {}, { 'kubesim.io/ready': 'false' });
    await c.client.pods.patch('default', 'good', 'merge', { metadata: { labels: { app: 'web' } } });
    await c.client.pods.patch('default', 'bad', 'merge', { metadata: { labels: { app: 'web' } } });
    await c.client.services.create('default', { metadata: { name: 'web' }, spec: { selector: { app: 'web' }, ports: [{ port: 80 }] } });
    await at(25);
    expect(cond('good', 'Ready')!.status).toBe('True');
    expect(cond('bad', 'Ready')!.status).toBe('False');
    const endpoints = () => c.client.resource('', 'v1', 'endpoints').get('default', 'web')!.subsets[0];
    const ips = (list?: Obj[]) => (list ?? []).map((a) => a.ip);
    expect(ips(endpoints().addresses)).toEqual([getPod('good').status.podIP]);
    expect(ips(endpoints().notReadyAddresses)).toEqual([getPod('bad').status.podIP]);
    const slice = c.client.resource('discovery.k8s.io', 'v1', 'endpointslices').list('default', { labelSelector: 'kubernetes.io/service-name=web' }).items[0];
    expect(slice.endpoints.find((e: Obj) => e.addresses[0] === getPod('bad').status.podIP).conditions.ready).toBe(false);
    // Its failing probe was reported (three failures in a row).
    expect(events('bad').find((e) => e.reason === 'Unhealthy')).toMatchObject({ type: 'Warning', message: 'Readiness probe failed: HTTP probe failed with statuscode: 503', count: 3 });

    // Passing again: ready at the next probe; failing again: not ready after failureThreshold probes.
    await c.client.pods.patch('default', 'bad', 'merge', { metadata: { annotations: { 'kubesim.io/ready': 'true' } } });
    await at(30);
    expect(cond('bad', 'Ready')!.status).toBe('True');
    expect(ips(endpoints().addresses).sort()).toEqual([getPod('good').status.podIP, getPod('bad').status.podIP].sort());
    await c.client.pods.patch('default', 'good', 'merge', { metadata: { annotations: { 'kubesim.io/ready': 'false' } } });
    await at(49);
    expect(cond('good', 'Ready')!.status).toBe('True'); // failing probes at 30 and 40 s: not yet three
    await at(50);
    expect(cond('good', 'Ready')!.status).toBe('False');
    expect(ips(endpoints().notReadyAddresses)).toEqual([getPod('good').status.podIP]);
  });

  it('liveness failing: Unhealthy, then Killing after failureThreshold periods, and a restart', async () => {
    await create('sick', { livenessProbe: { httpGet: { path: '/healthz', port: 80 }, periodSeconds: 5, failureThreshold: 3 } }, {}, { 'kubesim.io/liveness': 'fail' });
    await at(14.9);
    expect(cs('sick').state.running).toBeDefined();
    await at(15);
    expect(cs('sick').state.terminated).toMatchObject({ exitCode: 137, reason: 'Error' });
    const evs = events('sick');
    expect(evs.find((e) => e.reason === 'Unhealthy')).toMatchObject({ type: 'Warning', message: 'Liveness probe failed: HTTP probe failed with statuscode: 500', count: 3 });
    expect(evs.find((e) => e.reason === 'Killing')).toMatchObject({ type: 'Normal', message: 'Container app failed liveness probe, will be restarted' });
    await at(16);
    expect(cs('sick')).toMatchObject({ restartCount: 1, lastState: { terminated: { exitCode: 137 } } });
  });

  it('a startup probe delays readiness and liveness; a failing one kills the container', async () => {
    const startupProbe = { exec: { command: ['cat', '/tmp/started'] }, periodSeconds: 10, failureThreshold: 3 };
    await create('boot', { startupProbe, livenessProbe: { tcpSocket: { port: 80 }, periodSeconds: 10 } });
    await create('stuck', { startupProbe }, { restartPolicy: 'Never' }, { 'kubesim.io/startup': 'fail' });
    expect(cs('boot')).toMatchObject({ started: false, ready: false });
    await at(9.9);
    expect(cs('boot').started).toBe(false);
    await at(10);
    expect(cs('boot')).toMatchObject({ started: true, ready: true });
    expect(cond('boot', 'Ready')!.status).toBe('True');

    await at(29.9);
    expect(cs('stuck').state.running).toBeDefined();
    await at(30); // failed at 10, 20 and 30 s
    expect(cs('stuck').state.terminated).toMatchObject({ exitCode: 137 });
    expect(getPod('stuck').status.phase).toBe('Failed');
    expect(events('stuck').find((e) => e.reason === 'Unhealthy')!.message).toBe("Startup probe failed: cat: can't open '/tmp/started': No such file or directory");
    expect(events('stuck').find((e) => e.reason === 'Killing')!.message).toBe('Container app failed startup probe');
  });

  it('readiness gates: Ready waits for the gate condition (ReadinessGatesNotReady)', async () => {
    await create('gated', {}, { readinessGates: [{ conditionType: 'example.com/lb' }] });
    expect(cond('gated', 'ContainersReady')!.status).toBe('True');
    expect(cond('gated', 'Ready')).toMatchObject({ status: 'False', reason: 'ReadinessGatesNotReady', message: 'corresponding condition of pod readiness gate "example.com/lb" does not exist.' });
    const p = getPod('gated');
    await c.client.pods.updateStatus({ ...p, status: { ...p.status, conditions: [...p.status.conditions, { type: 'example.com/lb', status: 'True' }] } });
    await at(2);
    expect(cond('gated', 'Ready')!.status).toBe('True');
    expect(cond('gated', 'example.com/lb')!.status).toBe('True');
  });
});
