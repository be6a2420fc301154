// Kubernetes protobuf request bodies (as kubectl 1.32+ sends them) decoded into the JSON a JSON client would send.
import { describe, expect, it } from 'vitest';
import { decodeObjectBody } from '../../../src/api/negotiation.js';
import { decodeKubernetesProtobuf, decodeMessage, formatGoDuration } from '../../../src/machinery/protobuf/index.js';
import {
  bool, bytes, bytesMap, encode, envelope, int, intOrString, msg, objectMeta, packed, PROTOBUF, quantityMap, str, strMap,
  time, zeroTime,
} from './pb.js';

const decode = (body: Buffer) => decodeObjectBody(body, PROTOBUF);

describe('protobuf bodies: core/v1', () => {
  it('ConfigMap: string and binary data, a false pointer kept, zero metadata fields dropped', () => {
    const raw = encode(
      objectMeta(1, { name: 'c', namespace: 'default' }),
      strMap(2, { a: 'b', empty: '' }),
      bytesMap(3, { bin: Uint8Array.of(0, 1, 2) }),
      bool(4, false),
    );
    expect(decode(envelope('v1', 'ConfigMap', raw))).toEqual({
      kind: 'ConfigMap',
      apiVersion: 'v1',
      metadata: { name: 'c', namespace: 'default' },
      data: { a: 'b', empty: '' },
      binaryData: { bin: 'AAEC' },
      immutable: false,
    });
  });

  it('ConfigMap as `kubectl create configmap c --from-literal=a=b` sends it', () => {
    const raw = encode(objectMeta(1, { name: 'c' }), strMap(2, { a: 'b' }));
    const out = decode(envelope('v1', 'ConfigMap', raw));
    expect(out).toEqual({ kind: 'ConfigMap', apiVersion: 'v1', metadata: { name: 'c' }, data: { a: 'b' } });
    expect(Object.keys(out).slice(0, 2)).toEqual(['kind', 'apiVersion']);
  });

  it('Secret: bytes values become base64 strings; type and stringData', () => {
    const raw = encode(objectMeta(1, { name: 's' }), bytesMap(2, { p: Buffer.from('q') }), str(3, 'Opaque'), strMap(4, { plain: 'text' }));
    expect(decode(envelope('v1', 'Secret', raw))).toEqual({
      kind: 'Secret',
      apiVersion: 'v1',
      metadata: { name: 's' },
      data: { p: 'cQ==' },
      stringData: { plain: 'text' },
      type: 'Opaque',
    });
  });

  it('Namespace: empty spec and status are dropped; labels kept', () => {
    const raw = encode(objectMeta(1, { name: 'x', labels: { team: 'a' } }), msg(2), msg(3, str(1, '')));
    expect(decode(envelope('v1', 'Namespace', raw))).toEqual({ kind: 'Namespace', apiVersion: 'v1', metadata: { name: 'x', labels: { team: 'a' } } });
  });

  it('Namespace finalizers (repeated strings)', () => {
    const raw = encode(objectMeta(1, { name: 'x' }), msg(2, str(1, 'kubernetes'), str(1, 'example.com/f')));
    expect(decode(envelope('v1', 'Namespace', raw)).spec).toEqual({ finalizers: ['kubernetes', 'example.com/f'] });
  });

  it('Service: IntOrString targetPort (number and name), ports, selector, pointer enums', () => {
    const port = (name: string, p: number, target: number | string) =>
      msg(1, str(1, name), str(2, 'TCP'), int(3, p), intOrString(4, target), int(5, 0));
    const raw = encode(
      objectMeta(1, { name: 'web' }),
      msg(2, port('http', 80, 8080), port('admin', 81, 'admin'), strMap(2, { app: 'web' }), str(4, 'ClusterIP'), str(17, 'SingleStack')),
      msg(3, msg(1)),
    );
    expect(decode(envelope('v1', 'Service', raw))).toEqual({
      kind: 'Service',
      apiVersion: 'v1',
      metadata: { name: 'web' },
      spec: {
        ports: [
          { name: 'http', protocol: 'TCP', port: 80, targetPort: 8080 },
          { name: 'admin', protocol: 'TCP', port: 81, targetPort: 'admin' },
        ],
        selector: { app: 'web' },
        type: 'ClusterIP',
        ipFamilyPolicy: 'SingleStack',
      },
    });
  });

  it('Event: Time (second precision), MicroTime (microseconds), a zero pointer Time is null', () => {
    const raw = encode(
      objectMeta(1, { name: 'e', namespace: 'default', extra: [zeroTime(9)] }),
      msg(2, str(1, 'Pod'), str(3, 'p')),
      str(3, 'Started'),
      time(6, 1_700_000_000, 999_999_999),
      int(8, 3),
      time(10, 1_700_000_001, 123_456_789),
      msg(11, int(1, 2), time(2, 1_700_000_002, 5_000)),
    );
    expect(decode(envelope('v1', 'Event', raw))).toEqual({
      kind: 'Event',
      apiVersion: 'v1',
      metadata: { name: 'e', namespace: 'default', deletionTimestamp: null },
      involvedObject: { kind: 'Pod', name: 'p' },
      reason: 'Started',
      firstTimestamp: '2023-11-14T22:13:20Z',
      count: 3,
      eventTime: '2023-11-14T22:13:21.123456Z',
      series: { count: 2, lastObservedTime: '2023-11-14T22:13:22.000005Z' },
    });
  });

  it('Pod: inline volume sources and probe handler, pointer zeros kept, packed and unpacked int64 lists', () => {
    const raw = encode(
      objectMeta(1, { name: 'p' }),
      msg(
        2,
        msg(1, str(1, 'cache'), msg(2, msg(2, str(1, '')))),
        msg(1, str(1, 'cfg'), msg(2, msg(19, msg(1, str(1, 'my-cm')), int(3, 420)))),
        msg(
          2,
          str(1, 'app'),
          str(2, 'nginx'),
          msg(7, str(1, 'POD'), str(2, ''), msg(3, msg(1, str(1, 'v1'), str(2, 'metadata.name')))),
          msg(9, str(1, 'cache'), bool(2, false), str(3, '/cache')),
          msg(10, msg(1, msg(2, str(1, '/'), intOrString(2, 8080))), int(2, 0), int(3, 1), int(4, 10)),
          bool(16, false),
        ),
        int(4, 0),
        msg(14, packed(4, [1000, 2000]), int(4, 3000), int(2, 0)),
      ),
    );
    expect(decode(envelope('v1', 'Pod', raw))).toEqual({
      kind: 'Pod',
      apiVersion: 'v1',
      metadata: { name: 'p' },
      spec: {
        volumes: [
          { name: 'cache', emptyDir: {} },
          { name: 'cfg', configMap: { name: 'my-cm', defaultMode: 420 } },
        ],
        containers: [
          {
            name: 'app',
            image: 'nginx',
            env: [{ name: 'POD', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.name' } } }],
            volumeMounts: [{ name: 'cache', mountPath: '/cache' }],
            livenessProbe: { httpGet: { path: '/', port: 8080 }, timeoutSeconds: 1, periodSeconds: 10 },
          },
        ],
        terminationGracePeriodSeconds: 0,
        securityContext: { runAsUser: 0, supplementalGroups: [1000, 2000, 3000] },
      },
    });
  });
});

describe('protobuf bodies: apps/v1', () => {
  const template = (...container: Parameters<typeof msg>[1][]) =>
    msg(3, objectMeta(1, { labels: { app: 'd' } }), msg(2, msg(2, str(1, 'httpd'), str(2, 'httpd'), ...container), str(3, ''), str(6, '')));

  it('Deployment as `kubectl create deployment d --image=httpd --replicas=2` sends it', () => {
    const raw = encode(
      objectMeta(1, { name: 'd', labels: { app: 'd' } }),
      msg(2, int(1, 2), msg(2, strMap(1, { app: 'd' })), template(msg(8), bool(16, false)), msg(4, str(1, '')), int(5, 0), bool(7, false)),
      msg(3, int(1, 0), int(2, 0), int(3, 0), int(4, 0), int(5, 0), int(7, 0)),
    );
    expect(decode(envelope('apps/v1', 'Deployment', raw))).toEqual({
      kind: 'Deployment',
      apiVersion: 'apps/v1',
      metadata: { name: 'd', labels: { app: 'd' } },
      spec: {
        replicas: 2,
        selector: { matchLabels: { app: 'd' } },
        template: { metadata: { labels: { app: 'd' } }, spec: { containers: [{ name: 'httpd', image: 'httpd' }] } },
      },
    });
  });

  it('Deployment: resources Quantity maps, RollingUpdate with IntOrString maxSurge 25% and maxUnavailable 0', () => {
    const raw = encode(
      objectMeta(1, { name: 'd' }),
      msg(
        2,
        int(1, 0),
        msg(2, strMap(1, { app: 'd' }), msg(2, str(1, 'tier'), str(2, 'In'), str(3, 'web'), str(3, 'api'))),
        template(msg(8, quantityMap(1, { cpu: '500m', memory: '128Mi' }), quantityMap(2, { cpu: '250m' })), msg(6, str(1, 'http'), int(3, 80), str(4, 'TCP'))),
        msg(4, str(1, 'RollingUpdate'), msg(2, intOrString(1, 0), intOrString(2, '25%'))),
        int(6, 10),
        int(9, 600),
      ),
    );
    const out = decode(envelope('apps/v1', 'Deployment', raw));
    expect(out.spec).toEqual({
      replicas: 0,
      selector: { matchLabels: { app: 'd' }, matchExpressions: [{ key: 'tier', operator: 'In', values: ['web', 'api'] }] },
      template: {
        metadata: { labels: { app: 'd' } },
        spec: {
          containers: [
            {
              name: 'httpd',
              image: 'httpd',
              resources: { limits: { cpu: '500m', memory: '128Mi' }, requests: { cpu: '250m' } },
              ports: [{ name: 'http', containerPort: 80, protocol: 'TCP' }],
            },
          ],
        },
      },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: '25%' } },
      revisionHistoryLimit: 10,
      progressDeadlineSeconds: 600,
    });
  });

  it('ControllerRevision: RawExtension JSON data becomes an object', () => {
    const raw = encode(objectMeta(1, { name: 'r' }), msg(2, bytes(1, Buffer.from('{"spec":{"template":{"x":1}}}'))), int(3, 7));
    expect(decode(envelope('apps/v1', 'ControllerRevision', raw))).toEqual({
      kind: 'ControllerRevision',
      apiVersion: 'apps/v1',
      metadata: { name: 'r' },
      data: { spec: { template: { x: 1 } } },
      revision: 7,
    });
  });

  it('ControllerRevision: a RawExtension holding a protobuf envelope is decoded too', () => {
    const inner = envelope('v1', 'ConfigMap', encode(objectMeta(1, { name: 'inner' }), strMap(2, { k: 'v' })));
    const raw = encode(objectMeta(1, { name: 'r' }), msg(2, bytes(1, inner)), int(3, 1));
    expect(decode(envelope('apps/v1', 'ControllerRevision', raw)).data).toEqual({
      kind: 'ConfigMap',
      apiVersion: 'v1',
      metadata: { name: 'inner' },
      data: { k: 'v' },
    });
  });
});

describe('protobuf bodies: other groups', () => {
  it('DeleteOptions (drain): gracePeriodSeconds 0 kept, preconditions, propagationPolicy, dryRun', () => {
    const raw = encode(int(1, 0), msg(2, str(1, 'uid-1')), str(4, 'Background'), str(5, 'All'));
    expect(decode(envelope('v1', 'DeleteOptions', raw))).toEqual({
      kind: 'DeleteOptions',
      apiVersion: 'v1',
      gracePeriodSeconds: 0,
      preconditions: { uid: 'uid-1' },
      propagationPolicy: 'Background',
      dryRun: ['All'],
    });
  });

  it('DeleteOptions is accepted under any group version (client-go encodes it in the client group)', () => {
    const raw = encode(bool(3, false));
    expect(decode(envelope('apps/v1', 'DeleteOptions', raw))).toEqual({ kind: 'DeleteOptions', apiVersion: 'apps/v1', orphanDependents: false });
  });

  it('SelfSubjectAccessReview (`kubectl auth can-i create pods`)', () => {
    const attrs = msg(1, str(1, 'default'), str(2, 'create'), str(3, ''), str(4, ''), str(5, 'pods'), str(6, ''), str(7, ''));
    const raw = encode(objectMeta(1), msg(2, attrs), msg(3, bool(1, false), str(2, ''), str(3, ''), bool(4, false)));
    expect(decode(envelope('authorization.k8s.io/v1', 'SelfSubjectAccessReview', raw))).toEqual({
      kind: 'SelfSubjectAccessReview',
      apiVersion: 'authorization.k8s.io/v1',
      spec: { resourceAttributes: { namespace: 'default', verb: 'create', resource: 'pods' } },
    });
  });

  it('SelfSubjectRulesReview', () => {
    const raw = encode(objectMeta(1), msg(2, str(1, 'kube-system')), msg(3, bool(3, false)));
    expect(decode(envelope('authorization.k8s.io/v1', 'SelfSubjectRulesReview', raw))).toEqual({
      kind: 'SelfSubjectRulesReview',
      apiVersion: 'authorization.k8s.io/v1',
      spec: { namespace: 'kube-system' },
    });
  });

  it('Scale keeps spec.replicas 0 (scaling to zero is meaningful)', () => {
    const raw = encode(objectMeta(1, { name: 'd', namespace: 'default' }), msg(2, int(1, 0)), msg(3, int(1, 3), str(2, '')));
    expect(decode(envelope('autoscaling/v1', 'Scale', raw))).toEqual({
      kind: 'Scale',
      apiVersion: 'autoscaling/v1',
      metadata: { name: 'd', namespace: 'default' },
      spec: { replicas: 0 },
      status: { replicas: 3 },
    });
  });

  it('Lease: MicroTime renewTime, pointer int32 zero kept', () => {
    const raw = encode(objectMeta(1, { name: 'node-a', namespace: 'kube-node-lease' }), msg(2, str(1, 'node-a'), int(2, 40), time(4, 0, 1_000), int(5, 0)));
    expect(decode(envelope('coordination.k8s.io/v1', 'Lease', raw)).spec).toEqual({
      holderIdentity: 'node-a',
      leaseDurationSeconds: 40,
      renewTime: '1970-01-01T00:00:00.000001Z',
      leaseTransitions: 0,
    });
  });

  it('Job and CronJob (batch/v1)', () => {
    const podTemplate = msg(6, objectMeta(1), msg(2, msg(2, str(1, 'job'), str(2, 'busybox')), str(3, 'Never')));
    const job = encode(objectMeta(1, { name: 'j' }), msg(2, int(7, 0), podTemplate, bool(10, false)));
    expect(decode(envelope('batch/v1', 'Job', job)).spec).toEqual({
      backoffLimit: 0,
      template: { spec: { containers: [{ name: 'job', image: 'busybox' }], restartPolicy: 'Never' } },
      suspend: false,
    });
    const cron = encode(objectMeta(1, { name: 'c' }), msg(2, str(1, '*/5 * * * *'), msg(5, objectMeta(1), msg(2, podTemplate)), str(3, 'Forbid')));
    expect(decode(envelope('batch/v1', 'CronJob', cron)).spec).toEqual({
      schedule: '*/5 * * * *',
      concurrencyPolicy: 'Forbid',
      jobTemplate: { spec: { template: { spec: { containers: [{ name: 'job', image: 'busybox' }], restartPolicy: 'Never' } } } },
    });
  });
});

describe('protobuf wire details', () => {
  it('skips unknown fields of every wire type (newer clients may send fields kubesim does not know)', () => {
    const raw = encode(
      objectMeta(1, { name: 'c' }),
      int(90, 5),
      str(91, 'x'),
      (w) => void w.uint32((92 << 3) | 1).fixed64(1),
      (w) => void w.uint32((93 << 3) | 5).fixed32(1),
      strMap(2, { a: 'b' }),
    );
    expect(decode(envelope('v1', 'ConfigMap', raw))).toEqual({ kind: 'ConfigMap', apiVersion: 'v1', metadata: { name: 'c' }, data: { a: 'b' } });
  });

  it('a non-repeated message seen twice is merged; a repeated scalar seen twice appends', () => {
    const raw = encode(msg(1, str(1, 'c')), msg(1, str(3, 'ns')), msg(1, str(14, 'f1')), msg(1, str(14, 'f2')));
    expect(decodeMessage('core.v1.ConfigMap', raw)).toEqual({ metadata: { name: 'c', namespace: 'ns', finalizers: ['f1', 'f2'] } });
  });

  it('int64 values, negative int32/int64 values (10-byte varints), message fields in table order', () => {
    const owner = msg(13, str(1, 'Deployment'), str(3, 'd'), str(4, 'u'), str(5, 'apps/v1'), bool(6, true));
    const raw = encode(int(7, 1234567890123), owner, int(10, -1));
    const meta = decodeMessage('meta.v1.ObjectMeta', raw);
    expect(meta).toEqual({
      generation: 1234567890123,
      deletionGracePeriodSeconds: -1,
      ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'd', uid: 'u', controller: true }],
    });
    expect(Object.keys((meta.ownerReferences as object[])[0])).toEqual(['apiVersion', 'kind', 'name', 'uid', 'controller']);
    expect(decodeMessage('core.v1.ContainerStateTerminated', encode(int(1, -1), int(2, 9)))).toEqual({ exitCode: -1, signal: 9 });
  });

  it('decodeKubernetesProtobuf returns the envelope type and the object', () => {
    const body = envelope('v1', 'ConfigMap', encode(objectMeta(1, { name: 'c' })));
    expect(decodeKubernetesProtobuf(body)).toEqual({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      object: { kind: 'ConfigMap', apiVersion: 'v1', metadata: { name: 'c' } },
    });
  });

  it('Go duration strings', () => {
    expect(formatGoDuration(0n)).toBe('0s');
    expect(formatGoDuration(1500n)).toBe('1.5µs');
    expect(formatGoDuration(2_500_000n)).toBe('2.5ms');
    expect(formatGoDuration(90_000_000_000n)).toBe('1m30s');
    expect(formatGoDuration(3_600_000_000_000n)).toBe('1h0m0s');
    expect(formatGoDuration(-1_500_000_000n)).toBe('-1.5s');
  });
});
