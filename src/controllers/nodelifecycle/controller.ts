// Node lifecycle controller (upstream pkg/controller/nodelifecycle): every node-monitor-period it checks when each
// node was last heard from (its Lease renewals and Ready heartbeats, timed by when this controller observed them,
// like upstream's probeTimestamp). A node silent for longer than node-monitor-grace-period gets all its conditions
// set to Unknown ("Kubelet stopped posting node status.") and its pods marked not Ready. Separately, the managed
// NoSchedule taints follow the conditions (unreachable while Ready=Unknown), so they go away when the kubelet is back.
// NoExecute taints and eviction are not done yet.
import type { ComponentContext } from '../../client/component.js';
import { keyOf, type Informer } from '../../client/informer.js';
import { rfc3339, type TimerHandle } from '../../clock.js';
import { ApiError } from '../../machinery/errors.js';
import type { Obj } from '../../registry/types.js';
import { Controller } from '../controller.js';
import { desiredNoScheduleTaints, reconcileTaints } from './taints.js';

export interface NodeLifecycleOptions {
  /** node-monitor-grace-period (upstream default 40 s). */
  gracePeriodMs?: number;
  /** node-monitor-period (upstream default 5 s). */
  monitorPeriodMs?: number;
}

interface Health {
  /** When this controller last saw the node alive (a new heartbeat or lease renewal). */
  probeTimestamp: number;
  heartbeat?: string;
  renewTime?: string;
}

const WATCHED_CONDITIONS = ['Ready', 'MemoryPressure', 'DiskPressure', 'PIDPressure'];

export class NodeLifecycleController extends Controller {
  readonly name = 'node-lifecycle-controller';
  private readonly health = new Map<string, Health>();
  private nodes!: Informer;
  private leases!: Informer;
  private pods!: Informer;
  private monitor?: TimerHandle;
  private readonly gracePeriodMs: number;
  private readonly monitorPeriodMs: number;

  constructor(opts: NodeLifecycleOptions = {}) {
    super();
    this.gracePeriodMs = opts.gracePeriodMs ?? 40_000;
    this.monitorPeriodMs = opts.monitorPeriodMs ?? 5_000;
  }

  protected setup(ctx: ComponentContext): void {
    this.nodes = ctx.informers.nodes;
    this.pods = ctx.informers.pods;
    this.leases = ctx.informers.for('coordination.k8s.io', 'v1', 'leases');
    this.nodes.addHandlers({
      onAdd: (n) => this.queue.add(keyOf(n)),
      onUpdate: (_o, n) => this.queue.add(keyOf(n)),
      onDelete: (n) => this.health.delete(n.metadata?.name),
    });
    this.monitor = ctx.clock.every(this.monitorPeriodMs, () => void this.monitorNodeHealth().catch((e) => ctx.log(`${this.name}: ${(e as Error)?.message ?? e}`)));
  }

  override stop(): void {
    this.monitor?.cancel();
    super.stop();
  }

  /** Keeps the managed NoSchedule taints in line with the node's conditions (doNoScheduleTaintingPass). */
  async sync(name: string): Promise<void> {
    const node = this.nodes.get(name);
    if (!node) return;
    const taints = reconcileTaints(node, desiredNoScheduleTaints(node));
    if (!taints) return;
    const spec = { ...node.spec, taints };
    if (!taints.length) delete spec.taints;
    await this.ctx.client.nodes.update({ ...node, spec });
  }

  /** upstream monitorNodeHealth / tryUpdateNodeHealth. */
  async monitorNodeHealth(): Promise<void> {
    const now = this.ctx.clock.now();
    for (const node of this.nodes.list()) {
      const name: string = node.metadata?.name;
      const h = this.observe(name, node, now);
      if (now - h.probeTimestamp <= this.gracePeriodMs) continue;
      const ready = conditionOf(node, 'Ready');
      if (ready?.status === 'Unknown') continue;
      await this.markUnknown(node, now);
      if (ready?.status === 'True') await this.markPodsNotReady(name, now);
    }
  }

  private observe(name: string, node: Obj, now: number): Health {
    const heartbeat: string | undefined = conditionOf(node, 'Ready')?.lastHeartbeatTime;
    const renewTime: string | undefined = this.leases.get(`kube-node-lease/${name}`)?.spec?.renewTime;
    let h = this.health.get(name);
    if (!h) {
      h = { probeTimestamp: now, heartbeat, renewTime };
      this.health.set(name, h);
      return h;
    }
    if (heartbeat !== h.heartbeat || renewTime !== h.renewTime) {
      h.probeTimestamp = now;
      h.heartbeat = heartbeat;
      h.renewTime = renewTime;
    }
    return h;
  }

  private async markUnknown(node: Obj, now: number): Promise<void> {
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
    try {
      // With the resourceVersion: if the kubelet just posted, its fresh status wins.
      await this.ctx.client.nodes.updateStatus({ ...node, status: { ...node.status, conditions } });
      this.ctx.log(`${this.name}: node ${node.metadata?.name} hasn't been updated for ${Math.round((now - this.health.get(node.metadata?.name)!.probeTimestamp) / 1000)}s; marked Unknown`);
    } catch (err) {
      if (!(err instanceof ApiError && (err.code === 409 || err.code === 404))) throw err;
    }
  }

  /** upstream nodeutil.MarkPodsNotReady: the node's pods stop being Ready (endpoints drop them). */
  private async markPodsNotReady(nodeName: string, now: number): Promise<void> {
    const ts = rfc3339(now);
    for (const pod of this.pods.list()) {
      if (pod.spec?.nodeName !== nodeName) continue;
      const conds: Obj[] = pod.status?.conditions ?? [];
      if (!conds.some((c) => c.type === 'Ready' && c.status !== 'False')) continue;
      const next = conds.map((c) => (c.type === 'Ready' ? { ...c, status: 'False', lastTransitionTime: ts } : c));
      await this.ctx.client.pods.updateStatus({ ...pod, status: { ...pod.status, conditions: next } }).catch((err) => {
        if (!(err instanceof ApiError && (err.code === 409 || err.code === 404))) throw err;
      });
    }
  }
}

function conditionOf(node: Obj, type: string): Obj | undefined {
  return (node.status?.conditions ?? []).find((c: Obj) => c.type === type);
}
