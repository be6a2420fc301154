// How many pods a PodDisruptionBudget expects and how many must stay healthy (upstream pkg/controller/disruption
// getExpectedPodCount / getExpectedScale / countHealthyPods / buildDisruptedPodMap). With maxUnavailable or a
// percentage minAvailable the expected count is the summed scale of the pods' controllers (Deployment through its
// ReplicaSet, a bare ReplicaSet, a StatefulSet, or anything with a scale subresource); an integer minAvailable
// just counts the selected pods.
import type { Client } from '../../client/client.js';
import type { Informer } from '../../client/informer.js';
import type { Obj } from '../../registry/types.js';
import { isPodReady } from '../replicaset/pods.js';

/** DeletionTimeout: how long an evicted pod may stay undeleted before the budget counts it again. */
export const DELETION_TIMEOUT_MS = 2 * 60_000;

export interface Finders {
  client: Client;
  replicasets: Informer;
  deployments: Informer;
  statefulsets: Informer;
}

interface ControllerScale {
  uid: string;
  scale: number;
}

function controllerRefOf(obj: Obj): Obj | undefined {
  return (obj.metadata?.ownerReferences ?? []).find((r: Obj) => r?.controller === true);
}

function groupOf(apiVersion: string | undefined): string {
  const v = apiVersion ?? '';
  return v.includes('/') ? v.slice(0, v.indexOf('/')) : '';
}

/** verifyGroupKind: the reference names `kind` in one of `groups`. */
function refIs(ref: Obj, kind: string, groups: string[]): boolean {
  return ref.kind === kind && groups.includes(groupOf(ref.apiVersion));
}

function replicaSetOf(f: Finders, ref: Obj, namespace: string): Obj | undefined {
  if (!refIs(ref, 'ReplicaSet', ['apps', 'extensions'])) return undefined;
  const rs = f.replicasets.get(`${namespace}/${ref.name}`);
  return rs && rs.metadata?.uid === ref.uid ? rs : undefined;
}

/** getPodDeployment: the Deployment behind the pod's ReplicaSet. */
function deploymentFinder(f: Finders, ref: Obj, namespace: string): ControllerScale | undefined {
  const rs = replicaSetOf(f, ref, namespace);
  const owner = rs && controllerRefOf(rs);
  if (!owner || !refIs(owner, 'Deployment', ['apps', 'extensions'])) return undefined;
  const d = f.deployments.get(`${namespace}/${owner.name}`);
  if (!d || d.metadata?.uid !== owner.uid) return undefined;
  return { uid: d.metadata.uid, scale: d.spec?.replicas ?? 1 };
}

/** getPodReplicaSet: a ReplicaSet that no Deployment controls. */
function replicaSetFinder(f: Finders, ref: Obj, namespace: string): ControllerScale | undefined {
  const rs = replicaSetOf(f, ref, namespace);
  if (!rs || controllerRefOf(rs)?.kind === 'Deployment') return undefined;
  return { uid: rs.metadata.uid, scale: rs.spec?.replicas ?? 1 };
}

function statefulSetFinder(f: Finders, ref: Obj, namespace: string): ControllerScale | undefined {
  if (!refIs(ref, 'StatefulSet', ['apps'])) return undefined;
  const ss = f.statefulsets.get(`${namespace}/${ref.name}`);
  if (!ss || ss.metadata?.uid !== ref.uid) return undefined;
  return { uid: ss.metadata.uid, scale: ss.spec?.replicas ?? 1 };
}

/** getScaleController: any other kind, through its scale subresource (custom resources included). */
function scaleFinder(f: Finders, ref: Obj, namespace: string): ControllerScale | undefined {
  const apiVersion = String(ref.apiVersion ?? '');
  const [group, version] = apiVersion.includes('/') ? apiVersion.split('/', 2) : ['', apiVersion];
  const def = f.client.definitions().find((d) => d.group === group && d.version === version && d.kind === ref.kind);
  if (!def) throw new Error(`no matches for kind "${ref.kind}" in version "${apiVersion}"`);
  if (!def.subresources?.some((s) => s.name === 'scale')) throw new Error(`${def.group ? `${def.plural}.${def.group}` : def.plural} does not implement the scale subresource`);
  const scale = f.client.resource(def.group, def.version, def.plural).getScale(namespace, ref.name);
  if (!scale || scale.metadata?.uid !== ref.uid) return undefined;
  return { uid: scale.metadata.uid, scale: scale.spec?.replicas ?? 0 };
}

const FINDERS = [deploymentFinder, replicaSetFinder, statefulSetFinder, scaleFinder];

/** getExpectedScale: the summed scale of the controllers of `pods`, and the pods that have no controller. */
export function expectedScale(f: Finders, pods: Obj[]): { expected: number; unmanaged: string[] } {
  const scales = new Map<string, number>();
  const unmanaged: string[] = [];
  for (const pod of pods) {
    const ref = controllerRefOf(pod);
    if (!ref) {
      unmanaged.push(pod.metadata?.name);
      continue;
    }
    if (scales.has(ref.uid)) continue;
    let found: ControllerScale | undefined;
    for (const finder of FINDERS) {
      found = finder(f, ref, pod.metadata?.namespace);
      if (found) break;
    }
    if (!found) throw new Error(`found no controllers for pod "${pod.metadata?.name}"`);
    scales.set(found.uid, found.scale);
  }
  let expected = 0;
  for (const n of scales.values()) expected += n;
  return { expected, unmanaged };
}

/** intstr.GetScaledValueFromIntOrPercent rounding up; throws on a malformed value. */
function scaled(v: number | string, total: number): number {
  if (typeof v === 'number') return v;
  const m = /^(\d+)%$/.exec(v);
  if (!m) throw new Error(`invalid value for IntOrString: invalid type: string is not a percentage`);
  return Math.ceil((Number(m[1]) * total) / 100);
}

/** getExpectedPodCount. */
export function expectedPodCount(f: Finders, pdb: Obj, pods: Obj[]): { expectedCount: number; desiredHealthy: number; unmanaged: string[] } {
  const spec = pdb.spec ?? {};
  if (spec.maxUnavailable != null) {
    const { expected, unmanaged } = expectedScale(f, pods);
    const desired = Math.max(0, expected - scaled(spec.maxUnavailable, expected));
    return { expectedCount: expected, desiredHealthy: desired, unmanaged };
  }
  if (spec.minAvailable != null) {
    if (typeof spec.minAvailable === 'number') return { expectedCount: pods.length, desiredHealthy: spec.minAvailable, unmanaged: [] };
    const { expected, unmanaged } = expectedScale(f, pods);
    return { expectedCount: expected, desiredHealthy: scaled(spec.minAvailable, expected), unmanaged };
  }
  return { expectedCount: 0, desiredHealthy: 0, unmanaged: [] };
}

/** countHealthyPods: ready, not being deleted, not recently evicted. */
export function countHealthy(pods: Obj[], disrupted: Record<string, string>, now: number): number {
  let healthy = 0;
  for (const pod of pods) {
    if (pod.metadata?.deletionTimestamp) continue;
    const at = disrupted[pod.metadata?.name];
    if (at !== undefined && Date.parse(at) + DELETION_TIMEOUT_MS > now) continue;
    if (isPodReady(pod)) healthy++;
  }
  return healthy;
}

/**
 * buildDisruptedPodMap: the evictions still pending (the pod exists, is not yet terminating, and the timeout has not
 * passed), when to look again, and the pods that outlived their eviction (upstream warns about them).
 */
export function pendingDisruptions(pods: Obj[], disrupted: Record<string, string> | undefined, now: number): { map: Record<string, string>; recheckAt?: number; notDeleted: Obj[] } {
  const map: Record<string, string> = {};
  const notDeleted: Obj[] = [];
  let recheckAt: number | undefined;
  if (!disrupted) return { map, notDeleted };
  for (const pod of pods) {
    if (pod.metadata?.deletionTimestamp) continue;
    const at = disrupted[pod.metadata?.name];
    if (at === undefined) continue;
    const expectedDeletion = Date.parse(at) + DELETION_TIMEOUT_MS;
    if (expectedDeletion < now) notDeleted.push(pod);
    else {
      if (recheckAt === undefined || expectedDeletion < recheckAt) recheckAt = expectedDeletion;
      map[pod.metadata.name] = at;
    }
  }
  return { map, recheckAt, notDeleted };
}
