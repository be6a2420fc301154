// The simple node filters: NodeUnschedulable, NodeName, NodePorts (upstream plugins of the same names) and NodeReady,
// which stands in for what upstream gets from TaintNodesByCondition: a node whose kubelet has not (yet) reported
// Ready=True takes no new pods unless the pod tolerates the not-ready/unreachable taints (as DaemonSet pods do).
import { podHostPorts } from '../resources.js';
import { tolerated } from '../selectors.js';
import { unresolvable, unschedulable, type FilterPlugin, type Obj } from '../types.js';

export const ERR_UNSCHEDULABLE = 'node(s) were unschedulable';
export const ERR_NODE_NAME = "node(s) didn't match the requested node name";
export const ERR_NODE_PORTS = "node(s) didn't have free ports for the requested pod ports";
export const ERR_NOT_READY = 'node(s) were not ready';

export const nodeUnschedulable: FilterPlugin = {
  name: 'NodeUnschedulable',
  filter(pod, n) {
    if (!n.node.spec?.unschedulable) return null;
    const taint = { key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' };
    return tolerated(pod.spec?.tolerations, taint) ? null : unresolvable(ERR_UNSCHEDULABLE);
  },
};

export const nodeName: FilterPlugin = {
  name: 'NodeName',
  filter(pod, n) {
    const want = pod.spec?.nodeName;
    return !want || want === n.name ? null : unresolvable(ERR_NODE_NAME);
  },
};

export function nodeIsReady(node: Obj): boolean {
  const ready = (node.status?.conditions ?? []).find((c: Obj) => c.type === 'Ready');
  return ready?.status === 'True';
}

export const nodeReady: FilterPlugin = {
  name: 'NodeReady',
  filter(pod, n) {
    if (nodeIsReady(n.node)) return null;
    const tolerations = pod.spec?.tolerations;
    const ok = ['node.kubernetes.io/not-ready', 'node.kubernetes.io/unreachable'].every((key) => tolerated(tolerations, { key, effect: 'NoSchedule' }));
    return ok ? null : unresolvable(ERR_NOT_READY);
  },
};

function conflicts(a: string, b: string): boolean {
  const [pa, ipa, porta] = a.split('/');
  const [pb, ipb, portb] = b.split('/');
  return pa === pb && porta === portb && (ipa === ipb || ipa === '0.0.0.0' || ipb === '0.0.0.0');
}

export const nodePorts: FilterPlugin<string[]> = {
  name: 'NodePorts',
  preFilter: (pod) => podHostPorts(pod),
  filter(_pod, n, wanted) {
    for (const w of wanted) for (const used of n.usedPorts) if (conflicts(w, used)) return unschedulable(ERR_NODE_PORTS);
    return null;
  },
};
