// The apiextensions controllers that run inside kube-apiserver, in one serial loop over CRD changes (upstream
// pkg/controller: status/naming_controller, establish, finalizer, and the CRD handler that serves established CRDs):
//   naming       computes status.acceptedNames and NamesAccepted (conflicts within the group: "foos" is already
//                in use), and Established=False/Installing until served
//   establishing sets Established=True (InitialNamesAccepted) once the names are accepted
//   serving      installs the CRD's versions in the catalogue as soon as it is Established (and on start, for
//                every established CRD in the store), rebuilds them when the CRD changes, removes them when it goes
//   migration    rewrites every object in the new storage version when the storage version changes, then records
//                status.storedVersions = [storage version] (what the storage version migrator does upstream)
//   finalizer    on deletion (customresourcecleanup finalizer) deletes every custom object, then the finalizer
// It writes through the GenericStore like any client, so watches and validation see ordinary updates.
import type { Clock } from '../clock.js';
import { rfc3339 } from '../clock.js';
import { registerFactTypes, unregisterFactTypes, type FactTable } from '../machinery/patch/index.js';
import type { Catalog } from '../registry/catalog.js';
import type { GenericStore } from '../registry/store.js';
import { groupVersion, type Obj, type ResourceDef } from '../registry/types.js';
import type { Watcher } from '../storage/interface.js';
import { customresourcedefinitions as crdDef } from './definition.js';
import { rootTypeName, schemaFacts } from './facts.js';
import { computeNames } from './naming.js';
import { preloadCelLibrary } from './schema/cel-env.js';
import { buildResourceDefs, type CRDState } from './resource.js';
import { CLEANUP_FINALIZER, findCondition, isConditionTrue, setCondition, storageVersion, type CRD } from './types.js';

const PREFIX = '/registry/apiextensions.k8s.io/customresourcedefinitions/';
const MANAGER = 'kube-apiserver';
const RETRY_MS = 250;

interface Served {
  uid: string;
  generation: number;
  storage: string;
  defs: ResourceDef[];
  /** Patch fact tables registered for the served versions (removed again when the CRD changes or goes). */
  facts: FactTable[];
  state: CRDState;
}

export class CRDController {
  private readonly served = new Map<string, Served>();
  private readonly pending = new Set<string>();
  private running: Promise<void> | undefined;
  private watcher: Watcher | undefined;
  private stopped = false;

  constructor(
    private readonly store: GenericStore,
    private readonly catalog: Catalog,
    private readonly clock: Clock,
    private readonly log: (line: string) => void = () => undefined,
  ) {}

  /** Serves every established CRD in the store, then follows CRD changes. Resolves once caught up. */
  async start(): Promise<void> {
    await preloadCelLibrary();
    const page = this.store.list(crdDef, {});
    for (const item of page.items) {
      const crd = item.object as unknown as CRD;
      if (isConditionTrue(crd, 'Established')) this.install(crd);
      this.enqueue(crd.metadata.name);
    }
    this.follow(Number(page.resourceVersion));
    await this.idle();
  }

  /** Watches CRD changes from `revision`; a dropped watch lists and watches again, like a re-listing informer. */
  private follow(revision: number): void {
    this.watcher = this.store.storage.watch(PREFIX, {
      fromRevision: revision,
      onEvent: (e) => this.enqueue(String((e.object as Obj).metadata?.name)),
      onClose: (reason) => {
        if (this.stopped || reason !== 'dropped') return;
        this.clock.after(0, () => {
          if (this.stopped) return;
          const page = this.store.list(crdDef, {});
          for (const item of page.items) this.enqueue(String((item.object as Obj).metadata?.name));
          for (const name of this.served.keys()) this.enqueue(name);
          this.follow(Number(page.resourceVersion));
        });
      },
    });
  }

  stop(): void {
    this.stopped = true;
    this.watcher?.stop();
  }

  /** After the store's contents were replaced (snapshot restore): forget CRDs that are gone, reconcile the rest. */
  async resync(): Promise<void> {
    await this.idle();
    const present = new Set(this.all().map((c) => c.metadata.name));
    for (const name of [...this.served.keys()]) if (!present.has(name)) this.uninstall(name);
    for (const crd of this.all()) {
      if (isConditionTrue(crd, 'Established') && !crd.metadata.deletionTimestamp) this.install(crd);
      this.enqueue(crd.metadata.name);
    }
    await this.idle();
  }

  /** Resolves when no CRD change is pending (tests and startup wait on it). */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  private enqueue(name: string): void {
    if (this.stopped) return;
    this.pending.add(name);
    if (!this.running) this.running = this.drain();
  }

  private async drain(): Promise<void> {
    // One CRD at a time, like upstream's single naming worker (conflict resolution is not concurrent-safe).
    while (this.pending.size && !this.stopped) {
      const name = this.pending.values().next().value as string;
      this.pending.delete(name);
      try {
        await this.sync(name);
      } catch (err) {
        this.log(`crd controller: sync ${name} failed: ${(err as Error)?.stack ?? err}`);
        this.clock.after(RETRY_MS, () => this.enqueue(name));
      }
    }
    this.running = undefined;
  }

  private all(): CRD[] {
    return this.store.list(crdDef, {}).items.map((i) => i.object as unknown as CRD);
  }

  private requeueGroup(group: string, except: string): void {
    for (const c of this.all()) if (c.spec?.group === group && c.metadata.name !== except) this.enqueue(c.metadata.name);
  }

  async sync(name: string): Promise<void> {
    const stored = this.store.storage.get(PREFIX + name);
    if (!stored) {
      this.uninstall(name);
      const group = name.slice(name.indexOf('.') + 1);
      this.requeueGroup(group, name); // its names are free again
      return;
    }
    const crd = stored.object as unknown as CRD;
    if (crd.metadata.deletionTimestamp) {
      if (isConditionTrue(crd, 'Established')) this.install(crd).state.terminating = true;
      await this.finalize(crd);
      return;
    }
    const now = rfc3339(this.clock.now());
    const { acceptedNames, namesAccepted, established } = computeNames(crd, this.all());
    if (
      JSON.stringify(acceptedNames) !== JSON.stringify(crd.status?.acceptedNames ?? {}) ||
      !sameCondition(namesAccepted, findCondition(crd, 'NamesAccepted')) ||
      !sameCondition(established, findCondition(crd, 'Established'))
    ) {
      await this.writeStatus(name, (c) => {
        c.status = { ...(c.status ?? {}), acceptedNames };
        setCondition(c, namesAccepted, now);
        setCondition(c, established, now);
      });
      this.requeueGroup(crd.spec.group, name);
      return;
    }
    if (namesAccepted.status === 'True' && !isConditionTrue(crd, 'Established')) {
      // upstream EstablishingController: the handler is ready, so the CRD becomes Established.
      this.install(crd);
      await this.writeStatus(name, (c) =>
        setCondition(c, { type: 'Established', status: 'True', reason: 'InitialNamesAccepted', message: 'the initial names have been accepted' }, now),
      );
      return;
    }
    if (!isConditionTrue(crd, 'Established')) return;
    const before = this.served.get(name)?.storage;
    const served = this.install(crd);
    if ((before && before !== served.storage) || (crd.status?.storedVersions ?? []).some((v) => `${crd.spec.group}/${v}` !== served.storage)) {
      await this.migrate(crd, served);
    }
  }

  private async writeStatus(name: string, change: (crd: CRD) => void): Promise<void> {
    await this.store.mutate(
      crdDef,
      undefined,
      name,
      (cur) => {
        change(cur as CRD);
        return cur;
      },
      { subresource: 'status', fieldManager: MANAGER },
    );
  }

  /** Serves the CRD's versions (rebuilding them when its spec changed); returns its serving state. */
  private install(crd: CRD): Served {
    const name = crd.metadata.name;
    const prev = this.served.get(name);
    const generation = crd.metadata.generation ?? 1;
    if (prev && prev.uid === crd.metadata.uid && prev.generation === generation) return prev;
    const state = prev && prev.uid === crd.metadata.uid ? prev.state : { terminating: false };
    const defs = buildResourceDefs(crd, state);
    const gone = (prev?.defs ?? []).filter((d) => !defs.some((n) => n.version === d.version && n.plural === d.plural));
    for (const f of prev?.facts ?? []) unregisterFactTypes(f);
    if (gone.length) this.catalog.remove(gone);
    const facts: FactTable[] = [];
    for (const d of defs) {
      const schema = crd.spec.versions.find((v) => v.name === d.version)?.schema?.openAPIV3Schema;
      // Named after the CRD's uid: several clusters in one process may serve the same kind with different schemas.
      const root = `${rootTypeName(d.group, d.version, d.kind)}@${crd.metadata.uid}`;
      if (!schema) continue;
      const table = schemaFacts(root, schema);
      registerFactTypes(table);
      facts.push(table);
      d.factsType = root;
    }
    this.catalog.add(defs);
    const served: Served = { uid: crd.metadata.uid, generation, storage: `${crd.spec.group}/${storageVersion(crd)}`, defs, facts, state };
    this.served.set(name, served);
    return served;
  }

  private uninstall(name: string): void {
    const prev = this.served.get(name);
    if (!prev) return;
    for (const f of prev.facts) unregisterFactTypes(f);
    this.catalog.remove(prev.defs);
    this.served.delete(name);
  }

  private objectsOf(crd: CRD): { key: string; object: Obj }[] {
    const prefix = `/registry/${crd.spec.group}/${crd.spec.names.plural}/`;
    return this.store.storage.list(prefix).items.map((i) => ({ key: i.key, object: i.object as Obj }));
  }

  /** Rewrites every stored object in the current storage version, then trims status.storedVersions to it. */
  private async migrate(crd: CRD, served: Served): Promise<void> {
    const storageDef = served.defs.find((d) => groupVersion(d) === served.storage);
    for (const { key, object } of this.objectsOf(crd)) {
      if (object.apiVersion === served.storage) continue;
      await this.store.storage
        .guaranteedUpdate(key, (cur) => {
          const obj = storageDef?.codec ? storageDef.codec.decode(cur as Obj) : { ...(cur as Obj) };
          obj.apiVersion = served.storage;
          return obj;
        })
        .catch((err) => {
          if ((err as { code?: string }).code !== 'NotFound') throw err;
        });
    }
    const sv = storageVersion(crd)!;
    await this.writeStatus(crd.metadata.name, (c) => {
      c.status = { ...(c.status ?? {}), storedVersions: [sv] };
    });
  }

  /** The customresourcecleanup finalizer: delete all instances, then let the CRD go. */
  private async finalize(crd: CRD): Promise<void> {
    if (!(crd.metadata.finalizers ?? []).includes(CLEANUP_FINALIZER)) return;
    const name = crd.metadata.name;
    const now = rfc3339(this.clock.now());
    if (findCondition(crd, 'Terminating')?.reason !== 'InstanceDeletionInProgress') {
      await this.writeStatus(name, (c) =>
        setCondition(c, { type: 'Terminating', status: 'True', reason: 'InstanceDeletionInProgress', message: 'CustomResource deletion is in progress' }, now),
      );
    }
    const def = this.served.get(name)?.defs[0];
    const objects = this.objectsOf(crd);
    for (const { key, object } of objects) {
      if (object.metadata?.deletionTimestamp) continue;
      if (def) {
        await this.store.delete(def, object.metadata?.namespace, object.metadata?.name).catch((err) => {
          if ((err as { code?: number }).code !== 404) throw err;
        });
      } else {
        await this.store.storage.delete(key).catch(() => undefined);
      }
    }
    if (this.objectsOf(crd).length) {
      // Instances with finalizers of their own: check again shortly.
      this.clock.after(RETRY_MS, () => this.enqueue(name));
      return;
    }
    await this.store.mutate(crdDef, undefined, name, (cur) => {
      cur.metadata.finalizers = (cur.metadata.finalizers ?? []).filter((f: string) => f !== CLEANUP_FINALIZER);
      return cur;
    }, { fieldManager: MANAGER }).catch((err) => {
      if ((err as { code?: number }).code !== 404) throw err;
    });
  }
}

function sameCondition(a: { status: string; reason?: string; message?: string }, b: { status: string; reason?: string; message?: string } | undefined): boolean {
  return !!b && a.status === b.status && a.reason === b.reason && a.message === b.message;
}
