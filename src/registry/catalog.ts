// The list of served resources and the lookups derived from it (by URL, by kind, by short name).
import { configmaps } from './resources/core/configmaps.js';
import { endpoints } from './resources/core/endpoints.js';
import { events } from './resources/core/events.js';
import { namespaces } from './resources/core/namespaces.js';
import { nodes } from './resources/core/nodes.js';
import { pods } from './resources/core/pods.js';
import { secrets } from './resources/core/secrets.js';
import { serviceaccounts } from './resources/core/serviceaccounts.js';
import { services } from './resources/core/services.js';
import { controllerrevisions } from './resources/apps/controllerrevisions.js';
import { daemonsets } from './resources/apps/daemonsets.js';
import { deployments } from './resources/apps/deployments.js';
import { replicasets } from './resources/apps/replicasets.js';
import { statefulsets } from './resources/apps/statefulsets.js';
import { leases } from './resources/coordination/leases.js';
import { endpointslices } from './resources/discovery/endpointslices.js';
import { selfsubjectaccessreviews, selfsubjectreviews, selfsubjectrulesreviews } from './resources/authorization/reviews.js';
import { groupVersion, type ResourceDef } from './types.js';

export const BUILTIN_RESOURCES: ResourceDef[] = [
  namespaces,
  pods,
  nodes,
  services,
  endpoints,
  configmaps,
  secrets,
  serviceaccounts,
  events,
  deployments,
  replicasets,
  statefulsets,
  daemonsets,
  controllerrevisions,
  leases,
  endpointslices,
  selfsubjectaccessreviews,
  selfsubjectrulesreviews,
  selfsubjectreviews,
];

export interface GroupInfo {
  name: string;
  versions: string[];
  preferredVersion: string;
}

export class Catalog {
  private readonly byPath = new Map<string, ResourceDef>();
  private readonly byKind = new Map<string, ResourceDef>();

  constructor(readonly resources: ResourceDef[]) {
    for (const r of resources) {
      this.byPath.set(`${groupVersion(r)}/${r.plural}`, r);
      this.byKind.set(`${groupVersion(r)}/${r.kind}`, r);
    }
  }

  lookup(group: string, version: string, plural: string): ResourceDef | undefined {
    return this.byPath.get(`${group ? `${group}/` : ''}${version}/${plural}`);
  }

  lookupKind(apiVersion: string, kind: string): ResourceDef | undefined {
    return this.byKind.get(`${apiVersion}/${kind}`);
  }

  hasGroupVersion(group: string, version: string): boolean {
    return this.resources.some((r) => r.group === group && r.version === version);
  }

  /** Named groups in the order upstream lists them (registration order). */
  groups(): GroupInfo[] {
    const out = new Map<string, GroupInfo>();
    for (const r of this.resources) {
      if (!r.group) continue;
      const g = out.get(r.group) ?? { name: r.group, versions: [], preferredVersion: r.version };
      if (!g.versions.includes(r.version)) g.versions.push(r.version);
      out.set(r.group, g);
    }
    return [...out.values()];
  }

  resourcesOf(group: string, version: string): ResourceDef[] {
    return this.resources.filter((r) => r.group === group && r.version === version);
  }
}
