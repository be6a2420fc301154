// metrics.k8s.io/v1beta1 pods and nodes, as metrics-server serves them: read-only (get, list), computed from the
// current pods and nodes at request time instead of stored. Only running pods and ready nodes have metrics, like a
// kubelet that is actually scraped.
import { rfc3339 } from '../clock.js';
import { parseQuantity } from '../machinery/quantity.js';
import { col, NAME_DESCRIPTION } from '../registry/columns.js';
import { nodes } from '../registry/resources/core/nodes.js';
import { pods } from '../registry/resources/core/pods.js';
import type { Obj, ResourceDef } from '../registry/types.js';
import { formatCPU, formatMemory, nodeUsage, podUsage, stableFraction } from './usage.js';

const GROUP = 'metrics.k8s.io';
const VERSION = 'v1beta1';
/** metrics-server's default --metric-resolution: samples are this old at most. */
const RESOLUTION_MS = 15_000;

/** The scrape the figures come from: the last resolution boundary, over a window of about one resolution. */
function sample(key: string, now: number): { timestamp: string; window: string } {
  const jitterMs = 1 + Math.floor(stableFraction(key) * 99);
  const seconds = ((RESOLUTION_MS + jitterMs) / 1000).toString();
  return { timestamp: rfc3339(Math.floor(now / RESOLUTION_MS) * RESOLUTION_MS), window: `${seconds}s` };
}

function meta(o: Obj, now: number): Obj {
  const m: Obj = { name: o.metadata?.name };
  if (o.metadata?.namespace) m.namespace = o.metadata.namespace;
  m.creationTimestamp = rfc3339(now);
  if (o.metadata?.labels && Object.keys(o.metadata.labels).length) m.labels = { ...o.metadata.labels };
  return m;
}

/** The Table row metrics-server prints: the pod's containers summed. */
function sumCells(o: Obj): unknown[] {
  const usages: Obj[] = o.containers ? o.containers.map((c: Obj) => c.usage) : [o.usage];
  const cpu = usages.reduce((n, u) => n + Math.round(parseQuantity(u?.cpu) * 1e9 || 0), 0);
  const memory = usages.reduce((n, u) => n + (parseQuantity(u?.memory) || 0), 0);
  return [o.metadata?.name, formatCPU(cpu), formatMemory(memory), o.window ?? ''];
}

const METRIC_COLUMNS = [
  col('Name', NAME_DESCRIPTION),
  col('CPU', 'CPU usage'),
  col('Memory', 'Memory usage'),
  col('Window', 'Time window for metrics'),
];

export const podmetrics: ResourceDef = {
  group: GROUP,
  version: VERSION,
  kind: 'PodMetrics',
  plural: 'pods',
  singular: 'podmetrics',
  namespaced: true,
  nameRule: 'subdomain',
  verbs: ['get', 'list'],
  columns: METRIC_COLUMNS,
  cells: sumCells,
  computed: {
    list: (read, namespace, now) =>
      read(pods, namespace).flatMap((p) => {
        const usage = podUsage(p);
        if (!usage) return [];
        return [
          {
            kind: 'PodMetrics',
            apiVersion: `${GROUP}/${VERSION}`,
            metadata: meta(p, now),
            ...sample(String(p.metadata?.uid), now),
            containers: usage.map((c) => ({ name: c.name, usage: { cpu: formatCPU(c.cpu), memory: formatMemory(c.memory) } })),
          },
        ];
      }),
    // metrics-server: podmetrics.metrics.k8s.io "ns/name" not found
    notFound: (namespace, name) => ({ resource: 'podmetrics', name: `${namespace}/${name}` }),
  },
};

export const nodemetrics: ResourceDef = {
  group: GROUP,
  version: VERSION,
  kind: 'NodeMetrics',
  plural: 'nodes',
  singular: 'nodemetrics',
  namespaced: false,
  nameRule: 'subdomain',
  verbs: ['get', 'list'],
  columns: METRIC_COLUMNS,
  cells: sumCells,
  computed: {
    list: (read, _namespace, now) => {
      const allPods = read(pods, undefined);
      return read(nodes, undefined).flatMap((n) => {
        const usage = nodeUsage(n, allPods);
        if (!usage) return [];
        return [
          {
            kind: 'NodeMetrics',
            apiVersion: `${GROUP}/${VERSION}`,
            metadata: meta(n, now),
            ...sample(String(n.metadata?.uid), now),
            usage: { cpu: formatCPU(usage.cpu), memory: formatMemory(usage.memory) },
          },
        ];
      });
    },
    notFound: (_namespace, name) => ({ resource: 'nodemetrics', name }),
  },
};
