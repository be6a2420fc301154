// The HTTP side of the fixture API, for users outside JavaScript: /kubesim/v1/clock (virtual clocks only) and
// /kubesim/v1/snapshot + /kubesim/v1/reset; and what the virtual clock means for what clients see (timestamps, AGE).
import { stringify as toYaml, parse as parseYaml } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCluster, type Cluster, type VirtualClock } from '../../src/index.js';
import { rfc3339 } from '../../src/clock.js';
import { api, apiOk, configMap } from '../helpers/http.js';

const T0 = Date.parse('2030-06-01T12:00:00Z');

describe('the clock endpoints', () => {
  let cluster: Cluster<VirtualClock>;
  let real: Cluster;
  beforeAll(async () => {
    const { VirtualClock } = await import('../../src/clock.js');
    [cluster, real] = await Promise.all([createCluster({ clock: new VirtualClock(T0), components: [] }), createCluster({ components: [] })]);
  });
  afterAll(() => Promise.all([cluster?.close(), real?.close()]));

  it('shows and advances the virtual clock', async () => {
    expect(await apiOk(cluster.url, 'GET', '/kubesim/v1/clock')).toEqual({
      apiVersion: 'kubesim.io/v1alpha1',
      kind: 'Clock',
      virtual: true,
      now: '2030-06-01T12:00:00.000000Z',
      pendingTimers: 0,
      nextTimer: null,
    });
    const advanced = await apiOk(cluster.url, 'POST', '/kubesim/v1/clock/advance?by=1h30m');
    expect(advanced.now).toBe('2030-06-01T13:30:00.000000Z');
    expect(cluster.clock.now()).toBe(T0 + 90 * 60_000);
    const set = await apiOk(cluster.url, 'POST', `/kubesim/v1/clock/set?time=${encodeURIComponent('2030-06-02T00:00:00Z')}`);
    expect(set.now).toBe('2030-06-02T00:00:00.000000Z');
  });

  it('answers errors as Status objects', async () => {
    const bad = await api(cluster.url, 'POST', '/kubesim/v1/clock/advance?by=soon');
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ kind: 'Status', code: 400, reason: 'BadRequest', message: expect.stringContaining('invalid duration') });
    expect((await api(cluster.url, 'POST', '/kubesim/v1/clock/advance')).status).toBe(400);
    expect((await api(cluster.url, 'POST', '/kubesim/v1/clock/advance?by=-5s')).status).toBe(400);
    expect((await api(cluster.url, 'GET', '/kubesim/v1/clock/advance?by=5s')).status).toBe(405);
    expect((await api(cluster.url, 'GET', '/kubesim/v1/nothing')).status).toBe(404);
    // A real clock cannot be moved: the endpoints do not exist there.
    const onReal = await api(real.url, 'GET', '/kubesim/v1/clock');
    expect(onReal.status).toBe(404);
    expect(onReal.body).toMatchObject({ kind: 'Status', reason: 'NotFound', message: expect.stringContaining('--clock virtual') });
    expect((await api(real.url, 'POST', '/kubesim/v1/clock/advance?by=5m')).status).toBe(404);
  });

  it('drives what clients see: timestamps and AGE in kubectl get', async () => {
    const created = await apiOk(cluster.url, 'POST', '/api/v1/namespaces/default/configmaps', configMap('aged'));
    expect(created.metadata.creationTimestamp).toBe(rfc3339(cluster.clock.now()));
    await apiOk(cluster.url, 'POST', '/kubesim/v1/clock/advance?by=5h');
    const res = await fetch(`${cluster.url}/api/v1/namespaces/default/configmaps/aged`, { headers: { accept: 'application/json;as=Table;v=v1;g=meta.k8s.io' } });
    const table = (await res.json()) as { columnDefinitions: { name: string }[]; rows: { cells: unknown[] }[] };
    const ageColumn = table.columnDefinitions.findIndex((c) => c.name === 'Age');
    expect(table.rows[0].cells[ageColumn]).toBe('5h');
  });
});

describe('the snapshot endpoints', () => {
  let cluster: Cluster<VirtualClock>;
  beforeAll(async () => {
    cluster = await createCluster({ clock: 'virtual' });
  });
  afterAll(() => cluster?.close());

  it('GET returns the snapshot as JSON or YAML, PUT restores either, POST reset goes back to the start', async () => {
    await apiOk(cluster.url, 'POST', '/api/v1/namespaces/default/configmaps', configMap('kept', { v: '1' }));
    const json = await apiOk(cluster.url, 'GET', '/kubesim/v1/snapshot');
    expect(json).toMatchObject({ apiVersion: 'kubesim.io/v1alpha1', kind: 'Snapshot', revision: expect.any(Number) });
    expect(json.objects['/registry/core/configmaps/default/kept'].data).toEqual({ v: '1' });
    const yamlRes = await fetch(`${cluster.url}/kubesim/v1/snapshot`, { headers: { accept: 'application/yaml' } });
    expect(yamlRes.headers.get('content-type')).toBe('application/yaml');
    const yaml = await yamlRes.text();
    expect(parseYaml(yaml)).toEqual(json);

    await apiOk(cluster.url, 'DELETE', '/api/v1/namespaces/default/configmaps/kept');
    await apiOk(cluster.url, 'POST', '/api/v1/namespaces/default/configmaps', configMap('extra'));
    const restored = await apiOk(cluster.url, 'PUT', '/kubesim/v1/snapshot', yaml, 'application/yaml');
    expect(restored).toMatchObject({ kind: 'RestoreResult', changes: 2, revision: expect.any(Number) });
    expect((await api(cluster.url, 'GET', '/api/v1/namespaces/default/configmaps/kept')).status).toBe(200);
    expect((await api(cluster.url, 'GET', '/api/v1/namespaces/default/configmaps/extra')).status).toBe(404);

    // JSON body, edited by hand.
    json.objects['/registry/core/configmaps/default/kept'].data = { v: 'edited' };
    await apiOk(cluster.url, 'PUT', '/kubesim/v1/snapshot', json);
    expect((await apiOk(cluster.url, 'GET', '/api/v1/namespaces/default/configmaps/kept')).data).toEqual({ v: 'edited' });

    const reset = await apiOk(cluster.url, 'POST', '/kubesim/v1/reset');
    expect(reset.kind).toBe('RestoreResult');
    expect((await api(cluster.url, 'GET', '/api/v1/namespaces/default/configmaps/kept')).status).toBe(404);
    expect((await apiOk(cluster.url, 'GET', '/api/v1/nodes')).items).toHaveLength(3);
  });

  it('refuses bad snapshots with 400 and changes nothing', async () => {
    const revision = cluster.storage.currentRevision();
    const notYaml = await api(cluster.url, 'PUT', '/kubesim/v1/snapshot', '{ objects: [', 'application/yaml');
    expect(notYaml.status).toBe(400);
    const wrongKind = await api(cluster.url, 'PUT', '/kubesim/v1/snapshot', toYaml({ apiVersion: 'v1', kind: 'List', items: [] }), 'application/yaml');
    expect(wrongKind.status).toBe(400);
    expect(wrongKind.body.message).toContain('kind Snapshot');
    expect((await api(cluster.url, 'POST', '/kubesim/v1/snapshot')).status).toBe(405);
    expect(cluster.storage.currentRevision()).toBe(revision);
  });
});
