// Fixtures: the shipped sets (default, empty, large) and the user's files, directories and objects, loaded at start
// in dependency order through the API (defaults and validation apply), with errors that name the file, the document
// and the object; loaded again at a restart without touching what exists.
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { stringify as toYaml } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { orderForCreation } from '../../src/fixtures.js';
import { createCluster, FixtureError, type Cluster, type VirtualClock } from '../../src/index.js';

type Obj = Record<string, any>;

let tmp: string;
beforeAll(() => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'kubesim-fixtures-'));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const write = (rel: string, docs: unknown[] | string) => {
  const file = path.join(tmp, rel);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, typeof docs === 'string' ? docs : docs.map((d) => toYaml(d)).join('---\n'));
  return file;
};

const crd: Obj = {
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: 'gadgets.example.com' },
  spec: {
    group: 'example.com',
    scope: 'Namespaced',
    names: { plural: 'gadgets', singular: 'gadget', kind: 'Gadget' },
    versions: [
      {
        name: 'v1',
        served: true,
        storage: true,
        schema: { openAPIV3Schema: { type: 'object', properties: { spec: { type: 'object', properties: { size: { type: 'integer', default: 3 } } } } } },
      },
    ],
  },
};
const deployment = (name: string, ns: string): Obj => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name, namespace: ns },
  spec: {
    selector: { matchLabels: { app: name } },
    template: { metadata: { labels: { app: name } }, spec: { containers: [{ name, image: 'nginx:1.27' }] } },
  },
});

describe('fixture sets', () => {
  it('empty: no nodes, only what the API server and controllers create; pods stay Pending', async () => {
    const cluster = await createCluster({ fixture: 'empty', clock: 'virtual' });
    try {
      expect(cluster.client.nodes.list().items).toEqual([]);
      expect(cluster.client.namespaces.list().items.map((n) => n.metadata.name).sort()).toEqual(['default', 'kube-node-lease', 'kube-public', 'kube-system']);
      expect(cluster.client.pods.list(undefined).items).toEqual([]);
      await cluster.client.pods.create('default', { metadata: { name: 'p' }, spec: { containers: [{ name: 'c', image: 'nginx' }] } });
      await cluster.clock.advance('30s');
      const pod = cluster.client.pods.get('default', 'p')!;
      expect(pod.status?.phase).toBe('Pending');
      expect(pod.spec.nodeName).toBeUndefined();
    } finally {
      await cluster.close();
    }
  });

  it('large: a control-plane node and ten workers in three zones, with the default system pods on every node', async () => {
    const cluster = await createCluster({ fixture: 'large', clock: 'virtual' });
    try {
      const nodes = cluster.client.nodes.list().items;
      expect(nodes.map((n) => n.metadata.name).sort()).toEqual(['master', ...Array.from({ length: 10 }, (_, i) => `node${String(i + 1).padStart(2, '0')}`)]);
      const zones = new Map<string, number>();
      for (const n of nodes.filter((n) => n.metadata.name !== 'master')) {
        const zone = n.metadata.labels['topology.kubernetes.io/zone'];
        zones.set(zone, (zones.get(zone) ?? 0) + 1);
        expect(n.metadata.labels['topology.kubernetes.io/region']).toBe('region-1');
      }
      expect(Object.fromEntries(zones)).toEqual({ 'region-1a': 4, 'region-1b': 3, 'region-1c': 3 });
      // Everything else comes from the default set (extends): kube-proxy and flannel on each of the 11 nodes.
      const proxies = cluster.client.pods.list('kube-system').items.filter((p) => p.metadata.name.startsWith('kube-proxy-'));
      expect(proxies).toHaveLength(11);
      // The zones drive scheduling: a topology spread over zones puts one replica in each.
      const spread = deployment('spread', 'default');
      spread.spec.replicas = 3;
      spread.spec.template.spec.topologySpreadConstraints = [
        { maxSkew: 1, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'DoNotSchedule', labelSelector: { matchLabels: { app: 'spread' } } },
      ];
      await cluster.client.resource('apps', 'v1', 'deployments').create('default', spread);
      await cluster.clock.advance('1s');
      const zoneOf = new Map(nodes.map((n) => [n.metadata.name, n.metadata.labels['topology.kubernetes.io/zone']]));
      const placed = cluster.client.pods.list('default', { labelSelector: 'app=spread' }).items.map((p) => zoneOf.get(p.spec.nodeName));
      expect(placed.sort()).toEqual(['region-1a', 'region-1b', 'region-1c']);
      // `nodes` still scales the workers, cloning them in turn (zones stay balanced).
      const scaled = await createCluster({ fixture: 'large', nodes: 13, components: [] });
      try {
        const extra = scaled.client.nodes.list().items.filter((n) => ['node11', 'node12', 'node13'].includes(n.metadata.name));
        expect(extra.map((n) => n.metadata.labels['topology.kubernetes.io/zone'])).toEqual(['region-1a', 'region-1b', 'region-1c']);
      } finally {
        await scaled.close();
      }
    } finally {
      await cluster.close();
    }
  });

  it('an unknown set is an error that names the choices', async () => {
    await expect(createCluster({ fixture: 'huge' })).rejects.toThrow(/fixture set "huge" not found: use one of default, empty, large, or a directory/);
  });
});

describe('user fixtures', () => {
  let cluster: Cluster<VirtualClock>;
  let dir: string;

  beforeAll(async () => {
    // Files in an order that would fail if loaded as they come: workloads before their namespace, the custom
    // resource before its CRD, plus a List document and a JSON file.
    dir = path.join(tmp, 'app');
    write('app/00-workloads.yaml', [deployment('web', 'shop'), { apiVersion: 'example.com/v1', kind: 'Gadget', metadata: { name: 'g1', namespace: 'shop' }, spec: {} }]);
    write('app/10-config.yaml', [
      { apiVersion: 'v1', kind: 'List', items: [{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings', namespace: 'shop' }, data: { mode: 'a' } }, { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'shop', namespace: 'shop' } }] },
    ]);
    write('app/20-crd.json', JSON.stringify(crd));
    write('app/30-namespace.yml', '# the namespace comes last in the files\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n---\n');
    write('app/README.md', 'not a fixture');
    const single = write('single.yaml', [{ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'token', namespace: 'shop' }, stringData: { token: 's3cr3t' } }]);
    cluster = await createCluster({
      clock: 'virtual',
      fixtures: [dir, single, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'inline', namespace: 'shop' }, data: { from: 'code' } }],
    });
  });
  afterAll(() => cluster?.close());

  it('loads files, directories and objects in dependency order, through the API', () => {
    const deploy = cluster.client.resource('apps', 'v1', 'deployments').get('shop', 'web')!;
    // Defaults applied as for any create.
    expect(deploy.spec).toMatchObject({ replicas: 1, revisionHistoryLimit: 10, strategy: { type: 'RollingUpdate' } });
    expect(deploy.metadata.managedFields?.map((m: Obj) => m.manager)).toContain('kubesim-fixtures');
    // The custom resource, after its CRD became Established, with the schema's default.
    expect(cluster.client.resource('example.com', 'v1', 'gadgets').get('shop', 'g1')!.spec).toEqual({ size: 3 });
    expect(cluster.client.resource('', 'v1', 'configmaps').get('shop', 'settings')!.data).toEqual({ mode: 'a' });
    expect(cluster.client.resource('', 'v1', 'serviceaccounts').get('shop', 'shop')).toBeDefined();
    expect(cluster.client.resource('', 'v1', 'secrets').get('shop', 'token')!.data).toEqual({ token: Buffer.from('s3cr3t').toString('base64') });
    expect(cluster.client.resource('', 'v1', 'configmaps').get('shop', 'inline')!.data).toEqual({ from: 'code' });
    // On top of the default set.
    expect(cluster.client.nodes.list().items).toHaveLength(3);
  });

  it('is part of the state reset() returns to, and the workloads run', async () => {
    await cluster.client.resource('', 'v1', 'configmaps').delete('shop', 'settings');
    await cluster.reset();
    expect(cluster.client.resource('', 'v1', 'configmaps').get('shop', 'settings')!.data).toEqual({ mode: 'a' });
    await cluster.clock.advance('10s');
    expect(cluster.client.resource('apps', 'v1', 'deployments').get('shop', 'web')!.status).toMatchObject({ readyReplicas: 1 });
  });

  it('orders kinds: CRDs and namespaces first, owners before pods, custom resources last (stable otherwise)', () => {
    const kinds = ['Pod', 'Gadget', 'Deployment', 'ConfigMap', 'Namespace', 'Service', 'CustomResourceDefinition', 'ConfigMap', 'ClusterRole', 'Node'];
    const ordered = orderForCreation(kinds.map((kind, i) => ({ object: { kind, i } }))).map((d) => `${d.object.kind}${d.object.i}`);
    expect(ordered).toEqual(['CustomResourceDefinition6', 'Namespace4', 'ClusterRole8', 'Node9', 'ConfigMap3', 'ConfigMap7', 'Service5', 'Deployment2', 'Pod0', 'Gadget1']);
  });
});

describe('fixture errors name the file, the document and the object, and abort the start', () => {
  const startWith = (fixtures: string) => createCluster({ components: [], fixture: false, fixtures });
  // Paths are shown as given relative to the working directory, else absolute (as here).
  const at = (rel: string) => `${tmp}/${rel}`;
  const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const failure = async (fixtures: string) => {
    const err = await startWith(fixtures).then(
      (c) => c.close().then(() => undefined),
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(FixtureError);
    return (err as Error).message;
  };

  it('an object the API rejects', async () => {
    const file = write('bad/invalid.yaml', [{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'ok' } }, deployment('Bad_Name', 'default')]);
    const message = await failure(file);
    expect(message).toMatch(new RegExp(`^${esc(at('bad/invalid.yaml'))}, document 2 \\(Deployment default/Bad_Name\\): Deployment\\.apps "Bad_Name" is invalid: metadata\\.name: Invalid value: "Bad_Name"`));
    expect(message).not.toMatch(/\n/);
  });

  it('an unknown kind, a missing kind, broken YAML and JSON, a missing file, a missing namespace', async () => {
    expect(await failure(write('bad/unknown.yaml', [{ apiVersion: 'example.com/v9', kind: 'Nope', metadata: { name: 'x' } }]))).toBe(
      `${at('bad/unknown.yaml')}, document 1 (Nope x): no matches for kind "Nope" in version "example.com/v9"`,
    );
    expect(await failure(write('bad/nokind.yaml', '---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n---\napiVersion: v1\nmetadata: {name: b}\n'))).toBe(
      `${at('bad/nokind.yaml')}, document 2: kind not set`,
    );
    expect(await failure(write('bad/syntax.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n---\nkind: [unclosed\n'))).toMatch(
      new RegExp(`^${esc(at('bad/syntax.yaml'))}, document 2: invalid YAML: `),
    );
    expect(await failure(write('bad/broken.json', '{"apiVersion": "v1",'))).toMatch(new RegExp(`^${esc(at('bad/broken.json'))}: invalid JSON: `));
    expect(await failure(path.join(tmp, 'bad', 'absent.yaml'))).toBe(`fixture ${at('bad/absent.yaml')} not found`);
    expect(await failure(write('bad/nons.yaml', [{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a', namespace: 'nowhere' } }]))).toBe(
      `${at('bad/nons.yaml')}, document 1 (ConfigMap nowhere/a): namespaces "nowhere" not found`,
    );
  });
});

describe('fixtures across restarts (LevelDB)', () => {
  it('loads again at every start, keeping what exists', async () => {
    const store = path.join(tmp, 'store');
    const file = write('restart/cm.yaml', [{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'conf' }, data: { v: '1' } }]);
    const first = await createCluster({ store, components: [], fixture: false, fixtures: [file] });
    await first.client.resource('', 'v1', 'configmaps').patch('default', 'conf', 'merge', { data: { v: 'changed' } });
    await first.close();
    write('restart/more.yaml', [{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'added' } }]);
    const second = await createCluster({ store, components: [], fixture: false, fixtures: [path.dirname(file)] });
    try {
      expect(second.client.resource('', 'v1', 'configmaps').get('default', 'conf')!.data).toEqual({ v: 'changed' });
      expect(second.client.resource('', 'v1', 'configmaps').get('default', 'added')).toBeDefined();
    } finally {
      await second.close();
    }
  });
});
