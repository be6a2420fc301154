// Issue 6's workload controllers through real kubectl 1.27 and 1.33 on the default cluster: a StatefulSet's ordered
// scale-up (web-0 Running and Ready before web-1 exists) and reverse-ordinal scale-down, with its volumeClaimTemplates'
// claims Bound and kept; a DaemonSet following the nodes (a Node added with `kubectl apply` gets a pod, a deleted
// node's pod is collected after podgc's quarantine, on the virtual clock).
// The Job (completions=5, parallelism=2) and the CronJob under virtual time are in batch-kubectl.test.ts.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { VirtualClock } from '../../src/clock.js';
import { DEFAULT_COMPONENTS } from '../../src/components.js';
import { startTestCluster, type TestCluster } from '../helpers/cluster.js';
import { Kubectl, KUBECTL_VERSIONS } from '../helpers/kubectl.js';
import { waitFor } from '../helpers/wait.js';
import { AGE, lines, parseTable, rowOf } from './fidelity-util.js';

type Obj = Record<string, any>;

const STATEFULSET = `apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  clusterIP: None
  selector: {app: web}
  ports: [{port: 80, name: http}]
---
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: web
spec:
  serviceName: web
  replicas: 3
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: nginx
        image: nginx:1.27
        ports: [{containerPort: 80, name: http}]
        volumeMounts: [{name: www, mountPath: /usr/share/nginx/html}]
  volumeClaimTemplates:
  - metadata: {name: www}
    spec:
      accessModes: [ReadWriteOnce]
      resources: {requests: {storage: 1Gi}}
`;

const DAEMONSET = `apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: agent
spec:
  selector:
    matchLabels: {app: agent}
  template:
    metadata:
      labels: {app: agent}
    spec:
      containers:
      - name: agent
        image: busybox
        command: [sleep, infinity]
`;

const NODE03 = `apiVersion: v1
kind: Node
metadata:
  name: node03
  labels: {kubernetes.io/hostname: node03}
`;

/** Every pod change of the app as a timeline (from a watch, so no intermediate state is missed). */
function podTimeline(c: TestCluster, app: string) {
  const seen: { type: string; name: string; phase?: string; ready: boolean; deleting: boolean }[] = [];
  const list = c.client.pods.list('default', { labelSelector: `app=${app}` });
  const w = c.client.pods.watch('default', Number(list.resourceVersion), (e) => {
    if (e.object.metadata.labels?.app !== app) return;
    seen.push({
      type: e.type,
      name: e.object.metadata.name,
      phase: e.object.status?.phase,
      ready: (e.object.status?.conditions ?? []).some((x: Obj) => x.type === 'Ready' && x.status === 'True'),
      deleting: !!e.object.metadata.deletionTimestamp,
    });
  });
  return {
    seen,
    stop: () => w.stop(),
    /** Index of the first entry matching. */
    first: (pred: (s: (typeof seen)[number]) => boolean) => seen.findIndex(pred),
  };
}

describe.each(KUBECTL_VERSIONS)('workloads with kubectl %s', (version) => {
  let c: TestCluster;
  let k: Kubectl;
  let dir: string;
  const file = (name: string, text: string) => {
    const p = path.join(dir, name);
    writeFileSync(p, text);
    return p;
  };

  beforeAll(async () => {
    c = await startTestCluster({ components: DEFAULT_COMPONENTS, fixture: 'default' });
    k = new Kubectl(version, c.kubeconfigPath);
    dir = mkdtempSync(path.join(os.tmpdir(), 'kubesim-workloads-'));
    await waitFor('system pods Running', () => c.client.pods.list('kube-system').items.every((p) => p.status?.phase === 'Running'));
  });
  afterAll(async () => {
    await c?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('StatefulSet scale-up is ordered: each pod Running and Ready before the next is created; claims Bound', async () => {
    const t = podTimeline(c, 'web');
    try {
      expect(lines(await k.ok(['apply', '-f', file('sts.yaml', STATEFULSET)]))).toEqual(['service/web created', 'statefulset.apps/web created']);
      const status = await k.ok(['rollout', 'status', 'sts/web', '--timeout=30s']);
      expect(lines(status).at(-1)).toBe('partitioned roll out complete: 3 new pods have been updated...');
    } finally {
      t.stop();
    }
    for (const [prev, next] of [['web-0', 'web-1'], ['web-1', 'web-2']] as const) {
      const readyAt = t.first((s) => s.name === prev && s.phase === 'Running' && s.ready);
      const createdAt = t.first((s) => s.name === next && s.type === 'ADDED');
      expect(readyAt, `${prev} ready`).toBeGreaterThanOrEqual(0);
      expect(createdAt, `${next} created after ${prev} was Ready`).toBeGreaterThan(readyAt);
    }
    const sts = parseTable(await k.ok(['get', 'sts']));
    expect(sts.header).toEqual(['NAME', 'READY', 'AGE']);
    expect(rowOf(sts, 'web').slice(0, 2)).toEqual(['web', '3/3']);
    const pods = parseTable(await k.ok(['get', 'pods', '-l', 'app=web']));
    expect(pods.rows.map((r) => r.slice(0, 3))).toEqual([
      ['web-0', '1/1', 'Running'],
      ['web-1', '1/1', 'Running'],
      ['web-2', '1/1', 'Running'],
    ]);
    const pvc = parseTable(await k.ok(['get', 'pvc']));
    expect(pvc.header.slice(0, 6)).toEqual(['NAME', 'STATUS', 'VOLUME', 'CAPACITY', 'ACCESS MODES', 'STORAGECLASS']);
    expect(pvc.rows.map((r) => [r[0], r[1], r[3], r[4], r[5]])).toEqual(
      ['www-web-0', 'www-web-1', 'www-web-2'].map((n) => [n, 'Bound', '1Gi', 'RWO', 'standard']),
    );
    for (const r of pvc.rows) expect(r[2]).toMatch(/^pvc-[0-9a-f-]{36}$/);
    const pv = parseTable(await k.ok(['get', 'pv']));
    expect(pv.rows.map((r) => [r[5], r[4]]).sort()).toEqual(['www-web-0', 'www-web-1', 'www-web-2'].map((n) => [`default/${n}`, 'Bound']));
    // Each pod mounts its own claim, and carries its stable name label.
    const web1: Obj = JSON.parse(await k.ok(['get', 'pod', 'web-1', '-o', 'json']));
    expect(web1.spec.volumes).toContainEqual({ name: 'www', persistentVolumeClaim: { claimName: 'www-web-1' } });
    expect(web1.metadata.labels['statefulset.kubernetes.io/pod-name']).toBe('web-1');
    expect(web1.spec.hostname).toBe('web-1');
    expect(web1.spec.subdomain).toBe('web');
  });

  it('StatefulSet scale-down deletes in reverse ordinal order, one at a time; the claims stay', async () => {
    const t = podTimeline(c, 'web');
    try {
      expect(await k.ok(['scale', 'sts', 'web', '--replicas=1'])).toBe('statefulset.apps/web scaled\n');
      await waitFor('one pod left', () => c.client.pods.list('default', { labelSelector: 'app=web' }).items.length === 1, 30_000);
    } finally {
      t.stop();
    }
    const web2Gone = t.first((s) => s.name === 'web-2' && s.type === 'DELETED');
    const web1Deleting = t.first((s) => s.name === 'web-1' && s.deleting);
    expect(web2Gone).toBeGreaterThanOrEqual(0);
    expect(web1Deleting, 'web-1 is deleted only once web-2 is gone').toBeGreaterThan(web2Gone);
    expect(t.first((s) => s.name === 'web-0' && (s.deleting || s.type === 'DELETED'))).toBe(-1);
    await waitFor('status 1/1', async () => rowOf(parseTable(await k.ok(['get', 'sts'])), 'web')[1] === '1/1');
    expect(parseTable(await k.ok(['get', 'pods', '-l', 'app=web'])).rows.map((r) => r[0])).toEqual(['web-0']);
    // The default persistentVolumeClaimRetentionPolicy is Retain: the claims outlive their pods.
    const pvc = parseTable(await k.ok(['get', 'pvc']));
    expect(pvc.rows.map((r) => [r[0], r[1]])).toEqual([['www-web-0', 'Bound'], ['www-web-1', 'Bound'], ['www-web-2', 'Bound']]);
    // Scaling up again reuses them.
    const before = c.client.resource('', 'v1', 'persistentvolumeclaims').get('default', 'www-web-1')!.metadata.uid;
    await k.ok(['scale', 'sts', 'web', '--replicas=2']);
    await k.ok(['rollout', 'status', 'sts/web', '--timeout=30s']);
    const web1: Obj = JSON.parse(await k.ok(['get', 'pod', 'web-1', '-o', 'json']));
    expect(web1.spec.volumes).toContainEqual({ name: 'www', persistentVolumeClaim: { claimName: 'www-web-1' } });
    expect(c.client.resource('', 'v1', 'persistentvolumeclaims').get('default', 'www-web-1')!.metadata.uid).toBe(before);
  });
});

describe.each(KUBECTL_VERSIONS)('a DaemonSet following the nodes, with kubectl %s (virtual clock)', (version) => {
  let c: TestCluster;
  let k: Kubectl;
  let dir: string;
  const clock = () => c.clock as VirtualClock;
  const agentPods = () => c.client.pods.list('default', { labelSelector: 'app=agent' }).items;
  const runningOn = () => agentPods().filter((p) => p.status?.phase === 'Running' && !p.metadata.deletionTimestamp).map((p) => p.spec.nodeName).sort();

  beforeAll(async () => {
    c = await startTestCluster({ components: DEFAULT_COMPONENTS, fixture: 'default', clock: 'virtual' });
    k = new Kubectl(version, c.kubeconfigPath);
    dir = mkdtempSync(path.join(os.tmpdir(), 'kubesim-ds-'));
    expect(await clock().advanceUntil(() => c.client.pods.list('kube-system').items.every((p) => p.status?.phase === 'Running'), '2m', '1s')).toBe(true);
  });
  afterAll(async () => {
    await c?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('runs one pod per schedulable node (not on the tainted control plane)', async () => {
    const f = path.join(dir, 'ds.yaml');
    writeFileSync(f, DAEMONSET);
    expect(await k.ok(['apply', '-f', f])).toBe('daemonset.apps/agent created\n');
    expect(await clock().advanceUntil(() => runningOn().join() === 'node01,node02', '1m', '100ms')).toBe(true);
    await clock().advance('1s');
    const ds = parseTable(await k.ok(['get', 'ds', 'agent']));
    expect(ds.header).toEqual(['NAME', 'DESIRED', 'CURRENT', 'READY', 'UP-TO-DATE', 'AVAILABLE', 'NODE SELECTOR', 'AGE']);
    expect(ds.rows[0]!.slice(0, 7)).toEqual(['agent', '2', '2', '2', '2', '2', '<none>']);
    expect(ds.rows[0]![7]).toMatch(AGE);
  });

  it('a Node added with kubectl apply joins and gets a DaemonSet pod', async () => {
    const f = path.join(dir, 'node03.yaml');
    writeFileSync(f, NODE03);
    expect(await k.ok(['apply', '-f', f])).toBe('node/node03 created\n');
    expect(await clock().advanceUntil(() => runningOn().join() === 'node01,node02,node03', '1m', '100ms')).toBe(true);
    const nodes = parseTable(await k.ok(['get', 'nodes']));
    expect(rowOf(nodes, 'node03').slice(1, 3)).toEqual(['Ready', '<none>']);
    await clock().advance('1s');
    expect(parseTable(await k.ok(['get', 'ds', 'agent'])).rows[0]!.slice(1, 6)).toEqual(['3', '3', '3', '3', '3']);
    const wide = parseTable(await k.ok(['get', 'pods', '-l', 'app=agent', '-o', 'wide']));
    const onNode03 = wide.rows.find((r) => r[6] === 'node03')!;
    expect(onNode03[0]).toMatch(/^agent-[a-z0-9]{5}$/);
    expect(onNode03.slice(1, 3)).toEqual(['1/1', 'Running']);
    // node03 got the next pod CIDR from the node IPAM, and its pod an address in it.
    expect(await k.ok(['get', 'node', 'node03', '-o', 'jsonpath={.spec.podCIDR}'])).toBe('10.244.3.0/24');
    expect(onNode03[5]).toMatch(/^10\.244\.3\.\d+$/);
  });

  it('deleting the node removes its DaemonSet pod (podgc after its 40 s quarantine) and the DaemonSet shrinks', async () => {
    const pod = agentPods().find((p) => p.spec.nodeName === 'node03')!;
    expect((await k.ok(['delete', 'node', 'node03'])).trim()).toMatch(/^node "node03" deleted/);
    await clock().advance('30s');
    expect(c.client.pods.get('default', pod.metadata.name), 'still within the quarantine').toBeDefined();
    // Through the admin endpoint, as a client outside the process would move the clock.
    const res = await fetch(`${c.url}/kubesim/v1/clock/advance?by=15s`, { method: 'POST' });
    expect(res.status).toBe(200);
    expect(await clock().advanceUntil(() => !c.client.pods.get('default', pod.metadata.name), '1m', '1s')).toBe(true);
    expect(runningOn()).toEqual(['node01', 'node02']);
    await clock().advance('1s');
    expect(parseTable(await k.ok(['get', 'ds', 'agent'])).rows[0]!.slice(1, 6)).toEqual(['2', '2', '2', '2', '2']);
    const r = await k.run(['get', 'pods', '-l', 'app=agent', '--field-selector', 'spec.nodeName=node03']);
    expect(r.stderr.trim()).toBe('No resources found in default namespace.');
  });
});
