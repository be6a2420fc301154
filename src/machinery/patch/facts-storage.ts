// Facts for core/v1 PersistentVolume and storage.k8s.io/v1 StorageClass (PersistentVolumeClaim's types live in
// facts-core-volume.ts, reached from StatefulSet volumeClaimTemplates). Written from k8s.io/api/core/v1/types.go and
// k8s.io/api/storage/v1/types.go; notation in facts-dsl.ts.

import type { FieldSpecs } from './facts-dsl.js';

const SECRET_REF = 'core.SecretReference';

export const STORAGE_FIELD_SPECS: FieldSpecs = {
  'core.PersistentVolume': { metadata: 'meta.ObjectMeta', spec: 'core.PersistentVolumeSpec', status: 'core.PersistentVolumeStatus' },
  'core.PersistentVolumeSpec': {
    accessModes: 'string[] lt=atomic',
    awsElasticBlockStore: 'core.AWSElasticBlockStoreVolumeSource',
    azureDisk: 'core.AzureDiskVolumeSource',
    azureFile: 'core.AzureFilePersistentVolumeSource',
    capacity: 'Quantity{}',
    cephfs: 'core.CephFSPersistentVolumeSource',
    cinder: 'core.CinderPersistentVolumeSource',
    claimRef: 'core.ObjectReference mt=granular',
    csi: 'core.CSIPersistentVolumeSource',
    fc: 'core.FCVolumeSource',
    flexVolume: 'core.FlexPersistentVolumeSource',
    flocker: 'core.FlockerVolumeSource',
    gcePersistentDisk: 'core.GCEPersistentDiskVolumeSource',
    glusterfs: 'core.GlusterfsPersistentVolumeSource',
    hostPath: 'core.HostPathVolumeSource',
    iscsi: 'core.ISCSIPersistentVolumeSource',
    local: 'core.LocalVolumeSource',
    mountOptions: 'string[] lt=atomic',
    nfs: 'core.NFSVolumeSource',
    nodeAffinity: 'core.VolumeNodeAffinity',
    photonPersistentDisk: 'core.PhotonPersistentDiskVolumeSource',
    portworxVolume: 'core.PortworxVolumeSource',
    quobyte: 'core.QuobyteVolumeSource',
    rbd: 'core.RBDPersistentVolumeSource',
    scaleIO: 'core.ScaleIOPersistentVolumeSource',
    storageos: 'core.StorageOSPersistentVolumeSource',
    vsphereVolume: 'core.VsphereVirtualDiskVolumeSource',
  },
  'core.CSIPersistentVolumeSource': {
    controllerExpandSecretRef: SECRET_REF,
    controllerPublishSecretRef: SECRET_REF,
    nodeExpandSecretRef: SECRET_REF,
    nodePublishSecretRef: SECRET_REF,
    nodeStageSecretRef: SECRET_REF,
    volumeAttributes: 'string{}',
  },
  'core.CephFSPersistentVolumeSource': { monitors: 'string[] lt=atomic', secretRef: SECRET_REF },
  'core.CinderPersistentVolumeSource': { secretRef: SECRET_REF },
  'core.FlexPersistentVolumeSource': { options: 'string{}', secretRef: SECRET_REF },
  'core.ISCSIPersistentVolumeSource': { portals: 'string[] lt=atomic', secretRef: SECRET_REF },
  'core.RBDPersistentVolumeSource': { monitors: 'string[] lt=atomic', secretRef: SECRET_REF },
  'core.ScaleIOPersistentVolumeSource': { secretRef: SECRET_REF },
  'core.StorageOSPersistentVolumeSource': { secretRef: 'core.ObjectReference' },
  'core.VolumeNodeAffinity': { required: 'core.NodeSelector' },
  'storage.StorageClass': {
    allowedTopologies: 'core.TopologySelectorTerm[] lt=atomic',
    metadata: 'meta.ObjectMeta',
    mountOptions: 'string[] lt=atomic',
    parameters: 'string{}',
  },
  'core.TopologySelectorTerm': { matchLabelExpressions: 'core.TopologySelectorLabelRequirement[] lt=atomic' },
  'core.TopologySelectorLabelRequirement': { values: 'string[] lt=atomic' },
  // Struct types with only scalar fields.
  'core.AzureFilePersistentVolumeSource': {},
  'core.GlusterfsPersistentVolumeSource': {},
  'core.LocalVolumeSource': {},
  'core.PersistentVolumeStatus': {},
  'core.SecretReference': {},
};

/** Type-level map types of the storage types (+structType=atomic). */
export const STORAGE_TYPE_SPECS: Record<string, 'mt=atomic'> = {
  'core.SecretReference': 'mt=atomic',
  'core.TopologySelectorTerm': 'mt=atomic',
};
