// kubectl fidelity (issue 3, "Done when"): the wire reference's command list run with real kubectl 1.27, 1.30 and
// 1.33 against a full kubesim (controllers included), asserting on what kubectl PRINTS. One cluster per kubectl
// version; the commands of a step that do not depend on each other run in parallel. The version-dispatching
// `kubectl` on the PATH has its own smaller block at the end.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_COMPONENTS } from '../../src/components.js';
import { startTestCluster, type TestCluster } from '../helpers/cluster.js';
import { api, apiOk } from '../helpers/http.js';
import { Kubectl } from '../helpers/kubectl.js';
import { waitFor } from '../helpers/wait.js';
import { which } from '../helpers/which.js';
import { AGE, createExternalNode, lines, parseTable, rowOf, timeAgo } from './fidelity-util.js';

const VERSIONS = ['1.27', '1.30', '1.33'] as const;

function deploymentYaml(name: string, replicas: number, image: string, extra = ''): string {
  return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
spec:
  replicas: ${replicas}
  selector:
    matchLabels: {app: ${name}}
  template:
    metadata:
      labels: {app: ${name}}
    spec:
      containers:
      - name: web
        image: ${image}${extra}
`;
}

function configMapYaml(name: string, data: Record<string, string>, extraMeta = ''): string {
  return `apiVersion: v1
kind: ConfigMap
metadata:
  name: ${name}${extraMeta}
data: ${JSON.stringify(data)}
`;
}

interface Ctx {
  cluster: TestCluster;
  k: Kubectl;
  dir: string;
  file(name: string, text: string): string;
}

async function setup(version: string, binary?: string): Promise<Ctx> {
  const cluster = await startTestCluster({ components: DEFAULT_COMPONENTS });
  const dir = mkdtempSync(path.join(os.tmpdir(), 'kubesim-fidelity-'));
  return {
    cluster,
    k: new Kubectl(version, cluster.kubeconfigPath, binary),
    dir,
    file: (name, text) => {
      const p = path.join(dir, name);
      writeFileSync(p, text);
      return p;
    },
  };
}

async function teardown(c: Ctx | undefined): Promise<void> {
  await c?.cluster.stop();
  if (c?.dir) rmSync(c.dir, { recursive: true, force: true });
}

describe.each(VERSIONS)('kubectl %s prints what a real cluster makes it print', (version) => {
  let c: Ctx;
  let k: Kubectl;
  let url: string;
  const json = async (...args: string[]) => JSON.parse(await k.ok([...args, '-o', 'json']));

  beforeAll(async () => {
    c = await setup(version);
    k = c.k;
    url = c.cluster.url;
  });
  afterAll(() => teardown(c));

  it('create namespace|deployment|configmap|secret generic print what they created', async () => {
    expect(await k.ok(['create', 'namespace', 'fid'])).toBe('namespace/fid created\n');
    const out = await Promise.all([
      k.ok(['create', 'deployment', 'web', '--image=nginx:1.25', '--replicas=2']),
      k.ok(['create', 'configmap', 'cfg', '--from-literal=a=b', '--from-literal=c=d']),
      k.ok(['create', 'configmap', 'other', '-n', 'fid', '--from-literal=x=y']),
      k.ok(['create', 'secret', 'generic', 'sec', '--from-literal=user=admin', '--from-literal=pass=s3cret']),
    ]);
    expect(out).toEqual(['deployment.apps/web created\n', 'configmap/cfg created\n', 'configmap/other created\n', 'secret/sec created\n']);

    const [cm, secret, ns, sec] = await Promise.all([
      k.ok(['get', 'cm', 'cfg']),
      k.ok(['get', 'secret', 'sec']),
      k.ok(['get', 'ns', 'fid']),
      json('get', 'secret', 'sec'),
    ]);
    expect(parseTable(cm)).toEqual({ header: ['NAME', 'DATA', 'AGE'], rows: [['cfg', '2', expect.stringMatching(AGE)]] });
    expect(parseTable(secret)).toEqual({ header: ['NAME', 'TYPE', 'DATA', 'AGE'], rows: [['sec', 'Opaque', '2', expect.stringMatching(AGE)]] });
    expect(parseTable(ns)).toEqual({ header: ['NAME', 'STATUS', 'AGE'], rows: [['fid', 'Active', expect.stringMatching(AGE)]] });
    expect(sec.data).toEqual({ user: 'YWRtaW4=', pass: 'czNjcmV0' });

    const dup = await k.run(['create', 'configmap', 'cfg', '--from-literal=a=b']);
    expect(dup.code).toBe(1);
    expect(dup.stderr.trim()).toBe('error: failed to create configmap: configmaps "cfg" already exists');
  });

  it('run creates a pod; expose creates a service for the deployment', async () => {
    expect(await k.ok(['run', 'pod1', '--image=nginx:1.25'])).toBe('pod/pod1 created\n');
    expect(await k.ok(['expose', 'deployment', 'web', '--port=80', '--target-port=8080'])).toBe('service/web exposed\n');
    const [svc, wide, pod] = await Promise.all([k.ok(['get', 'svc', 'web']), k.ok(['get', 'svc', 'web', '-o', 'wide']), json('get', 'pod', 'pod1')]);
    expect(parseTable(svc)).toEqual({
      header: ['NAME', 'TYPE', 'CLUSTER-IP', 'EXTERNAL-IP', 'PORT(S)', 'AGE'],
      rows: [['web', 'ClusterIP', expect.stringMatching(/^10\.\d+\.\d+\.\d+$/), '<none>', '80/TCP', expect.stringMatching(AGE)]],
    });
    expect(parseTable(wide).header.at(-1)).toBe('SELECTOR');
    expect(parseTable(wide).rows[0].at(-1)).toBe('app=web');
    expect(pod.metadata.labels).toEqual({ run: 'pod1' });
    expect(pod.spec.containers).toEqual([expect.objectContaining({ name: 'pod1', image: 'nginx:1.25', imagePullPolicy: 'IfNotPresent' })]);
    const service = await json('get', 'svc', 'web');
    expect(service.spec.ports).toEqual([{ port: 80, protocol: 'TCP', targetPort: 8080 }]);
    expect(service.spec.selector).toEqual({ app: 'web' });
  });

  it('get: the default table, -o wide, -o yaml, -o json, -o name, -A and --show-labels', async () => {
    // The deployment controller has counted the new replicas (its pods stay Pending: no schedulable node), and the
    // root CA configmap is published.
    await waitFor('the deployment status', async () => (await apiOk(url, 'GET', '/apis/apps/v1/namespaces/default/deployments/web')).status?.updatedReplicas === 2);
    await waitFor('kube-root-ca.crt', async () => (await api(url, 'GET', '/api/v1/namespaces/fid/configmaps/kube-root-ca.crt')).status === 200);
    const [table, wide, yaml, one, list, names, all, labels] = await Promise.all([
      k.ok(['get', 'deploy', 'web']),
      k.ok(['get', 'deploy', 'web', '-o', 'wide']),
      k.ok(['get', 'deploy', 'web', '-o', 'yaml']),
      json('get', 'deploy', 'web'),
      json('get', 'cm'),
      k.ok(['get', 'deploy,cm', '-o', 'name']),
      k.ok(['get', 'cm', '-A']),
      k.ok(['get', 'pods', '--show-labels']),
    ]);
    expect(parseTable(table)).toEqual({ header: ['NAME', 'READY', 'UP-TO-DATE', 'AVAILABLE', 'AGE'], rows: [['web', '0/2', '2', '0', expect.stringMatching(AGE)]] });
    expect(parseTable(wide)).toEqual({
      header: ['NAME', 'READY', 'UP-TO-DATE', 'AVAILABLE', 'AGE', 'CONTAINERS', 'IMAGES', 'SELECTOR'],
      rows: [['web', '0/2', '2', '0', expect.stringMatching(AGE), 'nginx', 'nginx:1.25', 'app=web']],
    });
    for (const line of [/^apiVersion: apps\/v1$/m, /^kind: Deployment$/m, /^ {2}name: web$/m, /^ {2}namespace: default$/m, /^ {2}replicas: 2$/m, /^ {4}type: RollingUpdate$/m, /^ {6}- image: nginx:1\.25$/m]) {
      expect(yaml).toMatch(line);
    }
    expect(yaml).toContain(`resourceVersion: "${one.metadata.resourceVersion}"`);
    expect(one).toMatchObject({ kind: 'Deployment', apiVersion: 'apps/v1', metadata: { name: 'web', generation: 1 }, spec: { replicas: 2, strategy: { type: 'RollingUpdate' } } });
    expect(list.kind).toBe('List');
    expect(list.items.map((i: any) => i.metadata.name)).toEqual(['cfg', 'kube-root-ca.crt']);
    expect(lines(names)).toEqual(['deployment.apps/web', 'configmap/cfg', 'configmap/kube-root-ca.crt']);

    const everywhere = parseTable(all);
    expect(everywhere.header).toEqual(['NAMESPACE', 'NAME', 'DATA', 'AGE']);
    expect(everywhere.rows).toContainEqual(['default', 'cfg', '2', expect.stringMatching(AGE)]);
    expect(everywhere.rows).toContainEqual(['fid', 'other', '1', expect.stringMatching(AGE)]);
    expect(everywhere.rows).toContainEqual(['kube-system', 'kube-root-ca.crt', '1', expect.stringMatching(AGE)]);

    const pods = parseTable(labels);
    expect(pods.header).toEqual(['NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE', 'LABELS']);
    expect(rowOf(pods, 'pod1')).toEqual(['pod1', '0/1', 'Pending', '0', expect.stringMatching(AGE), 'run=pod1']);
    expect(pods.rows.filter((r) => r[0].startsWith('web-')).map((r) => r.at(-1))).toEqual([
      expect.stringMatching(/^app=web,pod-template-hash=[a-z0-9]+$/),
      expect.stringMatching(/^app=web,pod-template-hash=[a-z0-9]+$/),
    ]);
  });

  it('get -w prints the list, then every change another client makes, until Terminating', async () => {
    await createExternalNode(url, 'node-w');
    const base = '/api/v1/namespaces/default/pods';
    await apiOk(url, 'POST', base, {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'watched', labels: { app: 'watched' } },
      spec: { nodeName: 'node-w', containers: [{ name: 'c', image: 'nginx' }] },
    });
    const w = k.spawn(['get', 'pods', '-w', '-l', 'app=watched']);
    const statuses = () => lines(w.output()).slice(1).map((l) => l.trim().split(/\s{2,}/).slice(1, 3).join(' '));
    try {
      await waitFor('the listed pod', () => statuses().length === 1);
      expect(lines(w.output())[0].trim().split(/\s{2,}/)).toEqual(['NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE']);
      expect(statuses()).toEqual(['0/1 Pending']);

      const status = (s: object) => apiOk(url, 'PATCH', `${base}/watched/status`, { status: s }, 'application/merge-patch+json');
      await status({ containerStatuses: [{ name: 'c', image: 'nginx', imageID: '', ready: false, restartCount: 0, started: false, state: { waiting: { reason: 'ContainerCreating' } } }] });
      await waitFor('ContainerCreating', () => statuses().includes('0/1 ContainerCreating'));
      await status({
        phase: 'Running',
        podIP: '10.244.9.7',
        conditions: [{ type: 'Ready', status: 'True' }],
        containerStatuses: [{ name: 'c', image: 'nginx', imageID: '', ready: true, restartCount: 0, started: true, state: { running: { startedAt: timeAgo(0) } } }],
      });
      await waitFor('Running', () => statuses().includes('1/1 Running'));
      // A pod on a node is deleted gracefully: it is Terminating until its kubelet (none here) finishes.
      await apiOk(url, 'DELETE', `${base}/watched`);
      await waitFor('Terminating', () => statuses().includes('1/1 Terminating'));
      expect(statuses()).toEqual(['0/1 Pending', '0/1 ContainerCreating', '1/1 Running', '1/1 Terminating']);
      expect(w.child.exitCode).toBeNull();
    } finally {
      w.child.kill();
    }
  });

  it('apply -f (client-side) prints created, then configured, then unchanged', async () => {
    const manifest = path.join(c.dir, 'apply.yaml');
    const write = (value: string, image: string) => writeFileSync(manifest, [configMapYaml('applied', { key: value }), deploymentYaml('applied', 1, image)].join('---\n'));
    write('v1', 'nginx:1.25');
    expect(lines(await k.ok(['apply', '-f', manifest]))).toEqual(['configmap/applied created', 'deployment.apps/applied created']);
    write('v2', 'nginx:1.26');
    expect(lines(await k.ok(['apply', '-f', manifest]))).toEqual(['configmap/applied configured', 'deployment.apps/applied configured']);
    expect(lines(await k.ok(['apply', '-f', manifest]))).toEqual(['configmap/applied unchanged', 'deployment.apps/applied unchanged']);
    const cm = await json('get', 'cm', 'applied');
    expect(cm.data).toEqual({ key: 'v2' });
    expect(JSON.parse(cm.metadata.annotations['kubectl.kubernetes.io/last-applied-configuration'])).toMatchObject({ data: { key: 'v2' } });
    expect((await json('get', 'deploy', 'applied')).spec.template.spec.containers[0].image).toBe('nginx:1.26');
  });

  it('apply --server-side: serverside-applied, conflicts in the upstream wording, --force-conflicts', async () => {
    const two = c.file('ssa-2.yaml', deploymentYaml('ssa', 2, 'nginx:1.25'));
    const five = c.file('ssa-5.yaml', deploymentYaml('ssa', 5, 'nginx:1.25'));
    expect(await k.ok(['apply', '--server-side', '-f', two])).toBe('deployment.apps/ssa serverside-applied\n');
    expect(await k.ok(['apply', '--server-side', '-f', two])).toBe('deployment.apps/ssa serverside-applied\n');

    // Another applier changing a field kubectl applied: the same container and image co-own, replicas conflict.
    const other = await k.run(['apply', '--server-side', '--field-manager=other', '-f', five]);
    expect(other.code).toBe(1);
    expect(lines(other.stderr)[0]).toBe('error: Apply failed with 1 conflict: conflict with "kubectl": .spec.replicas');
    expect(other.stderr).toContain('* If you intend to manage all of these fields, please re-run the apply\n  command with the `--force-conflicts` flag.');

    // kubectl scale writes through /scale with the User-Agent's manager: it now owns .spec.replicas.
    expect(await k.ok(['scale', 'deploy', 'ssa', '--replicas=3'])).toBe('deployment.apps/ssa scaled\n');
    const conflict = await k.run(['apply', '--server-side', '-f', two]);
    expect(conflict.code).toBe(1);
    expect(lines(conflict.stderr)[0]).toBe(`error: Apply failed with 1 conflict: conflict with "kubectl.${version}" with subresource "scale" using apps/v1: .spec.replicas`);
    expect((await json('get', 'deploy', 'ssa')).spec.replicas).toBe(3);

    expect(await k.ok(['apply', '--server-side', '--force-conflicts', '-f', two])).toBe('deployment.apps/ssa serverside-applied\n');
    const got = await json('get', 'deploy', 'ssa', '--show-managed-fields');
    expect(got.spec.replicas).toBe(2);
    const owners = got.metadata.managedFields.filter((e: any) => e.fieldsV1?.['f:spec']?.['f:replicas']).map((e: any) => [e.manager, e.operation]);
    expect(owners).toEqual([['kubectl', 'Apply']]);

    expect(await k.ok(['apply', '--server-side', '--force-conflicts', '--field-manager=other', '-f', five])).toBe('deployment.apps/ssa serverside-applied\n');
    expect((await json('get', 'deploy', 'ssa')).spec.replicas).toBe(5);
  });

  it('client-side apply, then apply --server-side: the upgrade takes over kubectl\'s fields without conflicts', async () => {
    const manifest = path.join(c.dir, 'upgrade.yaml');
    writeFileSync(manifest, deploymentYaml('upgraded', 2, 'nginx:1.25'));
    expect(await k.ok(['apply', '-f', manifest])).toBe('deployment.apps/upgraded created\n');
    writeFileSync(manifest, deploymentYaml('upgraded', 3, 'nginx:1.25'));
    expect(await k.ok(['apply', '--server-side', '-f', manifest])).toBe('deployment.apps/upgraded serverside-applied\n');
    const got = await json('get', 'deploy', 'upgraded', '--show-managed-fields');
    expect(got.spec.replicas).toBe(3);
    // kubectl migrated the client-side manager's fields to its server-side one.
    const managers = got.metadata.managedFields.map((e: any) => `${e.manager}/${e.operation}`);
    expect(managers).not.toContain('kubectl-client-side-apply/Update');
    expect(got.metadata.managedFields.find((e: any) => e.manager === 'kubectl' && e.operation === 'Apply').fieldsV1['f:spec']).toHaveProperty('f:replicas');
    expect(JSON.parse(got.metadata.annotations['kubectl.kubernetes.io/last-applied-configuration']).spec.replicas).toBe(3);
    // And back: client-side apply still works on it.
    writeFileSync(manifest, deploymentYaml('upgraded', 4, 'nginx:1.25'));
    expect(await k.ok(['apply', '-f', manifest])).toBe('deployment.apps/upgraded configured\n');
    expect((await json('get', 'deploy', 'upgraded')).spec.replicas).toBe(4);
  });

  it('patch: strategic (default), merge and json; a patch that changes nothing says (no change)', async () => {
    const strategic = ['patch', 'deploy', 'web', '-p', '{"spec":{"replicas":3}}'];
    expect(await k.ok(strategic)).toBe('deployment.apps/web patched\n');
    expect(await k.ok(strategic)).toBe('deployment.apps/web patched (no change)\n');
    const merge = ['patch', 'cm', 'cfg', '--type=merge', '-p', '{"data":{"a":"merged"}}'];
    expect(await k.ok(merge)).toBe('configmap/cfg patched\n');
    expect(await k.ok(merge)).toBe('configmap/cfg patched (no change)\n');
    expect(await k.ok(['patch', 'cm', 'cfg', '--type=json', '-p', '[{"op":"add","path":"/data/e","value":"f"}]'])).toBe('configmap/cfg patched\n');
    expect(await k.ok(['patch', 'cm', 'cfg', '--type=json', '-p', '[{"op":"test","path":"/data/e","value":"f"}]'])).toBe('configmap/cfg patched (no change)\n');
    // A strategic patch merges containers by name.
    expect(await k.ok(['patch', 'deploy', 'web', '-p', '{"spec":{"template":{"spec":{"containers":[{"name":"nginx","env":[{"name":"A","value":"1"}]}]}}}}'])).toBe(
      'deployment.apps/web patched\n',
    );
    const [cm, deploy] = await Promise.all([json('get', 'cm', 'cfg'), json('get', 'deploy', 'web')]);
    expect(cm.data).toEqual({ a: 'merged', c: 'd', e: 'f' });
    expect(deploy.spec.replicas).toBe(3);
    expect(deploy.spec.template.spec.containers).toEqual([expect.objectContaining({ name: 'nginx', image: 'nginx:1.25', env: [{ name: 'A', value: '1' }] })]);

    // A failed test operation: upstream answers a bare 422 (NewGenericServerResponse), which kubectl words so.
    const bad = await k.run(['patch', 'cm', 'cfg', '--type=json', '-p', '[{"op":"test","path":"/data/e","value":"nope"}]']);
    expect(bad.code).toBe(1);
    expect(bad.stderr.trim()).toBe('The request is invalid: the server rejected our request due to an error in our request');
  });

  it('label and annotate', async () => {
    expect(await k.ok(['label', 'pod', 'pod1', 'env=dev'])).toBe('pod/pod1 labeled\n');
    const again = await k.run(['label', 'pod', 'pod1', 'env=prod']);
    expect(again.code).toBe(1);
    expect(again.stderr.trim()).toBe("error: 'env' already has a value (dev), and --overwrite is false");
    expect(await k.ok(['label', 'pod', 'pod1', 'env=prod', '--overwrite'])).toBe('pod/pod1 labeled\n');
    // (kubectl 1.27 itself prints "annotate": its printer's operation word lost the "d".)
    expect(await k.ok(['annotate', 'pod', 'pod1', 'note=hello'])).toBe(version === '1.27' ? 'pod/pod1 annotate\n' : 'pod/pod1 annotated\n');
    const [shown, note] = await Promise.all([k.ok(['get', 'pod', 'pod1', '--show-labels']), k.ok(['get', 'pod', 'pod1', '-o', 'jsonpath={.metadata.annotations.note}'])]);
    expect(parseTable(shown).rows[0].at(-1)).toBe('env=prod,run=pod1');
    expect(note).toBe('hello');
    expect(await k.ok(['label', 'pod', 'pod1', 'env-'])).toBe('pod/pod1 unlabeled\n');
  });

  it('scale', async () => {
    expect(await k.ok(['scale', 'deploy', 'web', '--replicas=1'])).toBe('deployment.apps/web scaled\n');
    await waitFor('the deployment to scale', async () => parseTable(await k.ok(['get', 'deploy', 'web'])).rows[0][1] === '0/1');
    expect(await k.ok(['get', 'deploy', 'web', '-o', 'jsonpath={.spec.replicas}'])).toBe('1');
  });

  it('edit with a scripted EDITOR: edited, and the change is stored; no change is cancelled', async () => {
    const editor = c.file('editor.sh', '#!/bin/sh\nsed -i -e "s/image: nginx:1.25/image: nginx:1.26/" "$1"\n');
    const { chmodSync } = await import('node:fs');
    chmodSync(editor, 0o755);
    const r = await k.run(['edit', 'deploy', 'web'], { env: { EDITOR: editor, KUBE_EDITOR: '' } });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe('deployment.apps/web edited\n');
    const d = await json('get', 'deploy', 'web', '--show-managed-fields');
    expect(d.spec.template.spec.containers[0].image).toBe('nginx:1.26');
    expect(d.metadata.generation).toBeGreaterThan(1);
    expect(d.metadata.managedFields.some((e: any) => e.manager === 'kubectl-edit' && e.operation === 'Update')).toBe(true);

    const none = await k.run(['edit', 'deploy', 'web'], { env: { EDITOR: editor, KUBE_EDITOR: '' } });
    expect(none.code).toBe(0);
    expect(none.stdout + none.stderr).toContain('Edit cancelled, no changes made.');
  });

  it('replace, and the 409 on a stale resourceVersion in the upstream wording', async () => {
    const current = await k.ok(['get', 'cm', 'cfg', '-o', 'yaml']);
    const fresh = c.file('replace.yaml', current.replace(/^ {2}a: merged$/m, '  a: replaced'));
    expect(await k.ok(['replace', '-f', fresh])).toBe('configmap/cfg replaced\n');
    expect((await json('get', 'cm', 'cfg')).data.a).toBe('replaced');
    // The same file again carries the old resourceVersion.
    const stale = await k.run(['replace', '-f', fresh]);
    expect(stale.code).toBe(1);
    expect(stale.stderr.trim()).toBe(
      `Error from server (Conflict): error when replacing "${fresh}": Operation cannot be fulfilled on configmaps "cfg": the object has been modified; please apply your changes to the latest version and try again`,
    );
  });

  it('diff exits 1 with a unified diff naming the change, 0 when nothing changes', async () => {
    const live = await k.ok(['get', 'cm', 'cfg', '-o', 'yaml']);
    const same = c.file('diff-same.yaml', live);
    const changed = c.file('diff-changed.yaml', live.replace(/^ {2}a: replaced$/m, '  a: diffed'));
    const [d1, d0] = await Promise.all([k.run(['diff', '-f', changed]), k.run(['diff', '-f', same])]);
    expect(d1.code, d1.stderr).toBe(1);
    expect(d1.stdout).toMatch(/^diff -u -N \S+\/v1\.ConfigMap\.default\.cfg \S+\/v1\.ConfigMap\.default\.cfg$/m);
    expect(d1.stdout).toMatch(/^-  a: replaced$/m);
    expect(d1.stdout).toMatch(/^\+  a: diffed$/m);
    expect(d0.code, d0.stderr).toBe(0);
    expect(d0.stdout).toBe('');
    // diff is a dry run: nothing changed.
    expect((await json('get', 'cm', 'cfg')).data.a).toBe('replaced');
  });

  it('explain prints the real field documentation', async () => {
    const [containers, recursive] = await Promise.all([k.ok(['explain', 'pods.spec.containers']), k.ok(['explain', 'deployment', '--recursive'])]);
    expect(containers).toMatch(/^KIND:\s+Pod$/m);
    expect(containers).toMatch(/^VERSION:\s+v1$/m);
    expect(containers).toContain('FIELD: containers <[]Container>');
    expect(containers.replace(/\s+/g, ' ')).toContain('List of containers belonging to the pod.');
    expect(containers).toMatch(/^ {2}name\t<string> -required-$/m);
    expect(recursive).toMatch(/^GROUP:\s+apps$/m);
    expect(recursive).toMatch(/^KIND:\s+Deployment$/m);
    expect(recursive).toMatch(/^ {4}replicas\t<integer>$/m);
    expect(recursive).toMatch(/^ {8}containers\t<\[\]Container> -required-$/m);
  });

  it('describe pod, deployment, service and node, with their events (listed through field selectors)', async () => {
    const pod = await apiOk(url, 'GET', '/api/v1/namespaces/default/pods/pod1');
    await apiOk(url, 'POST', '/api/v1/namespaces/default/events', {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name: 'pod1.fidelity' },
      involvedObject: { kind: 'Pod', namespace: 'default', name: 'pod1', uid: pod.metadata.uid, apiVersion: 'v1' },
      reason: 'Tested',
      message: 'described by the fidelity suite',
      type: 'Normal',
      source: { component: 'fidelity-test' },
      firstTimestamp: timeAgo(0),
      lastTimestamp: timeAgo(0),
      count: 1,
    });
    const node = await createExternalNode(url, 'node-d');
    await apiOk(url, 'POST', '/api/v1/namespaces/default/events', {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name: 'node-d.fidelity' },
      // kubelets name the node itself as the uid of node events; describe node asks for both.
      involvedObject: { kind: 'Node', name: 'node-d', uid: 'node-d' },
      reason: 'Starting',
      message: 'Starting kubelet.',
      type: 'Normal',
      source: { component: 'kubelet', host: 'node-d' },
      firstTimestamp: timeAgo(0),
      lastTimestamp: timeAgo(0),
      count: 1,
    });
    await apiOk(url, 'POST', '/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases', {
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: { name: 'node-d', ownerReferences: [{ apiVersion: 'v1', kind: 'Node', name: 'node-d', uid: node.metadata.uid }] },
      spec: { holderIdentity: 'node-d', leaseDurationSeconds: 40, renewTime: new Date().toISOString().replace('Z', '000Z') },
    });

    const [dpod, dsvc, dnode] = await Promise.all([k.ok(['describe', 'pod', 'pod1']), k.ok(['describe', 'svc', 'web']), k.ok(['describe', 'node', 'node-d'])]);
    for (const line of [
      /^Name:\s+pod1$/m,
      /^Namespace:\s+default$/m,
      /^Priority:\s+0$/m,
      /^Service Account:\s+default$/m,
      /^Labels:\s+run=pod1$/m,
      /^Annotations:\s+note: hello$/m,
      /^Status:\s+Pending$/m,
      /^Containers:$/m,
      /^ {4}Image:\s+nginx:1\.25$/m,
      // What the ServiceAccount and DefaultTolerationSeconds admission plugins add to every pod.
      /^ {6}\/var\/run\/secrets\/kubernetes\.io\/serviceaccount from kube-api-access-[a-z0-9]{5} \(ro\)$/m,
      /^ {4}Type:\s+Projected \(a volume that contains injected data from multiple sources\)$/m,
      /^QoS Class:\s+BestEffort$/m,
      /^Tolerations:\s+node\.kubernetes\.io\/not-ready:NoExecute op=Exists for 300s$/m,
      /^\s+node\.kubernetes\.io\/unreachable:NoExecute op=Exists for 300s$/m,
      /^Events:$/m,
    ]) {
      expect(dpod).toMatch(line);
    }
    expect(dpod).toMatch(/^ {2}Type\s+Reason\s+Age\s+From\s+Message$/m);
    expect(dpod).toMatch(/^ {2}Normal\s+Tested\s+\S+\s+fidelity-test\s+described by the fidelity suite$/m);

    for (const line of [/^Name:\s+web$/m, /^Namespace:\s+default$/m, /^Labels:\s+app=web$/m, /^Selector:\s+app=web$/m, /^Type:\s+ClusterIP$/m, /^IP:\s+10\.\d+\.\d+\.\d+$/m, /^Port:\s+<unset>\s+80\/TCP$/m, /^TargetPort:\s+8080\/TCP$/m, /^Events:\s+<none>$/m]) {
      expect(dsvc).toMatch(line);
    }

    for (const line of [/^Name:\s+node-d$/m, /^Roles:\s+control-plane$/m, /^Taints:\s+example\.com\/reserved:NoSchedule$/m, /^Unschedulable:\s+false$/m, /^Lease:$/m, /^ {2}HolderIdentity:\s+node-d$/m, /^ {2}InternalIP:\s+172\.30\.9\.2$/m, /^ {2}Kubelet Version:\s+v1\.33\.1$/m, /^Events:$/m]) {
      expect(dnode).toMatch(line);
    }
    expect(dnode).toMatch(/^ {2}Normal\s+Starting\s+\S+\s+kubelet\s+Starting kubelet\.$/m);

    // The deployment's own events come from the deployment controller.
    const ddeploy = await waitFor('the deployment events', async () => {
      const out = await k.ok(['describe', 'deploy', 'web']);
      return /ScalingReplicaSet/.test(out) && out;
    });
    for (const line of [/^Name:\s+web$/m, /^Namespace:\s+default$/m, /^Labels:\s+app=web$/m, /^Selector:\s+app=web$/m, /^StrategyType:\s+RollingUpdate$/m, /^Replicas:\s+1 desired \| \d+ updated \| \d+ total \| \d+ available \| \d+ unavailable$/m, /^NewReplicaSet:\s+web-[a-z0-9]+ \(\d+\/\d+ replicas created\)$/m, /^Events:$/m]) {
      expect(ddeploy).toMatch(line);
    }
    expect(ddeploy).toMatch(/^ {2}Normal\s+ScalingReplicaSet\s+\S+\s+deployment-controller\s+Scaled up replica set web-[a-z0-9]+ from 0 to 2$/m);
  });

  it('--dry-run=server creates, applies and deletes nothing, and says (server dry run)', async () => {
    const manifest = c.file('dry.yaml', configMapYaml('dry-applied', { a: 'b' }));
    const [created, applied, deleted, run] = await Promise.all([
      k.ok(['create', 'deployment', 'dry', '--image=nginx', '--dry-run=server']),
      k.ok(['apply', '-f', manifest, '--dry-run=server']),
      k.ok(['delete', 'cm', 'cfg', '--dry-run=server']),
      k.ok(['run', 'dry-pod', '--image=nginx', '--dry-run=server']),
    ]);
    expect(created).toBe('deployment.apps/dry created (server dry run)\n');
    expect(applied).toBe('configmap/dry-applied created (server dry run)\n');
    expect(deleted).toBe('configmap "cfg" deleted (server dry run)\n');
    expect(run).toBe('pod/dry-pod created (server dry run)\n');
    const [d, cm, cfg, pod] = await Promise.all([
      k.run(['get', 'deploy', 'dry']),
      k.run(['get', 'cm', 'dry-applied']),
      k.run(['get', 'cm', 'cfg']),
      k.run(['get', 'pod', 'dry-pod']),
    ]);
    expect(d.stderr.trim()).toBe('Error from server (NotFound): deployments.apps "dry" not found');
    expect(cm.stderr.trim()).toBe('Error from server (NotFound): configmaps "dry-applied" not found');
    expect(cfg.code).toBe(0);
    expect(pod.stderr.trim()).toBe('Error from server (NotFound): pods "dry-pod" not found');
  });

  it('--validate=strict rejects unknown fields with the server strict decoding error', async () => {
    const bad = c.file('bad-cm.yaml', `${configMapYaml('bad', { a: 'b' })}bogus: 1\n`);
    const nested = c.file('bad-deploy.yaml', deploymentYaml('bad', 1, 'nginx', '\n        imagePullPolicyy: Always'));
    const [r1, r2] = await Promise.all([k.run(['create', '--validate=strict', '-f', bad]), k.run(['apply', '--validate=strict', '-f', nested])]);
    expect(r1.code).toBe(1);
    expect(r1.stderr.trim()).toBe(
      `Error from server (BadRequest): error when creating "${bad}": ConfigMap in version "v1" cannot be handled as a ConfigMap: strict decoding error: unknown field "bogus"`,
    );
    expect(r2.code).toBe(1);
    expect(r2.stderr).toContain('strict decoding error: unknown field "spec.template.spec.containers[0].imagePullPolicyy"');
    expect((await api(url, 'GET', '/api/v1/namespaces/default/configmaps/bad')).status).toBe(404);
    // --validate=false drops the field and creates the object.
    expect(await k.ok(['create', '--validate=false', '-f', bad])).toBe('configmap/bad created\n');
  });

  it('auth can-i create pods → yes', async () => {
    const r = await k.run(['auth', 'can-i', 'create', 'pods']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('yes\n');
  });

  it('delete prints what was deleted, and the objects are gone', async () => {
    const manifest = path.join(c.dir, 'apply.yaml');
    const [pod, file] = await Promise.all([k.ok(['delete', 'pod', 'pod1']), k.ok(['delete', '-f', manifest])]);
    expect(pod).toBe('pod "pod1" deleted\n');
    expect(lines(file)).toEqual(['configmap "applied" deleted', 'deployment.apps "applied" deleted']);
    const gone = await k.run(['get', 'pod', 'pod1']);
    expect(gone.stderr.trim()).toBe('Error from server (NotFound): pods "pod1" not found');
    const again = await k.run(['delete', 'cm', 'applied']);
    expect(again.code).toBe(1);
    expect(again.stderr.trim()).toBe('Error from server (NotFound): configmaps "applied" not found');
  });
});

// The version-dispatching `kubectl` on the PATH picks its client from the server's /version (v1.33.1 here).
const dispatcher = which('kubectl');
describe.skipIf(!dispatcher)('the version-dispatching kubectl on the PATH', () => {
  let c: Ctx;
  let k: Kubectl;
  beforeAll(async () => {
    c = await setup('dispatcher', dispatcher!);
    k = c.k;
  });
  afterAll(() => teardown(c));

  it('runs the client matching the server version', async () => {
    const out = await k.ok(['version']);
    expect(out).toMatch(/^Client Version: v1\.33\.1$/m);
    expect(out).toMatch(/^Server Version: v1\.33\.1$/m);
  });

  it('create, get, scale, apply --server-side conflicts with the scale manager "kubectl", auth can-i, explain', async () => {
    expect(await k.ok(['create', 'deployment', 'web', '--image=nginx:1.25', '--replicas=2'])).toBe('deployment.apps/web created\n');
    const table = parseTable(await k.ok(['get', 'deploy', 'web', '-o', 'wide']));
    expect(table.header).toEqual(['NAME', 'READY', 'UP-TO-DATE', 'AVAILABLE', 'AGE', 'CONTAINERS', 'IMAGES', 'SELECTOR']);
    expect(rowOf(table, 'web').slice(5)).toEqual(['nginx', 'nginx:1.25', 'app=web']);

    const two = c.file('ssa.yaml', deploymentYaml('ssa', 2, 'nginx:1.25'));
    expect(await k.ok(['apply', '--server-side', '-f', two])).toBe('deployment.apps/ssa serverside-applied\n');
    expect(await k.ok(['scale', 'deploy', 'ssa', '--replicas=4'])).toBe('deployment.apps/ssa scaled\n');
    const conflict = await k.run(['apply', '--server-side', '-f', two]);
    expect(conflict.code).toBe(1);
    expect(lines(conflict.stderr)[0]).toBe('error: Apply failed with 1 conflict: conflict with "kubectl" with subresource "scale" using apps/v1: .spec.replicas');
    expect(await k.ok(['apply', '--server-side', '--force-conflicts', '-f', two])).toBe('deployment.apps/ssa serverside-applied\n');

    const [canI, explain] = await Promise.all([k.ok(['auth', 'can-i', 'create', 'pods']), k.ok(['explain', 'pods.spec.containers.image'])]);
    expect(canI).toBe('yes\n');
    expect(explain).toContain('FIELD: image <string>');
  });
});
