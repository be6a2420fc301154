// The garbage collector (upstream pkg/controller/garbagecollector): deletes objects whose owners are all gone
// (Background), deletes the dependents of an owner being deleted in the foreground and removes its
// `foregroundDeletion` finalizer once no blocking dependent is left, and orphans dependents of an owner carrying the
// `orphan` finalizer. Owner absence is always confirmed with a live read by name and uid before deleting.
import type { ComponentContext } from '../../client/component.js';
import type { Obj, ResourceDef } from '../../registry/types.js';
import { groupVersion } from '../../registry/types.js';
import { Controller } from '../controller.js';
import { OwnershipGraph, type GraphNode } from './graph.js';

const FOREGROUND = 'foregroundDeletion';
const ORPHAN = 'orphan';

type OwnerState = 'solid' | 'waiting' | 'dangling';

export class GarbageCollector extends Controller {
  readonly name = 'garbage-collector-controller';
  private readonly graph = new OwnershipGraph();
  private readonly watched = new Set<ResourceDef>();
  private unsubscribe?: () => void;

  protected setup(ctx: ComponentContext): void {
    for (const def of ctx.client.preferredDefinitions()) this.watchKind(ctx, def);
    // Custom resources come and go while the cluster runs: follow them, like upstream's GraphBuilder resyncing its
    // monitors from discovery.
    this.unsubscribe = ctx.client.onDefinitionsChanged(({ added, removed }) => {
      for (const def of removed) this.watched.delete(def);
      const preferred = ctx.client.preferredDefinitions();
      for (const def of added) if (preferred.includes(def)) this.watchKind(ctx, def);
    });
  }

  override stop(): void {
    this.unsubscribe?.();
    super.stop();
  }

  private watchKind(ctx: ComponentContext, def: ResourceDef): void {
    // Like upstream's DefaultIgnoredResources: events (of either API) are never owners or dependents worth watching.
    if (def.plural === 'events' && (def.group === '' || def.group === 'events.k8s.io')) return;
    if (this.watched.has(def)) return;
    this.watched.add(def);
    {
      ctx.informers.for(def.group, def.version, def.plural).addHandlers({
        onAdd: (o) => this.observe(def, o),
        onUpdate: (old, o) => {
          this.observe(def, o, old);
          // An owner waiting for its dependents re-checks when one of them lets go of it (upstream referencesDiffs).
          const kept = new Set((o.metadata?.ownerReferences ?? []).map((r: Obj) => r?.uid));
          for (const ref of old.metadata?.ownerReferences ?? []) if (ref?.uid && !kept.has(ref.uid)) this.queue.add(`owner:${ref.uid}`);
        },
        onDelete: (o) => {
          this.graph.remove(o);
          for (const d of this.graph.dependentsOf(o.metadata?.uid)) this.queue.add(`dependent:${d.uid}`);
          // An owner waiting for its dependents re-checks when one of them goes away.
          for (const ref of o.metadata?.ownerReferences ?? []) if (ref?.uid) this.queue.add(`owner:${ref.uid}`);
        },
      });
    }
  }

  private observe(def: ResourceDef, o: Obj, old?: Obj): void {
    this.graph.upsert(def, o);
    const m = o.metadata ?? {};
    if (m.deletionTimestamp && (m.finalizers ?? []).some((f: string) => f === FOREGROUND || f === ORPHAN)) this.queue.add(`owner:${m.uid}`);
    const refs: Obj[] = m.ownerReferences ?? [];
    if (!refs.length) return;
    // Like upstream's graph builder, a dependent is looked at when it is new, when its references changed, or when
    // an owner it names is not in the graph (maybe absent): not on every status write of a pod. Owners going away
    // re-enqueue their dependents (onDelete above, and the foreground/orphan processing).
    const changed = !old || JSON.stringify(old.metadata?.ownerReferences ?? []) !== JSON.stringify(refs);
    if (changed || refs.some((r) => !r?.uid || !this.graph.get(r.uid))) this.queue.add(`dependent:${m.uid}`);
  }

  async sync(key: string): Promise<void> {
    const [kind, uid] = [key.slice(0, key.indexOf(':')), key.slice(key.indexOf(':') + 1)];
    const node = this.graph.get(uid);
    if (!node) return;
    if (kind === 'owner') return this.processDeletingOwner(node);
    return this.attemptToDelete(node);
  }

  /** Classifies each owner reference with a live read (upstream classifyReferences). */
  private ownerState(dependent: GraphNode, ref: Obj): OwnerState {
    const def = this.ctx.client.definitions().find((d) => groupVersion(d) === ref.apiVersion && d.kind === ref.kind);
    if (!def) return 'solid'; // unknown kinds are never treated as absent
    const owner = this.ctx.client.resource(def.group, def.version, def.plural).get(dependent.obj.metadata?.namespace, ref.name);
    if (!owner || owner.metadata?.uid !== ref.uid) return 'dangling';
    const m = owner.metadata ?? {};
    return m.deletionTimestamp && (m.finalizers ?? []).includes(FOREGROUND) ? 'waiting' : 'solid';
  }

  private async attemptToDelete(node: GraphNode): Promise<void> {
    const m = node.obj.metadata ?? {};
    if (m.deletionTimestamp) return;
    const refs: Obj[] = m.ownerReferences ?? [];
    if (!refs.length) return;
    const states = refs.map((r) => this.ownerState(node, r));
    if (!states.some((s) => s !== 'solid')) return;
    const rc = this.ctx.client.resource(node.def.group, node.def.version, node.def.plural);
    if (states.includes('solid')) {
      // Some owner still exists: only drop the references to owners that are gone or going (upstream behaviour).
      const keep = refs.filter((_, i) => states[i] === 'solid');
      await rc.patch(m.namespace, m.name, 'merge', { metadata: { ownerReferences: keep, resourceVersion: m.resourceVersion } });
      return;
    }
    // Every owner is gone or being deleted in the foreground. Upstream deletes in the foreground only an object that
    // has dependents of its own and an owner waiting for it; anything else by its own finalizers, else Background.
    const hasDependents = this.graph.dependentsOf(node.uid).length > 0;
    const finalizers: string[] = m.finalizers ?? [];
    const policy =
      states.includes('waiting') && hasDependents ? 'Foreground' : finalizers.includes(ORPHAN) ? 'Orphan' : finalizers.includes(FOREGROUND) ? 'Foreground' : 'Background';
    await rc.delete(m.namespace, m.name, { propagationPolicy: policy, preconditions: { uid: m.uid } });
  }

  private async processDeletingOwner(owner: GraphNode): Promise<void> {
    const m = owner.obj.metadata ?? {};
    const finalizers: string[] = m.finalizers ?? [];
    if (!m.deletionTimestamp) return;
    const dependents = this.graph.dependentsOf(owner.uid);
    const rcOwner = this.ctx.client.resource(owner.def.group, owner.def.version, owner.def.plural);
    if (finalizers.includes(ORPHAN)) {
      for (const d of dependents) {
        const dm = d.obj.metadata ?? {};
        const keep = (dm.ownerReferences ?? []).filter((r: Obj) => r.uid !== owner.uid);
        const rc = this.ctx.client.resource(d.def.group, d.def.version, d.def.plural);
        await rc.patch(dm.namespace, dm.name, 'merge', { metadata: { ownerReferences: keep.length ? keep : null } });
      }
      await this.removeFinalizer(rcOwner, owner, ORPHAN);
      return;
    }
    if (finalizers.includes(FOREGROUND)) {
      let blocking = 0;
      for (const d of dependents) {
        const dm = d.obj.metadata ?? {};
        const ref = (dm.ownerReferences ?? []).find((r: Obj) => r.uid === owner.uid);
        if (ref?.blockOwnerDeletion) blocking++;
        // Each dependent decides for itself (upstream attemptToDeleteItem): deleted when no other owner holds it,
        // or released from this owner when another one does.
        if (!dm.deletionTimestamp) await this.attemptToDelete(d);
      }
      // Dependent deletions re-enqueue this owner; it finishes when no blocking dependent exists any more.
      if (!blocking) await this.removeFinalizer(rcOwner, owner, FOREGROUND);
    }
  }

  private async removeFinalizer(rc: ReturnType<ComponentContext['client']['resource']>, node: GraphNode, finalizer: string): Promise<void> {
    const m = node.obj.metadata ?? {};
    const current = rc.get(m.namespace, m.name);
    if (!current || current.metadata?.uid !== m.uid) return;
    const finalizers = (current.metadata?.finalizers ?? []).filter((f: string) => f !== finalizer);
    await rc.patch(m.namespace, m.name, 'merge', {
      metadata: { finalizers: finalizers.length ? finalizers : null, resourceVersion: current.metadata.resourceVersion },
    });
  }
}
