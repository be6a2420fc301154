// Simulated resource usage for metrics.k8s.io: each running container uses a stable fraction of what it requests
// (picked from a hash of the pod uid and container name, so figures do not jump between scrapes), a pod may pin its
// usage with annotations, and a node uses what its pods use plus a little system overhead. Values are integers in
// metrics-server's units: CPU in nanocores, memory in bytes (working set, whole 4 KiB pages).
import { parseQuantity } from '../machinery/quantity.js';
import type { Obj } from '../registry/types.js';

/** Total pod CPU usage (a quantity, e.g. `250m`), split across containers in proportion to their requests. */
export const CPU_USAGE_ANNOTATION = 'kubesim.io/cpu-usage';
/** Total pod memory usage (a quantity, e.g. `64Mi`), split the same way. */
export const MEMORY_USAGE_ANNOTATION = 'kubesim.io/memory-usage';

const PAGE = 4096;
const MI = 1024 * 1024;

export interface Usage {
  cpu: number;
  memory: number;
}

export interface ContainerUsage extends Usage {
  name: string;
}

/** FNV-1a of `s` mapped to [0, 1). */
export function stableFraction(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h / 0x1_0000_0000;
}

function resourceOf(c: Obj, kind: 'requests' | 'limits', name: string): number {
  const v = parseQuantity(c?.resources?.[kind]?.[name]);
  return Number.isFinite(v) && v > 0 ? v : 0;
}

function pages(bytes: number): number {
  return Math.max(PAGE, Math.round(bytes / PAGE) * PAGE);
}

/** What one container uses when nothing pins it: 5-45 % of its CPU request, 20-60 % of its memory request. */
function simulated(pod: Obj, c: Obj): Usage {
  const f = stableFraction(`${pod.metadata?.uid}/${c.name}/cpu`);
  const g = stableFraction(`${pod.metadata?.uid}/${c.name}/memory`);
  const cpuBase = resourceOf(c, 'requests', 'cpu') || resourceOf(c, 'limits', 'cpu');
  const memBase = resourceOf(c, 'requests', 'memory') || resourceOf(c, 'limits', 'memory');
  // Without requests: a mostly idle process, 1-10 millicores and 4-36 MiB.
  const cpu = cpuBase ? cpuBase * (0.05 + 0.4 * f) : 0.001 + 0.009 * f;
  const memory = memBase ? memBase * (0.2 + 0.4 * g) : 4 * MI + 32 * MI * g;
  return { cpu: Math.max(1, Math.round(cpu * 1e9)), memory: pages(memory) };
}

/** Splits a pinned pod total over the containers by their requests (evenly when none has one). */
function split(total: number, weights: number[]): number[] {
  const sum = weights.reduce((a, b) => a + b, 0);
  return weights.map((w) => (sum > 0 ? (total * w) / sum : total / weights.length));
}

/** Per-container usage of a running pod (containers in spec order), or undefined when it reports no metrics. */
export function podUsage(pod: Obj): ContainerUsage[] | undefined {
  if (pod.status?.phase !== 'Running' || !pod.spec?.nodeName) return undefined;
  const containers: Obj[] = pod.spec?.containers ?? [];
  if (!containers.length) return undefined;
  const usages = containers.map((c) => ({ name: String(c.name), ...simulated(pod, c) }));
  const ann = pod.metadata?.annotations ?? {};
  const cpu = parseQuantity(ann[CPU_USAGE_ANNOTATION]);
  if (Number.isFinite(cpu) && cpu >= 0) {
    split(cpu, containers.map((c) => resourceOf(c, 'requests', 'cpu'))).forEach((v, i) => (usages[i]!.cpu = Math.round(v * 1e9)));
  }
  const memory = parseQuantity(ann[MEMORY_USAGE_ANNOTATION]);
  if (Number.isFinite(memory) && memory >= 0) {
    split(memory, containers.map((c) => resourceOf(c, 'requests', 'memory'))).forEach((v, i) => (usages[i]!.memory = Math.round(v)));
  }
  return usages;
}

/** A ready node's usage: its running pods plus 2-5 % CPU and 8-15 % memory of capacity for the system, capped at
 * what it can allocate. */
export function nodeUsage(node: Obj, pods: Obj[]): Usage | undefined {
  const ready = (node.status?.conditions ?? []).find((c: Obj) => c?.type === 'Ready');
  if (ready?.status !== 'True') return undefined;
  const name = node.metadata?.name;
  const capCpu = parseQuantity(node.status?.capacity?.cpu);
  const capMem = parseQuantity(node.status?.capacity?.memory);
  const f = stableFraction(`${node.metadata?.uid}/cpu`);
  const g = stableFraction(`${node.metadata?.uid}/memory`);
  let cpu = Number.isFinite(capCpu) ? capCpu * 1e9 * (0.02 + 0.03 * f) : 5e7;
  let memory = Number.isFinite(capMem) ? capMem * (0.08 + 0.07 * g) : 512 * MI;
  for (const p of pods) {
    if (p.spec?.nodeName !== name) continue;
    for (const c of podUsage(p) ?? []) {
      cpu += c.cpu;
      memory += c.memory;
    }
  }
  if (Number.isFinite(capCpu)) cpu = Math.min(cpu, capCpu * 1e9);
  if (Number.isFinite(capMem)) memory = Math.min(memory, capMem);
  return { cpu: Math.round(cpu), memory: pages(memory) };
}

/** resource.Quantity's canonical text for nanocores (`1234567n`, `250m`, `2`). */
export function formatCPU(nanocores: number): string {
  const n = Math.round(nanocores);
  if (n % 1e9 === 0) return String(n / 1e9);
  if (n % 1e6 === 0) return `${n / 1e6}m`;
  if (n % 1e3 === 0) return `${n / 1e3}u`;
  return `${n}n`;
}

/** resource.Quantity's canonical BinarySI text for bytes (`10240Ki`, `64Mi`, or plain bytes). */
export function formatMemory(bytes: number): string {
  let n = Math.round(bytes);
  if (n === 0) return '0';
  for (const suffix of ['', 'Ki', 'Mi', 'Gi', 'Ti', 'Pi']) {
    if (n % 1024 !== 0 || suffix === 'Pi') return `${n}${suffix}`;
    n /= 1024;
  }
  return `${n}Ei`;
}
