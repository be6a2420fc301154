import { age } from '../../../machinery/duration.js';
import { col, AGE, NAME_DESCRIPTION } from '../../columns.js';
import type { Obj, ResourceDef } from '../../types.js';

// upstream printEndpointSlice: ports as "80,443" (or <unset>), endpoints as the first three addresses + N more.
function portsCell(s: Obj): string {
  const ports: Obj[] = s.ports ?? [];
  if (!ports.length) return '<unset>';
  return ports.map((p) => (p.port === undefined || p.port === null ? '<unset>' : String(p.port))).join(',');
}

function endpointsCell(s: Obj): string {
  const addrs: string[] = (s.endpoints ?? []).flatMap((e: Obj) => e.addresses ?? []);
  if (!addrs.length) return '<unset>';
  return addrs.length > 3 ? `${addrs.slice(0, 3).join(',')} + ${addrs.length - 3} more...` : addrs.join(',');
}

export const endpointslices: ResourceDef = {
  group: 'discovery.k8s.io',
  version: 'v1',
  kind: 'EndpointSlice',
  plural: 'endpointslices',
  singular: 'endpointslice',
  namespaced: true,
  nameRule: 'subdomain',
  columns: [
    col('Name', NAME_DESCRIPTION),
    col('AddressType', 'addressType specifies the type of address carried by this EndpointSlice.'),
    col('Ports', 'ports specifies the list of network ports exposed by each endpoint in this slice.'),
    col('Endpoints', 'endpoints is a list of unique endpoints in this slice.'),
    AGE,
  ],
  cells: (o, now) => [o.metadata?.name, o.addressType ?? '', portsCell(o), endpointsCell(o), age(o.metadata?.creationTimestamp, now)],
  defaults: (o) => {
    for (const p of o.ports ?? []) if (p && typeof p === 'object') p.protocol ??= 'TCP';
  },
};
