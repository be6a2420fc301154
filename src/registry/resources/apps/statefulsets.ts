import { age } from '../../../machinery/duration.js';
import { col, AGE, NAME_DESCRIPTION } from '../../columns.js';
import { defaultStatefulSet } from '../../defaults/workloads.js';
import type { ResourceDef } from '../../types.js';
import { CONTAINERS, IMAGES, templateCells } from './workload-columns.js';

export const statefulsets: ResourceDef = {
  group: 'apps',
  version: 'v1',
  kind: 'StatefulSet',
  plural: 'statefulsets',
  singular: 'statefulset',
  namespaced: true,
  shortNames: ['sts'],
  categories: ['all'],
  nameRule: 'subdomain',
  generation: true,
  statusSubresource: true,
  subresources: [
    { name: 'status', verbs: ['get', 'patch', 'update'] },
    { name: 'scale', kind: { group: 'autoscaling', version: 'v1', kind: 'Scale' }, verbs: ['get', 'patch', 'update'] },
  ],
  columns: [col('Name', NAME_DESCRIPTION), col('Ready', 'Number of the pod with ready state'), AGE, CONTAINERS, IMAGES],
  cells: (o, now) => {
    const [names, images] = templateCells(o);
    return [o.metadata?.name, `${o.status?.readyReplicas ?? 0}/${o.spec?.replicas ?? 0}`, age(o.metadata?.creationTimestamp, now), names, images];
  },
  defaults: defaultStatefulSet,
  prepareForCreate: (o) => {
    o.status = { replicas: 0, availableReplicas: 0 };
  },
};
