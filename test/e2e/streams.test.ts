// kubectl exec, port-forward and the API server proxy against a living cluster, with kubectl 1.27 (SPDY for exec
// and port-forward) and 1.33 (WebSocket exec, port-forward tunnelled through a WebSocket).
import type { ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_COMPONENTS } from '../../src/components.js';
import { startTestCluster, type TestCluster } from '../helpers/cluster.js';
import { appPod } from '../helpers/objects.js';
import { Kubectl, KUBECTL_VERSIONS } from '../helpers/kubectl.js';
import { waitFor } from '../helpers/wait.js';

type Obj = Record<string, any>;

let c: TestCluster;

beforeAll(async () => {
  c = await startTestCluster({ components: DEFAULT_COMPONENTS, fixture: 'default' });
  const pod = appPod;
  await c.client.pods.create('default', pod('web', 'httpd', { ports: [{ containerPort: 80, name: 'http' }], env: [{ name: 'GREETING', value: 'hi from spec' }] }));
  await c.client.pods.create('default', pod('box', 'busybox', { command: ['sleep', '3600'] }));
  await c.client.services.create('default', { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web' }, spec: { selector: { app: 'web' }, ports: [{ port: 80, targetPort: 'http' }] } });
  await c.client.services.create('default', { apiVersion: 'v1', kind: 'Service', metadata: { name: 'nobody' }, spec: { selector: { app: 'nobody' }, ports: [{ port: 80 }] } });
  await waitFor('pods Running and the web endpoints ready', () => {
    const running = ['web', 'box'].every((n) => c.client.pods.get('default', n)?.status?.phase === 'Running');
    const ep = c.client.resource('', 'v1', 'endpoints').get('default', 'web');
    return running && (ep?.subsets?.[0]?.addresses?.length ?? 0) > 0;
  });
});
afterAll(() => c?.stop());

/** Starts `kubectl port-forward ... :PORT`, returns the local port kubectl chose and the process. */
async function portForward(k: Kubectl, target: string, remote: number): Promise<{ port: number; child: ChildProcess; output: () => string }> {
  const pf = k.spawn(['port-forward', target, `:${remote}`]);
  const port = await waitFor(`port-forward ${target} to listen`, () => {
    const m = new RegExp(`Forwarding from 127\\.0\\.0\\.1:(\\d+) -> ${remote}`).exec(pf.output());
    if (!m && pf.child.exitCode !== null) throw new Error(`port-forward exited: ${pf.output()}`);
    return m ? Number(m[1]) : undefined;
  });
  return { port, ...pf };
}

async function get(url: string): Promise<{ status: number; body: string; server: string | null }> {
  const r = await fetch(url, { headers: { connection: 'close' } });
  return { status: r.status, body: await r.text(), server: r.headers.get('server') };
}

describe.each(KUBECTL_VERSIONS)('kubectl %s', (version) => {
  let k: Kubectl;
  beforeAll(() => {
    k = new Kubectl(version, c.kubeconfigPath);
  });

  it('exec: stdout and stderr apart, the exit code is kubectl\'s', async () => {
    const r = await k.run(['exec', 'web', '--', 'sh', '-c', 'echo out; echo err >&2; exit 3']);
    expect(r.stdout).toBe('out\n');
    expect(r.stderr).toContain('err\n');
    expect(r.stderr).toContain('command terminated with exit code 3');
    expect(r.code).toBe(3);
    expect(await k.ok(['exec', 'web', '--', 'hostname'])).toBe('web\n');
  });

  it('exec: the pod environment and cluster DNS config', async () => {
    const env = await k.ok(['exec', 'web', '--', 'env']);
    expect(env).toContain('HOSTNAME=web\n');
    expect(env).toContain('GREETING=hi from spec\n');
    expect(env).toMatch(/^KUBERNETES_SERVICE_HOST=10\.96\.0\.1$/m);
    expect(env).toMatch(/^KUBERNETES_SERVICE_PORT=443$/m);
    expect(await k.ok(['exec', 'box', '--', 'cat', '/etc/resolv.conf'])).toBe('search default.svc.cluster.local svc.cluster.local cluster.local\nnameserver 10.96.0.10\noptions ndots:5\n');
  });

  it('exec -i: stdin reaches cat, and sh runs commands read from stdin', async () => {
    expect(await k.ok(['exec', '-i', 'box', '--', 'cat'], { input: 'line one\nline two\n' })).toBe('line one\nline two\n');
    const r = await k.run(['exec', '-i', 'box', '--', 'sh'], { input: 'echo from stdin\nhostname\nexit 4\n' });
    expect(r.stdout).toBe('from stdin\nbox\n');
    expect(r.code).toBe(4);
  });

  it('exec: unknown commands, containers and pods fail like upstream', async () => {
    const notFound = await k.run(['exec', 'box', '--', 'sh', '-c', 'nosuchcmd']);
    expect(notFound.stderr).toContain('sh: nosuchcmd: not found');
    expect(notFound.code).toBe(127);
    const missing = await k.run(['exec', 'box', '--', 'nosuchcmd']);
    expect(missing.stderr).toContain('exec: "nosuchcmd": executable file not found in $PATH');
    expect(missing.code).toBe(1);
    const badContainer = await k.run(['exec', 'box', '-c', 'nope', '--', 'true']);
    expect(badContainer.stderr).toContain('container nope is not valid for pod box');
    const noPod = await k.run(['exec', 'ghost', '--', 'true']);
    expect(noPod.stderr).toContain('pods "ghost" not found');
  });

  it('port-forward pod/web :80 serves Apache\'s default page over the forwarded port', async () => {
    const pf = await portForward(k, 'pod/web', 80);
    try {
      const page = await get(`http://127.0.0.1:${pf.port}/`);
      expect(page).toMatchObject({ status: 200, body: '<html><body><h1>It works!</h1></body></html>\n' });
      expect(page.server).toMatch(/^Apache\/2\.4/);
      expect((await get(`http://127.0.0.1:${pf.port}/missing`)).status).toBe(404);
    } finally {
      pf.child.kill();
    }
  });

  it('port-forward svc/web maps the service port to the pod', async () => {
    const pf = await portForward(k, 'svc/web', 80);
    try {
      expect((await get(`http://127.0.0.1:${pf.port}/`)).body).toContain('It works!');
    } finally {
      pf.child.kill();
    }
  });

  it('service and pod proxy through get --raw; no ready endpoints is 503', async () => {
    expect(await k.ok(['get', '--raw', '/api/v1/namespaces/default/services/web:80/proxy/'])).toBe('<html><body><h1>It works!</h1></body></html>\n');
    expect(await k.ok(['get', '--raw', '/api/v1/namespaces/default/pods/web/proxy/'])).toContain('It works!');
    const none = await k.run(['get', '--raw', '/api/v1/namespaces/default/services/nobody/proxy/']);
    expect(none.code).not.toBe(0);
    expect(none.stderr).toContain('Error from server (ServiceUnavailable): no endpoints available for service "nobody"');
  });
});
