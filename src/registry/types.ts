// A served resource is data plus a small strategy (like upstream's rest.RESTCreateStrategy and friends). Discovery,
// routing, Table output, field selectors and validation are all derived from these definitions: nothing is declared
// twice.
import type { FieldError } from '../machinery/validation.js';

export type Obj = Record<string, any>;

export type NameRule = 'subdomain' | 'label' | 'label1035' | 'path-segment';

export interface PrinterColumn {
  name: string;
  type: 'string' | 'integer' | 'number' | 'boolean' | 'date';
  format?: string;
  description: string;
  priority: number;
}

export interface SubresourceDef {
  name: string;
  /** The kind served at the subresource (defaults to the parent's). */
  kind?: { group: string; version: string; kind: string };
  verbs: string[];
}

export interface ResourceDef {
  group: string;
  version: string;
  kind: string;
  listKind?: string;
  plural: string;
  singular: string;
  namespaced: boolean;
  shortNames?: string[];
  categories?: string[];
  /** Defaults to all eight CRUD verbs. */
  verbs?: string[];
  subresources?: SubresourceDef[];
  nameRule: NameRule;
  /** metadata.generation is kept and bumped when anything but metadata and status changes (upstream strategies). */
  generation?: boolean;
  /**
   * Root type in the patch fact table, for kinds registered at runtime (custom resources); built-in kinds are found
   * by apiVersion and kind (typeFor).
   */
  factsType?: string;
  /** Has a status subresource: main-resource writes keep the old status, status writes keep everything else. */
  statusSubresource?: boolean;
  /** PUT of a missing object creates it (upstream AllowCreateOnUpdate). */
  allowCreateOnUpdate?: boolean;
  /** All Table columns (Name first, as upstream); `cells` returns one value per column, in order. */
  columns?: PrinterColumn[];
  cells?: (obj: Obj, now: number) => unknown[];
  /** Extra field-selector fields beyond metadata.name and metadata.namespace (upstream GetAttrs / field label conversion). */
  selectableFields?: (obj: Obj) => Record<string, string>;
  /** Fills absent fields with defaults (upstream SetDefaults_*), on every create and update. Mutates. */
  defaults?: (obj: Obj) => void;
  /** Create-only preparation (upstream PrepareForCreate), e.g. resetting status. Mutates. */
  prepareForCreate?: (obj: Obj) => void;
  /** Per-type validation on create (ObjectMeta is validated generically). */
  validate?: (obj: Obj) => FieldError[];
  /** Per-type validation on update (in addition to validate). */
  validateUpdate?: (obj: Obj, old: Obj) => FieldError[];
  /** Adjusts an update (upstream PrepareForUpdate), e.g. resets immutable bits. Mutates `obj`. */
  prepareForUpdate?: (obj: Obj, old: Obj) => void;
  /** Graceful deletion period for DELETE without gracePeriodSeconds; undefined/0 deletes at once. */
  defaultGracePeriod?: (obj: Obj) => number;
  /** A create-only review resource: POST answers 201 with this result and nothing is stored. */
  review?: (obj: Obj) => Obj;
  /** A read-only view computed from other resources at request time, never stored (metrics.k8s.io): GET and LIST
   * answer from it (see computed.ts), every other verb is 405. */
  computed?: ComputedSource;
  /** DELETE answers with the object instead of a Status (upstream ReturnDeletedObject). */
  returnDeletedObject?: boolean;

  // --- custom resources (src/crd/): all optional, built-in kinds leave them unset ---
  /** Served from a CustomResourceDefinition (discovery orders its group's versions by priority, like upstream). */
  custom?: boolean;
  /** Converts every stored object to this version on read and back to the storage version on write (upstream's
   * None conversion plus read-time defaulting of custom resources). */
  codec?: { decode(obj: Obj): Obj; encode(obj: Obj): Obj };
  /** Shares another group's storage (with `codec` converting): events.k8s.io/v1 events are a view of core/v1 events
   * (upstream stores both in /registry/events/). */
  storedAs?: { group: string; plural: string };
  /** The unknown fields of a written object (for fieldValidation); built-in kinds use the OpenAPI schemas. */
  unknownFields?: (obj: Obj) => string[];
  /** The PATCH content types served (all four when unset; custom resources have no strategic merge patch). */
  patchTypes?: string[];
  /** /scale reads and writes these JSON paths instead of spec.replicas, status.replicas and spec.selector. */
  scalePaths?: { specReplicasPath: string; statusReplicasPath: string; labelSelectorPath?: string };
  /** Extra OpenAPI v3 component schemas (custom resource kinds and lists), by schema name. */
  openAPISchemas?: Record<string, unknown>;
  /** A Warning header for every request (deprecated custom resource versions). */
  warning?: string;
  /** A built-in API deprecated from a Kubernetes minor version on: servers reporting that version or later send
   * `warning` on every request (upstream's APILifecycleDeprecated warning). */
  deprecated?: { since: { major: number; minor: number }; warning: string };
  /** `defaults` also runs on status subresource writes (custom resources prune and default the whole object). */
  defaultsOnStatus?: boolean;
  /** Finalizers added when deletion starts (upstream: the CRD REST adds customresourcecleanup on DELETE). */
  deletionFinalizers?: (obj: Obj) => string[];
}

/** Reads the stored objects of another resource (all namespaces when `namespace` is undefined). */
export type ComputedReader = (def: ResourceDef, namespace?: string) => Obj[];

export interface ComputedSource {
  /** The objects of `namespace` (every namespace, or the cluster scope, when undefined) at `now`. */
  list(read: ComputedReader, namespace: string | undefined, now: number): Obj[];
  /** The resource and name a GET of a missing object reports (default: the plural and the name). */
  notFound?: (namespace: string | undefined, name: string) => { resource: string; name: string };
}

export const ALL_VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

export function groupVersion(def: { group: string; version: string }): string {
  return def.group ? `${def.group}/${def.version}` : def.version;
}
