// Name/format validation, field errors and ObjectMeta validation: the public entry point. The pieces live in
//   name-rules.ts   util/validation string rules (IsDNS1123Subdomain, IsQualifiedName, ...)
//   field-error.ts  field.Error and its constructors, ErrorList aggregation, NewInvalid's message
//   objectmeta.ts   ValidateObjectMeta / ValidateObjectMetaUpdate and their parts
//   label-validation.ts  ValidateLabels / ValidateAnnotations (also exported from labels.ts)

export {
  emptyError,
  isDNS1035Label,
  isDNS1123Label,
  isDNS1123Subdomain,
  isQualifiedName,
  isValidLabelValue,
  isValidPathSegmentName,
  isValidPathSegmentPrefix,
  maxLenError,
  regexError,
} from './name-rules.js';
export {
  type FieldError,
  type FieldErrorType,
  aggregateMessages,
  childPath,
  duplicate,
  forbidden,
  formatInvalidMessage,
  indexPath,
  invalid,
  keyPath,
  notSupported,
  required,
  tooLong,
  tooLongDetail,
  typeInvalid,
} from './field-error.js';
export {
  FIELD_IMMUTABLE_ERROR_MSG,
  FINALIZER_DELETE_DEPENDENTS,
  FINALIZER_ORPHAN_DEPENDENTS,
  IS_NEGATIVE_ERROR_MSG,
  type ManagedFieldsEntryInput,
  type NameRule,
  type ObjectMetaInput,
  type ObjectMetaOptions,
  type OwnerReferenceInput,
  validateFieldManager,
  validateFinalizers,
  validateManagedFields,
  validateObjectMeta,
  validateObjectMetaName,
  validateObjectMetaUpdate,
  validateOwnerReferences,
} from './objectmeta.js';
export { TOTAL_ANNOTATION_SIZE_LIMIT_B, validateAnnotations, validateLabelName, validateLabels } from './label-validation.js';
