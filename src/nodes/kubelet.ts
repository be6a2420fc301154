// One simulated kubelet: registers (or re-reports) its Node, renews its Lease in kube-node-lease, posts node status,
// and drives the pods bound to it through the stage table. It acts only through the client, as `kubelet`, so its
// writes follow the same path (and produce the same watch events) as a real kubelet's.
import type { Client } from '../client/client.js';
import { EventRecorder } from '../client/events.js';
import { keyOf, splitKey } from '../client/informer.js';
import { rfc3339Micro, type Clock, type TimerHandle } from '../clock.js';
import { ApiError } from '../machinery/errors.js';
import { PodIPAllocator } from './ipam.js';
import { defaultNodeLabels, nodeStatus, preloadedImages } from './node-status.js';
import { normalizeImage } from './images.js';
import { containerProcesses } from './interactive.js';
import { RuntimeState } from './runtime-state.js';
import { DEFAULT_TIMINGS, POD_STAGES, StageOutcome, type PodStage, type StageEnv, type Timings } from './stages.js';

type Obj = Record<string, any>;

export interface KubeletOptions {
  nodeName: string;
  /** The node's InternalIP and pod CIDR (normally handed out by the node manager). */
  internalIP: string;
  podCIDR: string;
  client: Client;
  clock: Clock;
  kubernetesVersion: string;
  /** The pods currently bound to this node (from the shared informer). */
  listPods: () => Obj[];
  timings?: Partial<Timings>;
  stages?: PodStage[];
  log?: (line: string) => void;
}

const LEASE_NAMESPACE = 'kube-node-lease';
/** At most this many zero-delay stages are folded into one status write. */
const MAX_COALESCED_STAGES = 4;

export class Kubelet {
  readonly nodeName: string;
  readonly timings: Timings;
  private running = false;
  /** Registered and IPs reserved: pod work may start. */
  private syncing = false;
  private readonly stages: PodStage[];
  private readonly recorder: EventRecorder;
  private readonly ipam: PodIPAllocator;
  private readonly images: Set<string>;
  private readonly timers = new Map<string, { stage: string; uid: string; due: number; handle: TimerHandle }>();
  /** Back-off and probe results of the containers it runs (lost when the kubelet object goes, like upstream's). */
  private readonly runtime = new RuntimeState();
  private heartbeats: TimerHandle[] = [];
  private bootedAt = 0;
  private stopWatchingExits?: () => void;

  constructor(private readonly o: KubeletOptions) {
    this.nodeName = o.nodeName;
    this.timings = { ...DEFAULT_TIMINGS, ...o.timings };
    this.stages = o.stages ?? POD_STAGES;
    this.recorder = new EventRecorder(o.client, o.clock, { component: 'kubelet', host: o.nodeName });
    this.ipam = new PodIPAllocator(o.podCIDR);
    this.images = new Set(preloadedImages(o.kubernetesVersion).map(normalizeImage));
  }

  get isRunning(): boolean {
    return this.running;
  }

  get internalIP(): string {
    return this.o.internalIP;
  }

  /** Starts (or restarts) the kubelet: registration, heartbeats, and a pass over the node's pods. */
  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    this.bootedAt = this.o.clock.now();
    try {
      await this.register();
      await this.renewLease();
    } catch (err) {
      this.stop(); // the next Node event tries again
      throw err;
    }
    if (!this.running) return;
    const { clock } = this.o;
    this.heartbeats = [
      clock.every(this.timings.leaseRenewMs, () => void this.renewLease().catch((e) => this.warn('renewing lease', e))),
      clock.every(this.timings.statusUpdateMs, () => void this.postStatus().catch((e) => this.warn('updating node status', e))),
    ];
    // Addresses of pods already running here stay theirs (host-local keeps its reservations across restarts).
    const pods = this.o.listPods();
    for (const p of pods) if (p.status?.podIP && p.status.podIP !== this.o.internalIP) this.ipam.reserve(p.status.podIP);
    this.syncing = true;
    // A shell reading its stdin ended (its attach session did): look at the pod again, like a PLEG event.
    this.stopWatchingExits = containerProcesses.onExit((ref) => {
      const pod = this.o.client.pods.get(ref.namespace, ref.name);
      if (pod && pod.metadata?.uid === ref.uid && pod.spec?.nodeName === this.nodeName) this.onPod(pod);
    });
    for (const p of pods) this.onPod(p);
  }

  /** Stops heartbeats and pod work (the node goes silent, as if its kubelet died). */
  stop(): void {
    this.running = false;
    this.syncing = false;
    for (const h of this.heartbeats) h.cancel();
    this.heartbeats = [];
    this.stopWatchingExits?.();
    this.stopWatchingExits = undefined;
    for (const t of this.timers.values()) t.handle.cancel();
    this.timers.clear();
  }

  /** A pod bound to this node was added or changed. */
  onPod(pod: Obj): void {
    if (!this.syncing) return;
    const key = keyOf(pod);
    const uid: string = pod.metadata?.uid;
    const stage = this.stages.find((s) => s.selector(pod));
    const current = this.timers.get(key);
    const same = !!current && current.stage === stage?.name && current.uid === uid;
    // A stage keeps its original deadline while the pod stays in the same state; an exact stage's deadline follows
    // the pod (its schedule may depend on what changed, e.g. an annotation).
    if (same && !stage?.exact) return;
    const delay = stage?.delay(pod, this.env());
    const now = this.o.clock.now();
    if (same && delay !== undefined && current!.due === now + delay) return;
    current?.handle.cancel();
    this.timers.delete(key);
    if (!stage || delay === undefined) return;
    const wait = stage.exact ? delay : this.jitter(delay);
    const handle = this.o.clock.after(wait, () => {
      this.timers.delete(key);
      void this.fire(key, uid, stage).catch((e) => this.warn(`${stage.name} ${key}`, e));
    });
    this.timers.set(key, { stage: stage.name, uid, due: now + wait, handle });
  }

  /** A pod bound to this node is gone: forget its timer and free its IP. */
  onPodDeleted(pod: Obj): void {
    const key = keyOf(pod);
    this.timers.get(key)?.handle.cancel();
    this.timers.delete(key);
    const ip = pod.status?.podIP;
    if (ip && ip !== this.o.internalIP) this.ipam.release(ip);
    if (pod.metadata?.uid) {
      this.runtime.forgetPod(pod.metadata.uid);
      containerProcesses.podGone(pod.metadata.uid);
    }
  }

  private env(allocated?: string[]): StageEnv {
    return {
      nodeName: this.nodeName,
      hostIP: this.o.internalIP,
      now: this.o.clock.now(),
      timings: this.timings,
      images: this.images,
      runtime: this.runtime,
      allocateIP: (pod) => {
        if (pod.spec?.hostNetwork) return this.o.internalIP;
        const ip = this.ipam.allocate();
        allocated?.push(ip);
        return ip;
      },
    };
  }

  private jitter(ms: number): number {
    const j = this.timings.jitter;
    return Math.max(0, Math.round(ms * (1 + j * (2 * Math.random() - 1))));
  }

  /** Applies a stage to the pod as it is now (re-read: the informer may lag), then lets the next stage follow. */
  private async fire(key: string, uid: string, stage: PodStage): Promise<void> {
    if (!this.running) return;
    const [ns, name] = splitKey(key) as [string, string];
    const pods = this.o.client.pods;
    const pod = pods.get(ns, name);
    if (!pod || pod.metadata?.uid !== uid || pod.spec?.nodeName !== this.nodeName) return;
    if (!stage.selector(pod)) return this.onPod(pod);
    const allocated: string[] = [];
    const env = this.env(allocated);
    const effect = stage.effect(pod, env);
    if (effect === 'delete') {
      await pods.delete(ns, name, { gracePeriodSeconds: 0, preconditions: { uid } });
      return;
    }
    let status = effect instanceof StageOutcome ? effect.status : effect;
    const events = effect instanceof StageOutcome ? effect.events : (stage.events?.(pod, env) ?? []);
    // Stages configured with no delay follow at once, in the same status write: like the status manager, which only
    // ever sends the latest status, a state that lasts no time is never seen (e.g. ContainerCreating with zero start
    // delays). Deletion and run times stay their own steps.
    for (let i = 0; i < MAX_COALESCED_STAGES; i++) {
      const next = { ...pod, status };
      const follow = this.stages.find((s) => s.selector(next));
      if (!follow || follow === stage || follow.exact || follow.delay(next, env) !== 0) break;
      const more = follow.effect(next, env);
      if (more === 'delete') break;
      status = more instanceof StageOutcome ? more.status : more;
      events.push(...(more instanceof StageOutcome ? more.events : (follow.events?.(next, env) ?? [])));
    }
    let updated: Obj;
    try {
      updated = await pods.updateStatus({ ...pod, status });
    } catch (err) {
      for (const ip of allocated) this.ipam.release(ip);
      // Someone else changed the pod meanwhile: look again at its new state.
      if (err instanceof ApiError && err.code === 409) {
        const fresh = pods.get(ns, name);
        if (fresh) this.onPod(fresh);
        return;
      }
      if (err instanceof ApiError && err.code === 404) return;
      throw err;
    }
    for (const e of events) this.recorder.event(pod, e.type, e.reason, e.message, e.fieldPath);
    // What comes next (an unchanged status is not written, so no watch event would tell).
    this.onPod(updated);
  }

  /** Creates the Node, or brings an existing one up to date (default labels, podCIDR, full status). */
  private async register(): Promise<void> {
    const nodes = this.o.client.nodes;
    const existing = nodes.get(undefined, this.nodeName);
    const now = this.o.clock.now();
    const id = { name: this.nodeName, internalIP: this.o.internalIP, kubeletVersion: this.o.kubernetesVersion, bootedAt: this.bootedAt };
    if (!existing) {
      try {
        await nodes.create(undefined, {
          metadata: {
            name: this.nodeName,
            labels: defaultNodeLabels(this.nodeName),
            annotations: { 'node.alpha.kubernetes.io/ttl': '0', 'volumes.kubernetes.io/controller-managed-attach-detach': 'true' },
          },
          spec: { podCIDR: this.o.podCIDR, podCIDRs: [this.o.podCIDR] },
          status: nodeStatus(undefined, id, this.images, now),
        });
        return;
      } catch (err) {
        if (!(err instanceof ApiError && err.code === 409)) throw err;
      }
    }
    const current = nodes.get(undefined, this.nodeName)!;
    const labels = { ...defaultNodeLabels(this.nodeName), ...(current.metadata?.labels ?? {}) };
    const spec = current.spec?.podCIDR ? undefined : { podCIDR: this.o.podCIDR, podCIDRs: [this.o.podCIDR] };
    if (spec || Object.keys(labels).length !== Object.keys(current.metadata?.labels ?? {}).length) {
      await nodes.patch(undefined, this.nodeName, 'merge', { metadata: { labels }, ...(spec ? { spec } : {}) });
    }
    await this.postStatus();
  }

  private async postStatus(): Promise<void> {
    if (!this.running) return;
    const nodes = this.o.client.nodes;
    const current = nodes.get(undefined, this.nodeName);
    if (!current) return;
    const id = { name: this.nodeName, internalIP: this.o.internalIP, kubeletVersion: this.o.kubernetesVersion, bootedAt: this.bootedAt };
    await nodes.patch(undefined, this.nodeName, 'merge', { status: nodeStatus(current, id, this.images, this.o.clock.now()) }, { status: true });
  }

  /** Renews (or creates) kube-node-lease/<node>, owned by the Node (upstream nodelease controller). */
  private async renewLease(): Promise<void> {
    if (!this.running) return;
    const leases = this.o.client.resource('coordination.k8s.io', 'v1', 'leases');
    const renewTime = rfc3339Micro(this.o.clock.now());
    const spec = { holderIdentity: this.nodeName, leaseDurationSeconds: this.timings.leaseDurationSeconds, renewTime };
    if (leases.get(LEASE_NAMESPACE, this.nodeName)) {
      await leases.patch(LEASE_NAMESPACE, this.nodeName, 'merge', { spec });
      return;
    }
    const node = this.o.client.nodes.get(undefined, this.nodeName);
    const ownerReferences = node ? [{ apiVersion: 'v1', kind: 'Node', name: this.nodeName, uid: node.metadata.uid }] : undefined;
    await leases.create(LEASE_NAMESPACE, { metadata: { name: this.nodeName, namespace: LEASE_NAMESPACE, ownerReferences }, spec }).catch((err) => {
      if (!(err instanceof ApiError && err.code === 409)) throw err;
    });
  }

  private warn(what: string, err: unknown): void {
    this.o.log?.(`kubelet ${this.nodeName}: ${what}: ${(err as Error)?.message ?? err}`);
  }
}
