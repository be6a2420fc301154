// What a kubelet reports about its node (upstream pkg/kubelet/nodestatus setters): capacity and allocatable, addresses,
// nodeInfo, the pressure and Ready conditions with heartbeat times, daemon endpoints and images, plus the default
// labels it keeps on the Node (kubernetes.io/hostname, os, arch).
import { createHash } from 'node:crypto';
import { rfc3339 } from '../clock.js';
import { imageID, imageSize, normalizeImage } from './images.js';

type Obj = Record<string, any>;

/** Node annotations that override the simulated machine size (documented in README). */
export const CAPACITY_ANNOTATIONS = { cpu: 'kubesim.io/cpu', memory: 'kubesim.io/memory', pods: 'kubesim.io/pods' } as const;

/** A 4 CPU / ~8 GiB machine; allocatable subtracts kubeadm's default eviction thresholds (memory 100Mi, nodefs 10%). */
export const DEFAULT_CAPACITY = {
  cpu: '4',
  memory: '8152944Ki',
  allocatableMemory: '8050544Ki',
  ephemeralStorage: '101430960Ki',
  allocatableEphemeralStorage: '93478772582',
  pods: '110',
};

export const NODE_INFO_DEFAULTS = {
  containerRuntimeVersion: 'containerd://1.7.24',
  kernelVersion: '5.15.0-130-generic',
  osImage: 'Ubuntu 22.04.5 LTS',
  operatingSystem: 'linux',
  architecture: 'amd64',
};

/** Images every node of a kubeadm cluster has (pre-pulled control-plane and add-on images). */
export function preloadedImages(kubernetesVersion: string): string[] {
  return [
    'registry.k8s.io/pause:3.10',
    'registry.k8s.io/etcd:3.5.15-0',
    `registry.k8s.io/kube-apiserver:${kubernetesVersion}`,
    `registry.k8s.io/kube-controller-manager:${kubernetesVersion}`,
    `registry.k8s.io/kube-scheduler:${kubernetesVersion}`,
    `registry.k8s.io/kube-proxy:${kubernetesVersion}`,
    'registry.k8s.io/coredns/coredns:v1.11.3',
    'docker.io/flannel/flannel:v0.26.1',
    'docker.io/flannel/flannel-cni-plugin:v1.5.1-flannel2',
  ];
}

function stableHex(seed: string, len: number): string {
  return createHash('sha256').update(seed).digest('hex').slice(0, len);
}

function uuidFrom(seed: string): string {
  const h = stableHex(seed, 32);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

export function defaultNodeLabels(name: string): Record<string, string> {
  return {
    'beta.kubernetes.io/arch': 'amd64',
    'beta.kubernetes.io/os': 'linux',
    'kubernetes.io/arch': 'amd64',
    'kubernetes.io/hostname': name,
    'kubernetes.io/os': 'linux',
  };
}

const CONDITIONS = [
  { type: 'MemoryPressure', status: 'False', reason: 'KubeletHasSufficientMemory', message: 'kubelet has sufficient memory available' },
  { type: 'DiskPressure', status: 'False', reason: 'KubeletHasNoDiskPressure', message: 'kubelet has no disk pressure' },
  { type: 'PIDPressure', status: 'False', reason: 'KubeletHasSufficientPID', message: 'kubelet has sufficient PID available' },
  { type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status' },
];

/** The healthy conditions with this heartbeat; transition times move only when a condition's status changes. */
export function nodeConditions(previous: Obj[] | undefined, now: number): Obj[] {
  const ts = rfc3339(now);
  return CONDITIONS.map((c) => {
    const prev = (previous ?? []).find((p) => p.type === c.type);
    const same = prev && prev.status === c.status;
    return { ...c, lastHeartbeatTime: ts, lastTransitionTime: same ? prev.lastTransitionTime : ts };
  });
}

export interface NodeIdentity {
  name: string;
  internalIP: string;
  kubeletVersion: string;
  bootedAt: number;
}

/** The full status a kubelet posts for its node at registration and on each status update. */
export function nodeStatus(node: Obj | undefined, id: NodeIdentity, images: Iterable<string>, now: number): Obj {
  const ann = node?.metadata?.annotations ?? {};
  const cpu = ann[CAPACITY_ANNOTATIONS.cpu] ?? DEFAULT_CAPACITY.cpu;
  const pods = ann[CAPACITY_ANNOTATIONS.pods] ?? DEFAULT_CAPACITY.pods;
  const memory = ann[CAPACITY_ANNOTATIONS.memory] ?? DEFAULT_CAPACITY.memory;
  const allocMemory = ann[CAPACITY_ANNOTATIONS.memory] ?? DEFAULT_CAPACITY.allocatableMemory;
  const hugepages = { 'hugepages-1Gi': '0', 'hugepages-2Mi': '0' };
  return {
    capacity: { cpu, 'ephemeral-storage': DEFAULT_CAPACITY.ephemeralStorage, ...hugepages, memory, pods },
    allocatable: { cpu, 'ephemeral-storage': DEFAULT_CAPACITY.allocatableEphemeralStorage, ...hugepages, memory: allocMemory, pods },
    conditions: nodeConditions(node?.status?.conditions, now),
    addresses: [
      { type: 'InternalIP', address: id.internalIP },
      { type: 'Hostname', address: id.name },
    ],
    daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
    nodeInfo: {
      machineID: stableHex(`machine:${id.name}`, 32),
      systemUUID: uuidFrom(`system:${id.name}`),
      bootID: uuidFrom(`boot:${id.name}:${id.bootedAt}`),
      kernelVersion: NODE_INFO_DEFAULTS.kernelVersion,
      osImage: NODE_INFO_DEFAULTS.osImage,
      containerRuntimeVersion: NODE_INFO_DEFAULTS.containerRuntimeVersion,
      kubeletVersion: id.kubeletVersion,
      kubeProxyVersion: id.kubeletVersion,
      operatingSystem: NODE_INFO_DEFAULTS.operatingSystem,
      architecture: NODE_INFO_DEFAULTS.architecture,
    },
    images: [...images].map((i) => ({ names: [imageID(i), normalizeImage(i)], sizeBytes: imageSize(i) })),
  };
}
