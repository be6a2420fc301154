// The NoSchedule taints the node lifecycle controller keeps in line with node conditions (upstream
// nodelifecycle doNoScheduleTaintingPass with nodeConditionToTaintKeyStatusMap, plus the unschedulable taint for
// cordoned nodes). Only these keys are managed; every other taint on the node is left alone.
type Obj = Record<string, any>;

export const TAINT_NOT_READY = 'node.kubernetes.io/not-ready';
export const TAINT_UNREACHABLE = 'node.kubernetes.io/unreachable';
export const TAINT_UNSCHEDULABLE = 'node.kubernetes.io/unschedulable';

/** condition type → (condition status → taint key). */
export const CONDITION_TAINTS: Record<string, Record<string, string>> = {
  Ready: { False: TAINT_NOT_READY, Unknown: TAINT_UNREACHABLE },
  MemoryPressure: { True: 'node.kubernetes.io/memory-pressure' },
  DiskPressure: { True: 'node.kubernetes.io/disk-pressure' },
  NetworkUnavailable: { True: 'node.kubernetes.io/network-unavailable' },
  PIDPressure: { True: 'node.kubernetes.io/pid-pressure' },
};

const MANAGED = new Set([...Object.values(CONDITION_TAINTS).flatMap((m) => Object.values(m)), TAINT_UNSCHEDULABLE]);

/** The managed NoSchedule taint keys the node should carry now. */
export function desiredNoScheduleTaints(node: Obj): string[] {
  const keys: string[] = [];
  for (const c of node.status?.conditions ?? []) {
    const key = CONDITION_TAINTS[c.type]?.[c.status];
    if (key) keys.push(key);
  }
  if (node.spec?.unschedulable) keys.push(TAINT_UNSCHEDULABLE);
  return keys;
}

/** The node's taints with the managed NoSchedule ones replaced by `desired`; undefined when nothing changes. */
export function reconcileTaints(node: Obj, desired: string[]): Obj[] | undefined {
  const taints: Obj[] = node.spec?.taints ?? [];
  const managedNow = taints.filter((t) => t.effect === 'NoSchedule' && MANAGED.has(t.key)).map((t) => t.key);
  const same = managedNow.length === desired.length && desired.every((k) => managedNow.includes(k));
  if (same) return undefined;
  const kept = taints.filter((t) => !(t.effect === 'NoSchedule' && MANAGED.has(t.key)));
  return [...kept, ...desired.map((key) => ({ key, effect: 'NoSchedule' }))];
}
