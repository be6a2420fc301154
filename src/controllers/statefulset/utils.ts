// StatefulSet helpers (upstream pkg/controller/statefulset/stateful_set_utils.go): ordinals and stable names,
// identity and storage of a pod, the claims of its volumeClaimTemplates, the PVC retention-policy ownership rules,
// and the ControllerRevision patch that records a pod template.
import type { Obj } from '../../registry/types.js';
import { isPodAvailable, isPodReady, podFromTemplate } from '../replicaset/pods.js';
import { newControllerRef } from '../replicaset/controller-ref.js';
import { REVISION_HASH_LABEL } from '../history/revisions.js';

export const STS_KIND = { apiVersion: 'apps/v1', kind: 'StatefulSet' };
export const POD_KIND = { apiVersion: 'v1', kind: 'Pod' };
/** apps.StatefulSetPodNameLabel and apps.PodIndexLabel (PodIndexLabel is on by default since 1.28). */
export const POD_NAME_LABEL = 'statefulset.kubernetes.io/pod-name';
export const POD_INDEX_LABEL = 'apps.kubernetes.io/pod-index';

const STATEFUL_POD = /^(.*)-([0-9]+)$/;

/** getParentNameAndOrdinal: parsed from the pod name; ordinal -1 when it is not `<parent>-<n>`. */
export function parentAndOrdinal(pod: Obj): [string, number] {
  const m = STATEFUL_POD.exec(pod.metadata?.name ?? '');
  if (!m) return ['', -1];
  const n = Number(m[2]);
  return [m[1]!, Number.isSafeInteger(n) && n <= 2147483647 ? n : -1];
}

export const ordinalOf = (pod: Obj): number => parentAndOrdinal(pod)[1];
export const isMemberOf = (set: Obj, pod: Obj): boolean => parentAndOrdinal(pod)[0] === set.metadata.name;
export const replicasOf = (set: Obj): number => set.spec?.replicas ?? 1;
/** getStartOrdinal / getEndOrdinal: spec.ordinals.start shifts the range. */
export const startOrdinal = (set: Obj): number => set.spec?.ordinals?.start ?? 0;
export const endOrdinal = (set: Obj): number => startOrdinal(set) + replicasOf(set) - 1;
export const podName = (set: Obj, ordinal: number): string => `${set.metadata.name}-${ordinal}`;
export const claimName = (set: Obj, template: Obj, ordinal: number): string => `${template.metadata?.name}-${set.metadata.name}-${ordinal}`;

export function inOrdinalRange(pod: Obj, set: Obj): boolean {
  const o = ordinalOf(pod);
  return o >= startOrdinal(set) && o <= endOrdinal(set);
}

/** identityMatches: name, namespace and the pod-name label agree with the ordinal. */
export function identityMatches(set: Obj, pod: Obj): boolean {
  const [parent, ordinal] = parentAndOrdinal(pod);
  return ordinal >= 0 && parent === set.metadata.name && pod.metadata.name === podName(set, ordinal) && pod.metadata.namespace === set.metadata.namespace && pod.metadata.labels?.[POD_NAME_LABEL] === pod.metadata.name;
}

/** storageMatches: every claim template is mounted from the pod's own claim. */
export function storageMatches(set: Obj, pod: Obj): boolean {
  const ordinal = ordinalOf(pod);
  if (ordinal < 0) return false;
  const volumes = new Map<string, Obj>((pod.spec?.volumes ?? []).map((v: Obj) => [v.name, v]));
  return (set.spec?.volumeClaimTemplates ?? []).every((t: Obj) => volumes.get(t.metadata?.name)?.persistentVolumeClaim?.claimName === claimName(set, t, ordinal));
}

/** getPersistentVolumeClaims: one claim per template, named for the ordinal, labelled with the selector's matchLabels. */
export function claimsFor(set: Obj, ordinal: number): Map<string, Obj> {
  const out = new Map<string, Obj>();
  for (const t of set.spec?.volumeClaimTemplates ?? []) {
    const claim: Obj = { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: structuredClone(t.metadata ?? {}), spec: structuredClone(t.spec ?? {}) };
    claim.metadata.name = claimName(set, t, ordinal);
    claim.metadata.namespace = set.metadata.namespace;
    claim.metadata.labels = { ...(claim.metadata.labels ?? {}), ...(set.spec?.selector?.matchLabels ?? {}) };
    out.set(t.metadata?.name, claim);
  }
  return out;
}

/** updateStorage: the claim volumes first, then the pod's other volumes (a same-named one is replaced). */
function updateStorage(set: Obj, pod: Obj, ordinal: number): void {
  const claims = claimsFor(set, ordinal);
  const volumes: Obj[] = [...claims].map(([name, c]) => ({ name, persistentVolumeClaim: { claimName: c.metadata.name } }));
  for (const v of pod.spec.volumes ?? []) if (!claims.has(v.name)) volumes.push(v);
  if (volumes.length) pod.spec.volumes = volumes;
}

/** updateIdentity: the pod-name and pod-index labels. */
export function identityLabels(set: Obj, pod: Obj): Obj {
  const ordinal = ordinalOf(pod);
  return { [POD_NAME_LABEL]: podName(set, ordinal), [POD_INDEX_LABEL]: String(ordinal) };
}

/** newStatefulSetPod: GetPodFromTemplate, then the stable identity (initIdentity sets hostname/subdomain once) and storage. */
export function newStatefulSetPod(set: Obj, ordinal: number, revision: string): Obj {
  const pod = podFromTemplate(set.spec?.template, set.metadata.name, newControllerRef(set, STS_KIND));
  pod.metadata.name = podName(set, ordinal);
  pod.metadata.namespace = set.metadata.namespace;
  pod.metadata.labels = { ...(pod.metadata.labels ?? {}), ...identityLabels(set, pod), [REVISION_HASH_LABEL]: revision };
  pod.spec.hostname = pod.metadata.name;
  if (set.spec?.serviceName) pod.spec.subdomain = set.spec.serviceName;
  updateStorage(set, pod, ordinal);
  return pod;
}

/**
 * newVersionedStatefulSetPod: ordinals below the partition are created at the current revision, the rest at the
 * update revision. (The condition keeps upstream's operator precedence.)
 */
export function newVersionedPod(currentSet: Obj, updateSet: Obj, currentRevision: string, updateRevision: string, ordinal: number): Obj {
  const us = currentSet.spec?.updateStrategy ?? {};
  const ru = us.rollingUpdate;
  const start = startOrdinal(currentSet);
  if ((us.type === 'RollingUpdate' && !ru && ordinal < start + (currentSet.status?.currentReplicas ?? 0)) || (ru && ordinal < start + (ru.partition ?? 0))) {
    return newStatefulSetPod(currentSet, ordinal, currentRevision);
  }
  return newStatefulSetPod(updateSet, ordinal, updateRevision);
}

export const podRevision = (pod: Obj): string => pod.metadata?.labels?.[REVISION_HASH_LABEL] ?? '';
export const isCreated = (pod: Obj): boolean => !!pod.status?.phase;
export const isTerminating = (pod: Obj): boolean => !!pod.metadata?.deletionTimestamp;
export const isRunningAndReady = (pod: Obj): boolean => pod.status?.phase === 'Running' && isPodReady(pod);
export const isRunningAndAvailable = (pod: Obj, minReadySeconds: number, now: number): boolean => isPodAvailable(pod, minReadySeconds, now);
/** isUnavailable: not available or terminating. */
export const isUnavailable = (pod: Obj, minReadySeconds: number, now: number): boolean => !isPodAvailable(pod, minReadySeconds, now) || isTerminating(pod);
export const allowsBurst = (set: Obj): boolean => set.spec?.podManagementPolicy === 'Parallel';

/** getPatch: a strategic merge patch that replaces spec.template (what a StatefulSet revision records). */
export function revisionPatch(set: Obj): Obj {
  return { spec: { template: { ...structuredClone(set.spec?.template ?? {}), $patch: 'replace' } } };
}

/** ApplyRevision: the set with its template restored from the revision. */
export function applyRevision(set: Obj, revision: Obj): Obj {
  const clone = structuredClone(set);
  const template = structuredClone(revision.data?.spec?.template);
  if (template) {
    delete template.$patch;
    clone.spec.template = template;
  }
  return clone;
}

// --- PVC retention policy (StatefulSetAutoDeletePVC, GA in 1.32) ------------------------------------------------

export function retentionPolicy(set: Obj): { whenDeleted: string; whenScaled: string } {
  const p = set.spec?.persistentVolumeClaimRetentionPolicy ?? {};
  return { whenDeleted: p.whenDeleted ?? 'Retain', whenScaled: p.whenScaled ?? 'Retain' };
}

const refs = (o: Obj): Obj[] => o.metadata?.ownerReferences ?? [];
const matchesRef = (ref: Obj, obj: Obj, kind: { apiVersion: string; kind: string }): boolean => ref.apiVersion === kind.apiVersion && ref.kind === kind.kind && ref.name === obj.metadata?.name;
export const hasOwnerRef = (target: Obj, owner: Obj): boolean => !!owner.metadata?.uid && refs(target).some((r) => r.uid === owner.metadata.uid);

/** hasStaleOwnerRef: a reference to an object of this name whose uid is not the current one's. */
export function hasStaleOwnerRef(target: Obj, obj: Obj, kind: { apiVersion: string; kind: string }): boolean {
  const ref = refs(target).find((r) => matchesRef(r, obj, kind));
  return !!ref && ref.uid !== obj.metadata?.uid;
}

/** hasUnexpectedController: with a non-Retain policy, some other controller (or a stale us) owns the claim. */
function hasUnexpectedController(claim: Obj, set: Obj, pod: Obj): boolean {
  const p = retentionPolicy(set);
  if (p.whenScaled === 'Retain' && p.whenDeleted === 'Retain') return false;
  for (const r of refs(claim)) {
    if (matchesRef(r, set, STS_KIND)) {
      if (r.uid !== set.metadata.uid) return true;
      continue;
    }
    if (matchesRef(r, pod, POD_KIND)) {
      if (r.uid !== pod.metadata?.uid) return true;
      continue;
    }
    if (r.controller === true) return true;
  }
  return false;
}

/** isClaimOwnerUpToDate: the claim's set and pod references agree with the retention policy. */
export function isClaimOwnerUpToDate(claim: Obj, set: Obj, pod: Obj): boolean {
  if (hasStaleOwnerRef(claim, set, STS_KIND) || hasStaleOwnerRef(claim, pod, POD_KIND)) return true;
  if (hasUnexpectedController(claim, set, pod)) return !(hasOwnerRef(claim, set) || hasOwnerRef(claim, pod));
  if (refs(claim).some((r) => (r.uid === set.metadata.uid || r.uid === pod.metadata?.uid) && r.controller !== true)) return false;
  const p = retentionPolicy(set);
  const scaledDown = !inOrdinalRange(pod, set);
  const wantSet = p.whenDeleted === 'Delete' && !(p.whenScaled === 'Delete' && scaledDown);
  const wantPod = p.whenScaled === 'Delete' && scaledDown;
  return hasOwnerRef(claim, set) === wantSet && hasOwnerRef(claim, pod) === wantPod;
}

/** updateClaimOwnerRefForSetAndPod: scrubs our references and adds the ones the policy asks for. Mutates. */
export function updateClaimOwnerRefs(claim: Obj, set: Obj, pod: Obj): void {
  const unexpected = hasUnexpectedController(claim, set, pod);
  let next = refs(claim).filter((r) => !matchesRef(r, set, STS_KIND) && !matchesRef(r, pod, POD_KIND));
  if (!unexpected) {
    const p = retentionPolicy(set);
    const scaledDown = !inOrdinalRange(pod, set);
    if (p.whenScaled === 'Delete' && scaledDown && pod.metadata?.uid) next = [...next, newControllerRef(pod, POD_KIND)];
    if (p.whenDeleted === 'Delete' && !(p.whenScaled === 'Delete' && scaledDown)) next = [...next, newControllerRef(set, STS_KIND)];
  }
  claim.metadata.ownerReferences = next;
}
