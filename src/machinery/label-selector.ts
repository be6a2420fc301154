// metav1.LabelSelector objects (spec.selector of Deployments, ReplicaSets, PDBs, ...), mirroring
// k8s.io/apimachinery/pkg/apis/meta/v1 helpers.go: LabelSelectorAsSelector and FormatLabelSelector.

import { goQuote } from './gofmt.js';
import {
  type LabelOperator,
  type LabelSelector,
  type Requirement,
  everything,
  newRequirement,
  nothing,
  selectorFromRequirements,
} from './label-requirement.js';
import { SelectorParseError } from './selector-error.js';

export interface LabelSelectorRequirementObject {
  key: string;
  operator: string;
  values?: string[] | null;
}

export interface LabelSelectorObject {
  matchLabels?: Record<string, string> | null;
  matchExpressions?: LabelSelectorRequirementObject[] | null;
}

const OPERATORS: Readonly<Record<string, LabelOperator>> = {
  In: 'in',
  NotIn: 'notin',
  Exists: 'exists',
  DoesNotExist: '!',
};

/**
 * LabelSelectorAsSelector: null/undefined selects nothing, `{}` (no labels, no expressions) selects everything;
 * otherwise matchLabels become `key=value` requirements and matchExpressions map In/NotIn/Exists/DoesNotExist.
 * Throws SelectorParseError with upstream's text for invalid keys, values or operators.
 */
export function selectorFromLabelSelector(ls: LabelSelectorObject | null | undefined): LabelSelector {
  if (ls == null) return nothing();
  const labels = ls.matchLabels ? Object.entries(ls.matchLabels) : [];
  const exprs = ls.matchExpressions ?? [];
  if (labels.length + exprs.length === 0) return everything();
  const reqs: Requirement[] = [];
  for (const [k, v] of labels) reqs.push(newRequirement(k, '=', [v]));
  for (const expr of exprs) {
    const op = Object.hasOwn(OPERATORS, expr.operator) ? OPERATORS[expr.operator] : undefined;
    if (op === undefined) {
      throw new SelectorParseError(`${goQuote(String(expr.operator))} is not a valid pod selector operator`);
    }
    reqs.push(newRequirement(expr.key, op, expr.values ?? []));
  }
  return selectorFromRequirements(reqs);
}

/** FormatLabelSelector: the selector's string, `<none>` when that is empty, `<error>` when it does not convert. */
export function labelSelectorAsString(ls: LabelSelectorObject | null | undefined): string {
  let s: string;
  try {
    s = selectorFromLabelSelector(ls).toString();
  } catch (e) {
    if (e instanceof SelectorParseError) return '<error>';
    throw e;
  }
  return s.length === 0 ? '<none>' : s;
}
