// PatchError: a patch failure carrying exactly the Status kube-apiserver answers with. The codes follow
// k8s.io/apiserver/pkg/endpoints/handlers/patch.go:
//
//   400 BadRequest  - the body does not decode as the patch type expects (errors.NewBadRequest), and the
//                     strategic-merge "bad format" sentinels (interpretStrategicMergePatchError).
//   413             - a JSON patch with more than 10000 operations (errors.NewRequestEntityTooLargeError).
//   422 Invalid     - a JSON patch operation fails (errors.NewGenericServerResponse(422, ..., isUnexpected=false));
//                     also strategic merge's ErrNoListOfLists. NewGenericServerResponse does NOT copy the library
//                     error into the Status, so the wire message is the fixed "the server rejected our request
//                     due to an error in our request" with empty details (kubectl: "The request is invalid: ...").
//   500             - every other strategic-merge error (missing merge key, unknown $patch value, ...) is returned
//                     unwrapped, and responsewriters.ErrorToAPIStatus turns a plain error into code 500 with no
//                     reason and the error text as message (kubectl: "Error from server: map: ... merge key: name").
//   500 (panic)     - inputs on which upstream panics; the panic filter writes a plain-text body instead of a Status.
//
// 409 is part of the union for callers that fold resourceVersion preconditions into the same error type.

export type PatchErrorCode = 400 | 409 | 413 | 422 | 500;
export type PatchErrorReason = 'BadRequest' | 'Conflict' | 'RequestEntityTooLarge' | 'Invalid';

export interface PatchStatus {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: Record<string, never>;
  status: 'Failure';
  message: string;
  reason?: PatchErrorReason;
  details?: Record<string, never>;
  code: number;
}

export const INVALID_REQUEST_MESSAGE = 'the server rejected our request due to an error in our request';
export const PANIC_MESSAGE = 'This request caused apiserver to panic. Look in the logs for details.';

export class PatchError extends Error {
  /**
   * @param code      HTTP status code upstream answers with
   * @param reason    Status.reason (absent for upstream's unwrapped 500s)
   * @param message   Status.message exactly as upstream sends it
   * @param detail    the underlying library error text (for logs; on the wire only when it is the message)
   * @param panic     upstream panics here: the response is `message` as text/plain, not a Status
   * @param emptyDetails upstream sends `"details": {}` (NewGenericServerResponse)
   */
  constructor(
    readonly code: PatchErrorCode,
    readonly reason: PatchErrorReason | undefined,
    message: string,
    readonly detail: string = message,
    readonly panic = false,
    readonly emptyDetails = false,
  ) {
    super(message);
    this.name = 'PatchError';
  }

  toStatus(): PatchStatus {
    const s: PatchStatus = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: this.message, code: this.code };
    if (this.reason) s.reason = this.reason;
    if (this.emptyDetails) s.details = {};
    return s;
  }

  static badRequest(message: string): PatchError {
    return new PatchError(400, 'BadRequest', message);
  }

  /** errors.NewGenericServerResponse(422, ...): the library error is dropped from the response. */
  static invalid(detail: string): PatchError {
    return new PatchError(422, 'Invalid', INVALID_REQUEST_MESSAGE, detail, false, true);
  }

  static tooLarge(message: string): PatchError {
    return new PatchError(413, 'RequestEntityTooLarge', `Request entity too large: ${message}`);
  }

  /** A plain Go error surfacing through ErrorToAPIStatus. */
  static internal(message: string): PatchError {
    return new PatchError(500, undefined, message);
  }

  static panicked(detail: string): PatchError {
    return new PatchError(500, undefined, PANIC_MESSAGE, detail, true);
  }
}

/** Go's `json: cannot unmarshal <kind> into Go value of type <type>` for a decoded JSON value. */
export function unmarshalTypeError(value: unknown, goType: string, field?: { struct: string; name: string }): string {
  const kind = value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value === 'object' ? 'object' : typeof value === 'boolean' ? 'bool' : typeof value;
  if (field) return `json: cannot unmarshal ${kind} into Go struct field ${field.struct}.${field.name} of type ${goType}`;
  return `json: cannot unmarshal ${kind} into Go value of type ${goType}`;
}
