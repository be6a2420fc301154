// The replica calculation for resource metrics (upstream pkg/controller/podautoscaler/replica_calculator.go
// GetResourceReplicas / GetRawResourceReplicas and metrics/utilization.go): desired = ceil(current * usage/target)
// over the ready pods, within a 10 % tolerance, with unready and missing pods treated conservatively so that a
// scale-up never turns into a scale-down or back.
import { parseGoDuration } from '../../machinery/go-duration.js';
import { milliValue } from '../../machinery/quantity.js';
import type { Obj } from '../../registry/types.js';

export const TOLERANCE = 0.1;
/** --horizontal-pod-autoscaler-cpu-initialization-period. */
const CPU_INITIALIZATION_PERIOD_MS = 5 * 60_000;
/** --horizontal-pod-autoscaler-initial-readiness-delay. */
const INITIAL_READINESS_DELAY_MS = 30_000;

export interface PodMetric {
  /** Milli-units (millicores, millibytes), like upstream's metrics client. */
  value: number;
  timestamp: number;
  windowMs: number;
}

export type PodMetrics = Map<string, PodMetric>;

/** PodMetrics from metrics.k8s.io summed per pod (one container only, for ContainerResource metrics). */
export function podMetricsFrom(items: Obj[], resource: string, container?: string): PodMetrics {
  const out: PodMetrics = new Map();
  for (const m of items) {
    let value = 0;
    let found = false;
    for (const c of m.containers ?? []) {
      if (container && c.name !== container) continue;
      const q = c.usage?.[resource];
      if (q === undefined) continue;
      value += milliValue(q);
      found = true;
    }
    if (!found) continue;
    let windowMs = 0;
    try {
      windowMs = parseGoDuration(String(m.window ?? '0'));
    } catch {
      windowMs = 0;
    }
    out.set(m.metadata?.name, { value, timestamp: Date.parse(m.timestamp ?? '') || 0, windowMs });
  }
  return out;
}

/** calculatePodRequests: each pod's request (milli), failing like upstream when a container has none. */
export function podRequests(pods: Obj[], resource: string, container?: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const p of pods) {
    let total = 0;
    for (const c of p.spec?.containers ?? []) {
      if (container && c.name !== container) continue;
      const req = c.resources?.requests?.[resource];
      if (req === undefined) throw new Error(`missing request for ${resource} in container ${c.name} of Pod ${p.metadata?.name}`);
      total += milliValue(req);
    }
    out.set(p.metadata?.name, total);
  }
  return out;
}

interface Groups {
  ready: number;
  unready: Set<string>;
  missing: Set<string>;
  ignored: Set<string>;
}

function readyCondition(p: Obj): Obj | undefined {
  return (p.status?.conditions ?? []).find((c: Obj) => c?.type === 'Ready');
}

/** groupPods: deleted and failed pods are ignored; pending and (for CPU) not-yet-ready pods are unready. */
function groupPods(pods: Obj[], metrics: PodMetrics, resource: string, now: number): Groups {
  const g: Groups = { ready: 0, unready: new Set(), missing: new Set(), ignored: new Set() };
  for (const p of pods) {
    const name = p.metadata?.name;
    if (p.metadata?.deletionTimestamp || p.status?.phase === 'Failed') {
      g.ignored.add(name);
      continue;
    }
    if (p.status?.phase === 'Pending') {
      g.unready.add(name);
      continue;
    }
    const metric = metrics.get(name);
    if (!metric) {
      g.missing.add(name);
      continue;
    }
    if (resource === 'cpu') {
      const cond = readyCondition(p);
      const start = Date.parse(p.status?.startTime ?? '');
      let unready: boolean;
      if (!cond || !Number.isFinite(start)) unready = true;
      else {
        const transition = Date.parse(cond.lastTransitionTime ?? '') || 0;
        if (start + CPU_INITIALIZATION_PERIOD_MS > now) {
          // Still starting: ignore the sample unless the pod is ready and a full window passed since it turned so.
          unready = cond.status === 'False' || metric.timestamp < transition + metric.windowMs;
        } else {
          // Ignore only pods that have never become ready.
          unready = cond.status === 'False' && start + INITIAL_READINESS_DELAY_MS > transition;
        }
      }
      if (unready) {
        g.unready.add(name);
        continue;
      }
    }
    g.ready++;
  }
  return g;
}

/** GetResourceUtilizationRatio, or GetMetricUsageRatio (average / target) when `rawTarget` is given. */
function utilizationRatio(metrics: PodMetrics, requests: Map<string, number>, target: number, rawTarget?: number): { ratio: number; utilization: number; rawAverage: number } {
  let metricsTotal = 0;
  let requestsTotal = 0;
  let n = 0;
  for (const [name, m] of metrics) {
    const req = requests.get(name);
    if (req === undefined) continue;
    metricsTotal += m.value;
    requestsTotal += req;
    n++;
  }
  if (requestsTotal === 0) throw new Error('no metrics returned matched known pods');
  const utilization = Math.trunc((metricsTotal * 100) / requestsTotal);
  const rawAverage = Math.trunc(metricsTotal / n);
  return { ratio: rawTarget ? rawAverage / rawTarget : utilization / target, utilization, rawAverage };
}

export interface ResourceResult {
  replicas: number;
  utilization?: number;
  /** The average usage (milli-units). */
  rawAverage: number;
}

const within = (ratio: number) => Math.abs(1 - ratio) <= TOLERANCE;

/** GetResourceReplicas (target averageUtilization) and GetRawResourceReplicas (target averageValue, in milli). */
export function resourceReplicas(
  current: number,
  pods: Obj[],
  metricsIn: PodMetrics,
  resource: string,
  target: { utilization?: number; averageValueMilli?: number },
  now: number,
  container?: string,
): ResourceResult {
  if (!pods.length) throw new Error('no pods returned by selector while calculating replica count');
  const metrics: PodMetrics = new Map(metricsIn);
  const g = groupPods(pods, metrics, resource, now);
  for (const n of [...g.ignored, ...g.unready]) metrics.delete(n);
  if (!metrics.size) throw new Error('did not receive metrics for targeted pods (pods might be unready)');
  const raw = target.utilization === undefined;
  // Raw values are compared to the target through the same code, with each pod "requesting" the target value.
  const requests = raw ? new Map(pods.map((p) => [p.metadata?.name as string, target.averageValueMilli!])) : podRequests(pods, resource, container);
  const targetPct = raw ? 100 : target.utilization!;
  const first = utilizationRatio(metrics, requests, targetPct, target.averageValueMilli);
  const result = (replicas: number): ResourceResult => ({ replicas, utilization: raw ? undefined : first.utilization, rawAverage: first.rawAverage });
  const scaleUpWithUnready = g.unready.size > 0 && first.ratio > 1;
  if (!scaleUpWithUnready && g.missing.size === 0) {
    if (within(first.ratio)) return result(current);
    return result(Math.ceil(first.ratio * g.ready));
  }
  if (g.missing.size) {
    // Scale-down: a missing pod counts as using its whole request (or the target when above 100 %); scale-up: nothing.
    const fallback = Math.max(100, targetPct);
    for (const n of g.missing) metrics.set(n, { value: first.ratio < 1 ? Math.trunc(((requests.get(n) ?? 0) * fallback) / 100) : 0, timestamp: 0, windowMs: 0 });
  }
  if (scaleUpWithUnready) for (const n of g.unready) metrics.set(n, { value: 0, timestamp: 0, windowMs: 0 });
  const second = utilizationRatio(metrics, requests, targetPct, target.averageValueMilli);
  if (within(second.ratio) || (first.ratio < 1 && second.ratio > 1) || (first.ratio > 1 && second.ratio < 1)) return result(current);
  const replicas = Math.ceil(second.ratio * metrics.size);
  if ((second.ratio < 1 && replicas > current) || (second.ratio > 1 && replicas < current)) return result(current);
  return result(replicas);
}
