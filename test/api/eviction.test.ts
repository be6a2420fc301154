// policy/v1 PodDisruptionBudgets and the pods/eviction subresource against the API server alone (no controllers:
// the tests write PDB status themselves, as the disruption controller would): discovery and OpenAPI, PDB
// validation and Table columns, and evictions answered 201 / 429 / 404 / 400 / 500 exactly as upstream.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestCluster, type TestCluster } from '../helpers/cluster.js';
import { api, apiOk } from '../helpers/http.js';
import { encode, envelope, int, intOrString, msg, objectMeta, PROTOBUF, strMap } from '../machinery/protobuf/pb.js';
import { API_ONLY, expectStatus } from './util.js';

type Obj = Record<string, any>;
let c: TestCluster;
const NS = '/api/v1/namespaces/default';
const PDBS = '/apis/policy/v1/namespaces/default/poddisruptionbudgets';

function pdb(name: string, spec: Obj): Obj {
  return { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name }, spec };
}

function eviction(name: string, extra: Obj = {}): Obj {
  return { apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name, namespace: 'default' }, ...extra };
}

/** A pod bound to a node and reported Running and Ready (what a kubelet would write). */
async function runningPod(name: string, labels: Obj, ready = true): Promise<Obj> {
  await apiOk(c.url, 'POST', `${NS}/pods`, { apiVersion: 'v1', kind: 'Pod', metadata: { name, labels }, spec: { nodeName: 'node01', containers: [{ name: 'c', image: 'nginx' }] } });
  const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  return apiOk(c.url, 'PATCH', `${NS}/pods/${name}/status`, { status: { phase: 'Running', conditions: [{ type: 'Ready', status: ready ? 'True' : 'False', lastTransitionTime: now }] } }, 'application/merge-patch+json');
}

/** Writes a budget's status as the disruption controller would (observedGeneration current unless told). */
async function setBudget(name: string, status: Obj): Promise<Obj> {
  const cur = await apiOk(c.url, 'GET', `${PDBS}/${name}`);
  return apiOk(c.url, 'PUT', `${PDBS}/${name}/status`, { ...cur, status: { observedGeneration: cur.metadata.generation, ...status } });
}

const evict = (name: string, body: unknown = eviction(name), query = '') => api(c.url, 'POST', `${NS}/pods/${name}/eviction${query}`, body);
const getPod = (name: string) => api(c.url, 'GET', `${NS}/pods/${name}`);

beforeAll(async () => {
  c = await startTestCluster(API_ONLY);
});
afterAll(() => c?.stop());

describe('discovery and OpenAPI', () => {
  it('lists pods/eviction as a policy/v1 Eviction in /api/v1, and the policy/v1 group', async () => {
    const core = await apiOk(c.url, 'GET', '/api/v1');
    expect(core.resources.find((r: Obj) => r.name === 'pods/eviction')).toEqual({ name: 'pods/eviction', singularName: '', namespaced: true, group: 'policy', version: 'v1', kind: 'Eviction', verbs: ['create'] });
    const groups = await apiOk(c.url, 'GET', '/apis');
    expect(groups.groups.find((g: Obj) => g.name === 'policy')).toEqual({ name: 'policy', versions: [{ groupVersion: 'policy/v1', version: 'v1' }], preferredVersion: { groupVersion: 'policy/v1', version: 'v1' } });
    const policy = await apiOk(c.url, 'GET', '/apis/policy/v1');
    expect(policy.resources.map((r: Obj) => r.name)).toEqual(['poddisruptionbudgets', 'poddisruptionbudgets/status']);
    expect(policy.resources[0]).toMatchObject({ singularName: 'poddisruptionbudget', namespaced: true, kind: 'PodDisruptionBudget', shortNames: ['pdb'] });
    expect(policy.resources[0].categories).toBeUndefined();
  });

  it('aggregated discovery has the eviction subresource and the policy group', async () => {
    const accept = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList';
    const core = (await (await fetch(`${c.url}/api`, { headers: { accept } })).json()) as Obj;
    const pods = core.items[0].versions[0].resources.find((r: Obj) => r.resource === 'pods');
    expect(pods.subresources.find((s: Obj) => s.subresource === 'eviction')).toEqual({ subresource: 'eviction', responseKind: { group: 'policy', version: 'v1', kind: 'Eviction' }, verbs: ['create'] });
    const apis = (await (await fetch(`${c.url}/apis`, { headers: { accept } })).json()) as Obj;
    const policy = apis.items.find((g: Obj) => g.metadata.name === 'policy');
    expect(policy.versions[0].resources[0]).toMatchObject({ resource: 'poddisruptionbudgets', responseKind: { group: 'policy', version: 'v1', kind: 'PodDisruptionBudget' }, scope: 'Namespaced', shortNames: ['pdb'] });
  });

  it('serves OpenAPI v3 for policy/v1 and describes POST pods/{name}/eviction', async () => {
    const index = await apiOk(c.url, 'GET', '/openapi/v3');
    expect(index.paths['apis/policy/v1']).toBeDefined();
    const doc = await apiOk(c.url, 'GET', `/${index.paths['apis/policy/v1'].serverRelativeURL.slice(1)}`);
    expect(doc.components.schemas['io.k8s.api.policy.v1.PodDisruptionBudget']).toBeDefined();
    expect(doc.paths['/apis/policy/v1/namespaces/{namespace}/poddisruptionbudgets/{name}/status']).toBeDefined();
    const core = await apiOk(c.url, 'GET', `/${index.paths['api/v1'].serverRelativeURL.slice(1)}`);
    const path = core.paths['/api/v1/namespaces/{namespace}/pods/{name}/eviction'];
    expect(path.post['x-kubernetes-group-version-kind']).toEqual({ group: 'policy', kind: 'Eviction', version: 'v1' });
    expect(core.components.schemas['io.k8s.api.policy.v1.Eviction']).toBeDefined();
  });
});

describe('PodDisruptionBudget', () => {
  it('is created with generation 1 and an empty status, and printed with its columns', async () => {
    const created = await apiOk(c.url, 'POST', PDBS, pdb('web', { minAvailable: 2, selector: { matchLabels: { app: 'web' } } }));
    expect(created.metadata.generation).toBe(1);
    expect(created.status).toEqual({ disruptionsAllowed: 0, currentHealthy: 0, desiredHealthy: 0, expectedPods: 0 });
    await apiOk(c.url, 'POST', PDBS, pdb('pct', { maxUnavailable: '25%', selector: { matchLabels: { app: 'other' } } }));
    await setBudget('pct', { disruptionsAllowed: 3, currentHealthy: 4, desiredHealthy: 1, expectedPods: 4 });
    const res = await fetch(`${c.url}${PDBS}`, { headers: { accept: 'application/json;as=Table;v=v1;g=meta.k8s.io' } });
    const table = (await res.json()) as Obj;
    expect(table.columnDefinitions.map((d: Obj) => d.name)).toEqual(['Name', 'Min Available', 'Max Unavailable', 'Allowed Disruptions', 'Age']);
    expect(table.columnDefinitions[3].type).toBe('integer');
    const rows = Object.fromEntries(table.rows.map((r: Obj) => [r.cells[0], r.cells.slice(1, 4)]));
    expect(rows).toEqual({ web: ['2', 'N/A', 0], pct: ['N/A', '25%', 3] });
  });

  it('bumps the generation on spec changes only, and keeps status on main-resource writes', async () => {
    const cur = await apiOk(c.url, 'GET', `${PDBS}/pct`);
    const patched = await apiOk(c.url, 'PATCH', `${PDBS}/pct`, { spec: { maxUnavailable: 1 } }, 'application/merge-patch+json');
    expect(patched.metadata.generation).toBe(cur.metadata.generation + 1);
    expect(patched.status.disruptionsAllowed).toBe(3);
    const labelled = await apiOk(c.url, 'PATCH', `${PDBS}/pct`, { metadata: { labels: { a: 'b' } }, status: { disruptionsAllowed: 9 } }, 'application/merge-patch+json');
    expect(labelled.metadata.generation).toBe(patched.metadata.generation);
    expect(labelled.status.disruptionsAllowed).toBe(3);
  });

  it('rejects invalid budgets with 422 and the upstream messages', async () => {
    const both = await api(c.url, 'POST', PDBS, pdb('both', { minAvailable: 1, maxUnavailable: 1 }));
    expectStatus(both, 422, 'Invalid', /^PodDisruptionBudget\.policy "both" is invalid: spec: Invalid value: .*: minAvailable and maxUnavailable cannot be both set$/);
    const neg = await api(c.url, 'POST', PDBS, pdb('neg', { minAvailable: -1 }));
    expectStatus(neg, 422, 'Invalid', 'PodDisruptionBudget.policy "neg" is invalid: spec.minAvailable: Invalid value: -1: must be greater than or equal to 0');
    const over = await api(c.url, 'POST', PDBS, pdb('over', { maxUnavailable: '150%' }));
    expectStatus(over, 422, 'Invalid', 'PodDisruptionBudget.policy "over" is invalid: spec.maxUnavailable: Invalid value: "150%": must not be greater than 100%');
    const pct = await api(c.url, 'POST', PDBS, pdb('pct2', { minAvailable: 'half' }));
    expect(pct.body.message).toContain(`spec.minAvailable: Invalid value: "half": a valid percent string must be a numeric string followed by an ending '%'`);
    const policy = await api(c.url, 'POST', PDBS, pdb('pol', { minAvailable: 1, unhealthyPodEvictionPolicy: 'Sometimes' }));
    expectStatus(policy, 422, 'Invalid', 'PodDisruptionBudget.policy "pol" is invalid: spec.unhealthyPodEvictionPolicy: Unsupported value: "Sometimes": supported values: "AlwaysAllow", "IfHealthyBudget"');
    const sel = await api(c.url, 'POST', PDBS, pdb('sel', { minAvailable: 1, selector: { matchExpressions: [{ key: 'app', operator: 'In' }] } }));
    expect(sel.body.details.causes).toEqual([{ reason: 'FieldValueRequired', message: "Required value: must be specified when `operator` is 'In' or 'NotIn'", field: 'spec.selector.matchExpressions[0].values' }]);
    const status = await api(c.url, 'PATCH', `${PDBS}/web/status`, { status: { disruptionsAllowed: -1 } }, 'application/merge-patch+json');
    expectStatus(status, 422, 'Invalid', 'PodDisruptionBudget.policy "web" is invalid: status.disruptionsAllowed: Invalid value: -1: must be greater than or equal to 0');
  });

  it('answers wrong JSON types with 400, never 500', async () => {
    const bool = await api(c.url, 'POST', PDBS, pdb('b', { minAvailable: true }));
    expectStatus(bool, 400, 'BadRequest', /cannot unmarshal bool into Go struct field PodDisruptionBudgetSpec\.spec\.minAvailable/);
    const obj = await api(c.url, 'POST', PDBS, pdb('o', { maxUnavailable: { a: 1 } }));
    expectStatus(obj, 400, 'BadRequest');
    const sel = await api(c.url, 'POST', PDBS, pdb('s', { selector: 'app=web' }));
    expectStatus(sel, 400, 'BadRequest', /spec\.selector of type v1\.LabelSelector/);
    const st = await api(c.url, 'PATCH', `${PDBS}/web/status`, { status: { currentHealthy: 'x' } }, 'application/merge-patch+json');
    expectStatus(st, 400, 'BadRequest');
  });
});

describe('pods/eviction', () => {
  it('evicts a pod no budget covers: 201 Success, DisruptionTarget condition, graceful deletion', async () => {
    await runningPod('free', { app: 'free' });
    const res = await evict('free');
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 201 });
    const pod = (await getPod('free')).body;
    expect(pod.metadata.deletionTimestamp).toEqual(expect.any(String));
    expect(pod.metadata.deletionGracePeriodSeconds).toBe(30);
    expect(pod.status.conditions.find((x: Obj) => x.type === 'DisruptionTarget')).toMatchObject({ status: 'True', reason: 'EvictionByEvictionAPI', message: 'Eviction API: evicting' });
  });

  it('honours deleteOptions (gracePeriodSeconds 0 removes the pod at once)', async () => {
    await runningPod('now', { app: 'now' });
    expect((await evict('now', eviction('now', { deleteOptions: { gracePeriodSeconds: 0 } }))).status).toBe(201);
    expect((await getPod('now')).status).toBe(404);
  });

  it('refuses with 429 and a DisruptionBudget cause while the budget allows no disruption', async () => {
    await apiOk(c.url, 'POST', PDBS, pdb('db', { minAvailable: 2, selector: { matchLabels: { app: 'db' } } }));
    await runningPod('db-0', { app: 'db' });
    await runningPod('db-1', { app: 'db' });
    await setBudget('db', { disruptionsAllowed: 0, currentHealthy: 2, desiredHealthy: 2, expectedPods: 2 });
    const res = await evict('db-0');
    const body = expectStatus(res, 429, 'TooManyRequests', "Cannot evict pod as it would violate the pod's disruption budget.");
    expect(body.details).toEqual({ causes: [{ reason: 'DisruptionBudget', message: 'The disruption budget db needs 2 healthy pods and has 2 currently' }] });
    const pod = (await getPod('db-0')).body;
    expect(pod.metadata.deletionTimestamp).toBeUndefined();
    expect(pod.status.conditions.some((x: Obj) => x.type === 'DisruptionTarget')).toBe(false);
  });

  it('takes one disruption from the budget: decrement, disruptedPods, DisruptionAllowed=False', async () => {
    await setBudget('db', { disruptionsAllowed: 1, currentHealthy: 2, desiredHealthy: 1, expectedPods: 2 });
    expect((await evict('db-0')).status).toBe(201);
    const budget = await apiOk(c.url, 'GET', `${PDBS}/db`);
    expect(budget.status.disruptionsAllowed).toBe(0);
    expect(Object.keys(budget.status.disruptedPods)).toEqual(['db-0']);
    expect(budget.status.conditions).toEqual([
      { type: 'DisruptionAllowed', status: 'False', observedGeneration: 1, lastTransitionTime: expect.any(String), reason: 'InsufficientPods', message: '' },
    ]);
    // The next one is refused until the controller catches up.
    expectStatus(await evict('db-1'), 429, 'TooManyRequests');
  });

  it('asks to come back in 10 s (Retry-After) while the budget has not seen its latest spec', async () => {
    await apiOk(c.url, 'PATCH', `${PDBS}/db`, { spec: { minAvailable: 1 } }, 'application/merge-patch+json');
    const res = await fetch(`${c.url}${NS}/pods/db-1/eviction`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(eviction('db-1')) });
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('10');
    const body = (await res.json()) as Obj;
    expect(body.details).toEqual({ retryAfterSeconds: 10, causes: [{ reason: 'DisruptionBudget', message: 'The disruption budget db is still being processed by the server.' }] });
  });

  it('does not count budgets for Pending pods, nor unready ones when the policy or a healthy budget allows', async () => {
    await apiOk(c.url, 'POST', `${NS}/pods`, { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'db-pending', labels: { app: 'db' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } });
    expect((await evict('db-pending')).status).toBe(201);
    expect((await getPod('db-pending')).status).toBe(404);

    await apiOk(c.url, 'POST', PDBS, pdb('lax', { minAvailable: 1, selector: { matchLabels: { app: 'lax' } }, unhealthyPodEvictionPolicy: 'AlwaysAllow' }));
    await runningPod('lax-0', { app: 'lax' }, false);
    await setBudget('lax', { disruptionsAllowed: 0, currentHealthy: 0, desiredHealthy: 1, expectedPods: 1 });
    expect((await evict('lax-0')).status).toBe(201);
    expect((await apiOk(c.url, 'GET', `${PDBS}/lax`)).status.disruptionsAllowed).toBe(0); // not decremented

    await apiOk(c.url, 'POST', PDBS, pdb('healthy', { minAvailable: 1, selector: { matchLabels: { app: 'healthy' } } }));
    await runningPod('healthy-0', { app: 'healthy' });
    await runningPod('healthy-1', { app: 'healthy' }, false);
    await setBudget('healthy', { disruptionsAllowed: 0, currentHealthy: 1, desiredHealthy: 1, expectedPods: 2 });
    expect((await evict('healthy-1')).status).toBe(201); // unready, and the budget is met anyway
    expectStatus(await evict('healthy-0'), 429, 'TooManyRequests');
  });

  it('supports dryRun=All without touching the pod or the budget', async () => {
    await apiOk(c.url, 'POST', PDBS, pdb('dry', { maxUnavailable: 1, selector: { matchLabels: { app: 'dry' } } }));
    await runningPod('dry-0', { app: 'dry' });
    await setBudget('dry', { disruptionsAllowed: 1, currentHealthy: 1, desiredHealthy: 0, expectedPods: 1 });
    expect((await evict('dry-0', eviction('dry-0'), '?dryRun=All')).status).toBe(201);
    expect((await evict('dry-0', eviction('dry-0', { deleteOptions: { dryRun: ['All'] } }))).status).toBe(201);
    const pod = (await getPod('dry-0')).body;
    expect(pod.metadata.deletionTimestamp).toBeUndefined();
    expect(pod.status.conditions.some((x: Obj) => x.type === 'DisruptionTarget')).toBe(false);
    expect((await apiOk(c.url, 'GET', `${PDBS}/dry`)).status.disruptionsAllowed).toBe(1);
  });

  it('accepts policy/v1beta1 Eviction bodies and bodies without kind', async () => {
    await runningPod('beta', { app: 'beta' });
    expect((await evict('beta', { apiVersion: 'policy/v1beta1', kind: 'Eviction', metadata: { name: 'beta' } })).status).toBe(201);
    await runningPod('bare', { app: 'bare' });
    expect((await evict('bare', { metadata: { name: 'bare' } })).status).toBe(201);
  });

  it('decodes protobuf PodDisruptionBudget and Eviction bodies (typed clients from kubectl 1.32 on)', async () => {
    const post = (path: string, body: Buffer) => fetch(`${c.url}${path}`, { method: 'POST', headers: { 'content-type': PROTOBUF, accept: 'application/json' }, body });
    // spec: minAvailable (1, IntOrString) and selector (2, LabelSelector with matchLabels 1)
    const budget = envelope('policy/v1', 'PodDisruptionBudget', encode(objectMeta(1, { name: 'pb' }), msg(2, intOrString(1, 3), msg(2, strMap(1, { app: 'pb' })))));
    const created = await post(PDBS, budget);
    expect(created.status).toBe(201);
    expect(((await created.json()) as Obj).spec).toEqual({ minAvailable: 3, selector: { matchLabels: { app: 'pb' } } });
    await runningPod('pb-0', { app: 'pb-free' });
    // deleteOptions (2) with gracePeriodSeconds (1) = 0
    const ev = await post(`${NS}/pods/pb-0/eviction`, envelope('policy/v1', 'Eviction', encode(objectMeta(1, { name: 'pb-0', namespace: 'default' }), msg(2, int(1, 0)))));
    expect(ev.status).toBe(201);
    expect((await getPod('pb-0')).status).toBe(404);
  });

  it('answers 500 for a pod under two budgets, as upstream', async () => {
    await apiOk(c.url, 'POST', PDBS, pdb('two-a', { minAvailable: 0, selector: { matchLabels: { app: 'two' } } }));
    await apiOk(c.url, 'POST', PDBS, pdb('two-b', { minAvailable: 0, selector: { matchLabels: { app: 'two' } } }));
    await runningPod('two-0', { app: 'two' });
    const res = await evict('two-0');
    expect(res.status).toBe(500);
    expect(res.body).toEqual({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.', code: 500 });
  });

  it('404 for a missing pod; 400 for bad bodies; 405 for other verbs', async () => {
    expectStatus(await evict('ghost'), 404, 'NotFound', 'pods "ghost" not found');
    await runningPod('target', { app: 'target' });
    expectStatus(await evict('target', eviction('other')), 400, 'BadRequest', 'name in URL does not match name in Eviction object');
    expectStatus(await evict('target', { apiVersion: 'policy/v1', kind: 'Eviction' }), 400, 'BadRequest', 'name in URL does not match name in Eviction object');
    expectStatus(await evict('target', { apiVersion: 'v1', kind: 'Eviction', metadata: { name: 'target' } }), 400, 'BadRequest', 'the API version in the data (v1) does not match the expected API version (policy/v1)');
    expectStatus(await evict('target', { apiVersion: 'policy/v1', kind: 'Pod', metadata: { name: 'target' } }), 400, 'BadRequest');
    expectStatus(await evict('target', '{not json'), 400, 'BadRequest');
    expectStatus(await evict('target', '[]'), 400, 'BadRequest');
    expectStatus(await evict('target', eviction('target', { deleteOptions: { gracePeriodSeconds: 'soon' } })), 400, 'BadRequest', /cannot unmarshal string into Go struct field DeleteOptions\.deleteOptions\.gracePeriodSeconds of type int64/);
    expectStatus(await evict('target', eviction('target', { deleteOptions: 'x' })), 400, 'BadRequest');
    expectStatus(await evict('target', eviction('target', { deleteOptions: { propagationPolicy: 'Later' } })), 400, 'BadRequest');
    expectStatus(await evict('target', eviction('target', { deleteOptions: { dryRun: ['Some'] } })), 400, 'BadRequest');
    expectStatus(await evict('target', { ...eviction('target'), metadata: { name: 'target', namespace: 'other' } }), 400, 'BadRequest');
    expectStatus(await evict('target', eviction('target', { deleteOptions: { preconditions: { uid: 'nope' } } })), 409, 'Conflict');
    expect((await getPod('target')).body.metadata.deletionTimestamp).toBeUndefined();
    expectStatus(await api(c.url, 'GET', `${NS}/pods/target/eviction`), 405, 'MethodNotAllowed');
  });
});
