// Real kubectl against custom resources: a CRD and a custom resource applied from one file (kubectl maps every
// document before applying, so the first apply creates the CRD and reports the custom resource's kind as unknown,
// exactly as against a real cluster; the second apply creates it), get with printer columns, short names and
// categories, explain, scale, server-side validation messages, CEL, defaulting and pruning, and CRD deletion.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse, stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_COMPONENTS } from '../../src/components.js';
import { startTestCluster, type TestCluster } from '../helpers/cluster.js';
import { Kubectl, KUBECTL_VERSIONS } from '../helpers/kubectl.js';
import { waitFor } from '../helpers/wait.js';
import { widget, widgetCRD } from '../crd/fixtures.js';

function yamlDocs(...docs: unknown[]): string {
  return docs.map((d) => stringify(d)).join('---\n');
}

describe.each(KUBECTL_VERSIONS)('kubectl %s with custom resources', (version) => {
  let c: TestCluster;
  let k: Kubectl;
  let dir: string;
  const file = (name: string, text: string) => {
    const p = path.join(dir, name);
    writeFileSync(p, text);
    return p;
  };

  beforeAll(async () => {
    c = await startTestCluster({ components: DEFAULT_COMPONENTS });
    k = new Kubectl(version, c.kubeconfigPath);
    dir = mkdtempSync(path.join(os.tmpdir(), 'kubesim-crd-e2e-'));
  });
  afterAll(async () => {
    await c?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('applies a CRD and a custom resource from one file', async () => {
    const f = file('all.yaml', yamlDocs(widgetCRD(), widget('w1', { color: 'red', replicas: 2 })));
    const first = await k.run(['apply', '-f', f]);
    expect(first.stdout).toContain('customresourcedefinition.apiextensions.k8s.io/widgets.stable.example.com created');
    if (first.code !== 0) expect(first.stderr).toContain('ensure CRDs are installed first');
    await k.ok(['wait', '--for=condition=Established', 'crd/widgets.stable.example.com', '--timeout=30s']);
    const second = await k.ok(['apply', '-f', f]);
    expect(second).toMatch(/widget\.stable\.example\.com\/w1 (created|unchanged)/);
  });

  it('gets custom resources with printer columns, short names and categories', async () => {
    const out = await k.ok(['get', 'widgets']);
    const [header, row] = out.trim().split('\n');
    expect(header!.split(/\s+/)).toEqual(['NAME', 'COLOR', 'REPLICAS', 'READY', 'AGE']);
    // READY has no value yet: the server sends a null cell, which kubectl prints as blank.
    expect(row!.split(/\s+/)).toEqual(['w1', 'red', '2', expect.stringMatching(/^\d+s$/)]);
    expect(await k.ok(['get', 'wd', 'w1', '-o', 'name'])).toBe('widget.stable.example.com/w1\n');
    expect(await k.ok(['get', 'all'])).toContain('widget.stable.example.com/w1');
    const crds = await k.ok(['get', 'crd']);
    expect(crds).toMatch(/^NAME\s+CREATED AT\nwidgets\.stable\.example\.com\s+\d{4}-/);
  });

  it('explains the kind from the published schema', async () => {
    const out = await k.ok(['explain', 'widget.spec']);
    expect(out).toContain('KIND:');
    expect(out).toContain('Widget');
    expect(out).toMatch(/color\s+<string>/);
    expect(out).toContain('The colour of the widget.');
  });

  it('scales through the scale subresource', async () => {
    expect(await k.ok(['scale', 'widget', 'w1', '--replicas=3'])).toBe('widget.stable.example.com/w1 scaled\n');
    expect(await k.ok(['get', 'widget', 'w1', '-o', 'jsonpath={.spec.replicas}'])).toBe('3');
  });

  it('rejects invalid objects with the server messages', async () => {
    const bad = await k.run(['apply', '-f', file('bad.yaml', stringify(widget('bad', { color: 'pink', replicas: 'x' })))]);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain('spec.color: Unsupported value: "pink": supported values: "red", "green", "blue"');
    expect(bad.stderr).toContain('spec.replicas: Invalid value: "string": spec.replicas in body must be of type integer: "string"');
    const cel = await k.run(['apply', '-f', file('cel.yaml', stringify(widget('cel', { color: 'red', replicas: 20 })))]);
    expect(cel.code).not.toBe(0);
    expect(cel.stderr).toContain('spec: Invalid value: "object": replicas must not exceed maxReplicas');
    const strict = await k.run(['apply', '-f', file('strict.yaml', stringify(widget('strict', { color: 'red', bogus: true })))]);
    expect(strict.code).not.toBe(0);
    expect(strict.stderr).toContain('unknown field "spec.bogus"');
  });

  it('shows defaulting and pruning in -o yaml', async () => {
    await k.ok(['apply', '--validate=false', '-f', file('pruned.yaml', stringify(widget('pruned', { color: 'green', bogus: true })))]);
    const out = await k.ok(['get', 'widget', 'pruned', '-o', 'yaml']);
    expect(out).toContain('maxReplicas: 10');
    expect(out).toContain('replicas: 1');
    // Only kubectl's last-applied-configuration annotation still mentions the pruned field.
    expect(parse(out).spec).toEqual({ color: 'green', maxReplicas: 10, replicas: 1 });
    expect(JSON.parse(await k.ok(['get', 'widget', 'pruned', '-o', 'jsonpath={.spec}']))).toEqual({ color: 'green', maxReplicas: 10, replicas: 1 });
  });

  it('client-side apply updates a custom resource with a merge patch', async () => {
    expect(await k.ok(['apply', '-f', file('w2.yaml', stringify(widget('w2', { color: 'red', replicas: 1 })))])).toBe('widget.stable.example.com/w2 created\n');
    expect(await k.ok(['apply', '-f', file('w2.yaml', stringify(widget('w2', { color: 'green', replicas: 1 })))])).toBe('widget.stable.example.com/w2 configured\n');
    expect(await k.ok(['get', 'widget', 'w2', '-o', 'jsonpath={.spec.color} {.metadata.generation}'])).toBe('green 2');
    expect(await k.ok(['diff', '-f', file('w2.yaml', stringify(widget('w2', { color: 'green', replicas: 1 })))])).toBe('');
  });

  it('patches with merge and JSON patches; strategic merge is refused', async () => {
    await k.ok(['patch', 'widget', 'w1', '--type=merge', '-p', '{"spec":{"color":"blue"}}']);
    const smp = await k.run(['patch', 'widget', 'w1', '-p', '{"spec":{"color":"green"}}']);
    expect(smp.code).not.toBe(0);
    expect(smp.stderr).toContain('application/strategic-merge-patch+json is not supported');
    await k.ok(['label', 'widget', 'w1', 'tier=gold']);
    expect(await k.ok(['get', 'widgets', '-l', 'tier=gold', '-o', 'name'])).toBe('widget.stable.example.com/w1\n');
    expect(await k.ok(['get', 'widgets', '--field-selector', 'spec.color=blue', '-o', 'name'])).toBe('widget.stable.example.com/w1\n');
  });

  it('server-side applies with list-map keys from the schema', async () => {
    const doc = (ports: unknown[]) => stringify({ ...widget('ssa', { color: 'red', ports }) });
    await k.ok(['apply', '--server-side', '--field-manager=a', '-f', file('ssa-a.yaml', doc([{ name: 'http', port: 80 }]))]);
    await k.ok(['apply', '--server-side', '--field-manager=b', '-f', file('ssa-b.yaml', doc([{ name: 'https', port: 443 }]))]).catch(() => undefined);
    const ports = JSON.parse(await k.ok(['get', 'widget', 'ssa', '-o', 'jsonpath={.spec.ports}']));
    expect(ports.map((p: any) => p.name).sort()).toEqual(['http', 'https']);
  });

  it('deleting the CRD removes its objects and its resource type', async () => {
    await k.ok(['delete', 'crd', 'widgets.stable.example.com', '--timeout=30s']);
    await waitFor('widgets gone from storage', () => c.storage.list('/registry/stable.example.com/widgets/').items.length === 0);
    // A fresh kubectl (empty discovery cache), as a cached one would still map the old resource.
    const r = await new Kubectl(version, c.kubeconfigPath).run(['get', 'widgets']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('the server doesn\'t have a resource type "widgets"');
  });
});
