// autoscaling/v2 HorizontalPodAutoscaler: defaults (upstream pkg/apis/autoscaling/v2/defaults.go), the common
// validation rules, and the columns of printHorizontalPodAutoscaler (TARGETS as formatHPAMetrics prints them).
import { age } from '../../../machinery/duration.js';
import { invalid, notSupported, required, type FieldError } from '../../../machinery/validation.js';
import { col, AGE, NAME_DESCRIPTION } from '../../columns.js';
import type { Obj, ResourceDef } from '../../types.js';

const METRIC_TYPES = ['ContainerResource', 'External', 'Object', 'Pods', 'Resource'];

/** GenerateHPAScaleUpRules / GenerateHPAScaleDownRules: the user's parts over the defaults. */
function scalingRules(from: Obj | undefined, defaults: Obj): Obj {
  if (!from) return defaults;
  const out = { ...defaults };
  if (from.selectPolicy != null) out.selectPolicy = from.selectPolicy;
  if (from.stabilizationWindowSeconds != null) out.stabilizationWindowSeconds = from.stabilizationWindowSeconds;
  if (from.policies != null) out.policies = from.policies;
  if (from.tolerance != null) out.tolerance = from.tolerance;
  return out;
}

export function defaultHPA(o: Obj): void {
  const spec = (o.spec ??= {});
  spec.minReplicas ??= 1;
  if (!Array.isArray(spec.metrics) || !spec.metrics.length) {
    spec.metrics = [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } } }];
  }
  // Behavior is defaulted only when given; the scale-down window stays unset (the controller's 300 s applies).
  if (spec.behavior) {
    spec.behavior.scaleUp = scalingRules(spec.behavior.scaleUp, {
      stabilizationWindowSeconds: 0,
      selectPolicy: 'Max',
      policies: [
        { type: 'Pods', value: 4, periodSeconds: 15 },
        { type: 'Percent', value: 100, periodSeconds: 15 },
      ],
    });
    spec.behavior.scaleDown = scalingRules(spec.behavior.scaleDown, { selectPolicy: 'Max', policies: [{ type: 'Percent', value: 100, periodSeconds: 15 }] });
  }
}

export function validateHPA(o: Obj): FieldError[] {
  const errs: FieldError[] = [];
  const spec = o.spec ?? {};
  const ref = spec.scaleTargetRef ?? {};
  if (!ref.kind) errs.push(required('spec.scaleTargetRef.kind'));
  if (!ref.name) errs.push(required('spec.scaleTargetRef.name'));
  const min = spec.minReplicas;
  if (typeof min === 'number' && min < 1) errs.push(invalid('spec.minReplicas', min, 'must be greater than or equal to 1'));
  const max = spec.maxReplicas;
  if (typeof max !== 'number' || max < 1) errs.push(invalid('spec.maxReplicas', max ?? 0, 'must be greater than 0'));
  else if (typeof min === 'number' && max < min) errs.push(invalid('spec.maxReplicas', max, 'must be greater than or equal to `minReplicas`'));
  (spec.metrics ?? []).forEach((m: Obj, i: number) => {
    const p = `spec.metrics[${i}]`;
    if (!m?.type) errs.push(required(`${p}.type`, 'must specify a metric source type'));
    else if (!METRIC_TYPES.includes(m.type)) errs.push(notSupported(`${p}.type`, m.type, METRIC_TYPES));
    const target = m?.resource?.target ?? m?.containerResource?.target;
    if ((m?.type === 'Resource' || m?.type === 'ContainerResource') && target?.type === 'Utilization' && !(target.averageUtilization > 0)) {
      errs.push(invalid(`${p}.${m.type === 'Resource' ? 'resource' : 'containerResource'}.target.averageUtilization`, target.averageUtilization ?? 0, 'must be greater than 0'));
    }
  });
  return errs;
}

/** formatHPAMetrics: up to two "name: current/target" entries, then "+ N more...". */
export function formatHPAMetrics(specs: Obj[] | undefined, statuses: Obj[] | undefined): string {
  if (!specs?.length) return '<none>';
  const list = specs.map((spec, i) => {
    const st = statuses?.[i];
    switch (spec?.type) {
      case 'External':
      case 'Object': {
        const s = spec.type === 'External' ? spec.external : spec.object;
        const cur = spec.type === 'External' ? st?.external : st?.object;
        if (s?.target?.averageValue != null) return `${cur?.current?.averageValue ?? '<unknown>'}/${s.target.averageValue} (avg)`;
        return `${cur?.current?.value ?? '<unknown>'}/${s?.target?.value}`;
      }
      case 'Pods':
        return `${st?.pods?.current?.averageValue ?? '<unknown>'}/${spec.pods?.target?.averageValue}`;
      case 'Resource':
      case 'ContainerResource': {
        const s = spec.type === 'Resource' ? spec.resource : spec.containerResource;
        const cur = spec.type === 'Resource' ? st?.resource : st?.containerResource;
        if (s?.target?.averageValue != null) return `${s.name}: ${cur?.current?.averageValue ?? '<unknown>'}/${s.target.averageValue}`;
        const current = cur?.current?.averageUtilization != null ? `${cur.current.averageUtilization}%` : '<unknown>';
        const target = s?.target?.averageUtilization != null ? `${s.target.averageUtilization}%` : '<auto>';
        return `${s?.name}: ${current}/${target}`;
      }
      default:
        return '<unknown type>';
    }
  });
  if (list.length <= 2) return list.join(', ');
  return `${list.slice(0, 2).join(', ')} + ${list.length - 2} more...`;
}

export const horizontalpodautoscalers: ResourceDef = {
  group: 'autoscaling',
  version: 'v2',
  kind: 'HorizontalPodAutoscaler',
  plural: 'horizontalpodautoscalers',
  singular: 'horizontalpodautoscaler',
  namespaced: true,
  shortNames: ['hpa'],
  categories: ['all'],
  nameRule: 'subdomain',
  generation: true,
  statusSubresource: true,
  subresources: [{ name: 'status', verbs: ['get', 'patch', 'update'] }],
  columns: [
    col('Name', NAME_DESCRIPTION),
    col('Reference', 'scaleTargetRef points to the target resource to scale, and is used to the pods for which metrics should be collected, as well as to actually change the replica count.'),
    col(
      'Targets',
      'metrics contains the specifications for which to use to calculate the desired replica count (the maximum replica count across all metrics will be used).  The desired replica count is calculated multiplying the ratio between the target value and the current value by the current number of pods.  Ergo, metrics used must decrease as the pod count is increased, and vice-versa.  See the individual metric source types for more information about how each type of metric must respond. If not set, the default metric will be set to 80% average CPU utilization.',
    ),
    col(
      'MinPods',
      'minReplicas is the lower limit for the number of replicas to which the autoscaler can scale down.  It defaults to 1 pod.  minReplicas is allowed to be 0 if the alpha feature gate HPAScaleToZero is enabled and at least one Object or External metric is configured.  Scaling is active as long as at least one metric value is available.',
    ),
    col('MaxPods', 'maxReplicas is the upper limit for the number of replicas to which the autoscaler can scale up. It cannot be less that minReplicas.'),
    col('Replicas', 'currentReplicas is current number of replicas of pods managed by this autoscaler, as last seen by the autoscaler.'),
    AGE,
  ],
  cells: (o, now) => [
    o.metadata?.name,
    `${o.spec?.scaleTargetRef?.kind}/${o.spec?.scaleTargetRef?.name}`,
    formatHPAMetrics(o.spec?.metrics, o.status?.currentMetrics),
    o.spec?.minReplicas != null ? String(o.spec.minReplicas) : '<unset>',
    o.spec?.maxReplicas ?? 0,
    o.status?.currentReplicas ?? 0,
    age(o.metadata?.creationTimestamp, now),
  ],
  defaults: defaultHPA,
  // desiredReplicas is the one status field without omitempty.
  prepareForCreate: (o) => {
    o.status = { desiredReplicas: 0 };
  },
  validate: validateHPA,
};
