// Node columns as upstream's printNode derives them.
import { age } from '../../machinery/duration.js';
type Obj = Record<string, any>;

const ROLE_PREFIX = 'node-role.kubernetes.io/';

export function nodeCells(node: Obj, now: number): unknown[] {
  const conditions: Obj[] = node.status?.conditions ?? [];
  const statuses: string[] = [];
  const ready = conditions.find((c) => c.type === 'Ready');
  if (!ready) statuses.push('Unknown');
  else statuses.push(ready.status === 'True' ? 'Ready' : 'NotReady');
  if (node.spec?.unschedulable) statuses.push('SchedulingDisabled');

  const roles = new Set<string>();
  for (const [k, v] of Object.entries<string>(node.metadata?.labels ?? {})) {
    if (k.startsWith(ROLE_PREFIX) && k.length > ROLE_PREFIX.length) roles.add(k.slice(ROLE_PREFIX.length));
    else if (k === 'kubernetes.io/role' && v) roles.add(v);
  }
  const addresses: Obj[] = node.status?.addresses ?? [];
  const addr = (t: string) => addresses.find((a) => a.type === t)?.address ?? '<none>';
  const info = node.status?.nodeInfo ?? {};
  return [
    node.metadata?.name,
    statuses.join(','),
    roles.size ? [...roles].sort().join(',') : '<none>',
    age(node.metadata?.creationTimestamp, now),
    info.kubeletVersion ?? '',
    addr('InternalIP'),
    addr('ExternalIP'),
    info.osImage || '<unknown>',
    info.kernelVersion || '<unknown>',
    info.containerRuntimeVersion || '<unknown>',
  ];
}
