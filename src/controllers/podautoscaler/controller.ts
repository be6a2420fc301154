// The HorizontalPodAutoscaler controller (upstream pkg/controller/podautoscaler/horizontal.go reconcileAutoscaler):
// every 15 s per HPA it reads the target's /scale, computes the replicas each metric asks for from metrics.k8s.io
// (Resource and ContainerResource metrics; kubesim has no custom or external metrics API), normalises them
// (normalize.ts), writes the new size through /scale, and reports AbleToScale / ScalingActive / ScalingLimited.
import { isDeepStrictEqual } from 'node:util';
import type { ComponentContext, ComponentFactory } from '../../client/component.js';
import { EventRecorder } from '../../client/events.js';
import { keyOf, splitKey } from '../../client/informer.js';
import { rfc3339 } from '../../clock.js';
import { milliValue } from '../../machinery/quantity.js';
import type { Obj } from '../../registry/types.js';
import { Controller } from '../controller.js';
import { Normalizer } from './normalize.js';
import { podMetricsFrom, resourceReplicas } from './replicas.js';

/** --horizontal-pod-autoscaler-sync-period. */
export const HPA_SYNC_PERIOD_MS = 15_000;

class MetricError extends Error {
  constructor(
    message: string,
    readonly reason: string,
  ) {
    super(message);
  }
}

/** setCondition: lastTransitionTime moves only when the status changes. */
function setCondition(hpa: Obj, type: string, status: boolean, reason: string, message: string, now: number): void {
  const list: Obj[] = (hpa.status.conditions ??= []);
  const s = status ? 'True' : 'False';
  const cur = list.find((c) => c.type === type);
  const next = { type, status: s, lastTransitionTime: cur && cur.status === s ? cur.lastTransitionTime : rfc3339(now), reason, message };
  if (cur) Object.assign(cur, next);
  else list.push(next);
}

/** A Quantity's text for a milli-value (resource.NewMilliQuantity(v, DecimalSI).String()). */
function milliQuantity(milli: number): string {
  return milli % 1000 === 0 ? String(milli / 1000) : `${milli}m`;
}

export class HorizontalPodAutoscalerController extends Controller {
  readonly name = 'horizontal-pod-autoscaler';
  private recorder!: EventRecorder;
  private readonly normalizer = new Normalizer();

  private get hpas() {
    return this.ctx.client.resource('autoscaling', 'v2', 'horizontalpodautoscalers');
  }

  protected setup(ctx: ComponentContext): void {
    this.recorder = new EventRecorder(ctx.client, ctx.clock, { component: 'horizontal-pod-autoscaler' });
    ctx.informers.for('autoscaling', 'v2', 'horizontalpodautoscalers').addHandlers({
      onAdd: (h) => this.queue.add(keyOf(h)),
      onUpdate: (o, h) => {
        if (!isDeepStrictEqual(o.spec, h.spec)) this.queue.add(keyOf(h));
      },
      onDelete: (h) => this.normalizer.forget(keyOf(h)),
    });
  }

  async sync(key: string): Promise<void> {
    const [namespace, name] = splitKey(key);
    const live = this.hpas.get(namespace, name);
    if (!live) return;
    // Every HPA is looked at again after the sync period whatever happens now; a failed reconcile is only logged and
    // waits for that resync, like upstream (no fast retries).
    this.queue.addAfter(key, HPA_SYNC_PERIOD_MS);
    try {
      await this.reconcile(key, live);
    } catch (err) {
      this.ctx.log(`${this.name}: ${key}: ${(err as Error)?.message ?? err}`);
    }
  }

  private async reconcile(key: string, live: Obj): Promise<void> {
    const now = this.ctx.clock.now();
    const hpa = structuredClone(live);
    hpa.status ??= {};
    const spec = hpa.spec ?? {};
    const ns = hpa.metadata.namespace;
    const ref = spec.scaleTargetRef ?? {};
    const def = this.ctx.client.definitions().find((d) => (d.group ? `${d.group}/${d.version}` : d.version) === ref.apiVersion && d.kind === ref.kind);
    let scale: Obj | undefined;
    let scaleErr = `no matches for kind "${ref.kind}" in group "${String(ref.apiVersion ?? '').split('/')[0]}"`;
    if (def?.subresources?.some((s) => s.name === 'scale')) {
      scale = this.ctx.client.resource(def.group, def.version, def.plural).getScale(ns, ref.name);
      scaleErr = `${def.plural}${def.group ? `.${def.group}` : ''} "${ref.name}" not found`;
    }
    if (!scale || !def) {
      this.recorder.event(hpa, 'Warning', 'FailedGetScale', scaleErr);
      setCondition(hpa, 'AbleToScale', false, 'FailedGetScale', `the HPA controller was unable to get the target's current scale: ${scaleErr}`, now);
      await this.writeStatus(live, hpa);
      throw new Error(`failed to query scale subresource for ${ref.kind}/${ns}/${ref.name}: ${scaleErr}`);
    }
    setCondition(hpa, 'AbleToScale', true, 'SucceededGetScale', "the HPA controller was able to get the target's current scale", now);
    const current: number = scale.spec?.replicas ?? 0;
    this.normalizer.recordInitial(key, current, now);
    const min: number = spec.minReplicas ?? 1;
    const max: number = spec.maxReplicas ?? 1;
    let desired = 0;
    let reason = '';
    let rescale = true;
    let statuses: Obj[] | undefined;
    let retErr: unknown;
    if (current === 0 && min !== 0) {
      rescale = false;
      setCondition(hpa, 'ScalingActive', false, 'ScalingDisabled', 'scaling is disabled since the replica count of the target is zero', now);
    } else if (current > max) {
      reason = 'Current number of replicas above Spec.MaxReplicas';
      desired = max;
    } else if (current < min) {
      reason = 'Current number of replicas below Spec.MinReplicas';
      desired = min;
    } else {
      const r = this.computeReplicasForMetrics(hpa, scale, now);
      statuses = r.statuses;
      if (r.replicas === -1) {
        this.setReplicasAndMetrics(hpa, current, statuses);
        await this.writeStatus(live, hpa);
        this.recorder.event(hpa, 'Warning', 'FailedComputeMetricsReplicas', String((r.error as Error)?.message ?? r.error));
        throw r.error;
      }
      retErr = r.error;
      desired = r.replicas;
      if (desired > current) reason = `${r.metric} above target`;
      if (desired < current) reason = 'All metrics below target';
      const n = spec.behavior
        ? this.normalizer.normalizeWithBehavior(key, spec.behavior, current, desired, min, max, now)
        : this.normalizer.normalize(key, current, desired, min, max, now);
      setCondition(hpa, 'AbleToScale', true, n.able[0], n.able[1], now);
      setCondition(hpa, 'ScalingLimited', n.limited[0], n.limited[1], n.limited[2], now);
      desired = n.replicas;
      rescale = desired !== current;
    }
    if (rescale) {
      try {
        await this.ctx.client.resource(def.group, def.version, def.plural).updateScale(ns, ref.name, desired);
      } catch (err) {
        const msg = (err as Error).message;
        this.recorder.event(hpa, 'Warning', 'FailedRescale', `New size: ${desired}; reason: ${reason}; error: ${msg}`);
        setCondition(hpa, 'AbleToScale', false, 'FailedUpdateScale', `the HPA controller was unable to update the target scale: ${msg}`, now);
        this.setReplicasAndMetrics(hpa, current, statuses);
        await this.writeStatus(live, hpa);
        throw err;
      }
      setCondition(hpa, 'AbleToScale', true, 'SucceededRescale', `the HPA controller was able to update the target scale to ${desired}`, now);
      this.recorder.event(hpa, 'Normal', 'SuccessfulRescale', `New size: ${desired}; reason: ${reason}`);
      this.normalizer.storeScaleEvent(key, spec.behavior, current, desired, now);
      hpa.status.lastScaleTime = rfc3339(now);
    } else {
      desired = current;
    }
    this.setReplicasAndMetrics(hpa, current, statuses);
    hpa.status.desiredReplicas = desired;
    await this.writeStatus(live, hpa);
    if (retErr) throw retErr;
  }

  private setReplicasAndMetrics(hpa: Obj, current: number, statuses: Obj[] | undefined): void {
    if (current) hpa.status.currentReplicas = current;
    else delete hpa.status.currentReplicas;
    hpa.status.desiredReplicas ??= 0;
    if (statuses?.length) hpa.status.currentMetrics = statuses;
    else delete hpa.status.currentMetrics;
  }

  /** updateStatusIfNeeded. */
  private async writeStatus(live: Obj, hpa: Obj): Promise<void> {
    if (isDeepStrictEqual(live.status, hpa.status)) return;
    await this.hpas.updateStatus({ ...live, status: hpa.status });
  }

  /** computeReplicasForMetrics: the largest proposal; an invalid metric fails the sync only if all are invalid or
   * the valid ones would scale down. */
  private computeReplicasForMetrics(hpa: Obj, scale: Obj, now: number): { replicas: number; metric?: string; statuses: Obj[]; error?: unknown } {
    const metrics: Obj[] = hpa.spec?.metrics ?? [];
    const statuses: Obj[] = [];
    const selector: string = scale.status?.selector ?? '';
    if (!selector) {
      this.recorder.event(hpa, 'Warning', 'SelectorRequired', 'selector is required');
      setCondition(hpa, 'ScalingActive', false, 'InvalidSelector', "the HPA target's scale is missing a selector", now);
      return { replicas: -1, statuses, error: new Error('selector is required') };
    }
    let replicas = 0;
    let metric: string | undefined;
    let invalid = 0;
    let firstErr: MetricError | undefined;
    for (const m of metrics) {
      try {
        const r = this.computeReplicasForMetric(hpa, m, scale.spec?.replicas ?? 0, selector, now);
        statuses.push(r.status);
        if (replicas === 0 || r.replicas > replicas) {
          replicas = r.replicas;
          metric = r.name;
        }
      } catch (err) {
        const e = err instanceof MetricError ? err : new MetricError((err as Error).message, 'FailedGetResourceMetric');
        this.recorder.event(hpa, 'Warning', e.reason, e.message);
        invalid++;
        firstErr ??= e;
        statuses.push({ type: '' });
      }
    }
    const error = firstErr && new Error(`invalid metrics (${invalid} invalid out of ${metrics.length}), first error is: ${firstErr.message}`);
    if (firstErr && (invalid >= metrics.length || replicas < (scale.spec?.replicas ?? 0))) {
      setCondition(hpa, 'ScalingActive', false, firstErr.reason, `the HPA was unable to compute the replica count: ${firstErr.message}`, now);
      return { replicas: -1, statuses, error };
    }
    setCondition(hpa, 'ScalingActive', true, 'ValidMetricFound', `the HPA was able to successfully calculate a replica count from ${metric}`, now);
    return { replicas, metric, statuses, error };
  }

  private computeReplicasForMetric(hpa: Obj, m: Obj, current: number, selector: string, now: number): { replicas: number; name: string; status: Obj } {
    if (m.type !== 'Resource' && m.type !== 'ContainerResource') {
      const reason = `FailedGet${m.type === 'Pods' ? 'Pods' : m.type === 'Object' ? 'Object' : 'External'}Metric`;
      throw new MetricError(`unable to get metric ${m.type}: no ${m.type === 'External' ? 'external' : 'custom'} metrics API is served by kubesim`, reason);
    }
    const src = m.type === 'Resource' ? m.resource : m.containerResource;
    const resource: string = src?.name;
    const container: string | undefined = m.type === 'ContainerResource' ? src?.container : undefined;
    const target = src?.target ?? {};
    const ns = hpa.metadata.namespace;
    const items = this.ctx.client.resource('metrics.k8s.io', 'v1beta1', 'pods').list(ns, { labelSelector: selector }).items;
    const raw = target.averageValue != null;
    if (!raw && target.averageUtilization == null) throw new MetricError('invalid resource metric source: neither a utilization target nor a value target was set', 'FailedGetResourceMetric');
    const podMetrics = podMetricsFrom(items, resource, container);
    const pods = this.ctx.client.pods.list(ns, { labelSelector: selector }).items;
    const calc = (t: { utilization?: number; averageValueMilli?: number }) => {
      try {
        if (!podMetrics.size) throw new Error(`unable to get metrics for resource ${resource}: no metrics returned from resource metrics API`);
        return resourceReplicas(current, pods, podMetrics, resource, t, now, container);
      } catch (err) {
        throw new MetricError(`failed to get ${resource} ${raw ? 'usage' : 'utilization'}: ${(err as Error).message}`, 'FailedGetResourceMetric');
      }
    };
    if (raw) {
      const r = calc({ averageValueMilli: milliValue(target.averageValue) });
      const status = { name: resource, ...(container ? { container } : {}), current: { averageValue: milliQuantity(r.rawAverage) } };
      return { replicas: r.replicas, name: `${resource} resource`, status: { type: m.type, [m.type === 'Resource' ? 'resource' : 'containerResource']: status } };
    }
    const r = calc({ utilization: target.averageUtilization });
    const status = { name: resource, ...(container ? { container } : {}), current: { averageUtilization: r.utilization, averageValue: milliQuantity(r.rawAverage) } };
    const what = container ? `${resource} container resource utilization (percentage of request)` : `${resource} resource utilization (percentage of request)`;
    return { replicas: r.replicas, name: what, status: { type: m.type, [m.type === 'Resource' ? 'resource' : 'containerResource']: status } };
  }
}

export const horizontalPodAutoscalerController: ComponentFactory = () => new HorizontalPodAutoscalerController();
