// Custom resources over their lifetime: several versions (None conversion, deprecation warnings, storage version
// migration), schema updates taking effect, CRD deletion cleaning up, garbage collection and namespace deletion of
// custom objects, and CRDs surviving a restart.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_COMPONENTS } from '../../src/components.js';
import { startTestCluster, type TestCluster } from '../helpers/cluster.js';
import { api, apiOk } from '../helpers/http.js';
import { waitFor } from '../helpers/wait.js';
import { WIDGET_SCHEMA, widget, widgetCRD } from './fixtures.js';

const CRDS = '/apis/apiextensions.k8s.io/v1/customresourcedefinitions';
const CRD_NAME = 'widgets.stable.example.com';

async function establish(c: TestCluster, crd: unknown): Promise<void> {
  await apiOk(c.url, 'POST', CRDS, crd);
  await waitFor('established', async () => {
    const x = await apiOk(c.url, 'GET', `${CRDS}/${CRD_NAME}`);
    return x.status?.conditions?.some((k: any) => k.type === 'Established' && k.status === 'True');
  });
}

function twoVersions(): any {
  const crd = widgetCRD();
  const v1 = crd.spec.versions[0];
  crd.spec.versions = [
    { ...structuredClone(v1), name: 'v1beta1', storage: true, deprecated: true },
    { ...structuredClone(v1), name: 'v1', storage: false },
  ];
  return crd;
}

describe('versions', () => {
  let c: TestCluster;
  beforeAll(async () => {
    c = await startTestCluster();
    await establish(c, twoVersions());
  });
  afterAll(() => c?.stop());

  it('serves every version, preferring the highest priority', async () => {
    const g = await apiOk(c.url, 'GET', '/apis/stable.example.com');
    expect(g.versions.map((v: any) => v.version)).toEqual(['v1', 'v1beta1']);
    expect(g.preferredVersion.version).toBe('v1');
  });

  it('rewrites apiVersion on read and warns on deprecated versions', async () => {
    const res = await fetch(`${c.url}/apis/stable.example.com/v1beta1/namespaces/default/widgets`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ...widget('multi'), apiVersion: 'stable.example.com/v1beta1' }),
    });
    expect(res.status).toBe(201);
    expect(res.headers.get('warning')).toBe('299 - "stable.example.com/v1beta1 Widget is deprecated; use stable.example.com/v1 Widget"');
    const v1 = await apiOk(c.url, 'GET', '/apis/stable.example.com/v1/namespaces/default/widgets/multi');
    expect(v1.apiVersion).toBe('stable.example.com/v1');
    const raw = c.storage.get('/registry/stable.example.com/widgets/default/multi')!.object as any;
    expect(raw.apiVersion).toBe('stable.example.com/v1beta1');
  });

  it('migrates stored objects when the storage version changes', async () => {
    const crd = await apiOk(c.url, 'GET', `${CRDS}/${CRD_NAME}`);
    crd.spec.versions[0].storage = false;
    crd.spec.versions[1].storage = true;
    const updated = await apiOk(c.url, 'PUT', `${CRDS}/${CRD_NAME}`, crd);
    expect(updated.status.storedVersions).toEqual(['v1beta1', 'v1']);
    await waitFor('migration', () => (c.storage.get('/registry/stable.example.com/widgets/default/multi')!.object as any).apiVersion === 'stable.example.com/v1');
    await waitFor('storedVersions trimmed', async () => (await apiOk(c.url, 'GET', `${CRDS}/${CRD_NAME}`)).status.storedVersions.join() === 'v1');
  });

  it('applies schema updates to new writes, with new OpenAPI hashes', async () => {
    const hashOf = async () => (await apiOk(c.url, 'GET', '/openapi/v3')).paths['apis/stable.example.com/v1'].serverRelativeURL;
    const before = await hashOf();
    const crd = await apiOk(c.url, 'GET', `${CRDS}/${CRD_NAME}`);
    for (const v of crd.spec.versions) v.schema.openAPIV3Schema.properties.spec.properties.color.enum.push('pink');
    await apiOk(c.url, 'PUT', `${CRDS}/${CRD_NAME}`, crd);
    await waitFor('pink accepted', async () => (await api(c.url, 'POST', '/apis/stable.example.com/v1/namespaces/default/widgets', widget('pink', { color: 'pink' }))).status === 201);
    const after = await hashOf();
    expect(after).not.toBe(before);
    const doc = await apiOk(c.url, 'GET', after);
    expect(doc.components.schemas['com.example.stable.v1.Widget'].properties.spec.properties.color.enum).toContain('pink');
  });

  it('serves the group in aggregated discovery', async () => {
    const res = await fetch(`${c.url}/apis`, { headers: { accept: 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList' } });
    const doc = (await res.json()) as any;
    const g = doc.items.find((i: any) => i.metadata.name === 'stable.example.com');
    expect(g.versions.map((v: any) => v.version)).toEqual(['v1', 'v1beta1']);
    expect(g.versions[0].resources[0]).toMatchObject({
      resource: 'widgets',
      responseKind: { group: 'stable.example.com', version: 'v1', kind: 'Widget' },
      scope: 'Namespaced',
      shortNames: ['wd'],
      categories: ['all'],
      subresources: [
        { subresource: 'status', verbs: ['get', 'patch', 'update'] },
        { subresource: 'scale', responseKind: { group: 'autoscaling', version: 'v1', kind: 'Scale' } },
      ],
    });
  });

  it('reports a spec of the wrong type as a schema error', async () => {
    const r = await api(c.url, 'POST', '/apis/stable.example.com/v1/namespaces/default/widgets', { ...widget('typed'), spec: 'red' });
    expect(r.status).toBe(422);
    expect(r.body.message).toContain('spec: Invalid value: "string": spec in body must be of type object: "string"');
  });

  it('restores custom resources from a snapshot', async () => {
    const snap = await c.snapshot();
    await apiOk(c.url, 'DELETE', `${CRDS}/${CRD_NAME}`);
    await waitFor('crd gone', async () => (await api(c.url, 'GET', `${CRDS}/${CRD_NAME}`)).status === 404);
    expect((await api(c.url, 'GET', '/apis/stable.example.com/v1/namespaces/default/widgets/multi')).status).toBe(404);
    await c.restore(snap);
    const w = await apiOk(c.url, 'GET', '/apis/stable.example.com/v1/namespaces/default/widgets/multi');
    expect(w.apiVersion).toBe('stable.example.com/v1');
  });
});

describe('lifecycle with controllers', () => {
  let c: TestCluster;
  beforeAll(async () => {
    c = await startTestCluster({ components: DEFAULT_COMPONENTS });
    await establish(c, widgetCRD());
  });
  afterAll(() => c?.stop());
  const W = '/apis/stable.example.com/v1/namespaces/default/widgets';

  it('garbage-collects custom objects whose owner is gone, and dependents of custom owners', async () => {
    const cm = await apiOk(c.url, 'POST', '/api/v1/namespaces/default/configmaps', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'owner' } });
    await apiOk(c.url, 'POST', W, widget('owned', { color: 'red' }, { metadata: { ownerReferences: [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'owner', uid: cm.metadata.uid }] } }));
    const w = await apiOk(c.url, 'POST', W, widget('owner-widget'));
    await apiOk(c.url, 'POST', '/api/v1/namespaces/default/configmaps', {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'dependent', ownerReferences: [{ apiVersion: 'stable.example.com/v1', kind: 'Widget', name: 'owner-widget', uid: w.metadata.uid }] },
    });
    await apiOk(c.url, 'DELETE', '/api/v1/namespaces/default/configmaps/owner');
    await apiOk(c.url, 'DELETE', `${W}/owner-widget`);
    await waitFor('owned widget collected', async () => (await api(c.url, 'GET', `${W}/owned`)).status === 404);
    await waitFor('dependent configmap collected', async () => (await api(c.url, 'GET', '/api/v1/namespaces/default/configmaps/dependent')).status === 404);
  });

  it('empties a deleted namespace of custom objects', async () => {
    await apiOk(c.url, 'POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'doomed' } });
    await apiOk(c.url, 'POST', '/apis/stable.example.com/v1/namespaces/doomed/widgets', widget('x'));
    await apiOk(c.url, 'DELETE', '/api/v1/namespaces/doomed');
    await waitFor('namespace gone', async () => (await api(c.url, 'GET', '/api/v1/namespaces/doomed')).status === 404);
  });

  it('deleting the CRD deletes its objects, then the CRD, then its discovery', async () => {
    await apiOk(c.url, 'POST', W, widget('last'));
    const del = await apiOk(c.url, 'DELETE', `${CRDS}/${CRD_NAME}`);
    expect(del.metadata.finalizers).toEqual(['customresourcecleanup.apiextensions.k8s.io']);
    await waitFor('crd gone', async () => (await api(c.url, 'GET', `${CRDS}/${CRD_NAME}`)).status === 404);
    expect(c.storage.list('/registry/stable.example.com/widgets/').items).toEqual([]);
    expect((await api(c.url, 'GET', '/apis/stable.example.com/v1')).status).toBe(404);
    expect((await apiOk(c.url, 'GET', '/apis')).groups.map((g: any) => g.name)).not.toContain('stable.example.com');
  });
});

describe('restart', () => {
  it('serves established CRDs and their objects again after a restart', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'kubesim-crd-'));
    try {
      const a = await startTestCluster({ dataDir: dir });
      await establish(a, widgetCRD());
      await apiOk(a.url, 'POST', '/apis/stable.example.com/v1/namespaces/default/widgets', widget('kept'));
      await a.stop();
      const b = await startTestCluster({ dataDir: dir });
      try {
        const w = await apiOk(b.url, 'GET', '/apis/stable.example.com/v1/namespaces/default/widgets/kept');
        expect(w.spec).toMatchObject({ color: 'red', replicas: 1 });
        expect(JSON.stringify(WIDGET_SCHEMA)).toContain('maxReplicas');
      } finally {
        await b.stop();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
