// String format rules from k8s.io/apimachinery/pkg/util/validation (validation.go) and
// pkg/api/validation/path (name.go). Each returns the list of upstream error strings, empty when valid.
// Lengths are Go byte lengths (UTF-8), like upstream's len().

import { utf8Length } from './gofmt.js';

/** MaxLenError. */
export function maxLenError(length: number): string {
  return `must be no more than ${length} characters`;
}

/** EmptyError. */
export function emptyError(): string {
  return 'must be non-empty';
}

/** RegexError: `msg (e.g. 'a' or 'b', regex used for validation is 'fmt')` — including upstream's double space. */
export function regexError(msg: string, fmt: string, ...examples: string[]): string {
  if (examples.length === 0) return `${msg} (regex used for validation is '${fmt}')`;
  let out = msg + ' (e.g. ';
  for (let i = 0; i < examples.length; i++) {
    if (i > 0) out += ' or ';
    out += `'${examples[i]}', `;
  }
  return out + `regex used for validation is '${fmt}')`;
}

// --- qualified names (label keys) and label values ---------------------------------------------------------------

const QNAME_FMT = '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]';
const QNAME_ERR = "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
const QNAME_MAX = 63;
const QNAME_RE = new RegExp('^' + QNAME_FMT + '$');

/**
 * IsQualifiedName (label keys, annotation keys, finalizers): `[prefix/]name`, prefix a DNS-1123 subdomain, name at
 * most 63 bytes of [A-Za-z0-9._-] starting and ending alphanumeric. The wording for more than one '/' is the
 * pre-1.34 "a qualified name ..." (later releases say "a valid label key ...").
 */
export function isQualifiedName(value: string): string[] {
  const errs: string[] = [];
  const parts = value.split('/');
  let name: string;
  if (parts.length === 1) {
    name = parts[0]!;
  } else if (parts.length === 2) {
    const prefix = parts[0]!;
    name = parts[1]!;
    if (prefix.length === 0) {
      errs.push('prefix part ' + emptyError());
    } else {
      for (const msg of isDNS1123Subdomain(prefix)) errs.push('prefix part ' + msg);
    }
  } else {
    errs.push(
      'a qualified name ' +
        regexError(QNAME_ERR, QNAME_FMT, 'MyName', 'my.name', '123-abc') +
        " with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')",
    );
    return errs;
  }
  if (name.length === 0) {
    errs.push('name part ' + emptyError());
  } else if (utf8Length(name) > QNAME_MAX) {
    errs.push('name part ' + maxLenError(QNAME_MAX));
  }
  if (!QNAME_RE.test(name)) {
    errs.push('name part ' + regexError(QNAME_ERR, QNAME_FMT, 'MyName', 'my.name', '123-abc'));
  }
  return errs;
}

const LABEL_VALUE_FMT = '(' + QNAME_FMT + ')?';
const LABEL_VALUE_ERR =
  "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
const LABEL_VALUE_MAX = 63;
const LABEL_VALUE_RE = new RegExp('^' + LABEL_VALUE_FMT + '$');

/** IsValidLabelValue: empty, or at most 63 bytes of [A-Za-z0-9._-] starting and ending alphanumeric. */
export function isValidLabelValue(value: string): string[] {
  const errs: string[] = [];
  if (utf8Length(value) > LABEL_VALUE_MAX) errs.push(maxLenError(LABEL_VALUE_MAX));
  if (!LABEL_VALUE_RE.test(value)) {
    errs.push(regexError(LABEL_VALUE_ERR, LABEL_VALUE_FMT, 'MyValue', 'my_value', '12345'));
  }
  return errs;
}

// --- DNS names ----------------------------------------------------------------------------------------------------

const DNS1123_LABEL_FMT = '[a-z0-9]([-a-z0-9]*[a-z0-9])?';
const DNS1123_LABEL_ERR =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character";
const DNS1123_LABEL_MAX = 63;
const DNS1123_LABEL_RE = new RegExp('^' + DNS1123_LABEL_FMT + '$');

const DNS1123_SUBDOMAIN_FMT = DNS1123_LABEL_FMT + '(\\.' + DNS1123_LABEL_FMT + ')*';
const DNS1123_SUBDOMAIN_ERR =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character";
const DNS1123_SUBDOMAIN_MAX = 253;
const DNS1123_SUBDOMAIN_RE = new RegExp('^' + DNS1123_SUBDOMAIN_FMT + '$');

const DNS1035_LABEL_FMT = '[a-z]([-a-z0-9]*[a-z0-9])?';
const DNS1035_LABEL_ERR =
  "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character";
const DNS1035_LABEL_MAX = 63;
const DNS1035_LABEL_RE = new RegExp('^' + DNS1035_LABEL_FMT + '$');

/** IsDNS1123Label: at most 63 bytes, lower-case alphanumerics and '-', alphanumeric at both ends. */
export function isDNS1123Label(value: string): string[] {
  const errs: string[] = [];
  if (utf8Length(value) > DNS1123_LABEL_MAX) errs.push(maxLenError(DNS1123_LABEL_MAX));
  if (!DNS1123_LABEL_RE.test(value)) {
    // A valid subdomain that is not a valid label can only be failing because of its dots (length was checked).
    if (DNS1123_SUBDOMAIN_RE.test(value)) errs.push('must not contain dots');
    else errs.push(regexError(DNS1123_LABEL_ERR, DNS1123_LABEL_FMT, 'my-name', '123-abc'));
  }
  return errs;
}

/** IsDNS1123Subdomain: at most 253 bytes of dot-separated DNS-1123 labels. */
export function isDNS1123Subdomain(value: string): string[] {
  const errs: string[] = [];
  if (utf8Length(value) > DNS1123_SUBDOMAIN_MAX) errs.push(maxLenError(DNS1123_SUBDOMAIN_MAX));
  if (!DNS1123_SUBDOMAIN_RE.test(value)) {
    errs.push(regexError(DNS1123_SUBDOMAIN_ERR, DNS1123_SUBDOMAIN_FMT, 'example.com'));
  }
  return errs;
}

/** IsDNS1035Label: like a DNS-1123 label but must start with a letter. */
export function isDNS1035Label(value: string): string[] {
  const errs: string[] = [];
  if (utf8Length(value) > DNS1035_LABEL_MAX) errs.push(maxLenError(DNS1035_LABEL_MAX));
  if (!DNS1035_LABEL_RE.test(value)) {
    errs.push(regexError(DNS1035_LABEL_ERR, DNS1035_LABEL_FMT, 'my-name', 'abc-123'));
  }
  return errs;
}

// --- path segment names (path.IsValidPathSegmentName) --------------------------------------------------------------

const PATH_SEGMENT_MAY_NOT_BE = ['.', '..'] as const;
const PATH_SEGMENT_MAY_NOT_CONTAIN = ['/', '%'] as const;

/** IsValidPathSegmentPrefix: the name may not contain '/' or '%' (no length or emptiness check, as upstream). */
export function isValidPathSegmentPrefix(name: string): string[] {
  const errs: string[] = [];
  for (const bad of PATH_SEGMENT_MAY_NOT_CONTAIN) {
    if (name.includes(bad)) errs.push(`may not contain '${bad}'`);
  }
  return errs;
}

/** IsValidPathSegmentName: additionally may not be exactly '.' or '..'. */
export function isValidPathSegmentName(name: string): string[] {
  for (const bad of PATH_SEGMENT_MAY_NOT_BE) {
    if (name === bad) return [`may not be '${bad}'`];
  }
  return isValidPathSegmentPrefix(name);
}
