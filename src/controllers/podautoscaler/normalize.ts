// From a metric recommendation to the replica count actually set (upstream horizontal.go normalizeDesiredReplicas
// and normalizeDesiredReplicasWithBehaviors): stabilisation over recent recommendations (scale-down waits out a
// 300 s window by default), min/max bounds, the default scale-up limit (double or +4), or spec.behavior's
// stabilisation windows and Pods/Percent rate policies over the scale events of each policy's period.
import type { Obj } from '../../registry/types.js';

/** --horizontal-pod-autoscaler-downscale-stabilization. */
export const DOWNSCALE_STABILISATION_MS = 300_000;

interface Recommendation {
  replicas: number;
  at: number;
}

interface ScaleEvent {
  change: number;
  at: number;
}

export interface Limited {
  replicas: number;
  /** The AbleToScale condition (reason, message) describing stabilisation. */
  able: [string, string];
  /** The ScalingLimited condition: whether it is True, reason, message. */
  limited: [boolean, string, string];
}

const READY_FOR_NEW_SCALE: [string, string] = ['ReadyForNewScale', 'recommended size matches current size'];

export class Normalizer {
  private readonly recommendations = new Map<string, Recommendation[]>();
  private readonly upEvents = new Map<string, ScaleEvent[]>();
  private readonly downEvents = new Map<string, ScaleEvent[]>();

  forget(key: string): void {
    this.recommendations.delete(key);
    this.upEvents.delete(key);
    this.downEvents.delete(key);
  }

  /** recordInitialRecommendation: the current size counts as a recommendation from the first sync on. */
  recordInitial(key: string, current: number, now: number): void {
    if (!this.recommendations.has(key)) this.recommendations.set(key, [{ replicas: current, at: now }]);
  }

  /** storeScaleEvent: only HPAs with a behavior keep rate-limit history. */
  storeScaleEvent(key: string, behavior: Obj | undefined, from: number, to: number, now: number): void {
    if (!behavior || from === to) return;
    const longest = (rules: Obj | undefined) => Math.max(0, ...(rules?.policies ?? []).map((p: Obj) => p.periodSeconds ?? 0)) * 1000;
    const map = to > from ? this.upEvents : this.downEvents;
    const keep = longest(to > from ? behavior.scaleUp : behavior.scaleDown);
    const events = (map.get(key) ?? []).filter((e) => now - e.at <= keep);
    events.push({ change: Math.abs(to - from), at: now });
    map.set(key, events);
  }

  private record(key: string, replicas: number, now: number, keepMs: number): Recommendation[] {
    const list = (this.recommendations.get(key) ?? []).filter((r) => now - r.at <= keepMs);
    const before = [...list];
    list.push({ replicas, at: now });
    this.recommendations.set(key, list);
    return before;
  }

  /** normalizeDesiredReplicas (no spec.behavior). */
  normalize(key: string, current: number, desired: number, min: number, max: number, now: number): Limited {
    const recent = this.record(key, desired, now, DOWNSCALE_STABILISATION_MS);
    const stabilized = Math.max(desired, ...recent.map((r) => r.replicas));
    const able: [string, string] =
      stabilized !== desired ? ['ScaleDownStabilized', 'recent recommendations were higher than current one, applying the highest recent recommendation'] : READY_FOR_NEW_SCALE;
    // calculateScaleUpLimit: at most double, or 4 when that is more.
    const scaleUpLimit = Math.max(2 * current, 4);
    let maxAllowed = max;
    let reason = 'TooManyReplicas';
    let message = 'the desired replica count is more than the maximum replica count';
    if (max > scaleUpLimit) {
      maxAllowed = scaleUpLimit;
      reason = 'ScaleUpLimit';
      message = 'the desired replica count is increasing faster than the maximum scale rate';
    }
    let replicas = stabilized;
    if (stabilized < min) {
      replicas = min;
      reason = 'TooFewReplicas';
      message = 'the desired replica count is less than the minimum replica count';
    } else if (stabilized > maxAllowed) {
      replicas = maxAllowed;
    } else {
      reason = 'DesiredWithinRange';
      message = 'the desired count is within the acceptable range';
    }
    return { replicas, able, limited: [replicas !== stabilized, reason, message] };
  }

  private changeInPeriod(events: ScaleEvent[] | undefined, periodSeconds: number, now: number): number {
    return (events ?? []).filter((e) => now - e.at < periodSeconds * 1000).reduce((n, e) => n + e.change, 0);
  }

  /** normalizeDesiredReplicasWithBehaviors. */
  normalizeWithBehavior(key: string, behavior: Obj, current: number, desired: number, min: number, max: number, now: number): Limited {
    const up: Obj = behavior.scaleUp ?? {};
    const down: Obj = behavior.scaleDown ?? {};
    const upWindow = (up.stabilizationWindowSeconds ?? 0) * 1000;
    const downWindow = (down.stabilizationWindowSeconds ?? DOWNSCALE_STABILISATION_MS / 1000) * 1000;
    // stabilizeRecommendationWithBehaviors: the lowest recommendation of the up window, the highest of the down one.
    const recent = this.record(key, desired, now, Math.max(upWindow, downWindow));
    let upRec = desired;
    let downRec = desired;
    for (const r of recent) {
      if (r.at > now - upWindow) upRec = Math.min(upRec, r.replicas);
      if (r.at > now - downWindow) downRec = Math.max(downRec, r.replicas);
    }
    let stabilized = Math.max(current, upRec);
    stabilized = Math.min(stabilized, downRec);
    const able: [string, string] =
      stabilized === desired
        ? READY_FOR_NEW_SCALE
        : desired >= current
          ? ['ScaleUpStabilized', 'recent recommendations were lower than current one, applying the lowest recent recommendation']
          : ['ScaleDownStabilized', 'recent recommendations were higher than current one, applying the highest recent recommendation'];
    const [replicas, reason, message] = this.rateLimit(key, up, down, current, stabilized, min, max, now);
    return { replicas, able, limited: [replicas !== stabilized, reason, message] };
  }

  /** convertDesiredReplicasWithBehaviorRate. */
  private rateLimit(key: string, up: Obj, down: Obj, current: number, desired: number, min: number, max: number, now: number): [number, string, string] {
    const ups = this.upEvents.get(key);
    const downs = this.downEvents.get(key);
    const periodStart = (p: Obj) => current - this.changeInPeriod(ups, p.periodSeconds, now) + this.changeInPeriod(downs, p.periodSeconds, now);
    if (desired > current) {
      let limit: number;
      if (up.selectPolicy === 'Disabled') limit = current;
      else {
        const proposals = (up.policies ?? []).map((p: Obj) => (p.type === 'Pods' ? periodStart(p) + p.value : Math.ceil(periodStart(p) * (1 + p.value / 100))));
        limit = proposals.length ? (up.selectPolicy === 'Min' ? Math.min(...proposals) : Math.max(...proposals)) : current;
      }
      limit = Math.max(limit, current);
      if (max > limit) {
        if (desired > limit) return [limit, 'ScaleUpLimit', 'the desired replica count is increasing faster than the maximum scale rate'];
      } else if (desired > max) return [max, 'TooManyReplicas', 'the desired replica count is more than the maximum replica count'];
    } else if (desired < current) {
      let limit: number;
      if (down.selectPolicy === 'Disabled') limit = current;
      else {
        const proposals = (down.policies ?? []).map((p: Obj) => (p.type === 'Pods' ? periodStart(p) - p.value : Math.trunc(periodStart(p) * (1 - p.value / 100))));
        limit = proposals.length ? (down.selectPolicy === 'Min' ? Math.max(...proposals) : Math.min(...proposals)) : current;
      }
      limit = Math.min(limit, current);
      if (min < limit) {
        if (desired < limit) return [limit, 'ScaleDownLimit', 'the desired replica count is decreasing faster than the maximum scale rate'];
      } else if (desired < min) return [min, 'TooFewReplicas', 'the desired replica count is less than the minimum replica count'];
    }
    return [desired, 'DesiredWithinRange', 'the desired count is within the acceptable range'];
  }
}
