// The one hook the HTTP server calls first for every request when fault injection or request recording is on
// (ApiServerDeps.intercept). With both off there is no hook at all, so the request path pays nothing.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { requestAttributes } from './api/request-attributes.js';
import type { FaultInjector } from './faults.js';
import type { RequestRecorder } from './request-log.js';

export type Intercept = (req: IncomingMessage, res: ServerResponse, next: () => void) => void;

export function requestHook(faults: FaultInjector | undefined, recorder: RequestRecorder | undefined): Intercept | undefined {
  if (!faults && !recorder) return undefined;
  return (req, res, next) => {
    const url = req.url ?? '/';
    // kubesim's own control endpoints are neither faulted nor recorded (a fault must not lock out its own removal).
    if (url.startsWith('/kubesim/')) return next();
    const attrs = requestAttributes(req.method ?? 'GET', url);
    const entry = recorder?.begin(req, res, attrs);
    if (!faults) return next();
    faults.handle(req, res, attrs, next, entry && ((id) => (entry.fault = id)));
  };
}
