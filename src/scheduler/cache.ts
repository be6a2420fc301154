// The scheduler's cache (upstream pkg/scheduler/backend/cache): one NodeInfo per node, kept up to date from informer
// events one pod at a time, plus the pods the scheduler has assumed onto a node while their binding is in flight.
// A scheduling cycle reads it as its snapshot: cycles are synchronous, so nothing changes underneath one, and the
// cost of a cycle no longer grows with every pod in the cluster being re-added (upstream UpdateSnapshot copies only
// the nodes whose generation moved; here there is nothing to copy).
import { keyOf } from '../client/informer.js';
import { addPod, isTerminal, newNodeInfo, removePod, setNode } from './resources.js';
import type { Labels, NodeInfo, Obj, Snapshot } from './types.js';

export class SchedulerCache {
  private readonly infos = new Map<string, NodeInfo>();
  private nodeList: NodeInfo[] | undefined;
  /** Every counted pod: the object added to its node, and that node. */
  private readonly pods = new Map<string, { pod: Obj; node: string }>();
  /** Pods on nodes not (yet) known: counted once their node appears, like upstream's imaginary NodeInfos. */
  private readonly waiting = new Map<string, Map<string, Obj>>();
  private readonly assumed = new Set<string>();

  addNode(node: Obj): void {
    const name: string = node.metadata?.name;
    const existing = this.infos.get(name);
    if (existing) return setNode(existing, node);
    const info = newNodeInfo(node);
    this.infos.set(name, info);
    this.nodeList = undefined;
    for (const p of this.waiting.get(name)?.values() ?? []) addPod(info, p);
    this.waiting.delete(name);
  }

  removeNode(name: string): void {
    const info = this.infos.get(name);
    if (!info) return;
    this.infos.delete(name);
    this.nodeList = undefined;
    // Its pods stay counted against the name until they go, should the node come back (upstream keeps them too).
    if (info.pods.length) this.waiting.set(name, new Map(info.pods.map((p) => [keyOf(p), p])));
  }

  /** A pod was added or changed (informer): counted on its node while bound and not finished. */
  updatePod(pod: Obj): void {
    const key = keyOf(pod);
    const node: string | undefined = pod.spec?.nodeName;
    // Not bound yet as far as the informer knows: an assumed pod stays where the scheduler put it.
    if (!node && this.assumed.has(key) && !isTerminal(pod)) return;
    if (!node || isTerminal(pod)) return this.removePod(key);
    this.assumed.delete(key);
    this.place(key, pod, node);
  }

  removePod(key: string): void {
    this.assumed.delete(key);
    const cur = this.pods.get(key);
    if (!cur) return;
    this.pods.delete(key);
    const info = this.infos.get(cur.node);
    if (info) removePod(info, cur.pod);
    else this.waiting.get(cur.node)?.delete(key);
  }

  /** The scheduler decided `pod` goes to `node` and is binding it (upstream AssumePod). */
  assume(pod: Obj, node: string): void {
    const key = keyOf(pod);
    this.place(key, { ...pod, spec: { ...pod.spec, nodeName: node } }, node);
    this.assumed.add(key);
  }

  /** The binding failed: the assumed pod is not on the node after all (upstream ForgetPod). */
  forget(key: string): void {
    if (this.assumed.has(key)) this.removePod(key);
  }

  /** Whether `key` was assumed onto a node and the informer has not shown it bound yet. */
  isAssumed(key: string): boolean {
    return this.assumed.has(key);
  }

  snapshot(namespaceLabels: (ns: string) => Labels | undefined): Snapshot {
    this.nodeList ??= [...this.infos.values()];
    return { nodes: this.nodeList, byName: this.infos, namespaceLabels };
  }

  private place(key: string, pod: Obj, node: string): void {
    this.removePod(key);
    this.pods.set(key, { pod, node });
    const info = this.infos.get(node);
    if (info) return addPod(info, pod);
    let m = this.waiting.get(node);
    if (!m) this.waiting.set(node, (m = new Map()));
    m.set(key, pod);
  }
}
