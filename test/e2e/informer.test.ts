// @kubernetes/client-node informers against kubesim: the ADDED/MODIFIED/DELETED stream, surviving a restart of the
// server on the same port and data directory, and re-listing after its resume point was compacted away (410).
//
// How client-node 1.4.0's informer (ListWatch in dist/cache.js) behaves, which these tests rely on:
// - start() lists, then watches from the list's resourceVersion; every event moves its resourceVersion forward.
// - A watch that ends cleanly is re-established from the last resourceVersion (no re-list).
// - An ERROR event with code 410 clears the resourceVersion; when the server then ends the stream the informer
//   re-lists, and objects missing from the new list are reported as deletions.
// - Any other failure (connection refused or reset, non-200 answer) is reported to the 'error' callbacks and the
//   informer STOPS; the application restarts it with start() (client-node's README does this after a delay).
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as k8s from '@kubernetes/client-node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_COMPONENTS } from '../../src/components.js';
import { startTestCluster, startTestClusterOnPort, type TestCluster } from '../helpers/cluster.js';
import { api, apiOk, configMap, createNamespace, openWatch } from '../helpers/http.js';
import { waitFor } from '../helpers/wait.js';

interface Seen {
  type: 'add' | 'update' | 'delete';
  name: string;
  resourceVersion: string;
  data?: Record<string, string>;
}

interface TrackedInformer {
  informer: k8s.Informer<k8s.V1ConfigMap> & k8s.ObjectCache<k8s.V1ConfigMap>;
  seen: Seen[];
  errors: unknown[];
  lists: () => number;
  stop(): Promise<void>;
}

/** Every configmap the tests create carries it; the informers select on it, so the kube-root-ca.crt configmap that
 * a controller publishes into each namespace (at some point) stays out of the picture. */
const LABELS = { test: 'informer' };
const SELECTOR = 'test=informer';
const cm = (name: string, data: Record<string, string> = {}) => configMap(name, data, LABELS);

/** An informer on one namespace's configmaps that records what it reports and restarts itself after errors. */
async function trackConfigMaps(kubeconfig: string, namespace: string): Promise<TrackedInformer> {
  const kc = new k8s.KubeConfig();
  kc.loadFromString(kubeconfig);
  const core = kc.makeApiClient(k8s.CoreV1Api);
  let lists = 0;
  const informer = k8s.makeInformer<k8s.V1ConfigMap>(
    kc,
    `/api/v1/namespaces/${namespace}/configmaps`,
    () => {
      lists++;
      return core.listNamespacedConfigMap({ namespace, labelSelector: SELECTOR });
    },
    SELECTOR,
  );
  const seen: Seen[] = [];
  const errors: unknown[] = [];
  const record = (type: Seen['type']) => (o: k8s.V1ConfigMap) =>
    seen.push({ type, name: o.metadata!.name!, resourceVersion: o.metadata!.resourceVersion!, data: o.data });
  informer.on('add', record('add'));
  informer.on('update', record('update'));
  informer.on('delete', record('delete'));
  let stopped = false;
  let retry: NodeJS.Timeout | undefined;
  informer.on('error', (err) => {
    errors.push(err);
    // A reconnect backoff, as client-node's README suggests (not a synchronisation sleep).
    if (!stopped) retry = setTimeout(() => void informer.start(), 50);
  });
  await informer.start();
  return {
    informer,
    seen,
    errors,
    lists: () => lists,
    stop: async () => {
      stopped = true;
      clearTimeout(retry);
      await informer.stop();
    },
  };
}

/** name → resourceVersion, sorted by name. */
function versions(objs: readonly { metadata?: { name?: string; resourceVersion?: string } }[]): [string, string][] {
  return objs.map((o) => [o.metadata!.name!, o.metadata!.resourceVersion!] as [string, string]).sort((a, b) => a[0].localeCompare(b[0]));
}

/** Waits until the informer's cache holds exactly the server's current list (names and resourceVersions). */
async function converged(t: TrackedInformer, url: string, namespace: string): Promise<void> {
  let server: [string, string][] = [];
  await waitFor(
    'the informer cache to equal the server list',
    async () => {
      server = versions((await apiOk(url, 'GET', `/api/v1/namespaces/${namespace}/configmaps?labelSelector=${SELECTOR}`)).items);
      return JSON.stringify(versions(t.informer.list(namespace))) === JSON.stringify(server);
    },
    20_000,
  ).catch((err: Error) => {
    throw new Error(`${err.message}\ninformer: ${JSON.stringify(versions(t.informer.list(namespace)))}\nserver:   ${JSON.stringify(server)}`);
  });
}

describe('client-node informer', () => {
  const tmpDirs: string[] = [];
  const clusters: TestCluster[] = [];
  const informers: TrackedInformer[] = [];
  const dataDir = () => {
    const d = mkdtempSync(path.join(os.tmpdir(), 'kubesim-informer-data-'));
    tmpDirs.push(d);
    return d;
  };
  afterEach(async () => {
    for (const i of informers.splice(0)) await i.stop();
    for (const c of clusters.splice(0)) await c.stop();
  });
  afterAll(() => {
    for (const d of tmpDirs) rmSync(d, { recursive: true, force: true });
  });

  it('reports ADDED, MODIFIED and DELETED with the right objects', async () => {
    const cluster = await startTestCluster({ components: DEFAULT_COMPONENTS });
    clusters.push(cluster);
    await createNamespace(cluster.url, 'inf');
    const pre = await apiOk(cluster.url, 'POST', '/api/v1/namespaces/inf/configmaps', cm('pre', { k: 'listed' }));
    // A configmap elsewhere must not show up.
    await apiOk(cluster.url, 'POST', '/api/v1/namespaces/default/configmaps', cm('elsewhere'));

    const t = await trackConfigMaps(cluster.kubeconfig, 'inf');
    informers.push(t);
    await waitFor('the initial list', () => t.seen.length >= 1);
    expect(t.seen).toEqual([{ type: 'add', name: 'pre', resourceVersion: pre.metadata.resourceVersion, data: { k: 'listed' } }]);

    const created = await apiOk(cluster.url, 'POST', '/api/v1/namespaces/inf/configmaps', cm('a', { k: 'v1' }));
    await waitFor('ADDED a', () => t.seen.find((s) => s.type === 'add' && s.name === 'a'));

    const updated = await apiOk(cluster.url, 'PUT', '/api/v1/namespaces/inf/configmaps/a', { ...created, data: { k: 'v2' } });
    expect(Number(updated.metadata.resourceVersion)).toBeGreaterThan(Number(created.metadata.resourceVersion));
    await waitFor('MODIFIED a', () => t.seen.find((s) => s.type === 'update' && s.name === 'a'));
    expect(t.informer.get('a', 'inf')?.data).toEqual({ k: 'v2' });

    await apiOk(cluster.url, 'DELETE', '/api/v1/namespaces/inf/configmaps/a');
    await waitFor('DELETED a', () => t.seen.find((s) => s.type === 'delete' && s.name === 'a'));

    expect(t.seen).toEqual([
      { type: 'add', name: 'pre', resourceVersion: pre.metadata.resourceVersion, data: { k: 'listed' } },
      { type: 'add', name: 'a', resourceVersion: created.metadata.resourceVersion, data: { k: 'v1' } },
      { type: 'update', name: 'a', resourceVersion: updated.metadata.resourceVersion, data: { k: 'v2' } },
      // The DELETED event carries the last state, with the deletion's resourceVersion.
      { type: 'delete', name: 'a', resourceVersion: expect.stringMatching(/^\d+$/), data: { k: 'v2' } },
    ]);
    const del = t.seen[3];
    expect(Number(del.resourceVersion)).toBeGreaterThan(Number(updated.metadata.resourceVersion));
    expect(t.informer.get('a', 'inf')).toBeUndefined();

    // An object that stops matching the informer's label selector is a deletion for it.
    const current = await apiOk(cluster.url, 'GET', '/api/v1/namespaces/inf/configmaps/pre');
    await apiOk(cluster.url, 'PUT', '/api/v1/namespaces/inf/configmaps/pre', { ...current, metadata: { ...current.metadata, labels: { test: 'other' } } });
    await waitFor('DELETED pre', () => t.seen.find((s) => s.type === 'delete' && s.name === 'pre'));
    expect(t.informer.list('inf')).toEqual([]);
    expect(t.errors).toEqual([]);
    await converged(t, cluster.url, 'inf');
  });

  it('survives a restart of kubesim on the same port and data directory, resuming without a re-list', async () => {
    const dir = dataDir();
    const first = await startTestCluster({ dataDir: dir, components: DEFAULT_COMPONENTS });
    clusters.push(first);
    await createNamespace(first.url, 'restart');
    const kept = await apiOk(first.url, 'POST', '/api/v1/namespaces/restart/configmaps', cm('kept', { k: 'v1' }));

    const t = await trackConfigMaps(first.kubeconfig, 'restart');
    informers.push(t);
    await converged(t, first.url, 'restart');

    await first.stop();
    clusters.splice(clusters.indexOf(first), 1);
    const second = await startTestClusterOnPort(first.port, { dataDir: dir, components: DEFAULT_COMPONENTS });
    clusters.push(second);
    expect(second.url).toBe(first.url);

    // Changes after the restart reach the informer through its resumed watch.
    const added = await apiOk(second.url, 'POST', '/api/v1/namespaces/restart/configmaps', cm('after', { k: 'new' }));
    const updated = await apiOk(second.url, 'PUT', '/api/v1/namespaces/restart/configmaps/kept', { ...kept, data: { k: 'v2' } });
    await waitFor('the informer to see the post-restart writes', () => t.seen.some((s) => s.type === 'update' && s.name === 'kept'), 20_000);
    await converged(t, second.url, 'restart');
    expect(t.informer.get('after', 'restart')?.metadata?.resourceVersion).toBe(added.metadata.resourceVersion);
    expect(t.informer.get('kept', 'restart')?.data).toEqual({ k: 'v2' });
    expect(t.informer.get('kept', 'restart')?.metadata?.resourceVersion).toBe(updated.metadata.resourceVersion);
    // The history survived the restart, so the informer resumed from its resourceVersion instead of re-listing.
    expect(t.lists()).toBe(1);
    expect(t.seen.map((s) => `${s.type} ${s.name}`)).toEqual(['add kept', 'add after', 'update kept']);
  });

  it('re-lists after 410 Expired when its resourceVersion was compacted while it was disconnected', async () => {
    const dir = dataDir();
    const historyLimit = 5;
    const first = await startTestCluster({ dataDir: dir, historyLimit, components: DEFAULT_COMPONENTS });
    clusters.push(first);
    await createNamespace(first.url, 'expiry');
    // Let the controllers finish their own writes in the new namespace first.
    await waitFor('the namespace defaults', async () => (await api(first.url, 'GET', '/api/v1/namespaces/expiry/configmaps/kube-root-ca.crt')).status === 200);
    const kept = await apiOk(first.url, 'POST', '/api/v1/namespaces/expiry/configmaps', cm('kept', { k: 'v1' }));
    await apiOk(first.url, 'POST', '/api/v1/namespaces/expiry/configmaps', cm('doomed'));

    const t = await trackConfigMaps(first.kubeconfig, 'expiry');
    informers.push(t);
    await converged(t, first.url, 'expiry');
    // makeInformer returns a ListWatch; its resume point is not part of the Informer type.
    const resumeFrom = (t.informer as unknown as k8s.ListWatch<k8s.V1ConfigMap>).latestResourceVersion();
    expect(resumeFrom).toMatch(/^\d+$/);
    const listsBefore = t.lists();

    // While the informer's server is down, another kubesim on the same data (any port) makes more than
    // historyLimit writes: an object appears, one disappears, one changes, and fillers come and go.
    await first.stop();
    clusters.splice(clusters.indexOf(first), 1);
    const writer = await startTestCluster({ dataDir: dir, historyLimit, components: DEFAULT_COMPONENTS });
    await apiOk(writer.url, 'POST', '/api/v1/namespaces/expiry/configmaps', cm('born-while-away', { k: 'x' }));
    await apiOk(writer.url, 'DELETE', '/api/v1/namespaces/expiry/configmaps/doomed');
    await apiOk(writer.url, 'PUT', '/api/v1/namespaces/expiry/configmaps/kept', { ...kept, data: { k: 'changed-while-away' } });
    for (let i = 0; i < historyLimit; i++) {
      await apiOk(writer.url, 'POST', '/api/v1/namespaces/expiry/configmaps', cm(`filler-${i}`));
      await apiOk(writer.url, 'DELETE', `/api/v1/namespaces/expiry/configmaps/filler-${i}`);
    }
    await writer.stop();

    const second = await startTestClusterOnPort(first.port, { dataDir: dir, historyLimit, components: DEFAULT_COMPONENTS });
    clusters.push(second);
    // The informer's resume point is gone: a watch from it is answered with a 410 ERROR event.
    const probe = await openWatch(second.url, `/api/v1/namespaces/expiry/configmaps?watch=true&resourceVersion=${resumeFrom}`);
    await probe.ended;
    expect(probe.events).toEqual([
      { type: 'ERROR', object: expect.objectContaining({ kind: 'Status', status: 'Failure', reason: 'Expired', code: 410 }) },
    ]);

    await waitFor('the informer to re-list', () => t.lists() > listsBefore, 20_000);
    await converged(t, second.url, 'expiry');
    expect(t.informer.list('expiry').map((o) => o.metadata!.name).sort()).toEqual(['born-while-away', 'kept']);
    expect(t.informer.get('kept', 'expiry')?.data).toEqual({ k: 'changed-while-away' });
    // The re-list reports what changed while it was away: the deletion, the new object and the update.
    const afterRelist = t.seen.slice(2).map((s) => `${s.type} ${s.name}`);
    expect(afterRelist.sort()).toEqual(['add born-while-away', 'delete doomed', 'update kept']);
    // The fillers came and went while the informer was away; it never saw them.
    expect(t.seen.some((s) => s.name.startsWith('filler-'))).toBe(false);
    // Exactly one re-list: the one the 410 caused.
    expect(t.lists()).toBe(listsBefore + 1);

    // And it keeps watching after the re-list.
    await apiOk(second.url, 'POST', '/api/v1/namespaces/expiry/configmaps', cm('after-relist'));
    await waitFor('ADDED after-relist', () => t.seen.some((s) => s.type === 'add' && s.name === 'after-relist'));
    await converged(t, second.url, 'expiry');
  });
});
