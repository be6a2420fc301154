// metrics.k8s.io/v1beta1 as metrics-server serves it: discovery, read-only PodMetrics/NodeMetrics computed from the
// running pods and ready nodes, stable figures derived from requests, the usage annotations, selectors, Table output
// and the errors of everything that is not a GET.
import supertest from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatCPU, formatMemory, podUsage } from '../../src/metrics/usage.js';
import { parseQuantity } from '../../src/machinery/quantity.js';
import type { Obj } from '../../src/registry/types.js';
import { startTestCluster, type TestCluster } from '../helpers/cluster.js';
import { API_ONLY, expectStatus } from './util.js';

const BASE = '/apis/metrics.k8s.io/v1beta1';
let cluster: TestCluster;
let api: ReturnType<typeof supertest>;

async function addNode(name: string): Promise<void> {
  const n = await cluster.client.nodes.create(undefined, { metadata: { name, labels: { 'kubernetes.io/hostname': name } } });
  const capacity = { cpu: '4', memory: '8Gi', pods: '110' };
  await cluster.client.nodes.updateStatus({ ...n, status: { capacity, allocatable: capacity, conditions: [{ type: 'Ready', status: 'True' }] } });
}

async function addPod(name: string, o: { node?: string; phase?: string; containers?: Obj[]; annotations?: Obj; labels?: Obj; ns?: string } = {}): Promise<Obj> {
  const containers = o.containers ?? [{ name: 'c', image: 'nginx', resources: { requests: { cpu: '200m', memory: '128Mi' } } }];
  const p = await cluster.client.pods.create(o.ns ?? 'default', {
    metadata: { name, labels: o.labels ?? { app: name }, annotations: o.annotations },
    spec: { nodeName: o.node ?? 'n1', containers },
  });
  return cluster.client.pods.updateStatus({ ...p, status: { ...p.status, phase: o.phase ?? 'Running', startTime: p.metadata.creationTimestamp } });
}

beforeAll(async () => {
  cluster = await startTestCluster(API_ONLY);
  api = supertest(cluster.url);
  await addNode('n1');
  await addNode('n2');
  await addPod('web', { labels: { app: 'web', tier: 'front' } });
  await addPod('pinned', {
    node: 'n2',
    annotations: { 'kubesim.io/cpu-usage': '300m', 'kubesim.io/memory-usage': '96Mi' },
    containers: [
      { name: 'a', image: 'nginx', resources: { requests: { cpu: '100m', memory: '64Mi' } } },
      { name: 'b', image: 'nginx', resources: { requests: { cpu: '200m', memory: '64Mi' } } },
    ],
  });
  await addPod('idle', { containers: [{ name: 'c', image: 'busybox' }] });
  await addPod('pending', { phase: 'Pending' });
  await addPod('done', { phase: 'Succeeded' });
});
afterAll(async () => {
  await cluster?.stop();
});

describe('metrics.k8s.io discovery', () => {
  it('lists the group and its read-only resources', async () => {
    const groups = (await api.get('/apis').expect(200)).body;
    expect(groups.groups.find((g: Obj) => g.name === 'metrics.k8s.io')).toMatchObject({ preferredVersion: { groupVersion: 'metrics.k8s.io/v1beta1', version: 'v1beta1' } });
    const list = (await api.get(BASE).expect(200)).body;
    expect(list.resources).toEqual([
      { name: 'nodes', singularName: 'nodemetrics', namespaced: false, kind: 'NodeMetrics', verbs: ['get', 'list'] },
      { name: 'pods', singularName: 'podmetrics', namespaced: true, kind: 'PodMetrics', verbs: ['get', 'list'] },
    ]);
  });
});

describe('PodMetrics', () => {
  it('lists running pods only, with per-container usage in metrics-server units', async () => {
    const res = await api.get(`${BASE}/namespaces/default/pods`).set('Accept', 'application/vnd.kubernetes.protobuf, */*').expect(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.body).toMatchObject({ kind: 'PodMetricsList', apiVersion: 'metrics.k8s.io/v1beta1' });
    const items: Obj[] = res.body.items;
    expect(items.map((i) => i.metadata.name).sort()).toEqual(['idle', 'pinned', 'web']);
    const web = items.find((i) => i.metadata.name === 'web')!;
    expect(web.metadata).toMatchObject({ namespace: 'default', labels: { app: 'web', tier: 'front' } });
    expect(web.timestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(web.window).toMatch(/^15(\.\d+)?s$/);
    expect(web.containers).toHaveLength(1);
    const { cpu, memory } = web.containers[0].usage;
    expect(cpu).toMatch(/^\d+(n|u|m)?$/);
    expect(memory).toMatch(/^\d+(Ki|Mi)?$/);
    // 5-45 % of the 200m request, 20-60 % of the 128Mi request.
    expect(parseQuantity(cpu)).toBeGreaterThanOrEqual(0.01);
    expect(parseQuantity(cpu)).toBeLessThanOrEqual(0.09);
    expect(parseQuantity(memory)).toBeGreaterThanOrEqual(0.2 * 128 * 2 ** 20 - 4096);
    expect(parseQuantity(memory)).toBeLessThanOrEqual(0.6 * 128 * 2 ** 20 + 4096);
  });

  it('gives stable figures between scrapes', async () => {
    const a = (await api.get(`${BASE}/namespaces/default/pods/web`).expect(200)).body;
    const b = (await api.get(`${BASE}/namespaces/default/pods/web`).expect(200)).body;
    expect(a).toMatchObject({ kind: 'PodMetrics', apiVersion: 'metrics.k8s.io/v1beta1' });
    expect(a.containers).toEqual(b.containers);
  });

  it('honours the usage annotations, split by requests', async () => {
    const m = (await api.get(`${BASE}/namespaces/default/pods/pinned`).expect(200)).body;
    expect(m.containers).toEqual([
      { name: 'a', usage: { cpu: '100m', memory: '48Mi' } },
      { name: 'b', usage: { cpu: '200m', memory: '48Mi' } },
    ]);
  });

  it('filters by label selector and lists all namespaces', async () => {
    const sel = (await api.get(`${BASE}/namespaces/default/pods?labelSelector=tier%3Dfront`).expect(200)).body;
    expect(sel.items.map((i: Obj) => i.metadata.name)).toEqual(['web']);
    const all = (await api.get(`${BASE}/pods`).expect(200)).body;
    expect(all.items.map((i: Obj) => i.metadata.name).sort()).toEqual(['idle', 'pinned', 'web']);
  });

  it('answers NotFound like metrics-server for pods without metrics', async () => {
    expectStatus(await api.get(`${BASE}/namespaces/default/pods/pending`), 404, 'NotFound', 'podmetrics.metrics.k8s.io "default/pending" not found');
    expectStatus(await api.get(`${BASE}/namespaces/default/pods/nope`), 404, 'NotFound', 'podmetrics.metrics.k8s.io "default/nope" not found');
  });

  it('prints a Table with the summed usage', async () => {
    const t = (await api.get(`${BASE}/namespaces/default/pods/pinned`).set('Accept', 'application/json;as=Table;v=v1;g=meta.k8s.io').expect(200)).body;
    expect(t.columnDefinitions.map((c: Obj) => c.name)).toEqual(['Name', 'CPU', 'Memory', 'Window']);
    expect(t.rows[0].cells.slice(0, 3)).toEqual(['pinned', '300m', '96Mi']);
  });
});

describe('NodeMetrics', () => {
  it('reports each ready node: its pods plus system overhead, within capacity', async () => {
    const list = (await api.get(`${BASE}/nodes`).expect(200)).body;
    expect(list.kind).toBe('NodeMetricsList');
    expect(list.items.map((i: Obj) => i.metadata.name)).toEqual(['n1', 'n2']);
    const n2 = (await api.get(`${BASE}/nodes/n2`).expect(200)).body;
    expect(n2).toMatchObject({ kind: 'NodeMetrics', metadata: { name: 'n2', labels: { 'kubernetes.io/hostname': 'n2' } } });
    const cpu = parseQuantity(n2.usage.cpu);
    expect(cpu).toBeGreaterThan(0.3 + 4 * 0.02 - 1e-9);
    expect(cpu).toBeLessThan(0.3 + 4 * 0.05 + 1e-9);
    expect(parseQuantity(n2.usage.memory)).toBeGreaterThan(96 * 2 ** 20);
    expect(parseQuantity(n2.usage.memory)).toBeLessThan(8 * 2 ** 30);
    expectStatus(await api.get(`${BASE}/nodes/nope`), 404, 'NotFound', 'nodemetrics.metrics.k8s.io "nope" not found');
  });
});

describe('read-only', () => {
  it('refuses writes and watches with 405', async () => {
    expectStatus(await api.post(`${BASE}/namespaces/default/pods`).send({ kind: 'PodMetrics', metadata: { name: 'x' } }), 405, 'MethodNotAllowed');
    expectStatus(await api.delete(`${BASE}/namespaces/default/pods/web`), 405, 'MethodNotAllowed');
    expectStatus(await api.get(`${BASE}/nodes?watch=true`), 405, 'MethodNotAllowed');
    expect(cluster.client.pods.get('default', 'web')).toBeDefined();
  });
});

describe('usage model', () => {
  it('formats quantities canonically', () => {
    expect(formatCPU(1_234_567)).toBe('1234567n');
    expect(formatCPU(250_000_000)).toBe('250m');
    expect(formatCPU(2_000_000_000)).toBe('2');
    expect(formatCPU(5_000)).toBe('5u');
    expect(formatMemory(10 * 1024 * 1024)).toBe('10Mi');
    expect(formatMemory(10_485_760 + 4096)).toBe('10244Ki');
    expect(formatMemory(1000)).toBe('1000');
  });

  it('reports nothing for pods that are not running on a node', () => {
    expect(podUsage({ metadata: { uid: 'u' }, spec: { containers: [{ name: 'c' }] }, status: { phase: 'Pending' } })).toBeUndefined();
  });
});
