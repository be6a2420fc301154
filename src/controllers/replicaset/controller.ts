// The ReplicaSet controller (upstream pkg/controller/replicaset/replica_set.go): keeps spec.replicas pods of the
// template running, adopting matching orphans and releasing owned pods that stop matching, and reports counts and
// the ReplicaFailure condition in status. Level-triggered: every sync compares the owned pods with the spec.
import { isDeepStrictEqual } from 'node:util';
import type { ComponentContext, ComponentFactory } from '../../client/component.js';
import { EventRecorder } from '../../client/events.js';
import { keyOf, splitKey, type Informer } from '../../client/informer.js';
import { ApiError } from '../../machinery/errors.js';
import { selectorFromLabelSelector, type LabelSelector } from '../../machinery/labels.js';
import type { Obj } from '../../registry/types.js';
import type { WorkQueueOptions } from '../../client/workqueue.js';
import { Controller } from '../controller.js';
import { claim, controllerOf, newControllerRef, resolveControllerRef } from './controller-ref.js';
import { Expectations } from './expectations.js';
import { isPodActive, isPodReady, podFromTemplate, podsToDelete } from './pods.js';
import { calculateStatus, updateReplicaSetStatus } from './status.js';

const RS_KIND = { apiVersion: 'apps/v1', kind: 'ReplicaSet' };
/** BurstReplicas: the most pods created or deleted in one sync (kube-controller-manager's default). */
const BURST_REPLICAS = 500;
/** SlowStartInitialBatchSize: creations go in batches of 1, 2, 4 ... and stop at the first failing batch. */
const SLOW_START_INITIAL_BATCH = 1;

const selectorCache = new WeakMap<object, LabelSelector>();

/** The ReplicaSet's selector as a matcher; undefined when it does not convert (nothing is adopted then). */
export function rsSelector(rs: Obj): LabelSelector | undefined {
  const sel = rs.spec?.selector;
  if (!sel || typeof sel !== 'object') return undefined;
  let s = selectorCache.get(sel);
  if (!s) {
    try {
      s = selectorFromLabelSelector(sel);
    } catch {
      return undefined;
    }
    selectorCache.set(sel, s);
  }
  return s;
}

/** slowStartBatch: runs `fn` count times in growing concurrent batches; returns the successes and the first error. */
export async function slowStartBatch(count: number, initial: number, fn: () => Promise<void>): Promise<{ successes: number; error?: unknown }> {
  let remaining = count;
  let successes = 0;
  for (let batch = Math.min(remaining, initial); batch > 0; batch = Math.min(2 * batch, remaining)) {
    const results = await Promise.allSettled(Array.from({ length: batch }, () => fn()));
    const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    successes += batch - failed.length;
    if (failed.length) return { successes, error: failed[0].reason };
    remaining -= batch;
  }
  return { successes };
}

function podKey(pod: Obj): string {
  return `${pod.metadata?.namespace}/${pod.metadata?.name}`;
}

function isNamespaceTerminating(err: unknown): boolean {
  return err instanceof ApiError && (err.details?.causes ?? []).some((c) => c.reason === 'NamespaceTerminating');
}

export class ReplicaSetController extends Controller {
  readonly name = 'replicaset-controller';

  /** Every pod change of an object enqueues it and its sync walks all its pods: a turn's burst costs one sync. */
  protected override queueOptions(): WorkQueueOptions {
    return { batched: true };
  }
  private rsInformer!: Informer;
  private podInformer!: Informer;
  private recorder!: EventRecorder;
  private expectations!: Expectations;

  protected setup(ctx: ComponentContext): void {
    this.recorder = new EventRecorder(ctx.client, ctx.clock, { component: 'replicaset-controller' });
    this.expectations = new Expectations(ctx.clock);
    this.rsInformer = ctx.informers.for('apps', 'v1', 'replicasets');
    this.podInformer = ctx.informers.for('', 'v1', 'pods');
    this.rsInformer.addHandlers({
      onAdd: (rs) => this.queue.add(keyOf(rs)),
      onUpdate: (_old, rs) => this.queue.add(keyOf(rs)),
      onDelete: (rs) => {
        this.expectations.delete(keyOf(rs));
        this.queue.add(keyOf(rs));
      },
    });
    this.podInformer.addHandlers({
      onAdd: (p) => this.addPod(p),
      onUpdate: (o, p) => this.updatePod(o, p),
      onDelete: (p) => this.deletePod(p),
    });
  }

  private resolve(namespace: string, ref: Obj | undefined): Obj | undefined {
    return resolveControllerRef(ref, RS_KIND, (name) => this.rsInformer.get(`${namespace}/${name}`));
  }

  /** GetPodReplicaSets: the ReplicaSets of the pod's namespace whose (non-empty) selector matches the pod. */
  private replicaSetsMatching(pod: Obj): Obj[] {
    const ns = pod.metadata?.namespace;
    return this.rsInformer.list().filter((rs) => {
      if (rs.metadata?.namespace !== ns) return false;
      const sel = rsSelector(rs);
      return !!sel && !sel.empty && sel.matches(pod.metadata?.labels);
    });
  }

  private addPod(pod: Obj): void {
    if (pod.metadata?.deletionTimestamp) return this.deletePod(pod);
    const ref = controllerOf(pod);
    if (ref) {
      const rs = this.resolve(pod.metadata.namespace, ref);
      if (!rs) return;
      this.expectations.creationObserved(keyOf(rs));
      this.queue.add(keyOf(rs));
      return;
    }
    // An orphan: wake every matching ReplicaSet so one of them adopts it.
    for (const rs of this.replicaSetsMatching(pod)) this.queue.add(keyOf(rs));
  }

  private updatePod(old: Obj, cur: Obj): void {
    if (old.metadata?.resourceVersion === cur.metadata?.resourceVersion) return; // periodic resync
    const labelChanged = !isDeepStrictEqual(old.metadata?.labels ?? {}, cur.metadata?.labels ?? {});
    if (cur.metadata?.deletionTimestamp) {
      // A graceful deletion counts as observed as soon as deletionTimestamp is set, like upstream.
      this.deletePod(cur);
      if (labelChanged) this.deletePod(old);
      return;
    }
    const curRef = controllerOf(cur);
    const oldRef = controllerOf(old);
    const refChanged = !isDeepStrictEqual(curRef, oldRef);
    if (refChanged && oldRef) {
      const rs = this.resolve(old.metadata.namespace, oldRef);
      if (rs) this.queue.add(keyOf(rs));
    }
    if (curRef) {
      const rs = this.resolve(cur.metadata.namespace, curRef);
      if (!rs) return;
      this.queue.add(keyOf(rs));
      // Availability flips minReadySeconds after readiness without any further pod event.
      const minReady = rs.spec?.minReadySeconds ?? 0;
      if (!isPodReady(old) && isPodReady(cur) && minReady > 0) this.queue.addAfter(keyOf(rs), minReady * 1000 + 1000);
      return;
    }
    if (labelChanged || refChanged) for (const rs of this.replicaSetsMatching(cur)) this.queue.add(keyOf(rs));
  }

  private deletePod(pod: Obj): void {
    const rs = this.resolve(pod.metadata?.namespace, controllerOf(pod));
    if (!rs) return;
    this.expectations.deletionObserved(keyOf(rs), podKey(pod));
    this.queue.add(keyOf(rs));
  }

  /** syncReplicaSet. */
  async sync(key: string): Promise<void> {
    const [namespace, name] = splitKey(key);
    const cached = this.rsInformer.get(key);
    if (!cached) {
      this.expectations.delete(key);
      return;
    }
    const rs = structuredClone(cached);
    const needsSync = this.expectations.satisfied(key);
    const selector = rsSelector(rs);
    if (!selector) {
      this.ctx.log(`${this.name}: ${key}: invalid selector`);
      return;
    }
    // All active pods of the namespace, so that owned pods which stopped matching are found and released.
    const active = this.podInformer.list().filter((p) => p.metadata?.namespace === namespace && isPodActive(p));
    const pods = await claim(active, {
      owner: rs,
      kind: RS_KIND,
      match: (p) => selector.matches(p.metadata?.labels),
      client: this.ctx.client.pods,
      fresh: () => this.ctx.client.replicasets.get(namespace, name),
    });
    let manageErr: unknown;
    if (needsSync && !rs.metadata.deletionTimestamp) {
      try {
        await this.manageReplicas(pods, rs, key);
      } catch (err) {
        manageErr = err;
      }
    }
    const now = this.ctx.clock.now();
    const updated = await updateReplicaSetStatus(this.ctx.client.replicasets, rs, calculateStatus(rs, pods, manageErr, now));
    // Resync after minReadySeconds as a last line of defence against clock skew (upstream does the same).
    const minReady = updated.spec?.minReadySeconds ?? 0;
    const want = updated.spec?.replicas ?? 1;
    if (!manageErr && minReady > 0 && (updated.status?.readyReplicas ?? 0) === want && (updated.status?.availableReplicas ?? 0) !== want) {
      this.queue.addAfter(key, minReady * 1000);
    }
    if (manageErr) throw manageErr;
  }

  /** manageReplicas: creates or deletes the difference, at most BURST_REPLICAS per sync. */
  private async manageReplicas(pods: Obj[], rs: Obj, key: string): Promise<void> {
    const diff = pods.length - (rs.spec?.replicas ?? 1);
    if (diff < 0) {
      const n = Math.min(-diff, BURST_REPLICAS);
      this.expectations.expectCreations(key, n);
      const ref = newControllerRef(rs, RS_KIND);
      const { successes, error } = await slowStartBatch(n, SLOW_START_INITIAL_BATCH, () => this.createPod(rs, ref));
      // Pods we never attempted (or that failed) will never be observed.
      for (let i = successes; i < n; i++) this.expectations.creationObserved(key);
      if (error) throw error;
    } else if (diff > 0) {
      const n = Math.min(diff, BURST_REPLICAS);
      const victims = podsToDelete(pods, this.relatedPods(rs), n, this.ctx.clock.now());
      this.expectations.expectDeletions(key, victims.map(podKey));
      const results = await Promise.allSettled(victims.map((p) => this.deleteOwnedPod(rs, p, key)));
      const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failed) throw failed.reason;
    }
  }

  /** PodControl.CreatePods: one pod from the template, with SuccessfulCreate / FailedCreate events. */
  private async createPod(rs: Obj, ref: Obj): Promise<void> {
    const pod = podFromTemplate(rs.spec?.template, rs.metadata.name, ref);
    if (!pod.metadata.labels) throw new Error('unable to create pods, no labels');
    try {
      const created = await this.ctx.client.pods.create(rs.metadata.namespace, pod);
      this.recorder.event(rs, 'Normal', 'SuccessfulCreate', `Created pod: ${created.metadata.name}`);
    } catch (err) {
      // A terminating namespace refuses all creates; there is nothing to do (upstream returns nil here).
      if (isNamespaceTerminating(err)) return;
      this.recorder.event(rs, 'Warning', 'FailedCreate', `Error creating: ${(err as Error).message}`);
      throw err;
    }
  }

  /** PodControl.DeletePod: SuccessfulDelete / FailedDelete events; an already deleted pod is only un-expected. */
  private async deleteOwnedPod(rs: Obj, pod: Obj, key: string): Promise<void> {
    try {
      const deleted = await this.ctx.client.pods.delete(pod.metadata.namespace, pod.metadata.name);
      if (!deleted) {
        this.expectations.deletionObserved(key, podKey(pod));
        return;
      }
      this.recorder.event(rs, 'Normal', 'SuccessfulDelete', `Deleted pod: ${pod.metadata.name}`);
    } catch (err) {
      this.expectations.deletionObserved(key, podKey(pod));
      this.recorder.event(rs, 'Warning', 'FailedDelete', `Error deleting: ${(err as Error).message}`);
      throw new Error(`unable to delete pods: ${(err as Error).message}`);
    }
  }

  /** getIndirectlyRelatedPods: pods of every ReplicaSet sharing this one's controller (for co-location ranks). */
  private relatedPods(rs: Obj): Obj[] {
    const ns = rs.metadata.namespace;
    const owner = controllerOf(rs);
    const uids = new Set<string>([rs.metadata.uid]);
    if (owner) {
      for (const other of this.rsInformer.list()) {
        if (other.metadata?.namespace === ns && controllerOf(other)?.uid === owner.uid) uids.add(other.metadata.uid);
      }
    }
    return this.podInformer.list().filter((p) => p.metadata?.namespace === ns && uids.has(controllerOf(p)?.uid));
  }
}

export const replicaSetController: ComponentFactory = () => new ReplicaSetController();
