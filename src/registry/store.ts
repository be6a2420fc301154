// GenericStore: the one write path every resource goes through (upstream k8s.io/apiserver/pkg/registry/generic/registry
// Store + rest.BeforeCreate / BeforeUpdate). It owns the object metadata rules: uid, creationTimestamp, generateName,
// generation, resourceVersion conflicts, finalizers and deletionTimestamp, graceful deletion and dryRun.
import { randomUUID } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import { rfc3339, type Clock } from '../clock.js';
import { errors, ApiError, type GroupResource } from '../machinery/errors.js';
import { generateName } from '../machinery/names.js';
import type { Storage, StoredObject } from '../storage/interface.js';
import { StorageError } from '../storage/interface.js';
import { computedGet, computedList } from './computed.js';
import { objectKey } from './keys.js';
import { listObjects, type ListPage, type ListParams } from './list.js';
import { namespaces as namespaceDef } from './resources/core/namespaces.js';
import { validateForCreate, validateForUpdate } from './validate.js';
import { groupVersion, type Obj, type ResourceDef } from './types.js';
import { updateManagedFields } from '../machinery/apply/index.js';
import { typeFor } from '../machinery/patch/index.js';

export interface WriteOptions {
  dryRun?: boolean;
  fieldManager?: string;
  /** Server-side apply: metadata.managedFields were already computed by the apply merge. */
  applied?: boolean;
  /** The subresource recorded in managedFields for a main-resource write made through another view of the object
   * (upstream records "scale" for writes through /scale). */
  managedFieldsSubresource?: 'scale';
  /** The caller hands the input over (e.g. a freshly decoded request body): create uses it instead of a copy. */
  owned?: boolean;
}

export interface UpdateOptions extends WriteOptions {
  /** 'status' writes only the status, 'finalize' only a namespace's spec.finalizers, 'binding' a pod's spec.nodeName
   * together with its PodScheduled condition (upstream BindingREST writes both at once); undefined is the main resource. */
  subresource?: 'status' | 'finalize' | 'binding';
  /** Internal: the write that sets deletionTimestamp (only DELETE may). */
  deletionMarking?: boolean;
}

export interface DeleteOptions {
  dryRun?: boolean;
  gracePeriodSeconds?: number;
  propagationPolicy?: string;
  preconditions?: { uid?: string; resourceVersion?: string };
}

export interface UpdateResult {
  object: Obj;
  created: boolean;
}

/** A written object and, when it was stored, its exact serialisation (saves re-encoding the response). */
export interface WriteResult {
  object: Obj;
  json?: string;
}

export interface DeleteResult {
  object: Obj;
  /** True when the object is gone now; false when deletion is pending (finalizers or grace period). */
  deleted: boolean;
}

/** A transform from the current object to the desired one (PUT bodies, patches, subresource writes). */
export type Transform = (current: Obj) => Obj | Promise<Obj>;

const GENERATE_NAME_ATTEMPTS = 8;

export function groupResource(def: ResourceDef): GroupResource {
  return { group: def.group, resource: def.plural };
}

/**
 * Per-resource registry extensions with cluster-scoped state (e.g. the Service IP and NodePort allocators, like
 * upstream's service REST wrapping the generic store). `allocate` runs after validation and before the write;
 * `release` undoes it when the write fails and after the object is finally deleted.
 */
export interface StoreHooks {
  allocate?(obj: Obj, old?: Obj, dryRun?: boolean): void;
  release?(obj: Obj): void;
}

export class GenericStore {
  private readonly hooks = new Map<ResourceDef, StoreHooks>();

  constructor(
    readonly storage: Storage,
    readonly clock: Clock,
  ) {}

  addHooks(def: ResourceDef, hooks: StoreHooks): void {
    this.hooks.set(def, hooks);
  }

  get(def: ResourceDef, namespace: string | undefined, name: string): StoredObject {
    if (def.computed) return computedGet(this.storage, def, namespace, name, this.clock.now());
    const found = this.storage.get(objectKey(def, namespace, name));
    if (!found) throw errors.notFound(groupResource(def), name);
    return decodeStored(def, found);
  }

  list(def: ResourceDef, params: ListParams): ListPage {
    if (def.computed) return computedList(this.storage, def, params, this.clock.now());
    const page = listObjects(this.storage, def, params);
    return def.codec ? { ...page, items: page.items.map((i) => decodeStored(def, i)) } : page;
  }

  async create(def: ResourceDef, namespace: string | undefined, input: Obj, opts: WriteOptions = {}): Promise<Obj> {
    return (await this.createStored(def, namespace, input, opts)).object;
  }

  async createStored(def: ResourceDef, namespace: string | undefined, input: Obj, opts: WriteOptions = {}): Promise<WriteResult> {
    const obj = opts.owned ? input : structuredClone(input);
    const meta = (obj.metadata ??= {});
    if (meta.resourceVersion) throw errors.badRequest('resourceVersion should not be set on objects to be created');
    if (def.namespaced) meta.namespace = namespace;
    else delete meta.namespace;
    this.prepareCreateMeta(def, obj);
    if (def.namespaced && namespace) this.checkNamespaceAcceptsContent(def, namespace, meta.name || meta.generateName || '');
    def.prepareForCreate?.(obj);
    def.defaults?.(obj);
    if (!opts.applied) this.trackManagedFields(def, undefined, obj, opts);
    const generated = !meta.name && !!meta.generateName;
    for (let attempt = 0; ; attempt++) {
      if (generated) meta.name = generateName(meta.generateName);
      validateForCreate(def, obj);
      const hooks = this.hooks.get(def);
      if (opts.dryRun) {
        if (this.storage.get(objectKey(def, namespace, meta.name))) throw errors.alreadyExists(groupResource(def), meta.name);
        hooks?.allocate?.(obj, undefined, true);
        return { object: obj };
      }
      hooks?.allocate?.(obj);
      try {
        const stored = await this.storage.create(objectKey(def, namespace, meta.name), def.codec ? def.codec.encode(obj) : obj);
        if (def.codec) return { object: def.codec.decode(stored.object as Obj) };
        return { object: stored.object as Obj, json: stored.json };
      } catch (err) {
        hooks?.release?.(obj);
        if (err instanceof StorageError && err.code === 'KeyExists') {
          // upstream retries generated names a few times before giving up (RetryGenerateName).
          if (generated && attempt + 1 < GENERATE_NAME_ATTEMPTS) continue;
          throw errors.alreadyExists(groupResource(def), meta.name);
        }
        throw err;
      }
    }
  }

  /** PUT: replaces the object (optimistic concurrency on metadata.resourceVersion when the body carries one). */
  async update(def: ResourceDef, namespace: string | undefined, name: string, body: Obj, opts: UpdateOptions = {}): Promise<UpdateResult> {
    const key = objectKey(def, namespace, name);
    if (!this.storage.get(key)) {
      if (!def.allowCreateOnUpdate || opts.subresource) throw errors.notFound(groupResource(def), name);
      try {
        return { object: await this.create(def, namespace, { ...body, metadata: { ...body.metadata, resourceVersion: undefined } }, opts), created: true };
      } catch (err) {
        // Lost a race with a concurrent create: fall through to a normal update.
        if (!(err instanceof ApiError && err.reason === 'AlreadyExists')) throw err;
      }
    }
    const wantRV = body.metadata?.resourceVersion;
    const object = await this.mutate(def, namespace, name, (current) => {
      if (wantRV && wantRV !== current.metadata?.resourceVersion) throw errors.staleObject(groupResource(def), name);
      return structuredClone(body);
    }, opts);
    return { object, created: false };
  }

  /**
   * Applies `transform` to the current object and writes the result through the update rules (status/spec split,
   * immutable metadata, generation, defaults, validation), retrying on concurrent writes like GuaranteedUpdate.
   */
  async mutate(def: ResourceDef, namespace: string | undefined, name: string, transform: Transform, opts: UpdateOptions = {}): Promise<Obj> {
    const key = objectKey(def, namespace, name);
    const gr = groupResource(def);
    let dryRunResult: Obj | undefined;
    let stored: StoredObject;
    try {
      stored = await this.storage.guaranteedUpdate(key, async (raw) => {
        // Custom resources: the transform and the update rules see the object in the requested version.
        const current = def.codec ? def.codec.decode(raw as Obj) : raw;
        const desired = await transform(structuredClone(current) as Obj);
        const next = this.prepareUpdate(def, desired, current as Obj, opts);
        if (opts.dryRun) {
          dryRunResult = next;
          return raw; // unchanged: nothing is written
        }
        return def.codec ? def.codec.encode(next) : next;
      });
    } catch (err) {
      throw this.translate(err, gr, name);
    }
    if (opts.dryRun) return dryRunResult ?? (decodeStored(def, stored).object as Obj);
    const result = decodeStored(def, stored).object as Obj;
    if (shouldDeleteDuringUpdate(def, result)) {
      const deleted = await this.finalDelete(def, key, result, gr, name);
      return deleted ?? result;
    }
    return result;
  }

  async delete(def: ResourceDef, namespace: string | undefined, name: string, opts: DeleteOptions = {}): Promise<DeleteResult> {
    const key = objectKey(def, namespace, name);
    const gr = groupResource(def);
    const current = this.get(def, namespace, name).object as Obj;
    checkDeletePreconditions(gr, name, current, opts.preconditions);
    const meta = current.metadata ?? {};
    const grace = opts.gracePeriodSeconds ?? def.defaultGracePeriod?.(current) ?? 0;
    const extra = meta.deletionTimestamp ? [] : (def.deletionFinalizers?.(current) ?? []).filter((f) => !(meta.finalizers ?? []).includes(f));
    const finalizers = gcFinalizers([...(meta.finalizers ?? []), ...extra], opts.propagationPolicy);
    const hasFinalizers = finalizers.length > 0;
    const isNamespace = def === namespaceDef;
    const pendsOnNamespaceFinalizers = isNamespace && (current.spec?.finalizers ?? []).length > 0;

    // A resource with graceful deletion (pods) is marked even when it goes at once, like upstream's
    // updateForGracefulDeletionAndFinalizers: watchers see it MODIFIED with a deletionTimestamp, then DELETED.
    const markThenDelete = !!def.defaultGracePeriod && !meta.deletionTimestamp && !hasFinalizers && grace <= 0;
    if (!hasFinalizers && !pendsOnNamespaceFinalizers && grace <= 0 && !markThenDelete) {
      if (opts.dryRun) return { object: current, deleted: true };
      const deleted = await this.finalDelete(def, key, current, gr, name);
      if (!deleted) throw errors.notFound(gr, name);
      return { object: deleted, deleted: true };
    }
    if (opts.dryRun) return { object: current, deleted: markThenDelete };

    // Graceful or finalizer-blocked deletion: mark the object (upstream BeforeDelete), someone else completes it.
    const now = this.clock.now();
    const object = await this.mutate(def, namespace, name, (obj) => {
      const m = (obj.metadata ??= {});
      const existing = m.deletionTimestamp ? Date.parse(m.deletionTimestamp) : undefined;
      const target = now + Math.max(grace, 0) * 1000;
      // A repeated delete may only shorten the grace period, never extend it.
      if (existing === undefined || target < existing) {
        m.deletionTimestamp = rfc3339(target);
        m.deletionGracePeriodSeconds = Math.max(grace, 0);
      }
      if (isNamespace) obj.status = { ...(obj.status ?? {}), phase: 'Terminating' };
      if (finalizers.length) m.finalizers = finalizers;
      else delete m.finalizers;
      return obj;
    }, { deletionMarking: true });
    if (isNamespace && !hasFinalizers && !pendsOnNamespaceFinalizers) {
      const gone = await this.finalDelete(def, key, object, gr, name);
      if (gone) return { object: gone, deleted: true };
    }
    // (mutate removed it: no finalizers and no grace period left.)
    if (markThenDelete) return { object, deleted: true };
    return { object, deleted: false };
  }

  /** PUT namespaces/NAME/finalize: sets spec.finalizers; a terminating namespace with none left is removed. */
  async finalizeNamespace(name: string, finalizers: string[], dryRun: boolean): Promise<Obj> {
    const next = await this.mutate(namespaceDef, undefined, name, (cur) => {
      cur.spec = { ...(cur.spec ?? {}), finalizers };
      return cur;
    }, { dryRun, subresource: 'finalize' });
    const m = next.metadata ?? {};
    if (!dryRun && m.deletionTimestamp && !(next.spec?.finalizers ?? []).length && !(m.finalizers ?? []).length) {
      return (await this.finalDelete(namespaceDef, objectKey(namespaceDef, undefined, name), next, groupResource(namespaceDef), name)) ?? next;
    }
    return next;
  }

  /** Removes the object for good (no finalizers left). Undefined if someone else removed it first. */
  private async finalDelete(def: ResourceDef, key: string, obj: Obj, gr: GroupResource, name: string): Promise<Obj | undefined> {
    try {
      const deleted = await this.storage.delete(key, { uid: obj.metadata?.uid });
      this.hooks.get(def)?.release?.(deleted.object as Obj);
      return def.codec ? def.codec.decode(deleted.object as Obj) : (deleted.object as Obj);
    } catch (err) {
      if (err instanceof StorageError && err.code === 'NotFound') return undefined;
      throw this.translate(err, gr, name);
    }
  }

  // --- create / update metadata rules -------------------------------------------------------------------------

  private prepareCreateMeta(def: ResourceDef, obj: Obj): void {
    const meta = obj.metadata;
    meta.uid = randomUUID();
    meta.creationTimestamp = rfc3339(this.clock.now());
    delete meta.deletionTimestamp;
    delete meta.deletionGracePeriodSeconds;
    delete meta.selfLink;
    if (def.generation) meta.generation = 1;
    else delete meta.generation;
    if (meta.generateName === '') delete meta.generateName;
    // Drop empty maps/lists the way a Go round trip drops nil-able fields with omitempty.
    for (const k of ['labels', 'annotations', 'finalizers', 'ownerReferences', 'managedFields']) {
      const v = meta[k];
      if (v === null || (typeof v === 'object' && Object.keys(v).length === 0)) delete meta[k];
    }
  }

  /** Gives the writing manager the fields it set or changed (upstream fieldmanager for Update/Patch/Create). */
  private trackManagedFields(def: ResourceDef, old: Obj | undefined, next: Obj, opts: UpdateOptions): void {
    const apiVersion = groupVersion(def);
    const managed = updateManagedFields(old, next, {
      manager: opts.fieldManager || 'unknown',
      apiVersion,
      time: rfc3339(this.clock.now()),
      type: def.factsType ?? typeFor(apiVersion, def.kind),
      subresource: opts.subresource === 'status' ? 'status' : opts.managedFieldsSubresource,
      statusSubresource: !!def.statusSubresource,
    });
    if (managed.length) next.metadata.managedFields = managed;
    else delete next.metadata.managedFields;
  }

  private checkNamespaceAcceptsContent(def: ResourceDef, namespace: string, name: string): void {
    const ns = this.storage.get(objectKey(namespaceDef, undefined, namespace));
    if (!ns) throw errors.notFound({ group: '', resource: 'namespaces' }, namespace);
    const nsObj = ns.object as Obj;
    if (nsObj.metadata?.deletionTimestamp || nsObj.status?.phase === 'Terminating') {
      // upstream NamespaceLifecycle admission.
      const err = errors.forbidden(groupResource(def), name, `unable to create new content in namespace ${namespace} because it is being terminated`);
      err.details!.causes = [{ reason: 'NamespaceTerminating', message: `namespace ${namespace} is being terminated`, field: 'metadata.namespace' }];
      throw err;
    }
  }

  private prepareUpdate(def: ResourceDef, desired: Obj, current: Obj, opts: UpdateOptions): Obj {
    const oldMeta = current.metadata ?? {};
    let next: Obj;
    if (opts.subresource === 'status') {
      // Status writes change only the status (upstream ResetObjectMetaForStatus + status strategies).
      next = structuredClone(current);
      next.status = desired.status;
    } else {
      next = desired;
      next.metadata ??= {};
      if (def.statusSubresource && !opts.deletionMarking && opts.subresource !== 'binding') {
        if (current.status === undefined) delete next.status;
        else next.status = structuredClone(current.status);
      }
    }
    const meta = next.metadata;
    if (meta.name !== undefined && meta.name !== oldMeta.name && meta.name !== '') {
      throw errors.badRequest(`the name of the object (${meta.name}) does not match the name on the URL (${oldMeta.name})`);
    }
    meta.name = oldMeta.name;
    if (def.namespaced) meta.namespace = oldMeta.namespace;
    if (!meta.uid) meta.uid = oldMeta.uid;
    meta.creationTimestamp = oldMeta.creationTimestamp;
    // No resourceVersion in the body: an unconditional update (upstream AllowUnconditionalUpdate uses the current one).
    if (!meta.resourceVersion) meta.resourceVersion = oldMeta.resourceVersion;
    if (!opts.deletionMarking) {
      // deletionTimestamp and its grace period can only be set by DELETE (upstream BeforeUpdate keeps them).
      if (oldMeta.deletionTimestamp) meta.deletionTimestamp = oldMeta.deletionTimestamp;
      else delete meta.deletionTimestamp;
      if (oldMeta.deletionGracePeriodSeconds !== undefined) meta.deletionGracePeriodSeconds = oldMeta.deletionGracePeriodSeconds;
      else delete meta.deletionGracePeriodSeconds;
    }
    if (oldMeta.generateName !== undefined && meta.generateName === undefined) meta.generateName = oldMeta.generateName;
    delete meta.selfLink;
    if (def.generation) {
      meta.generation = oldMeta.generation ?? 1;
      if (opts.subresource !== 'status' && specChanged(next, current)) meta.generation = (oldMeta.generation ?? 0) + 1;
    } else {
      delete meta.generation;
    }
    if (!opts.subresource) def.prepareForUpdate?.(next, current);
    // Decoding applies defaults to every write (upstream's defaulting on decode), not only on create.
    if (!opts.subresource || (opts.subresource === 'status' && def.defaultsOnStatus)) def.defaults?.(next);
    // Bindings bypass the field manager upstream (BindingREST writes through storage directly): a scheduled pod's
    // managedFields name its controller and the kubelet, never the scheduler.
    if (!opts.deletionMarking && !opts.applied && opts.subresource !== 'binding') this.trackManagedFields(def, current, next, opts);
    for (const k of ['labels', 'annotations', 'finalizers', 'ownerReferences', 'managedFields']) {
      const v = meta[k];
      if (v === null || (typeof v === 'object' && Object.keys(v).length === 0)) delete meta[k];
    }
    // Marking for deletion is not an update the user made: upstream BeforeDelete writes it without update validation
    // (which would reject the new deletionTimestamp as immutable). New finalizers on a deleting object are caught here.
    if (!opts.deletionMarking) validateForUpdate(def, next, current);
    if (!opts.subresource && !opts.deletionMarking) this.hooks.get(def)?.allocate?.(next, current, opts.dryRun);
    return next;
  }

  private translate(err: unknown, gr: GroupResource, name: string): unknown {
    if (err instanceof StorageError) {
      if (err.code === 'NotFound') return errors.notFound(gr, name);
      if (err.code === 'Conflict') return errors.staleObject(gr, name);
      if (err.code === 'KeyExists') return errors.alreadyExists(gr, name);
      if (err.code === 'Closed') return errors.serviceUnavailable('the server is shutting down');
    }
    return err;
  }
}

/** A stored object as the resource's version serves it (custom resources: apiVersion rewritten, defaults applied). */
export function decodeStored(def: ResourceDef, stored: StoredObject): StoredObject {
  if (!def.codec) return stored;
  const object = def.codec.decode(stored.object as Obj);
  return { key: stored.key, object, json: JSON.stringify(object), revision: stored.revision };
}

const FOREGROUND_FINALIZER = 'foregroundDeletion';
const ORPHAN_FINALIZER = 'orphan';

/** The finalizers after a DELETE with `policy` (upstream deletionFinalizersForGarbageCollection): Foreground and Orphan
 * add their finalizer (for the garbage collector to act on), Background drops both. */
function gcFinalizers(current: string[], policy: string | undefined): string[] {
  if (!policy) return current;
  const rest = current.filter((f) => f !== FOREGROUND_FINALIZER && f !== ORPHAN_FINALIZER);
  if (policy === 'Foreground') rest.push(FOREGROUND_FINALIZER);
  if (policy === 'Orphan') rest.push(ORPHAN_FINALIZER);
  return rest;
}

function specChanged(next: Obj, current: Obj): boolean {
  for (const k of new Set([...Object.keys(next), ...Object.keys(current)])) {
    if (k === 'metadata' || k === 'status' || k === 'kind' || k === 'apiVersion') continue;
    if (!isDeepStrictEqual(next[k], current[k])) return true;
  }
  return false;
}

/** upstream ShouldDeleteDuringUpdate: a deleting object whose last finalizer went away, with no grace period left. */
function shouldDeleteDuringUpdate(def: ResourceDef, obj: Obj): boolean {
  const m = obj.metadata ?? {};
  // A namespace also waits for its spec.finalizers (emptied through /finalize by the namespace controller).
  if (def === namespaceDef && (obj.spec?.finalizers ?? []).length) return false;
  return !!m.deletionTimestamp && (m.finalizers ?? []).length === 0 && (m.deletionGracePeriodSeconds ?? 0) === 0;
}

function checkDeletePreconditions(gr: GroupResource, name: string, obj: Obj, pre?: { uid?: string; resourceVersion?: string }): void {
  if (!pre) return;
  const meta = obj.metadata ?? {};
  if (pre.uid && pre.uid !== meta.uid) {
    throw errors.conflict(gr, name, `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${meta.uid}`);
  }
  if (pre.resourceVersion && pre.resourceVersion !== meta.resourceVersion) {
    throw errors.conflict(
      gr,
      name,
      `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${meta.resourceVersion}`,
    );
  }
}
