// Facts for apps/v1 (Deployment, ReplicaSet, StatefulSet, DaemonSet, ControllerRevision), coordination/v1 Lease
// and the meta/v1 + runtime types every object reaches, plus the type-level facts (+structType=atomic, opaque
// types). Written from k8s.io/api/apps/v1/types.go, k8s.io/api/coordination/v1/types.go and
// k8s.io/apimachinery/pkg/apis/meta/v1/types.go; notation in facts-dsl.ts.

import type { FieldSpecs } from './facts-dsl.js';

const META = 'meta.ObjectMeta';
const SELECTOR = 'meta.LabelSelector';
const TEMPLATE = 'core.PodTemplateSpec';

export const APPS_META_FIELD_SPECS: FieldSpecs = {
  'apps.Deployment': { metadata: META, spec: 'apps.DeploymentSpec', status: 'apps.DeploymentStatus' },
  'apps.DeploymentSpec': {
    selector: SELECTOR,
    // retainKeys: kubectl sends $retainKeys so switching to Recreate clears rollingUpdate.
    strategy: 'apps.DeploymentStrategy ps=retainKeys',
    template: TEMPLATE,
  },
  'apps.DeploymentStrategy': { rollingUpdate: 'apps.RollingUpdateDeployment' },
  'apps.DeploymentStatus': { conditions: 'apps.DeploymentCondition[] ps=merge pmk=type lt=map lmk=type' },

  'apps.ReplicaSet': { metadata: META, spec: 'apps.ReplicaSetSpec', status: 'apps.ReplicaSetStatus' },
  'apps.ReplicaSetSpec': { selector: SELECTOR, template: TEMPLATE },
  'apps.ReplicaSetStatus': { conditions: 'apps.ReplicaSetCondition[] ps=merge pmk=type lt=map lmk=type' },

  'apps.StatefulSet': { metadata: META, spec: 'apps.StatefulSetSpec', status: 'apps.StatefulSetStatus' },
  'apps.StatefulSetSpec': {
    ordinals: 'apps.StatefulSetOrdinals',
    persistentVolumeClaimRetentionPolicy: 'apps.StatefulSetPersistentVolumeClaimRetentionPolicy',
    selector: SELECTOR,
    template: TEMPLATE,
    updateStrategy: 'apps.StatefulSetUpdateStrategy',
    volumeClaimTemplates: 'core.PersistentVolumeClaim[] lt=atomic',
  },
  'apps.StatefulSetUpdateStrategy': { rollingUpdate: 'apps.RollingUpdateStatefulSetStrategy' },
  'apps.StatefulSetStatus': { conditions: 'apps.StatefulSetCondition[] ps=merge pmk=type lt=map lmk=type' },

  'apps.DaemonSet': { metadata: META, spec: 'apps.DaemonSetSpec', status: 'apps.DaemonSetStatus' },
  'apps.DaemonSetSpec': { selector: SELECTOR, template: TEMPLATE, updateStrategy: 'apps.DaemonSetUpdateStrategy' },
  'apps.DaemonSetUpdateStrategy': { rollingUpdate: 'apps.RollingUpdateDaemonSet' },
  'apps.DaemonSetStatus': { conditions: 'apps.DaemonSetCondition[] ps=merge pmk=type lt=map lmk=type' },

  'apps.ControllerRevision': { data: 'runtime.RawExtension', metadata: META },

  'coord.Lease': { metadata: META, spec: 'coord.LeaseSpec' },

  'meta.ObjectMeta': {
    annotations: 'string{}',
    finalizers: 'string[] ps=merge lt=set',
    labels: 'string{}',
    managedFields: 'meta.ManagedFieldsEntry[] lt=atomic',
    ownerReferences: 'meta.OwnerReference[] ps=merge pmk=uid lt=map lmk=uid',
  },
  'meta.ManagedFieldsEntry': { fieldsV1: 'meta.FieldsV1' },
  'meta.LabelSelector': {
    matchExpressions: 'meta.LabelSelectorRequirement[] lt=atomic',
    matchLabels: 'string{}',
  },
  'meta.LabelSelectorRequirement': { values: 'string[] lt=atomic' },
  // Struct types with only scalar fields (or, for the opaque ones, no fields at all).
  'apps.DaemonSetCondition': {},
  'apps.DeploymentCondition': {},
  'apps.ReplicaSetCondition': {},
  'apps.RollingUpdateDaemonSet': {},
  'apps.RollingUpdateDeployment': {},
  'apps.RollingUpdateStatefulSetStrategy': {},
  'apps.StatefulSetCondition': {},
  'apps.StatefulSetOrdinals': {},
  'apps.StatefulSetPersistentVolumeClaimRetentionPolicy': {},
  'coord.LeaseSpec': {},
  'meta.Condition': {},
  'meta.FieldsV1': {},
  'meta.OwnerReference': {},
  'runtime.RawExtension': {},
};

/** Type-level facts: `mt=atomic` for +structType=atomic (x-kubernetes-map-type on the type), `opaque`. */
export const TYPE_SPECS: Record<string, 'mt=atomic' | 'mt=granular' | 'opaque'> = {
  'core.ConfigMapKeySelector': 'mt=atomic',
  'core.EndpointAddress': 'mt=atomic',
  'core.EndpointPort': 'mt=atomic',
  'core.FileKeySelector': 'mt=atomic',
  'core.LocalObjectReference': 'mt=atomic',
  'core.NodeSelector': 'mt=atomic',
  'core.NodeSelectorTerm': 'mt=atomic',
  'core.ObjectFieldSelector': 'mt=atomic',
  'core.ObjectReference': 'mt=atomic',
  'core.ResourceFieldSelector': 'mt=atomic',
  'core.SecretKeySelector': 'mt=atomic',
  'core.TypedLocalObjectReference': 'mt=atomic',
  'meta.LabelSelector': 'mt=atomic',
  'meta.OwnerReference': 'mt=atomic',
  // Go structs whose JSON form is arbitrary (custom marshalling): no field of theirs can be looked up.
  'meta.FieldsV1': 'opaque',
  'runtime.RawExtension': 'opaque',
};
