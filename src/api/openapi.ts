// OpenAPI endpoints. kubectl 1.27 and 1.28 refuse apply/edit/explain/diff unless /openapi/v2 answers with a
// parseable protobuf document; the minimal gnostic Document{swagger:"2.0"} (5 bytes) is enough for them, and they then
// read /openapi/v3 for schemas. /openapi/v3 is the index of per group-version documents (src/openapi/), served like
// kube-openapi's handler3: ETag = content hash, 304 on If-None-Match, immutable caching when the URL carries the
// current `hash`, and a redirect to the current URL when it carries an old one.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { wallClock } from '../clock.js';
import { errors } from '../machinery/errors.js';
import { BUILTIN_RESOURCES, Catalog } from '../registry/catalog.js';
import { OpenAPIV3Documents, type ServedDocument } from '../openapi/document.js';
import { loadArtifact } from '../openapi/schema.js';

const MINIMAL_V2 = Buffer.from([0x0a, 0x03, 0x32, 0x2e, 0x30]);
const V3_PREFIX = '/openapi/v3/';

export interface OpenAPIOptions {
  /** The served resources (defaults to the built-in catalogue). */
  catalog?: Catalog;
  log?: (line: string) => void;
}

let builtin: Catalog | undefined;
const documents = new WeakMap<Catalog, { generation: number; docs: Promise<OpenAPIV3Documents | undefined> }>();

/** The v3 documents of a catalogue, built on first use and kept until the catalogue changes (custom resources come
 * and go: the index then carries new hashes, so kubectl refetches). Undefined when the schemas are unavailable. */
export function openAPIV3Documents(catalog: Catalog, log?: (line: string) => void): Promise<OpenAPIV3Documents | undefined> {
  let entry = documents.get(catalog);
  if (!entry || entry.generation !== catalog.generation) {
    entry = { generation: catalog.generation, docs: loadArtifact(log).then((artifact) => artifact && new OpenAPIV3Documents(catalog, artifact)) };
    documents.set(catalog, entry);
  }
  return entry.docs;
}

/** Whether an If-None-Match header (a list of entity tags, or `*`) matches. */
function matches(ifNoneMatch: string | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  return ifNoneMatch.split(',').some((t) => {
    const tag = t.trim().replace(/^W\//, '');
    return tag === '*' || tag === etag;
  });
}

function send(req: IncomingMessage, res: ServerResponse, doc: ServedDocument, headers: Record<string, string>): void {
  const etag = `"${doc.hash}"`;
  if (matches(req.headers['if-none-match'], etag)) {
    res.writeHead(304, { ...headers, ETag: etag });
    res.end();
    return;
  }
  res.writeHead(200, { ...headers, 'Content-Type': 'application/json', ETag: etag, 'Content-Length': doc.body.length });
  res.end(req.method === 'HEAD' ? undefined : doc.body);
}

function acceptsJson(accept: string | undefined): boolean {
  if (!accept) return true;
  return accept.split(',').some((part) => {
    const type = part.split(';')[0]!.trim().toLowerCase();
    return type === 'application/json' || type === 'application/*' || type === '*/*';
  });
}

async function handleV3(req: IncomingMessage, res: ServerResponse, path: string, opts: OpenAPIOptions): Promise<void> {
  const catalog = opts.catalog ?? (builtin ??= new Catalog(BUILTIN_RESOURCES));
  const docs = await openAPIV3Documents(catalog, opts.log);
  if (!docs) throw errors.pathNotFound();
  if (path === '/openapi/v3') {
    send(req, res, docs.index, { 'Cache-Control': 'no-cache, private' });
    return;
  }
  const gvPath = path.slice(V3_PREFIX.length);
  const doc = docs.document(gvPath);
  if (!doc) throw errors.pathNotFound();
  // Only JSON is offered (upstream also serves the gnostic protobuf form, which kubectl does not ask for).
  if (!acceptsJson(req.headers.accept)) throw errors.notAcceptable('only application/json is supported for OpenAPI v3 documents');
  const hash = new URL(req.url ?? '/', 'http://x').searchParams.get('hash');
  if (hash === null || hash === '') {
    send(req, res, doc, { 'Cache-Control': 'no-cache, private' });
    return;
  }
  if (hash !== doc.hash) {
    // A stale link from an older index: send the client to the current document, as handler3 does.
    res.writeHead(301, { Location: `${V3_PREFIX}${gvPath}?hash=${doc.hash}`, 'Content-Length': 0 });
    res.end();
    return;
  }
  // Wall time on purpose: HTTP caches compare Expires with their own clocks, not the cluster's (maybe virtual) one.
  const expires = new Date(wallClock.now() + 365 * 24 * 3600 * 1000).toUTCString();
  send(req, res, doc, { 'Cache-Control': 'public, immutable', Expires: expires, Vary: 'Accept' });
}

export async function handleOpenAPI(req: IncomingMessage, res: ServerResponse, path: string, opts: OpenAPIOptions = {}): Promise<void> {
  const method = req.method ?? 'GET';
  if (method !== 'GET' && method !== 'HEAD') throw errors.methodNotSupported({ group: '', resource: 'openapi' }, method.toLowerCase());
  if (path === '/openapi/v2' || path === '/swagger-2.0.0.pb-v1') {
    // application/octet-stream, as kube-apiserver answers: a Content-Type with '@' breaks kubectl's mime parser.
    res.writeHead(200, { 'Content-Type': 'application/octet-stream', 'Content-Length': MINIMAL_V2.length });
    res.end(method === 'HEAD' ? undefined : MINIMAL_V2);
    return;
  }
  if (path === '/openapi/v3' || path.startsWith(V3_PREFIX)) return handleV3(req, res, path, opts);
  throw errors.pathNotFound();
}
