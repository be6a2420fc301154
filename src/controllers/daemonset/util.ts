// DaemonSet helpers (upstream pkg/controller/daemon/util/daemonset_util.go and daemon_controller.go
// NodeShouldRunDaemonPod / predicates / NewPod): the automatic daemon tolerations, the node-pinning affinity, which
// nodes should run a daemon pod, and the surge / unavailability budget of a rolling update.
import type { Obj } from '../../registry/types.js';
import { TEMPLATE_GENERATION } from '../../registry/resources/apps/daemonsets.js';
import { matchesRequiredNodeAffinity, untoleratedTaint } from '../../scheduler/selectors.js';
import { scaledValue } from '../deployment/util.js';
import { REVISION_HASH_LABEL } from '../history/revisions.js';

export const DS_KIND = { apiVersion: 'apps/v1', kind: 'DaemonSet' };
/** extensions.DaemonSetTemplateGenerationKey: the deprecated per-pod template generation label. */
export const TEMPLATE_GENERATION_LABEL = 'pod-template-generation';

/** The tolerations AddOrUpdateDaemonPodTolerations adds to every daemon pod. */
function daemonTolerations(hostNetwork: boolean): Obj[] {
  const t = (key: string, effect: string) => ({ key: `node.kubernetes.io/${key}`, operator: 'Exists', effect });
  const out = [t('not-ready', 'NoExecute'), t('unreachable', 'NoExecute'), t('disk-pressure', 'NoSchedule'), t('memory-pressure', 'NoSchedule'), t('pid-pressure', 'NoSchedule'), t('unschedulable', 'NoSchedule')];
  if (hostNetwork) out.push(t('network-unavailable', 'NoSchedule'));
  return out;
}

const sameToleration = (a: Obj, b: Obj): boolean =>
  (a.key ?? '') === (b.key ?? '') && (a.operator ?? '') === (b.operator ?? '') && (a.value ?? '') === (b.value ?? '') && (a.effect ?? '') === (b.effect ?? '');

/** AddOrUpdateDaemonPodTolerations (via AddOrUpdateTolerationInPodSpec: an equal-by-key toleration is replaced). */
export function addDaemonTolerations(spec: Obj): void {
  const tolerations: Obj[] = [...(spec.tolerations ?? [])];
  for (const want of daemonTolerations(!!spec.hostNetwork)) {
    const i = tolerations.findIndex((t) => sameToleration(t, want));
    if (i < 0) tolerations.push(want);
    else tolerations[i] = want;
  }
  spec.tolerations = tolerations;
}

/** NewPod: what a daemon pod for `nodeName` looks like to the predicates. */
export function newPod(ds: Obj, nodeName: string): Obj {
  const tpl = structuredClone(ds.spec?.template ?? {});
  const spec: Obj = tpl.spec ?? {};
  spec.nodeName = nodeName;
  addDaemonTolerations(spec);
  return { metadata: { ...(tpl.metadata ?? {}), namespace: ds.metadata.namespace }, spec };
}

/**
 * NodeShouldRunDaemonPod → [shouldRun, shouldContinueRunning]: node name, node selector and required node affinity
 * must fit; an untolerated NoSchedule taint keeps new pods off, an untolerated NoExecute one evicts running pods.
 */
export function nodeShouldRunDaemonPod(node: Obj, ds: Obj): [boolean, boolean] {
  const pod = newPod(ds, node.metadata.name);
  const fixed = ds.spec?.template?.spec?.nodeName;
  if (fixed && fixed !== node.metadata.name) return [false, false];
  if (!matchesRequiredNodeAffinity(pod, node)) return [false, false];
  const taints: Obj[] = node.spec?.taints ?? [];
  if (untoleratedTaint(taints, pod.spec.tolerations, ['NoExecute', 'NoSchedule'])) {
    return [false, !untoleratedTaint(taints, pod.spec.tolerations, ['NoExecute'])];
  }
  return [true, true];
}

/** GetTargetNodeName: spec.nodeName, or the node named by the matchFields metadata.name affinity of an unscheduled pod. */
export function targetNodeName(pod: Obj): string | undefined {
  if (pod.spec?.nodeName) return pod.spec.nodeName;
  for (const term of pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms ?? []) {
    for (const f of term?.matchFields ?? []) {
      if (f?.key === 'metadata.name' && f.operator === 'In') return f.values?.length === 1 ? f.values[0] : undefined;
    }
  }
  return undefined;
}

/**
 * ReplaceDaemonSetPodNodeNameNodeAffinity: pins the pod to one node with a matchFields term, replacing any required
 * node selector terms (the node was already checked against them) so the scheduler places it there.
 */
export function pinToNode(affinity: Obj | undefined, nodeName: string): Obj {
  const term = { matchFields: [{ key: 'metadata.name', operator: 'In', values: [nodeName] }] };
  const out = structuredClone(affinity ?? {});
  const na = (out.nodeAffinity ??= {});
  na.requiredDuringSchedulingIgnoredDuringExecution = { ...(na.requiredDuringSchedulingIgnoredDuringExecution ?? {}), nodeSelectorTerms: [term] };
  return out;
}

/** GetTemplateGeneration: the deprecated template generation annotation, if it parses. */
export function templateGeneration(ds: Obj): string | undefined {
  const v = ds.metadata?.annotations?.[TEMPLATE_GENERATION];
  return typeof v === 'string' && /^\d+$/.test(v) ? v : undefined;
}

/** CreatePodTemplate: the template with the daemon tolerations and the generation and revision-hash labels. */
export function podTemplate(ds: Obj, hash: string): Obj {
  const tpl = structuredClone(ds.spec?.template ?? {});
  tpl.spec ??= {};
  addDaemonTolerations(tpl.spec);
  const labels: Obj = { ...(tpl.metadata?.labels ?? {}) };
  const gen = templateGeneration(ds);
  if (gen) labels[TEMPLATE_GENERATION_LABEL] = gen;
  if (hash) labels[REVISION_HASH_LABEL] = hash;
  tpl.metadata = { ...(tpl.metadata ?? {}), labels };
  return tpl;
}

/** IsPodUpdated: the revision hash matches, or (for old pods) the template generation does. */
export function isPodUpdated(pod: Obj, hash: string, generation: string | undefined): boolean {
  const labels = pod.metadata?.labels ?? {};
  return (!!hash && labels[REVISION_HASH_LABEL] === hash) || (generation !== undefined && labels[TEMPLATE_GENERATION_LABEL] === generation);
}

/** SurgeCount: maxSurge scaled up against the desired number (0 unless RollingUpdate). */
export function surgeCount(ds: Obj, desired: number): number {
  const us = ds.spec?.updateStrategy;
  if (us?.type !== 'RollingUpdate' || us.rollingUpdate?.maxSurge == null) return 0;
  return scaledValue(us.rollingUpdate.maxSurge, desired, true) ?? 0;
}

/** UnavailableCount: maxUnavailable scaled up against the desired number (0 unless RollingUpdate). */
export function unavailableCount(ds: Obj, desired: number): number {
  const us = ds.spec?.updateStrategy;
  if (us?.type !== 'RollingUpdate' || !us.rollingUpdate) return 0;
  return scaledValue(us.rollingUpdate.maxUnavailable ?? 1, desired, true) ?? 0;
}

export const allowsSurge = (ds: Obj): boolean => surgeCount(ds, 1) !== 0;

const created = (p: Obj): number => Date.parse(p.metadata?.creationTimestamp ?? '') || 0;

/** podByCreationTimestampAndPhase: scheduled pods first, then the oldest, the name breaking ties. */
export function byCreationAndPhase(a: Obj, b: Obj): number {
  const [na, nb] = [!!a.spec?.nodeName, !!b.spec?.nodeName];
  if (na !== nb) return na ? -1 : 1;
  return created(a) - created(b) || (a.metadata.name < b.metadata.name ? -1 : a.metadata.name > b.metadata.name ? 1 : 0);
}
