// Protobuf field table for policy/v1 (notation: ./types.ts): PodDisruptionBudget (`kubectl create pdb` sends it as
// protobuf from 1.32 on) and Eviction (typed clients may POST pods/NAME/eviction as protobuf).
import type { MessageTable } from './types.js';

export const POLICY_V1: MessageTable = {
  'policy.v1.Eviction': { metadata: [1, 'meta.v1.ObjectMeta'], deleteOptions: [2, 'meta.v1.DeleteOptions?'] },
  'policy.v1.PodDisruptionBudget': {
    metadata: [1, 'meta.v1.ObjectMeta'], spec: [2, 'policy.v1.PodDisruptionBudgetSpec'], status: [3, 'policy.v1.PodDisruptionBudgetStatus'],
  },
  'policy.v1.PodDisruptionBudgetSpec': {
    minAvailable: [1, 'IntOrString?'], selector: [2, 'meta.v1.LabelSelector?'], maxUnavailable: [3, 'IntOrString?'],
    unhealthyPodEvictionPolicy: [4, 'string?'],
  },
  'policy.v1.PodDisruptionBudgetStatus': {
    observedGeneration: [1, 'int64'], disruptedPods: [2, 'map<string,Time>'], disruptionsAllowed: [3, 'int32'], currentHealthy: [4, 'int32'],
    desiredHealthy: [5, 'int32'], expectedPods: [6, 'int32'], conditions: [7, '[]meta.v1.Condition'],
  },
};
