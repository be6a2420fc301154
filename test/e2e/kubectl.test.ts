// Real kubectl (the oldest and newest supported minor versions) against a running kubesim, checking what kubectl
// PRINTS: discovery and short names, create/apply/label/delete messages, the output formats, selectors, watch,
// chunked lists and the server's error messages.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_COMPONENTS } from '../../src/components.js';
import { startTestCluster, type TestCluster } from '../helpers/cluster.js';
import { api, apiOk, configMap, createMany, createNamespace } from '../helpers/http.js';
import { Kubectl, KUBECTL_VERSIONS } from '../helpers/kubectl.js';
import { waitFor } from '../helpers/wait.js';

function deployment(name: string, image: string, labels: Record<string, string> = { app: name }): string {
  return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
  labels: ${JSON.stringify(labels)}
spec:
  replicas: 1
  selector:
    matchLabels: {app: ${name}}
  template:
    metadata:
      labels: {app: ${name}}
    spec:
      containers:
      - name: web
        image: ${image}
`;
}

function configMapYaml(name: string, data: Record<string, string>, labels?: Record<string, string>): string {
  return `apiVersion: v1
kind: ConfigMap
metadata:
  name: ${name}${labels ? `\n  labels: ${JSON.stringify(labels)}` : ''}
data: ${JSON.stringify(data)}
`;
}

function serviceYaml(name: string): string {
  return `apiVersion: v1
kind: Service
metadata:
  name: ${name}
spec:
  selector: {app: ${name}}
  ports:
  - port: 80
    targetPort: 8080
`;
}

/** Non-empty output lines. */
function lines(s: string): string[] {
  return s.split('\n').filter((l) => l.trim() !== '');
}

/** The first column of a kubectl table (without the header). */
function names(table: string): string[] {
  return lines(table)
    .slice(1)
    .map((l) => l.split(/\s+/)[0]);
}

describe.each(KUBECTL_VERSIONS)('kubectl %s', (version) => {
  let cluster: TestCluster;
  let k: Kubectl;
  let dir: string;
  const file = (name: string, text: string) => {
    const p = path.join(dir, name);
    writeFileSync(p, text);
    return p;
  };

  beforeAll(async () => {
    // The full cluster, controllers included, as users run it.
    cluster = await startTestCluster({ components: DEFAULT_COMPONENTS });
    k = new Kubectl(version, cluster.kubeconfigPath);
    dir = mkdtempSync(path.join(os.tmpdir(), 'kubesim-e2e-manifests-'));
  });
  afterAll(async () => {
    await cluster?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('version prints the server version from /version', async () => {
    const info = await apiOk(cluster.url, 'GET', '/version');
    expect(info.gitVersion).toMatch(/^v1\.\d+\.\d+/);
    const out = await k.ok(['version']);
    expect(out).toMatch(/Server Version:/);
    expect(out).toContain(info.gitVersion);
  });

  it('api-resources lists kinds with their short names', async () => {
    const out = await k.ok(['api-resources']);
    expect(lines(out)[0]).toMatch(/^NAME\s+SHORTNAMES\s+APIVERSION\s+NAMESPACED\s+KIND\s*$/);
    expect(out).toMatch(/^pods\s+po\s+v1\s+true\s+Pod\s*$/m);
    expect(out).toMatch(/^deployments\s+deploy\s+apps\/v1\s+true\s+Deployment\s*$/m);
    expect(out).toMatch(/^configmaps\s+cm\s+v1\s+true\s+ConfigMap\s*$/m);
    expect(out).toMatch(/^namespaces\s+ns\s+v1\s+false\s+Namespace\s*$/m);
  });

  it('create -f a multi-document file, then get po,deploy,cm resolves short names', async () => {
    const manifest = file('multi.yaml', [configMapYaml('multi', { a: '1' }), deployment('multi', 'nginx:1.25'), serviceYaml('multi')].join('---\n'));
    const out = await k.ok(['create', '-f', manifest]);
    expect(lines(out)).toEqual(['configmap/multi created', 'deployment.apps/multi created', 'service/multi created']);

    await apiOk(cluster.url, 'POST', '/api/v1/namespaces/default/pods', {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'multi-pod' },
      spec: { containers: [{ name: 'c', image: 'busybox' }] },
    });
    const got = await k.ok(['get', 'po,deploy,cm']);
    expect(got).toMatch(/^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE\s*$/m);
    expect(got).toMatch(/^pod\/multi-pod\s+\d\/1\s+\S+\s+0\s+\S+\s*$/m);
    expect(got).toMatch(/^NAME\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+AGE\s*$/m);
    expect(got).toMatch(/^deployment\.apps\/multi\s+\d+\/1\s+\d+\s+\d+\s+\S+\s*$/m);
    expect(got).toMatch(/^NAME\s+DATA\s+AGE\s*$/m);
    expect(got).toMatch(/^configmap\/multi\s+1\s+\S+\s*$/m);

    const svc = await k.ok(['get', 'svc', 'multi']);
    expect(lines(svc)[0]).toMatch(/^NAME\s+TYPE\s+CLUSTER-IP\s+EXTERNAL-IP\s+PORT\(S\)\s+AGE\s*$/);
    expect(lines(svc)[1]).toMatch(/^multi\s+ClusterIP\s+\S+\s+<none>\s+80\/TCP\s+\S+\s*$/);

    // Creating the same objects again: the server's AlreadyExists message, per object.
    const dup = await k.run(['create', '-f', manifest]);
    expect(dup.code).not.toBe(0);
    expect(dup.stderr).toContain(`Error from server (AlreadyExists): error when creating "${manifest}": configmaps "multi" already exists`);
    expect(dup.stderr).toContain(`Error from server (AlreadyExists): error when creating "${manifest}": deployments.apps "multi" already exists`);
  });

  it('apply -f creates, then configures a changed object, then leaves an identical one unchanged', async () => {
    const manifest = path.join(dir, 'apply.yaml');
    const write = (value: string, image: string) => writeFileSync(manifest, [configMapYaml('applied', { key: value }), deployment('applied', image)].join('---\n'));

    write('v1', 'nginx:1.25');
    expect(lines(await k.ok(['apply', '-f', manifest]))).toEqual(['configmap/applied created', 'deployment.apps/applied created']);

    write('v2', 'nginx:1.26');
    expect(lines(await k.ok(['apply', '-f', manifest]))).toEqual(['configmap/applied configured', 'deployment.apps/applied configured']);

    expect(lines(await k.ok(['apply', '-f', manifest]))).toEqual(['configmap/applied unchanged', 'deployment.apps/applied unchanged']);

    const cm = JSON.parse(await k.ok(['get', 'cm', 'applied', '-o', 'json']));
    expect(cm.data).toEqual({ key: 'v2' });
    expect(JSON.parse(cm.metadata.annotations['kubectl.kubernetes.io/last-applied-configuration']).data).toEqual({ key: 'v2' });
    const deploy = JSON.parse(await k.ok(['get', 'deploy', 'applied', '-o', 'json']));
    expect(deploy.spec.template.spec.containers).toEqual([expect.objectContaining({ name: 'web', image: 'nginx:1.26' })]);
    expect(deploy.metadata.generation).toBe(2);
  });

  it('get -o json / -o yaml print the objects', async () => {
    await apiOk(cluster.url, 'POST', '/api/v1/namespaces/default/configmaps', configMap('fmt', { greeting: 'hello' }));
    const one = JSON.parse(await k.ok(['get', 'cm', 'fmt', '-o', 'json']));
    expect(one).toMatchObject({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'fmt', namespace: 'default' }, data: { greeting: 'hello' } });
    expect(one.metadata.resourceVersion).toMatch(/^\d+$/);
    expect(one.metadata.uid).toMatch(/^[0-9a-f-]{36}$/);

    const list = JSON.parse(await k.ok(['get', 'cm', '-o', 'json']));
    expect(list.kind).toBe('List');
    expect(list.items.map((i: { metadata: { name: string } }) => i.metadata.name)).toContain('fmt');

    const yaml = await k.ok(['get', 'cm', 'fmt', '-o', 'yaml']);
    expect(yaml).toMatch(/^apiVersion: v1$/m);
    expect(yaml).toMatch(/^kind: ConfigMap$/m);
    expect(yaml).toMatch(/^ {2}name: fmt$/m);
    expect(yaml).toMatch(/^ {2}greeting: hello$/m);
    expect(yaml).toContain(`resourceVersion: "${one.metadata.resourceVersion}"`);
  });

  it('get -l, --field-selector and -A select and print the right rows', async () => {
    await createNamespace(cluster.url, 'sel');
    await createNamespace(cluster.url, 'sel-other');
    await createMany(cluster.url, '/api/v1/namespaces/sel/configmaps', [
      configMap('web-1', { a: '1' }, { app: 'web' }),
      configMap('web-2', { a: '1', b: '2' }, { app: 'web' }),
      configMap('db-1', {}, { app: 'db' }),
    ]);
    await apiOk(cluster.url, 'POST', '/api/v1/namespaces/sel-other/configmaps', configMap('web-1', {}, { app: 'web' }));

    const byLabel = await k.ok(['get', 'cm', '-n', 'sel', '-l', 'app=web']);
    expect(lines(byLabel)[0]).toMatch(/^NAME\s+DATA\s+AGE\s*$/);
    expect(names(byLabel)).toEqual(['web-1', 'web-2']);
    expect(byLabel).toMatch(/^web-2\s+2\s+\S+\s*$/m);

    // (app!=web alone also matches configmaps without the label, like the namespace's kube-root-ca.crt.)
    expect(names(await k.ok(['get', 'cm', '-n', 'sel', '-l', 'app,app!=web']))).toEqual(['db-1']);
    expect(names(await k.ok(['get', 'cm', '-n', 'sel', '-l', 'app in (db,web)']))).toEqual(['db-1', 'web-1', 'web-2']);
    expect(names(await k.ok(['get', 'cm', '-n', 'sel', '--field-selector', 'metadata.name=web-2']))).toEqual(['web-2']);

    const none = await k.run(['get', 'cm', '-n', 'sel', '-l', 'app=nothing']);
    expect(none.code).toBe(0);
    expect(none.stdout).toBe('');
    expect(none.stderr).toContain('No resources found in sel namespace.');

    const all = await k.ok(['get', 'cm', '-A', '-l', 'app=web']);
    expect(lines(all)[0]).toMatch(/^NAMESPACE\s+NAME\s+DATA\s+AGE\s*$/);
    // Sorted by storage key like etcd's /registry/configmaps/<namespace>/<name> ('-' sorts before '/').
    expect(lines(all).slice(1).map((l) => l.split(/\s+/).slice(0, 2).join('/'))).toEqual(['sel-other/web-1', 'sel/web-1', 'sel/web-2']);

    const labels = await k.ok(['get', 'cm', '-n', 'sel', '--show-labels', '--field-selector', 'metadata.name=db-1']);
    expect(labels).toMatch(/^db-1\s+0\s+\S+\s+app=db\s*$/m);
  });

  it('label adds and removes a label; -l follows it', async () => {
    await apiOk(cluster.url, 'POST', '/api/v1/namespaces/default/configmaps', configMap('labelled', { a: '1' }));
    expect(lines(await k.ok(['label', 'cm', 'labelled', 'env=dev']))).toEqual(['configmap/labelled labeled']);
    expect(names(await k.ok(['get', 'cm', '-l', 'env=dev']))).toEqual(['labelled']);
    expect((await apiOk(cluster.url, 'GET', '/api/v1/namespaces/default/configmaps/labelled')).metadata.labels).toEqual({ env: 'dev' });

    expect(lines(await k.ok(['label', 'cm', 'labelled', 'env-']))).toEqual(['configmap/labelled unlabeled']);
    const after = await k.run(['get', 'cm', '-l', 'env=dev']);
    expect(after.stdout).toBe('');
    expect(after.stderr).toContain('No resources found in default namespace.');
    expect((await apiOk(cluster.url, 'GET', '/api/v1/namespaces/default/configmaps/labelled')).metadata.labels).toBeUndefined();
  });

  it('delete prints the deletion and the object is gone', async () => {
    await apiOk(cluster.url, 'POST', '/api/v1/namespaces/default/configmaps', configMap('doomed'));
    const out = await k.ok(['delete', 'cm', 'doomed']);
    expect(lines(out)).toHaveLength(1);
    expect(lines(out)[0]).toMatch(/^configmap "doomed" deleted( from default namespace)?$/);
    expect((await api(cluster.url, 'GET', '/api/v1/namespaces/default/configmaps/doomed')).status).toBe(404);

    const again = await k.run(['delete', 'cm', 'doomed']);
    expect(again.code).not.toBe(0);
    expect(again.stderr).toContain('Error from server (NotFound): configmaps "doomed" not found');
  });

  it('get -w prints the existing rows, then a change made by another client', async () => {
    await createNamespace(cluster.url, 'watched');
    await apiOk(cluster.url, 'POST', '/api/v1/namespaces/watched/configmaps', configMap('before', { a: '1' }));
    const w = k.spawn(['get', 'cm', '-n', 'watched', '-w']);
    try {
      await waitFor('the initial list', () => /^before\s+1\s+\S+\s*$/m.test(w.output()));
      expect(lines(w.output())[0]).toMatch(/^NAME\s+DATA\s+AGE\s*$/);
      await apiOk(cluster.url, 'POST', '/api/v1/namespaces/watched/configmaps', configMap('during', { a: '1', b: '2' }));
      await waitFor('the watched row', () => /^during\s+2\s+\S+\s*$/m.test(w.output()));
      expect(w.child.exitCode).toBeNull();
      // (kube-root-ca.crt, published into every namespace by a controller, may show up too.)
      expect(names(w.output()).filter((n) => n !== 'kube-root-ca.crt')).toEqual(['before', 'during']);
    } finally {
      w.child.kill();
    }
  });

  it('--chunk-size pages through 1,200 configmaps with limit/continue', async () => {
    const ns = 'chunked';
    await createNamespace(cluster.url, ns);
    // Labelled, and named to sort after the namespace's kube-root-ca.crt: the selected objects are the last keys, so
    // the page count does not depend on whether the controller has published that configmap yet.
    const wanted = Array.from({ length: 1200 }, (_, i) => `page-${String(i).padStart(4, '0')}`);
    await createMany(cluster.url, `/api/v1/namespaces/${ns}/configmaps`, wanted.map((n) => configMap(n, { i: n }, { batch: 'paged' })), 32);

    const r = await k.run(['get', 'cm', '-n', ns, '-l', 'batch=paged', '--chunk-size=100', '-o', 'name', '-v=6']);
    expect(r.code).toBe(0);
    const printed = lines(r.stdout);
    expect(printed).toHaveLength(1200);
    expect(new Set(printed).size).toBe(1200);
    expect([...printed].sort()).toEqual(wanted.map((n) => `configmap/${n}`));

    // -v=6 logs every response (round_trippers.go): 12 pages of 100, each after the first carrying the previous page's
    // continue token. (Client-side throttling notes mention the same URLs, hence the round_trippers filter.)
    const requests = r.stderr.split('\n').filter((l) => l.includes('round_trippers.go') && l.includes(`/api/v1/namespaces/${ns}/configmaps?`));
    expect(requests).toHaveLength(12);
    expect(requests.every((l) => /[?&]limit=100\b/.test(l) && /\b200 OK\b/.test(l))).toBe(true);
    expect(requests.filter((l) => /[?&]continue=/.test(l))).toHaveLength(11);

    // The human-readable table is paged the same way and still prints one header.
    const table = await k.ok(['get', 'cm', '-n', ns, '-l', 'batch=paged', '--chunk-size=500']);
    expect(lines(table).filter((l) => /^NAME\s/.test(l))).toHaveLength(1);
    expect(names(table)).toHaveLength(1200);
  });

  it('prints the server errors for missing objects and duplicates', async () => {
    const missing = await k.run(['get', 'pod', 'nope']);
    expect(missing.code).toBe(1);
    expect(missing.stdout).toBe('');
    expect(missing.stderr.trim()).toBe('Error from server (NotFound): pods "nope" not found');

    const missingDeploy = await k.run(['get', 'deploy', 'nope']);
    expect(missingDeploy.stderr.trim()).toBe('Error from server (NotFound): deployments.apps "nope" not found');

    const manifest = file('dup.yaml', configMapYaml('dup', { a: '1' }));
    expect(lines(await k.ok(['create', '-f', manifest]))).toEqual(['configmap/dup created']);
    const dup = await k.run(['create', '-f', manifest]);
    expect(dup.code).toBe(1);
    expect(dup.stderr.trim()).toBe(`Error from server (AlreadyExists): error when creating "${manifest}": configmaps "dup" already exists`);
  });
});
