// Fault injection: off (and unreachable) by default; when on, rules make matching requests fail with upstream-shaped
// Status errors (409, 429 + Retry-After, 500, 503, 504), slow down in cluster time, or cut watches and expire
// resourceVersions. Clients are shown recovering: @kubernetes/client-node from a 429 (it does not retry by itself:
// the Retry-After pattern), kubectl (client-go retries 429 on its own), and client-node informers from a cut watch
// and from a 410.
import * as k8s from '@kubernetes/client-node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createCluster, type Cluster, type VirtualClock } from '../../src/index.js';
import { api, apiOk, configMap } from '../helpers/http.js';
import { Kubectl } from '../helpers/kubectl.js';
import { waitFor } from '../helpers/wait.js';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

describe('fault injection is off by default', () => {
  it('has no endpoint and no in-process rules', async () => {
    const cluster = await createCluster({ components: [], fixture: false });
    try {
      for (const [method, p] of [['GET', '/kubesim/v1/faults'], ['POST', '/kubesim/v1/faults'], ['DELETE', '/kubesim/v1/faults'], ['GET', '/kubesim/v1/faults/fault-1']]) {
        const r = await api(cluster.url, method, p, method === 'POST' ? { action: 'error', code: 500 } : undefined);
        expect(r.status, `${method} ${p}`).toBe(404);
        expect(r.body).toMatchObject({ kind: 'Status', reason: 'NotFound', message: expect.stringMatching(/fault injection is disabled; start kubesim with --enable-faults/) });
      }
      expect(cluster.faults.enabled).toBe(false);
      expect(() => cluster.faults.add({ action: 'error', code: 500 })).toThrow(/create the cluster with `faults: true`/);
      expect((await api(cluster.url, 'GET', '/api/v1/namespaces')).status).toBe(200);
    } finally {
      await cluster.close();
    }
  });
});

describe('fault rules', () => {
  let cluster: Cluster<VirtualClock>;
  const url = () => cluster.url;

  beforeAll(async () => {
    cluster = await createCluster({ components: [], fixture: false, clock: 'virtual', faults: { seed: 7 }, recordRequests: true });
    await apiOk(url(), 'POST', '/api/v1/namespaces/default/configmaps', configMap('web'));
  });
  afterEach(() => {
    cluster.faults.clear();
    cluster.requests.clear();
  });
  afterAll(() => cluster?.close());

  it('are managed over HTTP: add (JSON or YAML), list, get, remove, clear; bad rules are 422 naming the field', async () => {
    const added = await api(url(), 'POST', '/kubesim/v1/faults', { action: 'error', code: 503, resource: 'pods', count: 2 });
    expect(added.status).toBe(201);
    expect(added.body).toMatchObject({ apiVersion: 'kubesim.io/v1alpha1', kind: 'Fault', id: expect.stringMatching(/^fault-\d+$/), action: 'error', code: 503, fired: 0 });
    const yaml = await api(url(), 'POST', '/kubesim/v1/faults', 'action: latency\nlatency: 2s\nverb: [list, watch]\n', 'application/yaml');
    expect(yaml.status).toBe(201);
    expect(yaml.body.verb).toEqual(['list', 'watch']);
    const list = await apiOk(url(), 'GET', '/kubesim/v1/faults');
    expect(list).toMatchObject({ kind: 'FaultList', items: [{ id: added.body.id }, { id: yaml.body.id }] });
    expect(cluster.faults.list().map((f) => f.id)).toEqual([added.body.id, yaml.body.id]);
    expect((await apiOk(url(), 'GET', `/kubesim/v1/faults/${added.body.id}`)).code).toBe(503);
    expect((await api(url(), 'DELETE', `/kubesim/v1/faults/${added.body.id}`)).status).toBe(200);
    expect((await api(url(), 'GET', `/kubesim/v1/faults/${added.body.id}`)).status).toBe(404);
    expect((await api(url(), 'DELETE', '/kubesim/v1/faults')).body).toMatchObject({ kind: 'Status', status: 'Success' });
    expect(cluster.faults.list()).toEqual([]);

    for (const [rule, field, message] of [
      [{ action: 'explode' }, 'action', /action: Unsupported value: "explode"/],
      [{ action: 'error', code: 418 }, 'code', /code: Unsupported value: 418: supported values: "409", "429", "500", "503", "504"/],
      [{ action: 'error', code: 500, probability: 2 }, 'probability', /must be a number greater than 0 and at most 1/],
      [{ action: 'latency' }, 'latency', /Required value/],
      [{ action: 'latency', latency: 'soon' }, 'latency', /invalid duration/],
      [{ action: 'error', code: 500, verbs: ['get'] }, 'verbs', /unknown field "verbs"/],
      [{ action: 'error', code: 500, count: 0 }, 'count', /at least 1/],
    ] as const) {
      const r = await api(url(), 'POST', '/kubesim/v1/faults', rule);
      expect(r.status, JSON.stringify(rule)).toBe(422);
      expect(r.body).toMatchObject({ kind: 'Status', reason: 'Invalid', details: { kind: 'Fault', causes: [{ field }] } });
      expect(r.body.message).toMatch(message);
    }
    expect((await api(url(), 'POST', '/kubesim/v1/faults', '{not json')).status).toBe(400);
    expect((await api(url(), 'PUT', '/kubesim/v1/faults', {})).status).toBe(405);
  });

  it('answer with upstream-shaped Status errors, Retry-After included', async () => {
    const cms = '/api/v1/namespaces/default/configmaps';
    cluster.faults.add({ action: 'error', code: 409, verb: 'update', resource: 'configmaps' });
    const conflict = await api(url(), 'PUT', `${cms}/web`, configMap('web', { a: 'b' }));
    expect(conflict).toMatchObject({
      status: 409,
      body: {
        kind: 'Status',
        apiVersion: 'v1',
        status: 'Failure',
        reason: 'Conflict',
        code: 409,
        message: 'Operation cannot be fulfilled on configmaps "web": the object has been modified; please apply your changes to the latest version and try again',
        details: { name: 'web', kind: 'configmaps' },
      },
    });
    cluster.faults.clear();

    const deployments = cluster.faults.add({ action: 'error', code: 409, resource: 'deployments', apiGroup: 'apps', verb: 'patch' });
    const patched = await fetch(`${url()}/apis/apps/v1/namespaces/default/deployments/web`, { method: 'PATCH', headers: { 'content-type': 'application/merge-patch+json' }, body: '{}' });
    expect(patched.status).toBe(409);
    expect(((await patched.json()) as { message: string }).message).toMatch(/^Operation cannot be fulfilled on deployments\.apps "web"/);
    expect(cluster.faults.list().find((f) => f.id === deployments.id)?.fired).toBe(1);
    cluster.faults.clear();

    cluster.faults.add({ action: 'error', code: 429, retryAfterSeconds: 2, verb: 'list' });
    const throttled = await fetch(`${url()}${cms}`);
    expect(throttled.status).toBe(429);
    expect(throttled.headers.get('retry-after')).toBe('2');
    expect(await throttled.json()).toMatchObject({ reason: 'TooManyRequests', code: 429, message: 'Too many requests, please try again later.', details: { retryAfterSeconds: 2 } });
    cluster.faults.clear();

    cluster.faults.add({ action: 'error', code: 500, verb: 'get' });
    expect((await api(url(), 'GET', `${cms}/web`)).body).toMatchObject({ code: 500, reason: 'InternalError', message: 'Internal error occurred: injected fault', details: { causes: [{ message: 'injected fault' }] } });
    cluster.faults.clear();

    cluster.faults.add({ action: 'error', code: 503, retryAfterSeconds: 5, verb: 'get', message: 'etcd is down' });
    const unavailable = await fetch(`${url()}${cms}/web`);
    expect(unavailable.status).toBe(503);
    expect(unavailable.headers.get('retry-after')).toBe('5');
    expect(await unavailable.json()).toMatchObject({ reason: 'ServiceUnavailable', message: 'etcd is down' });
    cluster.faults.clear();

    cluster.faults.add({ action: 'error', code: 504, verb: 'get' });
    expect((await api(url(), 'GET', `${cms}/web`)).body).toMatchObject({ code: 504, reason: 'Timeout', message: 'Timeout: request did not complete within the allowed duration' });
  });

  it('match by verb, resource, subresource, namespace, name, user agent and path; count limits them', async () => {
    await apiOk(url(), 'POST', '/api/v1/namespaces', { metadata: { name: 'other' } });
    await apiOk(url(), 'POST', '/api/v1/namespaces/other/configmaps', configMap('web'));
    const rule = cluster.faults.add({ action: 'error', code: 500, verb: 'get', resource: 'configmaps', namespace: 'default', name: 'web', userAgent: 'flaky-client', count: 2 });
    const get = (ns: string, name: string, ua = 'flaky-client/1.0') => fetch(`${url()}/api/v1/namespaces/${ns}/configmaps/${name}`, { headers: { 'user-agent': ua } }).then((r) => r.status);
    expect(await get('default', 'web', 'other-client')).toBe(200);
    expect(await get('other', 'web')).toBe(200);
    expect(await fetch(`${url()}/api/v1/namespaces/default/configmaps`, { headers: { 'user-agent': 'flaky-client' } }).then((r) => r.status)).toBe(200); // a list
    expect(await get('default', 'web')).toBe(500);
    expect(await get('default', 'web')).toBe(500);
    expect(await get('default', 'web')).toBe(200); // count: 2, now spent
    expect(cluster.faults.list().find((f) => f.id === rule.id)).toMatchObject({ fired: 2, count: 2 });
    cluster.faults.clear();

    // Like RBAC, `namespaces` does not cover namespaces/status; '*' (or resource: 'namespaces/status') does.
    cluster.faults.add({ action: 'error', code: 503, resource: 'namespaces', verb: 'get' });
    expect((await api(url(), 'GET', '/api/v1/namespaces/other/status')).status).toBe(200);
    expect((await api(url(), 'GET', '/api/v1/namespaces/other')).status).toBe(503);
    cluster.faults.clear();
    cluster.faults.add({ action: 'error', code: 503, resource: 'namespaces/status' });
    expect((await api(url(), 'GET', '/api/v1/namespaces/other/status')).status).toBe(503);
    expect((await api(url(), 'GET', '/api/v1/namespaces/other')).status).toBe(200);
    cluster.faults.clear();

    // Non-resource URLs only by path; kubesim's own endpoints never.
    cluster.faults.add({ action: 'error', code: 503 });
    expect((await api(url(), 'GET', '/version')).status).toBe(200);
    expect((await api(url(), 'GET', '/kubesim/v1/faults')).status).toBe(200);
    cluster.faults.clear();
    cluster.faults.add({ action: 'error', code: 503, path: '/apis' });
    expect((await api(url(), 'GET', '/apis')).status).toBe(503);
    expect((await api(url(), 'GET', '/api')).status).toBe(200);
    // The in-process client (what the controllers use) is never affected.
    cluster.faults.add({ action: 'error', code: 500 });
    await cluster.client.resource('', 'v1', 'configmaps').create('default', { metadata: { name: 'in-process' } });
    await cluster.client.resource('', 'v1', 'configmaps').delete('default', 'in-process');
  });

  it('draw probabilities from a seeded generator: the same seed fails the same requests', async () => {
    const run = async (seed: number) => {
      const c = await createCluster({ components: [], fixture: false, faults: { seed } });
      try {
        c.faults.add({ action: 'error', code: 503, verb: 'list', probability: 0.3 });
        const codes: number[] = [];
        for (let i = 0; i < 100; i++) codes.push((await fetch(`${c.url}/api/v1/namespaces`)).status);
        return codes.map((code) => (code === 503 ? 'x' : '.')).join('');
      } finally {
        await c.close();
      }
    };
    const a = await run(42);
    expect(await run(42)).toBe(a);
    expect(await run(43)).not.toBe(a);
    const failures = a.split('').filter((ch) => ch === 'x').length;
    expect(failures).toBeGreaterThan(15);
    expect(failures).toBeLessThan(45);
  });

  it('add latency in cluster time (with the virtual clock: until the clock has moved past it)', async () => {
    cluster.faults.add({ action: 'latency', latency: '2s', verb: 'get', resource: 'configmaps' });
    let answered = 0;
    const pending = fetch(`${url()}/api/v1/namespaces/default/configmaps/web`).then((r) => {
      answered = r.status;
      return r.text();
    });
    await waitFor('the delayed request to arrive', () => cluster.clock.pending() > 0 && cluster.faults.list()[0].fired === 1);
    await cluster.clock.advance('1500ms');
    expect(answered).toBe(0);
    await cluster.clock.advance('500ms');
    await pending;
    expect(answered).toBe(200);
    const [entry] = cluster.requests({ verb: 'get', resource: 'configmaps' });
    expect(entry).toMatchObject({ code: 200, fault: cluster.faults.list()[0].id });
    // Latency before an error.
    cluster.faults.clear();
    cluster.faults.add({ action: 'error', code: 503, latency: '1s', verb: 'list' });
    const slowError = fetch(`${url()}/api/v1/namespaces`).then((r) => r.status);
    await waitFor('the delayed request to arrive', () => cluster.faults.list()[0].fired === 1);
    await cluster.clock.advance('1s');
    expect(await slowError).toBe(503);
  });

  it('client-node does not retry a 429 by itself; the Retry-After pattern does', async () => {
    const core = (await cluster.kubeConfig()).makeApiClient(k8s.CoreV1Api);
    cluster.faults.add({ action: 'error', code: 429, retryAfterSeconds: 1, verb: 'get', resource: 'configmaps', count: 1 });
    const err = await core.readNamespacedConfigMap({ namespace: 'default', name: 'web' }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(k8s.ApiException);
    const apiErr = err as k8s.ApiException<string>;
    expect(apiErr.code).toBe(429);
    expect(apiErr.headers['retry-after']).toBe('1');
    expect(JSON.parse(apiErr.body)).toMatchObject({ reason: 'TooManyRequests', details: { retryAfterSeconds: 1 } });
    expect(cluster.requests({ resource: 'configmaps', verb: 'get' }).map((r) => r.code)).toEqual([429]); // no retry by client-node

    // The pattern (README): on 429 (or 503 with Retry-After), wait as told and try again.
    cluster.faults.add({ action: 'error', code: 429, retryAfterSeconds: 1, verb: 'get', resource: 'configmaps', count: 2 });
    const waits: number[] = [];
    const cm = await withRetry(() => core.readNamespacedConfigMap({ namespace: 'default', name: 'web' }), async (ms) => void waits.push(ms));
    expect(cm.metadata?.name).toBe('web');
    expect(waits).toEqual([1000, 1000]);
    expect(cluster.requests({ resource: 'configmaps', verb: 'get' }).map((r) => r.code)).toEqual([429, 429, 429, 200]);
  });

  it('kubectl (client-go) retries a 429 after Retry-After by itself', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'kubesim-faults-kubectl-'));
    try {
      const kubeconfig = path.join(dir, 'kubeconfig');
      writeFileSync(kubeconfig, cluster.kubeconfig);
      const kubectl = new Kubectl('1.33', kubeconfig);
      cluster.faults.add({ action: 'error', code: 429, retryAfterSeconds: 1, verb: 'get', resource: 'configmaps', name: 'web', count: 1 });
      const out = await kubectl.ok(['get', 'configmap', 'web', '-o', 'name']);
      expect(out.trim()).toBe('configmap/web');
      const gets = cluster.requests({ verb: 'get', resource: 'configmaps', name: 'web' });
      expect(gets.map((r) => r.code)).toEqual([429, 200]);
      expect(gets[0].userAgent).toMatch(/^kubectl/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

/** Retries a client-node call on 429 (and 503/504 with Retry-After), waiting the seconds the server asks for. */
async function withRetry<T>(call: () => Promise<T>, sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms)), attempts = 5): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await call();
    } catch (err) {
      const retryAfter = err instanceof k8s.ApiException ? Number(err.headers['retry-after']) : NaN;
      const retriable = err instanceof k8s.ApiException && (err.code === 429 || (err.code >= 503 && Number.isFinite(retryAfter)));
      if (!retriable || i >= attempts) throw err;
      await sleep((Number.isFinite(retryAfter) ? retryAfter : 1) * 1000);
    }
  }
}

describe('informers and broken watches', () => {
  let cluster: Cluster;
  let core: k8s.CoreV1Api;
  let kc: k8s.KubeConfig;

  beforeAll(async () => {
    cluster = await createCluster({ components: [], fixture: false, faults: true, recordRequests: true });
    kc = await cluster.kubeConfig();
    core = kc.makeApiClient(k8s.CoreV1Api);
  });
  afterAll(() => cluster?.close());

  /** A client-node informer on the configmaps of `ns`, counting its lists; restarts itself after errors (the
   * pattern client-node documents, since its informer stops on a watch error other than 410). */
  async function informerOn(ns: string) {
    let lists = 0;
    const errors: unknown[] = [];
    const informer = k8s.makeInformer<k8s.V1ConfigMap>(kc, `/api/v1/namespaces/${ns}/configmaps`, () => {
      lists++;
      return core.listNamespacedConfigMap({ namespace: ns });
    });
    informer.on('error', (err) => {
      errors.push(err);
      void informer.start();
    });
    await informer.start();
    await waitFor('the informer to watch', () => cluster.requests({ verb: 'watch', namespace: ns }).length > 0);
    return { informer, lists: () => lists, errors };
  }
  const names = (informer: k8s.ObjectCache<k8s.V1ConfigMap>, ns: string) => informer.list(ns).map((o) => o.metadata!.name).sort();
  const create = (ns: string, name: string) => cluster.client.resource('', 'v1', 'configmaps').create(ns, { metadata: { name } });

  it('recovers from a watch cut cleanly: it resumes from its resourceVersion without a re-list', async () => {
    await cluster.client.namespaces.create(undefined, { metadata: { name: 'cut' } });
    await create('cut', 'a');
    const { informer, lists, errors } = await informerOn('cut');
    try {
      await waitFor('a in the cache', () => names(informer, 'cut').includes('a'));
      const cut = cluster.faults.add({ action: 'cut-watch', resource: 'configmaps', namespace: 'cut' });
      expect(cut.fired).toBe(1);
      await waitFor('a second watch', () => cluster.requests({ verb: 'watch', namespace: 'cut' }).length === 2);
      await create('cut', 'b');
      await waitFor('b in the cache', () => names(informer, 'cut').includes('b'));
      expect(lists()).toBe(1);
      expect(errors).toEqual([]);
      const [first, second] = cluster.requests({ verb: 'watch', namespace: 'cut' });
      expect(new URLSearchParams(second.query).get('resourceVersion')).toBe(String(cluster.client.resource('', 'v1', 'configmaps').get('cut', 'a')!.metadata.resourceVersion));
      expect(first.code).toBe(200);
      // cut-watch is one-shot: the new watch stays open.
      expect(cluster.faults.list().find((f) => f.id === cut.id)).toMatchObject({ fired: 1, count: 1 });
    } finally {
      await informer.stop();
    }
  });

  it('recovers from a dropped connection (mode reset) through its error handler', async () => {
    await cluster.client.namespaces.create(undefined, { metadata: { name: 'reset' } });
    const { informer, errors } = await informerOn('reset');
    try {
      cluster.faults.add({ action: 'cut-watch', mode: 'reset', namespace: 'reset' });
      await waitFor('a second watch', () => cluster.requests({ verb: 'watch', namespace: 'reset' }).length >= 2);
      await create('reset', 'after-reset');
      await waitFor('the new object in the cache', () => names(informer, 'reset').includes('after-reset'));
      // client-node's informer stops on a dropped connection and reports it: the error handler's start() resumed it.
      expect(errors.length).toBeGreaterThanOrEqual(1);
      expect(String((errors[0] as Error).message)).toMatch(/Premature close/);
    } finally {
      await informer.stop();
    }
  });

  it('recovers from expired resourceVersions: 410 on the watch, a re-list, and the events since', async () => {
    await cluster.client.namespaces.create(undefined, { metadata: { name: 'expire' } });
    await create('expire', 'a');
    const { informer, lists, errors } = await informerOn('expire');
    try {
      await waitFor('a in the cache', () => names(informer, 'expire').includes('a'));
      // Something changes while the informer is disconnected: it must find out through the re-list.
      const rule = cluster.faults.add({ action: 'expire', resource: 'configmaps', namespace: 'expire' });
      await waitFor('the informer to re-list', () => lists() === 2);
      await create('expire', 'b');
      await cluster.client.resource('', 'v1', 'configmaps').delete('expire', 'a');
      await waitFor('the cache to follow', () => JSON.stringify(names(informer, 'expire')) === '["b"]');
      expect(errors).toEqual([]);
      const watches = cluster.requests({ verb: 'watch', namespace: 'expire' });
      // The watch from the old resourceVersion was answered with a 410 ERROR event (200 + the Status, like upstream).
      expect(watches[1]).toMatchObject({ code: 200, fault: rule.id });
      expect(Number(new URLSearchParams(watches[1].query).get('resourceVersion'))).toBeLessThanOrEqual(rule.expiredRevision!);
      expect(watches.at(-1)!.fault).toBeUndefined();
      expect(cluster.faults.list().find((f) => f.id === rule.id)!.fired).toBe(1);
    } finally {
      await informer.stop();
    }
  });

  it('expired resourceVersions: the watch ERROR event, exact lists and old continue tokens get 410', async () => {
    await cluster.client.namespaces.create(undefined, { metadata: { name: 'old' } });
    for (const n of ['a', 'b', 'c']) await create('old', n);
    const page = await apiOk(cluster.url, 'GET', '/api/v1/namespaces/old/configmaps?limit=1');
    const rv = page.metadata.resourceVersion;
    const rule = cluster.faults.add({ action: 'expire', namespace: 'old' });
    const watch = await fetch(`${cluster.url}/api/v1/namespaces/old/configmaps?watch=true&resourceVersion=${rv}`);
    expect(watch.status).toBe(200);
    const event = JSON.parse((await watch.text()).trim());
    expect(event).toMatchObject({ type: 'ERROR', object: { kind: 'Status', code: 410, reason: 'Expired', message: `too old resource version: ${rv} (${rule.expiredRevision})` } });
    const exact = await api(cluster.url, 'GET', `/api/v1/namespaces/old/configmaps?resourceVersion=${rv}&resourceVersionMatch=Exact`);
    expect(exact).toMatchObject({ status: 410, body: { reason: 'Expired', message: 'The resourceVersion for the provided list is too old.' } });
    const next = await api(cluster.url, 'GET', `/api/v1/namespaces/old/configmaps?limit=1&continue=${page.metadata.continue}`);
    expect(next).toMatchObject({ status: 410, body: { reason: 'Expired', message: expect.stringMatching(/^The provided continue parameter is too old/) } });
    // Other namespaces are untouched.
    expect((await fetch(`${cluster.url}/api/v1/namespaces/default/configmaps?resourceVersion=${rv}&resourceVersionMatch=Exact`)).status).toBe(200);
  });
});
