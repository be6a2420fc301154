// Snapshots: 1,000 objects round-trip through snapshot() / restore() / reset() in milliseconds; resourceVersions only
// ever grow; and informers watching across the restore (client-node over HTTP, and the in-process one) end up with
// exactly the server's state, from the restore's watch events, without re-listing.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as k8s from '@kubernetes/client-node';
import { parse as parseYaml, stringify as toYaml } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Informer } from '../../src/client/informer.js';
import { createCluster, SnapshotError, type Cluster, type Snapshot, type VirtualClock } from '../../src/index.js';
import { waitFor } from '../helpers/wait.js';

const N = 1000;
const NS = 'snap';
const SELECTOR = 'test=snapshot';
const name = (i: number) => `cm-${String(i).padStart(4, '0')}`;

type Versions = [string, string, string][]; // name, resourceVersion, data.v
const versionsOf = (items: readonly k8s.V1ConfigMap[]): Versions =>
  items.map((o) => [o.metadata!.name!, o.metadata!.resourceVersion!, o.data?.v ?? ''] as [string, string, string]).sort((a, b) => a[0].localeCompare(b[0]));

describe('snapshot, restore and reset with 1,000 objects', () => {
  let cluster: Cluster<VirtualClock>;
  let informer: k8s.Informer<k8s.V1ConfigMap> & k8s.ObjectCache<k8s.V1ConfigMap>;
  let lists = 0;
  const informerErrors: unknown[] = [];
  let local: Informer;

  const serverState = () => versionsOf(cluster.client.resource('', 'v1', 'configmaps').list(NS, { labelSelector: SELECTOR }).items);
  async function converged(what: string): Promise<void> {
    await waitFor(`${what}: the informers to match the server`, () => {
      const server = JSON.stringify(serverState());
      return JSON.stringify(versionsOf(informer.list(NS))) === server && JSON.stringify(versionsOf(local.list().filter((o) => o.metadata?.labels?.test === 'snapshot'))) === server;
    });
  }

  beforeAll(async () => {
    cluster = await createCluster({ clock: 'virtual' });
    await cluster.client.namespaces.create(undefined, { metadata: { name: NS } });
    const cms = cluster.client.resource('', 'v1', 'configmaps');
    await Promise.all(Array.from({ length: N }, (_, i) => cms.create(NS, { metadata: { name: name(i), labels: { test: 'snapshot' } }, data: { v: 'original' } })));

    const kc = await cluster.kubeConfig();
    const core = kc.makeApiClient(k8s.CoreV1Api);
    informer = k8s.makeInformer<k8s.V1ConfigMap>(
      kc,
      `/api/v1/namespaces/${NS}/configmaps`,
      () => {
        lists++;
        return core.listNamespacedConfigMap({ namespace: NS, labelSelector: SELECTOR });
      },
      SELECTOR,
    );
    informer.on('error', (err) => informerErrors.push(err));
    await informer.start();
    local = new Informer(cms, cluster.clock, { namespace: NS });
    local.start();
    await converged('initial list');
  });
  afterAll(async () => {
    await informer?.stop();
    local?.stop();
    await cluster?.close();
  });

  it('round-trips through a snapshot document, with informers following and resourceVersions growing', async () => {
    const snap = cluster.snapshot();
    expect(snap).toMatchObject({ apiVersion: 'kubesim.io/v1alpha1', kind: 'Snapshot', revision: cluster.storage.currentRevision() });
    const keys = Object.keys(snap.objects);
    expect(keys.filter((k) => k.startsWith(`/registry/core/configmaps/${NS}/cm-`))).toHaveLength(N);
    expect(keys).toEqual([...keys].sort());
    // It is plain data: YAML and JSON round trips give the same document.
    const fromYaml = parseYaml(toYaml(snap)) as Snapshot;
    expect(JSON.parse(JSON.stringify(snap))).toEqual(snap);
    expect(fromYaml).toEqual(snap);
    const before = serverState();

    // Change things: delete 100, modify 100, add 50, and edit the document itself (a user may).
    const cms = cluster.client.resource('', 'v1', 'configmaps');
    await Promise.all(Array.from({ length: 100 }, (_, i) => cms.delete(NS, name(i))));
    await Promise.all(Array.from({ length: 100 }, (_, i) => cms.patch(NS, name(500 + i), 'merge', { data: { v: 'modified' } })));
    await Promise.all(Array.from({ length: 50 }, (_, i) => cms.create(NS, { metadata: { name: `extra-${i}`, labels: { test: 'snapshot' } } })));
    fromYaml.objects[`/registry/core/configmaps/${NS}/${name(999)}`].data = { v: 'edited in the document' };
    await converged('after the changes');
    const highest = cluster.storage.currentRevision();

    const t0 = performance.now();
    const result = await cluster.restore(fromYaml);
    const ms = performance.now() - t0;
    console.log(`restore of ${N} objects (${result.changes} changes): ${ms.toFixed(1)} ms`);
    expect(result.changes).toBe(100 + 100 + 50 + 1);
    expect(result.revision).toBeGreaterThan(highest);
    expect(ms).toBeLessThan(2000); // ~50 ms here, components restart included; generous for loaded machines

    const after = serverState();
    expect(after.map(([n, , v]) => [n, v])).toEqual(before.map(([n, , v]) => [n, n === name(999) ? 'edited in the document' : v]));
    // Untouched objects keep their resourceVersion; every rewritten one got a new, higher one.
    const rvBefore = new Map(before.map(([n, rv]) => [n, Number(rv)]));
    for (const [n, rv] of after) {
      const i = Number(n.slice(3));
      const rewritten = i < 100 || (i >= 500 && i < 600) || i === 999;
      if (rewritten) expect(Number(rv), n).toBeGreaterThan(highest);
      else expect(Number(rv), n).toBe(rvBefore.get(n));
    }
    await converged('after the restore');
    expect(lists).toBe(1); // the restore reached the informer as watch events: no re-list was needed
    expect(informerErrors).toEqual([]);
  });

  it('reset() goes back to the state right after start', async () => {
    const highest = cluster.storage.currentRevision();
    const result = await cluster.reset();
    expect(result.revision).toBeGreaterThan(highest);
    expect(cluster.client.namespaces.get(undefined, NS)).toBeUndefined();
    expect(serverState()).toEqual([]);
    await converged('after the reset');
    expect(informer.list(NS)).toEqual([]);
    // The fixture cluster is all there, and its components run again.
    expect(cluster.client.nodes.list().items.map((n) => n.metadata.name).sort()).toEqual(['master', 'node01', 'node02']);
    await cluster.clock.advance('1m');
    const pods = cluster.client.pods.list('kube-system').items;
    expect(pods.length).toBeGreaterThan(5);
    for (const p of pods) expect(p.status?.phase, p.metadata.name).toBe('Running');
    // New writes continue above every revision used before.
    const cm = await cluster.client.resource('', 'v1', 'configmaps').create('default', { metadata: { name: 'after-reset' } });
    expect(Number(cm.metadata.resourceVersion)).toBeGreaterThan(result.revision);
  });

  it('rejects a malformed snapshot without changing anything', async () => {
    const revision = cluster.storage.currentRevision();
    const bad = [
      null,
      { apiVersion: 'v1', kind: 'List', objects: {} },
      { apiVersion: 'kubesim.io/v1alpha1', kind: 'Snapshot', objects: { '/not/a/key': { metadata: { name: 'key' } } } },
      { apiVersion: 'kubesim.io/v1alpha1', kind: 'Snapshot', objects: { '/registry/core/configmaps/default/a': { metadata: { name: 'b' } } } },
      { apiVersion: 'kubesim.io/v1alpha1', kind: 'Snapshot', objects: { '/registry/core/configmaps/default/a': 'text' } },
    ];
    for (const doc of bad) await expect(cluster.restore(doc as Snapshot), JSON.stringify(doc)).rejects.toThrow(SnapshotError);
    expect(cluster.storage.currentRevision()).toBe(revision);
  });
});

describe('snapshots with LevelDB', () => {
  const dirs: string[] = [];
  afterAll(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('restores durably, and resourceVersions stay monotonic across a restart', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'kubesim-snapshot-'));
    dirs.push(dir);
    const first = await createCluster({ store: dir, components: [] });
    const cms = first.client.resource('', 'v1', 'configmaps');
    await Promise.all(Array.from({ length: 200 }, (_, i) => cms.create('default', { metadata: { name: name(i) }, data: { v: 'a' } })));
    const snap = first.snapshot();
    await Promise.all(Array.from({ length: 200 }, (_, i) => cms.patch('default', name(i), 'merge', { data: { v: 'b' } })));
    const restored = await first.restore(snap);
    expect(restored.changes).toBe(200);
    await first.close();

    const second = await createCluster({ store: dir, components: [] });
    try {
      // (+1: the restart points the kubernetes Endpoints at the new port)
      expect(second.storage.currentRevision()).toBe(restored.revision + 1);
      const items = second.client.resource('', 'v1', 'configmaps').list('default').items.filter((o) => o.metadata.name.startsWith('cm-'));
      expect(items.map((o) => o.data.v)).toEqual(Array(200).fill('a'));
      const next = await second.client.resource('', 'v1', 'configmaps').create('default', { metadata: { name: 'next' } });
      expect(Number(next.metadata.resourceVersion)).toBe(restored.revision + 2);
    } finally {
      await second.close();
    }
  });
});
