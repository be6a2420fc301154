// kube-scheduler in process (upstream pkg/scheduler): pending pods of `default-scheduler` go through the scheduling
// queue, one cycle at a time over a snapshot of the informer caches, and are bound through pods/NAME/binding. Pods
// that fit nowhere get PodScheduled=False/Unschedulable and a FailedScheduling event and wait for a cluster event
// (or backoff) to be retried.
import { ApiError } from '../machinery/errors.js';
import { rfc3339 } from '../clock.js';
import type { Component, ComponentContext } from '../client/component.js';
import { EventsV1Recorder } from '../client/events-v1.js';
import { keyOf, splitKey, type Informer } from '../client/informer.js';
import { schedule, type Profile } from './framework.js';
import { SchedulingQueue, type QueueOptions } from './queue.js';
import { SchedulerCache } from './cache.js';
import { isTerminal } from './resources.js';
import { nodeIsReady } from './plugins/node-basic.js';
import type { FilterStatus, Obj } from './types.js';

export const DEFAULT_SCHEDULER_NAME = 'default-scheduler';

export interface SchedulerOptions extends QueueOptions {
  schedulerName?: string;
  /** The host the scheduler runs on, part of its events' reportingInstance (the kubeadm fixture's control plane). */
  hostname?: string;
  profile?: Profile;
}

/** Plugins whose verdict can change when a bound pod goes away (upstream EventsToRegister for Pod/Delete). */
const POD_DELETE_PLUGINS = ['NodeResourcesFit', 'NodePorts', 'InterPodAffinity', 'PodTopologySpread'];
/** ... and when a bound pod appears or changes labels (Pod/Add, Pod/UpdatePodLabel). */
const POD_ADD_PLUGINS = ['InterPodAffinity', 'PodTopologySpread'];

export class Scheduler implements Component {
  readonly name = DEFAULT_SCHEDULER_NAME;
  private ctx!: ComponentContext;
  private queue!: SchedulingQueue;
  private recorder!: EventsV1Recorder;
  private pods!: Informer;
  private nodes!: Informer;
  private namespaces!: Informer;
  /** Every node with its pods, and the pods assumed while their binding is in flight (upstream scheduler cache). */
  private readonly cache = new SchedulerCache();
  private stopped = false;

  constructor(private readonly opts: SchedulerOptions = {}) {}

  private get schedulerName(): string {
    return this.opts.schedulerName ?? DEFAULT_SCHEDULER_NAME;
  }

  start(ctx: ComponentContext): void {
    this.ctx = ctx;
    this.queue = new SchedulingQueue(ctx.clock, this.opts);
    // Like upstream, through the events.k8s.io/v1 API (tools/events), reportingInstance `<scheduler>-<hostname>`.
    this.recorder = new EventsV1Recorder(ctx.client, ctx.clock, this.schedulerName, `${this.schedulerName}-${this.opts.hostname ?? 'master'}`);
    this.pods = ctx.informers.pods;
    this.nodes = ctx.informers.nodes;
    this.namespaces = ctx.informers.for('', 'v1', 'namespaces');
    this.pods.addHandlers({
      onAdd: (p) => this.onPod(undefined, p),
      onUpdate: (o, p) => this.onPod(o, p),
      onDelete: (p) => this.onPodDelete(p),
    });
    this.nodes.addHandlers({
      onAdd: (n) => {
        this.cache.addNode(n);
        this.queue.moveAll();
      },
      onUpdate: (o, n) => {
        this.cache.addNode(n);
        if (nodeSchedulingChanged(o, n)) this.queue.moveAll();
      },
      onDelete: (n) => this.cache.removeNode(n.metadata?.name),
    });
    void this.loop();
  }

  stop(): void {
    this.stopped = true;
    this.queue?.close();
    this.recorder?.stop();
  }

  /** Where a pending pod is in the queue (for tests): 'active' | 'backoff' | 'unschedulable' | 'inFlight' | undefined. */
  queued(key: string): string | undefined {
    return this.queue.where(key);
  }

  /** Pending, ours, not being deleted (upstream eventhandlers responsibleForPod + !assignedPod). */
  private pending(p: Obj): boolean {
    return !p.spec?.nodeName && (p.spec?.schedulerName ?? DEFAULT_SCHEDULER_NAME) === this.schedulerName && !p.metadata?.deletionTimestamp && !isTerminal(p);
  }

  private onPod(old: Obj | undefined, p: Obj): void {
    const key = keyOf(p);
    this.cache.updatePod(p);
    if (this.pending(p)) {
      // Our own status writes (PodScheduled=False) must not retry the pod; real changes do (upstream isPodUpdated).
      const track = !old || (old === p ? !this.queue.has(key) : specOrMetaChanged(old, p));
      if (track) this.queue.add(key, p.spec?.priority ?? 0);
      return;
    }
    if (this.queue.has(key)) this.queue.delete(key);
    if (!p.spec?.nodeName || old === p) return;
    if (old && isTerminal(p) && !isTerminal(old)) this.queue.moveAll(POD_DELETE_PLUGINS);
    else if (!old || !old.spec?.nodeName || JSON.stringify(old.metadata?.labels) !== JSON.stringify(p.metadata?.labels)) this.queue.moveAll(POD_ADD_PLUGINS);
  }

  private onPodDelete(p: Obj): void {
    const key = keyOf(p);
    this.queue.delete(key);
    this.cache.removePod(key);
    if (p.spec?.nodeName) this.queue.moveAll(POD_DELETE_PLUGINS);
  }

  private async loop(): Promise<void> {
    for (;;) {
      const key = await this.queue.pop();
      if (key === undefined || this.stopped) return;
      try {
        await this.scheduleOne(key);
      } catch (err) {
        this.ctx.log(`${this.name}: scheduling ${key} failed: ${(err as Error)?.message ?? err}`);
        this.queue.errorAttempt(key);
      }
    }
  }

  private async scheduleOne(key: string): Promise<void> {
    const pod = this.pods.get(key);
    if (!pod || !this.pending(pod) || this.cache.isAssumed(key)) return this.queue.done(key);
    const snap = this.cache.snapshot((ns) => this.namespaces.get(ns)?.metadata?.labels ?? {});
    const result = schedule(pod, snap, this.opts.profile);
    if (!result.node) return this.failed(key, pod, result.message!, result.statuses);
    const [ns, name] = splitKey(key) as [string, string];
    this.cache.assume(pod, result.node);
    try {
      await this.ctx.client.bindPod(ns, name, result.node, { uid: pod.metadata?.uid });
    } catch (err) {
      this.cache.forget(key);
      // Bound or deleted meanwhile (409/404): nothing left to do, like upstream's forget-on-bind-failure.
      if (err instanceof ApiError && (err.code === 409 || err.code === 404)) return this.queue.done(key);
      throw err;
    }
    this.queue.done(key);
    this.recorder.eventf(pod, 'Normal', 'Scheduled', 'Binding', `Successfully assigned ${ns}/${name} to ${result.node}`);
  }

  /** upstream handleSchedulingFailure: event, PodScheduled=False condition, back into the queue. */
  private async failed(key: string, pod: Obj, message: string, statuses: Map<string, FilterStatus>): Promise<void> {
    const plugins = new Set<string>();
    for (const s of statuses.values()) if (s.plugin) plugins.add(s.plugin);
    this.queue.unschedulableAttempt(key, plugins);
    this.recorder.eventf(pod, 'Warning', 'FailedScheduling', 'Scheduling', message);
    const prev = (pod.status?.conditions ?? []).find((c: Obj) => c.type === 'PodScheduled');
    if (prev?.status === 'False' && prev.reason === 'Unschedulable' && prev.message === message) return;
    const cond = {
      type: 'PodScheduled',
      status: 'False',
      reason: 'Unschedulable',
      message,
      lastProbeTime: null,
      lastTransitionTime: prev?.status === 'False' ? prev.lastTransitionTime : rfc3339(this.ctx.clock.now()),
    };
    const [ns, name] = splitKey(key);
    await this.ctx.client.pods.patch(ns, name, 'strategic', { status: { conditions: [cond] } }, { status: true }).catch((err) => {
      if (!(err instanceof ApiError && err.code === 404)) this.ctx.log(`${this.name}: updating ${key} status: ${(err as Error).message}`);
    });
  }
}

/** Changes to a pod other than its status (and bookkeeping metadata). */
function specOrMetaChanged(a: Obj, b: Obj): boolean {
  const strip = (o: Obj) => ({ ...o, status: undefined, metadata: { ...o.metadata, resourceVersion: undefined, managedFields: undefined } });
  return JSON.stringify(strip(a)) !== JSON.stringify(strip(b));
}

/** Node changes that can change a scheduling verdict; heartbeat-only updates are ignored. */
function nodeSchedulingChanged(a: Obj, b: Obj): boolean {
  const view = (n: Obj) =>
    JSON.stringify([n.metadata?.labels, n.spec, n.status?.allocatable, nodeIsReady(n)]);
  return view(a) !== view(b);
}
