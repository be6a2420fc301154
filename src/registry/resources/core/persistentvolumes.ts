// core/v1 PersistentVolume (upstream pkg/registry/core/persistentvolume): cluster-scoped, status subresource, the
// kubernetes.io/pv-protection finalizer added on create (the StorageObjectInUseProtection admission plugin), defaults
// from SetDefaults_PersistentVolume.
import { age } from '../../../machinery/duration.js';
import { forbidden, required, type FieldError } from '../../../machinery/validation.js';
import { col, AGE, NAME_DESCRIPTION } from '../../columns.js';
import { accessModesString, storageOf, volumeClass } from '../../printers/volume.js';
import type { ResourceDef } from '../../types.js';
type Obj = Record<string, any>;

export const PV_PROTECTION_FINALIZER = 'kubernetes.io/pv-protection';

/** The volume sources a PersistentVolumeSpec may carry (exactly one is required, like ValidatePersistentVolumeSpec). */
const PV_SOURCES = [
  'awsElasticBlockStore', 'azureDisk', 'azureFile', 'cephfs', 'cinder', 'csi', 'fc', 'flexVolume', 'flocker',
  'gcePersistentDisk', 'glusterfs', 'hostPath', 'iscsi', 'local', 'nfs', 'photonPersistentDisk', 'portworxVolume',
  'quobyte', 'rbd', 'scaleIO', 'storageos', 'vsphereVolume',
];

function validate(pv: Obj): FieldError[] {
  const spec = pv.spec ?? {};
  const errs: FieldError[] = [];
  if (!Array.isArray(spec.accessModes) || !spec.accessModes.length) errs.push(required('spec.accessModes'));
  if (spec.capacity?.storage === undefined) errs.push(required('spec.capacity'));
  const sources = PV_SOURCES.filter((s) => spec[s] !== undefined && spec[s] !== null);
  if (sources.length === 0) errs.push(required('spec', 'must specify a volume type'));
  else if (sources.length > 1) errs.push(forbidden(`spec.${sources[1]}`, 'may not specify more than 1 volume type'));
  return errs;
}

export const persistentvolumes: ResourceDef = {
  group: '',
  version: 'v1',
  kind: 'PersistentVolume',
  plural: 'persistentvolumes',
  singular: 'persistentvolume',
  namespaced: false,
  shortNames: ['pv'],
  nameRule: 'subdomain',
  statusSubresource: true,
  subresources: [{ name: 'status', verbs: ['get', 'patch', 'update'] }],
  columns: [
    col('Name', NAME_DESCRIPTION),
    col('Capacity', 'capacity is the description of the persistent volume\'s resources and capacity. More info: https://kubernetes.io/docs/concepts/storage/persistent-volumes#capacity'),
    col('Access Modes', 'accessModes contains all ways the volume can be mounted. More info: https://kubernetes.io/docs/concepts/storage/persistent-volumes#access-modes'),
    col('Reclaim Policy', 'persistentVolumeReclaimPolicy defines what happens to a persistent volume when released from its claim. Valid options are Retain (default for manually created PersistentVolumes), Delete (default for dynamically provisioned PersistentVolumes), and Recycle (deprecated). Recycle must be supported by the volume plugin underlying this PersistentVolume. More info: https://kubernetes.io/docs/concepts/storage/persistent-volumes#reclaiming'),
    col('Status', 'phase indicates if a volume is available, bound to a claim, or released by a claim. More info: https://kubernetes.io/docs/concepts/storage/persistent-volumes#phase'),
    col('Claim', 'claimRef is part of a bi-directional binding between PersistentVolume and PersistentVolumeClaim. Expected to be non-nil when bound. claim.VolumeName is the authoritative bind between PV and PVC. More info: https://kubernetes.io/docs/concepts/storage/persistent-volumes#binding'),
    col('StorageClass', 'StorageClass of the pv'),
    col('VolumeAttributesClass', 'VolumeAttributesClass of the pv'),
    col('Reason', 'reason is a brief CamelCase string that describes any failure and is meant for machine parsing and tidy display in the CLI.'),
    AGE,
    col('VolumeMode', 'volumeMode defines if a volume is intended to be used with a formatted filesystem or to remain in raw block state. Value of Filesystem is implied when not included in spec.', 1),
  ],
  // printPersistentVolume: Terminating while being deleted; <unset> for absent volumeMode / attributes class.
  cells: (o, now) => {
    const spec = o.spec ?? {};
    const ref = spec.claimRef;
    return [
      o.metadata?.name,
      storageOf(spec.capacity),
      accessModesString(spec.accessModes),
      spec.persistentVolumeReclaimPolicy ?? '',
      o.metadata?.deletionTimestamp ? 'Terminating' : (o.status?.phase ?? ''),
      ref ? `${ref.namespace ?? ''}/${ref.name ?? ''}` : '',
      volumeClass(o),
      spec.volumeAttributesClassName ?? '<unset>',
      o.status?.reason ?? '',
      age(o.metadata?.creationTimestamp, now),
      spec.volumeMode ?? '<unset>',
    ];
  },
  defaults: (o) => {
    const spec = (o.spec ??= {});
    spec.persistentVolumeReclaimPolicy ??= 'Retain';
    spec.volumeMode ??= 'Filesystem';
  },
  // persistentvolumeStrategy.PrepareForCreate: a fresh Pending status stamped with its transition time.
  prepareForCreate: (o) => {
    o.status = { phase: 'Pending', lastPhaseTransitionTime: o.metadata?.creationTimestamp };
    const fin: string[] = (o.metadata.finalizers ??= []);
    if (!fin.includes(PV_PROTECTION_FINALIZER)) fin.push(PV_PROTECTION_FINALIZER);
  },
  validate,
};
