// Restarting an in-process kubesim on the same LevelDB data directory: objects of several kinds come back exactly
// (same uid, same resourceVersion), resourceVersions keep increasing, and a watch from a resourceVersion taken
// before the restart replays the events that followed it.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_COMPONENTS } from '../../src/components.js';
import { startTestCluster, type TestCluster } from '../helpers/cluster.js';
import { api, apiOk, configMap, createNamespace, openWatch, type Json } from '../helpers/http.js';
import { waitFor } from '../helpers/wait.js';

const OBJECTS: { path: string; body: Json }[] = [
  { path: '/api/v1/namespaces/durable/configmaps', body: configMap('settings', { mode: 'fast' }, { tier: 'config' }) },
  {
    path: '/api/v1/namespaces/durable/secrets',
    body: { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'creds' }, type: 'Opaque', data: { password: Buffer.from('hunter2').toString('base64') } },
  },
  {
    path: '/apis/apps/v1/namespaces/durable/deployments',
    body: {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web' },
      spec: {
        replicas: 2,
        selector: { matchLabels: { app: 'web' } },
        template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'nginx:1.25' }] } },
      },
    },
  },
  {
    path: '/api/v1/namespaces/durable/services',
    body: { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web' }, spec: { selector: { app: 'web' }, ports: [{ port: 80 }] } },
  },
  {
    path: '/api/v1/namespaces/durable/pods',
    body: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'worker' }, spec: { containers: [{ name: 'c', image: 'busybox' }] } },
  },
  { path: '/api/v1/nodes', body: { apiVersion: 'v1', kind: 'Node', metadata: { name: 'node-1', labels: { zone: 'a' } } } },
  {
    path: '/apis/coordination.k8s.io/v1/namespaces/durable/leases',
    body: { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: 'leader' }, spec: { holderIdentity: 'me' } },
  },
];

const selfLink = (o: { path: string; body: Json }) => `${o.path}/${o.body.metadata.name}`;

describe('restart on the same data directory', () => {
  const clusters: TestCluster[] = [];
  const dirs: string[] = [];
  afterEach(async () => {
    for (const c of clusters.splice(0)) await c.stop();
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });
  async function start(dataDir: string, opts: { controllers: boolean }): Promise<TestCluster> {
    const c = await startTestCluster({ dataDir, components: opts.controllers ? DEFAULT_COMPONENTS : [] });
    clusters.push(c);
    return c;
  }
  async function stop(c: TestCluster): Promise<void> {
    clusters.splice(clusters.indexOf(c), 1);
    await c.stop();
  }

  // Without controllers, so that nothing but the test writes: every difference is the store's doing.
  it('keeps objects and resourceVersions, continues the revision and replays watches from before the restart', async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'kubesim-restart-'));
    dirs.push(dataDir);

    const first = await start(dataDir, { controllers: false });
    await createNamespace(first.url, 'durable');
    const created: Json[] = [];
    for (const o of OBJECTS) created.push(await apiOk(first.url, 'POST', o.path, o.body));
    const checkpoint = (await apiOk(first.url, 'GET', '/api/v1/namespaces/durable/configmaps')).metadata.resourceVersion as string;

    // Writes after the checkpoint: a create, an update and a delete.
    const later = await apiOk(first.url, 'POST', '/api/v1/namespaces/durable/configmaps', configMap('later', { n: '1' }));
    const settings = created[0];
    const updated = await apiOk(first.url, 'PUT', `/api/v1/namespaces/durable/configmaps/settings`, { ...settings, data: { mode: 'slow' } });
    await apiOk(first.url, 'DELETE', '/api/v1/namespaces/durable/configmaps/later');

    const before = new Map<string, Json>();
    for (const o of OBJECTS) before.set(selfLink(o), await apiOk(first.url, 'GET', selfLink(o)));
    const nsBefore = await apiOk(first.url, 'GET', '/api/v1/namespaces/durable');
    const listRvBefore = Number((await apiOk(first.url, 'GET', '/api/v1/namespaces/durable/configmaps')).metadata.resourceVersion);
    await stop(first);

    const second = await start(dataDir, { controllers: false });
    // Every object is back exactly as it was: same uid, creationTimestamp, resourceVersion, generation, content.
    for (const o of OBJECTS) expect(await apiOk(second.url, 'GET', selfLink(o))).toEqual(before.get(selfLink(o)));
    expect(await apiOk(second.url, 'GET', '/api/v1/namespaces/durable')).toEqual(nsBefore);
    expect((await apiOk(second.url, 'GET', '/api/v1/namespaces/durable/configmaps/settings')).data).toEqual({ mode: 'slow' });
    expect((await api(second.url, 'GET', '/api/v1/namespaces/durable/configmaps/later')).status).toBe(404);
    const list = await apiOk(second.url, 'GET', '/api/v1/namespaces/durable/configmaps');
    expect(list.items.map((i: Json) => i.metadata.name)).toEqual(['settings']);
    // The list resourceVersion does not go backwards, and the next write gets a larger one.
    expect(Number(list.metadata.resourceVersion)).toBeGreaterThanOrEqual(listRvBefore);
    const next = await apiOk(second.url, 'POST', '/api/v1/namespaces/durable/configmaps', configMap('after-restart'));
    expect(Number(next.metadata.resourceVersion)).toBeGreaterThan(listRvBefore);
    expect(Number((await apiOk(second.url, 'GET', '/api/v1/namespaces/durable/configmaps')).metadata.resourceVersion)).toBeGreaterThanOrEqual(
      Number(next.metadata.resourceVersion),
    );
    // A stale update (resourceVersion from before the restart) is still a conflict.
    const stale = await api(second.url, 'PUT', '/api/v1/namespaces/durable/configmaps/settings', { ...settings, data: { mode: 'stale' } });
    expect(stale.status).toBe(409);
    expect(stale.body.reason).toBe('Conflict');

    // A watch from the pre-restart checkpoint replays what happened after it, in order, then goes live.
    const w = await openWatch(second.url, `/api/v1/namespaces/durable/configmaps?watch=true&resourceVersion=${checkpoint}`);
    try {
      await waitFor('the replayed events', () => w.events.length >= 4);
      expect(w.events.map((e) => [e.type, e.object.metadata.name, e.object.metadata.resourceVersion])).toEqual([
        ['ADDED', 'later', later.metadata.resourceVersion],
        ['MODIFIED', 'settings', updated.metadata.resourceVersion],
        ['DELETED', 'later', expect.stringMatching(/^\d+$/)],
        ['ADDED', 'after-restart', next.metadata.resourceVersion],
      ]);
      expect(w.events[1].object.data).toEqual({ mode: 'slow' });
      const live = await apiOk(second.url, 'POST', '/api/v1/namespaces/durable/configmaps', configMap('live'));
      await waitFor('the live event', () => w.events.length >= 5);
      expect(w.events[4]).toMatchObject({ type: 'ADDED', object: { metadata: { name: 'live', resourceVersion: live.metadata.resourceVersion } } });
    } finally {
      w.close();
    }
  });

  // With the default controllers: bootstrapping and the controllers find their objects and do not re-create them.
  it('bootstraps an existing store without re-creating anything, across repeated restarts', async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'kubesim-restart-'));
    dirs.push(dataDir);
    const identity = (list: Json) => list.items.map((i: Json) => [i.metadata.namespace ?? '', i.metadata.name, i.metadata.uid]);
    const first = await start(dataDir, { controllers: true });
    await waitFor('the default namespace defaults', async () => (await api(first.url, 'GET', '/api/v1/namespaces/default/configmaps/kube-root-ca.crt')).status === 200);
    await waitFor('the default service account', async () => (await api(first.url, 'GET', '/api/v1/namespaces/default/serviceaccounts/default')).status === 200);
    const namespaces = await apiOk(first.url, 'GET', '/api/v1/namespaces');
    const accounts = identity(await apiOk(first.url, 'GET', '/api/v1/serviceaccounts'));
    const rootCa = await apiOk(first.url, 'GET', '/api/v1/namespaces/default/configmaps/kube-root-ca.crt');
    const one = await apiOk(first.url, 'POST', '/api/v1/namespaces/default/configmaps', configMap('one'));
    await stop(first);

    const second = await start(dataDir, { controllers: true });
    await stop(second);
    const third = await start(dataDir, { controllers: true });
    // Namespaces are untouched (same uids and resourceVersions); the controllers' objects are the same ones.
    expect((await apiOk(third.url, 'GET', '/api/v1/namespaces')).items).toEqual(namespaces.items);
    expect(identity(await apiOk(third.url, 'GET', '/api/v1/serviceaccounts'))).toEqual(accounts);
    expect(await apiOk(third.url, 'GET', '/api/v1/namespaces/default/configmaps/kube-root-ca.crt')).toEqual(rootCa);
    expect(await apiOk(third.url, 'GET', '/api/v1/namespaces/default/configmaps/one')).toEqual(one);
    expect(Number((await apiOk(third.url, 'GET', '/api/v1/namespaces/default/configmaps')).metadata.resourceVersion)).toBeGreaterThanOrEqual(
      Number(one.metadata.resourceVersion),
    );
  });
});
