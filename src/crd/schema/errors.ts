// field.TooMany, which the shared field-error module does not cover (custom resources report maxItems and
// maxProperties with it): `<field>: Too many: <actual>: must have at most <max> items`.
import type { FieldError } from '../../machinery/validation.js';

export function tooMany(field: string, actual: number, max: number): FieldError {
  const body = `Too many: ${actual}: must have at most ${max} items`;
  // The shared FieldErrorType union has no TooMany member; the cause reason is what upstream sends.
  return { type: 'FieldValueTooMany' as FieldError['type'], field, message: `${field}: ${body}`, body, detail: `must have at most ${max} items`, value: actual };
}
