// OpenAPI v3 component schemas of a custom resource version, shaped like the apiextensions builder's
// (pkg/controller/openapi/builder): the kind schema is the CRD's openAPIV3Schema with apiVersion, kind and metadata
// (a $ref to ObjectMeta) filled in and x-kubernetes-group-version-kind set; the list schema wraps it in items.
// Names follow upstream: the group reversed, then version and kind (`com.example.stable.v1.CronTab`).
import type { JSONSchemaProps } from './schema/types.js';

const META = 'io.k8s.apimachinery.pkg.apis.meta.v1.';
const API_VERSION_DESC =
  'APIVersion defines the versioned schema of this representation of an object. Servers should convert recognized schemas to the latest internal value, and may reject unrecognized values. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#resources';
const KIND_DESC =
  'Kind is a string value representing the REST resource this object represents. Servers may infer this from the endpoint the client submits requests to. Cannot be updated. In CamelCase. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#types-kinds';

export function schemaName(group: string, version: string, kind: string): string {
  return `${group.split('.').reverse().join('.')}.${version}.${kind}`;
}

/** Drops what OpenAPI v3 documents do not carry (CEL rules stay, as upstream publishes them). */
function published(s: JSONSchemaProps): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(s)) {
    if (k === 'properties') out.properties = Object.fromEntries(Object.entries(v as Record<string, JSONSchemaProps>).map(([p, x]) => [p, published(x)]));
    else if (k === 'items' && v && typeof v === 'object' && !Array.isArray(v)) out.items = published(v as JSONSchemaProps);
    else if (k === 'additionalProperties' && v && typeof v === 'object') out.additionalProperties = published(v as JSONSchemaProps);
    else out[k] = structuredClone(v);
  }
  return out;
}

export function customResourceSchemas(group: string, version: string, kind: string, listKind: string, schema: JSONSchemaProps | undefined): Record<string, unknown> {
  const gvk = (k: string) => [{ group, kind: k, version }];
  const base = published(schema ?? { type: 'object', 'x-kubernetes-preserve-unknown-fields': true });
  const properties = { ...((base.properties as Record<string, unknown>) ?? {}) };
  properties.apiVersion = { description: API_VERSION_DESC, type: 'string' };
  properties.kind = { description: KIND_DESC, type: 'string' };
  properties.metadata = { allOf: [{ $ref: `#/components/schemas/${META}ObjectMeta` }], description: "Standard object's metadata. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata" };
  const name = schemaName(group, version, kind);
  return {
    [name]: { ...base, type: 'object', properties, 'x-kubernetes-group-version-kind': gvk(kind) },
    [schemaName(group, version, listKind)]: {
      description: `${listKind} is a list of ${kind}`,
      properties: {
        apiVersion: { description: API_VERSION_DESC, type: 'string' },
        items: { description: `List of ${kind.toLowerCase()}s. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md`, items: { $ref: `#/components/schemas/${name}` }, type: 'array' },
        kind: { description: KIND_DESC, type: 'string' },
        metadata: { allOf: [{ $ref: `#/components/schemas/${META}ListMeta` }], description: 'Standard list metadata. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#types-kinds' },
      },
      required: ['items'],
      type: 'object',
      'x-kubernetes-group-version-kind': gvk(listKind),
    },
  };
}
