// Taint eviction controller (upstream pkg/controller/tainteviction, "taint-eviction-controller"): pods on a node with
// NoExecute taints they do not all tolerate are deleted at once; pods that tolerate them for tolerationSeconds are
// deleted when the shortest of those runs out (timed on the cluster clock, so a virtual clock's advance() fires
// it); tolerations without tolerationSeconds keep a pod forever. Removing the taints (or the pod gaining a
// toleration) cancels a pending deletion. Every deletion is announced by a TaintManagerEviction event and marks the
// pod DisruptionTarget=True (DeletionByTaintManager) first.
import type { ComponentContext, ComponentFactory } from '../../client/component.js';
import { EventRecorder } from '../../client/events.js';
import { keyOf, splitKey, type Informer } from '../../client/informer.js';
import { ApiError } from '../../machinery/errors.js';
import { updatePodCondition } from '../../registry/resources/core/pod-eviction.js';
import type { Obj } from '../../registry/types.js';
import { toleratesTaint } from '../../scheduler/selectors.js';
import { Controller } from '../controller.js';
import { TimedWorkerQueue } from './timed-workers.js';

/** Attempts of one deletion (upstream `retries`). */
const RETRIES = 5;

/** The node's NoExecute taints (getNoExecuteTaints). */
export function noExecuteTaints(node: Obj | undefined): Obj[] {
  return (node?.spec?.taints ?? []).filter((t: Obj) => t?.effect === 'NoExecute');
}

/** v1helper.GetMatchingTolerations: whether every taint is tolerated, and the toleration used for each. */
export function matchingTolerations(taints: Obj[], tolerations: Obj[]): { all: boolean; used: Obj[] } {
  if (!taints.length) return { all: true, used: [] };
  const used: Obj[] = [];
  for (const taint of taints) {
    const t = tolerations.find((tol) => toleratesTaint(tol ?? {}, taint));
    if (!t) return { all: false, used: [] };
    used.push(t);
  }
  return { all: true, used };
}

/** getMinTolerationTime in ms: 0 without tolerations or with a non-positive one, -1 when all are forever. */
export function minTolerationMs(tolerations: Obj[]): number {
  if (!tolerations.length) return 0;
  let min = Infinity;
  for (const t of tolerations) {
    if (t.tolerationSeconds == null) continue;
    if (t.tolerationSeconds <= 0) return 0;
    min = Math.min(min, t.tolerationSeconds);
  }
  return min === Infinity ? -1 : min * 1000;
}

const sameJSON = (a: unknown, b: unknown) => JSON.stringify(a ?? []) === JSON.stringify(b ?? []);

export class TaintEvictionController extends Controller {
  readonly name = 'taint-eviction-controller';
  private nodes!: Informer;
  private pods!: Informer;
  private recorder!: EventRecorder;
  private evictions!: TimedWorkerQueue;

  protected setup(ctx: ComponentContext): void {
    this.nodes = ctx.informers.nodes;
    this.pods = ctx.informers.pods;
    this.recorder = new EventRecorder(ctx.client, ctx.clock, { component: this.name });
    this.evictions = new TimedWorkerQueue(ctx.clock, (key, fireAt) => this.deletePod(key, fireAt));
    // NodeUpdated: only a change of the NoExecute taints matters.
    this.nodes.addHandlers({
      onAdd: (n) => this.queue.add(`node/${n.metadata?.name}`),
      onUpdate: (o, n) => {
        if (!sameJSON(noExecuteTaints(o), noExecuteTaints(n))) this.queue.add(`node/${n.metadata?.name}`);
      },
    });
    // PodUpdated: only a new pod, a deleted one, or a change of node or tolerations matters.
    this.pods.addHandlers({
      onAdd: (p) => this.queue.add(`pod/${keyOf(p)}`),
      onUpdate: (o, p) => {
        if (o.spec?.nodeName !== p.spec?.nodeName || !sameJSON(o.spec?.tolerations, p.spec?.tolerations)) this.queue.add(`pod/${keyOf(p)}`);
      },
      onDelete: (p) => this.queue.add(`pod/${keyOf(p)}`),
    });
  }

  override stop(): void {
    this.evictions?.stop();
    super.stop();
  }

  /** Pending deletions, by pod key (for tests and debugging). */
  scheduled(): { key: string; fireAt: number }[] {
    return this.evictions.keys().flatMap((key) => {
      const w = this.evictions.get(key);
      return w ? [{ key, fireAt: w.fireAt }] : [];
    });
  }

  async sync(key: string): Promise<void> {
    if (key.startsWith('node/')) this.handleNodeUpdate(key.slice(5));
    else this.handlePodUpdate(key.slice(4));
  }

  private handlePodUpdate(podKey: string): void {
    const pod = this.pods.get(podKey);
    if (!pod) {
      this.cancelWithEvent(podKey);
      return;
    }
    const nodeName: string | undefined = pod.spec?.nodeName;
    if (!nodeName) return;
    const taints = noExecuteTaints(this.nodes.get(nodeName));
    // No known NoExecute taints on the node: nothing to do (removing them cancels through the node update).
    if (!taints.length) return;
    this.processPodOnNode(podKey, pod.spec?.tolerations ?? [], taints, this.ctx.clock.now());
  }

  private handleNodeUpdate(nodeName: string): void {
    const node = this.nodes.get(nodeName);
    if (!node) return;
    const taints = noExecuteTaints(node);
    if (!taints.length) {
      // All taints removed: cancel what is pending for the node's pods (without scanning every pod).
      for (const key of this.evictions.keys()) if (this.pods.get(key)?.spec?.nodeName === nodeName) this.cancelWithEvent(key);
      return;
    }
    const pods = this.pods.list().filter((p) => p.spec?.nodeName === nodeName);
    const now = this.ctx.clock.now();
    for (const p of pods) this.processPodOnNode(keyOf(p), p.spec?.tolerations ?? [], taints, now);
  }

  private processPodOnNode(podKey: string, tolerations: Obj[], taints: Obj[], now: number): void {
    if (!taints.length) this.cancelWithEvent(podKey);
    const { all, used } = matchingTolerations(taints, tolerations);
    if (!all) {
      // Not all taints tolerated: the pod goes right away.
      this.cancelWithEvent(podKey);
      this.evictions.add(podKey, now, now);
      return;
    }
    const min = minTolerationMs(used);
    if (min < 0) {
      this.cancelWithEvent(podKey);
      return;
    }
    let start = now;
    const trigger = now + min;
    const scheduled = this.evictions.get(podKey);
    if (scheduled) {
      start = scheduled.createdAt;
      // An earlier deadline already stands: keep it.
      if (start + min < trigger) return;
      this.cancelWithEvent(podKey);
    }
    this.evictions.add(podKey, start, start + min);
  }

  private cancelWithEvent(podKey: string): void {
    if (this.evictions.cancel(podKey)) this.event(podKey, `Cancelling deletion of Pod ${podKey}`);
  }

  /** An event about the pod by reference (no uid), as upstream's emitPodDeletionEvent. */
  private event(podKey: string, message: string): void {
    const [namespace, name] = splitKey(podKey);
    this.recorder.event({ apiVersion: 'v1', kind: 'Pod', metadata: { namespace, name } }, 'Normal', 'TaintManagerEviction', message);
  }

  /** deletePodHandler: announce, then DisruptionTarget + delete, a few attempts. */
  private async deletePod(podKey: string, _fireAt: number): Promise<void> {
    this.ctx.log(`${this.name}: deleting pod ${podKey}`);
    this.event(podKey, `Marking for deletion Pod ${podKey}`);
    const [namespace, name] = splitKey(podKey) as [string, string];
    for (let attempt = 0; attempt < RETRIES; attempt++) {
      try {
        await this.addConditionAndDelete(namespace, name);
        return;
      } catch (err) {
        if (err instanceof ApiError && err.code === 404) return;
        if (attempt + 1 >= RETRIES) this.ctx.log(`${this.name}: deleting pod ${podKey} failed: ${(err as Error)?.message ?? err}`);
      }
    }
  }

  private async addConditionAndDelete(namespace: string, name: string): Promise<void> {
    const pods = this.ctx.client.pods;
    const pod = pods.get(namespace, name);
    if (!pod) throw new ApiError(404, 'NotFound', `pods "${name}" not found`);
    const conditions = updatePodCondition(
      pod.status?.conditions ?? [],
      { type: 'DisruptionTarget', status: 'True', reason: 'DeletionByTaintManager', message: 'Taint manager: deleting due to NoExecute taint' },
      this.ctx.clock.now(),
    );
    if (conditions) await pods.updateStatus({ ...pod, status: { ...pod.status, conditions } });
    if (!(await pods.delete(namespace, name))) throw new ApiError(404, 'NotFound', `pods "${name}" not found`);
  }
}

export const taintEvictionController: ComponentFactory = () => new TaintEvictionController();
