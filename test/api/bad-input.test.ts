// Bad requests of every kind get an upstream-shaped Status with the right code, never a 500.
import http from 'node:http';
import supertest from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestCluster, type TestCluster } from '../helpers/cluster.js';
import { API_ONLY, configMap, deployment, expectStatus } from './util.js';

let cluster: TestCluster;
let api: ReturnType<typeof supertest>;
const CM = '/api/v1/namespaces/default/configmaps';

beforeAll(async () => {
  cluster = await startTestCluster(API_ONLY);
  api = supertest(cluster.url);
  await api.post(CM).send(configMap('existing')).expect(201);
});
afterAll(async () => {
  await cluster?.stop();
});

/** Sends a raw body with a given Content-Type (supertest would re-encode objects). */
function raw(method: string, path: string, body: string | Buffer, contentType = 'application/json', accept?: string) {
  const req = api[method.toLowerCase() as 'post'](path).set('Content-Type', contentType);
  if (accept) req.set('Accept', accept);
  return req.send(typeof body === 'string' ? body : body);
}

describe('request bodies', () => {
  it('malformed JSON is 400', async () => {
    expectStatus(await raw('POST', CM, '{"apiVersion": "v1", "kind": "ConfigMap", '), 400, 'BadRequest', /^couldn't get version\/kind; json parse error: /);
    expectStatus(await raw('PUT', `${CM}/existing`, '{nope}'), 400, 'BadRequest', /json parse error/);
  });

  it('malformed YAML (application/yaml) is 400', async () => {
    expectStatus(await raw('POST', CM, 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: [unclosed\n', 'application/yaml'), 400, 'BadRequest', /^error converting YAML to JSON/);
  });

  it('well-formed YAML creates', async () => {
    const res = await raw('POST', CM, 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: from-yaml\ndata:\n  k: v\n', 'application/yaml').expect(201);
    expect(res.body.data).toEqual({ k: 'v' });
  });

  it('a JSON array, string, number or null body is 400', async () => {
    for (const body of ['[{"kind":"ConfigMap"}]', '"text"', '42', 'null']) {
      const res = await raw('POST', CM, body);
      expectStatus(res, 400, 'BadRequest');
    }
  });

  it('an empty body is 400', async () => {
    expectStatus(await raw('POST', CM, ''), 400, 'BadRequest');
  });

  it('metadata that is not an object is 400', async () => {
    expectStatus(await raw('POST', CM, JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: 'x' })), 400, 'BadRequest', 'metadata must be an object');
  });

  it('wrong JSON types in metadata are a 400 decode error (typed ObjectMeta upstream)', async () => {
    expectStatus(
      await api.post(CM).send({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 5 } }),
      400,
      'BadRequest',
      'ConfigMap in version "v1" cannot be handled as a ConfigMap: json: cannot unmarshal number into Go struct field ObjectMeta.metadata.name of type string',
    );
    expectStatus(
      await api.post(CM).send({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { generateName: 5 } }),
      400,
      'BadRequest',
      /cannot unmarshal number into Go struct field ObjectMeta\.metadata\.generateName of type string$/,
    );
    expectStatus(
      await api.post(CM).send({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'typed', labels: { a: 5 } } }),
      400,
      'BadRequest',
      'ConfigMap in version "v1" cannot be handled as a ConfigMap: json: cannot unmarshal number into Go struct field ObjectMeta.metadata.labels of type string',
    );
    expectStatus(
      await api.post('/api/v1/namespaces/default/services').send({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'typed', annotations: ['x'] }, spec: { ports: [{ port: 80 }] } }),
      400,
      'BadRequest',
      'Service in version "v1" cannot be handled as a Service: json: cannot unmarshal array into Go struct field ObjectMeta.metadata.annotations of type map[string]string',
    );
    expectStatus(await api.put(`${CM}/existing`).send({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'existing', finalizers: 'x' } }), 400, 'BadRequest', /ObjectMeta\.metadata\.finalizers of type \[\]string$/);
    expectStatus(await api.get(`${CM}/typed`), 404, 'NotFound');
  });

  it('a spec or status that is not an object is a 400 decode error', async () => {
    expectStatus(
      await api.post('/api/v1/namespaces/default/pods').send({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: 'nope' }),
      400,
      'BadRequest',
      'Pod in version "v1" cannot be handled as a Pod: json: cannot unmarshal string into Go struct field Pod.spec of type v1.PodSpec',
    );
    expectStatus(
      await api.post('/apis/apps/v1/namespaces/default/deployments').send({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd' }, spec: [1] }),
      400,
      'BadRequest',
      'Deployment in version "v1" cannot be handled as a Deployment: json: cannot unmarshal array into Go struct field Deployment.spec of type v1.DeploymentSpec',
    );
    expectStatus(
      await api.post('/api/v1/namespaces/default/services').send({ apiVersion: 'v1', kind: 'Service', metadata: { name: 's' }, status: 7 }),
      400,
      'BadRequest',
      /Go struct field Service\.status of type v1\.ServiceStatus$/,
    );
  });

  it('a body for another API version is 400 with the upstream message', async () => {
    expectStatus(
      await api.post(CM).send({ apiVersion: 'apps/v1', kind: 'ConfigMap', metadata: { name: 'wrong-version' } }),
      400,
      'BadRequest',
      'the API version in the data (apps/v1) does not match the expected API version (v1)',
    );
    expectStatus(await api.post(CM).send(deployment('wrong-type')), 400, 'BadRequest', 'the API version in the data (apps/v1) does not match the expected API version (v1)');
    expectStatus(
      await api.post('/apis/apps/v1/namespaces/default/deployments').send(configMap('x')),
      400,
      'BadRequest',
      'the API version in the data (v1) does not match the expected API version (apps/v1)',
    );
  });

  it('a body of another kind is 400', async () => {
    expectStatus(
      await api.post(CM).send({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'wrong-kind' } }),
      400,
      'BadRequest',
      'the kind in the data (Secret) does not match the expected kind (ConfigMap)',
    );
  });

  it('apiVersion and kind may be omitted: the URL decides', async () => {
    const res = await api.post(CM).send({ metadata: { name: 'no-type-meta' } }).expect(201);
    expect(res.body).toMatchObject({ apiVersion: 'v1', kind: 'ConfigMap' });
  });

  it('PUT with a name that differs from the URL is 400', async () => {
    expectStatus(
      await api.put(`${CM}/existing`).send(configMap('other-name')),
      400,
      'BadRequest',
      'the name of the object (other-name) does not match the name on the URL (existing)',
    );
  });

  it('a namespace that differs from the URL is 400 (create and update)', async () => {
    const body = configMap('ns-mismatch');
    body.metadata.namespace = 'kube-system';
    expectStatus(await api.post(CM).send(body), 400, 'BadRequest', 'the namespace of the provided object does not match the namespace sent on the request');
    const upd = configMap('existing');
    upd.metadata.namespace = 'kube-system';
    expectStatus(await api.put(`${CM}/existing`).send(upd), 400, 'BadRequest', 'the namespace of the provided object does not match the namespace sent on the request');
  });

  it('a body over 3 MiB is 413', async () => {
    const big = JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'big' }, data: { blob: 'x'.repeat(3 * 1024 * 1024) } });
    expectStatus(await raw('POST', CM, big), 413, 'RequestEntityTooLarge', 'Request entity too large: limit is 3145728');
    // Also when streamed without a Content-Length (chunked).
    const status = await new Promise<{ code: number; body: any }>((resolve, reject) => {
      const req = http.request(`${cluster.url}${CM}`, { method: 'POST', headers: { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked' } }, (res) => {
        let t = '';
        res.on('data', (c) => (t += c));
        res.on('end', () => resolve({ code: res.statusCode ?? 0, body: JSON.parse(t) }));
      });
      req.on('error', reject);
      const chunk = 'x'.repeat(256 * 1024);
      req.write('{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"big2"},"data":{"blob":"');
      for (let i = 0; i < 14; i++) req.write(chunk);
      req.end('"}}');
    });
    expect(status.code).toBe(413);
    expect(status.body).toMatchObject({ kind: 'Status', reason: 'RequestEntityTooLarge', code: 413 });
    expectStatus(await api.get(`${CM}/big`), 404, 'NotFound');
    // The server still answers.
    await api.get(`${CM}/existing`).expect(200);
  });

  it('an unsupported Content-Type is 415', async () => {
    const body = expectStatus(await raw('POST', CM, 'name=x', 'text/plain'), 415, 'UnsupportedMediaType', /^the body of the request was in an unknown format - accepted media types include: /);
    expect(body.message).toContain('application/json');
    expectStatus(await raw('PUT', `${CM}/existing`, '<cm/>', 'application/xml'), 415, 'UnsupportedMediaType');
  });

  it('PATCH with an unsupported Content-Type is 415 and names the patch types', async () => {
    const body = expectStatus(await raw('PATCH', `${CM}/existing`, '{"data":{"a":"b"}}', 'application/json'), 415, 'UnsupportedMediaType');
    expect(body.message).toContain('application/merge-patch+json');
    expect(body.message).toContain('application/strategic-merge-patch+json');
    expect(body.message).toContain('application/json-patch+json');
  });

  it('a malformed patch body is 400; a patch of a missing object is 404', async () => {
    expectStatus(await raw('PATCH', `${CM}/existing`, '{"data":', 'application/merge-patch+json'), 400, 'BadRequest');
    expectStatus(await raw('PATCH', `${CM}/missing`, '{"data":{"a":"b"}}', 'application/merge-patch+json'), 404, 'NotFound', 'configmaps "missing" not found');
  });

  it('a DeleteOptions body of another kind is 400', async () => {
    expectStatus(
      await api.delete(`${CM}/existing`).set('Content-Type', 'application/json').send({ kind: 'ConfigMap' }),
      400,
      'BadRequest',
      'the kind in the data (ConfigMap) does not match the expected kind (DeleteOptions)',
    );
    await api.get(`${CM}/existing`).expect(200);
  });

  it('DeleteOptions with wrong JSON types is 400 and deletes nothing', async () => {
    const del = (body: object) => api.delete(`${CM}/existing`).set('Content-Type', 'application/json').send(body);
    expectStatus(await del({ gracePeriodSeconds: 'x' }), 400, 'BadRequest', 'json: cannot unmarshal string into Go struct field DeleteOptions.gracePeriodSeconds of type int64');
    expectStatus(await del({ preconditions: 5 }), 400, 'BadRequest', 'json: cannot unmarshal number into Go struct field DeleteOptions.preconditions of type v1.Preconditions');
    expectStatus(await del({ preconditions: { uid: 1 } }), 400, 'BadRequest', /DeleteOptions\.preconditions\.uid of type string$/);
    expectStatus(await del({ orphanDependents: 'no' }), 400, 'BadRequest', /DeleteOptions\.orphanDependents of type bool$/);
    await api.get(`${CM}/existing`).expect(200);
  });
});

describe('negotiation', () => {
  it('Accept: application/xml only is 406 with the accepted types', async () => {
    expectStatus(
      await api.get(CM).set('Accept', 'application/xml'),
      406,
      'NotAcceptable',
      'only the following media types are accepted: application/json, application/yaml, application/vnd.kubernetes.protobuf',
    );
    expectStatus(await api.get(`${CM}/existing`).set('Accept', 'text/html'), 406, 'NotAcceptable');
  });

  it('*/* and application/* are acceptable', async () => {
    await api.get(CM).set('Accept', '*/*').expect(200);
    await api.get(CM).set('Accept', 'application/*').expect(200);
    await api.get(CM).set('Accept', 'application/xml, application/json;q=0.5').expect(200);
  });
});

describe('URLs and methods', () => {
  it('an unknown resource is 404 Status', async () => {
    for (const path of ['/api/v1/namespaces/default/widgets', '/api/v1/widgets', '/apis/apps/v1/namespaces/default/widgets/x', '/api/v1/namespaces/default/configmaps/existing/bogus']) {
      expectStatus(await api.get(path), 404, 'NotFound', 'the server could not find the requested resource');
    }
  });

  it('an unknown group or version is 404 Status', async () => {
    for (const path of ['/apis/nope.io/v1/namespaces/default/things', '/apis/apps/v9/deployments', '/api/v2/pods', '/nope', '/apis/apps/v1/namespaces/default/deployments/x/y/z']) {
      expectStatus(await api.get(path), 404, 'NotFound');
    }
  });

  it('a missing object is 404 with details', async () => {
    const body = expectStatus(await api.get('/apis/apps/v1/namespaces/default/deployments/nope'), 404, 'NotFound', 'deployments.apps "nope" not found');
    expect(body.details).toEqual({ name: 'nope', group: 'apps', kind: 'deployments' });
  });

  it('cluster-scoped resources under a namespace URL are 404', async () => {
    expectStatus(await api.get('/api/v1/namespaces/default/nodes'), 404, 'NotFound');
  });

  it('POST to an all-namespaces URL of a namespaced resource is 405', async () => {
    expectStatus(await api.post('/api/v1/configmaps').send(configMap('x')), 405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource');
  });

  it('methods a URL does not serve are 405', async () => {
    expectStatus(await api.put(CM).send(configMap('x')), 405, 'MethodNotAllowed');
    expectStatus(await api.post(`${CM}/existing`).send(configMap('existing')), 405, 'MethodNotAllowed');
    expectStatus(await api.delete('/apis/apps/v1/namespaces/default/deployments/x/status'), 405, 'MethodNotAllowed');
  });

  it('invalid query parameters are 400', async () => {
    expectStatus(await api.get(CM).query({ limit: 'abc' }), 400, 'BadRequest', /limit/);
    expectStatus(await api.get(CM).query({ limit: '1.5' }), 400, 'BadRequest', /limit/);
    expectStatus(await api.get(CM).query({ watch: 'maybe' }), 400, 'BadRequest', /watch/);
    expectStatus(await api.get(CM).query({ timeoutSeconds: 'soon', watch: 'true' }), 400, 'BadRequest', /timeoutSeconds/);
    expectStatus(await api.get(`${CM}/existing`).query({ includeObject: 'Everything' }), 400, 'BadRequest', /includeObject/);
    expectStatus(await api.delete(`${CM}/existing`).query({ gracePeriodSeconds: 'x' }), 400, 'BadRequest', /gracePeriodSeconds/);
    await api.get(`${CM}/existing`).expect(200);
  });

  it('path segments are %-decoded exactly once; a malformed escape is 400', async () => {
    await api.post(CM).send(configMap('aa')).expect(201);
    await api.get(`${CM}/a%61`).expect(200);
    // "%2561" decodes to "%61", which must not be decoded again into "a".
    expectStatus(await api.get(`${CM}/a%2561`), 404, 'NotFound', 'configmaps "a%61" not found');
    expectStatus(await api.get('/api/v1/namespaces/%zz/configmaps'), 400, 'BadRequest', 'invalid URL escape "%zz"');
  });

  it('unknown query parameters are ignored (kubectl sends timeout=32s)', async () => {
    await api.get(CM).query({ timeout: '32s', somethingElse: '1' }).expect(200);
  });
});

describe('never a 500', () => {
  // A small deterministic PRNG so failures are reproducible.
  function rng(seed: number): () => number {
    let s = seed >>> 0;
    return () => {
      s = (s * 1664525 + 1013904223) >>> 0;
      return s / 2 ** 32;
    };
  }

  it('garbled bodies, headers and paths all get a Status below 500', async () => {
    const rand = rng(0xc0ffee);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];
    const paths = [
      CM,
      `${CM}/existing`,
      `${CM}/existing/status`,
      '/api/v1/namespaces/default/pods',
      '/api/v1/namespaces/default/pods/p/status',
      '/apis/apps/v1/namespaces/default/deployments',
      '/apis/apps/v1/namespaces/default/deployments/d/scale',
      '/api/v1/namespaces',
      '/api/v1/namespaces/default',
      '/api/v1/namespaces/default/finalize',
      '/api/v1/nodes/n1',
      '/apis/coordination.k8s.io/v1/namespaces/default/leases/l',
      '/api/v1/namespaces/default/events',
      '/api/v1/namespaces/default/services',
      '/api/v1/namespaces/%zz/configmaps',
      '/api/v1/namespaces/default/configmaps/%E0%A4%A',
      '/apis/apps/v1/namespaces/default/deployments/d/nope',
      '/api//v1//configmaps',
      '/apis/apps',
      '/api/v1/namespaces/default/configmaps/' + 'x'.repeat(300),
    ];
    const bodies: (() => string)[] = [
      () => '{',
      () => '[]',
      () => 'null',
      () => '"str"',
      () => '{"metadata":null}',
      () => '{"metadata":{"name":5}}',
      () => '{"metadata":{"name":"a","labels":"x"}}',
      () => '{"metadata":{"name":"a","labels":{"bad key":"v"}}}',
      () => '{"metadata":{"name":"a","annotations":[1,2]}}',
      () => '{"metadata":{"name":"a","finalizers":"x"}}',
      () => '{"metadata":{"name":"a","ownerReferences":[{}]}}',
      () => '{"metadata":{"name":"existing","resourceVersion":"abc"}}',
      () => '{"metadata":{"name":"d"},"spec":"nope"}',
      () => '{"metadata":{"name":"d"},"spec":{"replicas":"three","selector":5,"template":[]}}',
      () => '{"metadata":{"name":"p"},"spec":{"containers":"x"}}',
      () => '{"metadata":{"name":"p"},"spec":{"containers":[null,{"name":1}]}}',
      () => '{"metadata":{"name":"s"},"spec":{"ports":[{"port":"http"}],"type":7}}',
      () => '{"spec":{"replicas":-1}}',
      () => '[{"op":"replace","path":"/spec/replicas","value":"x"}]',
      () => '[{"op":"bogus"}]',
      () => '{"data":{"k":{"nested":true}}}',
      () => '{"kind":"DeleteOptions","gracePeriodSeconds":"x","preconditions":5}',
      () => Buffer.from(Array.from({ length: 64 }, () => Math.floor(rand() * 256))).toString('latin1'),
      () => '\u0000\u0001\u0002',
      () => JSON.stringify({ metadata: { name: 'a'.repeat(5000) } }),
      () => '{"metadata":{"name":"a"},"status":{"phase":123}}',
      () => '{"spec":{"finalizers":"kubernetes"}}',
      () => 'apiVersion: v1\nkind: ConfigMap\n  - broken: [',
    ];
    const methods = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];
    const contentTypes = [
      'application/json',
      'application/yaml',
      'application/merge-patch+json',
      'application/strategic-merge-patch+json',
      'application/json-patch+json',
      'application/apply-patch+yaml',
      'text/plain',
      '',
    ];
    const accepts = ['application/json', 'application/yaml', 'application/json;as=Table;v=v1;g=meta.k8s.io', '*/*', 'application/json;as=PartialObjectMetadata;v=v1;g=meta.k8s.io,application/json'];
    const queries = ['', '?dryRun=All', '?limit=-1', '?continue=%%%', '?fieldSelector=a%3D%3D%3Db', '?labelSelector=!!', '?resourceVersion=-5', '?propagationPolicy=Foreground', '?gracePeriodSeconds=-1', '?fieldManager=' + 'm'.repeat(200)];

    const results: string[] = [];
    for (let i = 0; i < 60; i++) {
      const method = pick(methods);
      const path = pick(paths) + pick(queries);
      const ct = pick(contentTypes);
      const accept = pick(accepts);
      const body = method === 'GET' ? undefined : pick(bodies)();
      const res = await new Promise<{ code: number; text: string; type: string }>((resolve, reject) => {
        const headers: Record<string, string | number> = { Accept: accept };
        if (ct) headers['Content-Type'] = ct;
        // Explicit framing: Node sends DELETE bodies without Content-Length otherwise.
        if (body !== undefined) headers['Content-Length'] = Buffer.byteLength(body);
        const req = http.request(`${cluster.url}${path}`, { method, headers }, (r) => {
          let t = '';
          r.on('data', (c) => (t += c));
          r.on('end', () => resolve({ code: r.statusCode ?? 0, text: t, type: String(r.headers['content-type'] ?? '') }));
        });
        req.on('error', reject);
        req.end(body);
      });
      const what = `${method} ${path} [${ct}] ${JSON.stringify(body)?.slice(0, 80)} -> ${res.code} ${res.text.slice(0, 200)}`;
      results.push(what);
      expect(res.code, what).toBeLessThan(500);
      expect(res.code, what).toBeGreaterThanOrEqual(200);
      if (res.code >= 400) {
        expect(res.type, what).toMatch(/^application\/json/);
        const status = JSON.parse(res.text);
        expect(status, what).toMatchObject({ kind: 'Status', apiVersion: 'v1', status: 'Failure', code: res.code });
        expect(typeof status.reason, what).toBe('string');
        expect(typeof status.message, what).toBe('string');
      }
    }
    expect(results).toHaveLength(60);
    // And the server is still fine.
    await api.get('/healthz').expect(200);
    await api.get(`${CM}/existing`).expect(200);
  });
});
