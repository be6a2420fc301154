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
  /** DELETE answers with the object instead of a Status (upstream ReturnDeletedObject). */
  returnDeletedObject?: boolean;
}

export const ALL_VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

export function groupVersion(def: { group: string; version: string }): string {
  return def.group ? `${def.group}/${def.version}` : def.version;
}
