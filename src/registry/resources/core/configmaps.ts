import { age } from '../../../machinery/duration.js';
import { col, AGE, NAME_DESCRIPTION } from '../../columns.js';
import type { ResourceDef } from '../../types.js';

export const configmaps: ResourceDef = {
  group: '',
  version: 'v1',
  kind: 'ConfigMap',
  plural: 'configmaps',
  singular: 'configmap',
  namespaced: true,
  shortNames: ['cm'],
  nameRule: 'subdomain',
  columns: [col('Name', NAME_DESCRIPTION), col('Data', 'Data contains the configuration data.', 0, 'integer'), AGE],
  cells: (o, now) => [
    o.metadata?.name,
    Object.keys(o.data ?? {}).length + Object.keys(o.binaryData ?? {}).length,
    age(o.metadata?.creationTimestamp, now),
  ],
};
