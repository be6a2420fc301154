// autoscaling/v1 HorizontalPodAutoscaler, served from the same storage as v2 (upstream stores v2): kubectl up to 1.31
// creates HPAs through it (`kubectl autoscale`), later ones fall back to it. The conversion mirrors upstream's
// (pkg/apis/autoscaling/v1/conversion.go): the CPU utilisation target maps to targetCPUUtilizationPercentage, every
// other metric, the behavior and the conditions travel in the autoscaling.alpha.kubernetes.io/* annotations.
import type { Obj, ResourceDef } from '../../types.js';
import { defaultHPA, horizontalpodautoscalers as v2 } from './horizontalpodautoscalers.js';

const METRICS = 'autoscaling.alpha.kubernetes.io/metrics';
const CURRENT_METRICS = 'autoscaling.alpha.kubernetes.io/current-metrics';
const CONDITIONS = 'autoscaling.alpha.kubernetes.io/conditions';
const BEHAVIOR = 'autoscaling.alpha.kubernetes.io/behavior';
const ANNOTATIONS = [METRICS, CURRENT_METRICS, CONDITIONS, BEHAVIOR];

const isCPUUtilization = (m: Obj) => m?.type === 'Resource' && m.resource?.name === 'cpu' && m.resource?.target?.type === 'Utilization';

function withoutOurAnnotations(meta: Obj): Obj {
  const out = { ...meta };
  const ann = { ...(meta.annotations ?? {}) };
  for (const k of ANNOTATIONS) delete ann[k];
  if (Object.keys(ann).length) out.annotations = ann;
  else delete out.annotations;
  return out;
}

function parsed(meta: Obj, key: string): Obj[] | Obj | undefined {
  const v = meta.annotations?.[key];
  if (typeof v !== 'string') return undefined;
  try {
    return JSON.parse(v);
  } catch {
    return undefined;
  }
}

/** Stored (v2) → v1. */
export function hpaToV1(o: Obj): Obj {
  const spec = o.spec ?? {};
  const status = o.status ?? {};
  const meta = withoutOurAnnotations(o.metadata ?? {});
  const ann: Obj = { ...(meta.annotations ?? {}) };
  const metrics: Obj[] = spec.metrics ?? [];
  const cpu = metrics.find(isCPUUtilization);
  const others = metrics.filter((m) => m !== cpu);
  if (others.length) ann[METRICS] = JSON.stringify(others);
  if (spec.behavior) ann[BEHAVIOR] = JSON.stringify(spec.behavior);
  const current: Obj[] = status.currentMetrics ?? [];
  const cpuNow = current.find((m) => m?.type === 'Resource' && m.resource?.name === 'cpu');
  const otherNow = current.filter((m) => m !== cpuNow);
  if (otherNow.length) ann[CURRENT_METRICS] = JSON.stringify(otherNow);
  if (status.conditions?.length) ann[CONDITIONS] = JSON.stringify(status.conditions);
  if (Object.keys(ann).length) meta.annotations = ann;
  const v1Spec: Obj = { scaleTargetRef: spec.scaleTargetRef, minReplicas: spec.minReplicas, maxReplicas: spec.maxReplicas };
  if (cpu) v1Spec.targetCPUUtilizationPercentage = cpu.resource.target.averageUtilization;
  const v1Status: Obj = { currentReplicas: status.currentReplicas ?? 0, desiredReplicas: status.desiredReplicas ?? 0 };
  if (status.observedGeneration != null) v1Status.observedGeneration = status.observedGeneration;
  if (status.lastScaleTime) v1Status.lastScaleTime = status.lastScaleTime;
  if (cpuNow?.resource?.current?.averageUtilization != null) v1Status.currentCPUUtilizationPercentage = cpuNow.resource.current.averageUtilization;
  return { apiVersion: 'autoscaling/v1', kind: 'HorizontalPodAutoscaler', metadata: meta, spec: v1Spec, status: v1Status };
}

/** v1 → stored (v2). */
export function hpaFromV1(o: Obj): Obj {
  const meta = o.metadata ?? {};
  const spec = o.spec ?? {};
  const status = o.status ?? {};
  const metrics: Obj[] = [];
  if (spec.targetCPUUtilizationPercentage != null) {
    metrics.push({ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: spec.targetCPUUtilizationPercentage } } });
  }
  const others = parsed(meta, METRICS);
  if (Array.isArray(others)) metrics.push(...others);
  const v2Spec: Obj = { scaleTargetRef: spec.scaleTargetRef, minReplicas: spec.minReplicas, maxReplicas: spec.maxReplicas };
  if (metrics.length) v2Spec.metrics = metrics;
  const behavior = parsed(meta, BEHAVIOR);
  if (behavior && !Array.isArray(behavior)) v2Spec.behavior = behavior;
  const current: Obj[] = [];
  if (status.currentCPUUtilizationPercentage != null) {
    current.push({ type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: status.currentCPUUtilizationPercentage } } });
  }
  const otherNow = parsed(meta, CURRENT_METRICS);
  if (Array.isArray(otherNow)) current.push(...otherNow);
  const v2Status: Obj = { desiredReplicas: status.desiredReplicas ?? 0 };
  if (status.currentReplicas) v2Status.currentReplicas = status.currentReplicas;
  if (status.observedGeneration != null) v2Status.observedGeneration = status.observedGeneration;
  if (status.lastScaleTime) v2Status.lastScaleTime = status.lastScaleTime;
  if (current.length) v2Status.currentMetrics = current;
  const conditions = parsed(meta, CONDITIONS);
  if (Array.isArray(conditions) && conditions.length) v2Status.conditions = conditions;
  const out: Obj = { apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', metadata: withoutOurAnnotations(meta), spec: v2Spec, status: v2Status };
  defaultHPA(out);
  return out;
}

export const horizontalpodautoscalersV1: ResourceDef = {
  ...v2,
  version: 'v1',
  codec: { decode: hpaToV1, encode: hpaFromV1 },
  cells: (o, now) => v2.cells!(hpaFromV1(o), now),
  defaults: (o) => {
    (o.spec ??= {}).minReplicas ??= 1;
  },
  prepareForCreate: (o) => {
    o.status = { currentReplicas: 0, desiredReplicas: 0 };
  },
  // v1 carries the CPU target only; the v2 rules apply to what it converts to.
  validate: (o) => v2.validate!(hpaFromV1(o)),
};
