// Issue 4 with @kubernetes/client-node: a Deployment of 50 replicas reaches 50 ready replicas (read through the API),
// and deleting it with propagationPolicy=Foreground removes every pod before the Deployment itself disappears, the
// Deployment carrying the foregroundDeletion finalizer for as long as pods remain. Both watches are the library's
// own (k8s.Watch over HTTP), so the order asserted is the order a client sees.
import * as k8s from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_COMPONENTS } from '../../src/components.js';
import { startTestCluster, type TestCluster } from '../helpers/cluster.js';
import { waitFor } from '../helpers/wait.js';

interface Seen {
  /** The resourceVersion of the event: the store's global revision, so events of the three watches can be ordered
   * (their streams are separate connections, so arrival order across them means nothing). */
  seq: number;
  kind: 'Pod' | 'ReplicaSet' | 'Deployment';
  type: string;
  name: string;
  finalizers: string[];
  deleting: boolean;
}

const REPLICAS = 50;

describe('a 50-replica Deployment through @kubernetes/client-node', () => {
  let c: TestCluster;
  let kc: k8s.KubeConfig;
  let apps: k8s.AppsV1Api;
  let core: k8s.CoreV1Api;

  beforeAll(async () => {
    c = await startTestCluster({ components: DEFAULT_COMPONENTS, fixture: 'default' });
    kc = await c.kubeConfig();
    apps = kc.makeApiClient(k8s.AppsV1Api);
    core = kc.makeApiClient(k8s.CoreV1Api);
  });
  afterAll(() => c?.stop());

  it('reaches 50 ready replicas', async () => {
    await apps.createNamespacedDeployment({
      namespace: 'default',
      body: {
        metadata: { name: 'big', labels: { app: 'big' } },
        spec: {
          replicas: REPLICAS,
          selector: { matchLabels: { app: 'big' } },
          template: { metadata: { labels: { app: 'big' } }, spec: { containers: [{ name: 'web', image: 'nginx:1.27' }] } },
        },
      },
    });
    const d = await waitFor(
      '50 ready replicas',
      async () => {
        const d = await apps.readNamespacedDeployment({ namespace: 'default', name: 'big' });
        return d.status?.readyReplicas === REPLICAS && d;
      },
      30_000,
    );
    expect(d.status).toMatchObject({ replicas: REPLICAS, updatedReplicas: REPLICAS, readyReplicas: REPLICAS, availableReplicas: REPLICAS, observedGeneration: 1 });
    expect(d.status?.conditions?.find((x) => x.type === 'Available')?.status).toBe('True');
    const pods = await core.listNamespacedPod({ namespace: 'default', labelSelector: 'app=big' });
    expect(pods.items).toHaveLength(REPLICAS);
    expect(pods.items.every((p) => p.status?.phase === 'Running')).toBe(true);
    // The workers share them (the control plane's NoSchedule taint keeps them off master).
    const perNode = new Map<string, number>();
    for (const p of pods.items) perNode.set(p.spec!.nodeName!, (perNode.get(p.spec!.nodeName!) ?? 0) + 1);
    expect([...perNode.keys()].sort()).toEqual(['node01', 'node02']);
    expect(Math.abs(perNode.get('node01')! - perNode.get('node02')!)).toBeLessThanOrEqual(2);
  });

  it('Foreground deletion removes all pods (and the ReplicaSet) before the Deployment', async () => {
    const seen: Seen[] = [];
    const watch = new k8s.Watch(kc);
    const aborts: AbortController[] = [];
    const follow = async (kind: Seen['kind'], path: string, query: Record<string, string>) => {
      const listed = kind === 'Pod'
        ? await core.listNamespacedPod({ namespace: 'default', labelSelector: 'app=big' })
        : kind === 'ReplicaSet'
          ? await apps.listNamespacedReplicaSet({ namespace: 'default', labelSelector: 'app=big' })
          : await apps.listNamespacedDeployment({ namespace: 'default', fieldSelector: 'metadata.name=big' });
      aborts.push(
        await watch.watch(
          path,
          { ...query, resourceVersion: listed.metadata!.resourceVersion!, allowWatchBookmarks: 'false' },
          (type, obj: k8s.KubernetesObject) => {
            if (type === 'BOOKMARK') return;
            seen.push({
              seq: Number(obj.metadata!.resourceVersion),
              kind,
              type,
              name: obj.metadata!.name!,
              finalizers: obj.metadata?.finalizers ?? [],
              deleting: !!obj.metadata?.deletionTimestamp,
            });
          },
          () => undefined,
        ),
      );
    };
    await follow('Pod', '/api/v1/namespaces/default/pods', { labelSelector: 'app=big' });
    await follow('ReplicaSet', '/apis/apps/v1/namespaces/default/replicasets', { labelSelector: 'app=big' });
    await follow('Deployment', '/apis/apps/v1/namespaces/default/deployments', { fieldSelector: 'metadata.name=big' });
    try {
      await apps.deleteNamespacedDeployment({ namespace: 'default', name: 'big', propagationPolicy: 'Foreground' });
      await waitFor('the Deployment DELETED event', () => seen.some((s) => s.kind === 'Deployment' && s.type === 'DELETED'), 30_000);
    } finally {
      for (const a of aborts) a.abort();
    }
    const podDeletes = seen.filter((s) => s.kind === 'Pod' && s.type === 'DELETED');
    expect(new Set(podDeletes.map((s) => s.name)).size).toBe(REPLICAS);
    const deploymentDeleted = seen.find((s) => s.kind === 'Deployment' && s.type === 'DELETED')!;
    const rsDeleted = seen.find((s) => s.kind === 'ReplicaSet' && s.type === 'DELETED')!;
    const lastPod = Math.max(...podDeletes.map((s) => s.seq));
    expect(deploymentDeleted.seq).toBeGreaterThan(lastPod);
    expect(rsDeleted.seq).toBeGreaterThan(lastPod);
    expect(deploymentDeleted.seq).toBeGreaterThan(rsDeleted.seq);
    // While pods remained, every state of the Deployment seen was "deleting, with foregroundDeletion".
    const deploymentWhilePods = seen.filter((s) => s.kind === 'Deployment' && s.seq < lastPod);
    expect(deploymentWhilePods.length).toBeGreaterThan(0);
    for (const s of deploymentWhilePods) {
      expect(s.deleting).toBe(true);
      expect(s.finalizers).toContain('foregroundDeletion');
    }
    // The ReplicaSet (the pods' owner) was deleted in the foreground too: it has dependents of its own.
    expect(seen.some((s) => s.kind === 'ReplicaSet' && s.deleting && s.finalizers.includes('foregroundDeletion'))).toBe(true);
    // Nothing is left.
    expect((await core.listNamespacedPod({ namespace: 'default', labelSelector: 'app=big' })).items).toEqual([]);
    expect((await apps.listNamespacedReplicaSet({ namespace: 'default', labelSelector: 'app=big' })).items).toEqual([]);
    await expect(apps.readNamespacedDeployment({ namespace: 'default', name: 'big' })).rejects.toMatchObject({ code: 404 });
  });
});
