// What a request asks for, from its method and URL alone (no routing, no catalogue): the attributes upstream's
// RequestInfoFactory derives for authorization and audit (verb, API group and version, resource, subresource,
// namespace, name). Fault injection and request recording (src/faults.ts, src/request-log.ts) match on these, and
// they must work for any URL, including ones the router would reject.

export interface RequestAttributes {
  /** False for discovery, /version, /healthz, /openapi and other non-resource URLs. */
  isResourceRequest: boolean;
  /** get, list, watch, create, update, patch, delete, deletecollection; the lowercased method otherwise. */
  verb: string;
  /** '' for the core group (and for non-resource URLs). */
  apiGroup: string;
  apiVersion: string;
  resource: string;
  subresource: string;
  namespace: string;
  name: string;
  /** The URL path without the query string. */
  path: string;
  /** The raw query string, without '?'. */
  query: string;
}

const VERB_OF_METHOD: Record<string, string> = { POST: 'create', GET: 'get', HEAD: 'get', PUT: 'update', PATCH: 'patch', DELETE: 'delete' };
/** Sub-paths of /api/v1/namespaces/{name} that are subresources of the namespace, not namespaced resources. */
const NAMESPACE_SUBRESOURCES = new Set(['status', 'finalize']);

function queryParam(query: string, name: string): string | undefined {
  if (!query) return undefined;
  for (const part of query.split('&')) {
    const eq = part.indexOf('=');
    const key = eq < 0 ? part : part.slice(0, eq);
    if (key !== name) continue;
    try {
      return eq < 0 ? '' : decodeURIComponent(part.slice(eq + 1).replace(/\+/g, ' '));
    } catch {
      return undefined;
    }
  }
  return undefined;
}

const truthy = (v: string | undefined) => v !== undefined && ['1', 't', 'true', 'T', 'TRUE', 'True'].includes(v);

function decodeSegment(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** Parses `url` (path and query) the way the apiserver classifies requests. Never throws. */
export function requestAttributes(method: string, url: string): RequestAttributes {
  const q = url.indexOf('?');
  const path = q < 0 ? url : url.slice(0, q);
  const query = q < 0 ? '' : url.slice(q + 1);
  const m = method.toUpperCase();
  const out: RequestAttributes = {
    isResourceRequest: false,
    verb: m.toLowerCase(),
    apiGroup: '',
    apiVersion: '',
    resource: '',
    subresource: '',
    namespace: '',
    name: '',
    path,
    query,
  };
  let parts = path.split('/').filter((s) => s !== '').map(decodeSegment);
  // /api/{version}/... and /apis/{group}/{version}/...; shorter paths are discovery.
  if (parts[0] === 'api') {
    if (parts.length < 3) return out;
    out.apiVersion = parts[1];
    parts = parts.slice(2);
  } else if (parts[0] === 'apis') {
    if (parts.length < 4) return out;
    out.apiGroup = parts[1];
    out.apiVersion = parts[2];
    parts = parts.slice(3);
  } else {
    return out;
  }
  out.isResourceRequest = true;
  let verb = VERB_OF_METHOD[m] ?? m.toLowerCase();
  // The deprecated /watch/ prefix (GET /api/v1/watch/namespaces/ns/pods).
  if (parts[0] === 'watch' && verb === 'get') {
    verb = 'watch';
    parts = parts.slice(1);
  }
  if (parts[0] === 'namespaces' && parts.length > 1) {
    out.namespace = parts[1];
    // /namespaces/{ns}/{resource}/...: a namespaced resource, unless {resource} is a subresource of the namespace.
    if (parts.length > 2 && !NAMESPACE_SUBRESOURCES.has(parts[2])) parts = parts.slice(2);
  }
  out.resource = parts[0] ?? '';
  out.name = parts[1] ?? '';
  out.subresource = parts[2] ?? '';
  if (!out.name && verb === 'get') {
    verb = truthy(queryParam(query, 'watch')) ? 'watch' : 'list';
    // A list or watch narrowed to one object by metadata.name names it (client-go's reflector for one object).
    const fs = queryParam(query, 'fieldSelector');
    const exact = fs && /^metadata\.name==?([^,=!]+)$/.exec(fs);
    if (exact) out.name = exact[1];
  } else if (out.name && verb === 'get' && !out.subresource && truthy(queryParam(query, 'watch'))) {
    verb = 'watch';
  }
  if (verb === 'delete' && !out.name) verb = 'deletecollection';
  out.verb = verb;
  return out;
}
