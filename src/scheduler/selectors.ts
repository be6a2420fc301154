// Matching helpers shared by the plugins: node selector terms (k8s.io/component-helpers/scheduling/corev1/nodeaffinity),
// taints and tolerations (v1.Toleration.ToleratesTaint), and pod affinity terms (framework.AffinityTerm.Matches).
import { selectorFromLabelSelector } from '../machinery/labels.js';
import type { Labels, Obj } from './types.js';

function matchRequirement(value: string | undefined, req: Obj): boolean {
  const values: string[] = req.values ?? [];
  switch (req.operator) {
    case 'In':
      return value !== undefined && values.includes(value);
    case 'NotIn':
      return value === undefined || !values.includes(value);
    case 'Exists':
      return value !== undefined;
    case 'DoesNotExist':
      return value === undefined;
    case 'Gt':
    case 'Lt': {
      if (value === undefined || values.length !== 1) return false;
      const [a, b] = [Number.parseInt(value, 10), Number.parseInt(values[0]!, 10)];
      if (Number.isNaN(a) || Number.isNaN(b)) return false;
      return req.operator === 'Gt' ? a > b : a < b;
    }
    default:
      return false;
  }
}

/** One NodeSelectorTerm: all expressions and fields must match; an empty term matches nothing (upstream). */
export function matchNodeSelectorTerm(node: Obj, term: Obj): boolean {
  const exprs: Obj[] = term?.matchExpressions ?? [];
  const fields: Obj[] = term?.matchFields ?? [];
  if (!exprs.length && !fields.length) return false;
  const labels: Labels = node.metadata?.labels ?? {};
  for (const e of exprs) if (!matchRequirement(Object.hasOwn(labels, e.key) ? labels[e.key] : undefined, e)) return false;
  for (const f of fields) {
    // Only metadata.name is a supported node field (upstream nodeFieldSelectorKeys).
    const value = f.key === 'metadata.name' ? node.metadata?.name : undefined;
    if (!matchRequirement(value, f)) return false;
  }
  return true;
}

/** NodeSelector: the terms are ORed. */
export function matchNodeSelectorTerms(node: Obj, terms: Obj[] | undefined): boolean {
  return (terms ?? []).some((t) => matchNodeSelectorTerm(node, t));
}

/** spec.nodeSelector and requiredDuringSchedulingIgnoredDuringExecution (upstream RequiredNodeAffinity.Match). */
export function matchesRequiredNodeAffinity(pod: Obj, node: Obj): boolean {
  const labels: Labels = node.metadata?.labels ?? {};
  for (const [k, v] of Object.entries<string>(pod.spec?.nodeSelector ?? {})) if (labels[k] !== v) return false;
  const required = pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution;
  if (required && !matchNodeSelectorTerms(node, required.nodeSelectorTerms)) return false;
  return true;
}

export function toleratesTaint(toleration: Obj, taint: Obj): boolean {
  if (toleration.effect && toleration.effect !== taint.effect) return false;
  if (toleration.key && toleration.key !== taint.key) return false;
  if (toleration.operator === 'Exists') return true;
  if (!toleration.operator || toleration.operator === 'Equal') return (toleration.value ?? '') === (taint.value ?? '');
  return false;
}

export function tolerated(tolerations: Obj[] | undefined, taint: Obj): boolean {
  return (tolerations ?? []).some((t) => toleratesTaint(t, taint));
}

/** The first taint with one of `effects` that no toleration tolerates (upstream FindMatchingUntoleratedTaint). */
export function untoleratedTaint(taints: Obj[] | undefined, tolerations: Obj[] | undefined, effects: string[]): Obj | undefined {
  return (taints ?? []).find((t) => effects.includes(t.effect) && !tolerated(tolerations, t));
}

/** A pod (anti-)affinity term, resolved against the pod that carries it (upstream framework.AffinityTerm). */
export interface AffinityTerm {
  topologyKey: string;
  namespaces: Set<string>;
  /** Matches namespaces by labels (null: only `namespaces`). */
  namespaceSelector: ReturnType<typeof selectorFromLabelSelector> | null;
  selector: ReturnType<typeof selectorFromLabelSelector>;
}

export function affinityTerm(owner: Obj, term: Obj): AffinityTerm {
  const namespaces = new Set<string>(term.namespaces ?? []);
  const nsSel = term.namespaceSelector;
  // No namespaces and no namespaceSelector: the term applies to the owner's own namespace.
  if (!namespaces.size && nsSel == null) namespaces.add(owner.metadata?.namespace ?? 'default');
  return {
    topologyKey: term.topologyKey ?? '',
    namespaces,
    namespaceSelector: nsSel == null ? null : selectorFromLabelSelector(nsSel),
    selector: selectorFromLabelSelector(term.labelSelector),
  };
}

export function termMatches(term: AffinityTerm, pod: Obj, nsLabels: (ns: string) => Labels | undefined): boolean {
  const ns = pod.metadata?.namespace ?? 'default';
  const nsOk = term.namespaces.has(ns) || (term.namespaceSelector !== null && term.namespaceSelector.matches(nsLabels(ns) ?? {}));
  return nsOk && term.selector.matches(pod.metadata?.labels ?? {});
}

/** Required terms (affinity or antiAffinity) of a pod as AffinityTerms. */
export function requiredTerms(pod: Obj, kind: 'podAffinity' | 'podAntiAffinity'): AffinityTerm[] {
  const list: Obj[] = pod.spec?.affinity?.[kind]?.requiredDuringSchedulingIgnoredDuringExecution ?? [];
  return list.map((t) => affinityTerm(pod, t));
}

/** Preferred terms with their weights. */
export function preferredTerms(pod: Obj, kind: 'podAffinity' | 'podAntiAffinity'): { weight: number; term: AffinityTerm }[] {
  const list: Obj[] = pod.spec?.affinity?.[kind]?.preferredDuringSchedulingIgnoredDuringExecution ?? [];
  return list.map((w) => ({ weight: w.weight ?? 0, term: affinityTerm(pod, w.podAffinityTerm ?? {}) }));
}
