// Fake Node and Pod objects for scheduler and kubelet tests (plain data, shaped like what the API returns).
import { buildSnapshot } from '../../src/scheduler/resources.js';
import type { Snapshot } from '../../src/scheduler/types.js';

type Obj = Record<string, any>;

export interface NodeOpts {
  cpu?: string;
  memory?: string;
  pods?: string;
  labels?: Record<string, string>;
  taints?: Obj[];
  ready?: 'True' | 'False' | 'Unknown' | null;
  unschedulable?: boolean;
}

export function node(name: string, o: NodeOpts = {}): Obj {
  const alloc = { cpu: o.cpu ?? '4', memory: o.memory ?? '8Gi', pods: o.pods ?? '110', 'ephemeral-storage': '100Gi' };
  const conditions = o.ready === null ? [] : [{ type: 'Ready', status: o.ready ?? 'True' }];
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name, uid: `uid-${name}`, labels: { 'kubernetes.io/hostname': name, ...(o.labels ?? {}) } },
    spec: { ...(o.taints ? { taints: o.taints } : {}), ...(o.unschedulable ? { unschedulable: true } : {}) },
    status: { capacity: alloc, allocatable: alloc, conditions },
  };
}

export interface PodOpts {
  ns?: string;
  cpu?: string;
  memory?: string;
  labels?: Record<string, string>;
  nodeName?: string;
  owner?: string;
  spec?: Obj;
  phase?: string;
}

export function pod(name: string, o: PodOpts = {}): Obj {
  const requests: Obj = {};
  if (o.cpu) requests.cpu = o.cpu;
  if (o.memory) requests.memory = o.memory;
  const metadata: Obj = { name, namespace: o.ns ?? 'default', uid: `uid-${name}`, labels: o.labels ?? {} };
  if (o.owner) metadata.ownerReferences = [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: o.owner, uid: `uid-${o.owner}`, controller: true }];
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata,
    spec: {
      schedulerName: 'default-scheduler',
      containers: [{ name: 'c', image: 'nginx', resources: Object.keys(requests).length ? { requests } : {} }],
      ...(o.nodeName ? { nodeName: o.nodeName } : {}),
      ...(o.spec ?? {}),
    },
    status: { phase: o.phase ?? (o.nodeName ? 'Running' : 'Pending') },
  };
}

export function snap(nodes: Obj[], pods: Obj[] = [], nsLabels: Record<string, Record<string, string>> = {}): Snapshot {
  return buildSnapshot(nodes, pods, { namespaceLabels: (ns) => nsLabels[ns] });
}

/** A Pod with one container `main` of `image` (plus `container` fields), labelled app=NAME: what the stream tests run. */
export function appPod(name: string, image: string, container: Obj = {}, spec: Obj = {}): Obj {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, labels: { app: name } },
    spec: { containers: [{ name: 'main', image, ...container }], ...spec },
  };
}
