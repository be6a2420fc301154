// GET pods/NAME/log over HTTP on a virtual clock: discovery, the PodLogOptions query parameters and their
// validation, the upstream errors (container choice, waiting containers, previous instance), limitBytes, since,
// and follow=true streaming lines as the clock moves, ending when the container stops.
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { logIntervalMs, readEnv } from '../../src/config.js';
import { NodeManager } from '../../src/nodes/node-manager.js';
import { startTestCluster, type TestCluster } from '../helpers/cluster.js';
import { FakeClock } from '../helpers/fake-clock.js';
import { waitFor } from '../helpers/wait.js';

type Obj = Record<string, any>;
let c: TestCluster;
let clock: FakeClock;
const T0 = Date.parse('2025-01-01T00:00:00Z');
const LOG = '/api/v1/namespaces/default/pods';

async function get(path: string): Promise<{ status: number; type: string; body: string; json?: Obj }> {
  const r = await fetch(`${c.url}${path}`);
  const body = await r.text();
  const type = r.headers.get('content-type') ?? '';
  return { status: r.status, type, body, json: type.includes('json') ? JSON.parse(body) : undefined };
}

beforeAll(async () => {
  clock = new FakeClock();
  c = await startTestCluster({ clock, components: [() => new NodeManager()] });
  await c.client.nodes.create(undefined, { metadata: { name: 'node01' }, spec: { podCIDR: '10.244.1.0/24', podCIDRs: ['10.244.1.0/24'] } });
  const pod = (name: string, spec: Obj, annotations?: Obj) => c.client.pods.create('default', { metadata: { name, annotations }, spec: { nodeName: 'node01', ...spec } });
  await pod('web', { containers: [{ name: 'web', image: 'httpd' }] });
  await pod('two', { initContainers: [{ name: 'setup', image: 'busybox', command: ['sh', '-c', 'echo preparing'] }], containers: [{ name: 'a', image: 'nginx' }, { name: 'b', image: 'httpd' }] });
  await pod('crash', { containers: [{ name: 'app', image: 'httpd' }] }, { 'kubesim.io/crash-after': '20s', 'kubesim.io/log-interval': '5s' });
  await c.client.pods.create('default', { metadata: { name: 'pending' }, spec: { containers: [{ name: 'c', image: 'httpd' }] } });
  await clock.advance(500);
  await pod('late', { containers: [{ name: 'c', image: 'httpd' }] });
  await clock.advance(16); // late is accepted (≤ 15 ms with jitter), not started (≥ 25 ms): ContainerCreating
});
afterAll(() => c.stop());

describe('pods/log', () => {
  it('is in discovery as a get-only subresource', async () => {
    const list = (await get('/api/v1')).json!;
    expect(list.resources.find((r: Obj) => r.name === 'pods/log')).toMatchObject({ kind: 'Pod', namespaced: true, verbs: ['get'] });
  });

  it('answers text/plain with the container log', async () => {
    const r = await get(`${LOG}/web/log`);
    expect(r.status).toBe(200);
    expect(r.type).toBe('text/plain');
    expect(r.body.split('\n')[0]).toMatch(/^AH00558: httpd: Could not reliably determine the server's fully qualified domain name, using 10\.244\.1\.\d+\./);
    expect(r.body.endsWith('\n')).toBe(true);
    expect((await get(`${LOG}/two/log?container=setup`)).body).toBe('preparing\n');
    expect((await get(`${LOG}/late/log`)).json).toMatchObject({ code: 400, reason: 'BadRequest', message: 'container "c" in pod "late" is waiting to start: ContainerCreating' });
  });

  it('tailLines, timestamps, limitBytes, sinceSeconds and sinceTime', async () => {
    await clock.advance(T0 + 61_000 - clock.now());
    const all = (await get(`${LOG}/web/log`)).body.trim().split('\n');
    expect(all).toHaveLength(10); // 4 start-up lines, one access line per 10 s
    expect((await get(`${LOG}/web/log?tailLines=2`)).body).toBe(`${all.slice(-2).join('\n')}\n`);
    const stamped = (await get(`${LOG}/web/log?tailLines=1&timestamps=true`)).body;
    expect(stamped).toMatch(/^2025-01-01T00:01:00\.\d+Z 10\.244\.\d+\.\d+ - - \[01\/Jan\/2025:00:01:00 \+0000\] "GET /);
    expect((await get(`${LOG}/web/log?limitBytes=10`)).body).toBe(all[0]!.slice(0, 10));
    expect((await get(`${LOG}/web/log?sinceSeconds=25`)).body.trim().split('\n')).toEqual(all.slice(-3)); // since 36 s: 40, 50, 60
    expect((await get(`${LOG}/web/log?sinceTime=2025-01-01T00:00:30Z`)).body.trim().split('\n')).toHaveLength(4); // 30, 40, 50 and 60 s
  });

  it('rejects invalid options like upstream', async () => {
    const invalid = await get(`${LOG}/web/log?tailLines=-1&limitBytes=0`);
    expect(invalid.status).toBe(422);
    expect(invalid.json).toMatchObject({
      reason: 'Invalid',
      message: 'PodLogOptions "web" is invalid: [tailLines: Invalid value: -1: must be greater than or equal to 0, limitBytes: Invalid value: 0: must be greater than 0]',
      details: { name: 'web', kind: 'PodLogOptions' },
    });
    const both = await get(`${LOG}/web/log?sinceSeconds=5&sinceTime=2025-01-01T00:00:00Z`);
    expect(both.status).toBe(422);
    expect(both.json!.message).toContain('at most one of `sinceTime` or `sinceSeconds` may be specified');
    expect((await get(`${LOG}/web/log?sinceSeconds=0`)).json!.message).toBe('PodLogOptions "web" is invalid: sinceSeconds: Invalid value: 0: must be greater than 0');
    expect(await get(`${LOG}/web/log?tailLines=ten`)).toMatchObject({ status: 400, json: { reason: 'BadRequest', message: 'strconv.ParseInt: parsing "ten": invalid syntax' } });
    expect((await get(`${LOG}/web/log?sinceTime=yesterday`)).status).toBe(400);
    // Accepted and ignored.
    expect((await get(`${LOG}/web/log?insecureSkipTLSVerifyBackend=true&tailLines=1`)).status).toBe(200);
  });

  it('container errors, waiting containers, previous instances and missing pods', async () => {
    expect(await get(`${LOG}/two/log`)).toMatchObject({ status: 400, json: { reason: 'BadRequest', message: 'a container name must be specified for pod two, choose one of: [setup a b]' } });
    expect((await get(`${LOG}/two/log?container=zz`)).json!.message).toBe('container zz is not valid for pod two');
    expect((await get(`${LOG}/web/log?previous=true`)).json).toMatchObject({ code: 400, message: 'previous terminated container "web" in pod "web" not found' });
    expect((await get(`${LOG}/nothere/log`)).json).toMatchObject({ code: 404, reason: 'NotFound', message: 'pods "nothere" not found' });
    // Not on a node yet: an empty log, like upstream's nil location.
    expect(await get(`${LOG}/pending/log`)).toMatchObject({ status: 200, body: '' });
  });

  it('previous=true reads the instance before a restart, ending with its crash', async () => {
    // Crashed at 20 s, restarted at once (21 s), crashed at 41 s, restarted after 10 s (51 s), crashed at 71 s.
    await clock.advance(T0 + 75_000 - clock.now());
    const prev = (await get(`${LOG}/crash/log?previous=true`)).body;
    const lines = prev.trim().split('\n');
    expect(lines[0]).toMatch(/^AH00558/);
    expect(lines.filter((l) => l.includes('GET /'))).toHaveLength(3); // access lines at 56, 61 and 66 s (every 5 s)
    expect(lines[lines.length - 1]).toBe('Error: simulated crash after 20s (kubesim.io/crash-after), exiting with code 1');
    // In back-off, the log is the last instance's (the kubelet's lastState rule).
    expect((await get(`${LOG}/crash/log`)).body).toBe(prev);
    await clock.advance(T0 + 92_000 - clock.now()); // restarted at 91 s
    expect((await get(`${LOG}/crash/log`)).body).not.toContain('simulated crash');
    expect((await get(`${LOG}/crash/log?previous=true`)).body).toBe(prev);
  });

  it('follow=true streams new lines as the clock moves and ends when the container stops', async () => {
    // The crash pod restarted at 91 s and crashes again at 111 s.
    let out = '';
    let ended = false;
    const req = http.get(`${c.url}${LOG}/crash/log?follow=true`, (res) => {
      expect(res.headers['content-type']).toBe('text/plain');
      res.on('data', (d) => (out += d));
      res.on('end', () => (ended = true));
    });
    await waitFor('start-up lines', () => out.includes('AH00094'));
    const before = out.split('\n').length;
    await clock.advance(6_000);
    await waitFor('a new line', () => out.split('\n').length > before);
    expect(out).toMatch(/"GET \S+ HTTP\/1\.1"/);
    expect(ended).toBe(false);
    await clock.advance(20_000); // crashes at 111 s
    await waitFor('end of stream', () => ended);
    expect(out.trim().split('\n').pop()).toBe('Error: simulated crash after 20s (kubesim.io/crash-after), exiting with code 1');
    req.destroy();
  });

  it('a follower that goes away leaves nothing behind', async () => {
    const pending = clock.pending();
    const req = http.get(`${c.url}${LOG}/web/log?follow=true&tailLines=0`);
    await waitFor('a timer for the next line', () => clock.pending() > pending);
    req.destroy();
    await waitFor('timer cancelled', () => clock.pending() === pending);
  });
});

describe('the logInterval setting (--log-interval, KUBESIM_LOG_INTERVAL)', () => {
  it('sets the period of periodic lines cluster-wide; the pod annotation still wins', async () => {
    expect(readEnv({ KUBESIM_LOG_INTERVAL: '30s' }).logInterval).toBe('30s');
    expect([logIntervalMs('30s'), logIntervalMs('5'), logIntervalMs(0), logIntervalMs(undefined)]).toEqual([30_000, 5000, 0, undefined]);
    expect(() => logIntervalMs('-1s')).toThrow(RangeError);
    const vclock = new FakeClock();
    const cl = await startTestCluster({ clock: vclock, components: [() => new NodeManager()], logInterval: '2s' });
    try {
      await cl.client.nodes.create(undefined, { metadata: { name: 'node01' }, spec: { podCIDR: '10.244.1.0/24', podCIDRs: ['10.244.1.0/24'] } });
      await cl.client.pods.create('default', { metadata: { name: 'a' }, spec: { nodeName: 'node01', containers: [{ name: 'a', image: 'httpd' }] } });
      await cl.client.pods.create('default', { metadata: { name: 'b', annotations: { 'kubesim.io/log-interval': '0' } }, spec: { nodeName: 'node01', containers: [{ name: 'b', image: 'httpd' }] } });
      await vclock.advance(10_500);
      const body = async (n: string) => (await (await fetch(`${cl.url}${LOG}/${n}/log`)).text()).trim().split('\n');
      expect((await body('a')).filter((l) => l.includes('"GET ')).length).toBeGreaterThanOrEqual(4); // every 2 s
      expect(await body('b')).toHaveLength(4); // start-up lines only
    } finally {
      await cl.stop();
    }
  });
});
