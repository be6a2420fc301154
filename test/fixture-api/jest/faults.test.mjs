// A second jest file with its own cluster (jest runs files in separate workers): request recording and fault
// injection from a jest test, with @kubernetes/client-node as the client under test.
import * as k8s from '@kubernetes/client-node';
import { createCluster, FaultSpecError } from 'kubesim';

let cluster;
let core;

beforeAll(async () => {
  cluster = await createCluster({ clock: 'virtual', components: [], fixture: false, faults: true, recordRequests: true });
  core = (await cluster.kubeConfig()).makeApiClient(k8s.CoreV1Api);
});
afterEach(() => {
  cluster.faults.clear();
  cluster.requests.clear();
});
afterAll(() => cluster.close());

test('a client sees an injected 429 and its request is recorded with the rule', async () => {
  const rule = cluster.faults.add({ action: 'error', code: 429, retryAfterSeconds: 3, verb: 'create', resource: 'configmaps', count: 1 });
  const body = { metadata: { name: 'settings' }, data: { mode: 'fast' } };
  await expect(core.createNamespacedConfigMap({ namespace: 'default', body })).rejects.toMatchObject({ code: 429 });
  await core.createNamespacedConfigMap({ namespace: 'default', body }); // the rule is spent: the retry goes through
  expect(cluster.requests({ verb: 'create', resource: 'configmaps' }).map((r) => [r.code, r.fault])).toEqual([
    [429, rule.id],
    [201, undefined],
  ]);
});

test('a bad fault rule throws kubesim\'s FaultSpecError', () => {
  expect(() => cluster.faults.add({ action: 'error', code: 418 })).toThrow(FaultSpecError);
});
