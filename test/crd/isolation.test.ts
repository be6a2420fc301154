// Two clusters in one process serving the same custom kind with different schemas: each applies its own list
// semantics (server-side apply reads the CRD's x-kubernetes-list-type), and deleting the CRD in one cluster leaves
// the other untouched.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestCluster, type TestCluster } from '../helpers/cluster.js';
import { api, apiOk } from '../helpers/http.js';
import { waitFor } from '../helpers/wait.js';
import { widgetCRD } from './fixtures.js';

const CRDS = '/apis/apiextensions.k8s.io/v1/customresourcedefinitions';
const WIDGETS = '/apis/stable.example.com/v1/namespaces/default/widgets';
const APPLY = 'application/apply-patch+yaml';

function crdWithPortsList(listType: 'map' | 'atomic'): any {
  const crd = widgetCRD();
  const ports = crd.spec.versions[0].schema.openAPIV3Schema.properties.spec.properties.ports;
  crd.spec.versions[0].schema.openAPIV3Schema = structuredClone(crd.spec.versions[0].schema.openAPIV3Schema);
  const copy = crd.spec.versions[0].schema.openAPIV3Schema.properties.spec.properties;
  copy.ports = { ...structuredClone(ports), 'x-kubernetes-list-type': listType };
  if (listType === 'atomic') delete copy.ports['x-kubernetes-list-map-keys'];
  return crd;
}

async function establish(c: TestCluster, crd: unknown): Promise<void> {
  await apiOk(c.url, 'POST', CRDS, crd);
  await waitFor('established', async () => {
    const r = await api(c.url, 'GET', WIDGETS);
    return r.status === 200;
  });
}

function applyPorts(c: TestCluster, manager: string, ports: { name: string; port: number }[]) {
  const body = { apiVersion: 'stable.example.com/v1', kind: 'Widget', metadata: { name: 'w' }, spec: { color: 'red', ports } };
  return api(c.url, 'PATCH', `${WIDGETS}/w?fieldManager=${manager}`, JSON.stringify(body), APPLY);
}

describe('custom resource schemas are per cluster', () => {
  let a: TestCluster;
  let b: TestCluster;
  beforeAll(async () => {
    [a, b] = await Promise.all([startTestCluster(), startTestCluster()]);
    await establish(a, crdWithPortsList('map'));
    await establish(b, crdWithPortsList('atomic'));
  });
  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
  });

  it('a map list merges entries of two managers; an atomic list of the same kind elsewhere conflicts', async () => {
    expect((await applyPorts(a, 'one', [{ name: 'a', port: 1 }])).status).toBe(201);
    const merged = await applyPorts(a, 'two', [{ name: 'b', port: 2 }]);
    expect(merged.status).toBe(200);
    expect(merged.body.spec.ports.map((p: any) => p.name)).toEqual(['a', 'b']);

    expect((await applyPorts(b, 'one', [{ name: 'a', port: 1 }])).status).toBe(201);
    const conflict = await applyPorts(b, 'two', [{ name: 'b', port: 2 }]);
    expect(conflict.status).toBe(409);
    expect(conflict.body.message).toContain('.spec.ports');
  });

  it('deleting the CRD in one cluster does not change the other', async () => {
    await apiOk(b.url, 'DELETE', `${CRDS}/widgets.stable.example.com`);
    await waitFor('CRD gone in b', async () => (await api(b.url, 'GET', `${CRDS}/widgets.stable.example.com`)).status === 404);
    const again = await applyPorts(a, 'three', [{ name: 'c', port: 3 }]);
    expect(again.status).toBe(200);
    expect(again.body.spec.ports.map((p: any) => p.name)).toEqual(['a', 'b', 'c']);
  });
});
