// Validation of metadata.labels, metadata.annotations and metav1.LabelSelector objects, mirroring
// k8s.io/apimachinery/pkg/apis/meta/v1/validation (ValidateLabels, ValidateLabelName, ValidateLabelSelector) and
// pkg/api/validation/objectmeta.go (ValidateAnnotations, TotalAnnotationSizeLimitB).

import { type FieldError, childPath, forbidden, indexPath, invalid, required, tooLong } from './field-error.js';
import { utf8Length } from './gofmt.js';
import type { LabelSelectorObject } from './label-selector.js';
import { isQualifiedName, isValidLabelValue } from './name-rules.js';

/** TotalAnnotationSizeLimitB: 256 KiB over all keys and values (in bytes). */
export const TOTAL_ANNOTATION_SIZE_LIMIT_B = 256 * 1024;

type StringMap = Readonly<Record<string, string>> | null | undefined;

/** ValidateLabelName: the key must be a qualified name; errors are reported at `fieldPath` itself. */
export function validateLabelName(name: string, fieldPath: string): FieldError[] {
  return isQualifiedName(name).map((msg) => invalid(fieldPath, name, msg));
}

/** ValidateLabels: every key a qualified name, every value a label value; all errors at `fieldPath` itself. */
export function validateLabels(labels: StringMap, fieldPath = 'metadata.labels'): FieldError[] {
  const errs: FieldError[] = [];
  if (labels == null) return errs;
  for (const [k, v] of Object.entries(labels)) {
    errs.push(...validateLabelName(k, fieldPath));
    for (const msg of isValidLabelValue(String(v))) errs.push(invalid(fieldPath, v, msg));
  }
  return errs;
}

/**
 * ValidateAnnotations: keys are qualified names compared case-insensitively (checked lower-cased, reported as
 * given); keys plus values may total at most 256 KiB.
 */
export function validateAnnotations(annotations: StringMap, fieldPath = 'metadata.annotations'): FieldError[] {
  const errs: FieldError[] = [];
  if (annotations == null) return errs;
  let total = 0;
  for (const [k, v] of Object.entries(annotations)) {
    for (const msg of isQualifiedName(k.toLowerCase())) errs.push(invalid(fieldPath, k, msg));
    total += utf8Length(k) + utf8Length(String(v));
  }
  if (total > TOTAL_ANNOTATION_SIZE_LIMIT_B) errs.push(tooLong(fieldPath, TOTAL_ANNOTATION_SIZE_LIMIT_B));
  return errs;
}

/** ValidateLabelSelector for a metav1.LabelSelector inside an object's spec (null is valid). */
export function validateLabelSelector(ls: LabelSelectorObject | null | undefined, fieldPath: string): FieldError[] {
  const errs: FieldError[] = [];
  if (ls == null) return errs;
  errs.push(...validateLabels(ls.matchLabels, childPath(fieldPath, 'matchLabels')));
  (ls.matchExpressions ?? []).forEach((expr, i) => {
    const p = indexPath(childPath(fieldPath, 'matchExpressions'), i);
    const n = expr.values?.length ?? 0;
    switch (expr.operator) {
      case 'In':
      case 'NotIn':
        if (n === 0) errs.push(required(childPath(p, 'values'), "must be specified when `operator` is 'In' or 'NotIn'"));
        break;
      case 'Exists':
      case 'DoesNotExist':
        if (n > 0) {
          errs.push(forbidden(childPath(p, 'values'), "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"));
        }
        break;
      default:
        errs.push(invalid(childPath(p, 'operator'), expr.operator, 'not a valid selector operator'));
    }
    errs.push(...validateLabelName(expr.key, childPath(p, 'key')));
  });
  return errs;
}
