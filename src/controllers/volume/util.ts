// Volume binding helpers (upstream pkg/controller/volume/persistentvolume/pv_controller.go and util: the annotations,
// FindMatchingVolume, GetDefaultClass, and the PersistentVolume a provisioner creates for a claim).
import { selectorFromLabelSelector } from '../../machinery/labels.js';
import { parseQuantity } from '../../machinery/quantity.js';
import type { Obj } from '../../registry/types.js';
import { claimClass, isDefaultClass, volumeClass } from '../../registry/printers/volume.js';
import { matchNodeSelectorTerms } from '../../scheduler/selectors.js';

export const ANN_BIND_COMPLETED = 'pv.kubernetes.io/bind-completed';
export const ANN_BOUND_BY_CONTROLLER = 'pv.kubernetes.io/bound-by-controller';
export const ANN_PROVISIONED_BY = 'pv.kubernetes.io/provisioned-by';
export const ANN_STORAGE_PROVISIONER = 'volume.kubernetes.io/storage-provisioner';
export const ANN_BETA_STORAGE_PROVISIONER = 'volume.beta.kubernetes.io/storage-provisioner';
export const ANN_SELECTED_NODE = 'volume.kubernetes.io/selected-node';
/** The provisioner name of classes whose volumes are only ever created by hand (local volumes). */
export const NO_PROVISIONER = 'kubernetes.io/no-provisioner';
/** Where simulated hostPath volumes live on the (simulated) node. */
export const HOSTPATH_ROOT = '/var/lib/kubesim/volumes';

export const requestedStorage = (pvc: Obj): number => parseQuantity(pvc.spec?.resources?.requests?.storage);
export const isWaitForFirstConsumer = (sc: Obj | undefined): boolean => sc?.volumeBindingMode === 'WaitForFirstConsumer';

/** GetDefaultClass: the newest class annotated as default (name breaks ties), if any. */
export function defaultClass(classes: Obj[]): Obj | undefined {
  const defaults = classes.filter(isDefaultClass);
  defaults.sort((a, b) => (Date.parse(b.metadata?.creationTimestamp ?? '') || 0) - (Date.parse(a.metadata?.creationTimestamp ?? '') || 0) || (a.metadata.name < b.metadata.name ? -1 : 1));
  return defaults[0];
}

/** The claims a pod mounts (persistentVolumeClaim volumes; generic ephemeral volumes are named `<pod>-<volume>`). */
export function claimsOfPod(pod: Obj): string[] {
  const out: string[] = [];
  for (const v of pod.spec?.volumes ?? []) {
    if (v?.persistentVolumeClaim?.claimName) out.push(v.persistentVolumeClaim.claimName);
    else if (v?.ephemeral) out.push(`${pod.metadata?.name}-${v.name}`);
  }
  return out;
}

export const isPodTerminal = (pod: Obj): boolean => pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed';

/** claimRef.uid/name agree with the claim (a stale ref to a deleted claim of the same name does not). */
export function claimRefMatches(pv: Obj, pvc: Obj): boolean {
  const ref = pv.spec?.claimRef;
  return !!ref && ref.name === pvc.metadata?.name && ref.namespace === pvc.metadata?.namespace && (!ref.uid || ref.uid === pvc.metadata?.uid);
}

/**
 * FindMatchingVolume: the smallest volume of the claim's class that is free (or pre-bound to this claim), large
 * enough, with the requested access modes, volume mode, selector and, when a node is chosen, node affinity.
 */
export function findMatchingVolume(pvc: Obj, volumes: Obj[], node?: Obj): Obj | undefined {
  const want = requestedStorage(pvc);
  const modes: string[] = pvc.spec?.accessModes ?? [];
  let selector: ReturnType<typeof selectorFromLabelSelector> | undefined;
  try {
    selector = pvc.spec?.selector ? selectorFromLabelSelector(pvc.spec.selector) : undefined;
  } catch {
    return undefined;
  }
  let best: Obj | undefined;
  for (const pv of volumes) {
    if (pv.metadata?.deletionTimestamp) continue;
    const ref = pv.spec?.claimRef;
    if (ref && !claimRefMatches(pv, pvc)) continue;
    // A volume pre-bound to this claim wins outright (upstream checks claimRef first).
    if (ref && claimRefMatches(pv, pvc)) return pv;
    if (pv.status?.phase && pv.status.phase !== 'Available' && pv.status.phase !== 'Pending') continue;
    if (volumeClass(pv) !== claimClass(pvc)) continue;
    if ((pv.spec?.volumeMode ?? 'Filesystem') !== (pvc.spec?.volumeMode ?? 'Filesystem')) continue;
    const size = parseQuantity(pv.spec?.capacity?.storage);
    if (!(size >= want)) continue;
    if (!modes.every((m) => (pv.spec?.accessModes ?? []).includes(m))) continue;
    if (selector && !selector.matches(pv.metadata?.labels)) continue;
    const terms = pv.spec?.nodeAffinity?.required?.nodeSelectorTerms;
    if (node && terms && !matchNodeSelectorTerms(node, terms)) continue;
    if (!best || size < parseQuantity(best.spec?.capacity?.storage)) best = pv;
  }
  return best;
}

/** A claimRef as the binder writes it (an ObjectReference to the claim). */
export function claimRefOf(pvc: Obj): Obj {
  const m = pvc.metadata;
  return { apiVersion: 'v1', kind: 'PersistentVolumeClaim', namespace: m.namespace, name: m.name, uid: m.uid, resourceVersion: m.resourceVersion };
}

/** The volume a hostPath-style provisioner creates for a claim: `pvc-<uid>`, pinned to the selected node if any. */
export function provisionedVolume(pvc: Obj, sc: Obj, selectedNode?: string): Obj {
  const name = `pvc-${pvc.metadata.uid}`;
  const spec: Obj = {
    accessModes: [...(pvc.spec?.accessModes ?? [])],
    capacity: { storage: pvc.spec?.resources?.requests?.storage },
    claimRef: claimRefOf(pvc),
    hostPath: { path: `${HOSTPATH_ROOT}/${name}`, type: 'DirectoryOrCreate' },
    persistentVolumeReclaimPolicy: sc.reclaimPolicy ?? 'Delete',
    storageClassName: sc.metadata.name,
    volumeMode: pvc.spec?.volumeMode ?? 'Filesystem',
  };
  if (sc.mountOptions?.length) spec.mountOptions = [...sc.mountOptions];
  if (selectedNode) {
    spec.nodeAffinity = { required: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: [selectedNode] }] }] } };
  }
  return { apiVersion: 'v1', kind: 'PersistentVolume', metadata: { name, annotations: { [ANN_PROVISIONED_BY]: sc.provisioner } }, spec };
}
