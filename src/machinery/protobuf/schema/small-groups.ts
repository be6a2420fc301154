// Protobuf field table for coordination.k8s.io/v1, autoscaling/v1 and authorization.k8s.io/v1 (notation: ./types.ts).
import type { MessageTable } from './types.js';

export const SMALL_GROUPS: MessageTable = {
  'authorization.v1.AuthorizationOptions': { handledDecisionTypes: [1, '[]string'] },
  'authorization.v1.FieldSelectorAttributes': { rawSelector: [1, 'string'], requirements: [2, '[]meta.v1.FieldSelectorRequirement'] },
  'authorization.v1.LabelSelectorAttributes': { rawSelector: [1, 'string'], requirements: [2, '[]meta.v1.LabelSelectorRequirement'] },
  'authorization.v1.NonResourceAttributes': { path: [1, 'string'], verb: [2, 'string'] },
  'authorization.v1.NonResourceRule': { verbs: [1, '[]string'], nonResourceURLs: [2, '[]string'] },
  'authorization.v1.ResourceAttributes': {
    namespace: [1, 'string'], verb: [2, 'string'], group: [3, 'string'], version: [4, 'string'], resource: [5, 'string'],
    subresource: [6, 'string'], name: [7, 'string'], fieldSelector: [8, 'authorization.v1.FieldSelectorAttributes?'],
    labelSelector: [9, 'authorization.v1.LabelSelectorAttributes?'],
  },
  'authorization.v1.ResourceRule': {
    verbs: [1, '[]string'], apiGroups: [2, '[]string'], resources: [3, '[]string'], resourceNames: [4, '[]string'],
  },
  'authorization.v1.SelfSubjectAccessReview': {
    metadata: [1, 'meta.v1.ObjectMeta'], spec: [2, 'authorization.v1.SelfSubjectAccessReviewSpec'],
    status: [3, 'authorization.v1.SubjectAccessReviewStatus'],
  },
  'authorization.v1.SelfSubjectAccessReviewSpec': {
    resourceAttributes: [1, 'authorization.v1.ResourceAttributes?'], nonResourceAttributes: [2, 'authorization.v1.NonResourceAttributes?'],
    authorizationOptions: [3, 'authorization.v1.AuthorizationOptions?'],
  },
  'authorization.v1.SelfSubjectRulesReview': {
    metadata: [1, 'meta.v1.ObjectMeta'], spec: [2, 'authorization.v1.SelfSubjectRulesReviewSpec'],
    status: [3, 'authorization.v1.SubjectRulesReviewStatus'],
  },
  'authorization.v1.SelfSubjectRulesReviewSpec': { namespace: [1, 'string'] },
  'authorization.v1.SubjectAccessReviewStatus': {
    allowed: [1, 'bool'], denied: [4, 'bool'], reason: [2, 'string'], evaluationError: [3, 'string'],
  },
  'authorization.v1.SubjectRulesReviewStatus': {
    resourceRules: [1, '[]authorization.v1.ResourceRule'], nonResourceRules: [2, '[]authorization.v1.NonResourceRule'],
    incomplete: [3, 'bool'], evaluationError: [4, 'string'],
  },
  'autoscaling.v1.Scale': {
    metadata: [1, 'meta.v1.ObjectMeta'], spec: [2, 'autoscaling.v1.ScaleSpec'], status: [3, 'autoscaling.v1.ScaleStatus'],
  },
  'autoscaling.v1.ScaleSpec': { replicas: [1, 'int32?'] },
  'autoscaling.v1.ScaleStatus': { replicas: [1, 'int32'], selector: [2, 'string'] },
  'coordination.v1.Lease': { metadata: [1, 'meta.v1.ObjectMeta'], spec: [2, 'coordination.v1.LeaseSpec'] },
  'coordination.v1.LeaseSpec': {
    holderIdentity: [1, 'string?'], leaseDurationSeconds: [2, 'int32?'], acquireTime: [3, 'MicroTime?'], renewTime: [4, 'MicroTime?'],
    leaseTransitions: [5, 'int32?'], strategy: [6, 'string?'], preferredHolder: [7, 'string?'],
  },
};
