// policy/v1 PodDisruptionBudget (upstream pkg/registry/policy/poddisruptionbudget): a status subresource written by
// the disruption controller and by the eviction subresource, generation bumped on spec changes (the spec is mutable
// since 1.15), and the columns of printPodDisruptionBudget.
import { age } from '../../../machinery/duration.js';
import { col, AGE, NAME_DESCRIPTION } from '../../columns.js';
import type { ResourceDef } from '../../types.js';
import { checkPDBTypes, validatePDBSpec, validatePDBStatus } from './validation.js';

/** An int-or-string as printed by upstream (IntOrString.String()), or N/A when unset. */
function intOrStringCell(v: unknown): string {
  return v === undefined || v === null ? 'N/A' : String(v);
}

export const poddisruptionbudgets: ResourceDef = {
  group: 'policy',
  version: 'v1',
  kind: 'PodDisruptionBudget',
  plural: 'poddisruptionbudgets',
  singular: 'poddisruptionbudget',
  namespaced: true,
  shortNames: ['pdb'],
  nameRule: 'subdomain',
  generation: true,
  statusSubresource: true,
  subresources: [{ name: 'status', verbs: ['get', 'patch', 'update'] }],
  columns: [
    col('Name', NAME_DESCRIPTION),
    col('Min Available', 'The minimum number of pods that must be available.'),
    col('Max Unavailable', 'The maximum number of pods that may be unavailable.'),
    col('Allowed Disruptions', 'Calculated number of pods that may be disrupted at this time.', 0, 'integer'),
    AGE,
  ],
  cells: (o, now) => [
    o.metadata?.name,
    intOrStringCell(o.spec?.minAvailable),
    intOrStringCell(o.spec?.maxUnavailable),
    o.status?.disruptionsAllowed ?? 0,
    age(o.metadata?.creationTimestamp, now),
  ],
  // Decoding into the typed struct on every write (status writes too): wrong JSON types are a 400, and the four
  // status counters, which are not omitempty, always serialise.
  defaultsOnStatus: true,
  defaults: (o) => {
    checkPDBTypes(o);
    o.spec ??= {};
    const s = (o.status ??= {});
    for (const f of ['disruptionsAllowed', 'currentHealthy', 'desiredHealthy', 'expectedPods']) s[f] ??= 0;
  },
  // A new budget has an empty status until the disruption controller computes it (upstream PrepareForCreate).
  prepareForCreate: (o) => {
    o.status = {};
  },
  validate: (o) => validatePDBSpec(o.spec),
  validateUpdate: (o) => validatePDBStatus(o.status),
};
