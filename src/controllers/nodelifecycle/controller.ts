// Node lifecycle controller (upstream pkg/controller/nodelifecycle). Every node-monitor-period (5 s) it checks when
// each node was last heard from (Lease renewals and Ready heartbeats, timed by when this controller observed them,
// like upstream's probeTimestamp). A node silent for longer than node-monitor-grace-period (50 s from Kubernetes
// 1.32 on, 40 s before; 60 s for a node that never reported) gets its conditions set to Unknown ("Kubelet stopped
// posting node status."), a NodeNotReady event, and its pods marked not Ready. On the next pass the node is queued
// for the NoExecute taint matching its Ready condition (unreachable for Unknown, not-ready for False), added through
// a per-zone rate limiter (0.1 node/s, nothing while every zone is fully down); the taint eviction controller then
// evicts the pods that do not tolerate it. A node Ready again loses both taints. Separately, on every node change,
// the NoSchedule taints follow the conditions and spec.unschedulable (cordon).
import type { ComponentContext } from '../../client/component.js';
import { EventRecorder } from '../../client/events.js';
import { keyOf, type Informer } from '../../client/informer.js';
import { rfc3339, type TimerHandle } from '../../clock.js';
import { ApiError } from '../../machinery/errors.js';
import type { Obj } from '../../registry/types.js';
import { Controller } from '../controller.js';
import { markPodsNotReady } from './pods.js';
import { desiredNoScheduleTaints, hasTaint, NOT_READY_NO_EXECUTE, reconcileTaints, swapTaints, UNREACHABLE_NO_EXECUTE } from './taints.js';
import { computeZoneState, EVICTION_LIMITER_QPS, EXCLUDE_DISRUPTION_LABEL, RateLimitedQueue, zoneKey, zoneQPS, type ZoneState } from './zones.js';

export interface NodeLifecycleOptions {
  /** node-monitor-grace-period; by default 50 s when the cluster reports Kubernetes 1.32 or later, else 40 s. */
  gracePeriodMs?: number;
  /** node-startup-grace-period (upstream default 60 s): for nodes that never posted a Ready condition. */
  startupGracePeriodMs?: number;
  /** node-monitor-period (upstream default 5 s). */
  monitorPeriodMs?: number;
}

/** The node-monitor-grace-period default of a Kubernetes version (raised from 40 s to 50 s in 1.32). */
export function defaultGracePeriodMs(version: string | undefined): number {
  const m = /^v?(\d+)\.(\d+)/.exec(version ?? '');
  if (!m) return 50_000;
  const [major, minor] = [Number(m[1]), Number(m[2])];
  return major > 1 || (major === 1 && minor >= 32) ? 50_000 : 40_000;
}

interface Health {
  /** When this controller last saw the node alive (a new heartbeat or lease renewal). */
  probeTimestamp: number;
  /** The Ready condition's heartbeat when last seen (undefined: the node had no Ready condition). */
  heartbeat?: string;
  hasReady: boolean;
  renewTime?: string;
  /** The Ready status after this controller's last look (upstream nodeHealth.status). */
  readyStatus?: string;
}

const WATCHED_CONDITIONS = ['Ready', 'MemoryPressure', 'DiskPressure', 'PIDPressure'];
/** NodeHealthUpdateRetry. */
const HEALTH_UPDATE_RETRIES = 5;

function conditionOf(node: Obj, type: string): Obj | undefined {
  return (node.status?.conditions ?? []).find((c: Obj) => c.type === type);
}

const isConflict = (err: unknown) => err instanceof ApiError && err.code === 409;

export class NodeLifecycleController extends Controller {
  readonly name = 'node-lifecycle-controller';
  private readonly health = new Map<string, Health>();
  private readonly known = new Set<string>();
  private readonly zoneStates = new Map<string, ZoneState>();
  private readonly tainters = new Map<string, RateLimitedQueue>();
  /** Nodes whose pods could not all be marked not ready: tried again on the next pass. */
  private readonly retryPods = new Set<string>();
  private nodes!: Informer;
  private leases!: Informer;
  private pods!: Informer;
  private recorder!: EventRecorder;
  private monitor?: TimerHandle;
  private taintTimer?: { handle: TimerHandle; at: number };
  private passing = false;
  private gracePeriodMs!: number;
  private readonly startupGracePeriodMs: number;
  private readonly monitorPeriodMs: number;

  constructor(private readonly opts: NodeLifecycleOptions = {}) {
    super();
    this.startupGracePeriodMs = opts.startupGracePeriodMs ?? 60_000;
    this.monitorPeriodMs = opts.monitorPeriodMs ?? 5_000;
  }

  protected setup(ctx: ComponentContext): void {
    this.gracePeriodMs = this.opts.gracePeriodMs ?? defaultGracePeriodMs(ctx.kubernetesVersion);
    this.nodes = ctx.informers.nodes;
    this.pods = ctx.informers.pods;
    this.leases = ctx.informers.for('coordination.k8s.io', 'v1', 'leases');
    this.recorder = new EventRecorder(ctx.client, ctx.clock, { component: 'node-controller' });
    this.nodes.addHandlers({
      onAdd: (n) => this.queue.add(keyOf(n)),
      onUpdate: (_o, n) => this.queue.add(keyOf(n)),
      onDelete: (n) => this.retryPods.delete(n.metadata?.name),
    });
    // processPod: a pod bound to a node known not to be Ready is marked not ready too.
    this.pods.addHandlers({
      onAdd: (p) => void this.processPod(undefined, p),
      onUpdate: (o, p) => void this.processPod(o, p),
    });
    this.monitor = ctx.clock.every(this.monitorPeriodMs, () => void this.monitorPass());
  }

  override stop(): void {
    this.monitor?.cancel();
    this.taintTimer?.handle.cancel();
    super.stop();
  }

  /** The configured node-monitor-grace-period. */
  get gracePeriod(): number {
    return this.gracePeriodMs;
  }

  /** doNoScheduleTaintingPass: the managed NoSchedule taints follow the node's conditions and spec.unschedulable. */
  async sync(name: string): Promise<void> {
    if (!this.nodes.get(name)) return;
    await this.updateTaints(name, (node) => reconcileTaints(node, desiredNoScheduleTaints(node)));
  }

  /** Writes the node's taints as `change` computes them from a fresh read, retrying conflicts; false on failure. */
  private async updateTaints(name: string, change: (node: Obj) => Obj[] | undefined): Promise<boolean> {
    for (let attempt = 0; ; attempt++) {
      const node = this.ctx.client.nodes.get(undefined, name);
      if (!node) return true;
      const taints = change(node);
      if (!taints) return true;
      const spec = { ...node.spec, taints };
      if (!taints.length) delete spec.taints;
      try {
        await this.ctx.client.nodes.update({ ...node, spec });
        return true;
      } catch (err) {
        if (err instanceof ApiError && err.code === 404) return true;
        if (!isConflict(err) || attempt + 1 >= HEALTH_UPDATE_RETRIES) {
          this.ctx.log(`${this.name}: updating taints of node ${name}: ${(err as Error)?.message ?? err}`);
          return false;
        }
      }
    }
  }

  private async monitorPass(): Promise<void> {
    if (this.passing) return;
    this.passing = true;
    try {
      await this.monitorNodeHealth();
      await this.doNoExecuteTaintingPass();
    } catch (e) {
      this.ctx.log(`${this.name}: ${(e as Error)?.message ?? e}`);
    } finally {
      this.passing = false;
    }
  }

  /** upstream monitorNodeHealth. */
  async monitorNodeHealth(): Promise<void> {
    const nodes = this.nodes.list();
    const names = new Set(nodes.map((n) => n.metadata?.name as string));
    for (const node of nodes) {
      const name: string = node.metadata?.name;
      const zone = zoneKey(node);
      if (!this.zoneStates.has(zone)) this.addZone(zone);
      if (!this.known.has(name)) {
        this.known.add(name);
        await this.markNodeAsReachable(node);
      }
    }
    for (const name of [...this.known]) {
      if (names.has(name)) continue;
      this.known.delete(name);
      this.health.delete(name);
    }

    const zoneConditions = new Map<string, (string | undefined)[]>();
    for (const listed of nodes) {
      const name: string = listed.metadata?.name;
      let result: { node: Obj; observed: Obj; current?: Obj } | undefined;
      let node: Obj | undefined = listed;
      for (let attempt = 0; node && attempt < HEALTH_UPDATE_RETRIES; attempt++) {
        try {
          result = await this.tryUpdateNodeHealth(node);
          break;
        } catch (err) {
          if (!(err instanceof ApiError && (err.code === 409 || err.code === 404))) throw err;
          node = this.ctx.client.nodes.get(undefined, name); // re-read and try again
        }
      }
      if (!result) continue; // skipped this pass: no pods will be evicted
      const { observed, current } = result;
      node = result.node;
      if (!(EXCLUDE_DISRUPTION_LABEL in (node.metadata?.labels ?? {}))) {
        const zone = zoneKey(node);
        zoneConditions.set(zone, [...(zoneConditions.get(zone) ?? []), current?.status]);
      }
      if (!current) continue;
      await this.processTaintBaseEviction(node, observed);
      const becameNotReady = current.status !== 'True' && observed.status === 'True';
      if (becameNotReady) this.recordNodeStatusChange(node, 'NodeNotReady');
      if (becameNotReady || (this.retryPods.has(name) && observed.status !== 'True')) {
        const podsHere = this.pods.list().filter((p) => p.spec?.nodeName === name);
        try {
          await markPodsNotReady(this.ctx.client, this.recorder, podsHere, name, this.ctx.clock.now());
        } catch (err) {
          this.ctx.log(`${this.name}: unable to mark all pods NotReady on node ${name}: ${(err as Error)?.message ?? err}; queuing for retry`);
          this.retryPods.add(name);
          continue;
        }
      }
      this.retryPods.delete(name);
    }
    await this.handleDisruption(zoneConditions, nodes);
  }

  /** tryUpdateNodeHealth: refreshes the probe timestamp from heartbeats and leases, and posts Unknown conditions
   * when the node has been silent past its grace period. Returns the Ready condition before and after. */
  private async tryUpdateNodeHealth(node: Obj): Promise<{ node: Obj; observed: Obj; current?: Obj }> {
    const now = this.ctx.clock.now();
    const name: string = node.metadata?.name;
    const created = Date.parse(node.metadata?.creationTimestamp ?? '') || now;
    const currentReady = conditionOf(node, 'Ready');
    let h = this.health.get(name);
    let observed: Obj;
    let grace: number;
    if (!currentReady) {
      // Never posted: a fake Unknown condition as of creation, and the longer startup grace period.
      observed = { type: 'Ready', status: 'Unknown', lastHeartbeatTime: node.metadata?.creationTimestamp, lastTransitionTime: node.metadata?.creationTimestamp };
      grace = this.startupGracePeriodMs;
      if (!h) h = { probeTimestamp: created, hasReady: false };
    } else {
      observed = { ...currentReady };
      grace = this.gracePeriodMs;
    }
    if (!h) {
      h = { probeTimestamp: now, hasReady: true, heartbeat: currentReady?.lastHeartbeatTime };
    } else if (h.hasReady !== !!currentReady || (currentReady && h.heartbeat !== currentReady.lastHeartbeatTime)) {
      // A new heartbeat (or the Ready condition appeared or vanished): seen alive now.
      h = { ...h, probeTimestamp: now, hasReady: !!currentReady, heartbeat: currentReady?.lastHeartbeatTime };
    }
    // Lease renewals count as heartbeats too.
    const renewTime: string | undefined = this.leases.get(`kube-node-lease/${name}`)?.spec?.renewTime;
    if (renewTime && (!h.renewTime || Date.parse(h.renewTime) < Date.parse(renewTime))) h = { ...h, renewTime, probeTimestamp: now };
    h.readyStatus = currentReady?.status;
    this.health.set(name, h);

    if (now <= h.probeTimestamp + grace) return { node, observed, current: currentReady };
    const ts = rfc3339(now);
    const conditions: Obj[] = [...(node.status?.conditions ?? [])];
    for (const type of WATCHED_CONDITIONS) {
      const i = conditions.findIndex((c) => c.type === type);
      if (i < 0) {
        conditions.push({
          type,
          status: 'Unknown',
          reason: 'NodeStatusNeverUpdated',
          message: 'Kubelet never posted node status.',
          lastHeartbeatTime: node.metadata?.creationTimestamp,
          lastTransitionTime: ts,
        });
      } else if (conditions[i]!.status !== 'Unknown') {
        conditions[i] = { ...conditions[i], status: 'Unknown', reason: 'NodeStatusUnknown', message: 'Kubelet stopped posting node status.', lastTransitionTime: ts };
      }
    }
    const current = conditions.find((c) => c.type === 'Ready')!;
    if (JSON.stringify(current) === JSON.stringify(currentReady)) return { node, observed, current };
    // With the resourceVersion: if the kubelet just posted, the conflict makes us look again.
    const updated = await this.ctx.client.nodes.updateStatus({ ...node, status: { ...node.status, conditions } });
    this.ctx.log(`${this.name}: node ${name} hasn't been updated for ${Math.round((now - h.probeTimestamp) / 1000)}s; marked Unknown`);
    this.health.set(name, { ...h, readyStatus: 'Unknown' });
    return { node: updated, observed, current };
  }

  /** processTaintBaseEviction: queue the NoExecute taint of an unhealthy node, or lift both of a healthy one. */
  private async processTaintBaseEviction(node: Obj, observed: Obj): Promise<void> {
    switch (observed.status) {
      case 'False':
        if (hasTaint(node, UNREACHABLE_NO_EXECUTE)) await this.swapTaints(node, NOT_READY_NO_EXECUTE, UNREACHABLE_NO_EXECUTE);
        else this.markNodeForTainting(node, 'False');
        break;
      case 'Unknown':
        if (hasTaint(node, NOT_READY_NO_EXECUTE)) await this.swapTaints(node, UNREACHABLE_NO_EXECUTE, NOT_READY_NO_EXECUTE);
        else this.markNodeForTainting(node, 'Unknown');
        break;
      case 'True':
        await this.markNodeAsReachable(node);
        break;
    }
  }

  private markNodeForTainting(node: Obj, status: 'False' | 'Unknown'): boolean {
    const queue = this.tainters.get(zoneKey(node)) ?? this.addZone(zoneKey(node));
    const name: string = node.metadata?.name;
    const template = status === 'False' ? NOT_READY_NO_EXECUTE : UNREACHABLE_NO_EXECUTE;
    if (!hasTaint(node, template)) queue.remove(name);
    return queue.add(name, node.metadata?.uid, this.ctx.clock.now());
  }

  /** markNodeAsReachable: removes both NoExecute taints and drops the node from its zone's queue. */
  private async markNodeAsReachable(node: Obj): Promise<boolean> {
    const name: string = node.metadata?.name;
    if (hasTaint(node, UNREACHABLE_NO_EXECUTE) || hasTaint(node, NOT_READY_NO_EXECUTE)) {
      const ok = await this.updateTaints(name, (n) => swapTaints(n.spec?.taints ?? [], [], [UNREACHABLE_NO_EXECUTE, NOT_READY_NO_EXECUTE], ''));
      if (!ok) return false;
    }
    return this.tainters.get(zoneKey(node))?.remove(name) ?? false;
  }

  /** SwapNodeControllerTaint: adds `add` (with timeAdded now) and removes `remove`. */
  private swapTaints(node: Obj, add: Obj, remove: Obj): Promise<boolean> {
    const timeAdded = rfc3339(this.ctx.clock.now());
    return this.updateTaints(node.metadata?.name, (n) => swapTaints(n.spec?.taints ?? [], [add], [remove], timeAdded));
  }

  private addZone(zone: string): RateLimitedQueue {
    this.zoneStates.set(zone, 'Initial');
    const q = new RateLimitedQueue(EVICTION_LIMITER_QPS, this.ctx.clock.now());
    this.tainters.set(zone, q);
    return q;
  }

  /** doNoExecuteTaintingPass: each zone's queue, as its rate limiter allows. */
  private async doNoExecuteTaintingPass(): Promise<void> {
    const now = this.ctx.clock.now();
    for (const queue of this.tainters.values()) {
      await queue.try(now, async (name) => {
        const node = this.nodes.get(name);
        if (!node) return { done: true };
        const ready = conditionOf(node, 'Ready');
        if (!ready) return { done: false, retryMs: 50 };
        // The two taints mirror the Ready condition, so they exclude each other.
        if (ready.status === 'False') return { done: await this.swapTaints(node, NOT_READY_NO_EXECUTE, UNREACHABLE_NO_EXECUTE) };
        if (ready.status === 'Unknown') return { done: await this.swapTaints(node, UNREACHABLE_NO_EXECUTE, NOT_READY_NO_EXECUTE) };
        return { done: true }; // ready again: nothing to taint
      });
    }
    this.scheduleTaintingPass(now);
  }

  /** Arms a timer for when a rate-limited queue can make progress (upstream polls every 100 ms). */
  private scheduleTaintingPass(now: number): void {
    let next: number | undefined;
    for (const q of this.tainters.values()) {
      const at = q.nextTryAt(now);
      if (at !== undefined && (next === undefined || at < next)) next = at;
    }
    if (next === undefined) return;
    const at = Math.max(next, now + 1);
    if (this.taintTimer && this.taintTimer.at <= at) return;
    this.taintTimer?.handle.cancel();
    const handle = this.ctx.clock.after(at - now, () => {
      this.taintTimer = undefined;
      if (this.passing) return;
      this.passing = true;
      void this.doNoExecuteTaintingPass()
        .catch((e) => this.ctx.log(`${this.name}: ${(e as Error)?.message ?? e}`))
        .finally(() => (this.passing = false));
    });
    this.taintTimer = { handle, at };
  }

  /** handleDisruption: zone states decide the tainting rates; with every zone fully down, nothing is tainted. */
  private async handleDisruption(zoneConditions: Map<string, (string | undefined)[]>, nodes: Obj[]): Promise<void> {
    const newStates = new Map<string, ZoneState>();
    let allAreFullyDisrupted = true;
    for (const [zone, statuses] of zoneConditions) {
      const { state } = computeZoneState(statuses);
      if (state !== 'FullDisruption') allAreFullyDisrupted = false;
      newStates.set(zone, state);
      if (!this.zoneStates.has(zone)) this.zoneStates.set(zone, 'Initial');
    }
    let allWasFullyDisrupted = true;
    for (const [zone, state] of [...this.zoneStates]) {
      if (!zoneConditions.has(zone)) {
        this.zoneStates.delete(zone);
        continue;
      }
      if (state !== 'FullDisruption') {
        allWasFullyDisrupted = false;
        break;
      }
    }
    if (allAreFullyDisrupted && allWasFullyDisrupted) return;
    const now = this.ctx.clock.now();
    if (allAreFullyDisrupted) {
      this.ctx.log(`${this.name}: all nodes are not ready; entering master disruption mode`);
      for (const n of nodes) await this.markNodeAsReachable(n);
      for (const zone of this.zoneStates.keys()) {
        this.tainters.get(zone)?.swapLimiter(0, now);
        this.zoneStates.set(zone, 'FullDisruption');
      }
      return;
    }
    if (allWasFullyDisrupted) {
      this.ctx.log(`${this.name}: some nodes are ready; exiting master disruption mode`);
      for (const h of this.health.values()) h.probeTimestamp = now;
      for (const zone of this.zoneStates.keys()) {
        const state = newStates.get(zone) ?? 'Normal';
        this.tainters.get(zone)?.swapLimiter(zoneQPS(state, zoneConditions.get(zone)?.length ?? 0), now);
        this.zoneStates.set(zone, state);
      }
      return;
    }
    for (const [zone, state] of [...this.zoneStates]) {
      const next = newStates.get(zone);
      if (!next || next === state) continue;
      this.tainters.get(zone)?.swapLimiter(zoneQPS(next, zoneConditions.get(zone)?.length ?? 0), now);
      this.zoneStates.set(zone, next);
    }
  }

  /** processPod: a pod newly bound to a node that is not Ready is marked not ready. */
  private async processPod(old: Obj | undefined, pod: Obj): Promise<void> {
    const nodeName: string | undefined = pod.spec?.nodeName;
    if (!nodeName || old?.spec?.nodeName === nodeName) return;
    const h = this.health.get(nodeName);
    if (!h || h.readyStatus === undefined || h.readyStatus === 'True' || !this.nodes.get(nodeName)) return;
    await markPodsNotReady(this.ctx.client, this.recorder, [pod], nodeName, this.ctx.clock.now()).catch((err) =>
      this.ctx.log(`${this.name}: unable to mark pod ${keyOf(pod)} NotReady: ${(err as Error)?.message ?? err}`),
    );
  }

  /** RecordNodeStatusChange: `Node X status is now: NodeNotReady`. */
  private recordNodeStatusChange(node: Obj, status: string): void {
    const ref = { apiVersion: 'v1', kind: 'Node', metadata: { name: node.metadata?.name, uid: node.metadata?.uid } };
    this.recorder.event(ref, 'Normal', status, `Node ${node.metadata?.name} status is now: ${status}`);
  }
}
