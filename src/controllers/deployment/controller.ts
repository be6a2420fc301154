// The Deployment controller (upstream pkg/controller/deployment/deployment_controller.go): claims ReplicaSets through
// controllerRefs and dispatches each sync — status only while deleting, proportional scaling when paused or on a
// scaling event, otherwise a Recreate or RollingUpdate rollout step. It acts only on ReplicaSets; the ReplicaSet
// controller turns those into pods.
import { isDeepStrictEqual } from 'node:util';
import type { ComponentContext, ComponentFactory } from '../../client/component.js';
import { EventRecorder } from '../../client/events.js';
import { keyOf, type Informer } from '../../client/informer.js';
import { selectorFromLabelSelector, type LabelSelector } from '../../machinery/labels.js';
import type { Obj } from '../../registry/types.js';
import type { WorkQueueOptions } from '../../client/workqueue.js';
import { Controller } from '../controller.js';
import { claim, controllerOf, resolveControllerRef } from '../replicaset/controller-ref.js';
import { rolloutRecreate, type PodMap } from './recreate.js';
import { rolloutRolling } from './rolling.js';
import {
  DEPLOYMENT_KIND,
  getAllReplicaSetsAndSyncRevision,
  isScalingEvent,
  nowString,
  syncDeploymentStatus,
  syncScaleOnly,
  writeDeployment,
  type DeploymentEnv,
} from './sync.js';
import * as u from './util.js';

const RS_KIND = { apiVersion: 'apps/v1', kind: 'ReplicaSet' };

function selectorOf(d: Obj): LabelSelector | undefined {
  try {
    return selectorFromLabelSelector(d.spec?.selector);
  } catch {
    return undefined;
  }
}

export class DeploymentController extends Controller {
  readonly name = 'deployment-controller';

  /** Every pod change of an object enqueues it and its sync walks all its pods: a turn's burst costs one sync. */
  protected override queueOptions(): WorkQueueOptions {
    return { batched: true };
  }
  private dInformer!: Informer;
  private rsInformer!: Informer;
  private podInformer!: Informer;
  private env!: DeploymentEnv;

  protected setup(ctx: ComponentContext): void {
    this.env = {
      client: ctx.client,
      clock: ctx.clock,
      recorder: new EventRecorder(ctx.client, ctx.clock, { component: 'deployment-controller' }),
      enqueueAfter: (d, ms) => this.queue.addAfter(keyOf(d), ms),
    };
    this.dInformer = ctx.informers.for('apps', 'v1', 'deployments');
    this.rsInformer = ctx.informers.for('apps', 'v1', 'replicasets');
    this.podInformer = ctx.informers.for('', 'v1', 'pods');
    this.dInformer.addHandlers({
      onAdd: (d) => this.queue.add(keyOf(d)),
      onUpdate: (_old, d) => this.queue.add(keyOf(d)),
      onDelete: (d) => this.queue.add(keyOf(d)),
    });
    this.rsInformer.addHandlers({
      onAdd: (rs) => (rs.metadata?.deletionTimestamp ? this.deleteReplicaSet(rs) : this.addReplicaSet(rs)),
      onUpdate: (o, rs) => this.updateReplicaSet(o, rs),
      onDelete: (rs) => this.deleteReplicaSet(rs),
    });
    this.podInformer.addHandlers({ onDelete: (p) => this.deletePod(p) });
  }

  private ownerOf(rs: Obj, ref = controllerOf(rs)): Obj | undefined {
    return resolveControllerRef(ref, DEPLOYMENT_KIND, (name) => this.dInformer.get(`${rs.metadata?.namespace}/${name}`));
  }

  /** getDeploymentsForReplicaSet: deployments whose (non-empty) selector matches an orphan's labels. */
  private deploymentsMatching(rs: Obj): Obj[] {
    return this.dInformer.list().filter((d) => {
      if (d.metadata?.namespace !== rs.metadata?.namespace) return false;
      const sel = selectorOf(d);
      return !!sel && !sel.empty && sel.matches(rs.metadata?.labels);
    });
  }

  private addReplicaSet(rs: Obj): void {
    const ref = controllerOf(rs);
    if (ref) {
      const d = this.ownerOf(rs, ref);
      if (d) this.queue.add(keyOf(d));
      return;
    }
    for (const d of this.deploymentsMatching(rs)) this.queue.add(keyOf(d));
  }

  private updateReplicaSet(old: Obj, cur: Obj): void {
    if (old.metadata?.resourceVersion === cur.metadata?.resourceVersion) return;
    const curRef = controllerOf(cur);
    const oldRef = controllerOf(old);
    const refChanged = !isDeepStrictEqual(curRef, oldRef);
    if (refChanged && oldRef) {
      const d = this.ownerOf(old, oldRef);
      if (d) this.queue.add(keyOf(d));
    }
    if (curRef) {
      const d = this.ownerOf(cur, curRef);
      if (d) this.queue.add(keyOf(d));
      return;
    }
    const labelChanged = !isDeepStrictEqual(old.metadata?.labels ?? {}, cur.metadata?.labels ?? {});
    if (labelChanged || refChanged) for (const d of this.deploymentsMatching(cur)) this.queue.add(keyOf(d));
  }

  private deleteReplicaSet(rs: Obj): void {
    const d = this.ownerOf(rs);
    if (d) this.queue.add(keyOf(d));
  }

  /** deletePod: a Recreate rollout waits for the old pods to be gone, so their deletion is news. */
  private deletePod(pod: Obj): void {
    const rs = resolveControllerRef(controllerOf(pod), RS_KIND, (name) => this.rsInformer.get(`${pod.metadata?.namespace}/${name}`));
    const d = rs && this.ownerOf(rs);
    if (d?.spec?.strategy?.type === 'Recreate') this.queue.add(keyOf(d));
  }

  /** getReplicaSetsForDeployment: the ReplicaSets this deployment controls, after adoption and release. */
  private getReplicaSetsForDeployment(d: Obj, selector: LabelSelector): Promise<Obj[]> {
    const ns = d.metadata.namespace;
    const candidates = this.rsInformer.list().filter((rs) => rs.metadata?.namespace === ns);
    return claim(candidates, {
      owner: d,
      kind: DEPLOYMENT_KIND,
      match: (rs) => selector.matches(rs.metadata?.labels),
      client: this.ctx.client.replicasets,
      fresh: () => this.ctx.client.deployments.get(ns, d.metadata.name),
    });
  }

  /** getPodMapForDeployment: the deployment's pods by the uid of their controlling ReplicaSet. */
  private getPodMap(d: Obj, selector: LabelSelector, rsList: Obj[]): PodMap {
    const map: PodMap = new Map(rsList.map((rs) => [rs.metadata.uid, []]));
    for (const p of this.podInformer.list()) {
      if (p.metadata?.namespace !== d.metadata.namespace || !selector.matches(p.metadata?.labels)) continue;
      map.get(controllerOf(p)?.uid)?.push(p);
    }
    return map;
  }

  /** syncDeployment. */
  async sync(key: string): Promise<void> {
    const cached = this.dInformer.get(key);
    if (!cached) return;
    const d = structuredClone(cached);
    const env = this.env;
    const sel = d.spec?.selector ?? {};
    if (!Object.keys(sel.matchLabels ?? {}).length && !(sel.matchExpressions ?? []).length) {
      env.recorder.event(d, 'Warning', 'SelectingAll', 'This deployment is selecting all pods. A non-empty selector is required.');
      if ((d.status?.observedGeneration ?? 0) < d.metadata.generation) {
        d.status = { ...(d.status ?? {}), observedGeneration: d.metadata.generation };
        await writeDeployment(env, d);
      }
      return;
    }
    const selector = selectorOf(d);
    if (!selector) return;
    const rsList = await this.getReplicaSetsForDeployment(d, selector);
    const podMap = this.getPodMap(d, selector, rsList);
    if (d.metadata.deletionTimestamp) {
      const [newRS, oldRSs] = await getAllReplicaSetsAndSyncRevision(env, d, rsList, false);
      return syncDeploymentStatus(env, [...oldRSs, newRS], newRS, d);
    }
    await this.checkPausedConditions(d);
    if (d.spec.paused) return syncScaleOnly(env, d, rsList);
    if (await isScalingEvent(env, d, rsList)) return syncScaleOnly(env, d, rsList);
    switch (d.spec.strategy?.type) {
      case 'Recreate':
        return rolloutRecreate(env, d, rsList, podMap);
      case 'RollingUpdate':
        return rolloutRolling(env, d, rsList);
      default:
        throw new Error(`unexpected deployment strategy type: ${d.spec.strategy?.type}`);
    }
  }

  /**
   * checkPausedConditions: Progressing=Unknown DeploymentPaused / DeploymentResumed, so time spent paused never
   * counts against the progress deadline.
   */
  private async checkPausedConditions(d: Obj): Promise<void> {
    if (!u.hasProgressDeadline(d)) return;
    const cond = u.getCondition(d.status, 'Progressing');
    if (cond?.reason === u.Reason.TimedOut) return;
    const pausedCondExists = cond?.reason === u.Reason.Paused;
    let next: Obj | undefined;
    if (d.spec.paused && !pausedCondExists) next = u.newCondition('Progressing', 'Unknown', u.Reason.Paused, 'Deployment is paused', nowString(this.env));
    else if (!d.spec.paused && pausedCondExists) next = u.newCondition('Progressing', 'Unknown', u.Reason.Resumed, 'Deployment is resumed', nowString(this.env));
    if (!next) return;
    u.setCondition((d.status ??= {}), next);
    await writeDeployment(this.env, d);
  }
}

export const deploymentController: ComponentFactory = () => new DeploymentController();
