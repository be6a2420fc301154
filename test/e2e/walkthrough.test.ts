// Issue 4's walkthrough, as a user types it on a fresh `npm start`, with real kubectl 1.27 and 1.33 against the
// default living cluster (master + node01 + node02 and a kubeadm-like kube-system). Every step asserts on what
// kubectl prints; the objects behind it are checked only where the printed table cannot show it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLivingCluster, type TestCluster } from '../helpers/cluster.js';
import { Kubectl, KUBECTL_VERSIONS } from '../helpers/kubectl.js';
import { waitFor } from '../helpers/wait.js';
import { AGE, cells, lines, parseTable, rowOf } from './fidelity-util.js';

type Obj = Record<string, any>;

const inNet = (ip: string, prefix: string) => ip.startsWith(prefix);

/** 10.96.0.0/12: 10.96.0.0 - 10.111.255.255. */
function inServiceCidr(ip: string): boolean {
  const [a, b] = ip.split('.').map(Number);
  return a === 10 && b! >= 96 && b! <= 111;
}

/** Follows the test-web pods and ReplicaSets through watches (every intermediate state, not samples): the fewest
 * ready pods, the most live (not terminating) pods, and the largest sum of the ReplicaSets' desired replicas seen. */
function trackPods(c: TestCluster) {
  const sets = new Map<string, number>();
  const rsList = c.client.replicasets.list('default', { labelSelector: 'app=test-web' });
  for (const rs of rsList.items) sets.set(rs.metadata.name, rs.spec.replicas);
  let maxDesired = [...sets.values()].reduce((a, b) => a + b, 0);
  const rsWatch = c.client.replicasets.watch('default', Number(rsList.resourceVersion), (e) => {
    if (e.object.metadata.labels?.app !== 'test-web') return;
    if (e.type === 'DELETED') sets.delete(e.object.metadata.name);
    else sets.set(e.object.metadata.name, e.object.spec.replicas);
    maxDesired = Math.max(maxDesired, [...sets.values()].reduce((a, b) => a + b, 0));
  });
  const pods = new Map<string, Obj>();
  const list = c.client.pods.list('default', { labelSelector: 'app=test-web' });
  for (const p of list.items) pods.set(p.metadata.name, p);
  const live = () => [...pods.values()].filter((p) => !p.metadata.deletionTimestamp);
  const isReady = (p: Obj) => (p.status?.conditions ?? []).some((x: Obj) => x.type === 'Ready' && x.status === 'True');
  const seen = { minReady: live().filter(isReady).length, maxPods: live().length, images: new Set<string>() };
  const w = c.client.pods.watch('default', Number(list.resourceVersion), (e) => {
    if (e.object.metadata.labels?.app !== 'test-web') return;
    if (e.type === 'DELETED') pods.delete(e.object.metadata.name);
    else pods.set(e.object.metadata.name, e.object);
    for (const p of live()) seen.images.add(p.spec.containers[0].image);
    seen.minReady = Math.min(seen.minReady, live().filter(isReady).length);
    seen.maxPods = Math.max(seen.maxPods, live().length);
  });
  return {
    stop: () => {
      w.stop();
      rsWatch.stop();
      return { ...seen, maxDesired };
    },
  };
}

describe.each(KUBECTL_VERSIONS)('the issue-4 walkthrough with kubectl %s', (version) => {
  let c: TestCluster;
  let k: Kubectl;
  const json = async (...args: string[]): Promise<Obj> => JSON.parse(await k.ok([...args, '-o', 'json']));
  const appPods = async (): Promise<Obj[]> => (await json('get', 'pods', '-l', 'app=test-web')).items.filter((p: Obj) => !p.metadata.deletionTimestamp);

  beforeAll(async () => {
    c = await startLivingCluster();
    k = new Kubectl(version, c.kubeconfigPath);
  });
  afterAll(() => c?.stop());

  it('kubectl get nodes: master (control-plane, NoSchedule taint), node01, node02, all Ready', async () => {
    const t = parseTable(await k.ok(['get', 'nodes']));
    expect(t.header).toEqual(['NAME', 'STATUS', 'ROLES', 'AGE', 'VERSION']);
    expect(t.rows.map((r) => r.slice(0, 3))).toEqual([
      ['master', 'Ready', 'control-plane'],
      ['node01', 'Ready', '<none>'],
      ['node02', 'Ready', '<none>'],
    ]);
    for (const r of t.rows) expect(r[4]).toMatch(/^v1\.\d+\.\d+$/);
    const taints = await k.ok(['get', 'node', 'master', '-o', 'jsonpath={range .spec.taints[*]}{.key}:{.effect}{"\\n"}{end}']);
    expect(lines(taints)).toEqual(['node-role.kubernetes.io/control-plane:NoSchedule']);
    expect(await k.ok(['describe', 'node', 'master'])).toMatch(/^Taints:\s+node-role\.kubernetes\.io\/control-plane:NoSchedule$/m);
  });

  it('kubectl get pod --all-namespaces -o wide: kube-system Running like kubeadm with flannel', async () => {
    const t = parseTable(await k.ok(['get', 'pod', '--all-namespaces', '-o', 'wide']));
    expect(t.header).toEqual(['NAMESPACE', 'NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE', 'IP', 'NODE', 'NOMINATED NODE', 'READINESS GATES']);
    const system = t.rows.filter((r) => r[0] === 'kube-system');
    // kubeadm's control plane (4 static pods), kube-proxy on every node, 2 coredns; flannel in its own namespace.
    expect(system).toHaveLength(9);
    for (const r of t.rows) {
      expect(r[3], r[1]).toBe('Running');
      expect(r[2], r[1]).toBe('1/1');
    }
    const names = t.rows.map((r) => r[1]!);
    for (const n of ['etcd-master', 'kube-apiserver-master', 'kube-controller-manager-master', 'kube-scheduler-master']) expect(names).toContain(n);
    expect(names.filter((n) => n.startsWith('coredns-'))).toHaveLength(2);
    const flannel = t.rows.filter((r) => r[1]!.startsWith('kube-flannel-ds-'));
    expect(flannel.map((r) => r[7]).sort()).toEqual(['master', 'node01', 'node02']);
    expect(new Set(flannel.map((r) => r[0]))).toEqual(new Set(['kube-flannel']));
    for (const r of flannel) expect(r[6]).toBe({ master: '172.30.0.2', node01: '172.30.0.3', node02: '172.30.0.4' }[r[7]!]);
    const proxies = t.rows.filter((r) => r[1]!.startsWith('kube-proxy-'));
    expect(proxies.map((r) => r[7]).sort()).toEqual(['master', 'node01', 'node02']);
  });

  it('create deployment test-web --image=httpd --replicas=2; rollout status succeeds', async () => {
    expect(await k.ok(['create', 'deployment', 'test-web', '--image=httpd', '--replicas=2'])).toBe('deployment.apps/test-web created\n');
    const status = await k.ok(['rollout', 'status', 'deploy/test-web', '--timeout=30s']);
    expect(lines(status).at(-1)).toBe('deployment "test-web" successfully rolled out');
  });

  it('get deploy, rs, pod -o wide: 2/2 READY, one pod per worker, IPs from each node\'s podCIDR', async () => {
    const deploy = parseTable(await k.ok(['get', 'deploy']));
    expect(deploy.header).toEqual(['NAME', 'READY', 'UP-TO-DATE', 'AVAILABLE', 'AGE']);
    expect(rowOf(deploy, 'test-web').slice(0, 4)).toEqual(['test-web', '2/2', '2', '2']);
    const rs = parseTable(await k.ok(['get', 'rs']));
    expect(rs.header).toEqual(['NAME', 'DESIRED', 'CURRENT', 'READY', 'AGE']);
    expect(rs.rows).toHaveLength(1);
    expect(rs.rows[0]![0]).toMatch(/^test-web-[a-z0-9]{8,10}$/);
    expect(rs.rows[0]!.slice(1, 4)).toEqual(['2', '2', '2']);
    const pods = parseTable(await k.ok(['get', 'pod', '-o', 'wide']));
    expect(pods.header).toEqual(['NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE', 'IP', 'NODE', 'NOMINATED NODE', 'READINESS GATES']);
    expect(pods.rows).toHaveLength(2);
    for (const r of pods.rows) {
      expect(r[0]).toMatch(new RegExp(`^${rs.rows[0]![0]}-[a-z0-9]{5}$`));
      expect(r.slice(1, 4)).toEqual(['1/1', 'Running', '0']);
      expect(r[4]).toMatch(AGE);
      expect(r.slice(7)).toEqual(['<none>', '<none>']);
    }
    const byNode = Object.fromEntries(pods.rows.map((r) => [r[6], r[5]]));
    expect(Object.keys(byNode).sort()).toEqual(['node01', 'node02']);
    expect(inNet(byNode.node01!, '10.244.1.')).toBe(true);
    expect(inNet(byNode.node02!, '10.244.2.')).toBe(true);
    expect(lines(await k.ok(['get', 'nodes', '-o', 'jsonpath={range .items[*]}{.metadata.name}={.spec.podCIDR}{"\\n"}{end}']))).toEqual([
      'master=10.244.0.0/24',
      'node01=10.244.1.0/24',
      'node02=10.244.2.0/24',
    ]);
  });

  it('delete one pod: the ReplicaSet makes a new one, still two pods', async () => {
    const before = await appPods();
    const victim = before[0]!.metadata.name;
    const out = await k.ok(['delete', 'pod', victim]);
    expect(out).toMatch(new RegExp(`^pod "${victim}" deleted`));
    const after = await waitFor('two Running pods again', async () => {
      const pods = await appPods();
      return pods.length === 2 && pods.every((p) => p.status?.phase === 'Running') && !pods.some((p) => p.metadata.name === victim) && pods;
    });
    expect(after.map((p) => p.metadata.name)).toContain(before[1]!.metadata.name);
    const t = parseTable(await k.ok(['get', 'pod']));
    expect(t.rows.map((r) => r[0]).sort()).toEqual(after.map((p) => p.metadata.name).sort());
    expect(rowOf(parseTable(await k.ok(['get', 'deploy'])), 'test-web')[1]).toMatch(/^\d\/2$/);
  });

  it('scale to 5, set image httpd=httpd:2.4: the rolling update completes', async () => {
    expect(await k.ok(['scale', 'deploy', 'test-web', '--replicas=5'])).toBe('deployment.apps/test-web scaled\n');
    expect(lines(await k.ok(['rollout', 'status', 'deploy/test-web', '--timeout=30s'])).at(-1)).toBe('deployment "test-web" successfully rolled out');
    expect(rowOf(parseTable(await k.ok(['get', 'deploy'])), 'test-web').slice(1, 4)).toEqual(['5/5', '5', '5']);
    // Watch the pods through the update: the default strategy (25% maxSurge, 25% maxUnavailable of 5 replicas)
    // keeps at least 4 pods ready and the ReplicaSets at most 7 replicas in all at any time. (Pods themselves may
    // briefly number more, as upstream: the new set's controller can create before the old one's deletes.)
    const watched = trackPods(c);
    expect(await k.ok(['set', 'image', 'deploy/test-web', 'httpd=httpd:2.4'])).toBe('deployment.apps/test-web image updated\n');
    const status = await k.ok(['rollout', 'status', 'deploy/test-web', '--timeout=30s']);
    expect(lines(status).at(-1)).toBe('deployment "test-web" successfully rolled out');
    const seen = watched.stop();
    expect(seen.minReady).toBeGreaterThanOrEqual(4);
    expect(seen.maxDesired).toBe(7); // it did surge, by 2 and no more
    expect(seen.maxPods).toBeGreaterThan(5);
    expect(seen.images).toEqual(new Set(['httpd', 'httpd:2.4']));
    const deploy = parseTable(await k.ok(['get', 'deploy', '-o', 'wide']));
    expect(deploy.header).toEqual(['NAME', 'READY', 'UP-TO-DATE', 'AVAILABLE', 'AGE', 'CONTAINERS', 'IMAGES', 'SELECTOR']);
    expect(rowOf(deploy, 'test-web').slice(1, 4)).toEqual(['5/5', '5', '5']);
    expect(rowOf(deploy, 'test-web').slice(5)).toEqual(['httpd', 'httpd:2.4', 'app=test-web']);
    // Two ReplicaSets: the old one scaled to 0, the new one at 5.
    const rs = parseTable(await k.ok(['get', 'rs', '-o', 'wide']));
    expect(rs.rows.map((r) => [r.slice(1, 4).join('/'), r[6]]).sort()).toEqual([['0/0/0', 'httpd'], ['5/5/5', 'httpd:2.4']]);
    await waitFor('old pods gone', async () => (await json('get', 'pods', '-l', 'app=test-web')).items.length === 5);
    const pods = await appPods();
    expect(pods.map((p) => p.spec.containers[0].image)).toEqual(Array(5).fill('httpd:2.4'));
    expect(new Set(pods.map((p) => p.spec.nodeName))).toEqual(new Set(['node01', 'node02']));
  });

  it('rollout history shows 2 revisions; rollout undo goes back to the httpd image', async () => {
    const history = lines(await k.ok(['rollout', 'history', 'deploy/test-web']));
    expect(history[0]!.trim()).toBe('deployment.apps/test-web');
    expect(cells(history[1]!)).toEqual(['REVISION', 'CHANGE-CAUSE']);
    expect(history.slice(2).map(cells)).toEqual([['1', '<none>'], ['2', '<none>']]);
    const rev2 = await k.ok(['rollout', 'history', 'deploy/test-web', '--revision=2']);
    expect(rev2).toMatch(/Image:\s+httpd:2\.4/);
    expect(await k.ok(['rollout', 'undo', 'deploy/test-web'])).toBe('deployment.apps/test-web rolled back\n');
    expect(lines(await k.ok(['rollout', 'status', 'deploy/test-web', '--timeout=30s'])).at(-1)).toBe('deployment "test-web" successfully rolled out');
    expect(await k.ok(['get', 'deploy', 'test-web', '-o', 'jsonpath={.spec.template.spec.containers[0].image}'])).toBe('httpd');
    // Revision 1 became revision 3.
    expect(lines(await k.ok(['rollout', 'history', 'deploy/test-web'])).slice(2).map(cells)).toEqual([['2', '<none>'], ['3', '<none>']]);
    await waitFor('only httpd pods', async () => {
      const pods = (await json('get', 'pods', '-l', 'app=test-web')).items;
      return pods.length === 5 && pods.every((p: Obj) => p.spec.containers[0].image === 'httpd' && p.status.phase === 'Running');
    });
    expect(rowOf(parseTable(await k.ok(['get', 'deploy'])), 'test-web').slice(1, 4)).toEqual(['5/5', '5', '5']);
  });

  it('expose --port=80; get svc,endpoints,endpointslices: a ClusterIP from 10.96.0.0/12, 5 ready endpoints', async () => {
    expect(await k.ok(['expose', 'deploy', 'test-web', '--port=80'])).toBe('service/test-web exposed\n');
    const ips = (await appPods()).map((p) => p.status.podIP).sort();
    await waitFor('5 ready endpoints', async () => {
      const slices = (await json('get', 'endpointslices', '-l', 'kubernetes.io/service-name=test-web')).items;
      return slices.flatMap((s: Obj) => s.endpoints ?? []).filter((e: Obj) => e.conditions?.ready).length === 5;
    });
    const r = await k.run(['get', 'svc,endpoints,endpointslices']);
    expect(r.code).toBe(0);
    const blocks = r.stdout.split('\n\n').map(parseTable);
    expect(blocks).toHaveLength(3);
    const [svc, ep, eps] = blocks as [ReturnType<typeof parseTable>, ReturnType<typeof parseTable>, ReturnType<typeof parseTable>];
    expect(svc.header).toEqual(['NAME', 'TYPE', 'CLUSTER-IP', 'EXTERNAL-IP', 'PORT(S)', 'AGE']);
    expect(rowOf(svc, 'service/kubernetes').slice(1, 5)).toEqual(['ClusterIP', '10.96.0.1', '<none>', '443/TCP']);
    const web = rowOf(svc, 'service/test-web');
    expect(web[1]).toBe('ClusterIP');
    expect(inServiceCidr(web[2]!)).toBe(true);
    expect(web.slice(3, 5)).toEqual(['<none>', '80/TCP']);
    expect(ep.header).toEqual(['NAME', 'ENDPOINTS', 'AGE']);
    // Endpoints prints three addresses and "+ 2 more..."
    expect(rowOf(ep, 'endpoints/test-web')[1]).toMatch(/^(10\.244\.\d+\.\d+:80,){2}10\.244\.\d+\.\d+:80 \+ 2 more\.\.\.$/);
    expect(eps.header).toEqual(['NAME', 'ADDRESSTYPE', 'PORTS', 'ENDPOINTS', 'AGE']);
    const slice = eps.rows.find((row) => row[0]!.startsWith('endpointslice.discovery.k8s.io/test-web-'))!;
    expect(slice.slice(1, 3)).toEqual(['IPv4', '80']);
    expect(slice[3]).toMatch(/^(10\.244\.\d+\.\d+,){2}10\.244\.\d+\.\d+ \+ 2 more\.\.\.$/);
    const endpoints = await json('get', 'endpoints', 'test-web');
    expect(endpoints.subsets).toHaveLength(1);
    expect(endpoints.subsets[0].addresses.map((a: Obj) => a.ip).sort()).toEqual(ips);
    expect(endpoints.subsets[0].ports).toEqual([{ port: 80, protocol: 'TCP' }]);
    if (version === '1.33') expect(r.stderr).toContain('Warning: v1 Endpoints is deprecated in v1.33+; use discovery.k8s.io/v1 EndpointSlice');
  });

  it('delete deploy test-web: its ReplicaSets and pods are garbage-collected', async () => {
    expect(await k.ok(['delete', 'deploy', 'test-web'])).toMatch(/^deployment\.apps "test-web" deleted/);
    await waitFor(
      'no ReplicaSets or pods',
      async () => {
        const r = await k.run(['get', 'rs,pods', '-l', 'app=test-web']);
        return r.code === 0 && r.stdout === '' && r.stderr.trim() === 'No resources found in default namespace.';
      },
      30_000,
    );
    expect((await k.run(['get', 'deploy', 'test-web'])).stderr).toContain('Error from server (NotFound): deployments.apps "test-web" not found');
  });

  it('create ns demo with a configmap; delete ns demo: content removed, namespace gone, not stuck Terminating', async () => {
    expect(await k.ok(['create', 'ns', 'demo'])).toBe('namespace/demo created\n');
    expect(await k.ok(['create', 'configmap', 'settings', '-n', 'demo', '--from-literal=color=blue'])).toBe('configmap/settings created\n');
    // The namespace controller gives every namespace its default ServiceAccount and root CA ConfigMap.
    await waitFor('default serviceaccount', async () => (await k.run(['get', 'sa', 'default', '-n', 'demo'])).code === 0);
    const cms = parseTable(await k.ok(['get', 'cm', '-n', 'demo']));
    expect(cms.rows.map((r) => r[0]).sort()).toEqual(['kube-root-ca.crt', 'settings']);
    // kubectl delete waits until the namespace is gone (--wait is on by default): it would hang if stuck.
    const deleted = await k.run(['delete', 'ns', 'demo', '--timeout=30s']);
    expect(deleted.code, deleted.stderr).toBe(0);
    expect(deleted.stdout).toMatch(/^namespace "demo" deleted/);
    const r = await k.run(['get', 'ns', 'demo']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('Error from server (NotFound): namespaces "demo" not found');
    expect(c.client.resource('', 'v1', 'configmaps').list('demo').items).toEqual([]);
  });
});
