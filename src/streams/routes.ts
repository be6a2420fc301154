// The URLs of the streaming subresources and the API server proxy:
//   /api/v1/namespaces/NS/pods/NAME/{exec,attach,portforward}
//   /api/v1/namespaces/NS/{pods,services}/NAME[:PORT]/proxy[/PATH]
//   /api/v1/nodes/NAME[:PORT]/proxy[/PATH]
// (the proxy paths have any number of segments, so they are matched before the REST-surface router).
import { errors } from '../machinery/errors.js';

export type StreamRoute =
  | { kind: 'exec' | 'attach' | 'portforward'; namespace: string; name: string }
  | { kind: 'proxy'; resource: 'pods' | 'services' | 'nodes'; namespace?: string; id: string; path: string };

const POD_STREAM = /^\/api\/v1\/namespaces\/([^/]+)\/pods\/([^/]+)\/(exec|attach|portforward)\/?$/;
const NS_PROXY = /^\/api\/v1\/namespaces\/([^/]+)\/(pods|services)\/([^/]+)\/proxy(\/.*)?$/;
const NODE_PROXY = /^\/api\/v1\/nodes\/([^/]+)\/proxy(\/.*)?$/;

function decode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw errors.badRequest(`invalid URL escape ${JSON.stringify(segment)}`);
  }
}

/** Matches the path of a request URL (no query); undefined for every other URL. */
export function matchStreamRoute(path: string): StreamRoute | undefined {
  if (!path.startsWith('/api/v1/')) return undefined;
  let m = POD_STREAM.exec(path);
  if (m) return { kind: m[3] as 'exec', namespace: decode(m[1]), name: decode(m[2]) };
  m = NS_PROXY.exec(path);
  if (m) return { kind: 'proxy', resource: m[2] as 'pods', namespace: decode(m[1]), id: decode(m[3]), path: m[4] ?? '' };
  m = NODE_PROXY.exec(path);
  if (m) return { kind: 'proxy', resource: 'nodes', id: decode(m[1]), path: m[2] ?? '' };
  return undefined;
}

/** upstream utilnet.SplitSchemeNamePort: "name", "name:port" or "scheme:name:port" (scheme http or https). */
export function splitSchemeNamePort(id: string): { scheme: string; name: string; port: string } | undefined {
  const parts = id.split(':');
  let scheme = '';
  let name: string;
  let port = '';
  if (parts.length === 1) name = parts[0];
  else if (parts.length === 2) [name, port] = parts;
  else if (parts.length === 3) [scheme, name, port] = parts;
  else return undefined;
  if (!name || (scheme && scheme !== 'http' && scheme !== 'https')) return undefined;
  return { scheme, name, port };
}
