// The assembled /openapi/v3 documents: fact tables merged into the generated schemas, per group-version paths and
// components, hashes.
import { beforeAll, describe, expect, it } from 'vitest';
import { FIELD_FACTS } from '../../src/machinery/patch/facts.js';
import { hashOf, OpenAPIV3Documents, gvPath, closure } from '../../src/openapi/document.js';
import { enrichSchemas } from '../../src/openapi/enrich.js';
import { FIELD_FORMATS } from '../../src/openapi/formats.js';
import { loadArtifact, refOf, type Artifact, type Schema } from '../../src/openapi/schema.js';
import { BUILTIN_RESOURCES, Catalog } from '../../src/registry/catalog.js';
import { ALL_VERBS } from '../../src/registry/types.js';

const CORE = 'io.k8s.api.core.v1.';
const APPS = 'io.k8s.api.apps.v1.';
const META = 'io.k8s.apimachinery.pkg.apis.meta.v1.';

let artifact: Artifact;
let schemas: Record<string, Schema>;
let catalog: Catalog;
let docs: OpenAPIV3Documents;
const parsed = new Map<string, any>();

function doc(path: string): any {
  if (!parsed.has(path)) parsed.set(path, JSON.parse(docs.document(path)!.body.toString()));
  return parsed.get(path);
}

function prop(type: string, field: string): Schema {
  const p = schemas[type]?.properties?.[field];
  expect(p, `${type}.${field}`).toBeDefined();
  return p!;
}

/** A property's type and format after following $ref / allOf to the named schema. */
function resolved(p: Schema): Schema {
  const name = refOf(p);
  return name ? schemas[name]! : p;
}

beforeAll(async () => {
  artifact = (await loadArtifact())!;
  expect(artifact).toBeDefined();
  schemas = enrichSchemas(artifact.schemas);
  catalog = new Catalog(BUILTIN_RESOURCES);
  docs = new OpenAPIV3Documents(catalog, artifact);
});

describe('fact tables merged into the schemas', () => {
  it('strategic merge and list facts become x-kubernetes-* extensions', () => {
    expect(prop(`${CORE}PodSpec`, 'containers')).toMatchObject({
      type: 'array',
      'x-kubernetes-patch-merge-key': 'name',
      'x-kubernetes-patch-strategy': 'merge',
      'x-kubernetes-list-type': 'map',
      'x-kubernetes-list-map-keys': ['name'],
    });
    expect(prop(`${CORE}PodSpec`, 'volumes')).toMatchObject({ 'x-kubernetes-patch-merge-key': 'name', 'x-kubernetes-patch-strategy': 'merge,retainKeys' });
    expect(prop(`${CORE}ServiceSpec`, 'ports')).toMatchObject({ 'x-kubernetes-patch-merge-key': 'port', 'x-kubernetes-list-map-keys': ['port', 'protocol'] });
    expect(prop(`${CORE}ServiceSpec`, 'selector')['x-kubernetes-map-type']).toBe('atomic');
    expect(prop(`${APPS}DeploymentSpec`, 'strategy')['x-kubernetes-patch-strategy']).toBe('retainKeys');
    expect(prop(`${META}ObjectMeta`, 'finalizers')).toMatchObject({ 'x-kubernetes-patch-strategy': 'merge', 'x-kubernetes-list-type': 'set' });
    expect(prop(`${CORE}Container`, 'command')['x-kubernetes-list-type']).toBe('atomic');
    expect(schemas[`${CORE}ObjectReference`]!['x-kubernetes-map-type']).toBe('atomic');
    expect(schemas[`${META}LabelSelector`]!['x-kubernetes-map-type']).toBe('atomic');
  });

  it('every patch fact sits on a property of the matching shape', () => {
    const problems: string[] = [];
    for (const [type, fields] of Object.entries(FIELD_FACTS)) {
      const s = schemas[type];
      if (!s) continue; // a type newer than the kubernetes-types release
      for (const [field, fact] of Object.entries(fields)) {
        const p = s.properties?.[field];
        if (!p) continue;
        const value = fact.list ? p.items : fact.map ? p.additionalProperties : p;
        if (fact.list && p.type !== 'array') problems.push(`${type}.${field}: not an array`);
        if (fact.map && p.type !== 'object') problems.push(`${type}.${field}: not a map`);
        const target = value && (refOf(value) ?? value.type);
        const want = ['string', 'int32', 'int64'].includes(fact.type) ? (fact.type === 'string' ? 'string' : 'integer') : fact.type;
        if (target !== want) problems.push(`${type}.${field}: ${target} instead of ${want}`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('numbers are int32 unless the format table says otherwise', () => {
    expect(prop(`${CORE}Container`, 'ports').items).toBeDefined();
    expect(prop(`${CORE}ContainerPort`, 'containerPort')).toMatchObject({ type: 'integer', format: 'int32' });
    expect(prop(`${META}ObjectMeta`, 'generation')).toMatchObject({ type: 'integer', format: 'int64' });
    expect(prop(`${CORE}PodSpec`, 'terminationGracePeriodSeconds')).toMatchObject({ type: 'integer', format: 'int64' });
    expect(prop(`${CORE}PodSecurityContext`, 'supplementalGroups').items).toEqual({ type: 'integer', format: 'int64' });
    expect(prop('io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSONSchemaProps', 'maximum')).toMatchObject({ type: 'number', format: 'double' });
    expect(prop(`${CORE}Secret`, 'data').additionalProperties).toEqual({ type: 'string', format: 'byte' });
    expect(prop(`${CORE}ConfigMap`, 'data').additionalProperties).toEqual({ type: 'string' });
  });

  it('every format fact names an existing field of the right type', () => {
    const problems: string[] = [];
    for (const [type, fields] of Object.entries(FIELD_FORMATS)) {
      for (const [field, format] of Object.entries(fields)) {
        let p = schemas[type]?.properties?.[field];
        if (!p) {
          problems.push(`${type}.${field}: no such field`);
          continue;
        }
        while (p.items ?? p.additionalProperties) p = (p.items ?? p.additionalProperties)!;
        const want = format === 'byte' ? 'string' : format === 'double' ? 'number' : 'integer';
        if (p.type !== want || p.format !== format) problems.push(`${type}.${field}: ${p.type}/${p.format}`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('named types with custom JSON get kube-openapi v3 shapes', () => {
    expect(resolved(prop(`${META}ObjectMeta`, 'creationTimestamp'))).toMatchObject({ type: 'string', format: 'date-time' });
    expect(resolved(prop('io.k8s.api.coordination.v1.LeaseSpec', 'renewTime'))).toMatchObject({ type: 'string', format: 'date-time' });
    const intstr = resolved(prop(`${APPS}RollingUpdateDeployment`, 'maxSurge'));
    expect(intstr).toMatchObject({ format: 'int-or-string', oneOf: [{ type: 'integer' }, { type: 'string' }] });
    expect(intstr.description).toMatch(/^IntOrString is a type that can hold an int32 or a string/);
    const quantity = schemas['io.k8s.apimachinery.pkg.api.resource.Quantity']!;
    expect(quantity.type).toBeUndefined();
    expect(quantity.oneOf).toEqual([{ type: 'string' }, { type: 'number' }]);
    expect(schemas[`${META}Status`]!['x-kubernetes-group-version-kind']).toEqual([{ group: '', kind: 'Status', version: 'v1' }]);
  });

  it('leaves the loaded artifact untouched', () => {
    expect(artifact.schemas[`${CORE}PodSpec`]!.properties!.containers!['x-kubernetes-patch-merge-key']).toBeUndefined();
  });
});

describe('group-version documents', () => {
  it('one per served group-version, in the index with its hash', () => {
    const index = JSON.parse(docs.index.body.toString());
    const expected = [...new Set(catalog.resources.map((r) => gvPath(r)))].sort();
    expect(Object.keys(index.paths).sort()).toEqual(expected);
    expect(expected).toEqual(expect.arrayContaining(['api/v1', 'apis/apps/v1', 'apis/coordination.k8s.io/v1']));
    for (const path of expected) {
      const d = docs.document(path)!;
      expect(d.hash).toMatch(/^[0-9A-F]{128}$/);
      expect(d.hash).toBe(hashOf(d.body));
      expect(index.paths[path]).toEqual({ serverRelativeURL: `/openapi/v3/${path}?hash=${d.hash}` });
    }
    expect(docs.document('apis/example.com/v1')).toBeUndefined();
  });

  it('is stable: the same catalogue gives the same bytes', () => {
    const again = new OpenAPIV3Documents(new Catalog(BUILTIN_RESOURCES), artifact);
    expect(again.index.hash).toBe(docs.index.hash);
    expect(again.document('api/v1')!.hash).toBe(docs.document('api/v1')!.hash);
  });

  it('components are exactly the closure of what the paths reference', () => {
    for (const path of docs.paths()) {
      const d = doc(path);
      const names = Object.keys(d.components.schemas);
      expect(closure(names, d.components.schemas)).toEqual([...names].sort());
      expect(d.openapi).toBe('3.0.0');
    }
    const core = Object.keys(doc('api/v1').components.schemas);
    expect(core).toEqual(expect.arrayContaining([`${CORE}Pod`, `${CORE}PodList`, `${CORE}Container`, `${META}ObjectMeta`, `${META}Status`, `${META}WatchEvent`]));
    expect(core).not.toContain(`${APPS}Deployment`);
    expect(Object.keys(doc('apis/apps/v1').components.schemas)).toEqual(expect.arrayContaining([`${APPS}Deployment`, 'io.k8s.api.autoscaling.v1.Scale', `${CORE}PodTemplateSpec`]));
  });

  it('DeleteOptions and WatchEvent carry one kind per served group-version', () => {
    const gvks = doc('apis/apps/v1').components.schemas[`${META}DeleteOptions`]['x-kubernetes-group-version-kind'];
    expect(gvks).toEqual(expect.arrayContaining([{ group: '', kind: 'DeleteOptions', version: 'v1' }, { group: 'apps', kind: 'DeleteOptions', version: 'v1' }]));
  });

  it('the operations of every served resource, with kubectl-relevant details', () => {
    for (const r of catalog.resources) {
      // Computed views (metrics.k8s.io) come without schemas: upstream, metrics-server publishes its own.
      if (r.computed) continue;
      const d = doc(gvPath(r));
      const base = r.group ? `/apis/${r.group}/${r.version}` : `/api/${r.version}`;
      const collectionPath = `${base}${r.namespaced ? '/namespaces/{namespace}' : ''}/${r.plural}`;
      const gvk = { group: r.group, kind: r.kind, version: r.version };
      const verbs = r.verbs ?? ALL_VERBS;
      if (verbs.includes('create')) expect(d.paths[collectionPath].post['x-kubernetes-group-version-kind'], r.plural).toEqual(gvk);
      if (!verbs.includes('get')) {
        // create-only kinds (SelfSubjectAccessReview ...): no item path
        expect(d.paths[`${collectionPath}/{name}`], r.plural).toBeUndefined();
        continue;
      }
      const item = d.paths[`${collectionPath}/{name}`];
      expect(item, `${r.plural} item path`).toBeDefined();
      expect(item.get['x-kubernetes-group-version-kind']).toEqual(gvk);
      expect(item.get['x-kubernetes-action']).toBe('get');
      // apply/edit: a PATCH operation for the kind, accepting strategic merge patches, with fieldValidation
      expect(item.patch['x-kubernetes-group-version-kind']).toEqual(gvk);
      expect(Object.keys(item.patch.requestBody.content)).toContain('application/strategic-merge-patch+json');
      expect(item.patch.parameters.map((p: any) => p.name)).toContain('fieldValidation');
      // the kind's schema is in the document and tagged with its kind
      const kindSchema = Object.values<any>(d.components.schemas).find((s) => s['x-kubernetes-group-version-kind']?.some((g: any) => g.kind === r.kind && g.group === r.group));
      expect(kindSchema, `${r.kind} schema`).toBeDefined();
    }
    const pods = doc('api/v1').paths;
    expect(pods['/api/v1/namespaces/{namespace}/pods'].post.requestBody).toEqual({
      content: { '*/*': { schema: { $ref: `#/components/schemas/${CORE}Pod` } } },
      required: true,
    });
    expect(pods['/api/v1/namespaces/{namespace}/pods'].get.operationId).toBe('listCoreV1NamespacedPod');
    expect(pods['/api/v1/pods'].get.operationId).toBe('listCoreV1PodForAllNamespaces');
    expect(pods['/api/v1/watch/namespaces/{namespace}/pods/{name}'].get['x-kubernetes-action']).toBe('watch');
    expect(pods['/api/v1/namespaces/{namespace}/pods/{name}/status'].put.operationId).toBe('replaceCoreV1NamespacedPodStatus');
    expect(pods['/api/v1/namespaces/{namespace}/pods/{name}'].delete.responses['200'].content['application/json'].schema.$ref).toBe(`#/components/schemas/${CORE}Pod`);
    expect(pods['/api/v1/namespaces/{name}'].delete.responses['200'].content['application/json'].schema.$ref).toBe(`#/components/schemas/${META}Status`);
    expect(pods['/api/v1/namespaces'].delete).toBeUndefined(); // namespaces have no deletecollection
    const scale = doc('apis/apps/v1').paths['/apis/apps/v1/namespaces/{namespace}/deployments/{name}/scale'];
    expect(scale.patch['x-kubernetes-group-version-kind']).toEqual({ group: 'autoscaling', kind: 'Scale', version: 'v1' });
    expect(scale.get.operationId).toBe('readAppsV1NamespacedDeploymentScale');
    expect(doc('apis/coordination.k8s.io/v1').paths['/apis/coordination.k8s.io/v1/namespaces/{namespace}/leases'].get.tags).toEqual(['coordination_v1']);
  });
});
