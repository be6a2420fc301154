// The naming controller's decision (upstream pkg/controller/status/naming_controller.go calculateNamesAndConditions):
// each requested name is accepted when it is already ours or unused by the other CRDs of the group (their
// status.acceptedNames); otherwise NamesAccepted=False with the conflict ("\"foos\" is already in use"). Established
// is False/NotAccepted until the names are accepted, then False/Installing until the establishing step.
import type { CRD, CRDCondition, CRDNames } from './types.js';
import { findCondition } from './types.js';

export interface NamingResult {
  acceptedNames: Partial<CRDNames>;
  namesAccepted: CRDCondition;
  established: CRDCondition;
}

function inUse(requested: string | undefined, accepted: string | undefined, used: Set<string>): string | undefined {
  if (!requested || requested === accepted || !used.has(requested)) return undefined;
  return `${JSON.stringify(requested)} is already in use`;
}

export function computeNames(crd: CRD, all: CRD[]): NamingResult {
  const resources = new Set<string>();
  const kinds = new Set<string>();
  for (const other of all) {
    if (other.spec?.group !== crd.spec.group || other.metadata.name === crd.metadata.name) continue;
    const a = other.status?.acceptedNames ?? {};
    for (const n of [a.plural, a.singular, ...(a.shortNames ?? [])]) if (n) resources.add(n);
    for (const n of [a.kind, a.listKind]) if (n) kinds.add(n);
  }
  const requested = crd.spec.names;
  const accepted = crd.status?.acceptedNames ?? {};
  const next: Partial<CRDNames> = { ...accepted };
  let cond: CRDCondition = { type: 'NamesAccepted', status: 'Unknown' };
  const conflict = (reason: string, message: string) => {
    cond = { type: 'NamesAccepted', status: 'False', reason, message };
  };

  let err = inUse(requested.plural, accepted.plural, resources);
  if (err) conflict('PluralConflict', err);
  else next.plural = requested.plural;
  err = inUse(requested.singular, accepted.singular, resources);
  if (err) conflict('SingularConflict', err);
  else next.singular = requested.singular;
  if (JSON.stringify(requested.shortNames ?? []) !== JSON.stringify(accepted.shortNames ?? [])) {
    const mine = new Set(accepted.shortNames ?? []);
    const errs = (requested.shortNames ?? []).filter((s) => !mine.has(s)).map((s) => inUse(s, '', resources)).filter((e): e is string => !!e);
    if (errs.length) conflict('ShortNamesConflict', errs.length === 1 ? errs[0]! : `[${errs.join(', ')}]`);
    else next.shortNames = requested.shortNames;
  }
  err = inUse(requested.kind, accepted.kind, kinds);
  if (err) conflict('KindConflict', err);
  else next.kind = requested.kind;
  err = inUse(requested.listKind, accepted.listKind, kinds);
  if (err) conflict('ListKindConflict', err);
  else next.listKind = requested.listKind;
  if (requested.categories) next.categories = requested.categories;
  else delete next.categories;
  if (!next.shortNames?.length) delete next.shortNames;

  if (cond.status === 'Unknown') cond = { type: 'NamesAccepted', status: 'True', reason: 'NoConflicts', message: 'no conflicts found' };

  let established: CRDCondition = findCondition(crd, 'Established') ?? { type: 'Established', status: 'False', reason: 'NotAccepted', message: 'not all names are accepted' };
  if (established.status !== 'True' && cond.status === 'True') {
    established = { type: 'Established', status: 'False', reason: 'Installing', message: 'the initial names have been accepted' };
  }
  const { lastTransitionTime: _a, ...namesAccepted } = cond;
  const { lastTransitionTime: _b, ...est } = established;
  return { acceptedNames: next, namesAccepted, established: est };
}
