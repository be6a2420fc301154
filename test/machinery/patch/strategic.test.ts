// Strategic merge patch on real Kubernetes shapes, with the patches kubectl actually sends
// (see ../shared/reference/kubectl-wire.md) and the built-in fact table.

import { describe, expect, it } from 'vitest';
import { applyStrategicMergePatch } from '../../../src/machinery/patch/strategic.js';
import { PatchError } from '../../../src/machinery/patch/errors.js';
import { typeFor } from '../../../src/machinery/patch/facts.js';
import type { JsonObject, JsonValue } from '../../../src/machinery/patch/json.js';
import { LAST_APPLIED, deepFreeze, deployment, node, pod } from './k8s-fixtures.js';

const DEPLOYMENT = typeFor('apps/v1', 'Deployment');
const NODE = typeFor('v1/Node');
const POD = typeFor({ group: '', version: 'v1', kind: 'Pod' });

// Results are navigated freely in assertions.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Obj = Record<string, any>;

function smpError(fn: () => unknown): PatchError {
  try {
    fn();
  } catch (e) {
    if (e instanceof PatchError) return e;
    throw e;
  }
  throw new Error('expected a PatchError');
}

function webContainer(d: Obj): Obj {
  return d.spec.template.spec.containers[0];
}

describe('strategic merge patch: kubectl shapes', () => {
  it('kubectl apply (client-side) update: only the image and last-applied change', () => {
    const live = deepFreeze(deployment());
    const patch = {
      metadata: { annotations: { [LAST_APPLIED]: '{"new":true}\n' } },
      spec: { template: { spec: { '$setElementOrder/containers': [{ name: 'web' }], containers: [{ image: 'nginx:1.26', name: 'web' }] } } },
    };
    const out = applyStrategicMergePatch(live, patch, DEPLOYMENT) as Obj;
    const want = structuredClone(live) as Obj;
    want.metadata.annotations[LAST_APPLIED] = '{"new":true}\n';
    webContainer(want).image = 'nginx:1.26';
    expect(out).toEqual(want);
  });

  it('kubectl edit: changed container image with $setElementOrder', () => {
    const live = deployment() as Obj;
    webContainer(live).name = 'httpd';
    webContainer(live).image = 'httpd:2.3';
    const patch = { spec: { template: { spec: { '$setElementOrder/containers': [{ name: 'httpd' }], containers: [{ image: 'httpd:2.4', name: 'httpd' }] } } } };
    const out = applyStrategicMergePatch(live, patch, DEPLOYMENT) as Obj;
    expect(webContainer(out).image).toBe('httpd:2.4');
    expect(webContainer(out).env).toEqual(webContainer(live).env);
    expect(out.spec.template.spec.containers).toHaveLength(1);
  });

  it('kubectl cordon and uncordon', () => {
    const cordoned = applyStrategicMergePatch(node(), { spec: { unschedulable: true } }, NODE) as Obj;
    expect(cordoned.spec).toEqual({ podCIDR: '10.244.0.0/24', podCIDRs: ['10.244.0.0/24'], unschedulable: true });
    const uncordoned = applyStrategicMergePatch(cordoned, { spec: { unschedulable: null } }, NODE) as Obj;
    expect(uncordoned).toEqual(node());
  });

  it('kubectl rollout restart adds a template annotation', () => {
    const out = applyStrategicMergePatch(
      deployment(),
      { spec: { template: { metadata: { annotations: { 'kubectl.kubernetes.io/restartedAt': '2025-01-02T03:04:05Z' } } } } },
      DEPLOYMENT,
    ) as Obj;
    expect(out.spec.template.metadata).toEqual({ labels: { app: 'web' }, annotations: { 'kubectl.kubernetes.io/restartedAt': '2025-01-02T03:04:05Z' } });
  });

  it('kubectl apply removing an env var and a port (three-way patch shape)', () => {
    const patch = {
      spec: {
        template: {
          spec: {
            '$setElementOrder/containers': [{ name: 'web' }],
            containers: [
              {
                '$setElementOrder/env': [{ name: 'A' }, { name: 'C' }],
                env: [{ name: 'A', value: '10' }, { $patch: 'delete', name: 'B' }],
                name: 'web',
                ports: null,
              },
            ],
          },
        },
      },
    };
    const out = applyStrategicMergePatch(deployment(), patch, DEPLOYMENT) as Obj;
    expect(webContainer(out).env).toEqual([
      { name: 'A', value: '10' },
      { name: 'C', value: '3' },
    ]);
    expect(webContainer(out).ports).toBeUndefined();
  });
});

describe('strategic merge patch: per-field strategies', () => {
  it('nested env merge by name in spec.template.spec.containers[]', () => {
    const patch = { spec: { template: { spec: { containers: [{ name: 'web', env: [{ name: 'B', value: 'two' }, { name: 'D', value: '4' }] }] } } } };
    const out = applyStrategicMergePatch(deployment(), patch, DEPLOYMENT) as Obj;
    // Patch items keep the patch order; server-only A and C are interleaved by server position; D is new.
    expect(webContainer(out).env).toEqual([
      { name: 'A', value: '1' },
      { name: 'B', value: 'two' },
      { name: 'D', value: '4' },
      { name: 'C', value: '3' },
    ]);
  });

  it('container ports merge by containerPort', () => {
    const patch = { spec: { template: { spec: { containers: [{ name: 'web', ports: [{ containerPort: 80, name: 'http' }, { containerPort: 443 }] }] } } } };
    const out = applyStrategicMergePatch(deployment(), patch, DEPLOYMENT) as Obj;
    expect(webContainer(out).ports).toEqual([{ containerPort: 80, protocol: 'TCP', name: 'http' }, { containerPort: 443 }]);
  });

  it('a new container without $setElementOrder is placed first (upstream ordering)', () => {
    const patch = { spec: { template: { spec: { containers: [{ name: 'sidecar', image: 'envoy' }] } } } };
    const out = applyStrategicMergePatch(deployment(), patch, DEPLOYMENT) as Obj;
    expect(out.spec.template.spec.containers.map((c: Obj) => c.name)).toEqual(['sidecar', 'web']);
  });

  it('a new container with $setElementOrder follows the order list', () => {
    const patch = {
      spec: { template: { spec: { '$setElementOrder/containers': [{ name: 'web' }, { name: 'sidecar' }], containers: [{ name: 'sidecar', image: 'envoy' }] } } },
    };
    const out = applyStrategicMergePatch(deployment(), patch, DEPLOYMENT) as Obj;
    expect(out.spec.template.spec.containers.map((c: Obj) => c.name)).toEqual(['web', 'sidecar']);
  });

  it('$patch: delete removes a container', () => {
    const live = deployment() as Obj;
    live.spec.template.spec.containers.push({ name: 'sidecar', image: 'envoy' });
    const patch = { spec: { template: { spec: { containers: [{ name: 'web', $patch: 'delete' }] } } } };
    const out = applyStrategicMergePatch(live, patch, DEPLOYMENT) as Obj;
    expect(out.spec.template.spec.containers).toEqual([{ name: 'sidecar', image: 'envoy' }]);
  });

  it('$patch: replace on a map replaces resources wholesale', () => {
    const patch = { spec: { template: { spec: { containers: [{ name: 'web', resources: { $patch: 'replace', limits: { memory: '1Gi' } } }] } } } };
    const out = applyStrategicMergePatch(deployment(), patch, DEPLOYMENT) as Obj;
    expect(webContainer(out).resources).toEqual({ limits: { memory: '1Gi' } });
  });

  it('volumes use merge,retainKeys: switching a volume source with $retainKeys', () => {
    const patch = {
      spec: {
        template: {
          spec: {
            '$setElementOrder/volumes': [{ name: 'data' }],
            volumes: [{ $retainKeys: ['configMap', 'name'], configMap: { name: 'cfg' }, name: 'data' }],
          },
        },
      },
    };
    const out = applyStrategicMergePatch(deployment(), patch, DEPLOYMENT) as Obj;
    expect(out.spec.template.spec.volumes).toEqual([{ name: 'data', configMap: { name: 'cfg' } }]);
  });

  it('without $retainKeys a volume source switch keeps both sources (what kubectl avoids)', () => {
    const patch = { spec: { template: { spec: { volumes: [{ configMap: { name: 'cfg' }, name: 'data' }] } } } };
    const out = applyStrategicMergePatch(deployment(), patch, DEPLOYMENT) as Obj;
    expect(out.spec.template.spec.volumes).toEqual([{ name: 'data', emptyDir: {}, configMap: { name: 'cfg' } }]);
  });

  it('deployment strategy switch to Recreate with $retainKeys clears rollingUpdate', () => {
    const patch = { spec: { strategy: { $retainKeys: ['type'], rollingUpdate: null, type: 'Recreate' } } };
    const out = applyStrategicMergePatch(deployment(), patch, DEPLOYMENT) as Obj;
    expect(out.spec.strategy).toEqual({ type: 'Recreate' });
  });

  it('finalizers merge as a set of primitives (patch items in patch order, server-only items after)', () => {
    const out = applyStrategicMergePatch(deployment(), { metadata: { finalizers: ['example.com/c', 'example.com/a'] } }, DEPLOYMENT) as Obj;
    // b is server-only; it would precede a patch item only if it came before that item on the server.
    expect(out.metadata.finalizers).toEqual(['example.com/c', 'example.com/a', 'example.com/b']);
    const appended = applyStrategicMergePatch(deployment(), { metadata: { finalizers: ['example.com/b', 'example.com/z'] } }, DEPLOYMENT) as Obj;
    expect(appended.metadata.finalizers).toEqual(['example.com/a', 'example.com/b', 'example.com/z']);
  });

  it('finalizers: $deleteFromPrimitiveList with $setElementOrder (kubectl apply shape)', () => {
    const patch = { metadata: { '$setElementOrder/finalizers': ['example.com/b'], '$deleteFromPrimitiveList/finalizers': ['example.com/a'] } };
    const out = applyStrategicMergePatch(deployment(), patch, DEPLOYMENT) as Obj;
    expect(out.metadata.finalizers).toEqual(['example.com/b']);
  });

  it('a patch that adds and deletes the same finalizer deletes it', () => {
    const patch = { metadata: { '$deleteFromPrimitiveList/finalizers': ['x'], finalizers: ['x'] } };
    const out = applyStrategicMergePatch(deployment(), patch, DEPLOYMENT) as Obj;
    expect(out.metadata.finalizers).toEqual(['example.com/a', 'example.com/b']);
  });

  it('ownerReferences merge by uid', () => {
    const patch = { metadata: { ownerReferences: [{ uid: 'u1', blockOwnerDeletion: true }, { apiVersion: 'v1', kind: 'X', name: 'x', uid: 'u2' }] } };
    const out = applyStrategicMergePatch(pod(), patch, POD) as Obj;
    expect(out.metadata.ownerReferences).toEqual([
      { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'rs', uid: 'u1', controller: true, blockOwnerDeletion: true },
      { apiVersion: 'v1', kind: 'X', name: 'x', uid: 'u2' },
    ]);
  });

  it('pod status conditions merge by type (kubelet status patch)', () => {
    const patch = {
      status: {
        '$setElementOrder/conditions': [{ type: 'PodScheduled' }, { type: 'Ready' }],
        conditions: [{ type: 'Ready', status: 'False' }],
        phase: 'Running',
      },
    };
    const out = applyStrategicMergePatch(pod(), patch, POD) as Obj;
    expect(out.status).toEqual({ phase: 'Running', conditions: [{ type: 'PodScheduled', status: 'True' }, { type: 'Ready', status: 'False' }] });
  });

  it('node status conditions and addresses merge by type', () => {
    const patch = { status: { conditions: [{ type: 'Ready', status: 'False', reason: 'KubeletNotReady' }], addresses: [{ type: 'ExternalIP', address: '1.2.3.4' }] } };
    const out = applyStrategicMergePatch(node(), patch, NODE) as Obj;
    expect(out.status.conditions).toEqual([
      { type: 'MemoryPressure', status: 'False' },
      { type: 'Ready', status: 'False', reason: 'KubeletNotReady' },
    ]);
    expect(out.status.addresses.map((a: Obj) => a.type)).toEqual(['ExternalIP', 'InternalIP', 'Hostname']);
  });

  it('atomic lists are replaced (tolerations)', () => {
    const out = applyStrategicMergePatch(pod(), { spec: { tolerations: [{ key: 'b', operator: 'Exists' }] } }, POD) as Obj;
    expect(out.spec.tolerations).toEqual([{ key: 'b', operator: 'Exists' }]);
  });

  it('imagePullSecrets merge by name in a PodSpec but are atomic in a ServiceAccount', () => {
    const d = applyStrategicMergePatch(deployment(), { spec: { template: { spec: { imagePullSecrets: [{ name: 'other' }] } } } }, DEPLOYMENT) as Obj;
    expect(d.spec.template.spec.imagePullSecrets).toEqual([{ name: 'other' }, { name: 'regcred' }]);
    const sa = { metadata: { name: 'default' }, imagePullSecrets: [{ name: 'regcred' }] };
    const out = applyStrategicMergePatch(sa, { imagePullSecrets: [{ name: 'other' }] }, typeFor('v1/ServiceAccount')) as Obj;
    expect(out.imagePullSecrets).toEqual([{ name: 'other' }]);
  });

  it('service ports merge by port', () => {
    const svc = { metadata: { name: 's' }, spec: { ports: [{ port: 80, targetPort: 8080, protocol: 'TCP' }], selector: { app: 'web' } } };
    const out = applyStrategicMergePatch(svc, { spec: { ports: [{ port: 80, targetPort: 9090 }, { port: 443 }] } }, typeFor('v1/Service')) as Obj;
    expect(out.spec.ports).toEqual([{ port: 80, targetPort: 9090, protocol: 'TCP' }, { port: 443 }]);
  });

  it('maps merge key by key even when x-kubernetes-map-type is atomic (SMP ignores map-type)', () => {
    const out = applyStrategicMergePatch(deployment(), { spec: { template: { spec: { nodeSelector: { zone: 'a' } } } } }, DEPLOYMENT) as Obj;
    expect(out.spec.template.spec.nodeSelector).toEqual({ disk: 'ssd', zone: 'a' });
  });

  it('labels: null deletes, values replace', () => {
    const out = applyStrategicMergePatch(deployment(), { metadata: { labels: { app: null, tier: 'fe' } } }, DEPLOYMENT) as Obj;
    expect(out.metadata.labels).toEqual({ tier: 'fe' });
  });

  it('without type information maps merge and lists are replaced', () => {
    const out = applyStrategicMergePatch(deployment(), { spec: { template: { spec: { containers: [{ name: 'web', image: 'x' }] } } } }, undefined) as Obj;
    expect(out.spec.template.spec.containers).toEqual([{ name: 'web', image: 'x' }]);
    expect(out.spec.replicas).toBe(2);
  });
});

describe('strategic merge patch: errors and purity', () => {
  it('a container without its merge key is a 500 with the upstream message', () => {
    const err = smpError(() => applyStrategicMergePatch(deployment(), { spec: { template: { spec: { containers: [{ image: 'nginx' }] } } } }, DEPLOYMENT));
    expect(err.code).toBe(500);
    expect(err.reason).toBeUndefined();
    expect(err.message).toBe('map: map[image:nginx] does not contain declared merge key: name');
    expect(err.toStatus()).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'map: map[image:nginx] does not contain declared merge key: name',
      code: 500,
    });
  });

  it('merge key error prints nested values the Go way', () => {
    const patch = { spec: { template: { spec: { containers: [{ ports: [{ containerPort: 80 }], resources: { limits: { cpu: 1.5 } } }] } } } };
    const err = smpError(() => applyStrategicMergePatch(deployment(), patch, DEPLOYMENT));
    expect(err.message).toBe('map: map[ports:[map[containerPort:80]] resources:map[limits:map[cpu:1.5]]] does not contain declared merge key: name');
  });

  it('a body that is not an object is a 400; null is a no-op', () => {
    const err = smpError(() => applyStrategicMergePatch(deployment(), [{ op: 'add' }], DEPLOYMENT));
    expect(err.code).toBe(400);
    expect(err.message).toBe('json: cannot unmarshal array into Go value of type map[string]interface {}');
    expect(smpError(() => applyStrategicMergePatch(deployment(), 'x', DEPLOYMENT)).message).toBe(
      'json: cannot unmarshal string into Go value of type map[string]interface {}',
    );
    expect(applyStrategicMergePatch(deployment(), null, DEPLOYMENT)).toEqual(deployment());
  });

  it('descending into an opaque RawExtension fails like upstream', () => {
    const cr = { metadata: { name: 'r' }, data: { spec: { template: {} } }, revision: 1 };
    const err = smpError(() => applyStrategicMergePatch(cr, { data: { spec: { x: 1 } } }, typeFor('apps/v1/ControllerRevision')));
    expect(err.code).toBe(500);
    expect(err.message).toBe('unable to find api field in struct RawExtension for the json field "spec"');
    // Scalars inside it are simply replaced.
    const ok = applyStrategicMergePatch({ data: { a: 1 } }, { data: { a: 2 } }, typeFor('apps/v1/ControllerRevision')) as Obj;
    expect(ok.data).toEqual({ a: 2 });
  });

  it('$setElementOrder on a non-list field', () => {
    const err = smpError(() => applyStrategicMergePatch(deployment(), { '$setElementOrder/metadata': [] }, DEPLOYMENT));
    expect(err.code).toBe(500);
    expect(err.message).toBe('expected a []interface {}, but received a map[string]interface {}');
  });

  it('merging a list of maps that has no merge key (atomic list with a delete list of maps)', () => {
    const err = smpError(() => applyStrategicMergePatch(pod(), { spec: { '$deleteFromPrimitiveList/tolerations': [{ key: 'a' }] } }, POD));
    expect(err.message).toBe('cannot merge lists without merge key for struct');
  });

  it('descending below a map-typed field fails like upstream (struct lookups only)', () => {
    const live = { metadata: { labels: { a: { x: 1 } } } };
    const err = smpError(() => applyStrategicMergePatch(live, { metadata: { labels: { a: { y: 1 } } } }, DEPLOYMENT));
    expect(err.message).toBe('merging an object in json but data type is not struct, instead is: map');
  });

  it('$setElementOrder on an atomic list of maps compares maps, which panics upstream', () => {
    const err = smpError(() =>
      applyStrategicMergePatch(pod(), { spec: { '$setElementOrder/tolerations': [{ key: 'a' }], tolerations: [{ key: 'a' }] } }, POD),
    );
    expect(err.code).toBe(500);
    expect(err.panic).toBe(true);
    expect(err.toStatus().message).toBe('This request caused apiserver to panic. Look in the logs for details.');
  });

  it('never mutates its inputs and returns fresh objects', () => {
    const live = deepFreeze(deployment());
    const patch = deepFreeze({
      metadata: { labels: { app: null }, finalizers: ['z'] },
      spec: { template: { spec: { '$setElementOrder/containers': [{ name: 'web' }], containers: [{ name: 'web', env: [{ name: 'B', $patch: 'delete' }] }] } } },
    }) as JsonValue;
    const out = applyStrategicMergePatch(live, patch, DEPLOYMENT) as Obj;
    expect(out).not.toBe(live);
    expect(out.spec).not.toBe(live.spec);
    expect(webContainer(out).env.map((e: Obj) => e.name)).toEqual(['A', 'C']);
    const noop = applyStrategicMergePatch(live, {}, DEPLOYMENT);
    expect(noop).toEqual(live);
    expect(noop).not.toBe(live);
  });

  it('patch values stored into the result are copies', () => {
    const patch: JsonObject = { spec: { template: { spec: { containers: [{ name: 'new', image: 'x' }] } } } };
    const out = applyStrategicMergePatch(deployment(), patch, DEPLOYMENT) as Obj;
    out.spec.template.spec.containers[0].image = 'changed';
    expect((patch as Obj).spec.template.spec.containers[0].image).toBe('x');
  });
});
