// The default cluster through real kubectl: the kubeadm-like fixture (master + node01 + node02, kube-system and
// flannel) comes up Running on the simulated kubelets, and `kubectl run` lands a pod on a worker with an IP from
// that worker's podCIDR.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLivingCluster, type TestCluster } from '../helpers/cluster.js';
import { Kubectl, KUBECTL_VERSIONS } from '../helpers/kubectl.js';
import { waitFor } from '../helpers/wait.js';

type Obj = Record<string, any>;

function rows(table: string): string[][] {
  return table
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => l.trim().split(/\s+/));
}

function inCidr(ip: string, cidr: string): boolean {
  const [net] = cidr.split('/');
  return ip.split('.').slice(0, 3).join('.') === net!.split('.').slice(0, 3).join('.');
}

describe.each(KUBECTL_VERSIONS)('default cluster with kubectl %s', (version) => {
  let c: TestCluster;
  let k: Kubectl;

  beforeAll(async () => {
    // The default components and the default fixture, as `npm start` runs it.
    c = await startLivingCluster();
    k = new Kubectl(version, c.kubeconfigPath);
  });
  afterAll(() => c?.stop());

  it('get nodes: master (control-plane) and two workers, all Ready', async () => {
    const out = rows(await k.ok(['get', 'nodes']));
    expect(out[0]).toEqual(['NAME', 'STATUS', 'ROLES', 'AGE', 'VERSION']);
    const version = (await c.client.nodes.get(undefined, 'master'))!.status.nodeInfo.kubeletVersion;
    expect(out.slice(1).map((r) => [r[0], r[1], r[2], r[4]])).toEqual([
      ['master', 'Ready', 'control-plane', version],
      ['node01', 'Ready', '<none>', version],
      ['node02', 'Ready', '<none>', version],
    ]);
    const wide = await k.ok(['get', 'nodes', '-o', 'wide']);
    expect(wide).toMatch(/^master\s+Ready\s+control-plane\s+\S+\s+v\S+\s+172\.30\.0\.2\s+<none>\s+Ubuntu 22\.04\.5 LTS\s+\S+\s+containerd:\/\/1\.7\.\d+\s*$/m);
  });

  it('get pod -A -o wide: the kube-system and flannel pods Running with IPs and nodes', async () => {
    const out = rows(await k.ok(['get', 'pod', '-A', '-o', 'wide']));
    expect(out[0]!.slice(0, 8)).toEqual(['NAMESPACE', 'NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE', 'IP', 'NODE']);
    const pods = out.slice(1).map((r) => ({ ns: r[0], name: r[1]!, ready: r[2], status: r[3], ip: r[6]!, node: r[7] }));
    for (const p of pods) {
      expect(p.status, p.name).toBe('Running');
      expect(p.ready, p.name).toBe('1/1');
      expect(p.ip).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    }
    const names = pods.map((p) => p.name);
    for (const n of ['etcd-master', 'kube-apiserver-master', 'kube-controller-manager-master', 'kube-scheduler-master']) {
      expect(pods.find((p) => p.name === n)).toMatchObject({ ns: 'kube-system', node: 'master', ip: '172.30.0.2' });
    }
    for (const ds of ['kube-proxy-', 'kube-flannel-ds-']) {
      expect(pods.filter((p) => p.name.startsWith(ds)).map((p) => p.node).sort()).toEqual(['master', 'node01', 'node02']);
    }
    const coredns = pods.filter((p) => p.name.startsWith('coredns-'));
    if (coredns.length) {
      // The Deployment controller created them: they run on the pod network.
      expect(coredns).toHaveLength(2);
      for (const p of coredns) expect(p.ip).toMatch(/^10\.244\.\d+\.\d+$/);
    }
    expect(names.length).toBeGreaterThanOrEqual(10);
  });

  it('run web --image=httpd: Running on a worker with an IP from its podCIDR', async () => {
    const name = `web-${version.replace('.', '')}`;
    expect(await k.ok(['run', name, '--image=httpd'])).toContain(`pod/${name} created`);
    await waitFor(`${name} Running`, async () => (await k.ok(['get', 'pod', name, '-o', 'jsonpath={.status.phase}'])) === 'Running');
    const pod: Obj = JSON.parse(await k.ok(['get', 'pod', name, '-o', 'json']));
    expect(['node01', 'node02']).toContain(pod.spec.nodeName);
    const node: Obj = JSON.parse(await k.ok(['get', 'node', pod.spec.nodeName, '-o', 'json']));
    expect(inCidr(pod.status.podIP, node.spec.podCIDR)).toBe(true);
    const wide = rows(await k.ok(['get', 'pod', name, '-o', 'wide']));
    expect(wide[1]!.slice(0, 3)).toEqual([name, '1/1', 'Running']);
    expect(wide[1]![5]).toBe(pod.status.podIP);
    expect(wide[1]![6]).toBe(pod.spec.nodeName);
    const describe = await k.ok(['describe', 'pod', name]);
    expect(describe).toContain(`Successfully assigned default/${name} to ${pod.spec.nodeName}`);
    expect(describe).toMatch(/Started\s+\S+\s+kubelet\s+Started container/);
  });
});
