// PATCH: JSON patch, merge patch, strategic merge patch and apply, applied to the current object inside the store's
// guaranteed-update loop (upstream handlers/patch.go: the patch is re-applied on every conflict retry).
import { yaml } from '../yaml.js';
import { ApiError, errors } from '../machinery/errors.js';
import { applyConfig, type FieldManagerContext } from '../machinery/apply/index.js';
import { applyJsonPatch, applyMergePatch, applyStrategicMergePatch, PatchError, typeFor } from '../machinery/patch/index.js';
import { rfc3339 } from '../clock.js';
import type { GenericStore, UpdateResult } from '../registry/store.js';
import { groupVersion, type Obj, type ResourceDef } from '../registry/types.js';

export const JSON_PATCH = 'application/json-patch+json';
export const MERGE_PATCH = 'application/merge-patch+json';
export const STRATEGIC_PATCH = 'application/strategic-merge-patch+json';
export const APPLY_PATCH = 'application/apply-patch+yaml';
export const PATCH_TYPES = [JSON_PATCH, MERGE_PATCH, STRATEGIC_PATCH, APPLY_PATCH];

export interface PatchOptions {
  dryRun?: boolean;
  fieldManager?: string;
  subresource?: 'status';
  force?: boolean;
  /** Field validation of the patched object or applied configuration (see field-validation.ts). */
  checkFields?: (obj: Obj) => Obj;
}

function parsePatchBody(type: string, raw: Buffer): unknown {
  const text = raw.toString('utf8');
  try {
    return type === APPLY_PATCH ? yaml().parse(text) : JSON.parse(text);
  } catch (err) {
    throw errors.badRequest(`error decoding patch: ${(err as Error).message.split('\n')[0]}`);
  }
}

function asApi(err: unknown): unknown {
  if (err instanceof PatchError) {
    const s = err.toStatus();
    return new ApiError(s.code, s.reason as ApiError['reason'], s.message ?? '', s.details as ApiError['details']);
  }
  return err;
}

/** Applies a decoded patch of `type` to `doc` (the current object); `kind` picks the strategic-merge schema. */
export function applyPatch(type: string, doc: Obj, patch: unknown, gvk: { apiVersion: string; kind: string }, factsType?: string): Obj {
  try {
    switch (type) {
      case JSON_PATCH:
        if (!Array.isArray(patch)) throw errors.badRequest('json: cannot unmarshal object into Go value of type jsonpatch.Patch');
        return applyJsonPatch(doc, patch) as Obj;
      case MERGE_PATCH:
        return applyMergePatch(doc, patch) as Obj;
      case STRATEGIC_PATCH:
      case APPLY_PATCH:
        if (patch === null || typeof patch !== 'object' || Array.isArray(patch)) throw errors.badRequest('patch body must be a JSON object');
        return applyStrategicMergePatch(doc, patch as Obj, factsType ?? typeFor(gvk.apiVersion, gvk.kind)) as Obj;
      default:
        throw errors.unsupportedMediaType(PATCH_TYPES.join(', '));
    }
  } catch (err) {
    throw asApi(err);
  }
}

export async function applyPatchBody(
  store: GenericStore,
  def: ResourceDef,
  namespace: string | undefined,
  name: string,
  type: string,
  raw: Buffer,
  opts: PatchOptions,
): Promise<UpdateResult> {
  const patch = parsePatchBody(type, raw);
  const gvk = { apiVersion: groupVersion(def), kind: def.kind };
  const storeOpts = { dryRun: opts.dryRun, fieldManager: opts.fieldManager, subresource: opts.subresource };

  if (type === APPLY_PATCH) return serverSideApply(store, def, namespace, name, patch, opts);

  const object = await store.mutate(
    def,
    namespace,
    name,
    (current) => {
      const patched = applyPatch(type, current, patch, gvk, def.factsType);
      if (patched === null || typeof patched !== 'object' || Array.isArray(patched)) throw errors.badRequest('the patched object is not a JSON object');
      // A patch cannot retarget the object to another type.
      if (patched.apiVersion !== gvk.apiVersion || patched.kind !== gvk.kind) {
        throw errors.badRequest(`the API version in the data (${patched.apiVersion}) does not match the expected API version (${gvk.apiVersion})`);
      }
      if (opts.checkFields) opts.checkFields(patched);
      const rv = (patch as Obj)?.metadata?.resourceVersion;
      if (type !== JSON_PATCH && rv && rv !== current.metadata?.resourceVersion) {
        // A resourceVersion in the patch is a precondition (kubectl diff and apply send it).
        throw errors.staleObject({ group: def.group, resource: def.plural }, name);
      }
      return patched;
    },
    storeOpts,
  );
  return { object, created: false };
}

/**
 * Server-side apply (application/apply-patch+yaml): merges the configuration into the live object by the schema
 * facts, tracking field ownership in managedFields; creates the object when it does not exist.
 */
async function serverSideApply(
  store: GenericStore,
  def: ResourceDef,
  namespace: string | undefined,
  name: string,
  patch: unknown,
  opts: PatchOptions,
): Promise<UpdateResult> {
  const apiVersion = groupVersion(def);
  if (!opts.fieldManager) {
    throw errors.invalid('meta.k8s.io', 'PatchOptions', '', 'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch', [
      { reason: 'FieldValueRequired', message: 'Required value: is required for apply patch', field: 'fieldManager' },
    ]);
  }
  if (patch === null || typeof patch !== 'object' || Array.isArray(patch)) throw errors.badRequest('error decoding YAML: the apply patch must be an object');
  const config = opts.checkFields ? opts.checkFields(patch as Obj) : (patch as Obj);
  if (config.apiVersion !== apiVersion) {
    throw errors.badRequest(`the API version in the data (${config.apiVersion}) does not match the expected API version (${apiVersion})`);
  }
  if (config.kind !== def.kind) throw errors.badRequest(`the kind in the data (${config.kind}) does not match the expected kind (${def.kind})`);
  if (config.metadata?.name && config.metadata.name !== name) {
    throw errors.badRequest(`the name of the object (${config.metadata.name}) does not match the name on the URL (${name})`);
  }
  if (config.metadata?.managedFields !== undefined) throw errors.badRequest('metadata.managedFields must be nil');
  const ctx = (): FieldManagerContext => ({
    manager: opts.fieldManager!,
    apiVersion,
    time: rfc3339(store.clock.now()),
    type: def.factsType ?? typeFor(apiVersion, def.kind),
    subresource: opts.subresource,
    statusSubresource: !!def.statusSubresource,
  });
  let exists = true;
  try {
    store.get(def, namespace, name);
  } catch (err) {
    if (!(err instanceof ApiError && err.code === 404)) throw err;
    exists = false;
  }
  if (!exists && !opts.subresource) {
    const { object, managedFields } = applyConfig(undefined, config, ctx(), !!opts.force);
    object.metadata = { ...(object.metadata ?? {}), name, managedFields };
    try {
      return { object: await store.create(def, namespace, object, { dryRun: opts.dryRun, applied: true }), created: true };
    } catch (err) {
      if (!(err instanceof ApiError && err.reason === 'AlreadyExists')) throw err;
    }
  }
  const object = await store.mutate(
    def,
    namespace,
    name,
    (current) => {
      const { object: merged, managedFields } = applyConfig(current, config, ctx(), !!opts.force);
      merged.metadata = { ...(merged.metadata ?? {}), managedFields };
      return merged;
    },
    { dryRun: opts.dryRun, fieldManager: opts.fieldManager, subresource: opts.subresource, applied: true },
  );
  return { object, created: false };
}

/** Patches a Scale document (the /scale subresource). */
export function patchScale(scale: Obj, type: string, raw: Buffer): Obj {
  if (type === APPLY_PATCH) throw errors.unsupportedMediaType(PATCH_TYPES.filter((t) => t !== APPLY_PATCH).join(', '));
  return applyPatch(type, scale, parsePatchBody(type, raw), { apiVersion: 'autoscaling/v1', kind: 'Scale' });
}
