// The scheduling framework's shapes (upstream k8s.io/kubernetes/pkg/scheduler/framework): a snapshot of nodes with
// the pods bound to them, filter plugins that reject nodes with reasons, score plugins that rank the survivors.
export type Obj = Record<string, any>;
export type Labels = Record<string, string>;

/** Requested or allocatable resources in the units NodeResourcesFit compares (upstream framework.Resource). */
export interface Resources {
  milliCPU: number;
  memory: number;
  ephemeralStorage: number;
  /** Extended and hugepage resources, by name. */
  scalar: Record<string, number>;
}

/** One node and what is already on it (upstream framework.NodeInfo). */
export interface NodeInfo {
  name: string;
  node: Obj;
  labels: Labels;
  pods: Obj[];
  /** Sum of the requests of the pods on the node. */
  requested: Resources;
  /** Like `requested`, with containers without requests counted as 100m cpu / 200Mi (upstream NonZeroRequested). */
  nonZeroRequested: Resources;
  allocatable: Resources;
  allowedPodNumber: number;
  /** host ports in use, as `protocol/hostIP/port`. */
  usedPorts: Set<string>;
  /** The pods with any pod affinity or anti-affinity term, and those with required anti-affinity (upstream
   * PodsWithAffinity / PodsWithRequiredAntiAffinity): what InterPodAffinity looks at for pods without terms. */
  podsWithAffinity: Obj[];
  podsWithRequiredAntiAffinity: Obj[];
  /** Bumped whenever the node's pods change (upstream NodeInfo.Generation): per-node results can be memoised. */
  generation: number;
}

/** What a filter plugin found wrong with a node (upstream framework.Status). */
export interface FilterStatus {
  /** UnschedulableAndUnresolvable: preemption on this node would not help. */
  code: 'Unschedulable' | 'UnschedulableAndUnresolvable';
  reasons: string[];
  /** The filter plugin that failed (set by the framework; decides which cluster events retry the pod). */
  plugin?: string;
}

export interface Snapshot {
  nodes: NodeInfo[];
  byName: Map<string, NodeInfo>;
  /** Labels of a namespace (for namespaceSelector in pod affinity terms); undefined when unknown. */
  namespaceLabels(ns: string): Labels | undefined;
}

export interface FilterPlugin<S = any> {
  readonly name: string;
  /** Computes per-cycle state once (upstream PreFilter). */
  preFilter?(pod: Obj, snap: Snapshot): S;
  filter(pod: Obj, node: NodeInfo, state: S, snap: Snapshot): FilterStatus | null;
}

export interface ScorePlugin<S = any> {
  readonly name: string;
  readonly weight: number;
  /** Computes per-cycle state once over the feasible nodes (upstream PreScore). */
  preScore?(pod: Obj, feasible: NodeInfo[], snap: Snapshot): S;
  score(pod: Obj, node: NodeInfo, state: S, snap: Snapshot): number;
  /** Maps raw scores onto 0..MAX_NODE_SCORE (upstream NormalizeScore); absent means scores already are. */
  normalize?(scores: number[], state: S): number[];
}

export const MAX_NODE_SCORE = 100;

export function unschedulable(...reasons: string[]): FilterStatus {
  return { code: 'Unschedulable', reasons };
}

export function unresolvable(...reasons: string[]): FilterStatus {
  return { code: 'UnschedulableAndUnresolvable', reasons };
}
