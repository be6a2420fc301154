import { age } from '../../../machinery/duration.js';
import { col, AGE, NAME_DESCRIPTION } from '../../columns.js';
import { defaultReplicaSet } from '../../defaults/workloads.js';
import type { ResourceDef } from '../../types.js';
import { CONTAINERS, IMAGES, SELECTOR, selectorCell, templateCells } from './workload-columns.js';

export const replicasets: ResourceDef = {
  group: 'apps',
  version: 'v1',
  kind: 'ReplicaSet',
  plural: 'replicasets',
  singular: 'replicaset',
  namespaced: true,
  shortNames: ['rs'],
  categories: ['all'],
  nameRule: 'subdomain',
  generation: true,
  statusSubresource: true,
  subresources: [
    { name: 'status', verbs: ['get', 'patch', 'update'] },
    { name: 'scale', kind: { group: 'autoscaling', version: 'v1', kind: 'Scale' }, verbs: ['get', 'patch', 'update'] },
  ],
  columns: [
    col('Name', NAME_DESCRIPTION),
    col('Desired', 'Replicas is the number of desired replicas.', 0, 'integer'),
    col('Current', 'Replicas is the most recently observed number of replicas.', 0, 'integer'),
    col('Ready', 'The number of ready replicas for this replica set.', 0, 'integer'),
    AGE,
    CONTAINERS,
    IMAGES,
    { ...SELECTOR, description: 'Selector is a label query over pods that should match the replica count.' },
  ],
  cells: (o, now) => {
    const [names, images] = templateCells(o);
    return [
      o.metadata?.name,
      o.spec?.replicas ?? 0,
      o.status?.replicas ?? 0,
      o.status?.readyReplicas ?? 0,
      age(o.metadata?.creationTimestamp, now),
      names,
      images,
      selectorCell(o),
    ];
  },
  defaults: defaultReplicaSet,
  prepareForCreate: (o) => {
    o.status = { replicas: 0 };
  },
};
