// The DaemonSet controller (upstream pkg/controller/daemon/daemon_controller.go): one daemon pod per node that
// should run it (node selector, required node affinity, taints against the template's and the automatic daemon
// tolerations). Pods are created unscheduled but pinned to their node with a matchFields metadata.name affinity, so
// the scheduler places them; existing matching pods (for instance the default fixture's) are adopted, not
// duplicated. Revisions, RollingUpdate (maxUnavailable / maxSurge) and OnDelete follow update.go.
import { isDeepStrictEqual } from 'node:util';
import type { ComponentContext, ComponentFactory } from '../../client/component.js';
import { EventRecorder } from '../../client/events.js';
import { keyOf, splitKey, type Informer } from '../../client/informer.js';
import { ApiError } from '../../machinery/errors.js';
import { selectorFromLabelSelector, type LabelSelector } from '../../machinery/labels.js';
import type { Obj } from '../../registry/types.js';
import { Controller } from '../controller.js';
import { REVISION_HASH_LABEL } from '../history/revisions.js';
import { claim, controllerOf, newControllerRef, resolveControllerRef } from '../replicaset/controller-ref.js';
import { slowStartBatch } from '../replicaset/controller.js';
import { Expectations } from '../replicaset/expectations.js';
import { isPodReady, podFromTemplate } from '../replicaset/pods.js';
import { cleanupHistory, constructHistory } from './history.js';
import { podsShouldBeOnNode, FailedPodsBackoff } from './manage.js';
import { calculateStatus, storeStatus } from './status.js';
import { rollingUpdate, type NodePods } from './update.js';
import { DS_KIND, nodeShouldRunDaemonPod, pinToNode, podTemplate, targetNodeName } from './util.js';

/** BurstReplicas: the most pods created or deleted in one pass (kube-controller-manager's default for daemons). */
const BURST_REPLICAS = 250;

function selectorOf(ds: Obj): LabelSelector | undefined {
  try {
    return selectorFromLabelSelector(ds.spec?.selector);
  } catch {
    return undefined;
  }
}

const podKey = (p: Obj): string => `${p.metadata?.namespace}/${p.metadata?.name}`;
const isNamespaceTerminating = (err: unknown): boolean => err instanceof ApiError && (err.details?.causes ?? []).some((c) => c.reason === 'NamespaceTerminating');

export class DaemonSetController extends Controller {
  readonly name = 'daemonset-controller';
  private dsInformer!: Informer;
  private podInformer!: Informer;
  private nodeInformer!: Informer;
  private revInformer!: Informer;
  private recorder!: EventRecorder;
  private expectations!: Expectations;
  private backoff!: FailedPodsBackoff;

  protected setup(ctx: ComponentContext): void {
    this.recorder = new EventRecorder(ctx.client, ctx.clock, { component: 'daemonset-controller' });
    this.expectations = new Expectations(ctx.clock);
    this.backoff = new FailedPodsBackoff();
    this.dsInformer = ctx.informers.for('apps', 'v1', 'daemonsets');
    this.podInformer = ctx.informers.pods;
    this.nodeInformer = ctx.informers.nodes;
    this.revInformer = ctx.informers.for('apps', 'v1', 'controllerrevisions');
    this.dsInformer.addHandlers({
      onAdd: (ds) => this.queue.add(keyOf(ds)),
      onUpdate: (_o, ds) => this.queue.add(keyOf(ds)),
      onDelete: (ds) => {
        this.expectations.delete(keyOf(ds));
        this.queue.add(keyOf(ds));
      },
    });
    this.revInformer.addHandlers({
      onAdd: (r) => this.enqueueOwner(r),
      onUpdate: (o, r) => (o.metadata?.resourceVersion !== r.metadata?.resourceVersion ? this.enqueueOwner(r) : undefined),
      onDelete: (r) => this.enqueueOwner(r),
    });
    this.podInformer.addHandlers({
      onAdd: (p) => this.addPod(p),
      onUpdate: (o, p) => this.updatePod(o, p),
      onDelete: (p) => this.deletePod(p),
    });
    this.nodeInformer.addHandlers({
      onAdd: (n) => this.forDaemonSets((ds) => nodeShouldRunDaemonPod(n, ds)[0]),
      onUpdate: (o, n) => this.updateNode(o, n),
      // Unscheduled pods pinned to a node that is gone are the controller's to delete (getUnscheduledPodsWithoutNode).
      onDelete: () => this.forDaemonSets(() => true),
    });
  }

  private forDaemonSets(pred: (ds: Obj) => boolean): void {
    for (const ds of this.dsInformer.list()) if (pred(ds)) this.queue.add(keyOf(ds));
  }

  private ownerOf(o: Obj, ref = controllerOf(o)): Obj | undefined {
    return resolveControllerRef(ref, DS_KIND, (name) => this.dsInformer.get(`${o.metadata?.namespace}/${name}`));
  }

  private enqueueOwner(o: Obj): void {
    const ds = this.ownerOf(o);
    if (ds) this.queue.add(keyOf(ds));
    else if (!controllerOf(o)) for (const d of this.matching(o)) this.queue.add(keyOf(d));
  }

  /** getDaemonSetsForPod: the sets of the object's namespace whose (non-empty) selector matches its labels. */
  private matching(o: Obj): Obj[] {
    return this.dsInformer.list().filter((ds) => {
      if (ds.metadata?.namespace !== o.metadata?.namespace) return false;
      const sel = selectorOf(ds);
      return !!sel && !sel.empty && sel.matches(o.metadata?.labels);
    });
  }

  private addPod(pod: Obj): void {
    if (pod.metadata?.deletionTimestamp) return this.deletePod(pod);
    const ref = controllerOf(pod);
    if (!ref) return void this.matching(pod).forEach((ds) => this.queue.add(keyOf(ds)));
    const ds = this.ownerOf(pod, ref);
    if (!ds) return;
    this.expectations.creationObserved(keyOf(ds));
    this.queue.add(keyOf(ds));
  }

  private updatePod(old: Obj, cur: Obj): void {
    if (old.metadata?.resourceVersion === cur.metadata?.resourceVersion) return;
    if (cur.metadata?.deletionTimestamp) return this.deletePod(cur);
    const curRef = controllerOf(cur);
    const oldRef = controllerOf(old);
    if (!isDeepStrictEqual(curRef, oldRef) && oldRef) {
      const prev = this.ownerOf(old, oldRef);
      if (prev) this.queue.add(keyOf(prev));
    }
    if (curRef) {
      const ds = this.ownerOf(cur, curRef);
      if (!ds) return;
      this.queue.add(keyOf(ds));
      const minReady = ds.spec?.minReadySeconds ?? 0;
      if (!isPodReady(old) && isPodReady(cur) && minReady > 0) this.queue.addAfter(keyOf(ds), minReady * 1000 + 1000);
      return;
    }
    if (!isDeepStrictEqual(old.metadata?.labels ?? {}, cur.metadata?.labels ?? {}) || oldRef) for (const ds of this.matching(cur)) this.queue.add(keyOf(ds));
  }

  private deletePod(pod: Obj): void {
    const ds = this.ownerOf(pod);
    if (!ds) return;
    this.expectations.deletionObserved(keyOf(ds), podKey(pod));
    this.queue.add(keyOf(ds));
  }

  /** updateNode: only label or taint changes matter (shouldIgnoreNodeUpdate), and only to sets whose verdict moved. */
  private updateNode(old: Obj, cur: Obj): void {
    if (isDeepStrictEqual(old.metadata?.labels ?? {}, cur.metadata?.labels ?? {}) && isDeepStrictEqual(old.spec?.taints ?? [], cur.spec?.taints ?? [])) return;
    this.forDaemonSets((ds) => !isDeepStrictEqual(nodeShouldRunDaemonPod(old, ds), nodeShouldRunDaemonPod(cur, ds)));
  }

  /** getNodesToDaemonPods: the set's pods by target node, leaving out terminal pods already being deleted. */
  private nodesToDaemonPods(ds: Obj, pods: Obj[]): NodePods {
    const map: NodePods = new Map();
    for (const p of pods) {
      if ((p.status?.phase === 'Succeeded' || p.status?.phase === 'Failed') && p.metadata?.deletionTimestamp) continue;
      const node = targetNodeName(p);
      if (!node) continue;
      if (!map.has(node)) map.set(node, []);
      map.get(node)!.push(p);
    }
    return map;
  }

  /** The set's pods as the cache has them now (already claimed this pass). */
  private ownedPods(ds: Obj): Obj[] {
    return this.podInformer.list().filter((p) => p.metadata?.namespace === ds.metadata.namespace && controllerOf(p)?.uid === ds.metadata.uid);
  }

  /** syncDaemonSet. */
  async sync(key: string): Promise<void> {
    const [namespace, name] = splitKey(key);
    const cached = this.dsInformer.get(key);
    if (!cached) {
      this.expectations.delete(key);
      return;
    }
    const ds = structuredClone(cached);
    const nodes = this.nodeInformer.list();
    const sel = ds.spec?.selector ?? {};
    if (!Object.keys(sel.matchLabels ?? {}).length && !(sel.matchExpressions ?? []).length) {
      this.recorder.event(ds, 'Warning', 'SelectingAll', 'This daemon set is selecting all pods. A non-empty selector is required.');
      return;
    }
    const selector = selectorOf(ds);
    if (!selector || ds.metadata.deletionTimestamp) return;
    const fresh = () => this.ctx.client.resource('apps', 'v1', 'daemonsets').get(namespace, name);
    const revisions = this.ctx.client.resource('apps', 'v1', 'controllerrevisions');
    const histories = await claim(this.revInformer.list().filter((r) => r.metadata?.namespace === namespace), { owner: ds, kind: DS_KIND, match: (r) => selector.matches(r.metadata?.labels), client: revisions, fresh });
    const pods = await claim(this.podInformer.list().filter((p) => p.metadata?.namespace === namespace), { owner: ds, kind: DS_KIND, match: (p) => selector.matches(p.metadata?.labels), client: this.ctx.client.pods, fresh });
    const { cur, old } = await constructHistory(this.ctx.client, ds, histories, pods);
    const hash: string = cur.metadata.labels?.[REVISION_HASH_LABEL] ?? '';
    if (!this.expectations.satisfied(key)) return this.updateStatus(ds, nodes, hash, false);

    let err: unknown;
    try {
      await this.manage(ds, nodes, this.nodesToDaemonPods(ds, pods), hash);
      if (this.expectations.satisfied(key) && ds.spec?.updateStrategy?.type === 'RollingUpdate') {
        const plan = rollingUpdate(ds, nodes, this.nodesToDaemonPods(ds, this.ownedPods(ds)), hash, this.ctx.clock.now());
        await this.syncNodes(ds, plan.deletePods, plan.createOn, hash);
      }
      await cleanupHistory(this.ctx.client, ds, old, this.ownedPods(ds));
    } catch (e) {
      err = e;
    }
    await this.updateStatus(ds, nodes, hash, true);
    if (err) throw err;
  }

  /** manage: creates the missing daemon pods and deletes the ones that should go. */
  private async manage(ds: Obj, nodes: Obj[], nodePods: NodePods, hash: string): Promise<void> {
    const create: string[] = [];
    const remove: string[] = [];
    for (const node of nodes) {
      const r = podsShouldBeOnNode(node, nodePods, ds, hash, this.backoff, this.ctx.clock.now());
      create.push(...r.create);
      remove.push(...r.remove);
      for (const pod of r.failed) this.recorder.event(ds, 'Warning', 'FailedDaemonPod', `Found failed daemon pod ${pod.metadata.namespace}/${pod.metadata.name} on node ${node.metadata.name}, will try to kill it`);
      if (r.retryAfterMs !== undefined) this.queue.addAfter(keyOf(ds), r.retryAfterMs);
    }
    // Unscheduled pods pinned to nodes that no longer exist are never scheduled: delete them (pod GC will not).
    const running = new Set(nodes.map((n) => n.metadata.name));
    for (const [node, pods] of nodePods) if (!running.has(node)) for (const p of pods) if (!p.spec?.nodeName) remove.push(p.metadata.name);
    await this.syncNodes(ds, remove, create, hash);
  }

  /** syncNodes: deletes and creates (in slow-start batches), with expectations for both. */
  private async syncNodes(ds: Obj, podsToDelete: string[], nodesNeeding: string[], hash: string): Promise<void> {
    const key = keyOf(ds);
    const ns = ds.metadata.namespace;
    const creates = nodesNeeding.slice(0, BURST_REPLICAS);
    const deletes = podsToDelete.slice(0, BURST_REPLICAS);
    this.expectations.expect(key, creates.length, deletes.map((n) => `${ns}/${n}`));
    const template = podTemplate(ds, hash);
    const ref = newControllerRef(ds, DS_KIND);
    const errors: unknown[] = [];
    let next = 0;
    const { error } = await slowStartBatch(creates.length, 1, async () => {
      const nodeName = creates[next++]!;
      const pod = podFromTemplate(template, ds.metadata.name, ref);
      pod.spec.affinity = pinToNode(pod.spec.affinity, nodeName);
      try {
        const created = await this.ctx.client.pods.create(ns, pod);
        this.recorder.event(ds, 'Normal', 'SuccessfulCreate', `Created pod: ${created.metadata.name}`);
      } catch (err) {
        this.expectations.creationObserved(key);
        // A terminating namespace refuses every create; nothing to retry (upstream ignores this error too).
        if (isNamespaceTerminating(err)) return;
        this.recorder.event(ds, 'Warning', 'FailedCreate', `Error creating: ${(err as Error).message}`);
        throw err;
      }
    });
    if (error) {
      errors.push(error);
      // Creations never attempted will never be observed.
      for (let i = next; i < creates.length; i++) this.expectations.creationObserved(key);
    }
    await Promise.all(
      deletes.map(async (podName) => {
        try {
          const deleted = await this.ctx.client.pods.delete(ns, podName);
          if (!deleted) this.expectations.deletionObserved(key, `${ns}/${podName}`);
          else this.recorder.event(ds, 'Normal', 'SuccessfulDelete', `Deleted pod: ${podName}`);
        } catch (err) {
          this.expectations.deletionObserved(key, `${ns}/${podName}`);
          this.recorder.event(ds, 'Warning', 'FailedDelete', `Error deleting: ${(err as Error).message}`);
          errors.push(err);
        }
      }),
    );
    if (errors.length) throw errors[0];
  }

  /** updateDaemonSetStatus, and a resync after minReadySeconds while pods are ready but not yet available. */
  private async updateStatus(ds: Obj, nodes: Obj[], hash: string, updateObservedGen: boolean): Promise<void> {
    const counts = calculateStatus(ds, nodes, this.nodesToDaemonPods(ds, this.ownedPods(ds)), hash, this.ctx.clock.now());
    await storeStatus(this.ctx.client.resource('apps', 'v1', 'daemonsets'), ds, counts, updateObservedGen);
    const minReady = ds.spec?.minReadySeconds ?? 0;
    if (minReady > 0 && counts.numberReady !== counts.numberAvailable) this.queue.addAfter(keyOf(ds), minReady * 1000);
  }
}

export const daemonSetController: ComponentFactory = () => new DaemonSetController();
