import { age } from '../../../machinery/duration.js';
import { col, AGE, NAME_DESCRIPTION } from '../../columns.js';
import type { ResourceDef } from '../../types.js';
type Obj = Record<string, any>;

function controllerOf(o: Obj): string {
  const ref = (o.metadata?.ownerReferences ?? []).find((r: Obj) => r.controller);
  if (!ref) return '<none>';
  const group = String(ref.apiVersion ?? '').split('/').length > 1 ? String(ref.apiVersion).split('/')[0] : '';
  return `${String(ref.kind).toLowerCase()}${group ? `.${group}` : ''}/${ref.name}`;
}

export const controllerrevisions: ResourceDef = {
  group: 'apps',
  version: 'v1',
  kind: 'ControllerRevision',
  plural: 'controllerrevisions',
  singular: 'controllerrevision',
  namespaced: true,
  nameRule: 'subdomain',
  columns: [
    col('Name', NAME_DESCRIPTION),
    col('Controller', 'Controller of the object'),
    col('Revision', 'Revision indicates the revision of the state represented by Data.', 0, 'integer'),
    AGE,
  ],
  cells: (o, now) => [o.metadata?.name, controllerOf(o), o.revision ?? 0, age(o.metadata?.creationTimestamp, now)],
};
