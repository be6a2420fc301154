// Storage keys, laid out like the upstream etcd registry: /registry/<group>/<resource>/<namespace>/<name>.
import type { ResourceDef } from './types.js';

export function resourcePrefix(def: ResourceDef): string {
  const at = def.storedAs ?? def;
  return `/registry/${at.group || 'core'}/${at.plural}/`;
}

/** The prefix for a LIST: one namespace, or every namespace / cluster-scoped when `namespace` is empty. */
export function listPrefix(def: ResourceDef, namespace: string | undefined): string {
  const base = resourcePrefix(def);
  return def.namespaced && namespace ? `${base}${namespace}/` : base;
}

export function objectKey(def: ResourceDef, namespace: string | undefined, name: string): string {
  return def.namespaced ? `${resourcePrefix(def)}${namespace}/${name}` : `${resourcePrefix(def)}${name}`;
}
