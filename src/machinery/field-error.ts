// Field-level validation errors, mirroring k8s.io/apimachinery/pkg/util/validation/field (Error, ErrorBody,
// Required, Invalid, ...) and the message aggregation done by ErrorList.ToAggregate + utilerrors.aggregate and
// apierrors.NewInvalid. The API layer turns a FieldError[] into a 422 Status whose details.causes are
// { reason: e.type, message: e.body, field: e.field } and whose message is formatInvalidMessage(...).

import { goQuote, goValue } from './gofmt.js';

export type FieldErrorType =
  | 'FieldValueRequired'
  | 'FieldValueInvalid'
  | 'FieldValueDuplicate'
  | 'FieldValueNotSupported'
  | 'FieldValueForbidden'
  | 'FieldValueTooLong'
  | 'FieldValueTypeInvalid';

export interface FieldError {
  type: FieldErrorType;
  /** The field path, e.g. `metadata.name` or `spec.containers[0].image`. */
  field: string;
  /** Exactly upstream field.Error.Error(): `<field>: <body>`. */
  message: string;
  /** Exactly upstream field.Error.ErrorBody(): the message without the `<field>: ` prefix. */
  body: string;
  /** The free-text detail (upstream Error.Detail), possibly empty. */
  detail: string;
  /** The offending value (upstream Error.BadValue); absent for Required/Forbidden/TooLong. */
  value?: unknown;
}

/** ErrorType.String(): the human label that starts every ErrorBody. */
const TYPE_LABEL: Record<FieldErrorType, string> = {
  FieldValueRequired: 'Required value',
  FieldValueInvalid: 'Invalid value',
  FieldValueDuplicate: 'Duplicate value',
  FieldValueNotSupported: 'Unsupported value',
  FieldValueForbidden: 'Forbidden',
  FieldValueTooLong: 'Too long',
  FieldValueTypeInvalid: 'Invalid value',
};

/** Types whose ErrorBody never prints the value (upstream ErrorBody's first switch arm). */
const VALUE_OMITTED = new Set<FieldErrorType>(['FieldValueRequired', 'FieldValueForbidden', 'FieldValueTooLong']);

function make(type: FieldErrorType, field: string, detail: string, hasValue: boolean, value?: unknown): FieldError {
  let body = TYPE_LABEL[type];
  if (hasValue && !VALUE_OMITTED.has(type)) body += ': ' + goValue(value);
  if (detail.length > 0) body += ': ' + detail;
  const err: FieldError = { type, field, message: field + ': ' + body, body, detail };
  if (hasValue) err.value = value;
  return err;
}

/** field.Required: `<field>: Required value[: detail]`. */
export function required(field: string, detail = ''): FieldError {
  return make('FieldValueRequired', field, detail, false);
}

/** field.Invalid: `<field>: Invalid value: <value>: detail`. */
export function invalid(field: string, value: unknown, detail: string): FieldError {
  return make('FieldValueInvalid', field, detail, true, value);
}

/** field.TypeInvalid: like Invalid, with reason FieldValueTypeInvalid. */
export function typeInvalid(field: string, value: unknown, detail: string): FieldError {
  return make('FieldValueTypeInvalid', field, detail, true, value);
}

/** field.Forbidden: `<field>: Forbidden: detail`. */
export function forbidden(field: string, detail: string): FieldError {
  return make('FieldValueForbidden', field, detail, false);
}

/** field.Duplicate: `<field>: Duplicate value: <value>`. */
export function duplicate(field: string, value: unknown): FieldError {
  return make('FieldValueDuplicate', field, '', true, value);
}

/** field.NotSupported: `<field>: Unsupported value: <value>: supported values: "a", "b"`. */
export function notSupported(field: string, value: unknown, valid: readonly string[]): FieldError {
  const detail = valid.length > 0 ? 'supported values: ' + valid.map(goQuote).join(', ') : '';
  return make('FieldValueNotSupported', field, detail, true, value);
}

/**
 * The detail of field.TooLong. Upstream releases up to 1.31 say "must have at most N bytes"; 1.32+ say
 * "may not be more than N bytes". We follow the former (what kubesim's API contract specifies).
 */
export function tooLongDetail(maxLength: number): string {
  return maxLength >= 0 ? `must have at most ${maxLength} bytes` : 'value is too long';
}

/** field.TooLong: `<field>: Too long: must have at most N bytes` (the value itself is never printed). */
export function tooLong(field: string, maxLength: number): FieldError {
  return make('FieldValueTooLong', field, tooLongDetail(maxLength), false);
}

/**
 * The text of an aggregated error list (ErrorList.ToAggregate().Error()): duplicates by full message are dropped,
 * one error prints bare, several print as `[a, b]`. An empty list is a nil aggregate, which %v prints as `<nil>`.
 */
export function aggregateMessages(messages: readonly string[]): string {
  if (messages.length === 0) return '<nil>';
  const unique = messages.length === 1 ? messages : [...new Set(messages)];
  if (unique.length === 1) return unique[0]!;
  return '[' + unique.join(', ') + ']';
}

/**
 * The message of apierrors.NewInvalid: `<Kind> "<name>" is invalid: <aggregate>`. Pass the qualified kind as
 * upstream's GroupKind.String() prints it: `Pod` for the core group, `Deployment.apps` otherwise.
 */
export function formatInvalidMessage(kindOrQualified: string, name: string, errs: readonly FieldError[]): string {
  return `${kindOrQualified} ${goQuote(name)} is invalid: ${aggregateMessages(errs.map((e) => e.message))}`;
}

/** field.Path helpers: `parent.child`, `parent[3]`, `parent[key]` (upstream Path.Child / Index / Key). */
export function childPath(parent: string, child: string): string {
  return parent === '' ? child : parent + '.' + child;
}
export function indexPath(parent: string, index: number): string {
  return `${parent}[${index}]`;
}
export function keyPath(parent: string, key: string): string {
  return `${parent}[${key}]`;
}
