// OpenAPI endpoints. kubectl 1.27 and 1.28 refuse apply/edit/explain/diff unless /openapi/v2 answers with a
// parseable protobuf document; the minimal gnostic Document{swagger:"2.0"} (5 bytes) is enough for them, and they then
// read /openapi/v3 for schemas. Full v3 documents are generated from the type facts (not yet served: 404).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { errors } from '../machinery/errors.js';

const MINIMAL_V2 = Buffer.from([0x0a, 0x03, 0x32, 0x2e, 0x30]);

export function handleOpenAPI(req: IncomingMessage, res: ServerResponse, path: string): void {
  if (req.method !== 'GET') throw errors.methodNotSupported({ group: '', resource: 'openapi' }, (req.method ?? '').toLowerCase());
  if (path === '/openapi/v2' || path === '/swagger-2.0.0.pb-v1') {
    // application/octet-stream, as kube-apiserver answers: a Content-Type with '@' breaks kubectl's mime parser.
    res.writeHead(200, { 'Content-Type': 'application/octet-stream', 'Content-Length': MINIMAL_V2.length });
    res.end(MINIMAL_V2);
    return;
  }
  throw errors.pathNotFound();
}
