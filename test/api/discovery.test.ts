// Discovery, /version and health endpoints, as kubectl and client-go read them.
import supertest from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_KUBERNETES_VERSION } from '../../src/version.js';
import { startTestCluster, type TestCluster } from '../helpers/cluster.js';
import { API_ONLY, expectStatus } from './util.js';

const ALL_VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];
const V2 = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList';
const V2BETA1 = 'application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList';
const KUBECTL_133_ACCEPT = `${V2},${V2BETA1},application/json`;
const KUBECTL_127_ACCEPT = `${V2BETA1},application/json`;

let cluster: TestCluster;
let api: ReturnType<typeof supertest>;

beforeAll(async () => {
  cluster = await startTestCluster(API_ONLY);
  api = supertest(cluster.url);
});
afterAll(async () => {
  await cluster?.stop();
});

function byName(resources: any[], name: string): any {
  const r = resources.find((x) => x.name === name);
  expect(r, `resource ${name}`).toBeDefined();
  return r;
}

describe('/version', () => {
  it('answers version.Info with the configured gitVersion', async () => {
    const res = await api.get('/version').expect(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    const [, major, minor] = /^v(\d+)\.(\d+)\./.exec(DEFAULT_KUBERNETES_VERSION)!;
    expect(res.body).toMatchObject({ major, minor, gitVersion: DEFAULT_KUBERNETES_VERSION, gitTreeState: 'clean', compiler: 'gc' });
    expect(res.body.platform).toMatch(/^[a-z0-9]+\/[a-z0-9]+$/);
    expect(typeof res.body.goVersion).toBe('string');
  });

  it('reports another version when the cluster is started with one', async () => {
    const other = await startTestCluster({ ...API_ONLY, kubernetesVersion: 'v1.27.3' });
    try {
      const res = await supertest(other.url).get('/version').expect(200);
      expect(res.body).toMatchObject({ major: '1', minor: '27', gitVersion: 'v1.27.3' });
    } finally {
      await other.stop();
    }
  });
});

describe('legacy discovery', () => {
  it('/api answers APIVersions', async () => {
    const res = await api.get('/api').set('Accept', 'application/json, */*').expect(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.body.kind).toBe('APIVersions');
    expect(res.body.versions).toEqual(['v1']);
    expect(res.body.serverAddressByClientCIDRs[0].clientCIDR).toBe('0.0.0.0/0');
  });

  it('/apis answers APIGroupList with apps and coordination.k8s.io', async () => {
    const res = await api.get('/apis').expect(200);
    expect(res.body).toMatchObject({ kind: 'APIGroupList', apiVersion: 'v1' });
    const apps = res.body.groups.find((g: any) => g.name === 'apps');
    expect(apps).toEqual({
      name: 'apps',
      versions: [{ groupVersion: 'apps/v1', version: 'v1' }],
      preferredVersion: { groupVersion: 'apps/v1', version: 'v1' },
    });
    const coord = res.body.groups.find((g: any) => g.name === 'coordination.k8s.io');
    expect(coord.preferredVersion).toEqual({ groupVersion: 'coordination.k8s.io/v1', version: 'v1' });
    // The core group is never listed in /apis.
    expect(res.body.groups.some((g: any) => g.name === '')).toBe(false);
  });

  it('plain application/json Accept (no as=) gets the legacy body with application/json', async () => {
    const res = await api.get('/apis').set('Accept', 'application/json').expect(200);
    expect(res.headers['content-type']).toBe('application/json');
    expect(res.body.kind).toBe('APIGroupList');
  });

  it('/apis/apps answers APIGroup', async () => {
    const res = await api.get('/apis/apps').expect(200);
    expect(res.body).toMatchObject({ kind: 'APIGroup', apiVersion: 'v1', name: 'apps', preferredVersion: { groupVersion: 'apps/v1', version: 'v1' } });
  });

  it('/api/v1 lists core resources with kind, namespaced, verbs, shortNames, categories and singularName', async () => {
    const res = await api.get('/api/v1').set('Accept', 'application/json, */*').expect(200);
    expect(res.body).toMatchObject({ kind: 'APIResourceList', apiVersion: 'v1', groupVersion: 'v1' });
    const rs = res.body.resources;
    expect(byName(rs, 'pods')).toEqual({
      name: 'pods',
      singularName: 'pod',
      namespaced: true,
      kind: 'Pod',
      verbs: ALL_VERBS,
      shortNames: ['po'],
      categories: ['all'],
    });
    expect(byName(rs, 'configmaps')).toEqual({ name: 'configmaps', singularName: 'configmap', namespaced: true, kind: 'ConfigMap', verbs: ALL_VERBS, shortNames: ['cm'] });
    expect(byName(rs, 'namespaces')).toMatchObject({ singularName: 'namespace', namespaced: false, kind: 'Namespace', shortNames: ['ns'] });
    expect(byName(rs, 'nodes')).toMatchObject({ namespaced: false, kind: 'Node', shortNames: ['no'] });
    expect(byName(rs, 'services')).toMatchObject({ namespaced: true, kind: 'Service', shortNames: ['svc'], categories: ['all'] });
    expect(byName(rs, 'events').shortNames).toEqual(['ev']);
    expect(byName(rs, 'endpoints').shortNames).toEqual(['ep']);
    expect(byName(rs, 'serviceaccounts').shortNames).toEqual(['sa']);
    // Subresources are separate entries with an empty singularName.
    expect(byName(rs, 'pods/status')).toEqual({ name: 'pods/status', singularName: '', namespaced: true, kind: 'Pod', verbs: ['get', 'patch', 'update'] });
    expect(byName(rs, 'namespaces/finalize')).toEqual({ name: 'namespaces/finalize', singularName: '', namespaced: false, kind: 'Namespace', verbs: ['update'] });
    expect(byName(rs, 'namespaces/status').verbs).toEqual(['get', 'patch', 'update']);
    // No configmaps/status: configmaps have no status subresource.
    expect(rs.some((r: any) => r.name === 'configmaps/status')).toBe(false);
  });

  it('namespaces do not offer deletecollection (as upstream)', async () => {
    const res = await api.get('/api/v1').expect(200);
    expect(byName(res.body.resources, 'namespaces').verbs).toEqual(['create', 'delete', 'get', 'list', 'patch', 'update', 'watch']);
  });

  it('/apis/apps/v1 lists deployments with the autoscaling/v1 Scale subresource', async () => {
    const res = await api.get('/apis/apps/v1').expect(200);
    expect(res.body).toMatchObject({ kind: 'APIResourceList', apiVersion: 'v1', groupVersion: 'apps/v1' });
    const rs = res.body.resources;
    expect(byName(rs, 'deployments')).toEqual({
      name: 'deployments',
      singularName: 'deployment',
      namespaced: true,
      kind: 'Deployment',
      verbs: ALL_VERBS,
      shortNames: ['deploy'],
      categories: ['all'],
    });
    expect(byName(rs, 'deployments/scale')).toEqual({
      name: 'deployments/scale',
      singularName: '',
      namespaced: true,
      group: 'autoscaling',
      version: 'v1',
      kind: 'Scale',
      verbs: ['get', 'patch', 'update'],
    });
    expect(byName(rs, 'deployments/status')).toMatchObject({ kind: 'Deployment', verbs: ['get', 'patch', 'update'] });
    expect(byName(rs, 'deployments/status').group).toBeUndefined();
    expect(byName(rs, 'replicasets').shortNames).toEqual(['rs']);
    expect(byName(rs, 'statefulsets').shortNames).toEqual(['sts']);
    expect(byName(rs, 'daemonsets').shortNames).toEqual(['ds']);
    expect(byName(rs, 'statefulsets/scale')).toMatchObject({ group: 'autoscaling', version: 'v1', kind: 'Scale' });
    expect(byName(rs, 'controllerrevisions')).toMatchObject({ kind: 'ControllerRevision', namespaced: true });
  });

  it('/apis/coordination.k8s.io/v1 lists leases', async () => {
    const res = await api.get('/apis/coordination.k8s.io/v1').expect(200);
    expect(res.body.groupVersion).toBe('coordination.k8s.io/v1');
    expect(res.body.resources).toEqual([{ name: 'leases', singularName: 'lease', namespaced: true, kind: 'Lease', verbs: ALL_VERBS }]);
  });

  it('unknown groups and versions are 404 Status', async () => {
    for (const path of ['/apis/nope.example.com', '/apis/nope.example.com/v1', '/apis/apps/v2', '/api/v2']) {
      const res = await api.get(path);
      expectStatus(res, 404, 'NotFound', 'the server could not find the requested resource');
    }
  });
});

describe('aggregated discovery', () => {
  it('v2 is chosen by Accept and answered with the exact Content-Type (kubectl 1.30+)', async () => {
    const res = await api.get('/apis').set('Accept', KUBECTL_133_ACCEPT).buffer(true).parse((r, cb) => {
      let t = '';
      r.on('data', (c: Buffer) => (t += c));
      r.on('end', () => cb(null, JSON.parse(t)));
    });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe(V2);
    expect(res.body).toMatchObject({ kind: 'APIGroupDiscoveryList', apiVersion: 'apidiscovery.k8s.io/v2', metadata: {} });
    const apps = res.body.items.find((i: any) => i.metadata.name === 'apps');
    expect(apps.versions[0]).toMatchObject({ version: 'v1', freshness: 'Current' });
    const deploy = apps.versions[0].resources.find((r: any) => r.resource === 'deployments');
    expect(deploy).toMatchObject({
      resource: 'deployments',
      responseKind: { group: 'apps', version: 'v1', kind: 'Deployment' },
      scope: 'Namespaced',
      singularResource: 'deployment',
      verbs: ALL_VERBS,
      shortNames: ['deploy'],
      categories: ['all'],
    });
    expect(deploy.subresources).toEqual(
      expect.arrayContaining([
        { subresource: 'scale', responseKind: { group: 'autoscaling', version: 'v1', kind: 'Scale' }, verbs: ['get', 'patch', 'update'] },
        { subresource: 'status', responseKind: { group: 'apps', version: 'v1', kind: 'Deployment' }, verbs: ['get', 'patch', 'update'] },
      ]),
    );
    expect(res.body.items.map((i: any) => i.metadata.name)).toContain('coordination.k8s.io');
  });

  it('/api aggregated has the single core group with an empty name', async () => {
    const res = await api.get('/api').set('Accept', KUBECTL_133_ACCEPT).buffer(true).parse((r, cb) => {
      let t = '';
      r.on('data', (c: Buffer) => (t += c));
      r.on('end', () => cb(null, JSON.parse(t)));
    });
    expect(res.headers['content-type']).toBe(V2);
    expect(res.body.items).toHaveLength(1);
    expect(res.body.items[0].metadata.name).toBe('');
    const resources = res.body.items[0].versions[0].resources;
    const pods = resources.find((r: any) => r.resource === 'pods');
    expect(pods).toMatchObject({ scope: 'Namespaced', singularResource: 'pod', shortNames: ['po'], categories: ['all'], responseKind: { group: '', version: 'v1', kind: 'Pod' } });
    const ns = resources.find((r: any) => r.resource === 'namespaces');
    expect(ns.scope).toBe('Cluster');
  });

  it('v2beta1 is chosen for kubectl 1.27 Accept, with its own exact Content-Type', async () => {
    const res = await api.get('/apis').set('Accept', KUBECTL_127_ACCEPT).buffer(true).parse((r, cb) => {
      let t = '';
      r.on('data', (c: Buffer) => (t += c));
      r.on('end', () => cb(null, JSON.parse(t)));
    });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe(V2BETA1);
    expect(res.body.apiVersion).toBe('apidiscovery.k8s.io/v2beta1');
    expect(res.body.kind).toBe('APIGroupDiscoveryList');
  });

  it('an Accept that prefers plain JSON before the aggregated type gets legacy discovery', async () => {
    const res = await api.get('/apis').set('Accept', `application/json,${V2}`).expect(200);
    expect(res.headers['content-type']).toBe('application/json');
    expect(res.body.kind).toBe('APIGroupList');
  });
});

describe('health', () => {
  for (const path of ['/healthz', '/livez', '/readyz']) {
    it(`${path} answers plain 'ok'`, async () => {
      const res = await api.get(path).expect(200);
      expect(res.headers['content-type']).toMatch(/^text\/plain/);
      expect(res.text).toBe('ok');
    });

    it(`${path}?verbose lists the checks`, async () => {
      const res = await api.get(`${path}?verbose`).expect(200);
      const kind = path.slice(1);
      expect(res.text).toContain('[+]ping ok');
      expect(res.text).toContain('[+]etcd ok');
      expect(res.text.trimEnd().split('\n').at(-1)).toBe(`${kind} check passed`);
    });
  }

  it('individual checks answer ok and unknown checks 404', async () => {
    expect((await api.get('/healthz/ping').expect(200)).text).toBe('ok');
    expect((await api.get('/readyz/etcd').expect(200)).text).toBe('ok');
    expectStatus(await api.get('/healthz/nope'), 404, 'NotFound');
  });
});
