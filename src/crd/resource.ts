// The ResourceDefs that serve one CRD: one per served version, all sharing the storage prefix
// /registry/<group>/<plural>/ (upstream customresource REST storage). Each version prunes, defaults and validates
// by its own schema (openAPIV3Schema, then x-kubernetes-validations), converts with the None strategy (apiVersion
// rewritten to the storage version on write and to the requested version on read), and prints its
// additionalPrinterColumns.
import { isDeepStrictEqual } from 'node:util';
import { errors } from '../machinery/errors.js';
import { invalid, type FieldError } from '../machinery/validation.js';
import type { Obj, ResourceDef, SubresourceDef } from '../registry/types.js';
import { findResults } from './jsonpath.js';
import { customResourceSchemas } from './openapi.js';
import { customTable } from './printer.js';
import { validateCel } from './schema/cel.js';
import { applyDefaults } from './schema/defaults.js';
import { prune, unknownFields } from './schema/prune.js';
import type { JSONSchemaProps } from './schema/types.js';
import { validateValue } from './schema/validate.js';
import { storageVersion, type CRD, type CRDVersion } from './types.js';
import { compareVersionPriority } from './version-priority.js';

const PATCH_TYPES = ['application/json-patch+json', 'application/merge-patch+json', 'application/apply-patch+yaml'];
const ANY_OBJECT: JSONSchemaProps = { type: 'object', 'x-kubernetes-preserve-unknown-fields': true };

/** Shared, mutable state of a served CRD (its resources stop accepting creates while it terminates). */
export interface CRDState {
  terminating: boolean;
}

function deprecationWarning(crd: CRD, v: CRDVersion): string | undefined {
  if (!v.deprecated) return undefined;
  if (v.deprecationWarning !== undefined) return v.deprecationWarning;
  const { group, names } = crd.spec;
  // upstream: "<group>/<version> <Kind> is deprecated; use <group>/<best non-deprecated served version> <Kind>"
  const better = crd.spec.versions
    .filter((x) => x.served && !x.deprecated)
    .map((x) => x.name)
    .sort(compareVersionPriority)[0];
  const base = `${group}/${v.name} ${names.kind} is deprecated`;
  return better ? `${base}; use ${group}/${better} ${names.kind}` : base;
}

function selectable(paths: string[]): ((obj: Obj) => Record<string, string>) | undefined {
  if (!paths.length) return undefined;
  return (obj) => {
    const out: Record<string, string> = {};
    for (const p of paths) {
      const v = findResults(p, obj)[0];
      out[p.slice(1)] = v === undefined || v === null ? '' : String(v);
    }
    return out;
  };
}

const BLOCKING = new WeakMap<Obj, boolean>();
/** Objects being created (prepareForCreate saw them): optionalOldSelf rules then run with no old value. */
const CREATING = new WeakSet<Obj>();

/** Schema validation, then CEL rules unless a type error makes the object unfit for them (upstream hasBlockingErr). */
function validateObject(schema: JSONSchemaProps, obj: Obj, creating: boolean): FieldError[] {
  const errs: FieldError[] = [];
  validateValue(schema, obj, '', errs);
  if (errs.some((e) => e.type === 'FieldValueTypeInvalid')) {
    BLOCKING.set(obj, true);
    errs.push(invalid('<nil>', 'null', 'some validation rules were not checked because the object was invalid; correct the existing errors to complete validation'));
    return errs;
  }
  validateCel(schema, obj, undefined, false, '', errs, { optionalWithoutOld: creating });
  return errs;
}

export function buildResourceDefs(crd: CRD, state: CRDState): ResourceDef[] {
  const { group, names, scope } = crd.spec;
  const storage = `${group}/${storageVersion(crd)}`;
  const defs: ResourceDef[] = [];
  for (const v of crd.spec.versions) {
    if (!v.served) continue;
    const schema = v.schema?.openAPIV3Schema ?? ANY_OBJECT;
    const apiVersion = `${group}/${v.name}`;
    const hasStatus = !!v.subresources?.status;
    const scale = v.subresources?.scale;
    const subresources: SubresourceDef[] = [];
    if (hasStatus) subresources.push({ name: 'status', verbs: ['get', 'patch', 'update'] });
    if (scale) subresources.push({ name: 'scale', kind: { group: 'autoscaling', version: 'v1', kind: 'Scale' }, verbs: ['get', 'patch', 'update'] });
    const table = customTable(v.additionalPrinterColumns);
    const clean = (obj: Obj) => {
      prune(schema, obj);
      applyDefaults(schema, obj);
    };
    defs.push({
      group,
      version: v.name,
      kind: names.kind,
      listKind: names.listKind ?? `${names.kind}List`,
      plural: names.plural,
      singular: names.singular ?? names.kind.toLowerCase(),
      namespaced: scope === 'Namespaced',
      shortNames: names.shortNames,
      categories: names.categories,
      subresources,
      nameRule: 'subdomain',
      generation: true,
      statusSubresource: hasStatus,
      custom: true,
      patchTypes: PATCH_TYPES,
      scalePaths: scale,
      warning: deprecationWarning(crd, v),
      defaultsOnStatus: true,
      columns: table.columns,
      cells: table.cells,
      selectableFields: selectable((v.selectableFields ?? []).map((f) => f.jsonPath)),
      openAPISchemas: customResourceSchemas(group, v.name, names.kind, names.listKind ?? `${names.kind}List`, v.schema?.openAPIV3Schema),
      codec: {
        decode: (obj) => {
          const out = structuredClone(obj);
          out.apiVersion = apiVersion;
          clean(out);
          return out;
        },
        encode: (obj) => ({ ...obj, apiVersion: storage }),
      },
      unknownFields: (obj) => unknownFields(schema, obj),
      defaults: clean,
      prepareForCreate: (obj) => {
        if (state.terminating) {
          const err = errors.methodNotSupported({ group, resource: names.plural }, 'create');
          err.message = 'create not allowed while custom resource definition is terminating';
          throw err;
        }
        // With a status subresource, a create cannot set status (upstream customResourceStrategy.PrepareForCreate).
        if (hasStatus) delete obj.status;
        CREATING.add(obj);
      },
      prepareForUpdate: (obj, old) => {
        // Without a status subresource, status is part of the spec for generation purposes.
        if (!hasStatus && !isDeepStrictEqual(obj.status, old.status) && obj.metadata.generation === (old.metadata?.generation ?? 1)) {
          obj.metadata.generation = (old.metadata?.generation ?? 1) + 1;
        }
      },
      validate: (obj) => validateObject(schema, obj, CREATING.has(obj)),
      validateUpdate: (obj, old) => {
        if (BLOCKING.get(obj)) return [];
        const errs: FieldError[] = [];
        validateCel(schema, obj, old, true, '', errs, { transitionOnly: true, optionalWithoutOld: true });
        return errs;
      },
    });
  }
  return defs;
}
