// The three Kubernetes patch types as pure functions over parsed JSON, plus the fact table behind strategic
// merge patch. Every function returns a new value and leaves its inputs untouched.

export { applyJsonPatch, MAX_JSON_PATCH_OPERATIONS, type FieldValidation, type JsonPatchOptions } from './json-patch.js';
export { applyMergePatch, type MergePatchOptions } from './merge-patch.js';
export { applyStrategicMergePatch } from './strategic.js';
export { PatchError, INVALID_REQUEST_MESSAGE, PANIC_MESSAGE, type PatchErrorCode, type PatchErrorReason, type PatchStatus } from './errors.js';
export {
  FACTS,
  FIELD_FACTS,
  TYPE_FACTS,
  kindRoots,
  typeFor,
  registerFactTypes,
  unregisterFactTypes,
  fieldInfo,
  typeInfo,
  isKnownType,
  type FactTable,
  type FieldFact,
  type GroupVersionKind,
  type ListType,
  type MapType,
  type TypeFact,
  type TypeRef,
} from './facts.js';
export type { JsonObject, JsonPrimitive, JsonValue } from './json.js';
