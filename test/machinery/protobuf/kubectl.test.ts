// Real kubectl 1.33 sends protobuf bodies for `kubectl create <generator>` (and no JSON retry on 415): the objects
// must be created and read back exactly as with a JSON client.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestCluster, type TestCluster } from '../../helpers/cluster.js';
import { apiOk } from '../../helpers/http.js';
import { Kubectl } from '../../helpers/kubectl.js';

let cluster: TestCluster;
let k: Kubectl;

beforeAll(async () => {
  cluster = await startTestCluster();
  k = new Kubectl('1.33', cluster.kubeconfigPath);
});

afterAll(async () => {
  await cluster?.stop();
});

const getJson = async (...args: string[]) => JSON.parse(await k.ok(['get', ...args, '-o', 'json']));

describe('kubectl 1.33 protobuf request bodies', () => {
  it('create namespace (and the request really is protobuf)', async () => {
    const r = await k.run(['create', 'namespace', 'x', '-v=8']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('namespace/x created');
    expect(r.stderr).toMatch(/Content-Type: application\/vnd\.kubernetes\.protobuf/);
    const ns = await getJson('namespace', 'x');
    expect(ns.metadata.name).toBe('x');
    expect(ns.status.phase).toBe('Active');
  });

  it('create configmap --from-literal', async () => {
    expect(await k.ok(['create', 'configmap', 'c', '--from-literal=a=b', '-n', 'x'])).toContain('configmap/c created');
    const cm = await getJson('configmap', 'c', '-n', 'x');
    expect(cm.data).toEqual({ a: 'b' });
  });

  it('create secret generic --from-literal (bytes → base64)', async () => {
    expect(await k.ok(['create', 'secret', 'generic', 's', '--from-literal=p=q', '-n', 'x'])).toContain('secret/s created');
    const s = await getJson('secret', 's', '-n', 'x');
    expect(s.data).toEqual({ p: 'cQ==' });
    expect(s.type).toBe('Opaque');
  });

  it('create deployment --image --replicas', async () => {
    expect(await k.ok(['create', 'deployment', 'd', '--image=httpd', '--replicas=2', '-n', 'x'])).toContain('deployment.apps/d created');
    const d = await getJson('deployment', 'd', '-n', 'x');
    expect(d.spec.replicas).toBe(2);
    expect(d.spec.selector).toEqual({ matchLabels: { app: 'd' } });
    expect(d.spec.template.metadata.labels).toEqual({ app: 'd' });
    expect(d.spec.template.spec.containers).toHaveLength(1);
    expect(d.spec.template.spec.containers[0]).toMatchObject({ name: 'httpd', image: 'httpd' });
    expect(d.spec.strategy.type).toBe('RollingUpdate');
  });

  it('create service clusterip', async () => {
    expect(await k.ok(['create', 'service', 'clusterip', 'web', '--tcp=80:8080', '-n', 'x'])).toContain('service/web created');
    const svc = await getJson('service', 'web', '-n', 'x');
    expect(svc.spec.ports[0]).toMatchObject({ port: 80, targetPort: 8080, protocol: 'TCP' });
  });

  it('drain deletes the pod with a protobuf DeleteOptions body', async () => {
    await apiOk(cluster.url, 'POST', '/api/v1/nodes', { apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1' } });
    await apiOk(cluster.url, 'POST', '/api/v1/namespaces/x/pods', {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'p1' },
      spec: { nodeName: 'n1', containers: [{ name: 'a', image: 'busybox' }] },
    });
    const r = await k.run(['drain', 'n1', '--force', '--disable-eviction', '--grace-period=0', '--timeout=30s', '-v=8'], { timeoutMs: 60_000 });
    expect(r.code, r.stderr.slice(-2000)).toBe(0);
    expect(r.stdout).toContain('pod/p1 deleted');
    expect(r.stderr).toMatch(/verb="DELETE" url="[^"]*\/api\/v1\/namespaces\/x\/pods\/p1" headers=<[^>]*Content-Type: application\/vnd\.kubernetes\.protobuf/);
    const gone = await fetch(`${cluster.url}/api/v1/namespaces/x/pods/p1`);
    expect(gone.status).toBe(404);
  });
});
