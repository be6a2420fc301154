// The README's second example: another test file with its own cluster (vitest runs files in parallel), one cluster
// for the whole file and reset() between tests so that each test starts from the fixture state. Also: several
// clusters in one process are fully isolated (ports, state, clocks).
import * as k8s from '@kubernetes/client-node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createCluster, type Cluster, type VirtualClock } from '../../src/index.js';

let cluster: Cluster<VirtualClock>;
let apps: k8s.AppsV1Api;
let core: k8s.CoreV1Api;

beforeAll(async () => {
  cluster = await createCluster({ clock: 'virtual' });
  const kc = await cluster.kubeConfig();
  apps = kc.makeApiClient(k8s.AppsV1Api);
  core = kc.makeApiClient(k8s.CoreV1Api);
});
afterEach(() => cluster.reset());
afterAll(() => cluster.close());

const web = (replicas: number): k8s.V1Deployment => ({
  metadata: { name: 'web' },
  spec: {
    replicas,
    selector: { matchLabels: { app: 'web' } },
    template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'nginx:1.27' }] } },
  },
});

describe('a deployment on the default cluster', () => {
  it('rolls out once simulated time lets the pods start', async () => {
    await apps.createNamespacedDeployment({ namespace: 'default', body: web(3) });
    await cluster.clock.advance(0); // controllers and the scheduler react at once; the kubelets' delays need time
    const pods = await core.listNamespacedPod({ namespace: 'default', labelSelector: 'app=web' });
    expect(pods.items).toHaveLength(3);
    expect(pods.items.map((p) => [p.status?.phase, !!p.spec?.nodeName])).toEqual([['Pending', true], ['Pending', true], ['Pending', true]]);
    await cluster.clock.advance('10s');
    const d = await apps.readNamespacedDeployment({ namespace: 'default', name: 'web' });
    expect(d.status).toMatchObject({ replicas: 3, readyReplicas: 3, availableReplicas: 3, updatedReplicas: 3 });
    const running = await core.listNamespacedPod({ namespace: 'default', labelSelector: 'app=web' });
    expect(running.items.map((p) => p.status?.phase)).toEqual(['Running', 'Running', 'Running']);
    expect(new Set(running.items.map((p) => p.spec?.nodeName)).size).toBeGreaterThan(1); // spread over the workers
  });

  it('starts from the fixture state again: the previous test left nothing behind', async () => {
    const deployments = await apps.listNamespacedDeployment({ namespace: 'default' });
    expect(deployments.items).toEqual([]);
    expect((await core.listNamespacedPod({ namespace: 'default' })).items).toEqual([]);
    const system = await core.listNamespacedPod({ namespace: 'kube-system' });
    expect(system.items.length).toBeGreaterThan(5); // the fixture's control plane, kube-proxy, flannel, coredns
  });
});

describe('several clusters in one process', () => {
  it('have their own ports, state and clocks', async () => {
    const [a, b] = await Promise.all([createCluster({ clock: 'virtual' }), createCluster({ clock: 'virtual', nodes: 3 })]);
    try {
      expect(new Set([a.port, b.port, cluster.port]).size).toBe(3);
      await a.client.namespaces.create(undefined, { metadata: { name: 'only-in-a' } });
      expect(a.client.namespaces.get(undefined, 'only-in-a')).toBeDefined();
      expect(b.client.namespaces.get(undefined, 'only-in-a')).toBeUndefined();
      expect(cluster.client.namespaces.get(undefined, 'only-in-a')).toBeUndefined();
      expect(b.client.nodes.list().items).toHaveLength(4); // control plane + 3 workers
      expect(a.client.nodes.list().items).toHaveLength(3);
      const before = b.clock.now();
      await a.clock.advance('1h');
      expect(b.clock.now()).toBe(before);
      expect(a.clock.now() - before).toBeGreaterThanOrEqual(3_600_000);
      // Over HTTP too: each kubeconfig reaches its own cluster.
      const coreB = (await b.kubeConfig()).makeApiClient(k8s.CoreV1Api);
      const names = (await coreB.listNamespace()).items.map((n) => n.metadata!.name);
      expect(names).not.toContain('only-in-a');
      expect(b.clientOptions).toEqual({ name: 'kubesim', server: b.url, skipTLSVerify: true });
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });
});
