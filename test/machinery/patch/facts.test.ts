// The fact table's helpers and internal consistency (runs without the shared swagger).

import { describe, expect, it } from 'vitest';
import { FACTS, FIELD_FACTS, fieldInfo, isKnownType, kindRoots, typeFor, typeInfo } from '../../../src/machinery/patch/facts.js';
import { expandTypeName, parseFieldSpec } from '../../../src/machinery/patch/facts-dsl.js';

const PRIMITIVES = new Set(['string', 'int32', 'int64', 'io.k8s.apimachinery.pkg.api.resource.Quantity', 'io.k8s.apimachinery.pkg.apis.meta.v1.Time']);

describe('fact table helpers', () => {
  it('typeFor accepts a GVK object, apiVersion + kind, or one key', () => {
    expect(typeFor({ group: 'apps', version: 'v1', kind: 'Deployment' })).toBe('io.k8s.api.apps.v1.Deployment');
    expect(typeFor({ version: 'v1', kind: 'Pod' })).toBe('io.k8s.api.core.v1.Pod');
    expect(typeFor({ group: '', version: 'v1', kind: 'Node' })).toBe('io.k8s.api.core.v1.Node');
    expect(typeFor('coordination.k8s.io/v1', 'Lease')).toBe('io.k8s.api.coordination.v1.Lease');
    expect(typeFor('apps/v1/ControllerRevision')).toBe('io.k8s.api.apps.v1.ControllerRevision');
    expect(typeFor('v1', 'Widget')).toBeUndefined();
    expect(typeFor('v1/toString')).toBeUndefined();
  });

  it('serves the built-in kinds kubesim serves', () => {
    expect(Object.keys(kindRoots).sort()).toEqual(
      [
        'apps/v1/ControllerRevision',
        'apps/v1/DaemonSet',
        'apps/v1/Deployment',
        'apps/v1/ReplicaSet',
        'apps/v1/StatefulSet',
        'coordination.k8s.io/v1/Lease',
        'policy/v1/PodDisruptionBudget',
        'storage.k8s.io/v1/StorageClass',
        'v1/ConfigMap',
        'v1/Endpoints',
        'v1/Event',
        'v1/Namespace',
        'v1/Node',
        'v1/PersistentVolume',
        'v1/PersistentVolumeClaim',
        'v1/Pod',
        'v1/Secret',
        'v1/Service',
        'v1/ServiceAccount',
      ].sort(),
    );
  });

  it('fieldInfo returns the full facts of a field', () => {
    expect(fieldInfo('io.k8s.api.core.v1.PodSpec', 'containers')).toEqual({
      type: 'io.k8s.api.core.v1.Container',
      list: true,
      patchStrategy: 'merge',
      patchMergeKey: 'name',
      listType: 'map',
      listMapKeys: ['name'],
    });
    expect(fieldInfo('io.k8s.api.core.v1.PodSpec', 'volumes')?.patchStrategy).toBe('merge,retainKeys');
    expect(fieldInfo('io.k8s.api.apps.v1.DeploymentSpec', 'strategy')).toEqual({ type: 'io.k8s.api.apps.v1.DeploymentStrategy', patchStrategy: 'retainKeys' });
    expect(fieldInfo('io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta', 'finalizers')).toEqual({ type: 'string', list: true, patchStrategy: 'merge', listType: 'set' });
    expect(fieldInfo('io.k8s.api.core.v1.PodSpec', 'tolerations')).toEqual({ type: 'io.k8s.api.core.v1.Toleration', list: true, listType: 'atomic' });
    expect(fieldInfo('io.k8s.api.core.v1.PodSpec', 'nodeSelector')).toEqual({ type: 'string', map: true, mapType: 'atomic' });
    expect(fieldInfo('io.k8s.api.core.v1.Container', 'ports')?.listMapKeys).toEqual(['containerPort', 'protocol']);
    expect(fieldInfo('io.k8s.api.core.v1.Container', 'volumeMounts')?.patchMergeKey).toBe('mountPath');
  });

  it('fieldInfo is undefined for scalar fields, unknown fields and unknown types', () => {
    expect(fieldInfo('io.k8s.api.core.v1.Container', 'image')).toBeUndefined();
    expect(fieldInfo('io.k8s.api.core.v1.Container', 'constructor')).toBeUndefined();
    expect(fieldInfo('io.example.Widget', 'spec')).toBeUndefined();
  });

  it('type-level facts', () => {
    expect(typeInfo('io.k8s.apimachinery.pkg.apis.meta.v1.LabelSelector')).toEqual({ mapType: 'atomic' });
    expect(typeInfo('io.k8s.apimachinery.pkg.runtime.RawExtension')).toEqual({ opaque: true });
    expect(typeInfo('io.k8s.api.core.v1.PodSpec')).toBeUndefined();
    expect(isKnownType('io.k8s.api.core.v1.Toleration')).toBe(true);
    expect(isKnownType('io.k8s.apimachinery.pkg.api.resource.Quantity')).toBe(false);
  });

  it('every field names a known struct type or a primitive', () => {
    const dangling: string[] = [];
    for (const [type, fields] of Object.entries(FIELD_FACTS)) {
      for (const [field, fact] of Object.entries(fields)) {
        if (!PRIMITIVES.has(fact.type) && !isKnownType(fact.type)) dangling.push(`${type}.${field} -> ${fact.type}`);
        if (fact.patchMergeKey && !fact.list) dangling.push(`${type}.${field}: merge key on a non-list`);
        if (fact.listMapKeys && fact.listType !== 'map') dangling.push(`${type}.${field}: list map keys without listType=map`);
      }
    }
    for (const type of Object.values(kindRoots)) if (!isKnownType(type)) dangling.push(`root ${type}`);
    for (const type of Object.keys(FACTS.types)) if (!isKnownType(type)) dangling.push(`type fact ${type}`);
    expect(dangling).toEqual([]);
  });
});

describe('fact notation', () => {
  it('parses field specs', () => {
    expect(parseFieldSpec('core.Volume[] ps=merge,retainKeys pmk=name lt=map lmk=name')).toEqual({
      type: 'io.k8s.api.core.v1.Volume',
      list: true,
      patchStrategy: 'merge,retainKeys',
      patchMergeKey: 'name',
      listType: 'map',
      listMapKeys: ['name'],
    });
    expect(parseFieldSpec('Quantity{}')).toEqual({ type: 'io.k8s.apimachinery.pkg.api.resource.Quantity', map: true });
    expect(parseFieldSpec('meta.ObjectMeta')).toEqual({ type: 'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta' });
  });

  it('rejects typos', () => {
    expect(() => parseFieldSpec('core.Volume[] strategy=merge')).toThrow(/unknown option/);
    expect(() => expandTypeName('batch.Job')).toThrow(/unknown type prefix/);
  });
});
