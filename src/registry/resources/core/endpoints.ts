import { age } from '../../../machinery/duration.js';
import { col, AGE, NAME_DESCRIPTION } from '../../columns.js';
import type { ResourceDef } from '../../types.js';
type Obj = Record<string, any>;

// upstream formatEndpoints: up to three ip:port pairs, then "+ N more..."; <none> only when there are no subsets (subsets
// with no ready addresses print nothing).
function formatEndpoints(ep: Obj): string {
  const subsets: Obj[] = ep.subsets ?? [];
  if (!subsets.length) return '<none>';
  const all: string[] = [];
  let count = 0;
  for (const ss of subsets) {
    const addrs: Obj[] = ss?.addresses ?? [];
    // Headless services may have no ports: the bare IPs.
    const ports: Obj[] = ss?.ports?.length ? ss.ports : [{}];
    for (const p of ports) {
      for (const a of addrs) {
        count++;
        if (all.length < 3) all.push(p.port !== undefined ? joinHostPort(String(a.ip), p.port) : a.ip);
      }
    }
  }
  return count > 3 ? `${all.join(',')} + ${count - 3} more...` : all.join(',');
}

/** Go's net.JoinHostPort: IPv6 addresses are bracketed. */
function joinHostPort(ip: string, port: number): string {
  return ip.includes(':') ? `[${ip}]:${port}` : `${ip}:${port}`;
}

export const endpoints: ResourceDef = {
  group: '',
  version: 'v1',
  kind: 'Endpoints',
  plural: 'endpoints',
  singular: 'endpoints',
  namespaced: true,
  shortNames: ['ep'],
  nameRule: 'subdomain',
  allowCreateOnUpdate: true,
  deprecated: { since: { major: 1, minor: 33 }, warning: 'v1 Endpoints is deprecated in v1.33+; use discovery.k8s.io/v1 EndpointSlice' },
  columns: [col('Name', NAME_DESCRIPTION), col('Endpoints', 'Endpoints of the endpoints'), AGE],
  cells: (o, now) => [o.metadata?.name, formatEndpoints(o), age(o.metadata?.creationTimestamp, now)],
  defaults: (o) => {
    for (const ss of o.subsets ?? []) for (const p of ss?.ports ?? []) if (p && typeof p === 'object') p.protocol ??= 'TCP';
  },
};
