// Label selector requirements and the selector that ANDs them, mirroring k8s.io/apimachinery/pkg/labels
// (Requirement, NewRequirement, Requirement.Matches/String, internalSelector, Everything, Nothing, SelectorFromSet).
// Selectors are evaluated once per object in LISTs and watches, so each requirement is compiled up front
// (value set, parsed integer) and matches() allocates nothing.

import { compareGoStrings } from './gofmt.js';
import { aggregateMessages, childPath, indexPath, invalid, keyPath, notSupported } from './field-error.js';
import { isQualifiedName, isValidLabelValue } from './name-rules.js';
import { SelectorParseError } from './selector-error.js';

/** selection.Operator values, spelled as upstream does. */
export type LabelOperator = 'in' | 'notin' | '=' | '==' | '!=' | 'exists' | '!' | 'gt' | 'lt';

/** Upstream's order (binaryOperators then unaryOperators), used in "expected: ..." and "supported values" texts. */
export const BINARY_OPERATORS: readonly LabelOperator[] = ['in', 'notin', '=', '==', '!=', 'gt', 'lt'];
const VALID_OPERATORS: readonly LabelOperator[] = [...BINARY_OPERATORS, 'exists', '!'];

export interface Requirement {
  readonly key: string;
  readonly operator: LabelOperator;
  /** As given (the parser hands them over sorted and de-duplicated); toString() prints them sorted. */
  readonly values: readonly string[];
}

export type Labels = Readonly<Record<string, string>> | null | undefined;

export interface LabelSelector {
  /** Sorted by key (stable), like upstream's ByKey sort. Empty for both Everything and Nothing. */
  readonly requirements: readonly Requirement[];
  /** True when the selector does not restrict anything (Everything). Nothing is not empty. */
  readonly empty: boolean;
  matches(labels: Labels): boolean;
  /** Upstream Selector.String(): requirements joined by ','; '' for Everything and Nothing. */
  toString(): string;
  /** Upstream RequiresExactMatch: the single value required for `label` via =, == or a one-value `in`. */
  requiresExactMatch(label: string): string | undefined;
}

/** strconv.ParseInt(s, 10, 64). Mixed number/bigint comparisons are exact in JS, so either result compares. */
const SMALL_INT = /^[+-]?\d{1,15}$/;
const ANY_INT = /^[+-]?\d+$/;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
export function parseGoInt64(s: string): number | bigint | null {
  if (SMALL_INT.test(s)) return Number(s);
  if (!ANY_INT.test(s)) return null;
  const b = BigInt(s);
  return b < INT64_MIN || b > INT64_MAX ? null : b;
}

/**
 * NewRequirement: validates key, operator/value-count rules and every value, collecting all field errors; throws
 * a SelectorParseError whose message is the aggregated error text (e.g. `values[0][app]: Invalid value: ...`).
 */
export function newRequirement(key: string, operator: LabelOperator, values: readonly string[], path = ''): Requirement {
  const msgs: string[] = [];
  const keyErrs = isQualifiedName(key);
  if (keyErrs.length > 0) msgs.push(invalid(childPath(path, 'key'), key, keyErrs.join('; ')).message);

  const valuePath = childPath(path, 'values');
  // Go prints a nil []string as null and a non-empty one as a JSON array.
  const shown = values.length === 0 ? null : values;
  switch (operator) {
    case 'in':
    case 'notin':
      if (values.length === 0) {
        msgs.push(invalid(valuePath, shown, "for 'in', 'notin' operators, values set can't be empty").message);
      }
      break;
    case '=':
    case '==':
    case '!=':
      if (values.length !== 1) {
        msgs.push(invalid(valuePath, shown, 'exact-match compatibility requires one single value').message);
      }
      break;
    case 'exists':
    case '!':
      if (values.length !== 0) {
        msgs.push(invalid(valuePath, shown, 'values set must be empty for exists and does not exist').message);
      }
      break;
    case 'gt':
    case 'lt':
      if (values.length !== 1) {
        msgs.push(invalid(valuePath, shown, "for 'Gt', 'Lt' operators, exactly one value is required").message);
      }
      values.forEach((v, i) => {
        if (parseGoInt64(v) === null) {
          msgs.push(invalid(indexPath(valuePath, i), v, "for 'Gt', 'Lt' operators, the value must be an integer").message);
        }
      });
      break;
    default:
      msgs.push(notSupported(childPath(path, 'operator'), operator, VALID_OPERATORS).message);
  }
  values.forEach((v, i) => {
    const errs = isValidLabelValue(v);
    if (errs.length > 0) msgs.push(invalid(keyPath(indexPath(valuePath, i), key), v, errs.join('; ')).message);
  });
  if (msgs.length > 0) throw new SelectorParseError(aggregateMessages(msgs));
  return { key, operator, values: [...values] };
}

/** Requirement.String(): `k=v`, `k==v`, `k!=v`, `k in (a,b)`, `k notin (a,b)`, `k`, `!k`, `k>5`, `k<5`. */
export function requirementToString(r: Requirement): string {
  switch (r.operator) {
    case 'exists':
      return r.key;
    case '!':
      return '!' + r.key;
    default: {
      const vals = r.values.length === 1 ? r.values[0]! : sortedCopy(r.values).join(',');
      switch (r.operator) {
        case 'in':
          return `${r.key} in (${vals})`;
        case 'notin':
          return `${r.key} notin (${vals})`;
        case 'gt':
          return `${r.key}>${vals}`;
        case 'lt':
          return `${r.key}<${vals}`;
        default:
          return r.key + r.operator + vals;
      }
    }
  }
}

function sortedCopy(values: readonly string[]): string[] {
  return [...values].sort(compareGoStrings);
}

const enum Kind {
  In,
  NotIn,
  Exists,
  DoesNotExist,
  Gt,
  Lt,
}

/** Above this many values a Set beats a linear scan. */
const SET_THRESHOLD = 8;

class CompiledRequirement {
  readonly kind: Kind;
  readonly key: string;
  readonly values: readonly string[];
  readonly set: ReadonlySet<string> | null;
  readonly bound: number | bigint | null;

  constructor(r: Requirement) {
    this.key = r.key;
    this.values = r.values;
    this.set = r.values.length > SET_THRESHOLD ? new Set(r.values) : null;
    this.bound = r.values.length === 1 ? parseGoInt64(r.values[0]!) : null;
    switch (r.operator) {
      case 'in':
      case '=':
      case '==':
        this.kind = Kind.In;
        break;
      case 'notin':
      case '!=':
        this.kind = Kind.NotIn;
        break;
      case 'exists':
        this.kind = Kind.Exists;
        break;
      case '!':
        this.kind = Kind.DoesNotExist;
        break;
      case 'gt':
        this.kind = Kind.Gt;
        break;
      default:
        this.kind = Kind.Lt;
    }
  }

  private has(v: string): boolean {
    if (this.set !== null) return this.set.has(v);
    const values = this.values;
    for (let i = 0; i < values.length; i++) if (values[i] === v) return true;
    return false;
  }

  /** Requirement.Matches. A label is present when the object has an own string value for the key. */
  matches(labels: Labels): boolean {
    // typeof check instead of hasOwnProperty: inherited members (e.g. "constructor") are never strings.
    const v = labels == null ? undefined : labels[this.key];
    const present = typeof v === 'string';
    switch (this.kind) {
      case Kind.In:
        return present && this.has(v);
      case Kind.NotIn:
        return !present || !this.has(v);
      case Kind.Exists:
        return present;
      case Kind.DoesNotExist:
        return !present;
      default: {
        if (!present || this.bound === null) return false;
        const n = parseGoInt64(v);
        if (n === null) return false;
        return this.kind === Kind.Gt ? n > this.bound : n < this.bound;
      }
    }
  }
}

class InternalSelector implements LabelSelector {
  readonly requirements: readonly Requirement[];
  readonly empty: boolean;
  private readonly compiled: readonly CompiledRequirement[];

  constructor(requirements: readonly Requirement[]) {
    this.requirements = requirements;
    this.empty = requirements.length === 0;
    this.compiled = requirements.map((r) => new CompiledRequirement(r));
  }

  matches(labels: Labels): boolean {
    const c = this.compiled;
    for (let i = 0; i < c.length; i++) if (!c[i]!.matches(labels)) return false;
    return true;
  }

  toString(): string {
    return this.requirements.map(requirementToString).join(',');
  }

  requiresExactMatch(label: string): string | undefined {
    for (const r of this.requirements) {
      if (r.key !== label) continue;
      const exact = r.operator === '=' || r.operator === '==' || r.operator === 'in';
      return exact && r.values.length === 1 ? r.values[0] : undefined;
    }
    return undefined;
  }
}

const NOTHING: LabelSelector = Object.freeze({
  requirements: [],
  empty: false,
  matches: () => false,
  toString: () => '',
  requiresExactMatch: () => undefined,
});

const EVERYTHING: LabelSelector = new InternalSelector([]);

/** labels.Everything(): matches every object (empty). */
export function everything(): LabelSelector {
  return EVERYTHING;
}

/** labels.Nothing(): matches no object (what a nil metav1.LabelSelector converts to). */
export function nothing(): LabelSelector {
  return NOTHING;
}

/** Selector.Add on an empty selector: requirements sorted by key (stable, so equal keys keep their order). */
export function selectorFromRequirements(requirements: readonly Requirement[]): LabelSelector {
  if (requirements.length === 0) return EVERYTHING;
  return new InternalSelector([...requirements].sort((a, b) => compareGoStrings(a.key, b.key)));
}

/** labels.SelectorFromSet: equality on every entry, unvalidated; null or {} selects everything. */
export function selectorFromSet(set: Labels): LabelSelector {
  if (set == null) return EVERYTHING;
  const reqs: Requirement[] = [];
  for (const [key, value] of Object.entries(set)) reqs.push({ key, operator: '=', values: [value] });
  return selectorFromRequirements(reqs);
}
