import { age } from '../../../machinery/duration.js';
import { col, AGE, NAME_DESCRIPTION } from '../../columns.js';
import type { ResourceDef } from '../../types.js';

export const serviceaccounts: ResourceDef = {
  group: '',
  version: 'v1',
  kind: 'ServiceAccount',
  plural: 'serviceaccounts',
  singular: 'serviceaccount',
  namespaced: true,
  shortNames: ['sa'],
  nameRule: 'subdomain',
  columns: [col('Name', NAME_DESCRIPTION), col('Secrets', 'Secrets is a list of the secrets in the same namespace that pods running using this ServiceAccount are allowed to use.', 0, 'integer'), AGE],
  cells: (o, now) => [o.metadata?.name, (o.secrets ?? []).length, age(o.metadata?.creationTimestamp, now)],
};
