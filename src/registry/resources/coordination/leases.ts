import { age } from '../../../machinery/duration.js';
import { col, AGE, NAME_DESCRIPTION } from '../../columns.js';
import type { ResourceDef } from '../../types.js';

export const leases: ResourceDef = {
  group: 'coordination.k8s.io',
  version: 'v1',
  kind: 'Lease',
  plural: 'leases',
  singular: 'lease',
  namespaced: true,
  nameRule: 'subdomain',
  allowCreateOnUpdate: true,
  columns: [col('Name', NAME_DESCRIPTION), col('Holder', 'HolderIdentity contains the identity of the holder of a current lease.'), AGE],
  cells: (o, now) => [o.metadata?.name, o.spec?.holderIdentity ?? '', age(o.metadata?.creationTimestamp, now)],
};
