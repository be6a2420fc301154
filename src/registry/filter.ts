// Label + field selector predicate for LIST, WATCH and DELETECOLLECTION (upstream storage.SelectionPredicate).
import { errors } from '../machinery/errors.js';
import { checkFieldSelectorSupported, parseFieldSelector } from '../machinery/fields.js';
import { parseLabelSelector } from '../machinery/labels.js';
import type { ResourceDef } from './types.js';

type Obj = Record<string, any>;

export interface ObjectFilter {
  /** False when nothing is filtered (so the predicate can be skipped). */
  active: boolean;
  matches: (obj: Obj) => boolean;
}

export const MATCH_ALL: ObjectFilter = { active: false, matches: () => true };

/** The fields a field selector may use on `def` (metadata.name and metadata.namespace always). */
export function fieldsOf(def: ResourceDef, obj: Obj): Record<string, string> {
  const base: Record<string, string> = { 'metadata.name': obj.metadata?.name ?? '' };
  if (def.namespaced) base['metadata.namespace'] = obj.metadata?.namespace ?? '';
  return def.selectableFields ? { ...base, ...def.selectableFields(obj) } : base;
}

export function buildFilter(def: ResourceDef, labelSelector?: string, fieldSelector?: string): ObjectFilter {
  let labels;
  let fields;
  try {
    labels = labelSelector ? parseLabelSelector(labelSelector) : undefined;
  } catch (err) {
    throw errors.badRequest((err as Error).message);
  }
  try {
    fields = fieldSelector ? parseFieldSelector(fieldSelector) : undefined;
  } catch (err) {
    throw errors.badRequest((err as Error).message);
  }
  if (fields && !fields.empty) {
    // Kinds with their own field list answer "field label not supported"; the rest name the two default fields.
    try {
      checkFieldSelectorSupported(fields, Object.keys(fieldsOf(def, { metadata: {} })), def.selectableFields ? 'registered' : 'default');
    } catch (err) {
      throw errors.badRequest((err as Error).message);
    }
  }
  const useLabels = labels && !labels.empty ? labels : undefined;
  const useFields = fields && !fields.empty ? fields : undefined;
  if (!useLabels && !useFields) return MATCH_ALL;
  return {
    active: true,
    matches: (obj: Obj) =>
      (!useLabels || useLabels.matches(obj.metadata?.labels ?? {})) && (!useFields || useFields.matches(fieldsOf(def, obj))),
  };
}
