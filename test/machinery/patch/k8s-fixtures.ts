// Realistic stored objects for the strategic merge patch tests.

import type { JsonObject } from '../../../src/machinery/patch/json.js';

export const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

export function deployment(): JsonObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      name: 'web-app',
      namespace: 'default',
      uid: '6b1f3c2e-0000-4000-8000-000000000001',
      resourceVersion: '1065',
      generation: 1,
      creationTimestamp: '2025-01-01T00:00:00Z',
      labels: { app: 'web' },
      annotations: { 'deployment.kubernetes.io/revision': '1', [LAST_APPLIED]: '{"old":true}\n' },
      finalizers: ['example.com/a', 'example.com/b'],
    },
    spec: {
      replicas: 2,
      selector: { matchLabels: { app: 'web' } },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '25%', maxSurge: '25%' } },
      revisionHistoryLimit: 10,
      progressDeadlineSeconds: 600,
      template: {
        metadata: { labels: { app: 'web' } },
        spec: {
          containers: [
            {
              name: 'web',
              image: 'nginx:1.25',
              ports: [{ containerPort: 80, protocol: 'TCP' }],
              env: [
                { name: 'A', value: '1' },
                { name: 'B', value: '2' },
                { name: 'C', value: '3' },
              ],
              resources: { limits: { cpu: '500m' }, requests: { cpu: '100m' } },
              volumeMounts: [{ name: 'data', mountPath: '/data' }],
              terminationMessagePath: '/dev/termination-log',
              terminationMessagePolicy: 'File',
              imagePullPolicy: 'IfNotPresent',
            },
          ],
          volumes: [{ name: 'data', emptyDir: {} }],
          restartPolicy: 'Always',
          terminationGracePeriodSeconds: 30,
          dnsPolicy: 'ClusterFirst',
          nodeSelector: { disk: 'ssd' },
          tolerations: [{ key: 'a', operator: 'Exists' }],
          imagePullSecrets: [{ name: 'regcred' }],
          securityContext: {},
          schedulerName: 'default-scheduler',
        },
      },
    },
    status: {
      observedGeneration: 1,
      replicas: 2,
      conditions: [
        { type: 'Available', status: 'True', reason: 'MinimumReplicasAvailable' },
        { type: 'Progressing', status: 'True', reason: 'NewReplicaSetAvailable' },
      ],
    },
  };
}

export function node(): JsonObject {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name: 'node-1', labels: { 'kubernetes.io/hostname': 'node-1' } },
    spec: { podCIDR: '10.244.0.0/24', podCIDRs: ['10.244.0.0/24'] },
    status: {
      addresses: [
        { type: 'InternalIP', address: '10.0.0.1' },
        { type: 'Hostname', address: 'node-1' },
      ],
      conditions: [
        { type: 'MemoryPressure', status: 'False' },
        { type: 'Ready', status: 'True', reason: 'KubeletReady' },
      ],
      capacity: { cpu: '4', memory: '8Gi' },
    },
  };
}

export function pod(): JsonObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: 'p',
      namespace: 'default',
      ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'rs', uid: 'u1', controller: true }],
    },
    spec: {
      containers: [{ name: 'c', image: 'busybox' }],
      tolerations: [{ key: 'a', operator: 'Exists' }],
    },
    status: {
      phase: 'Pending',
      conditions: [{ type: 'PodScheduled', status: 'True' }],
    },
  };
}

/** Recursively freezes a value, so a test fails if an implementation mutates its inputs. */
export function deepFreeze<T>(v: T): T {
  if (typeof v === 'object' && v !== null) {
    for (const child of Object.values(v)) deepFreeze(child);
    Object.freeze(v);
  }
  return v;
}
