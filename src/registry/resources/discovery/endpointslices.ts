import { age } from '../../../machinery/duration.js';
import { col, AGE, NAME_DESCRIPTION } from '../../columns.js';
import type { Obj, ResourceDef } from '../../types.js';

// upstream printEndpointSlice: the first three ports (number, else name, else "*") and the first three addresses, then
// "+ N more..."; <unset> when there are none.
function listWithMore(list: string[]): string {
  if (list.length > 3) return `${list.slice(0, 3).join(',')} + ${list.length - 3} more...`;
  return list.length ? list.join(',') : '<unset>';
}

function portsCell(s: Obj): string {
  return listWithMore((s.ports ?? []).map((p: Obj) => (p?.port !== undefined && p?.port !== null ? String(p.port) : (p?.name ?? '*'))));
}

function endpointsCell(s: Obj): string {
  return listWithMore((s.endpoints ?? []).flatMap((e: Obj) => e?.addresses ?? []));
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
