// The fact table: for every type reachable from the kinds kubesim serves, the struct fields that lead to nested
// objects, lists and maps, with their patch strategy, merge key, list type, list map keys and map type. Strategic
// merge patch reads it in place of upstream's Go struct tags (strategicpatch.PatchMetaFromStruct); server-side
// apply and the OpenAPI documents can read the same facts.
//
// Type names are the OpenAPI definition names (io.k8s.api.core.v1.PodSpec, ...). Fields that hold scalars are
// not listed.

import { APPS_META_FIELD_SPECS, TYPE_SPECS } from './facts-apps-meta.js';
import { CORE_FIELD_SPECS } from './facts-core.js';
import { POD_FIELD_SPECS } from './facts-core-pod.js';
import { VOLUME_FIELD_SPECS } from './facts-core-volume.js';
import { STORAGE_FIELD_SPECS, STORAGE_TYPE_SPECS } from './facts-storage.js';
import { POLICY_FIELD_SPECS } from './facts-policy.js';
import { expandSpecs, expandTypeName, type FieldFact, type MapType, type TypeFact } from './facts-dsl.js';

export type { FieldFact, ListType, MapType, TypeFact } from './facts-dsl.js';

/** A type name in a fact table (an OpenAPI definition name for the built-in table). */
export type TypeRef = string;

export interface FactTable {
  /** type name -> field name -> facts, for the fields that hold objects, lists or maps */
  fields: Record<TypeRef, Record<string, FieldFact>>;
  /** type-level facts, for the types that have any */
  types: Record<TypeRef, TypeFact>;
}

function buildTable(): FactTable {
  const fields: FactTable['fields'] = {};
  for (const specs of [POD_FIELD_SPECS, VOLUME_FIELD_SPECS, CORE_FIELD_SPECS, APPS_META_FIELD_SPECS, STORAGE_FIELD_SPECS, POLICY_FIELD_SPECS]) {
    for (const [name, facts] of Object.entries(expandSpecs(specs))) {
      if (fields[name]) throw new Error(`facts: type ${name} listed twice`);
      fields[name] = facts;
    }
  }
  const types: FactTable['types'] = {};
  for (const [short, spec] of Object.entries({ ...TYPE_SPECS, ...STORAGE_TYPE_SPECS })) {
    types[expandTypeName(short)] = spec === 'opaque' ? { opaque: true } : { mapType: spec.slice(3) as MapType };
  }
  return { fields, types };
}

/** The built-in table. */
export const FACTS: FactTable = buildTable();
export const FIELD_FACTS = FACTS.fields;
export const TYPE_FACTS = FACTS.types;

/** Root type of each served kind, keyed `<apiVersion>/<kind>` (core kinds have apiVersion `v1`). */
const roots: Record<string, TypeRef> = {
  'v1/Namespace': 'io.k8s.api.core.v1.Namespace',
  'v1/Pod': 'io.k8s.api.core.v1.Pod',
  'v1/Node': 'io.k8s.api.core.v1.Node',
  'v1/Service': 'io.k8s.api.core.v1.Service',
  'v1/Endpoints': 'io.k8s.api.core.v1.Endpoints',
  'v1/ConfigMap': 'io.k8s.api.core.v1.ConfigMap',
  'v1/Secret': 'io.k8s.api.core.v1.Secret',
  'v1/ServiceAccount': 'io.k8s.api.core.v1.ServiceAccount',
  'v1/Event': 'io.k8s.api.core.v1.Event',
  'v1/PersistentVolume': 'io.k8s.api.core.v1.PersistentVolume',
  'v1/PersistentVolumeClaim': 'io.k8s.api.core.v1.PersistentVolumeClaim',
  'apps/v1/Deployment': 'io.k8s.api.apps.v1.Deployment',
  'apps/v1/ReplicaSet': 'io.k8s.api.apps.v1.ReplicaSet',
  'apps/v1/StatefulSet': 'io.k8s.api.apps.v1.StatefulSet',
  'apps/v1/DaemonSet': 'io.k8s.api.apps.v1.DaemonSet',
  'apps/v1/ControllerRevision': 'io.k8s.api.apps.v1.ControllerRevision',
  'coordination.k8s.io/v1/Lease': 'io.k8s.api.coordination.v1.Lease',
  'storage.k8s.io/v1/StorageClass': 'io.k8s.api.storage.v1.StorageClass',
  'policy/v1/PodDisruptionBudget': 'io.k8s.api.policy.v1.PodDisruptionBudget',
};
export const kindRoots: Readonly<Record<string, TypeRef>> = roots;

/**
 * Adds the types of a runtime fact table (a custom resource version's schema facts) to the shared table. The type
 * names must be unique to the owner (the CRD controller names them after the CRD's uid), so that clusters sharing
 * one process never see each other's types; the owner's ResourceDef points at its root with `factsType`.
 */
export function registerFactTypes(facts: FactTable): void {
  Object.assign(FACTS.fields, facts.fields);
  Object.assign(FACTS.types, facts.types);
}

/** Removes the types registered with registerFactTypes. */
export function unregisterFactTypes(facts: FactTable): void {
  for (const t of Object.keys(facts.fields)) delete FACTS.fields[t];
  for (const t of Object.keys(facts.types)) delete FACTS.types[t];
}


export interface GroupVersionKind {
  /** '' or absent for the core group */
  group?: string;
  version: string;
  kind: string;
}

/**
 * The root type of a served kind: typeFor({group: 'apps', version: 'v1', kind: 'Deployment'}),
 * typeFor('apps/v1', 'Deployment') or typeFor('apps/v1/Deployment'). Undefined for kinds without facts.
 */
export function typeFor(gvk: GroupVersionKind | string, kind?: string): TypeRef | undefined {
  let key: string;
  if (typeof gvk === 'string') key = kind === undefined ? gvk : `${gvk}/${kind}`;
  else key = gvk.group ? `${gvk.group}/${gvk.version}/${gvk.kind}` : `${gvk.version}/${gvk.kind}`;
  return Object.prototype.hasOwnProperty.call(kindRoots, key) ? kindRoots[key] : undefined;
}

/** The facts of one field, or undefined for scalar fields, unknown fields and unknown types. */
export function fieldInfo(typeName: TypeRef, field: string, table: FactTable = FACTS): FieldFact | undefined {
  const fields = Object.prototype.hasOwnProperty.call(table.fields, typeName) ? table.fields[typeName] : undefined;
  return fields && Object.prototype.hasOwnProperty.call(fields, field) ? fields[field] : undefined;
}

/** Type-level facts (map type, opaqueness), if any. */
export function typeInfo(typeName: TypeRef, table: FactTable = FACTS): TypeFact | undefined {
  return Object.prototype.hasOwnProperty.call(table.types, typeName) ? table.types[typeName] : undefined;
}

/** Whether the table describes this struct type (possibly as one without nested fields). */
export function isKnownType(typeName: TypeRef, table: FactTable = FACTS): boolean {
  return Object.prototype.hasOwnProperty.call(table.fields, typeName);
}
