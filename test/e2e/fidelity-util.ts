// Shared by the kubectl fidelity suites: reading kubectl's printed tables, and cluster objects with deterministic
// printed cells (a node no simulated kubelet manages, pods whose status the test writes).
import { apiOk } from '../helpers/http.js';

/** Non-empty output lines. */
export function lines(s: string): string[] {
  return s.split('\n').filter((l) => l.trim() !== '');
}

/** The cells of a kubectl table line: columns are separated by at least three spaces, cells contain at most one. */
export function cells(line: string): string[] {
  return line.trim().split(/\s{2,}/);
}

export interface PrintedTable {
  header: string[];
  rows: string[][];
}

export function parseTable(out: string): PrintedTable {
  const [head, ...rest] = lines(out);
  return { header: cells(head ?? ''), rows: rest.map(cells) };
}

/** The row whose `column` (default NAME) is `value`. */
export function rowOf(t: PrintedTable, value: string, column = 'NAME'): string[] {
  const i = t.header.indexOf(column);
  const row = t.rows.find((r) => r[i] === value);
  if (!row) throw new Error(`no row with ${column}=${value} in:\n${[t.header, ...t.rows].map((r) => r.join(' | ')).join('\n')}`);
  return row;
}

/** An AGE cell as upstream prints it (e.g. 0s, 5m3s, 2d). */
export const AGE = /^(\d+[smhdy]){1,2}$/;

/** A Node the node manager leaves alone (`kubesim.io/kubelet: external`), with a NoSchedule taint so the scheduler
 * does not bind the suite's pods to it, and a status written by the test. */
export async function createExternalNode(url: string, name: string, status: Record<string, unknown> = {}): Promise<any> {
  const node = await apiOk(url, 'POST', '/api/v1/nodes', {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name,
      annotations: { 'kubesim.io/kubelet': 'external' },
      labels: { 'kubernetes.io/hostname': name, 'kubernetes.io/os': 'linux', 'node-role.kubernetes.io/control-plane': '' },
    },
    spec: { podCIDR: '10.244.9.0/24', taints: [{ key: 'example.com/reserved', effect: 'NoSchedule' }] },
  });
  const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  await apiOk(
    url,
    'PATCH',
    `/api/v1/nodes/${name}/status`,
    {
      status: {
        conditions: [{ type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status', lastHeartbeatTime: now, lastTransitionTime: now }],
        addresses: [
          { type: 'InternalIP', address: '172.30.9.2' },
          { type: 'Hostname', address: name },
        ],
        capacity: { cpu: '4', memory: '8Gi', pods: '110', 'ephemeral-storage': '100Gi' },
        allocatable: { cpu: '4', memory: '8Gi', pods: '110', 'ephemeral-storage': '100Gi' },
        nodeInfo: {
          machineID: 'm',
          systemUUID: 's',
          bootID: 'b',
          kernelVersion: '6.8.0-45-generic',
          osImage: 'Ubuntu 24.04.1 LTS',
          containerRuntimeVersion: 'containerd://1.7.22',
          kubeletVersion: 'v1.33.1',
          kubeProxyVersion: 'v1.33.1',
          operatingSystem: 'linux',
          architecture: 'amd64',
        },
        ...status,
      },
    },
    'application/merge-patch+json',
  );
  return node;
}

/** RFC 3339 (seconds) for `msAgo` milliseconds ago. */
export function timeAgo(msAgo: number): string {
  return new Date(Date.now() - msAgo).toISOString().replace(/\.\d+Z$/, 'Z');
}
