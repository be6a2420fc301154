// Discovery documents derived from the resource catalogue: legacy (/api, /apis, APIResourceList per group-version)
// and aggregated (apidiscovery.k8s.io v2 and v2beta1, chosen by Accept, answered with the exact Content-Type).
import type { Catalog } from '../registry/catalog.js';
import { ALL_VERBS, groupVersion, type ResourceDef } from '../registry/types.js';

type Obj = Record<string, any>;

export const DISCOVERY_CONTENT_TYPE = {
  v2: 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList',
  v2beta1: 'application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList',
} as const;

export function serverAddresses(): Obj[] {
  return [{ clientCIDR: '0.0.0.0/0', serverAddress: '' }];
}

export function apiVersions(): Obj {
  return { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: serverAddresses() };
}

function groupEntry(catalog: Catalog, name: string): Obj | undefined {
  const g = catalog.groups().find((x) => x.name === name);
  if (!g) return undefined;
  return {
    name: g.name,
    versions: g.versions.map((v) => ({ groupVersion: `${g.name}/${v}`, version: v })),
    preferredVersion: { groupVersion: `${g.name}/${g.preferredVersion}`, version: g.preferredVersion },
  };
}

export function apiGroupList(catalog: Catalog): Obj {
  return {
    kind: 'APIGroupList',
    apiVersion: 'v1',
    groups: catalog.groups().map((g) => groupEntry(catalog, g.name)),
  };
}

export function apiGroup(catalog: Catalog, name: string): Obj | undefined {
  const entry = groupEntry(catalog, name);
  return entry && { kind: 'APIGroup', apiVersion: 'v1', ...entry };
}

export function apiResourceList(catalog: Catalog, group: string, version: string): Obj {
  const resources: Obj[] = [];
  for (const r of catalog.resourcesOf(group, version)) {
    const entry: Obj = {
      name: r.plural,
      singularName: r.singular,
      namespaced: r.namespaced,
      kind: r.kind,
      verbs: r.verbs ?? ALL_VERBS,
    };
    if (r.shortNames?.length) entry.shortNames = r.shortNames;
    if (r.categories?.length) entry.categories = r.categories;
    resources.push(entry);
    for (const s of r.subresources ?? []) {
      const sub: Obj = { name: `${r.plural}/${s.name}`, singularName: '', namespaced: r.namespaced };
      if (s.kind) {
        sub.group = s.kind.group;
        sub.version = s.kind.version;
        sub.kind = s.kind.kind;
      } else {
        sub.kind = r.kind;
      }
      sub.verbs = s.verbs;
      resources.push(sub);
    }
  }
  return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: groupVersion({ group, version }), resources };
}

function aggregatedResource(r: ResourceDef): Obj {
  const entry: Obj = {
    resource: r.plural,
    responseKind: { group: r.group, version: r.version, kind: r.kind },
    scope: r.namespaced ? 'Namespaced' : 'Cluster',
    singularResource: r.singular,
    verbs: r.verbs ?? ALL_VERBS,
  };
  if (r.shortNames?.length) entry.shortNames = r.shortNames;
  if (r.categories?.length) entry.categories = r.categories;
  if (r.subresources?.length) {
    entry.subresources = r.subresources.map((s) => ({
      subresource: s.name,
      responseKind: s.kind ?? { group: r.group, version: r.version, kind: r.kind },
      verbs: s.verbs,
    }));
  }
  return entry;
}

/** The aggregated document for /api (core group only) or /apis (every named group). */
export function aggregatedDiscovery(catalog: Catalog, core: boolean, version: 'v2' | 'v2beta1'): Obj {
  const groups = core ? [{ name: '', versions: ['v1'] }] : catalog.groups();
  return {
    kind: 'APIGroupDiscoveryList',
    apiVersion: `apidiscovery.k8s.io/${version}`,
    metadata: {},
    items: groups.map((g) => ({
      metadata: { name: g.name, creationTimestamp: null },
      versions: g.versions.map((v) => ({
        version: v,
        resources: catalog.resourcesOf(g.name, v).map(aggregatedResource),
        freshness: 'Current',
      })),
    })),
  };
}
