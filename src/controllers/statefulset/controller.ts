// The StatefulSet controller (upstream pkg/controller/statefulset/stateful_set.go): claims ControllerRevisions and
// pods through controllerRefs (pods must also be named `<set>-<ordinal>`), then runs the ordered update algorithm
// of control.ts and records status. Level-triggered: each sync compares the pods with the spec.
import { isDeepStrictEqual } from 'node:util';
import type { ComponentContext, ComponentFactory } from '../../client/component.js';
import { EventRecorder } from '../../client/events.js';
import { keyOf, splitKey, type Informer } from '../../client/informer.js';
import { selectorFromLabelSelector, type LabelSelector } from '../../machinery/labels.js';
import type { Obj } from '../../registry/types.js';
import { Controller } from '../controller.js';
import { claim, controllerOf, resolveControllerRef } from '../replicaset/controller-ref.js';
import { isPodReady } from '../replicaset/pods.js';
import { getRevisions, truncateHistory, updateStatefulSet, type ControlEnv } from './control.js';
import { StatefulPodControl } from './pod-control.js';
import { writeStatus } from './status.js';
import { isMemberOf, STS_KIND } from './utils.js';

function selectorOf(set: Obj): LabelSelector | undefined {
  try {
    return selectorFromLabelSelector(set.spec?.selector);
  } catch {
    return undefined;
  }
}

export class StatefulSetController extends Controller {
  readonly name = 'statefulset-controller';
  private setInformer!: Informer;
  private podInformer!: Informer;
  private revInformer!: Informer;
  private env!: ControlEnv;

  protected setup(ctx: ComponentContext): void {
    this.setInformer = ctx.informers.for('apps', 'v1', 'statefulsets');
    this.podInformer = ctx.informers.pods;
    this.revInformer = ctx.informers.for('apps', 'v1', 'controllerrevisions');
    const claims = ctx.informers.for('', 'v1', 'persistentvolumeclaims');
    const recorder = new EventRecorder(ctx.client, ctx.clock, { component: 'statefulset-controller' });
    this.env = {
      clock: ctx.clock,
      podControl: new StatefulPodControl(ctx.client, recorder, (ns, name) => claims.get(`${ns}/${name}`)),
      revisions: ctx.client.resource('apps', 'v1', 'controllerrevisions'),
    };
    this.setInformer.addHandlers({
      onAdd: (s) => this.queue.add(keyOf(s)),
      onUpdate: (_o, s) => this.queue.add(keyOf(s)),
      onDelete: (s) => this.queue.add(keyOf(s)),
    });
    this.podInformer.addHandlers({
      onAdd: (p) => this.addPod(p),
      onUpdate: (o, p) => this.updatePod(o, p),
      onDelete: (p) => this.enqueueOwner(p),
    });
  }

  private ownerOf(pod: Obj, ref = controllerOf(pod)): Obj | undefined {
    return resolveControllerRef(ref, STS_KIND, (name) => this.setInformer.get(`${pod.metadata?.namespace}/${name}`));
  }

  private enqueueOwner(pod: Obj, ref = controllerOf(pod)): void {
    const set = this.ownerOf(pod, ref);
    if (set) this.queue.add(keyOf(set));
  }

  /** getStatefulSetsForPod: the sets of the pod's namespace whose (non-empty) selector matches an orphan. */
  private setsMatching(pod: Obj): Obj[] {
    return this.setInformer.list().filter((s) => {
      if (s.metadata?.namespace !== pod.metadata?.namespace) return false;
      const sel = selectorOf(s);
      return !!sel && !sel.empty && sel.matches(pod.metadata?.labels);
    });
  }

  private addPod(pod: Obj): void {
    if (controllerOf(pod)) return this.enqueueOwner(pod);
    for (const s of this.setsMatching(pod)) this.queue.add(keyOf(s));
  }

  private updatePod(old: Obj, cur: Obj): void {
    if (old.metadata?.resourceVersion === cur.metadata?.resourceVersion) return;
    const curRef = controllerOf(cur);
    const oldRef = controllerOf(old);
    if (!isDeepStrictEqual(curRef, oldRef) && oldRef) this.enqueueOwner(old, oldRef);
    if (curRef) {
      const set = this.ownerOf(cur, curRef);
      if (!set) return;
      this.queue.add(keyOf(set));
      // Availability flips minReadySeconds after readiness with no further pod event.
      const minReady = set.spec?.minReadySeconds ?? 0;
      if (!isPodReady(old) && isPodReady(cur) && minReady > 0) this.queue.addAfter(keyOf(set), minReady * 1000 + 1000);
      return;
    }
    if (!isDeepStrictEqual(old.metadata?.labels ?? {}, cur.metadata?.labels ?? {}) || oldRef) for (const s of this.setsMatching(cur)) this.queue.add(keyOf(s));
  }

  /** sync: adopt orphan revisions, claim pods, run the update algorithm, write status, truncate history. */
  async sync(key: string): Promise<void> {
    const [namespace, name] = splitKey(key);
    const cached = this.setInformer.get(key);
    if (!cached) return;
    const set = structuredClone(cached);
    const selector = selectorOf(set);
    if (!selector) return;
    const fresh = () => this.ctx.client.resource('apps', 'v1', 'statefulsets').get(namespace, name);
    // ListRevisions + AdoptOrphanRevisions: revisions matching the selector that we own or nobody owns.
    const revisions = await claim(
      this.revInformer.list().filter((r) => r.metadata?.namespace === namespace && selector.matches(r.metadata?.labels) && (!controllerOf(r) || controllerOf(r)!.uid === set.metadata.uid)),
      { owner: set, kind: STS_KIND, match: () => true, client: this.env.revisions, fresh },
    );
    const pods = await claim(
      this.podInformer.list().filter((p) => p.metadata?.namespace === namespace),
      { owner: set, kind: STS_KIND, match: (p) => selector.matches(p.metadata?.labels) && isMemberOf(set, p), client: this.ctx.client.pods, fresh },
    );
    const { current, update, collisionCount } = await getRevisions(this.env, set, revisions);
    const result = await updateStatefulSet(this.env, set, current, update, collisionCount, pods);
    let statusErr: unknown;
    await writeStatus(this.ctx.client.resource('apps', 'v1', 'statefulsets'), set, result.status).catch((e) => (statusErr = e));
    await truncateHistory(this.env, set, pods, revisions, result.current, result.update);
    if (result.error) throw result.error;
    if (statusErr) throw statusErr;
    const minReady = set.spec?.minReadySeconds ?? 0;
    if (minReady > 0 && result.status.availableReplicas !== (set.spec?.replicas ?? 1)) this.queue.addAfter(key, minReady * 1000);
  }
}

export const statefulSetController: ComponentFactory = () => new StatefulSetController();
