// Real kubectl (1.27 and 1.33) reading our OpenAPI v3 documents: explain prints the field docs, apply computes its
// strategic merge patch from the v3 schema (merge keys), edit works, and --validate=strict reaches the server.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestCluster, type TestCluster } from '../helpers/cluster.js';
import { api } from '../helpers/http.js';
import { Kubectl, KUBECTL_VERSIONS } from '../helpers/kubectl.js';

let cluster: TestCluster;
let dir: string;

/** Collapses kubectl's line wrapping so descriptions can be matched as sentences. */
function flat(s: string): string {
  return s.replace(/\s+/g, ' ');
}

function deployment(name: string, containers: Array<{ name: string; image: string }>, extra = ''): string {
  return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
spec:
  replicas: 1
  selector:
    matchLabels: {app: ${name}}
  strategy:
    type: RollingUpdate
    rollingUpdate: {maxSurge: 25%, maxUnavailable: 1}
  template:
    metadata:
      labels: {app: ${name}}
    spec:
      containers:
${containers.map((c) => `      - name: ${c.name}\n        image: ${c.image}\n        resources: {limits: {cpu: 500m, memory: 64Mi}}\n        ports: [{containerPort: 80}]${extra}`).join('\n')}
`;
}

/** Whether kubectl's -v=6 log shows a request (1.27 logs `GET url`, 1.33 `verb="GET" url="url"`). */
function requested(log: string, method: string, url: RegExp): boolean {
  return new RegExp(`(?:${method} |verb="${method}" url=")\\S*?${url.source}`).test(log);
}

function file(name: string, text: string): string {
  const p = path.join(dir, name);
  writeFileSync(p, text);
  return p;
}

beforeAll(async () => {
  cluster = await startTestCluster();
  dir = mkdtempSync(path.join(os.tmpdir(), 'kubesim-openapi-kubectl-'));
});
afterAll(async () => {
  await cluster?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe.each(KUBECTL_VERSIONS)('kubectl %s', (version) => {
  let k: Kubectl;
  const ns = `openapi-${version.replace('.', '-')}`;
  beforeAll(async () => {
    k = new Kubectl(version, cluster.kubeconfigPath);
    await k.ok(['create', 'namespace', ns]);
  });

  it('explain pods.spec.containers prints the field documentation', async () => {
    const out = await k.ok(['explain', 'pods.spec.containers']);
    expect(out).toMatch(/^KIND:\s+Pod$/m);
    expect(out).toMatch(/^VERSION:\s+v1$/m);
    expect(out).toContain('FIELD: containers <[]Container>');
    expect(out).toContain('DESCRIPTION:');
    expect(flat(out)).toContain('List of containers belonging to the pod. Containers cannot currently be added or removed.');
    expect(out).toMatch(/^ {2}image\t<string>$/m);
    expect(out).toMatch(/^ {2}name\t<string> -required-$/m);
    expect(flat(out)).toContain('Container image name. More info: https://kubernetes.io/docs/concepts/containers/images');
  });

  it('explain deployment --recursive lists the fields with their types', async () => {
    const out = await k.ok(['explain', 'deployment', '--recursive']);
    expect(out).toMatch(/^GROUP:\s+apps$/m);
    expect(out).toMatch(/^KIND:\s+Deployment$/m);
    expect(flat(out)).toContain('Deployment enables declarative updates for Pods and ReplicaSets.');
    for (const line of [
      /^ {2}spec\t<DeploymentSpec>$/m,
      /^ {4}replicas\t<integer>$/m,
      /^ {4}selector\t<LabelSelector> -required-$/m,
      /^ {8}maxSurge\t<IntOrString>$/m,
      /^ {8}containers\t<\[\]Container> -required-$/m,
      /^ {12}limits\t<map\[string\]Quantity>$/m,
      /^ {4}creationTimestamp\t<string>$/m,
    ]) {
      expect(out).toMatch(line);
    }
  });

  it('explain reads every served group-version (coordination.k8s.io leases)', async () => {
    const out = await k.ok(['explain', 'lease.spec']);
    expect(out).toMatch(/^GROUP:\s+coordination\.k8s\.io$/m);
    expect(out).toMatch(/^ {2}holderIdentity\t<string>$/m);
    expect(flat(out)).toContain('holderIdentity contains the identity of the holder of a current lease.');
  });

  it('apply computes a strategic merge patch from the v3 schema (containers merged by name)', async () => {
    const first = file(`dep-${version}-1.yaml`, deployment('web', [{ name: 'web', image: 'nginx:1' }, { name: 'side', image: 'busybox:1' }]));
    expect(await k.ok(['apply', '-n', ns, '-f', first])).toContain('deployment.apps/web created');
    // someone else adds an env var to the web container: a merge by name keeps it, a replace of the list would not
    await k.ok(['set', 'env', '-n', ns, 'deployment/web', '-c', 'web', 'FROM_ELSEWHERE=1']);

    const second = file(`dep-${version}-2.yaml`, deployment('web', [{ name: 'web', image: 'nginx:2' }]));
    const r = await k.run(['apply', '-n', ns, '-f', second, '-v=6']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('deployment.apps/web configured');
    expect(requested(r.stderr, 'GET', /\/openapi\/v3\/apis\/apps\/v1\?hash=[0-9A-F]{128}/), r.stderr).toBe(true);
    expect(r.stderr).not.toMatch(/error calculating patch from openapi|OpenAPI V3 path does not/);

    const obj = JSON.parse(await k.ok(['get', '-n', ns, 'deployment/web', '-o', 'json']));
    const containers = obj.spec.template.spec.containers;
    expect(containers.map((c: any) => c.name)).toEqual(['web']);
    expect(containers[0].image).toBe('nginx:2');
    expect(containers[0].env).toEqual([{ name: 'FROM_ELSEWHERE', value: '1' }]);
  });

  it('edit applies the edited object', async () => {
    process.env.KUBE_EDITOR = 'sed -i -e s/nginx:2/nginx:3/';
    const r = await k.run(['edit', '-n', ns, 'deployment/web']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('deployment.apps/web edited');
    const obj = JSON.parse(await k.ok(['get', '-n', ns, 'deployment/web', '-o', 'json']));
    expect(obj.spec.template.spec.containers[0].image).toBe('nginx:3');
  });

  it('apply --validate=strict hands field validation to the server (fieldValidation=Strict)', async () => {
    const ok = file(`cm-${version}.yaml`, 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: valid\ndata: {a: b}\n');
    const r = await k.run(['apply', '-n', ns, '--validate=strict', '-f', ok, '-v=6']);
    expect(r.code, r.stderr).toBe(0);
    // kubectl found fieldValidation among the PATCH parameters of our v3 document, so it did not validate itself
    expect(requested(r.stderr, 'POST', /\/api\/v1\/namespaces\/[^/]+\/configmaps\?fieldManager=kubectl-client-side-apply&fieldValidation=Strict/), r.stderr).toBe(true);
  });

  it('apply --validate=strict rejects an unknown field, naming it', async () => {
    const bad = file(`bad-${version}.yaml`, deployment('bad', [{ name: 'web', image: 'nginx:1' }], '\n        imagePullPolicyy: Always'));
    const r = await k.run(['apply', '-n', ns, '--validate=strict', '-f', bad]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('unknown field "spec.template.spec.containers[0].imagePullPolicyy"');
  });
});
