// policy/v1 PodDisruptionBudget validation (upstream pkg/apis/policy/validation ValidatePodDisruptionBudget and
// ValidatePodDisruptionBudgetStatusUpdate, with apps validation's ValidatePositiveIntOrPercent /
// IsNotMoreThan100Percent and metav1 ValidateConditions), plus the typed-decode checks a Go client gets for free:
// an int-or-string field holding an object or a bool is a 400 decode error, not a 422.
import { errors } from '../../../machinery/errors.js';
import { validateLabelName, validateLabelSelector } from '../../../machinery/label-validation.js';
import { regexError } from '../../../machinery/name-rules.js';
import { duplicate, invalid, IS_NEGATIVE_ERROR_MSG, notSupported, required, tooLong, type FieldError } from '../../../machinery/validation.js';
type Obj = Record<string, any>;

export const UNHEALTHY_POD_EVICTION_POLICIES = ['AlwaysAllow', 'IfHealthyBudget'];
const PERCENT = /^[0-9]+%$/;
const CONDITION_REASON = /^[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?$/;
const CONDITION_STATUSES = ['False', 'True', 'Unknown'];

function decodeError(what: string, value: unknown, goType: string): never {
  const kind =
    value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value === 'object' ? 'object' : typeof value === 'boolean' ? 'bool' : typeof value === 'number' ? `number ${value}` : typeof value;
  throw errors.badRequest(`PodDisruptionBudget in version "v1" cannot be handled as a PodDisruptionBudget: json: cannot unmarshal ${kind} into Go struct field ${what} of type ${goType}`);
}

const isObject = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);

/** The checks json.Unmarshal into policyv1.PodDisruptionBudget makes (wrong JSON types are 400s). */
export function checkPDBTypes(o: Obj): void {
  const spec = o.spec;
  if (isObject(spec)) {
    for (const f of ['minAvailable', 'maxUnavailable']) {
      const v = spec[f];
      if (v == null || typeof v === 'string') continue;
      if (typeof v !== 'number' || !Number.isInteger(v)) decodeError(`PodDisruptionBudgetSpec.spec.${f}`, v, typeof v === 'number' ? 'int32' : 'intstr.IntOrString');
    }
    if (spec.selector != null && !isObject(spec.selector)) decodeError('PodDisruptionBudgetSpec.spec.selector', spec.selector, 'v1.LabelSelector');
    const sel = spec.selector;
    if (isObject(sel)) {
      if (sel.matchLabels != null && !isObject(sel.matchLabels)) decodeError('LabelSelector.spec.selector.matchLabels', sel.matchLabels, 'map[string]string');
      for (const v of Object.values(isObject(sel.matchLabels) ? sel.matchLabels : {})) if (typeof v !== 'string') decodeError('LabelSelector.spec.selector.matchLabels', v, 'string');
      if (sel.matchExpressions != null && !Array.isArray(sel.matchExpressions)) decodeError('LabelSelector.spec.selector.matchExpressions', sel.matchExpressions, '[]v1.LabelSelectorRequirement');
      for (const e of sel.matchExpressions ?? []) {
        if (!isObject(e)) decodeError('LabelSelector.spec.selector.matchExpressions', e, 'v1.LabelSelectorRequirement');
        if (e.values != null && (!Array.isArray(e.values) || e.values.some((x: unknown) => typeof x !== 'string'))) decodeError('LabelSelectorRequirement.spec.selector.matchExpressions.values', e.values, '[]string');
      }
    }
    const policy = spec.unhealthyPodEvictionPolicy;
    if (policy != null && typeof policy !== 'string') decodeError('PodDisruptionBudgetSpec.spec.unhealthyPodEvictionPolicy', policy, 'v1.UnhealthyPodEvictionPolicyType');
  }
  const status = o.status;
  if (isObject(status)) {
    for (const f of ['observedGeneration', 'disruptionsAllowed', 'currentHealthy', 'desiredHealthy', 'expectedPods']) {
      const v = status[f];
      if (v != null && !(typeof v === 'number' && Number.isInteger(v))) decodeError(`PodDisruptionBudgetStatus.status.${f}`, v, f === 'observedGeneration' ? 'int64' : 'int32');
    }
    if (status.disruptedPods != null && !isObject(status.disruptedPods)) decodeError('PodDisruptionBudgetStatus.status.disruptedPods', status.disruptedPods, 'map[string]v1.Time');
    if (status.conditions != null && (!Array.isArray(status.conditions) || status.conditions.some((c: unknown) => !isObject(c)))) {
      decodeError('PodDisruptionBudgetStatus.status.conditions', status.conditions, '[]v1.Condition');
    }
  }
}

/** The percentage of an int-or-string that is one ("50%" → 50), else undefined. */
function percentValue(v: unknown): number | undefined {
  if (typeof v !== 'string' || !PERCENT.test(v)) return undefined;
  return Number(v.slice(0, -1));
}

/** apps validation ValidatePositiveIntOrPercent + IsNotMoreThan100Percent. */
function validateIntOrPercent(v: unknown, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (typeof v === 'string') {
    if (!PERCENT.test(v)) errs.push(invalid(path, v, regexError("a valid percent string must be a numeric string followed by an ending '%'", '[0-9]+%', '1%', '93%')));
  } else if (typeof v === 'number') {
    if (v < 0) errs.push(invalid(path, v, IS_NEGATIVE_ERROR_MSG));
  }
  const pct = percentValue(v);
  if (pct !== undefined && pct > 100) errs.push(invalid(path, v, 'must not be greater than 100%'));
  return errs;
}

/** ValidatePodDisruptionBudgetSpec. */
export function validatePDBSpec(spec: Obj | undefined): FieldError[] {
  const errs: FieldError[] = [];
  const s = spec ?? {};
  if (s.minAvailable != null && s.maxUnavailable != null) errs.push(invalid('spec', s, 'minAvailable and maxUnavailable cannot be both set'));
  if (s.minAvailable != null) errs.push(...validateIntOrPercent(s.minAvailable, 'spec.minAvailable'));
  if (s.maxUnavailable != null) errs.push(...validateIntOrPercent(s.maxUnavailable, 'spec.maxUnavailable'));
  errs.push(...validateLabelSelector(s.selector, 'spec.selector'));
  const policy = s.unhealthyPodEvictionPolicy;
  if (policy != null && !UNHEALTHY_POD_EVICTION_POLICIES.includes(policy)) errs.push(notSupported('spec.unhealthyPodEvictionPolicy', policy, UNHEALTHY_POD_EVICTION_POLICIES));
  return errs;
}

/** metav1 validation ValidateConditions. */
function validateConditions(conditions: Obj[], path: string): FieldError[] {
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  conditions.forEach((c, i) => {
    const p = `${path}[${i}]`;
    const type = String(c.type ?? '');
    errs.push(...validateLabelName(type, `${p}.type`));
    if (seen.has(type)) errs.push(duplicate(`${p}.type`, type));
    seen.add(type);
    if (!CONDITION_STATUSES.includes(c.status)) errs.push(notSupported(`${p}.status`, c.status ?? '', CONDITION_STATUSES));
    if (typeof c.observedGeneration === 'number' && c.observedGeneration < 0) errs.push(invalid(`${p}.observedGeneration`, c.observedGeneration, 'must be greater than or equal to zero'));
    if (!c.lastTransitionTime) errs.push(required(`${p}.lastTransitionTime`, 'must be set'));
    const reason = String(c.reason ?? '');
    if (!reason) errs.push(required(`${p}.reason`, 'must be set'));
    else {
      if (!CONDITION_REASON.test(reason)) {
        const msg = regexError(
          "a condition reason must start with alphabetic character, optionally followed by a string of alphanumeric characters or '_,:', and must end with an alphanumeric character or '_'",
          '[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?',
          'my_name',
          'MY_NAME',
          'MyName',
          'ReasonA,ReasonB',
          'ReasonA:ReasonB',
        );
        errs.push(invalid(`${p}.reason`, reason, msg));
      }
      if (reason.length > 1024) errs.push(tooLong(`${p}.reason`, 1024));
    }
    if (String(c.message ?? '').length > 32 * 1024) errs.push(tooLong(`${p}.message`, 32 * 1024));
  });
  return errs;
}

/** ValidatePodDisruptionBudgetStatusUpdate (policy/v1: the counters may not be negative). */
export function validatePDBStatus(status: Obj | undefined): FieldError[] {
  const s = status ?? {};
  const errs = validateConditions(Array.isArray(s.conditions) ? s.conditions : [], 'status.conditions');
  for (const f of ['disruptionsAllowed', 'currentHealthy', 'desiredHealthy', 'expectedPods']) {
    if (typeof s[f] === 'number' && s[f] < 0) errs.push(invalid(`status.${f}`, s[f], IS_NEGATIVE_ERROR_MSG));
  }
  return errs;
}
