// Namespace deletion (upstream pkg/controller/namespace/deletion): a namespace marked for deletion is emptied of
// every namespaced object, its status conditions report what remains, and once nothing is left the `kubernetes`
// finalizer is removed through /finalize, which lets the namespace disappear.
import type { ComponentContext } from '../../client/component.js';
import { keyOf } from '../../client/informer.js';
import { rfc3339 } from '../../clock.js';
import type { Obj } from '../../registry/types.js';
import { Controller } from '../controller.js';

const RETRY_MS = 200;

export class NamespaceController extends Controller {
  readonly name = 'namespace-controller';

  protected setup(ctx: ComponentContext): void {
    ctx.informers.for('', 'v1', 'namespaces').addHandlers({
      onAdd: (o) => this.queue.add(keyOf(o)),
      onUpdate: (_, o) => this.queue.add(keyOf(o)),
    });
  }

  async sync(name: string): Promise<void> {
    const { client, clock } = this.ctx;
    const ns = client.namespaces.get(undefined, name);
    if (!ns?.metadata?.deletionTimestamp) return;
    if (!(ns.spec?.finalizers ?? []).includes('kubernetes')) return;

    const remaining: { resource: string; count: number }[] = [];
    for (const def of client.preferredDefinitions()) {
      if (!def.namespaced) continue;
      const rc = client.resource(def.group, def.version, def.plural);
      const items = rc.list(name).items;
      if (!items.length) continue;
      remaining.push({ resource: def.group ? `${def.plural}.${def.group}` : def.plural, count: items.length });
      for (const o of items) {
        if (!o.metadata?.deletionTimestamp) await rc.delete(name, o.metadata.name, { propagationPolicy: 'Background' });
      }
    }
    if (remaining.length) {
      await this.setConditions(ns, remaining, rfc3339(clock.now()));
      this.queue.addAfter(name, RETRY_MS);
      return;
    }
    await client.finalizeNamespace(name, (ns.spec?.finalizers ?? []).filter((f: string) => f !== 'kubernetes'));
  }

  private async setConditions(ns: Obj, remaining: { resource: string; count: number }[], now: string): Promise<void> {
    const summary = remaining.map((r) => `${r.resource} has ${r.count} resource instances`).join(', ');
    const conditions = [
      { type: 'NamespaceDeletionDiscoveryFailure', status: 'False', reason: 'ResourcesDiscovered', message: 'All resources successfully discovered' },
      { type: 'NamespaceDeletionGroupVersionParsingFailure', status: 'False', reason: 'ParsedGroupVersions', message: 'All legacy kube types successfully parsed' },
      { type: 'NamespaceDeletionContentFailure', status: 'False', reason: 'ContentDeleted', message: 'All content successfully deleted, may be waiting on finalization' },
      { type: 'NamespaceContentRemaining', status: 'True', reason: 'SomeResourcesRemain', message: `Some resources are remaining: ${summary}` },
      { type: 'NamespaceFinalizersRemaining', status: 'False', reason: 'ContentHasNoFinalizers', message: 'All content-preserving finalizers finished' },
    ];
    const old: Obj[] = ns.status?.conditions ?? [];
    const next = conditions.map((c) => {
      const prev = old.find((o) => o.type === c.type);
      const same = prev && prev.status === c.status && prev.message === c.message;
      return { ...c, lastTransitionTime: same ? prev.lastTransitionTime : now };
    });
    if (JSON.stringify(next) === JSON.stringify(old)) return;
    await this.ctx.client.namespaces.patch(undefined, ns.metadata.name, 'merge', { status: { phase: 'Terminating', conditions: next } }, { status: true });
  }
}
