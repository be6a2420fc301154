// Custom resources over HTTP: a CRD becomes Established and its resource is served with every verb, schema
// validation, defaulting, pruning, CEL rules, subresources, printer columns and field selectors.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestCluster, type TestCluster } from '../helpers/cluster.js';
import { api, apiOk } from '../helpers/http.js';
import { waitFor } from '../helpers/wait.js';
import { expectStatus, openWatch } from '../api/util.js';
import { widget, widgetCRD } from './fixtures.js';

const CRDS = '/apis/apiextensions.k8s.io/v1/customresourcedefinitions';
const WIDGETS = '/apis/stable.example.com/v1/namespaces/default/widgets';

let c: TestCluster;

async function established(name: string): Promise<any> {
  return waitFor(`${name} established`, async () => {
    const crd = await apiOk(c.url, 'GET', `${CRDS}/${name}`);
    return crd.status?.conditions?.some((x: any) => x.type === 'Established' && x.status === 'True') && crd;
  });
}

beforeAll(async () => {
  c = await startTestCluster();
  await apiOk(c.url, 'POST', CRDS, widgetCRD());
  await established('widgets.stable.example.com');
});
afterAll(() => c?.stop());

describe('CustomResourceDefinition', () => {
  it('is established with accepted names and stored versions', async () => {
    const crd = await apiOk(c.url, 'GET', `${CRDS}/widgets.stable.example.com`);
    expect(crd.status.acceptedNames).toMatchObject({ plural: 'widgets', singular: 'widget', kind: 'Widget', listKind: 'WidgetList', shortNames: ['wd'], categories: ['all'] });
    expect(crd.status.storedVersions).toEqual(['v1']);
    const types = crd.status.conditions.map((x: any) => `${x.type}=${x.status}/${x.reason}`);
    expect(types).toEqual(['NamesAccepted=True/NoConflicts', 'Established=True/InitialNamesAccepted']);
    expect(crd.spec.conversion).toEqual({ strategy: 'None' });
  });

  it('rejects invalid CRDs with upstream messages', async () => {
    const bad = widgetCRD();
    bad.metadata.name = 'things.stable.example.com';
    bad.spec.group = 'stable.example.com';
    bad.spec.versions.push({ ...bad.spec.versions[0], name: 'v2' });
    const r = await api(c.url, 'POST', CRDS, bad);
    const s = expectStatus(r, 422, 'Invalid');
    expect(s.message).toContain('metadata.name: Invalid value: "things.stable.example.com": must be spec.names.plural+"."+spec.group');
    expect(s.message).toContain('must have exactly one version marked as storage version');
    const nodot = widgetCRD();
    nodot.metadata.name = 'widgets.example';
    nodot.spec.group = 'example';
    expect((await api(c.url, 'POST', CRDS, nodot)).body.message).toContain('spec.group: Invalid value: "example": should be a domain with at least one dot');
    const nonStructural = widgetCRD();
    nonStructural.metadata.name = 'gadgets.stable.example.com';
    nonStructural.spec.names = { plural: 'gadgets', kind: 'Gadget' };
    nonStructural.spec.versions[0].schema.openAPIV3Schema = { type: 'object', properties: { spec: { properties: { a: { type: 'string' } } } } };
    nonStructural.spec.versions[0].selectableFields = undefined;
    nonStructural.spec.versions[0].subresources = undefined;
    const m = (await api(c.url, 'POST', CRDS, nonStructural)).body.message;
    expect(m).toContain('spec.versions[0].schema.openAPIV3Schema.properties[spec].type: Required value: must not be empty for specified object fields');
  });

  it('reports name conflicts within the group', async () => {
    const dup = widgetCRD();
    dup.metadata.name = 'widgetz.stable.example.com';
    dup.spec.names = { plural: 'widgetz', singular: 'widgetz', kind: 'Widget', shortNames: ['wd'] };
    dup.spec.versions[0].selectableFields = undefined;
    await apiOk(c.url, 'POST', CRDS, dup);
    const crd = await waitFor('conflict', async () => {
      const x = await apiOk(c.url, 'GET', `${CRDS}/widgetz.stable.example.com`);
      return x.status?.conditions?.find((k: any) => k.type === 'NamesAccepted' && k.status === 'False') && x;
    });
    const cond = crd.status.conditions.find((k: any) => k.type === 'NamesAccepted');
    // Every conflicting name is checked; the last one reported wins, as upstream (kind, then listKind).
    expect(cond.reason).toBe('ListKindConflict');
    expect(cond.message).toBe('"WidgetList" is already in use');
    expect(crd.status.acceptedNames).toEqual({ plural: 'widgetz', singular: 'widgetz' });
    expect(crd.status.conditions.find((k: any) => k.type === 'Established')).toMatchObject({ status: 'False', reason: 'NotAccepted' });
    await apiOk(c.url, 'DELETE', `${CRDS}/widgetz.stable.example.com`);
  });
});

describe('custom resources', () => {
  it('serve discovery with short names, categories and subresources', async () => {
    const list = await apiOk(c.url, 'GET', '/apis/stable.example.com/v1');
    expect(list.resources.map((r: any) => r.name)).toEqual(['widgets', 'widgets/status', 'widgets/scale']);
    expect(list.resources[0]).toMatchObject({ kind: 'Widget', namespaced: true, shortNames: ['wd'], categories: ['all'], singularName: 'widget' });
    const groups = await apiOk(c.url, 'GET', '/apis');
    expect(groups.groups.find((g: any) => g.name === 'stable.example.com')).toMatchObject({ preferredVersion: { version: 'v1' } });
  });

  it('create defaults and prunes; get/list/update/delete work', async () => {
    const created = await apiOk(c.url, 'POST', WIDGETS, widget('a', { color: 'red', unknown: 1, extra: { anything: { goes: true } } }));
    expect(created.spec).toEqual({ color: 'red', replicas: 1, maxReplicas: 10, extra: { anything: { goes: true } } });
    expect(created.metadata.generation).toBe(1);
    const got = await apiOk(c.url, 'GET', `${WIDGETS}/a`);
    expect(got.spec.replicas).toBe(1);
    const list = await apiOk(c.url, 'GET', WIDGETS);
    expect(list.kind).toBe('WidgetList');
    expect(list.items.map((i: any) => i.metadata.name)).toEqual(['a']);
    got.spec.color = 'blue';
    const updated = await apiOk(c.url, 'PUT', `${WIDGETS}/a`, got);
    expect(updated.metadata.generation).toBe(2);
  });

  it('reports unknown fields per fieldValidation', async () => {
    const r = await api(c.url, 'POST', `${WIDGETS}?fieldValidation=Strict`, widget('strict', { color: 'red', bogus: 1 }));
    expectStatus(r, 400, 'BadRequest', 'Widget in version "v1" cannot be handled as a Widget: strict decoding error: unknown field "spec.bogus"');
  });

  it('rejects invalid objects with upstream causes', async () => {
    const r = await api(c.url, 'POST', WIDGETS, widget('bad', { color: 'pink', replicas: 'three', size: '10G' }));
    const s = expectStatus(r, 422, 'Invalid');
    expect(s.details.causes).toContainEqual({ reason: 'FieldValueNotSupported', message: 'Unsupported value: "pink": supported values: "red", "green", "blue"', field: 'spec.color' });
    expect(s.details.causes).toContainEqual({ reason: 'FieldValueTypeInvalid', message: 'Invalid value: "string": spec.replicas in body must be of type integer: "string"', field: 'spec.replicas' });
    expect(s.message).toMatch(/^Widget.stable.example.com "bad" is invalid: \[/);
    const req = await api(c.url, 'POST', WIDGETS, widget('bad', { replicas: 2 }));
    expect(req.body.message).toContain('spec.color: Required value');
    const pattern = await api(c.url, 'POST', WIDGETS, widget('bad', { color: 'red', size: '10G' }));
    expect(pattern.body.message).toContain(`spec.size: Invalid value: "10G": spec.size in body should match '^[0-9]+(Mi|Gi)$'`);
  });

  it('enforces CEL rules, including transition rules', async () => {
    const r = await api(c.url, 'POST', WIDGETS, widget('cel', { color: 'red', replicas: 20 }));
    expect(expectStatus(r, 422, 'Invalid').details.causes).toEqual([{ reason: 'FieldValueInvalid', message: 'Invalid value: "object": replicas must not exceed maxReplicas', field: 'spec' }]);
    await apiOk(c.url, 'POST', WIDGETS, widget('imm', { color: 'red', immutableField: 'x' }));
    const p = await api(c.url, 'PATCH', `${WIDGETS}/imm`, { spec: { immutableField: 'y' } }, 'application/merge-patch+json');
    expect(expectStatus(p, 422, 'Invalid').message).toContain('spec.immutableField: Invalid value: "string": is immutable');
  });

  it('rejects strategic merge patch with 415, accepts merge, JSON and apply patches', async () => {
    await apiOk(c.url, 'POST', WIDGETS, widget('p', { color: 'red', ports: [{ name: 'http', port: 80 }] }));
    const smp = await api(c.url, 'PATCH', `${WIDGETS}/p`, { spec: { color: 'blue' } }, 'application/strategic-merge-patch+json');
    expectStatus(smp, 415, 'UnsupportedMediaType', 'the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml');
    const j = await apiOk(c.url, 'PATCH', `${WIDGETS}/p`, [{ op: 'replace', path: '/spec/color', value: 'green' }], 'application/json-patch+json');
    expect(j.spec.color).toBe('green');
    const applied = await apiOk(
      c.url,
      'PATCH',
      `${WIDGETS}/p?fieldManager=tester&force=true`,
      'apiVersion: stable.example.com/v1\nkind: Widget\nmetadata:\n  name: p\nspec:\n  color: green\n  ports:\n  - name: https\n    port: 443\n',
      'application/apply-patch+yaml',
    );
    // list-type=map: the applied item is merged by key with the existing one
    expect(applied.spec.ports).toEqual([{ name: 'http', port: 80 }, { name: 'https', port: 443 }]);
    const mf = applied.metadata.managedFields.find((m: any) => m.manager === 'tester');
    expect(Object.keys(mf.fieldsV1['f:spec']['f:ports'])).toContain('k:{"name":"https"}');
  });

  it('writes status and spec separately and serves /scale', async () => {
    await apiOk(c.url, 'POST', WIDGETS, widget('s', { color: 'red', replicas: 2 }, { status: { replicas: 9 } }));
    const w = await apiOk(c.url, 'GET', `${WIDGETS}/s`);
    expect(w.status).toBeUndefined();
    const st = await apiOk(c.url, 'PUT', `${WIDGETS}/s/status`, { ...w, spec: { color: 'blue' }, status: { replicas: 2, selector: 'app=s', conditions: [{ type: 'Ready', status: 'True' }] } });
    expect(st.spec.color).toBe('red');
    expect(st.status.replicas).toBe(2);
    expect(st.metadata.generation).toBe(1);
    const scale = await apiOk(c.url, 'GET', `${WIDGETS}/s/scale`);
    expect(scale).toMatchObject({ kind: 'Scale', apiVersion: 'autoscaling/v1', spec: { replicas: 2 }, status: { replicas: 2, selector: 'app=s' } });
    await apiOk(c.url, 'PATCH', `${WIDGETS}/s/scale`, { spec: { replicas: 5 } }, 'application/merge-patch+json');
    const after = await apiOk(c.url, 'GET', `${WIDGETS}/s`);
    expect(after.spec.replicas).toBe(5);
    expect(after.metadata.generation).toBe(2);
  });

  it('prints tables with additionalPrinterColumns', async () => {
    const res = await fetch(`${c.url}${WIDGETS}/s`, { headers: { accept: 'application/json;as=Table;v=v1;g=meta.k8s.io' } });
    const t = (await res.json()) as any;
    expect(t.columnDefinitions.map((d: any) => d.name)).toEqual(['Name', 'Color', 'Replicas', 'Ready', 'Age']);
    expect(t.rows[0].cells.slice(0, 4)).toEqual(['s', 'red', 5, 'True']);
    expect(t.rows[0].cells[4]).toMatch(/^\d+s$/);
  });

  it('filters lists by selectable fields', async () => {
    const l = await apiOk(c.url, 'GET', `${WIDGETS}?fieldSelector=spec.color%3Dred`);
    expect(l.items.every((i: any) => i.spec.color === 'red')).toBe(true);
    expect(l.items.length).toBeGreaterThan(0);
    const bad = await api(c.url, 'GET', `${WIDGETS}?fieldSelector=spec.size%3Dx`);
    expect(bad.status).toBe(400);
  });

  it('watches with selectors, bookmarks and the WatchList protocol', async () => {
    await apiOk(c.url, 'POST', WIDGETS, widget('watched', { color: 'green' }, { metadata: { labels: { w: 'yes' } } }));
    const w = await openWatch(c.url, `${WIDGETS}?watch=true&labelSelector=w%3Dyes&allowWatchBookmarks=true&sendInitialEvents=true&resourceVersionMatch=NotOlderThan`);
    try {
      const initial = await w.waitForEvents(2);
      expect(initial[0]!.type).toBe('ADDED');
      expect(initial[0]!.object).toMatchObject({ apiVersion: 'stable.example.com/v1', kind: 'Widget', spec: { color: 'green', replicas: 1 } });
      expect(initial[1]!).toMatchObject({ type: 'BOOKMARK', object: { kind: 'Widget', apiVersion: 'stable.example.com/v1', metadata: { annotations: { 'k8s.io/initial-events-end': 'true' } } } });
      await apiOk(c.url, 'PATCH', `${WIDGETS}/watched`, { metadata: { labels: { w: 'no' } } }, 'application/merge-patch+json');
      const [, , gone] = await w.waitForEvents(3);
      expect(gone).toMatchObject({ type: 'DELETED', object: { metadata: { name: 'watched' } } });
    } finally {
      w.close();
    }
  });

  it('serves cluster-scoped resources with the default columns and deletecollection', async () => {
    const crd = {
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: 'clusterthings.example.com' },
      spec: {
        group: 'example.com',
        scope: 'Cluster',
        names: { plural: 'clusterthings', kind: 'ClusterThing' },
        versions: [{ name: 'v1alpha1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } } }],
      },
    };
    const created = await apiOk(c.url, 'POST', CRDS, crd);
    expect(created.spec.names).toEqual({ plural: 'clusterthings', kind: 'ClusterThing', singular: 'clusterthing', listKind: 'ClusterThingList' });
    await established('clusterthings.example.com');
    const base = '/apis/example.com/v1alpha1/clusterthings';
    for (const n of ['one', 'two']) await apiOk(c.url, 'POST', base, { apiVersion: 'example.com/v1alpha1', kind: 'ClusterThing', metadata: { name: n, labels: { n } }, anything: { goes: [1, 2] } });
    expect((await apiOk(c.url, 'GET', `${base}/one`)).anything).toEqual({ goes: [1, 2] });
    expect((await api(c.url, 'GET', '/apis/example.com/v1alpha1/namespaces/default/clusterthings')).status).toBe(404);
    const res = await fetch(`${c.url}${base}`, { headers: { accept: 'application/json;as=Table;v=v1;g=meta.k8s.io' } });
    const t = (await res.json()) as any;
    expect(t.columnDefinitions.map((d: any) => [d.name, d.type])).toEqual([['Name', 'string'], ['Age', 'date']]);
    const del = await apiOk(c.url, 'DELETE', `${base}?labelSelector=n%3Done`);
    expect(del.items.map((i: any) => i.metadata.name)).toEqual(['one']);
    expect((await apiOk(c.url, 'GET', base)).items.map((i: any) => i.metadata.name)).toEqual(['two']);
  });

  it('publishes OpenAPI v3 for the group-version', async () => {
    const index = await apiOk(c.url, 'GET', '/openapi/v3');
    const url = index.paths['apis/stable.example.com/v1'].serverRelativeURL;
    const doc = await apiOk(c.url, 'GET', url);
    const schema = doc.components.schemas['com.example.stable.v1.Widget'];
    expect(schema['x-kubernetes-group-version-kind']).toEqual([{ group: 'stable.example.com', kind: 'Widget', version: 'v1' }]);
    expect(schema.properties.spec.properties.color.description).toBe('The colour of the widget.');
    const patch = doc.paths['/apis/stable.example.com/v1/namespaces/{namespace}/widgets/{name}'].patch;
    expect(Object.keys(patch.requestBody.content)).toEqual(['application/apply-patch+yaml', 'application/json-patch+json', 'application/merge-patch+json']);
  });
});
