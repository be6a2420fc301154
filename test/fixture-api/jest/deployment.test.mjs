// kubesim under jest: one cluster for the file on a virtual clock, reset() between tests, close() at the end. It
// imports the package by its name, as a user's test would (Node and jest resolve a package's own name to its exports,
// i.e. dist/). describe/it/expect/beforeAll... are jest's globals.
import * as k8s from '@kubernetes/client-node';
import { createCluster } from 'kubesim';

let cluster;
let apps;
let core;

beforeAll(async () => {
  cluster = await createCluster({ clock: 'virtual' });
  const kc = await cluster.kubeConfig();
  apps = kc.makeApiClient(k8s.AppsV1Api);
  core = kc.makeApiClient(k8s.CoreV1Api);
});
afterEach(() => cluster.reset());
afterAll(() => cluster.close());

const web = (replicas) => ({
  metadata: { name: 'web' },
  spec: {
    replicas,
    selector: { matchLabels: { app: 'web' } },
    template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'nginx:1.27' }] } },
  },
});

describe('a deployment', () => {
  test('becomes ready once simulated time lets its pods start', async () => {
    await apps.createNamespacedDeployment({ namespace: 'default', body: web(3) });
    await cluster.clock.advance(0); // the controllers and the scheduler act at once
    expect((await apps.readNamespacedDeployment({ namespace: 'default', name: 'web' })).status?.readyReplicas).toBeUndefined();
    await cluster.clock.advance('10s'); // the simulated kubelets pull and start the containers
    const d = await apps.readNamespacedDeployment({ namespace: 'default', name: 'web' });
    expect(d.status).toMatchObject({ replicas: 3, readyReplicas: 3, availableReplicas: 3 });
    const pods = await core.listNamespacedPod({ namespace: 'default', labelSelector: 'app=web' });
    expect(pods.items.map((p) => p.status?.phase)).toEqual(['Running', 'Running', 'Running']);
  });

  test('is gone after reset(): each test starts from the fixture state', async () => {
    expect((await apps.listNamespacedDeployment({ namespace: 'default' })).items).toEqual([]);
    expect((await core.listNamespacedPod({ namespace: 'default' })).items).toEqual([]);
    await expect(apps.readNamespacedDeployment({ namespace: 'default', name: 'web' })).rejects.toMatchObject({ code: 404 });
  });

  test('scales down in cluster time', async () => {
    await apps.createNamespacedDeployment({ namespace: 'default', body: web(2) });
    await cluster.clock.advance('10s');
    await apps.patchNamespacedDeploymentScale(
      { namespace: 'default', name: 'web', body: { spec: { replicas: 1 } } },
      k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch),
    );
    await cluster.clock.advance('1m'); // past the pods' 30 s termination grace period
    const d = await apps.readNamespacedDeployment({ namespace: 'default', name: 'web' });
    expect(d.status).toMatchObject({ replicas: 1, readyReplicas: 1 });
    expect((await core.listNamespacedPod({ namespace: 'default', labelSelector: 'app=web' })).items).toHaveLength(1);
  });
});
