// The one catalogue of API errors. Every failure leaves the server as a metav1.Status with the upstream reason,
// code and message shape (k8s.io/apimachinery/pkg/api/errors), so kubectl prints "Error from server (Reason): ...".

export type StatusReason =
  | 'BadRequest'
  | 'Unauthorized'
  | 'Forbidden'
  | 'NotFound'
  | 'AlreadyExists'
  | 'Conflict'
  | 'Gone'
  | 'Expired'
  | 'Invalid'
  | 'MethodNotAllowed'
  | 'NotAcceptable'
  | 'RequestEntityTooLarge'
  | 'UnsupportedMediaType'
  | 'TooManyRequests'
  | 'InternalError'
  | 'ServiceUnavailable'
  | 'Timeout';

export interface StatusCause {
  reason?: string;
  message?: string;
  field?: string;
}

export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
  uid?: string;
  causes?: StatusCause[];
  retryAfterSeconds?: number;
}

export interface Status {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: Record<string, unknown>;
  status: 'Success' | 'Failure';
  message?: string;
  reason?: StatusReason;
  details?: StatusDetails;
  code: number;
}

export class ApiError extends Error {
  constructor(
    readonly code: number,
    readonly reason: StatusReason | undefined,
    message: string,
    readonly details?: StatusDetails,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  toStatus(): Status {
    const s: Status = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: this.message, code: this.code };
    if (this.reason) s.reason = this.reason;
    if (this.details) s.details = this.details;
    return s;
  }
}

/** A resource as named in messages: `pods`, `deployments.apps` (upstream GroupResource.String()). */
export interface GroupResource {
  group: string;
  resource: string;
}

export function qualified(gr: GroupResource): string {
  return gr.group ? `${gr.resource}.${gr.group}` : gr.resource;
}

export const errors = {
  notFound(gr: GroupResource, name: string): ApiError {
    return new ApiError(404, 'NotFound', `${qualified(gr)} "${name}" not found`, { name, group: gr.group || undefined, kind: gr.resource });
  },
  /** The 404 for URLs that name no served resource (upstream NotFound with no details). */
  pathNotFound(): ApiError {
    return new ApiError(404, 'NotFound', 'the server could not find the requested resource', {});
  },
  /** The 405 for a method the URL does not serve (upstream: go-restful's route miss, NewGenericServerResponse). */
  methodNotAllowed(): ApiError {
    return new ApiError(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource', {});
  },
  alreadyExists(gr: GroupResource, name: string): ApiError {
    return new ApiError(409, 'AlreadyExists', `${qualified(gr)} "${name}" already exists`, { name, group: gr.group || undefined, kind: gr.resource });
  },
  conflict(gr: GroupResource, name: string, why: string): ApiError {
    return new ApiError(409, 'Conflict', `Operation cannot be fulfilled on ${qualified(gr)} "${name}": ${why}`, {
      name,
      group: gr.group || undefined,
      kind: gr.resource,
    });
  },
  staleObject(gr: GroupResource, name: string): ApiError {
    return errors.conflict(gr, name, 'the object has been modified; please apply your changes to the latest version and try again');
  },
  /** 422 with field causes; `message` is already aggregated upstream-style (`Kind "name" is invalid: ...`). */
  invalid(group: string, kind: string, name: string, message: string, causes: StatusCause[]): ApiError {
    return new ApiError(422, 'Invalid', message, { name, group: group || undefined, kind, causes });
  },
  badRequest(message: string): ApiError {
    return new ApiError(400, 'BadRequest', message);
  },
  forbidden(gr: GroupResource, name: string, why: string): ApiError {
    const what = name ? `${qualified(gr)} "${name}"` : qualified(gr);
    return new ApiError(403, 'Forbidden', `${what} is forbidden: ${why}`, { name: name || undefined, group: gr.group || undefined, kind: gr.resource });
  },
  methodNotSupported(gr: GroupResource, verb: string): ApiError {
    return new ApiError(405, 'MethodNotAllowed', `${verb} is not supported on resources of kind "${qualified(gr)}"`, {
      group: gr.group || undefined,
      kind: gr.resource,
    });
  },
  /** 410 for a watch or list at a compacted resourceVersion (upstream NewResourceExpired). */
  expired(message: string): ApiError {
    return new ApiError(410, 'Expired', message);
  },
  gone(message: string): ApiError {
    return new ApiError(410, 'Gone', message);
  },
  notAcceptable(message: string): ApiError {
    return new ApiError(406, 'NotAcceptable', message);
  },
  unsupportedMediaType(contentType: string): ApiError {
    return new ApiError(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: ${contentType}`);
  },
  tooLarge(message = 'the request is too large'): ApiError {
    return new ApiError(413, 'RequestEntityTooLarge', `Request entity too large: ${message}`);
  },
  tooManyRequests(message: string, retryAfterSeconds: number): ApiError {
    return new ApiError(429, 'TooManyRequests', message, { retryAfterSeconds });
  },
  internal(message: string): ApiError {
    return new ApiError(500, 'InternalError', `Internal error occurred: ${message}`, { causes: [{ message }] });
  },
  serviceUnavailable(message: string): ApiError {
    return new ApiError(503, 'ServiceUnavailable', message);
  },
  /** upstream NewTimeoutError: the message gets a "Timeout: " prefix. */
  timeout(message: string, retryAfterSeconds = 0): ApiError {
    return new ApiError(504, 'Timeout', `Timeout: ${message}`, { retryAfterSeconds });
  },
};

export function successStatus(details?: StatusDetails): Status {
  const s: Status = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 200 } as Status;
  if (details) s.details = details;
  return s;
}

export function asApiError(err: unknown): ApiError {
  if (err instanceof ApiError) return err;
  const msg = err instanceof Error ? err.message : String(err);
  return errors.internal(msg);
}
