import { age } from '../../../machinery/duration.js';
import { col, AGE, NAME_DESCRIPTION } from '../../columns.js';
import { defaultDeployment } from '../../defaults/workloads.js';
import type { ResourceDef } from '../../types.js';
import { CONTAINERS, IMAGES, SELECTOR, selectorCell, templateCells } from './workload-columns.js';

export const deployments: ResourceDef = {
  group: 'apps',
  version: 'v1',
  kind: 'Deployment',
  plural: 'deployments',
  singular: 'deployment',
  namespaced: true,
  shortNames: ['deploy'],
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
    col('Ready', 'Number of the pod with ready state'),
    col('Up-to-date', 'Total number of non-terminated pods targeted by this deployment that have the desired template spec.', 0, 'integer'),
    col('Available', 'Total number of available pods (ready for at least minReadySeconds) targeted by this deployment.', 0, 'integer'),
    AGE,
    CONTAINERS,
    IMAGES,
    SELECTOR,
  ],
  cells: (o, now) => {
    const [names, images] = templateCells(o);
    const s = o.status ?? {};
    return [
      o.metadata?.name,
      `${s.readyReplicas ?? 0}/${o.spec?.replicas ?? 0}`,
      s.updatedReplicas ?? 0,
      s.availableReplicas ?? 0,
      age(o.metadata?.creationTimestamp, now),
      names,
      images,
      selectorCell(o),
    ];
  },
  defaults: defaultDeployment,
  prepareForCreate: (o) => {
    o.status = {};
  },
};
