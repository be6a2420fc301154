// Request recording: off by default; when on, every HTTP API request and its outcome is kept (in memory, at
// GET /kubesim/v1/requests as JSON lines, and in a file), with the attributes upstream derives for it, so a test can
// assert what its client did.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as k8s from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requestAttributes } from '../../src/api/request-attributes.js';
import { createCluster, type Cluster, type RecordedRequest, type VirtualClock } from '../../src/index.js';
import { api, apiOk, configMap } from '../helpers/http.js';
import { Kubectl } from '../helpers/kubectl.js';
import { waitFor } from '../helpers/wait.js';

describe('request attributes (upstream RequestInfoFactory)', () => {
  it.each([
    ['GET', '/api/v1/namespaces/default/pods', { verb: 'list', apiGroup: '', apiVersion: 'v1', resource: 'pods', namespace: 'default', name: '' }],
    ['GET', '/api/v1/namespaces/default/pods?watch=true&resourceVersion=5', { verb: 'watch', resource: 'pods', namespace: 'default' }],
    ['GET', '/api/v1/watch/namespaces/default/pods', { verb: 'watch', resource: 'pods', namespace: 'default' }],
    ['GET', '/api/v1/namespaces/default/pods?fieldSelector=metadata.name%3Dweb', { verb: 'list', name: 'web' }],
    ['GET', '/api/v1/namespaces/default/pods/web/log', { verb: 'get', resource: 'pods', name: 'web', subresource: 'log' }],
    ['PATCH', '/apis/apps/v1/namespaces/shop/deployments/web/scale', { verb: 'patch', apiGroup: 'apps', resource: 'deployments', name: 'web', subresource: 'scale', namespace: 'shop' }],
    ['POST', '/api/v1/namespaces', { verb: 'create', resource: 'namespaces', namespace: '' }],
    ['GET', '/api/v1/namespaces/kube-system', { verb: 'get', resource: 'namespaces', name: 'kube-system', namespace: 'kube-system' }],
    ['PUT', '/api/v1/namespaces/gone/finalize', { verb: 'update', resource: 'namespaces', name: 'gone', subresource: 'finalize' }],
    ['DELETE', '/api/v1/namespaces/default/configmaps', { verb: 'deletecollection', resource: 'configmaps' }],
    ['DELETE', '/api/v1/nodes/node01', { verb: 'delete', resource: 'nodes', name: 'node01', namespace: '' }],
    ['GET', '/apis/apps/v1', { isResourceRequest: false, verb: 'get', resource: '' }],
    ['GET', '/version', { isResourceRequest: false, verb: 'get' }],
  ])('%s %s', (method, url, want) => {
    expect(requestAttributes(method, url)).toMatchObject({ isResourceRequest: true, subresource: '', ...want });
  });
});

describe('request recording is off by default', () => {
  it('has no log and no endpoint', async () => {
    const cluster = await createCluster({ components: [], fixture: false });
    try {
      expect(cluster.requests.enabled).toBe(false);
      expect(() => cluster.requests()).toThrow(/recordRequests: true/);
      const r = await api(cluster.url, 'GET', '/kubesim/v1/requests');
      expect(r.status).toBe(404);
      expect(r.body.message).toMatch(/start kubesim with --record-requests/);
    } finally {
      await cluster.close();
    }
  });
});

describe('request recording', () => {
  let cluster: Cluster<VirtualClock>;
  let dir: string;
  let file: string;
  let apps: k8s.AppsV1Api;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'kubesim-requests-'));
    file = path.join(dir, 'logs', 'requests.jsonl');
    cluster = await createCluster({ components: [], fixture: false, clock: 'virtual', recordRequests: { file }, faults: true });
    apps = (await cluster.kubeConfig()).makeApiClient(k8s.AppsV1Api);
  });
  afterAll(async () => {
    await cluster?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const web: k8s.V1Deployment = {
    metadata: { name: 'web' },
    spec: { selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'nginx' }] } } },
  };

  it('records what a client did, with its outcome', async () => {
    const startedAt = cluster.clock.now();
    await apps.createNamespacedDeployment({ namespace: 'default', body: web });
    await apps.patchNamespacedDeployment(
      { namespace: 'default', name: 'web', body: { spec: { replicas: 3 } } },
      k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch),
    );
    await apps.readNamespacedDeployment({ namespace: 'default', name: 'web' });
    await apps.readNamespacedDeployment({ namespace: 'default', name: 'missing' }).catch(() => undefined);

    const patches = cluster.requests({ verb: 'patch', resource: 'deployments' });
    expect(patches).toHaveLength(1);
    const p = patches[0];
    expect(p).toMatchObject({
      method: 'PATCH',
      path: '/apis/apps/v1/namespaces/default/deployments/web',
      query: '',
      verb: 'patch',
      apiGroup: 'apps',
      apiVersion: 'v1',
      resource: 'deployments',
      subresource: '',
      namespace: 'default',
      name: 'web',
      code: 200,
      watch: false,
    });
    expect(p.userAgent).not.toBe('');
    expect(p.latencyMs).toBeGreaterThanOrEqual(0);
    expect(Date.parse(p.time)).toBe(startedAt); // cluster time: the virtual clock did not move
    expect(p.time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
    expect(cluster.requests({ resource: 'deployments' }).map((r) => `${r.verb} ${r.name} ${r.code}`)).toEqual([
      'create  201',
      'patch web 200',
      'get web 200',
      'get missing 404',
    ]);
    expect(cluster.requests({ code: [404, 500] }).map((r) => r.name)).toEqual(['missing']);
    expect(cluster.requests((r) => r.code >= 400 && r.resource === 'deployments')).toHaveLength(1);
  });

  it('records a watch when it starts, and aborted requests', async () => {
    const controller = new AbortController();
    const res = await fetch(`${cluster.url}/api/v1/namespaces/default/configmaps?watch=1`, { signal: controller.signal });
    expect(res.status).toBe(200);
    expect(cluster.requests({ verb: 'watch' })).toMatchObject([{ watch: true, code: 200, resource: 'configmaps', query: 'watch=1' }]);
    controller.abort();
    // A request whose client goes away before the answer (held back by a latency fault in virtual time).
    const rule = cluster.faults.add({ action: 'latency', latency: '1m', verb: 'get', name: 'slow' });
    const slow = new AbortController();
    const pending = fetch(`${cluster.url}/api/v1/namespaces/default/configmaps/slow`, { signal: slow.signal }).catch((e: Error) => e.name);
    await waitFor('the server to hold the request', () => cluster.faults.list().find((f) => f.id === rule.id)!.fired === 1);
    slow.abort();
    expect(await pending).toBe('AbortError');
    await waitFor('the aborted get to be recorded', () => cluster.requests({ name: 'slow' }).length === 1);
    expect(cluster.requests({ name: 'slow' })[0]).toMatchObject({ verb: 'get', aborted: true, code: 0, fault: rule.id });
    cluster.faults.clear();
  });

  it('serves the log as JSON lines (filtered), clears it, and leaves its own endpoints out', async () => {
    const r = await fetch(`${cluster.url}/kubesim/v1/requests?resource=deployments&verb=get`);
    expect(r.headers.get('content-type')).toBe('application/x-ndjson');
    const lines = (await r.text()).trim().split('\n').map((l) => JSON.parse(l) as RecordedRequest);
    expect(lines.map((l) => l.name)).toEqual(['web', 'missing']);
    expect((await (await fetch(`${cluster.url}/kubesim/v1/requests?code=404`)).text()).trim().split('\n')).toHaveLength(1);
    expect(cluster.requests({ path: '/kubesim/v1/requests' })).toEqual([]);
    expect((await api(cluster.url, 'DELETE', '/kubesim/v1/requests')).status).toBe(200);
    expect(cluster.requests()).toEqual([]);
    await apiOk(cluster.url, 'POST', '/api/v1/namespaces/default/configmaps', configMap('after-clear'));
    expect(cluster.requests().map((e) => e.verb)).toEqual(['create']);
    cluster.requests.clear();
    expect(cluster.requests()).toEqual([]);
  });

  it('records kubectl: discovery and the resource requests, with its user agent', async () => {
    const kubeconfig = path.join(dir, 'kubeconfig');
    writeFileSync(kubeconfig, cluster.kubeconfig);
    const kubectl = new Kubectl('1.33', kubeconfig);
    await kubectl.ok(['scale', 'deployment', 'web', '--replicas', '5']);
    const mine = cluster.requests({ userAgent: 'kubectl' });
    expect(mine.filter((r) => r.path === '/api' || r.path === '/apis').length).toBeGreaterThan(0); // discovery
    const scale = mine.filter((r) => r.resource === 'deployments');
    expect(scale.map((r) => `${r.verb} ${r.subresource}`)).toContain('patch scale');
  });

  it('appends JSON lines to the file', async () => {
    await cluster.close();
    const lines = readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as RecordedRequest);
    expect(lines.some((l) => l.verb === 'patch' && l.resource === 'deployments' && l.name === 'web')).toBe(true);
    expect(lines.filter((l) => l.path.startsWith('/kubesim/'))).toEqual([]);
    expect(lines.length).toBeGreaterThan(8); // the file keeps what clear() forgot
  });
});
