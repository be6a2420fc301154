// Server-side apply and managedFields tracking.
export { applyConfig, trackedFields, updateManagedFields, type ApplyResult, type FieldManagerContext, type ManagedFieldsEntry } from './managed.js';
export { fieldsOf } from './schema-walk.js';
export { fromFieldsV1, members, pathString, toFieldsV1 } from './fieldset.js';
