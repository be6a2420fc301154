// Custom resources from client libraries and real projects: a small operator written with @kubernetes/client-node
// (an informer on its custom resource, a reconcile that writes status through the status subresource) converges
// against kubesim; and realistic CRDs of cert-manager (Certificate) and the Prometheus operator (ServiceMonitor)
// install with kubectl and accept their typical custom resources, rejecting invalid ones with upstream messages.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as k8s from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_COMPONENTS } from '../../src/components.js';
import { startTestCluster, type TestCluster } from '../helpers/cluster.js';
import { Kubectl, KUBECTL_VERSIONS } from '../helpers/kubectl.js';
import { waitFor } from '../helpers/wait.js';
import { widgetCRD } from '../crd/fixtures.js';

const manifest = (name: string) => fileURLToPath(new URL(`../crd/manifests/${name}`, import.meta.url));
const GROUP = 'stable.example.com';

describe('an operator written with @kubernetes/client-node', () => {
  let c: TestCluster;
  let kc: k8s.KubeConfig;
  beforeAll(async () => {
    c = await startTestCluster({ components: DEFAULT_COMPONENTS });
    kc = new k8s.KubeConfig();
    kc.loadFromString(c.kubeconfig);
  });
  afterAll(() => c?.stop());

  it('installs its CRD, watches its resources and converges their status', async () => {
    const ext = kc.makeApiClient(k8s.ApiextensionsV1Api);
    const custom = kc.makeApiClient(k8s.CustomObjectsApi);
    // Plain JSON becomes the typed model first (loadYaml deserialises by kind), so the x-kubernetes-* keys survive serialisation.
    const body = k8s.loadYaml<k8s.V1CustomResourceDefinition>(JSON.stringify(widgetCRD()));
    await ext.createCustomResourceDefinition({ body });
    await waitFor('established', async () => {
      const crd = await ext.readCustomResourceDefinition({ name: 'widgets.stable.example.com' });
      return crd.status?.conditions?.some((x) => x.type === 'Established' && x.status === 'True');
    });

    // The operator: reconcile = make status.replicas follow spec.replicas and report Ready.
    const reconcile = async (w: any) => {
      const want = { replicas: w.spec.replicas, selector: `app=${w.metadata.name}`, conditions: [{ type: 'Ready', status: 'True' }], observedGeneration: w.metadata.generation };
      if (JSON.stringify(w.status ?? {}) === JSON.stringify(want)) return;
      try {
        await custom.replaceNamespacedCustomObjectStatus({ group: GROUP, version: 'v1', namespace: 'default', plural: 'widgets', name: w.metadata.name, body: { ...w, status: want } });
      } catch (err) {
        if ((err as { code?: number }).code !== 409) throw err; // a newer version arrives through the informer
      }
    };
    const informer = k8s.makeInformer<any>(kc, `/apis/${GROUP}/v1/namespaces/default/widgets`, () =>
      custom.listNamespacedCustomObject({ group: GROUP, version: 'v1', namespace: 'default', plural: 'widgets' }),
    );
    const errors: unknown[] = [];
    informer.on('add', (w) => void reconcile(w).catch((e) => errors.push(e)));
    informer.on('update', (w) => void reconcile(w).catch((e) => errors.push(e)));
    informer.on('error', (e) => errors.push(e));
    await informer.start();
    try {
      for (const [name, replicas] of [['a', 1], ['b', 2], ['c', 3]] as const) {
        await custom.createNamespacedCustomObject({ group: GROUP, version: 'v1', namespace: 'default', plural: 'widgets', body: { apiVersion: `${GROUP}/v1`, kind: 'Widget', metadata: { name }, spec: { color: 'red', replicas } } });
      }
      const ready = async () => {
        const list = await custom.listNamespacedCustomObject({ group: GROUP, version: 'v1', namespace: 'default', plural: 'widgets' });
        return list.items.length === 3 && list.items.every((w: any) => w.status?.replicas === w.spec.replicas && w.status.observedGeneration === w.metadata.generation) && list;
      };
      await waitFor('operator converged', ready);
      // A spec change bumps the generation; the operator catches up.
      await custom.patchNamespacedCustomObject(
        { group: GROUP, version: 'v1', namespace: 'default', plural: 'widgets', name: 'b', body: { spec: { replicas: 5 } } },
        k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch),
      );
      const list = await waitFor('operator converged after a change', ready);
      const b = list.items.find((w: any) => w.metadata.name === 'b');
      expect(b.metadata.generation).toBe(2);
      expect(b.status).toEqual({ replicas: 5, selector: 'app=b', conditions: [{ type: 'Ready', status: 'True' }], observedGeneration: 2 });
      expect(errors).toEqual([]);
    } finally {
      await informer.stop();
    }
  });
});

describe('CRDs of well-known projects', () => {
  let c: TestCluster;
  let k: Kubectl;
  beforeAll(async () => {
    c = await startTestCluster({ components: DEFAULT_COMPONENTS });
    k = new Kubectl(KUBECTL_VERSIONS[KUBECTL_VERSIONS.length - 1], c.kubeconfigPath);
    await k.ok(['apply', '-f', manifest('cert-manager-certificate.yaml'), '-f', manifest('prometheus-servicemonitor.yaml')]);
    await k.ok(['wait', '--for=condition=Established', 'crd/certificates.cert-manager.io', 'crd/servicemonitors.monitoring.coreos.com', '--timeout=30s']);
  });
  afterAll(() => c?.stop());

  it('cert-manager Certificate accepts a typical certificate and prints its columns', async () => {
    const cert = `apiVersion: cert-manager.io/v1
kind: Certificate
metadata:
  name: example-com
  namespace: default
spec:
  secretName: example-com-tls
  duration: 2160h
  renewBefore: 360h
  commonName: example.com
  dnsNames: [example.com, www.example.com]
  privateKey: {algorithm: ECDSA, size: 256, rotationPolicy: Always}
  usages: [server auth, client auth]
  issuerRef: {name: letsencrypt-prod, kind: ClusterIssuer, group: cert-manager.io}
`;
    expect(await k.ok(['apply', '-f', '-'], { input: cert })).toBe('certificate.cert-manager.io/example-com created\n');
    const out = await k.ok(['get', 'certs', '-o', 'wide']);
    expect(out.split('\n')[0]!.split(/\s{2,}/)).toEqual(['NAME', 'READY', 'SECRET', 'ISSUER', 'STATUS', 'AGE']);
    expect(out).toContain('example-com-tls');
    expect(out).toContain('letsencrypt-prod');
    const bad = await k.run(['apply', '-f', '-'], { input: cert.replace('ECDSA', 'DSA').replace('example-com\n', 'bad-cert\n') });
    expect(bad.stderr).toContain('spec.privateKey.algorithm: Unsupported value: "DSA": supported values: "RSA", "ECDSA", "Ed25519"');
    const missing = await k.run(['apply', '-f', '-'], { input: 'apiVersion: cert-manager.io/v1\nkind: Certificate\nmetadata: {name: nosecret}\nspec:\n  issuerRef: {name: x}\n' });
    expect(missing.stderr).toContain('spec.secretName: Required value');
    // A category with one resource type prints that type's table.
    expect(await k.ok(['get', 'cert-manager'])).toMatch(/^NAME\s+READY\s+SECRET\s+AGE\nexample-com\s+example-com-tls/);
  });

  it('ServiceMonitor accepts a typical monitor and validates durations and ports', async () => {
    const smon = `apiVersion: monitoring.coreos.com/v1
kind: ServiceMonitor
metadata:
  name: example-app
  labels: {team: frontend}
spec:
  selector:
    matchLabels: {app: example-app}
  namespaceSelector: {matchNames: [default]}
  endpoints:
  - port: web
    interval: 30s
    path: /metrics
    relabelings:
    - sourceLabels: [__meta_kubernetes_pod_node_name]
      targetLabel: node
  - targetPort: 8443
    scheme: https
    scrapeTimeout: 10s
`;
    expect(await k.ok(['apply', '-f', '-'], { input: smon })).toBe('servicemonitor.monitoring.coreos.com/example-app created\n');
    const got = JSON.parse(await k.ok(['get', 'smon', 'example-app', '-o', 'json']));
    // Defaulting inside list items: relabelings get action=replace.
    expect(got.spec.endpoints[0].relabelings[0]).toEqual({ action: 'replace', sourceLabels: ['__meta_kubernetes_pod_node_name'], targetLabel: 'node' });
    expect(got.spec.endpoints[1].targetPort).toBe(8443);
    const bad = await k.run(['apply', '-f', '-'], { input: smon.replace('interval: 30s', 'interval: 30 seconds').replace('example-app\n', 'bad-monitor\n') });
    expect(bad.stderr).toContain('spec.endpoints[0].interval: Invalid value: "30 seconds": spec.endpoints[0].interval in body should match');
    const port = await k.run(['apply', '-f', '-'], { input: smon.replace('targetPort: 8443', 'targetPort: true').replace('example-app\n', 'bad-port\n') });
    expect(port.stderr).toContain('spec.endpoints[1].targetPort: Invalid value: "boolean": spec.endpoints[1].targetPort in body must be of type integer,string: "boolean"');
    expect(await k.ok(['get', 'servicemonitors', '-l', 'team=frontend', '-o', 'name'])).toBe('servicemonitor.monitoring.coreos.com/example-app\n');
  });
});
