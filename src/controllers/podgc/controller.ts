// The pod garbage collector's orphan sweep (upstream pkg/controller/podgc gcOrphaned): pods bound to a node that no
// longer exists are marked Failed with a DisruptionTarget condition and force-deleted, once the node has stayed
// missing for the quarantine period (40s) as confirmed by a live read. Without it, a DaemonSet or any other pod on a
// deleted node would linger forever, since no kubelet is left to finish it.
import type { ComponentContext, ComponentFactory } from '../../client/component.js';
import type { Informer } from '../../client/informer.js';
import { rfc3339, type TimerHandle } from '../../clock.js';
import type { Obj } from '../../registry/types.js';
import { Controller } from '../controller.js';

/** podgc's quarantineTime: how long a node must stay missing before its pods are collected. */
export const QUARANTINE_MS = 40_000;
/** podgc's gcCheckPeriod. */
const GC_CHECK_PERIOD_MS = 20_000;

export class PodGCController extends Controller {
  readonly name = 'pod-garbage-collector';
  private pods!: Informer;
  private nodes!: Informer;
  private sweep?: TimerHandle;

  protected setup(ctx: ComponentContext): void {
    this.pods = ctx.informers.pods;
    this.nodes = ctx.informers.nodes;
    const check = (p: Obj) => {
      const node = p.spec?.nodeName;
      if (node && this.nodes.hasSynced() && !this.nodes.get(node)) this.queue.addAfter(node, QUARANTINE_MS);
    };
    this.pods.addHandlers({ onAdd: check, onUpdate: (_o, p) => check(p) });
    this.nodes.addHandlers({ onDelete: (n) => this.queue.addAfter(n.metadata?.name, QUARANTINE_MS) });
    // gcCheckPeriod: a periodic sweep catches pods whose node vanished while nobody was looking (e.g. at start-up).
    this.sweep = ctx.clock.every(GC_CHECK_PERIOD_MS, () => {
      for (const p of this.pods.list()) check(p);
    });
  }

  override stop(): void {
    this.sweep?.cancel();
    super.stop();
  }

  /** discoverDeletedNodes + the delete loop of gcOrphaned, for one node name. */
  async sync(nodeName: string): Promise<void> {
    if (this.ctx.client.nodes.get(undefined, nodeName)) return;
    const orphans = this.pods.list().filter((p) => p.spec?.nodeName === nodeName);
    for (const pod of orphans) await this.markFailedAndDelete(pod);
  }

  /** markFailedAndDeletePodWithCondition: Failed + DisruptionTarget (unless already terminal), then deleted at once. */
  private async markFailedAndDelete(pod: Obj): Promise<void> {
    const { namespace, name } = pod.metadata;
    const phase = pod.status?.phase;
    if (phase !== 'Succeeded' && phase !== 'Failed') {
      const now = rfc3339(this.ctx.clock.now());
      const conditions = [
        ...(pod.status?.conditions ?? []).filter((c: Obj) => c.type !== 'DisruptionTarget'),
        { type: 'DisruptionTarget', status: 'True', reason: 'DeletionByPodGC', message: 'PodGC: node no longer exists', lastProbeTime: null, lastTransitionTime: now },
      ];
      await this.ctx.client.pods.patch(namespace, name, 'merge', { status: { phase: 'Failed', conditions } }, { status: true }).catch(() => undefined);
    }
    await this.ctx.client.pods.delete(namespace, name, { gracePeriodSeconds: 0 });
  }
}

export const podGCController: ComponentFactory = () => new PodGCController();
