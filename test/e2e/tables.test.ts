// Table fidelity: what `kubectl get` prints for each resource, header line and rows, column for column as against a
// real cluster. Objects get explicit statuses through the API (a node no simulated kubelet manages, pods bound to it
// with the container states under test), so every cell is deterministic. One cluster; kubectl 1.27, 1.30 and 1.33
// read it in parallel.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_COMPONENTS } from '../../src/components.js';
import { startTestCluster, type TestCluster } from '../helpers/cluster.js';
import { apiOk, createNamespace } from '../helpers/http.js';
import { Kubectl } from '../helpers/kubectl.js';
import { waitFor } from '../helpers/wait.js';
import { AGE, createExternalNode, parseTable, rowOf, timeAgo, type PrintedTable } from './fidelity-util.js';

const VERSIONS = ['1.27', '1.30', '1.33'] as const;
const NS = 'tables';
const age = expect.stringMatching(AGE);

let cluster: TestCluster;
let url: string;
const kubectl = new Map<string, Kubectl>();

function pod(name: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name }, spec: { nodeName: 'node-a', containers: [{ name: 'c', image: 'nginx:1.25' }], ...extra } };
}

async function podWithStatus(name: string, status: Record<string, unknown>, spec: Record<string, unknown> = {}): Promise<void> {
  await apiOk(url, 'POST', `/api/v1/namespaces/${NS}/pods`, pod(name, spec));
  await apiOk(url, 'PATCH', `/api/v1/namespaces/${NS}/pods/${name}/status`, { status }, 'application/merge-patch+json');
}

const container = (state: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({ name: 'c', image: 'nginx:1.25', imageID: '', ready: false, restartCount: 0, started: false, state, ...extra });

beforeAll(async () => {
  cluster = await startTestCluster({ components: DEFAULT_COMPONENTS });
  url = cluster.url;
  for (const v of VERSIONS) kubectl.set(v, new Kubectl(v, cluster.kubeconfigPath));
  await createNamespace(url, NS);
  const node = await createExternalNode(url, 'node-a');
  await apiOk(url, 'POST', '/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases', {
    apiVersion: 'coordination.k8s.io/v1',
    kind: 'Lease',
    metadata: { name: 'node-a', ownerReferences: [{ apiVersion: 'v1', kind: 'Node', name: 'node-a', uid: node.metadata.uid }] },
    spec: { holderIdentity: 'node-a', leaseDurationSeconds: 40 },
  });

  const running = { running: { startedAt: timeAgo(60_000) } };
  await Promise.all([
    podWithStatus('creating', { phase: 'Pending', containerStatuses: [container({ waiting: { reason: 'ContainerCreating' } })] }),
    podWithStatus('done', {
      phase: 'Succeeded',
      podIP: '10.244.9.3',
      podIPs: [{ ip: '10.244.9.3' }],
      containerStatuses: [container({ terminated: { exitCode: 0, reason: 'Completed', startedAt: timeAgo(120_000), finishedAt: timeAgo(60_000) } })],
    }),
    podWithStatus('crash', {
      phase: 'Running',
      podIP: '10.244.9.4',
      podIPs: [{ ip: '10.244.9.4' }],
      containerStatuses: [
        container(
          { waiting: { reason: 'CrashLoopBackOff', message: 'back-off 5m0s restarting failed container=c' } },
          { restartCount: 4, lastState: { terminated: { exitCode: 1, reason: 'Error', startedAt: timeAgo(630_000), finishedAt: timeAgo(620_000) } } },
        ),
      ],
    }),
    podWithStatus(
      'running',
      {
        phase: 'Running',
        podIP: '10.244.9.5',
        podIPs: [{ ip: '10.244.9.5' }],
        conditions: [
          { type: 'example.com/gate', status: 'True' },
          { type: 'Ready', status: 'True' },
        ],
        containerStatuses: [container(running, { ready: true, started: true })],
      },
      { readinessGates: [{ conditionType: 'example.com/gate' }] },
    ),
    podWithStatus(
      'init',
      {
        phase: 'Pending',
        initContainerStatuses: [{ ...container(running, { started: true }), name: 'setup' }],
        containerStatuses: [container({ waiting: { reason: 'PodInitializing' } })],
      },
      { initContainers: [{ name: 'setup', image: 'busybox' }] },
    ),
    podWithStatus('terminating', {
      phase: 'Running',
      podIP: '10.244.9.6',
      podIPs: [{ ip: '10.244.9.6' }],
      conditions: [{ type: 'Ready', status: 'True' }],
      containerStatuses: [container(running, { ready: true, started: true })],
    }),
  ]);
  // Bound to a node: deleted gracefully, Terminating until its kubelet (none here) finishes.
  await apiOk(url, 'DELETE', `/api/v1/namespaces/${NS}/pods/terminating`);

  const svc = (name: string, spec: Record<string, unknown>) => apiOk(url, 'POST', `/api/v1/namespaces/${NS}/services`, { apiVersion: 'v1', kind: 'Service', metadata: { name }, spec });
  const port = { port: 80, targetPort: 8080 };
  await Promise.all([
    apiOk(url, 'POST', `/apis/apps/v1/namespaces/${NS}/deployments`, {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web' },
      spec: { replicas: 2, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'nginx', image: 'nginx:1.25' }] } } },
    }),
    svc('web', { selector: { app: 'web' }, ports: [port] }),
    svc('np', { type: 'NodePort', selector: { app: 'web' }, ports: [port] }),
    svc('lb', { type: 'LoadBalancer', selector: { app: 'web' }, ports: [port, { name: 'tls', port: 443, protocol: 'TCP' }] }),
    svc('ext', { type: 'ExternalName', externalName: 'example.com' }),
    svc('headless', { clusterIP: 'None', selector: { app: 'web' }, ports: [port] }),
    svc('manual', { ports: [{ port: 80 }] }),
    apiOk(url, 'POST', `/api/v1/namespaces/${NS}/configmaps`, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cfg' }, data: { a: '1' }, binaryData: { b: 'AAE=' } }),
    apiOk(url, 'POST', `/api/v1/namespaces/${NS}/secrets`, { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'sec' }, stringData: { user: 'u', pass: 'p' } }),
    apiOk(url, 'POST', `/api/v1/namespaces/${NS}/secrets`, { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'auth' }, type: 'kubernetes.io/basic-auth', stringData: { username: 'u', password: 'p' } }),
    apiOk(url, 'POST', `/api/v1/namespaces/${NS}/events`, {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name: 'crash.17f3a2b4c5d6e7f8' },
      involvedObject: { kind: 'Pod', namespace: NS, name: 'crash', apiVersion: 'v1', fieldPath: 'spec.containers{c}' },
      reason: 'BackOff',
      message: 'Back-off restarting failed container c in pod crash_tables',
      type: 'Warning',
      source: { component: 'kubelet', host: 'node-a' },
      firstTimestamp: timeAgo(2 * 24 * 3600_000),
      lastTimestamp: timeAgo(3 * 3600_000),
      count: 7,
    }),
  ]);
  const address = (ip: string) => ({ ip });
  await apiOk(url, 'POST', `/api/v1/namespaces/${NS}/endpoints`, {
    apiVersion: 'v1',
    kind: 'Endpoints',
    metadata: { name: 'manual' },
    subsets: [{ addresses: ['10.0.0.1', '10.0.0.2', '10.0.0.3', '10.0.0.4'].map(address), ports: [{ port: 80 }] }],
  });

  await apiOk(url, 'POST', `/apis/discovery.k8s.io/v1/namespaces/${NS}/endpointslices`, {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: { name: 'manual-slice', labels: { 'kubernetes.io/service-name': 'manual' } },
    addressType: 'IPv4',
    ports: [{ name: 'http', port: 80 }, { name: 'https' }, { name: 'metrics', port: 9090 }, { name: 'extra', port: 1 }],
    endpoints: [{ addresses: ['10.0.0.1'] }, { addresses: ['10.0.0.2'] }],
  });

  // A namespace held Terminating by a finalizer on its content.
  await createNamespace(url, 'doomed');
  await apiOk(url, 'POST', '/api/v1/namespaces/doomed/configmaps', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'held', finalizers: ['example.com/hold'] } });
  await apiOk(url, 'DELETE', '/api/v1/namespaces/doomed');

  // The controllers' part: the deployment's ReplicaSet and status, the namespace's service account.
  await waitFor('the deployment status', async () => (await apiOk(url, 'GET', `/apis/apps/v1/namespaces/${NS}/deployments/web`)).status?.updatedReplicas === 2);
  await waitFor('the replicaset status', async () => (await apiOk(url, 'GET', `/apis/apps/v1/namespaces/${NS}/replicasets`)).items[0]?.status?.replicas === 2);
  await waitFor('the default service account', async () => (await apiOk(url, 'GET', `/api/v1/namespaces/${NS}/serviceaccounts`)).items.length === 1);
  await waitFor('the web endpoints', async () => (await apiOk(url, 'GET', `/api/v1/namespaces/${NS}/endpoints`)).items.length === 5);
});

afterAll(async () => {
  await cluster?.stop();
});

/** `kubectl get ...` with every version at once; the parsed tables by version. */
async function getAll(...args: string[]): Promise<Map<string, PrintedTable>> {
  const outs = await Promise.all(VERSIONS.map((v) => kubectl.get(v)!.ok(['get', ...args])));
  return new Map(VERSIONS.map((v, i) => [v, parseTable(outs[i])]));
}

/** Shared between the version blocks: each command runs once, for all versions at once. */
const tables = new Map<string, Promise<Map<string, PrintedTable>>>();

describe.each(VERSIONS)('kubectl %s get', (version) => {
  const get = async (...args: string[]) => {
    const key = args.join(' ');
    if (!tables.has(key)) tables.set(key, getAll(...args));
    return (await tables.get(key)!).get(version)!;
  };

  it('pods and pods -o wide: the STATUS the container states make, RESTARTS with the last restart, the wide cells', async () => {
    const t = await get('pods', '-n', NS);
    expect(t.header).toEqual(['NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE']);
    expect(rowOf(t, 'crash')).toEqual(['crash', '0/1', 'CrashLoopBackOff', '4 (10m ago)', age]);

    const w = await get('pods', '-n', NS, '-o', 'wide');
    expect(w.header).toEqual(['NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE', 'IP', 'NODE', 'NOMINATED NODE', 'READINESS GATES']);
    expect(rowOf(w, 'creating')).toEqual(['creating', '0/1', 'ContainerCreating', '0', age, '<none>', 'node-a', '<none>', '<none>']);
    expect(rowOf(w, 'done')).toEqual(['done', '0/1', 'Completed', '0', age, '10.244.9.3', 'node-a', '<none>', '<none>']);
    expect(rowOf(w, 'crash')).toEqual(['crash', '0/1', 'CrashLoopBackOff', '4 (10m ago)', age, '10.244.9.4', 'node-a', '<none>', '<none>']);
    expect(rowOf(w, 'running')).toEqual(['running', '1/1', 'Running', '0', age, '10.244.9.5', 'node-a', '<none>', '1/1']);
    expect(rowOf(w, 'init')).toEqual(['init', '0/1', 'Init:0/1', '0', age, '<none>', 'node-a', '<none>', '<none>']);
    expect(rowOf(w, 'terminating')).toEqual(['terminating', '1/1', 'Terminating', '0', age, '10.244.9.6', 'node-a', '<none>', '<none>']);
    // The deployment's pods: not schedulable (the only node is tainted), no node, no IP.
    const webPods = w.rows.filter((r) => r[0].startsWith('web-'));
    expect(webPods).toHaveLength(2);
    for (const r of webPods) expect(r).toEqual([expect.stringMatching(/^web-[a-z0-9]+-[a-z0-9]{5}$/), '0/1', 'Pending', '0', age, '<none>', '<none>', '<none>', '<none>']);
  });

  it('deploy, rs', async () => {
    expect(await get('deploy', '-n', NS)).toEqual({ header: ['NAME', 'READY', 'UP-TO-DATE', 'AVAILABLE', 'AGE'], rows: [['web', '0/2', '2', '0', age]] });
    expect(await get('deploy', '-n', NS, '-o', 'wide')).toEqual({
      header: ['NAME', 'READY', 'UP-TO-DATE', 'AVAILABLE', 'AGE', 'CONTAINERS', 'IMAGES', 'SELECTOR'],
      rows: [['web', '0/2', '2', '0', age, 'nginx', 'nginx:1.25', 'app=web']],
    });
    expect(await get('rs', '-n', NS)).toEqual({ header: ['NAME', 'DESIRED', 'CURRENT', 'READY', 'AGE'], rows: [[expect.stringMatching(/^web-[a-z0-9]+$/), '2', '2', '0', age]] });
    const wide = await get('rs', '-n', NS, '-o', 'wide');
    expect(wide.header).toEqual(['NAME', 'DESIRED', 'CURRENT', 'READY', 'AGE', 'CONTAINERS', 'IMAGES', 'SELECTOR']);
    expect(wide.rows[0].slice(5)).toEqual(['nginx', 'nginx:1.25', expect.stringMatching(/^app=web,pod-template-hash=[a-z0-9]+$/)]);
  });

  it('nodes and nodes -o wide', async () => {
    expect(await get('nodes')).toEqual({ header: ['NAME', 'STATUS', 'ROLES', 'AGE', 'VERSION'], rows: [['node-a', 'Ready', 'control-plane', age, 'v1.33.1']] });
    expect(await get('nodes', '-o', 'wide')).toEqual({
      header: ['NAME', 'STATUS', 'ROLES', 'AGE', 'VERSION', 'INTERNAL-IP', 'EXTERNAL-IP', 'OS-IMAGE', 'KERNEL-VERSION', 'CONTAINER-RUNTIME'],
      rows: [['node-a', 'Ready', 'control-plane', age, 'v1.33.1', '172.30.9.2', '<none>', 'Ubuntu 24.04.1 LTS', '6.8.0-45-generic', 'containerd://1.7.22']],
    });
  });

  it('svc: ClusterIP, NodePort, LoadBalancer, ExternalName, headless', async () => {
    const t = await get('svc', '-n', NS, '-o', 'wide');
    expect(t.header).toEqual(['NAME', 'TYPE', 'CLUSTER-IP', 'EXTERNAL-IP', 'PORT(S)', 'AGE', 'SELECTOR']);
    const ip = expect.stringMatching(/^10\.\d+\.\d+\.\d+$/);
    expect(rowOf(t, 'web')).toEqual(['web', 'ClusterIP', ip, '<none>', '80/TCP', age, 'app=web']);
    expect(rowOf(t, 'np')).toEqual(['np', 'NodePort', ip, '<none>', expect.stringMatching(/^80:3\d{4}\/TCP$/), age, 'app=web']);
    expect(rowOf(t, 'lb')).toEqual(['lb', 'LoadBalancer', ip, '<pending>', expect.stringMatching(/^80:3\d{4}\/TCP,443:3\d{4}\/TCP$/), age, 'app=web']);
    expect(rowOf(t, 'ext')).toEqual(['ext', 'ExternalName', '<none>', 'example.com', '<none>', age, '<none>']);
    expect(rowOf(t, 'headless')).toEqual(['headless', 'ClusterIP', 'None', '<none>', '80/TCP', age, 'app=web']);
    expect(rowOf(t, 'manual')).toEqual(['manual', 'ClusterIP', ip, '<none>', '80/TCP', age, '<none>']);
    const def = await get('svc', 'kubernetes');
    expect(def).toEqual({ header: ['NAME', 'TYPE', 'CLUSTER-IP', 'EXTERNAL-IP', 'PORT(S)', 'AGE'], rows: [['kubernetes', 'ClusterIP', '10.96.0.1', '<none>', '443/TCP', age]] });
  });

  it('cm, secrets, sa', async () => {
    expect(await get('cm', '-n', NS)).toEqual({
      header: ['NAME', 'DATA', 'AGE'],
      rows: [
        ['cfg', '2', age],
        ['kube-root-ca.crt', '1', age],
      ],
    });
    expect(await get('secrets', '-n', NS)).toEqual({
      header: ['NAME', 'TYPE', 'DATA', 'AGE'],
      rows: [
        ['auth', 'kubernetes.io/basic-auth', '2', age],
        ['sec', 'Opaque', '2', age],
      ],
    });
    expect(await get('sa', '-n', NS)).toEqual({ header: ['NAME', 'SECRETS', 'AGE'], rows: [['default', '0', age]] });
  });

  it('ns: Active and Terminating', async () => {
    const t = await get('ns');
    expect(t.header).toEqual(['NAME', 'STATUS', 'AGE']);
    expect(rowOf(t, 'default')).toEqual(['default', 'Active', age]);
    expect(rowOf(t, 'doomed')).toEqual(['doomed', 'Terminating', age]);
    expect(t.rows.map((r) => r[0])).toEqual(['default', 'doomed', 'kube-node-lease', 'kube-public', 'kube-system', NS]);
  });

  it('events and events -o wide: LAST SEEN from lastTimestamp, FIRST SEEN, COUNT, SOURCE', async () => {
    const t = await get('events', '-n', NS);
    expect(t.header).toEqual(['LAST SEEN', 'TYPE', 'REASON', 'OBJECT', 'MESSAGE']);
    expect(rowOf(t, 'pod/crash', 'OBJECT')).toEqual(['3h', 'Warning', 'BackOff', 'pod/crash', 'Back-off restarting failed container c in pod crash_tables']);
    const w = await get('events', '-n', NS, '-o', 'wide');
    expect(w.header).toEqual(['LAST SEEN', 'TYPE', 'REASON', 'OBJECT', 'SUBOBJECT', 'SOURCE', 'MESSAGE', 'FIRST SEEN', 'COUNT', 'NAME']);
    expect(rowOf(w, 'pod/crash', 'OBJECT')).toEqual([
      '3h',
      'Warning',
      'BackOff',
      'pod/crash',
      'spec.containers{c}',
      'kubelet, node-a',
      'Back-off restarting failed container c in pod crash_tables',
      '2d',
      '7',
      'crash.17f3a2b4c5d6e7f8',
    ]);
    // The controllers' events are there too.
    expect(t.rows.some((r) => r[2] === 'ScalingReplicaSet' && r[3] === 'deployment/web')).toBe(true);
  });

  it('ep: up to three endpoints and "+ N more...", <none> without ready addresses', async () => {
    const t = await get('ep', '-n', NS);
    expect(t.header).toEqual(['NAME', 'ENDPOINTS', 'AGE']);
    expect(rowOf(t, 'manual')).toEqual(['manual', '10.0.0.1:80,10.0.0.2:80,10.0.0.3:80 + 1 more...', age]);
    expect(rowOf(t, 'web')).toEqual(['web', '<none>', age]);
  });

  it('ep warns that v1 Endpoints is deprecated, as a v1.33 server does', async () => {
    const r = await kubectl.get(version)!.run(['get', 'ep', '-n', NS, 'manual']);
    expect(r.code).toBe(0);
    expect(r.stderr.trim()).toBe('Warning: v1 Endpoints is deprecated in v1.33+; use discovery.k8s.io/v1 EndpointSlice');
  });

  it('endpointslices: the first three ports (number, else name), the addresses', async () => {
    const t = await get('endpointslices', '-n', NS);
    expect(t.header).toEqual(['NAME', 'ADDRESSTYPE', 'PORTS', 'ENDPOINTS', 'AGE']);
    expect(rowOf(t, 'manual-slice')).toEqual(['manual-slice', 'IPv4', '80,https,9090 + 1 more...', '10.0.0.1,10.0.0.2', age]);
  });

  it('leases -A', async () => {
    const t = await get('leases', '-A');
    expect(t.header).toEqual(['NAMESPACE', 'NAME', 'HOLDER', 'AGE']);
    expect(rowOf(t, 'node-a')).toEqual(['kube-node-lease', 'node-a', 'node-a', age]);
  });
});

describe('a server reporting an older version', () => {
  it('sends no Endpoints deprecation warning before v1.33', async () => {
    const old = await startTestCluster({ kubernetesVersion: 'v1.32.4' });
    try {
      const r = await new Kubectl('1.33', old.kubeconfigPath).run(['get', 'ep', 'kubernetes']);
      expect(r.code).toBe(0);
      expect(r.stderr).toBe('');
      expect(parseTable(r.stdout).header).toEqual(['NAME', 'ENDPOINTS', 'AGE']);
    } finally {
      await old.stop();
    }
  });
});
