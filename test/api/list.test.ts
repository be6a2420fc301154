// LIST: selectors, pagination over a consistent snapshot, resourceVersion semantics, output formats.
import supertest from 'supertest';
import { parse as parseYaml } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestCluster, type TestCluster } from '../helpers/cluster.js';
import { API_ONLY, configMap, expectStatus, pod } from './util.js';

let cluster: TestCluster;
let api: ReturnType<typeof supertest>;

async function createNamespace(name: string): Promise<void> {
  await api.post('/api/v1/namespaces').send({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } }).expect(201);
}

function names(body: any): string[] {
  return body.items.map((i: any) => i.metadata.name);
}

beforeAll(async () => {
  cluster = await startTestCluster(API_ONLY);
  api = supertest(cluster.url);
});
afterAll(async () => {
  await cluster?.stop();
});

describe('labelSelector', () => {
  const NS = 'labels';
  const base = `/api/v1/namespaces/${NS}/configmaps`;
  const list = async (selector: string) => names((await api.get(base).query({ labelSelector: selector }).expect(200)).body).sort();

  beforeAll(async () => {
    await createNamespace(NS);
    const objs: [string, Record<string, string>][] = [
      ['web-prod', { app: 'web', env: 'prod', tier: 'front' }],
      ['web-dev', { app: 'web', env: 'dev' }],
      ['db-prod', { app: 'db', env: 'prod' }],
      ['cache', { app: 'cache', env: 'staging', version: '3' }],
      ['bare', {}],
    ];
    for (const [name, labels] of objs) await api.post(base).send(configMap(name, { metadata: { labels } })).expect(201);
  });

  it('= and == select equal values', async () => {
    expect(await list('app=web')).toEqual(['web-dev', 'web-prod']);
    expect(await list('app==web')).toEqual(['web-dev', 'web-prod']);
    expect(await list('app=web,env=prod')).toEqual(['web-prod']);
  });

  it('!= also selects objects without the key', async () => {
    expect(await list('env!=prod')).toEqual(['bare', 'cache', 'web-dev']);
  });

  it('in and notin', async () => {
    expect(await list('env in (prod,staging)')).toEqual(['cache', 'db-prod', 'web-prod']);
    expect(await list('env notin (prod,staging)')).toEqual(['bare', 'web-dev']);
    expect(await list('app in (web),env notin (dev)')).toEqual(['web-prod']);
  });

  it('exists and !key', async () => {
    expect(await list('tier')).toEqual(['web-prod']);
    expect(await list('!tier')).toEqual(['bare', 'cache', 'db-prod', 'web-dev']);
    expect(await list('env,!tier')).toEqual(['cache', 'db-prod', 'web-dev']);
  });

  it('> and < compare integers', async () => {
    expect(await list('version>2')).toEqual(['cache']);
    expect(await list('version<3')).toEqual([]);
  });

  it('an empty value is valid and matches only an empty label', async () => {
    expect(await list('app=')).toEqual([]);
    expect(await list('app==')).toEqual([]);
  });

  it('an empty selector selects everything', async () => {
    expect(await list('')).toEqual(['bare', 'cache', 'db-prod', 'web-dev', 'web-prod']);
  });

  it('an invalid selector is 400 BadRequest', async () => {
    for (const bad of ['app in (web', '=web', 'a b', 'app in web']) {
      const res = await api.get(base).query({ labelSelector: bad });
      expectStatus(res, 400, 'BadRequest');
      expect(res.body.message.length).toBeGreaterThan(0);
    }
    expectStatus(await api.get(base).query({ labelSelector: 'a b' }), 400, 'BadRequest', "unable to parse requirement: found 'b', expected: in, notin, =, ==, !=, gt, lt");
    expectStatus(await api.get(base).query({ labelSelector: 'app in (web' }), 400, 'BadRequest', "unable to parse requirement: found '', expected: ',' or ')'");
  });

  it('an invalid label value is 400 with the upstream message', async () => {
    const res = await api.get(base).query({ labelSelector: 'app=-bad-' });
    expectStatus(res, 400, 'BadRequest', /values\[0\]\[app\]: Invalid value: "-bad-"/);
  });
});

describe('fieldSelector', () => {
  const NS = 'fields';

  beforeAll(async () => {
    await createNamespace(NS);
    const pods = `/api/v1/namespaces/${NS}/pods`;
    await api.post(pods).send(pod('on-node-1', { nodeName: 'node-1' })).expect(201);
    await api.post(pods).send(pod('on-node-2', { nodeName: 'node-2' })).expect(201);
    await api.post(pods).send(pod('unscheduled')).expect(201);
    // Give one pod a terminal phase through /status.
    const cur = (await api.get(`${pods}/on-node-2`).expect(200)).body;
    await api.put(`${pods}/on-node-2/status`).send({ ...cur, status: { ...cur.status, phase: 'Succeeded' } }).expect(200);
    await api.post(`/api/v1/namespaces/${NS}/configmaps`).send(configMap('one')).expect(201);
    await api.post(`/api/v1/namespaces/${NS}/configmaps`).send(configMap('two')).expect(201);
    await api.post('/api/v1/namespaces/default/configmaps').send(configMap('one')).expect(201);
  });

  it('metadata.name selects one object; != excludes it', async () => {
    const cms = `/api/v1/namespaces/${NS}/configmaps`;
    expect(names((await api.get(cms).query({ fieldSelector: 'metadata.name=one' }).expect(200)).body)).toEqual(['one']);
    expect(names((await api.get(cms).query({ fieldSelector: 'metadata.name!=one' }).expect(200)).body)).toEqual(['two']);
    expect(names((await api.get(cms).query({ fieldSelector: 'metadata.name==nope' }).expect(200)).body)).toEqual([]);
  });

  it('metadata.namespace works across namespaces', async () => {
    const res = await api.get('/api/v1/configmaps').query({ fieldSelector: `metadata.name=one,metadata.namespace=${NS}` }).expect(200);
    expect(res.body.items.map((i: any) => `${i.metadata.namespace}/${i.metadata.name}`)).toEqual([`${NS}/one`]);
    const both = await api.get('/api/v1/configmaps').query({ fieldSelector: 'metadata.name=one' }).expect(200);
    expect(both.body.items.map((i: any) => i.metadata.namespace).sort()).toEqual(['default', NS]);
  });

  it('pods: spec.nodeName and status.phase!= (kubectl describe node)', async () => {
    const res = await api.get('/api/v1/pods').query({ fieldSelector: 'spec.nodeName=node-1,status.phase!=Succeeded,status.phase!=Failed', limit: 500 }).expect(200);
    expect(names(res.body)).toEqual(['on-node-1']);
    const node2 = await api.get('/api/v1/pods').query({ fieldSelector: 'spec.nodeName=node-2,status.phase!=Succeeded,status.phase!=Failed' }).expect(200);
    expect(names(node2.body)).toEqual([]);
    // An empty value selects the unscheduled pod.
    const unscheduled = await api.get(`/api/v1/namespaces/${NS}/pods`).query({ fieldSelector: 'spec.nodeName=' }).expect(200);
    expect(names(unscheduled.body)).toEqual(['unscheduled']);
    const pending = await api.get(`/api/v1/namespaces/${NS}/pods`).query({ fieldSelector: 'status.phase=Pending' }).expect(200);
    expect(names(pending.body).sort()).toEqual(['on-node-1', 'unscheduled']);
  });

  it('events: involvedObject.* in any order, with empty values (kubectl describe)', async () => {
    const events = `/api/v1/namespaces/${NS}/events`;
    const ev = (name: string, involvedObject: Record<string, string>) => ({
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name },
      involvedObject,
      reason: 'Test',
      message: 'hello',
      type: 'Normal',
    });
    await api.post(events).send(ev('pod-ev', { kind: 'Pod', name: 'on-node-1', namespace: NS, uid: 'uid-1' })).expect(201);
    await api.post(events).send(ev('node-ev', { kind: 'Node', name: 'node-1', uid: 'node-1' })).expect(201);
    await api.post(events).send(ev('other-ev', { kind: 'Pod', name: 'other', namespace: NS, uid: 'uid-2' })).expect(201);

    const orders = [
      `involvedObject.name=on-node-1,involvedObject.namespace=${NS},involvedObject.uid=uid-1`,
      `involvedObject.uid=uid-1,involvedObject.name=on-node-1,involvedObject.namespace=${NS}`,
      `involvedObject.namespace=${NS},involvedObject.uid=uid-1,involvedObject.name=on-node-1`,
    ];
    for (const fs of orders) expect(names((await api.get(events).query({ fieldSelector: fs, limit: 500 }).expect(200)).body), fs).toEqual(['pod-ev']);

    const node = await api.get(events).query({ fieldSelector: 'involvedObject.kind=Node,involvedObject.name=node-1,involvedObject.namespace=,involvedObject.uid=node-1' }).expect(200);
    expect(names(node.body)).toEqual(['node-ev']);
    const byKind = await api.get(events).query({ fieldSelector: 'involvedObject.kind=Pod' }).expect(200);
    expect(names(byKind.body).sort()).toEqual(['other-ev', 'pod-ev']);
  });

  it('an unsupported field is 400 with the upstream message (default conversion and registered kinds)', async () => {
    expectStatus(
      await api.get(`/api/v1/namespaces/${NS}/configmaps`).query({ fieldSelector: 'data.key=x' }),
      400,
      'BadRequest',
      '"data.key" is not a known field selector: only "metadata.name", "metadata.namespace"',
    );
    expectStatus(await api.get(`/api/v1/namespaces/${NS}/pods`).query({ fieldSelector: 'spec.bogus=x' }), 400, 'BadRequest', 'field label not supported: spec.bogus');
    expectStatus(await api.get('/apis/apps/v1/deployments').query({ fieldSelector: 'spec.replicas=1' }), 400, 'BadRequest', '"spec.replicas" is not a known field selector: only "metadata.name", "metadata.namespace"');
  });

  it('an unparsable field selector is 400', async () => {
    const res = await api.get(`/api/v1/namespaces/${NS}/configmaps`).query({ fieldSelector: 'metadata.name' });
    expectStatus(res, 400, 'BadRequest', /invalid selector/);
  });
});

describe('limit and continue', () => {
  const NS = 'paging';
  const base = `/api/v1/namespaces/${NS}/configmaps`;
  const all: string[] = [];

  beforeAll(async () => {
    await createNamespace(NS);
    for (let i = 0; i < 50; i++) {
      const name = `cm-${String(i).padStart(2, '0')}`;
      all.push(name);
      await api.post(base).send(configMap(name, { metadata: { labels: { parity: i % 2 ? 'odd' : 'even' } } })).expect(201);
    }
  });

  it('pages of 7 return every object exactly once, in key order, with remainingItemCount', async () => {
    const seen: string[] = [];
    let token: string | undefined;
    let pages = 0;
    let firstRV: string | undefined;
    do {
      const res = await api.get(base).query(token ? { limit: 7, continue: token } : { limit: 7 }).expect(200);
      pages++;
      seen.push(...names(res.body));
      firstRV ??= res.body.metadata.resourceVersion;
      // Every page reports the snapshot's resourceVersion.
      expect(res.body.metadata.resourceVersion).toBe(firstRV);
      token = res.body.metadata.continue;
      if (token) {
        expect(res.body.items).toHaveLength(7);
        expect(res.body.metadata.remainingItemCount).toBe(50 - seen.length);
      } else {
        expect(res.body.metadata.remainingItemCount).toBeUndefined();
      }
    } while (token);
    expect(pages).toBe(8);
    expect(seen).toEqual(all);
  });

  it('the continue token keeps the snapshot: later creates and deletes are not seen', async () => {
    const first = await api.get(base).query({ limit: 7 }).expect(200);
    expect(names(first.body)).toEqual(all.slice(0, 7));
    // After the first page: delete an object of a later page, create one that sorts into a later page.
    await api.delete(`${base}/cm-30`).expect(200);
    await api.post(base).send(configMap('cm-30a')).expect(201);
    const seen = names(first.body);
    let token = first.body.metadata.continue;
    while (token) {
      const res = await api.get(base).query({ limit: 7, continue: token }).expect(200);
      expect(res.body.metadata.resourceVersion).toBe(first.body.metadata.resourceVersion);
      seen.push(...names(res.body));
      token = res.body.metadata.continue;
    }
    expect(seen).toEqual(all);
    // A fresh list sees the changes.
    const now = names((await api.get(base).expect(200)).body);
    expect(now).toContain('cm-30a');
    expect(now).not.toContain('cm-30');
    await api.delete(`${base}/cm-30a`).expect(200);
    await api.post(base).send(configMap('cm-30', { metadata: { labels: { parity: 'even' } } })).expect(201);
  });

  it('with a selector, pages are filled with matching objects and remainingItemCount is absent', async () => {
    const seen: string[] = [];
    let token: string | undefined;
    do {
      const res = await api.get(base).query({ limit: 7, labelSelector: 'parity=odd', ...(token ? { continue: token } : {}) }).expect(200);
      expect(res.body.metadata.remainingItemCount).toBeUndefined();
      seen.push(...names(res.body));
      token = res.body.metadata.continue;
      if (token) expect(res.body.items).toHaveLength(7);
    } while (token);
    expect(seen).toEqual(all.filter((_, i) => i % 2 === 1));
  });

  it('limit larger than the list returns everything without a continue token', async () => {
    const res = await api.get(base).query({ limit: 500 }).expect(200);
    expect(res.body.items).toHaveLength(50);
    expect(res.body.metadata.continue).toBeUndefined();
  });

  it('a garbled continue token is 400', async () => {
    expectStatus(await api.get(base).query({ limit: 7, continue: 'not-a-token' }), 400, 'BadRequest', /continue key is not valid/);
  });

  it('a non-numeric limit is 400', async () => {
    const res = await api.get(base).query({ limit: 'ten' });
    expectStatus(res, 400, 'BadRequest', /limit/);
  });

  it('continue with a resourceVersion is 400', async () => {
    const first = await api.get(base).query({ limit: 7 }).expect(200);
    const res = await api.get(base).query({ limit: 7, continue: first.body.metadata.continue, resourceVersion: first.body.metadata.resourceVersion });
    expectStatus(res, 400, 'BadRequest', 'specifying resource version is not allowed when using continue');
  });
});

describe('resourceVersion semantics', () => {
  const base = '/api/v1/namespaces/default/configmaps';

  it('resourceVersionMatch=Exact at an older revision shows the old state', async () => {
    const created = (await api.post(base).send(configMap('versioned', { data: { v: '1' } })).expect(201)).body;
    const rv1 = created.metadata.resourceVersion;
    await api.put(`${base}/versioned`).send({ ...created, data: { v: '2' } }).expect(200);
    await api.post(base).send(configMap('after-rv1')).expect(201);

    const old = await api.get(base).query({ resourceVersion: rv1, resourceVersionMatch: 'Exact' }).expect(200);
    expect(old.body.metadata.resourceVersion).toBe(rv1);
    const item = old.body.items.find((i: any) => i.metadata.name === 'versioned');
    expect(item.data).toEqual({ v: '1' });
    expect(item.metadata.resourceVersion).toBe(rv1);
    expect(names(old.body)).not.toContain('after-rv1');

    const now = await api.get(base).expect(200);
    expect(now.body.items.find((i: any) => i.metadata.name === 'versioned').data).toEqual({ v: '2' });
    expect(names(now.body)).toContain('after-rv1');
    expect(Number(now.body.metadata.resourceVersion)).toBeGreaterThan(Number(rv1));
  });

  it('resourceVersion=0 and NotOlderThan answer the current state', async () => {
    const res0 = await api.get(base).query({ resourceVersion: '0' }).expect(200);
    expect(names(res0.body)).toContain('versioned');
    const res = await api.get(base).query({ resourceVersion: '1', resourceVersionMatch: 'NotOlderThan' }).expect(200);
    expect(res.body.items.find((i: any) => i.metadata.name === 'versioned').data).toEqual({ v: '2' });
  });

  it('resourceVersionMatch without resourceVersion is 422', async () => {
    const body = expectStatus(
      await api.get(base).query({ resourceVersionMatch: 'Exact' }),
      422,
      'Invalid',
      'ListOptions.meta.k8s.io "" is invalid: resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden unless resourceVersion is provided',
    );
    expect(body.details.causes).toEqual([
      { reason: 'FieldValueForbidden', message: 'Forbidden: resourceVersionMatch is forbidden unless resourceVersion is provided', field: 'resourceVersionMatch' },
    ]);
  });

  it('a resourceVersion from the future is 504 Timeout with the ResourceVersionTooLarge cause (client-go retries on it)', async () => {
    const body = expectStatus(await api.get(base).query({ resourceVersion: '999999999' }), 504, 'Timeout', /^Timeout: Too large resource version: 999999999, current: \d+$/);
    expect(body.details.causes).toEqual([{ reason: 'ResourceVersionTooLarge', message: 'Too large resource version' }]);
  });

  it('a non-numeric resourceVersion is 400', async () => {
    expectStatus(await api.get(base).query({ resourceVersion: 'abc', resourceVersionMatch: 'NotOlderThan' }), 400, 'BadRequest', 'invalid resource version: "abc"');
  });

  it('an unknown resourceVersionMatch is 400', async () => {
    expectStatus(await api.get(base).query({ resourceVersion: '1', resourceVersionMatch: 'Newest' }), 400, 'BadRequest', /Newest/);
  });
});

describe('compaction', () => {
  it('a continue token older than the retained history is 410 Expired; an Exact list too', async () => {
    const small = await startTestCluster({ ...API_ONLY, historyLimit: 20 });
    try {
      const s = supertest(small.url);
      const base = '/api/v1/namespaces/default/configmaps';
      for (let i = 0; i < 5; i++) await s.post(base).send(configMap(`c${i}`)).expect(201);
      const first = await s.get(base).query({ limit: 2 }).expect(200);
      const token = first.body.metadata.continue;
      expect(token).toBeTruthy();
      const rv = first.body.metadata.resourceVersion;
      // The next page still works while the snapshot is retained.
      await s.get(base).query({ limit: 2, continue: token }).expect(200);
      for (let i = 0; i < 30; i++) await s.put(`${base}/c0`).send(configMap('c0', { data: { i: String(i) } })).expect(200);
      expectStatus(
        await s.get(base).query({ limit: 2, continue: token }),
        410,
        'Expired',
        /^The provided continue parameter is too old to display a consistent list result\. You can start a new list without the continue parameter/,
      );
      expectStatus(await s.get(base).query({ resourceVersion: rv, resourceVersionMatch: 'Exact' }), 410, 'Expired', 'The resourceVersion for the provided list is too old.');
      // A fresh list still works.
      expect(names((await s.get(base).expect(200)).body)).toEqual(['c0', 'c1', 'c2', 'c3', 'c4']);
    } finally {
      await small.stop();
    }
  });
});

describe('lists across namespaces and formats', () => {
  it('/api/v1/configmaps lists every namespace', async () => {
    await createNamespace('across-a');
    await createNamespace('across-b');
    await api.post('/api/v1/namespaces/across-a/configmaps').send(configMap('same', { metadata: { labels: { across: 'yes' } } })).expect(201);
    await api.post('/api/v1/namespaces/across-b/configmaps').send(configMap('same', { metadata: { labels: { across: 'yes' } } })).expect(201);
    const res = await api.get('/api/v1/configmaps').query({ labelSelector: 'across=yes' }).expect(200);
    expect(res.body.kind).toBe('ConfigMapList');
    expect(res.body.apiVersion).toBe('v1');
    expect(res.body.items.map((i: any) => `${i.metadata.namespace}/${i.metadata.name}`)).toEqual(['across-a/same', 'across-b/same']);
    // Items carry kind and apiVersion.
    expect(res.body.items[0]).toMatchObject({ kind: 'ConfigMap', apiVersion: 'v1' });
    const apps = await api.get('/apis/apps/v1/deployments').expect(200);
    expect(apps.body).toMatchObject({ kind: 'DeploymentList', apiVersion: 'apps/v1', items: [] });
    expect(apps.body.metadata.resourceVersion).toMatch(/^\d+$/);
  });

  it('a namespaced list only shows that namespace; a missing namespace lists empty', async () => {
    const res = await api.get('/api/v1/namespaces/across-a/configmaps').expect(200);
    expect(res.body.items.map((i: any) => i.metadata.namespace)).toEqual(['across-a']);
    const none = await api.get('/api/v1/namespaces/does-not-exist/configmaps').expect(200);
    expect(none.body.items).toEqual([]);
  });

  it('Accept: application/yaml answers YAML', async () => {
    const res = await api.get('/api/v1/namespaces/across-a/configmaps').set('Accept', 'application/yaml').buffer(true).parse((r, cb) => {
      let t = '';
      r.on('data', (c: Buffer) => (t += c));
      r.on('end', () => cb(null, t));
    });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/yaml');
    const doc = parseYaml(res.body as unknown as string);
    expect(doc.kind).toBe('ConfigMapList');
    expect(doc.items[0].metadata.name).toBe('same');
    expect(doc.metadata.resourceVersion).toMatch(/^\d+$/);
    // Single GET in YAML too.
    const one = await api.get('/api/v1/namespaces/across-a/configmaps/same').set('Accept', 'application/yaml').buffer(true).parse((r, cb) => {
      let t = '';
      r.on('data', (c: Buffer) => (t += c));
      r.on('end', () => cb(null, t));
    });
    expect(one.headers['content-type']).toBe('application/yaml');
    expect(parseYaml(one.body as unknown as string)).toMatchObject({ kind: 'ConfigMap', metadata: { name: 'same', namespace: 'across-a' } });
  });

  it('Accept: protobuf, json gets JSON (kubectl decodes by Content-Type)', async () => {
    const res = await api.get('/api/v1/namespaces/across-a/configmaps').set('Accept', 'application/vnd.kubernetes.protobuf,application/json').expect(200);
    expect(res.headers['content-type']).toBe('application/json');
    expect(res.body.kind).toBe('ConfigMapList');
  });
});
