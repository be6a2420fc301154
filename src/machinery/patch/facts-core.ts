// Facts for the other served core/v1 kinds: Namespace, Node, Service, Endpoints, ConfigMap, Secret,
// ServiceAccount, Event. Written from k8s.io/api/core/v1/types.go; notation in facts-dsl.ts.

import type { FieldSpecs } from './facts-dsl.js';

const NODE_CONFIG_SOURCE = 'core.NodeConfigSource';

export const CORE_FIELD_SPECS: FieldSpecs = {
  'core.Namespace': { metadata: 'meta.ObjectMeta', spec: 'core.NamespaceSpec', status: 'core.NamespaceStatus' },
  // Namespace finalizers are a plain (atomic) list, unlike metadata.finalizers.
  'core.NamespaceSpec': { finalizers: 'string[] lt=atomic' },
  'core.NamespaceStatus': { conditions: 'core.NamespaceCondition[] ps=merge pmk=type lt=map lmk=type' },

  'core.Node': { metadata: 'meta.ObjectMeta', spec: 'core.NodeSpec', status: 'core.NodeStatus' },
  'core.NodeSpec': {
    configSource: NODE_CONFIG_SOURCE,
    podCIDRs: 'string[] ps=merge lt=set',
    taints: 'core.Taint[] lt=atomic',
  },
  'core.NodeConfigSource': { configMap: 'core.ConfigMapNodeConfigSource' },
  'core.NodeStatus': {
    addresses: 'core.NodeAddress[] ps=merge pmk=type lt=map lmk=type',
    allocatable: 'Quantity{}',
    capacity: 'Quantity{}',
    conditions: 'core.NodeCondition[] ps=merge pmk=type lt=map lmk=type',
    config: 'core.NodeConfigStatus',
    daemonEndpoints: 'core.NodeDaemonEndpoints',
    declaredFeatures: 'string[] lt=atomic',
    features: 'core.NodeFeatures',
    images: 'core.ContainerImage[] lt=atomic',
    nodeInfo: 'core.NodeSystemInfo',
    runtimeHandlers: 'core.NodeRuntimeHandler[] lt=atomic',
    volumesAttached: 'core.AttachedVolume[] lt=atomic',
    volumesInUse: 'string[] lt=atomic',
  },
  'core.NodeConfigStatus': { active: NODE_CONFIG_SOURCE, assigned: NODE_CONFIG_SOURCE, lastKnownGood: NODE_CONFIG_SOURCE },
  'core.NodeDaemonEndpoints': { kubeletEndpoint: 'core.DaemonEndpoint' },
  'core.ContainerImage': { names: 'string[] lt=atomic' },
  'core.NodeSystemInfo': { swap: 'core.NodeSwapStatus' },
  'core.NodeRuntimeHandler': { features: 'core.NodeRuntimeHandlerFeatures' },

  'core.Service': { metadata: 'meta.ObjectMeta', spec: 'core.ServiceSpec', status: 'core.ServiceStatus' },
  'core.ServiceSpec': {
    clusterIPs: 'string[] lt=atomic',
    externalIPs: 'string[] lt=atomic',
    ipFamilies: 'string[] lt=atomic',
    loadBalancerSourceRanges: 'string[] lt=atomic',
    ports: 'core.ServicePort[] ps=merge pmk=port lt=map lmk=port,protocol',
    selector: 'string{} mt=atomic',
    sessionAffinityConfig: 'core.SessionAffinityConfig',
  },
  'core.SessionAffinityConfig': { clientIP: 'core.ClientIPConfig' },
  'core.ServiceStatus': {
    conditions: 'meta.Condition[] ps=merge pmk=type lt=map lmk=type',
    loadBalancer: 'core.LoadBalancerStatus',
  },
  'core.LoadBalancerStatus': { ingress: 'core.LoadBalancerIngress[] lt=atomic' },
  'core.LoadBalancerIngress': { ports: 'core.PortStatus[] lt=atomic' },

  'core.Endpoints': { metadata: 'meta.ObjectMeta', subsets: 'core.EndpointSubset[] lt=atomic' },
  'core.EndpointSubset': {
    addresses: 'core.EndpointAddress[] lt=atomic',
    notReadyAddresses: 'core.EndpointAddress[] lt=atomic',
    ports: 'core.EndpointPort[] lt=atomic',
  },
  'core.EndpointAddress': { targetRef: 'core.ObjectReference' },

  'core.ConfigMap': { binaryData: 'string{}', data: 'string{}', metadata: 'meta.ObjectMeta' },
  'core.Secret': { data: 'string{}', metadata: 'meta.ObjectMeta', stringData: 'string{}' },
  'core.ServiceAccount': {
    // Atomic here, merged by name in PodSpec.
    imagePullSecrets: 'core.LocalObjectReference[] lt=atomic',
    metadata: 'meta.ObjectMeta',
    secrets: 'core.ObjectReference[] ps=merge pmk=name lt=map lmk=name',
  },
  'core.Event': {
    involvedObject: 'core.ObjectReference',
    metadata: 'meta.ObjectMeta',
    related: 'core.ObjectReference',
    series: 'core.EventSeries',
    source: 'core.EventSource',
  },
  // Struct types with only scalar fields.
  'core.AttachedVolume': {},
  'core.ClientIPConfig': {},
  'core.ConfigMapNodeConfigSource': {},
  'core.DaemonEndpoint': {},
  'core.EndpointPort': {},
  'core.EventSeries': {},
  'core.EventSource': {},
  'core.NamespaceCondition': {},
  'core.NodeAddress': {},
  'core.NodeCondition': {},
  'core.NodeFeatures': {},
  'core.NodeRuntimeHandlerFeatures': {},
  'core.NodeSwapStatus': {},
  'core.ObjectReference': {},
  'core.PortStatus': {},
  'core.ServicePort': {},
  'core.Taint': {},
};
