// The simulated machines: one Kubelet per Node object. A Node that appears (from a fixture, `kubectl apply`, or a
// kubelet registering itself) gets a kubelet unless it is annotated `kubesim.io/kubelet: external` (a node some
// other agent, e.g. a real kubelet, manages). `kubesim.io/kubelet: stopped` silences a node's kubelet (no more lease
// or status heartbeats, pods frozen), `running` (or removing the annotation) starts it again.
//
// Standing in for the nodeipam controller, the manager also hands out pod CIDRs (and node addresses) to nodes that
// have none, lowest first, so concurrent joins never collide.
import type { Component, ComponentContext } from '../client/component.js';
import type { Informer } from '../client/informer.js';
import { DEFAULT_KUBERNETES_VERSION } from '../version.js';
import { nextNodeIP, nextPodCIDR, nodeInternalIP } from './ipam.js';
import { Kubelet } from './kubelet.js';
import type { PodStage, Timings } from './stages.js';

type Obj = Record<string, any>;

export const KUBELET_ANNOTATION = 'kubesim.io/kubelet';

export interface NodeManagerOptions {
  timings?: Partial<Timings>;
  stages?: PodStage[];
  /** kubeletVersion reported by the nodes; defaults to the cluster's reported version. */
  kubernetesVersion?: string;
}

export class NodeManager implements Component {
  readonly name = 'node-manager';
  private ctx!: ComponentContext;
  private pods!: Informer;
  private nodes!: Informer;
  private readonly kubelets = new Map<string, Kubelet>();
  /** Pod-bound index: node name → pod keys, so each kubelet sees only its pods without scanning all of them. */
  private readonly byNode = new Map<string, Map<string, Obj>>();
  private readonly handedOut = { cidrs: new Set<string>(), ips: new Set<string>() };

  constructor(private readonly opts: NodeManagerOptions = {}) {}

  start(ctx: ComponentContext): void {
    this.ctx = ctx;
    this.pods = ctx.informers.pods;
    this.nodes = ctx.informers.nodes;
    this.nodes.addHandlers({
      onAdd: (n) => this.ensure(n),
      onUpdate: (_o, n) => this.ensure(n),
      onDelete: (n) => this.remove(n.metadata?.name),
    });
    this.pods.addHandlers({
      onAdd: (p) => this.onPod(undefined, p),
      onUpdate: (o, p) => this.onPod(o, p),
      onDelete: (p) => this.onPodDeleted(p),
    });
  }

  stop(): void {
    for (const k of this.kubelets.values()) k.stop();
    this.kubelets.clear();
  }

  /** The kubelet of a node (for tests and tools). */
  kubelet(nodeName: string): Kubelet | undefined {
    return this.kubelets.get(nodeName);
  }

  private ensure(node: Obj): void {
    const name: string = node.metadata?.name;
    const mode = node.metadata?.annotations?.[KUBELET_ANNOTATION] ?? 'running';
    if (mode === 'external') return this.remove(name);
    let k = this.kubelets.get(name);
    if (!k) {
      k = new Kubelet({
        nodeName: name,
        internalIP: nodeInternalIP(node) ?? this.handOut('ips', nextNodeIP(this.nodes.list(), this.handedOut.ips)),
        podCIDR: node.spec?.podCIDR ?? this.handOut('cidrs', nextPodCIDR([...this.nodes.list(), ...[...this.handedOut.cidrs].map((c) => ({ spec: { podCIDR: c } }))])),
        client: this.ctx.client.as('kubelet'),
        clock: this.ctx.clock,
        kubernetesVersion: this.opts.kubernetesVersion ?? this.ctx.kubernetesVersion ?? DEFAULT_KUBERNETES_VERSION,
        listPods: () => [...(this.byNode.get(name)?.values() ?? [])],
        timings: this.opts.timings,
        stages: this.opts.stages,
        log: this.ctx.log,
      });
      this.kubelets.set(name, k);
    }
    if (mode === 'stopped') k.stop();
    else if (!k.isRunning) void k.start().catch((err) => this.ctx.log(`kubelet ${name}: start failed: ${(err as Error)?.message ?? err}`));
  }

  private handOut(kind: 'cidrs' | 'ips', value: string): string {
    this.handedOut[kind].add(value);
    return value;
  }

  private remove(name: string): void {
    this.kubelets.get(name)?.stop();
    this.kubelets.delete(name);
  }

  private onPod(old: Obj | undefined, p: Obj): void {
    const node: string | undefined = p.spec?.nodeName;
    const key = `${p.metadata?.namespace}/${p.metadata?.name}`;
    const oldNode: string | undefined = old?.spec?.nodeName;
    if (oldNode && oldNode !== node) this.byNode.get(oldNode)?.delete(key);
    if (!node) return;
    let m = this.byNode.get(node);
    if (!m) this.byNode.set(node, (m = new Map()));
    m.set(key, p);
    this.kubelets.get(node)?.onPod(p);
  }

  private onPodDeleted(p: Obj): void {
    const node: string | undefined = p.spec?.nodeName;
    if (!node) return;
    this.byNode.get(node)?.delete(`${p.metadata?.namespace}/${p.metadata?.name}`);
    this.kubelets.get(node)?.onPodDeleted(p);
  }
}
