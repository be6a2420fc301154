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
import { DEFAULT_TIMINGS, POD_STAGES, type PodStage, type StageEnv, type Timings } from './stages.js';

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
  private readonly timers = new Map<string, { stage: string; uid: string; handle: TimerHandle }>();
  private heartbeats: TimerHandle[] = [];
  private bootedAt = 0;

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
    for (const p of pods) this.onPod(p);
  }

  /** Stops heartbeats and pod work (the node goes silent, as if its kubelet died). */
  stop(): void {
    this.running = false;
    this.syncing = false;
    for (const h of this.heartbeats) h.cancel();
    this.heartbeats = [];
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
    // A stage keeps its original deadline while the pod stays in the same state.
    if (current && current.stage === stage?.name && current.uid === uid) return;
    current?.handle.cancel();
    this.timers.delete(key);
    if (!stage) return;
    const delay = stage.delay(pod, this.env());
    if (delay === undefined) return;
    const handle = this.o.clock.after(stage.exact ? delay : this.jitter(delay), () => {
      this.timers.delete(key);
      void this.fire(key, uid, stage).catch((e) => this.warn(`${stage.name} ${key}`, e));
    });
    this.timers.set(key, { stage: stage.name, uid, handle });
  }

  /** A pod bound to this node is gone: forget its timer and free its IP. */
  onPodDeleted(pod: Obj): void {
    const key = keyOf(pod);
    this.timers.get(key)?.handle.cancel();
    this.timers.delete(key);
    const ip = pod.status?.podIP;
    if (ip && ip !== this.o.internalIP) this.ipam.release(ip);
  }

  private env(allocated?: string[]): StageEnv {
    return {
      nodeName: this.nodeName,
      hostIP: this.o.internalIP,
      now: this.o.clock.now(),
      timings: this.timings,
      images: this.images,
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
    try {
      await pods.updateStatus({ ...pod, status: effect });
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
    for (const e of stage.events?.(pod, env) ?? []) this.recorder.event(pod, e.type, e.reason, e.message, e.fieldPath);
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
