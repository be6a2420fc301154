// Strategic merge patch failures, classified by how the apiserver reports them
// (interpretStrategicMergePatchError in k8s.io/apiserver/pkg/endpoints/handlers/patch.go):
//   badRequest - the mergepatch "bad format" sentinels                        -> 400 BadRequest
//   invalid    - mergepatch.ErrNoListOfLists                                   -> 422 (generic message)
//   internal   - any other error, returned unwrapped                           -> 500, message = error text
//   panic      - inputs on which the Go code panics (nil deref, map compare)   -> 500 plain-text panic response
// Messages are the k8s.io/apimachinery/pkg/util/mergepatch texts, with Go's %v/%s formatting of the values.

import { goSprintS, goSprintV } from './go-format.js';
import { goTypeName } from './json.js';

export type SmpFailureKind = 'badRequest' | 'invalid' | 'internal' | 'panic';

export class SmpFailure extends Error {
  constructor(
    readonly kind: SmpFailureKind,
    message: string,
  ) {
    super(message);
    this.name = 'SmpFailure';
  }
}

export const ERR_BAD_FORMAT_PRIMITIVE_LIST = 'invalid patch format of primitive list';
export const ERR_BAD_FORMAT_RETAIN_KEYS = 'invalid patch format of retainKeys';
export const ERR_BAD_FORMAT_SET_ELEMENT_ORDER = 'invalid patch format of setElementOrder list';
export const ERR_NO_LIST_OF_LISTS = 'lists of lists are not supported';

export const MAP_TYPE = 'map[string]interface {}';
export const SLICE_TYPE = '[]interface {}';

export function badRequest(message: string): SmpFailure {
  return new SmpFailure('badRequest', message);
}

export function internal(message: string): SmpFailure {
  return new SmpFailure('internal', message);
}

export function panicked(message: string): SmpFailure {
  return new SmpFailure('panic', message);
}

/** mergepatch.ErrNoMergeKey */
export function errNoMergeKey(m: unknown, key: string): SmpFailure {
  return internal(`map: ${goSprintV(m)} does not contain declared merge key: ${key}`);
}

/** mergepatch.ErrBadArgType: `expected` is the Go type the code asserted. */
export function errBadArgType(expected: string, actual: unknown): SmpFailure {
  return internal(`expected a ${expected}, but received a ${goTypeName(actual)}`);
}

/** mergepatch.ErrBadPatchType: an unknown $patch directive value. */
export function errBadPatchType(directive: unknown, m: unknown): SmpFailure {
  return internal(`unknown patch type: ${goSprintS(directive)} in map: ${goSprintV(m)}`);
}
