// Create-only review resources (nothing is stored): kubesim authorizes everything, like a cluster-admin user, so
// `kubectl auth can-i` answers yes and `auth whoami` names the anonymous admin user kubesim's kubeconfig uses.
import type { Obj, ResourceDef } from '../../types.js';

const USER = { username: 'kubesim-admin', groups: ['system:masters', 'system:authenticated'] };

const reviewBase = { namespaced: false, nameRule: 'path-segment' as const, verbs: ['create'] };

export const selfsubjectaccessreviews: ResourceDef = {
  ...reviewBase,
  group: 'authorization.k8s.io',
  version: 'v1',
  kind: 'SelfSubjectAccessReview',
  plural: 'selfsubjectaccessreviews',
  singular: 'selfsubjectaccessreview',
  review: (o: Obj) => ({ ...o, status: { allowed: true, reason: 'kubesim allows every request' } }),
};

export const selfsubjectrulesreviews: ResourceDef = {
  ...reviewBase,
  group: 'authorization.k8s.io',
  version: 'v1',
  kind: 'SelfSubjectRulesReview',
  plural: 'selfsubjectrulesreviews',
  singular: 'selfsubjectrulesreview',
  review: (o: Obj) => ({
    ...o,
    status: {
      resourceRules: [{ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }],
      nonResourceRules: [{ verbs: ['*'], nonResourceURLs: ['*'] }],
      incomplete: false,
    },
  }),
};

export const selfsubjectreviews: ResourceDef = {
  ...reviewBase,
  group: 'authentication.k8s.io',
  version: 'v1',
  kind: 'SelfSubjectReview',
  plural: 'selfsubjectreviews',
  singular: 'selfsubjectreview',
  review: (o: Obj) => ({ ...o, status: { userInfo: USER } }),
};
