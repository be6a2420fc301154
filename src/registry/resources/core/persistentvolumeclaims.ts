// core/v1 PersistentVolumeClaim (upstream pkg/registry/core/persistentvolumeclaim): status subresource, the
// kubernetes.io/pvc-protection finalizer added on create (the StorageObjectInUseProtection admission plugin), defaults
// from SetDefaults_PersistentVolumeClaim, and the spec immutability of ValidatePersistentVolumeClaimUpdate.
import { isDeepStrictEqual } from 'node:util';
import { age } from '../../../machinery/duration.js';
import { forbidden, keyPath, required, type FieldError } from '../../../machinery/validation.js';
import { col, AGE, NAME_DESCRIPTION } from '../../columns.js';
import { accessModesString, claimClass, storageOf } from '../../printers/volume.js';
import type { ResourceDef } from '../../types.js';
type Obj = Record<string, any>;

export const PVC_PROTECTION_FINALIZER = 'kubernetes.io/pvc-protection';

/** SetDefaults_PersistentVolumeClaim and _Spec (also applied to StatefulSet volumeClaimTemplates). */
export function defaultClaim(o: Obj): void {
  const spec = (o.spec ??= {});
  spec.volumeMode ??= 'Filesystem';
}

function validate(pvc: Obj): FieldError[] {
  const spec = pvc.spec ?? {};
  const errs: FieldError[] = [];
  if (!Array.isArray(spec.accessModes) || !spec.accessModes.length) errs.push(required('spec.accessModes', 'at least 1 access mode is required'));
  if (spec.resources?.requests?.storage === undefined) errs.push(required(keyPath('spec.resources', 'storage')));
  return errs;
}

/**
 * ValidatePersistentVolumeClaimUpdate: the spec is immutable except resources.requests and
 * volumeAttributesClassName; volumeName may be set once (by the binder) and storageClassName may go from unset to a
 * class (retroactive default StorageClass assignment).
 */
function validateUpdate(pvc: Obj, old: Obj): FieldError[] {
  const cur = structuredClone(pvc.spec ?? {});
  const prev = structuredClone(old.spec ?? {});
  for (const s of [cur, prev]) {
    delete s.resources?.requests;
    delete s.volumeAttributesClassName;
  }
  const settable = [...(prev.volumeName ? [] : ['volumeName']), ...(prev.storageClassName == null ? ['storageClassName'] : [])];
  for (const k of settable) {
    delete cur[k];
    delete prev[k];
  }
  if (isDeepStrictEqual(cur, prev)) return [];
  return [forbidden('spec', 'spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims')];
}

export const persistentvolumeclaims: ResourceDef = {
  group: '',
  version: 'v1',
  kind: 'PersistentVolumeClaim',
  plural: 'persistentvolumeclaims',
  singular: 'persistentvolumeclaim',
  namespaced: true,
  shortNames: ['pvc'],
  nameRule: 'subdomain',
  statusSubresource: true,
  subresources: [{ name: 'status', verbs: ['get', 'patch', 'update'] }],
  columns: [
    col('Name', NAME_DESCRIPTION),
    col('Status', 'phase represents the current phase of PersistentVolumeClaim.'),
    col('Volume', 'volumeName is the binding reference to the PersistentVolume backing this claim.'),
    col('Capacity', 'capacity represents the actual resources of the underlying volume.'),
    col('Access Modes', 'accessModes contains the actual access modes the volume backing the PVC has. More info: https://kubernetes.io/docs/concepts/storage/persistent-volumes#access-modes-1'),
    col('StorageClass', 'StorageClass of the pvc'),
    col('VolumeAttributesClass', 'VolumeAttributesClass of the pvc'),
    AGE,
    col('VolumeMode', 'volumeMode defines what type of volume is required by the claim. Value of Filesystem is implied when not included in claim spec.', 1),
  ],
  // printPersistentVolumeClaim: capacity and access modes only once a volume is bound.
  cells: (o, now) => {
    const spec = o.spec ?? {};
    const bound = !!spec.volumeName;
    return [
      o.metadata?.name,
      o.metadata?.deletionTimestamp ? 'Terminating' : (o.status?.phase ?? ''),
      spec.volumeName ?? '',
      bound ? storageOf(o.status?.capacity) : '',
      bound ? accessModesString(o.status?.accessModes) : '',
      claimClass(o),
      spec.volumeAttributesClassName ?? '<unset>',
      age(o.metadata?.creationTimestamp, now),
      spec.volumeMode ?? '<unset>',
    ];
  },
  defaults: defaultClaim,
  // persistentvolumeclaimStrategy.PrepareForCreate resets status; SetDefaults_PersistentVolumeClaim makes it Pending.
  prepareForCreate: (o) => {
    o.status = { phase: 'Pending' };
    const fin: string[] = (o.metadata.finalizers ??= []);
    if (!fin.includes(PVC_PROTECTION_FINALIZER)) fin.push(PVC_PROTECTION_FINALIZER);
  },
  validate,
  validateUpdate,
};
