// The taints the node lifecycle controller manages (upstream nodelifecycle): NoSchedule taints that follow node
// conditions and spec.unschedulable (doNoScheduleTaintingPass with nodeConditionToTaintKeyStatusMap), and the two
// NoExecute taints (not-ready / unreachable, with timeAdded) that lead to taint-based eviction. Every other taint
// on the node is left alone.
type Obj = Record<string, any>;

export const TAINT_NOT_READY = 'node.kubernetes.io/not-ready';
export const TAINT_UNREACHABLE = 'node.kubernetes.io/unreachable';
export const TAINT_UNSCHEDULABLE = 'node.kubernetes.io/unschedulable';

/** NotReadyTaintTemplate / UnreachableTaintTemplate. */
export const NOT_READY_NO_EXECUTE = { key: TAINT_NOT_READY, effect: 'NoExecute' } as const;
export const UNREACHABLE_NO_EXECUTE = { key: TAINT_UNREACHABLE, effect: 'NoExecute' } as const;

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

/** taint.MatchTaint: same key and effect. */
export function matchTaint(a: Obj, b: Obj): boolean {
  return a.key === b.key && a.effect === b.effect;
}

export function hasTaint(node: Obj, template: Obj): boolean {
  return (node.spec?.taints ?? []).some((t: Obj) => matchTaint(t, template));
}

/**
 * AddOrUpdateTaint for each of `add` (stamped with timeAdded, so an existing one is replaced) then RemoveTaint for
 * each of `remove`: the new taint list, or undefined when nothing changes.
 */
export function swapTaints(taints: Obj[], add: Obj[], remove: Obj[], timeAdded: string): Obj[] | undefined {
  let next = [...taints];
  let changed = false;
  for (const t of add) {
    const stamped = { key: t.key, ...(t.value ? { value: t.value } : {}), effect: t.effect, timeAdded };
    const i = next.findIndex((x) => matchTaint(x, t));
    if (i < 0) next.push(stamped);
    else if (JSON.stringify(next[i]) !== JSON.stringify(stamped)) next[i] = stamped;
    else continue;
    changed = true;
  }
  for (const t of remove) {
    const kept = next.filter((x) => !matchTaint(x, t));
    if (kept.length !== next.length) changed = true;
    next = kept;
  }
  return changed ? next : undefined;
}
