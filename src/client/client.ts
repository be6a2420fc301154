// The in-process client: controllers, the scheduler and simulated kubelets act only through it, and it goes through
// the same registry path as HTTP (defaults, validation, conflicts, finalizers, watch events), so a real component
// could replace ours and ours could drive a real cluster.
import { ApiError, errors } from '../machinery/errors.js';
import { readScale, scaleTransform } from '../api/scale.js';
import { applyPatch, JSON_PATCH, MERGE_PATCH, STRATEGIC_PATCH } from '../api/patch.js';
import type { Catalog } from '../registry/catalog.js';
import { buildFilter } from '../registry/filter.js';
import { listPrefix } from '../registry/keys.js';
import { bindPod } from '../registry/resources/core/pod-binding.js';
import type { GenericStore } from '../registry/store.js';
import { groupVersion, type Obj, type ResourceDef } from '../registry/types.js';
import type { StorageEvent, Watcher } from '../storage/interface.js';

export type PatchType = 'merge' | 'strategic' | 'json';

export interface ListResult {
  items: Obj[];
  resourceVersion: string;
}

export interface DeleteOpts {
  gracePeriodSeconds?: number;
  propagationPolicy?: 'Orphan' | 'Background' | 'Foreground';
  preconditions?: { uid?: string; resourceVersion?: string };
}

export interface ClientWatchEvent {
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  object: Obj;
  /** The object before the change (undefined for ADDED). */
  old?: Obj;
  revision: number;
}

const PATCH_MEDIA: Record<PatchType, string> = { merge: MERGE_PATCH, strategic: STRATEGIC_PATCH, json: JSON_PATCH };

/** Typed access to one resource. `namespace` is ignored for cluster-scoped resources. */
export class ResourceClient {
  constructor(
    readonly def: ResourceDef,
    private readonly store: GenericStore,
    /** The acting component, recorded as field manager (like a real component's user agent). */
    private readonly manager: string,
  ) {}

  private ns(namespace: string | undefined): string | undefined {
    return this.def.namespaced ? namespace : undefined;
  }

  /** The object, or undefined when it does not exist. */
  get(namespace: string | undefined, name: string): Obj | undefined {
    try {
      return this.store.get(this.def, this.ns(namespace), name).object as Obj;
    } catch (err) {
      if (err instanceof ApiError && err.code === 404) return undefined;
      throw err;
    }
  }

  list(namespace?: string, opts: { labelSelector?: string; fieldSelector?: string } = {}): ListResult {
    const page = this.store.list(this.def, { namespace: this.ns(namespace), filter: buildFilter(this.def, opts.labelSelector, opts.fieldSelector) });
    return { items: page.items.map((i) => i.object as Obj), resourceVersion: page.resourceVersion };
  }

  /** GET <resource>/NAME/scale: the autoscaling/v1 Scale view, or undefined when the object does not exist. */
  getScale(namespace: string | undefined, name: string): Obj | undefined {
    this.requireScale(name);
    const obj = this.get(namespace, name);
    return obj && readScale(this.def, obj);
  }

  /** PUT <resource>/NAME/scale: sets the replica count only (upstream ScaleREST), returning the new Scale. */
  async updateScale(namespace: string | undefined, name: string, replicas: number): Promise<Obj> {
    this.requireScale(name);
    const change = (scale: Obj) => ({ ...scale, spec: { ...scale.spec, replicas } });
    const updated = await this.store.mutate(this.def, this.ns(namespace), name, scaleTransform(this.def, change), { fieldManager: this.manager });
    return readScale(this.def, updated);
  }

  private requireScale(name: string): void {
    if (!this.def.subresources?.some((s) => s.name === 'scale')) throw errors.notFound({ group: this.def.group, resource: `${this.def.plural}/scale` }, name);
  }

  create(namespace: string | undefined, obj: Obj): Promise<Obj> {
    const body = { ...obj, apiVersion: groupVersion(this.def), kind: this.def.kind };
    return this.store.create(this.def, this.ns(namespace), body, { fieldManager: this.manager });
  }

  async update(obj: Obj): Promise<Obj> {
    const m = obj.metadata ?? {};
    const out = await this.store.update(this.def, this.ns(m.namespace), m.name, obj, { fieldManager: this.manager });
    return out.object;
  }

  async updateStatus(obj: Obj): Promise<Obj> {
    const m = obj.metadata ?? {};
    const out = await this.store.update(this.def, this.ns(m.namespace), m.name, obj, { fieldManager: this.manager, subresource: 'status' });
    return out.object;
  }

  /** Patches the object (or its status); conflicts are retried inside the store like a server-side patch. */
  patch(namespace: string | undefined, name: string, type: PatchType, patch: unknown, opts: { status?: boolean } = {}): Promise<Obj> {
    const gvk = { apiVersion: groupVersion(this.def), kind: this.def.kind };
    return this.store.mutate(this.def, this.ns(namespace), name, (current) => applyPatch(PATCH_MEDIA[type], current, patch, gvk, this.def.factsType), {
      fieldManager: this.manager,
      subresource: opts.status ? 'status' : undefined,
    });
  }

  /** Deletes; resolves to false when it was already gone. */
  async delete(namespace: string | undefined, name: string, opts: DeleteOpts = {}): Promise<boolean> {
    try {
      await this.store.delete(this.def, this.ns(namespace), name, opts);
      return true;
    } catch (err) {
      if (err instanceof ApiError && err.code === 404) return false;
      throw err;
    }
  }

  /** Events after `fromRevision` (a list's resourceVersion). Throws StorageError('Expired') when compacted. */
  watch(namespace: string | undefined, fromRevision: number, onEvent: (e: ClientWatchEvent) => void, onClose?: () => void): Watcher {
    return this.store.storage.watch(listPrefix(this.def, this.ns(namespace)), {
      fromRevision,
      onEvent: (e: StorageEvent) => {
        // Custom resources: every event in this client's version (upstream converts from the storage version).
        const codec = this.def.codec;
        const object = codec ? codec.decode(e.object as Obj) : (e.object as Obj);
        const old = e.prevObject && codec ? codec.decode(e.prevObject as Obj) : (e.prevObject as Obj | undefined);
        onEvent({ type: e.type, object, old, revision: e.revision });
      },
      onClose: () => onClose?.(),
    });
  }
}

/** One run of the components: ended when they are stopped, so that work they left queued (rate-limited event
 * writes) is dropped instead of landing in whatever state comes next (a restored snapshot). */
interface Session {
  ended: boolean;
}

export class Client {
  constructor(
    private readonly store: GenericStore,
    private readonly catalog: Catalog,
    readonly manager = 'kubesim',
    private readonly session: Session = { ended: false },
  ) {}

  /** False once the session this client belongs to has ended (see scoped()). */
  get active(): boolean {
    return !this.session.ended;
  }

  /** A client (and everything made from it with as()) whose session end() ends. */
  scoped(): { client: Client; end(): void } {
    const session: Session = { ended: false };
    return { client: new Client(this.store, this.catalog, this.manager, session), end: () => (session.ended = true) };
  }

  /** The client for `group/version/plural`, e.g. `resource('apps', 'v1', 'deployments')`. */
  resource(group: string, version: string, plural: string): ResourceClient {
    const def = this.catalog.lookup(group, version, plural);
    if (!def) throw new Error(`unknown resource ${group}/${version}/${plural}`);
    return new ResourceClient(def, this.store, this.manager);
  }

  /** Every served resource definition (for controllers that act on all kinds: namespace deletion, GC). */
  definitions(): readonly ResourceDef[] {
    return this.catalog.resources;
  }

  /** One definition per resource, in its preferred version (upstream ServerPreferredResources): what namespace
   * deletion and the garbage collector iterate, so a multi-version custom resource is handled once. */
  preferredDefinitions(): ResourceDef[] {
    // Computed views (metrics.k8s.io) hold nothing to delete or own (upstream skips resources without delete/watch).
    return this.catalog.preferred().filter((d) => !d.computed);
  }

  /** Calls `fn` when resources start or stop being served (custom resources); returns the unsubscribe function. */
  onDefinitionsChanged(fn: (change: { added: ResourceDef[]; removed: ResourceDef[] }) => void): () => void {
    return this.catalog.onChange(fn);
  }

  /** PUT namespaces/NAME/finalize: replaces spec.finalizers (the namespace controller's last step). */
  finalizeNamespace(name: string, finalizers: string[]): Promise<Obj> {
    return this.store.finalizeNamespace(name, finalizers, false);
  }

  /** POST pods/NAME/binding: assigns a pending pod to `nodeName` (409 Conflict when it is already bound). */
  bindPod(namespace: string, name: string, nodeName: string, opts: { uid?: string; annotations?: Record<string, string> } = {}): Promise<Obj> {
    const def = this.catalog.lookup('', 'v1', 'pods')!;
    const binding = { apiVersion: 'v1', kind: 'Binding', metadata: { name, namespace, uid: opts.uid, annotations: opts.annotations }, target: { apiVersion: 'v1', kind: 'Node', name: nodeName } };
    return bindPod(this.store, def, namespace, name, binding, { fieldManager: this.manager });
  }

  /** The same client acting as another component (field manager / event source). */
  as(manager: string): Client {
    return new Client(this.store, this.catalog, manager, this.session);
  }

  get pods() {
    return this.resource('', 'v1', 'pods');
  }
  get nodes() {
    return this.resource('', 'v1', 'nodes');
  }
  get namespaces() {
    return this.resource('', 'v1', 'namespaces');
  }
  get services() {
    return this.resource('', 'v1', 'services');
  }
  get events() {
    return this.resource('', 'v1', 'events');
  }
  get deployments() {
    return this.resource('apps', 'v1', 'deployments');
  }
  get replicasets() {
    return this.resource('apps', 'v1', 'replicasets');
  }
}
