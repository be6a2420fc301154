// Facts for policy/v1 PodDisruptionBudget, written from k8s.io/api/policy/v1/types.go; notation in facts-dsl.ts.

import type { FieldSpecs } from './facts-dsl.js';

export const POLICY_FIELD_SPECS: FieldSpecs = {
  'policy.PodDisruptionBudget': { metadata: 'meta.ObjectMeta', spec: 'policy.PodDisruptionBudgetSpec', status: 'policy.PodDisruptionBudgetStatus' },
  // +patchStrategy=replace: a strategic merge patch replaces the whole selector.
  'policy.PodDisruptionBudgetSpec': { selector: 'meta.LabelSelector ps=replace' },
  'policy.PodDisruptionBudgetStatus': {
    conditions: 'meta.Condition[] ps=merge pmk=type lt=map lmk=type',
    disruptedPods: 'Time{}',
  },
};
