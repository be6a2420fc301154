// Formats the TypeScript declarations cannot express, written from the Go types (k8s.io/api, k8s.io/apimachinery):
// a TypeScript `number` is a Go int32 unless listed here as int64 (or float64 -> double), a `string` that is a Go
// []byte is format byte (base64 on the wire), and a few named types have custom JSON marshalling, so kube-openapi
// describes them specially (their OpenAPISchemaType / OpenAPIV3OneOfTypes methods).

import type { Schema } from './schema.js';

const CORE = 'io.k8s.api.core.v1.';
const META = 'io.k8s.apimachinery.pkg.apis.meta.v1.';

/** type -> field -> format, for fields that are not int32 numbers or plain strings. Lists and maps: their items. */
export const FIELD_FORMATS: Record<string, Record<string, 'int64' | 'double' | 'byte'>> = {
  [`${META}Condition`]: { observedGeneration: 'int64' },
  [`${META}DeleteOptions`]: { gracePeriodSeconds: 'int64' },
  [`${META}ListMeta`]: { remainingItemCount: 'int64' },
  [`${META}ObjectMeta`]: { deletionGracePeriodSeconds: 'int64', generation: 'int64' },

  [`${CORE}ConfigMap`]: { binaryData: 'byte' },
  [`${CORE}ContainerImage`]: { sizeBytes: 'int64' },
  [`${CORE}PodSecurityContext`]: { fsGroup: 'int64', runAsGroup: 'int64', runAsUser: 'int64', supplementalGroups: 'int64' },
  [`${CORE}PodSpec`]: { activeDeadlineSeconds: 'int64', terminationGracePeriodSeconds: 'int64' },
  [`${CORE}Probe`]: { terminationGracePeriodSeconds: 'int64' },
  [`${CORE}ReplicationControllerStatus`]: { observedGeneration: 'int64' },
  [`${CORE}Secret`]: { data: 'byte' },
  [`${CORE}SecurityContext`]: { runAsGroup: 'int64', runAsUser: 'int64' },
  [`${CORE}ServiceAccountTokenProjection`]: { expirationSeconds: 'int64' },
  [`${CORE}SleepAction`]: { seconds: 'int64' },
  [`${CORE}Toleration`]: { tolerationSeconds: 'int64' },

  'io.k8s.api.apps.v1.ControllerRevision': { revision: 'int64' },
  'io.k8s.api.apps.v1.DaemonSetStatus': { observedGeneration: 'int64' },
  'io.k8s.api.apps.v1.DeploymentStatus': { observedGeneration: 'int64' },
  'io.k8s.api.apps.v1.ReplicaSetStatus': { observedGeneration: 'int64' },
  'io.k8s.api.apps.v1.StatefulSetStatus': { observedGeneration: 'int64' },

  'io.k8s.api.admissionregistration.v1.ValidatingAdmissionPolicyStatus': { observedGeneration: 'int64' },
  'io.k8s.api.admissionregistration.v1alpha1.ValidatingAdmissionPolicyStatus': { observedGeneration: 'int64' },
  'io.k8s.api.admissionregistration.v1beta1.ValidatingAdmissionPolicyStatus': { observedGeneration: 'int64' },
  'io.k8s.api.admissionregistration.v1.WebhookClientConfig': { caBundle: 'byte' },
  'io.k8s.api.apiserverinternal.v1alpha1.StorageVersionCondition': { observedGeneration: 'int64' },
  'io.k8s.api.authentication.v1.TokenRequestSpec': { expirationSeconds: 'int64' },
  'io.k8s.api.autoscaling.v1.HorizontalPodAutoscalerStatus': { observedGeneration: 'int64' },
  'io.k8s.api.autoscaling.v2.HorizontalPodAutoscalerStatus': { observedGeneration: 'int64' },
  'io.k8s.api.batch.v1.CronJobSpec': { startingDeadlineSeconds: 'int64' },
  'io.k8s.api.batch.v1.JobSpec': { activeDeadlineSeconds: 'int64' },
  'io.k8s.api.certificates.v1.CertificateSigningRequestSpec': { request: 'byte' },
  'io.k8s.api.certificates.v1.CertificateSigningRequestStatus': { certificate: 'byte' },
  'io.k8s.api.policy.v1.PodDisruptionBudgetStatus': { observedGeneration: 'int64' },
  'io.k8s.api.resource.v1alpha2.NamedResourcesAttribute': { int: 'int64' },
  'io.k8s.api.resource.v1alpha2.NamedResourcesIntSlice': { ints: 'int64' },
  'io.k8s.api.storage.v1.TokenRequest': { expirationSeconds: 'int64' },
  'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSONSchemaProps': {
    maxItems: 'int64',
    maxLength: 'int64',
    maxProperties: 'int64',
    maximum: 'double',
    minItems: 'int64',
    minLength: 'int64',
    minProperties: 'int64',
    minimum: 'double',
    multipleOf: 'double',
  },
  'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.WebhookClientConfig': { caBundle: 'byte' },
};

/**
 * Named types with custom marshalling, as kube-openapi writes them in v3 documents: members set here replace the
 * generated ones; `type: undefined` removes the generated type.
 */
export const TYPE_OVERRIDES: Record<string, Partial<Record<keyof Schema, unknown>>> = {
  [`${META}Time`]: { type: 'string', format: 'date-time' },
  [`${META}MicroTime`]: { type: 'string', format: 'date-time' },
  // Quantity.OpenAPIV3OneOfTypes
  'io.k8s.apimachinery.pkg.api.resource.Quantity': { type: undefined, oneOf: [{ type: 'string' }, { type: 'number' }] },
  // IntOrString has no declaration in kubernetes-types (fields are `number | string`): its description lives here.
  'io.k8s.apimachinery.pkg.util.intstr.IntOrString': {
    description:
      'IntOrString is a type that can hold an int32 or a string.  When used in JSON or YAML marshalling and unmarshalling, it produces or consumes the inner type.  This allows you to have, for example, a JSON field that can accept a name or number.',
    format: 'int-or-string',
    oneOf: [{ type: 'integer' }, { type: 'string' }],
  },
  // Any JSON value: no type.
  'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSON': { type: undefined },
};
