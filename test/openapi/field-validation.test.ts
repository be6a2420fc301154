// Unknown-field detection from the served schemas (for fieldValidation=Strict / Warn).
import { beforeAll, describe, expect, it } from 'vitest';
import { loadUnknownFieldsDetector, strictDecodingMessage, unknownFieldWarnings, type UnknownFields } from '../../src/openapi/field-validation.js';

let unknown: UnknownFields;
const POD = { group: '', version: 'v1', kind: 'Pod' };
const DEPLOYMENT = { group: 'apps', version: 'v1', kind: 'Deployment' };

beforeAll(async () => {
  unknown = (await loadUnknownFieldsDetector())!;
  expect(unknown).toBeDefined();
});

describe('unknown fields', () => {
  it('accepts a valid object, including maps, quantities, int-or-strings and timestamps', () => {
    expect(
      unknown(DEPLOYMENT, {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'web', labels: { app: 'web' }, annotations: { a: 'b' }, creationTimestamp: null },
        spec: {
          replicas: 2,
          selector: { matchLabels: { app: 'web' }, matchExpressions: [{ key: 'a', operator: 'In', values: ['x'] }] },
          strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: 1 } },
          template: {
            metadata: { labels: { app: 'web' } },
            spec: { containers: [{ name: 'web', image: 'nginx', resources: { limits: { cpu: '500m', memory: '1Gi' } }, ports: [{ containerPort: 80 }] }] },
          },
        },
        status: { replicas: 2, conditions: [{ type: 'Available', status: 'True', lastUpdateTime: '2024-01-01T00:00:00Z' }] },
      }),
    ).toEqual([]);
  });

  it('reports each unknown field with its path, in document order', () => {
    expect(
      unknown(POD, {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: 'p', bogus: 1 },
        spec: { containers: [{ name: 'a', image: 'x' }, { name: 'b', image: 'y', imagePullPolicyy: 'Always', env: [{ name: 'E', valu: '1' }] }] },
        extra: true,
      }),
    ).toEqual(['metadata.bogus', 'spec.containers[1].imagePullPolicyy', 'spec.containers[1].env[0].valu', 'extra']);
  });

  it('leaves arbitrary JSON alone (RawExtension, FieldsV1) and unknown kinds unchecked', () => {
    expect(unknown({ group: 'apps', version: 'v1', kind: 'ControllerRevision' }, { revision: 1, data: { anything: { goes: [1] } } })).toEqual([]);
    expect(unknown(POD, { metadata: { managedFields: [{ manager: 'm', fieldsV1: { 'f:spec': {} } }] } })).toEqual([]);
    expect(unknown({ group: 'example.com', version: 'v1', kind: 'Widget' }, { whatever: 1 })).toEqual([]);
  });

  it('words errors and warnings like kube-apiserver', () => {
    expect(strictDecodingMessage({ group: '', version: 'v1', kind: 'ConfigMap' }, ['metadata.bogus', 'extra'])).toBe(
      'ConfigMap in version "v1" cannot be handled as a ConfigMap: strict decoding error: unknown field "metadata.bogus", unknown field "extra"',
    );
    expect(unknownFieldWarnings(['spec.foo'])).toEqual(['299 - "unknown field \\"spec.foo\\""']);
  });
});
