// The customresourcedefinitions resource (apiextensions.k8s.io/v1, cluster-scoped, +status), with upstream's
// strategy (pkg/registry/customresourcedefinition/strategy.go): defaults (singular, listKind, conversion None),
// status reset on create with storedVersions = [storage version], the new storage version appended on update,
// generation on spec changes, and the cleanup finalizer added when deletion starts.
import type { Obj, ResourceDef } from '../registry/types.js';
import { CLEANUP_FINALIZER, CRD_GROUP, storageVersion, type CRD } from './types.js';
import { validateCRD, validateCRDUpdate } from './validation.js';

function setDefaults(obj: Obj): void {
  const spec = obj.spec;
  if (!spec || typeof spec !== 'object') return;
  const names = spec.names;
  if (names && typeof names === 'object') {
    if (!names.singular && typeof names.kind === 'string') names.singular = names.kind.toLowerCase();
    if (!names.listKind && names.kind) names.listKind = `${names.kind}List`;
  }
  spec.conversion ??= { strategy: 'None' };
  for (const v of Array.isArray(spec.versions) ? spec.versions : []) {
    if (v && typeof v === 'object') {
      v.served ??= false;
      v.storage ??= false;
    }
  }
}

export const customresourcedefinitions: ResourceDef = {
  group: CRD_GROUP,
  version: 'v1',
  kind: 'CustomResourceDefinition',
  plural: 'customresourcedefinitions',
  singular: 'customresourcedefinition',
  shortNames: ['crd', 'crds'],
  categories: ['api-extensions'],
  namespaced: false,
  nameRule: 'subdomain',
  generation: true,
  statusSubresource: true,
  subresources: [{ name: 'status', verbs: ['get', 'patch', 'update'] }],
  defaults: setDefaults,
  prepareForCreate: (obj) => {
    const crd = obj as CRD;
    const sv = storageVersion(crd);
    crd.status = { storedVersions: sv ? [sv] : [] };
  },
  prepareForUpdate: (obj, old) => {
    // A new storage version is recorded in status.storedVersions (objects may now be stored in it).
    const crd = obj as CRD;
    crd.status = structuredClone((old as CRD).status ?? {});
    const sv = storageVersion(crd);
    const stored = (crd.status.storedVersions ??= []);
    if (sv && !stored.includes(sv)) stored.push(sv);
  },
  validate: (obj) => validateCRD(obj as CRD),
  validateUpdate: (obj, old) => validateCRDUpdate(obj as CRD, old as CRD),
  deletionFinalizers: () => [CLEANUP_FINALIZER],
};
