// Resolves a routed resource URL to the resource, namespace, name and subresource it names (upstream
// RequestInfoFactory), including the namespace subresources that share the namespaced-collection URL shape.
import { errors } from '../machinery/errors.js';
import type { Catalog } from '../registry/catalog.js';
import type { ResourceDef } from '../registry/types.js';

export interface RequestTarget {
  def: ResourceDef;
  namespace?: string;
  name?: string;
  subresource?: string;
}

const NAMESPACE_SUBRESOURCES = new Set(['status', 'finalize']);

export function resolveTarget(catalog: Catalog, operationId: string, params: Record<string, string>): RequestTarget {
  const group = operationId.startsWith('group') ? params.group : '';
  const version = params.version;
  let resource = params.resource;
  let namespace = params.namespace as string | undefined;
  let name = params.name as string | undefined;
  let subresource = params.subresource as string | undefined;
  const namespacedUrl = operationId.includes('Namespaced');

  // /api/v1/namespaces/{name}/status|finalize has the namespaced-collection shape but names a namespace subresource.
  if (namespacedUrl && name === undefined && group === '' && NAMESPACE_SUBRESOURCES.has(resource)) {
    subresource = resource;
    name = namespace;
    resource = 'namespaces';
    namespace = undefined;
  }
  if (!catalog.hasGroupVersion(group, version)) throw errors.pathNotFound();
  const def = catalog.lookup(group, version, resource);
  if (!def) throw errors.pathNotFound();
  if (namespacedUrl && !def.namespaced && resource !== 'namespaces') throw errors.pathNotFound();
  if (namespacedUrl && resource === 'namespaces' && subresource === undefined) throw errors.pathNotFound();
  // Named namespaced objects need the namespaced URL (there is no /api/v1/pods/NAME).
  if (!namespacedUrl && def.namespaced && name !== undefined) throw errors.pathNotFound();
  return { def, namespace: namespacedUrl ? namespace : undefined, name, subresource };
}
