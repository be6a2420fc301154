import { age } from '../../../machinery/duration.js';
import { col, AGE, NAME_DESCRIPTION } from '../../columns.js';
import type { ResourceDef } from '../../types.js';

export const secrets: ResourceDef = {
  group: '',
  version: 'v1',
  kind: 'Secret',
  plural: 'secrets',
  singular: 'secret',
  namespaced: true,
  nameRule: 'subdomain',
  columns: [
    col('Name', NAME_DESCRIPTION),
    col('Type', 'The type of the secret'),
    col('Data', 'The number of data entries in the secret', 0, 'integer'),
    AGE,
  ],
  cells: (o, now) => [o.metadata?.name, o.type ?? 'Opaque', Object.keys(o.data ?? {}).length, age(o.metadata?.creationTimestamp, now)],
  selectableFields: (o) => ({ type: o.type ?? '' }),
  defaults: (o) => {
    o.type ??= 'Opaque';
    // stringData is write-only: merged into data (base64) and dropped, like upstream's conversion.
    if (o.stringData && typeof o.stringData === 'object') {
      o.data = { ...(o.data ?? {}) };
      for (const [k, v] of Object.entries(o.stringData)) o.data[k] = Buffer.from(String(v), 'utf8').toString('base64');
      delete o.stringData;
    }
  },
};
