// Label selectors and label/annotation validation: the public entry point. The pieces live in
//   label-requirement.ts  Requirement, compiled matching, Everything/Nothing, SelectorFromSet
//   label-parser.ts       the selector string grammar (labels.Parse)
//   label-selector.ts     metav1.LabelSelector objects (LabelSelectorAsSelector, FormatLabelSelector)
//   label-validation.ts   ValidateLabels, ValidateAnnotations, ValidateLabelSelector

export { SelectorParseError } from './selector-error.js';
export {
  type LabelOperator,
  type LabelSelector,
  type Labels,
  type Requirement,
  everything,
  newRequirement,
  nothing,
  requirementToString,
  selectorFromRequirements,
  selectorFromSet,
} from './label-requirement.js';
export { parseLabelSelector } from './label-parser.js';
export {
  type LabelSelectorObject,
  type LabelSelectorRequirementObject,
  labelSelectorAsString,
  selectorFromLabelSelector,
} from './label-selector.js';
export {
  TOTAL_ANNOTATION_SIZE_LIMIT_B,
  validateAnnotations,
  validateLabelName,
  validateLabelSelector,
  validateLabels,
} from './label-validation.js';
