import { col, AGE, NAME_DESCRIPTION } from '../../columns.js';
import { age } from '../../../machinery/duration.js';
import type { ResourceDef } from '../../types.js';

export const namespaces: ResourceDef = {
  group: '',
  version: 'v1',
  kind: 'Namespace',
  plural: 'namespaces',
  singular: 'namespace',
  namespaced: false,
  shortNames: ['ns'],
  // Like upstream, no deletecollection on namespaces.
  verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'],
  nameRule: 'label',
  statusSubresource: true,
  subresources: [
    { name: 'status', verbs: ['get', 'patch', 'update'] },
    { name: 'finalize', verbs: ['update'] },
  ],
  columns: [col('Name', NAME_DESCRIPTION), col('Status', 'The status of the namespace'), AGE],
  cells: (o, now) => [o.metadata?.name, o.status?.phase ?? '', age(o.metadata?.creationTimestamp, now)],
  selectableFields: (o) => ({ 'status.phase': o.status?.phase ?? '' }),
  prepareForCreate: (o) => {
    // upstream namespaceStrategy.PrepareForCreate: the `kubernetes` finalizer and phase Active.
    o.spec ??= {};
    const fin: string[] = Array.isArray(o.spec.finalizers) ? o.spec.finalizers : [];
    if (!fin.includes('kubernetes')) fin.push('kubernetes');
    o.spec.finalizers = fin;
    o.status = { phase: 'Active' };
    // The immutable kubernetes.io/metadata.name label (NamespaceDefaultLabelName, on by default since 1.22).
    o.metadata.labels = { ...(o.metadata.labels ?? {}), 'kubernetes.io/metadata.name': o.metadata.name };
  },
  prepareForUpdate: (o, old) => {
    // Main-resource updates cannot change spec.finalizers (only /finalize can), nor the name label.
    o.spec = old.spec;
    if (o.metadata?.name) o.metadata.labels = { ...(o.metadata.labels ?? {}), 'kubernetes.io/metadata.name': o.metadata.name };
  },
};
