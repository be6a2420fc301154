// What a fresh cluster has before anyone talks to it: the four system namespaces (like kube-apiserver's
// bootstrap controller). Runs through the normal registry path, so defaults and validation apply.
import { ApiError } from './machinery/errors.js';
import type { Catalog } from './registry/catalog.js';
import type { GenericStore } from './registry/store.js';

export const SYSTEM_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];

export async function bootstrap(store: GenericStore, catalog: Catalog): Promise<void> {
  const nsDef = catalog.lookup('', 'v1', 'namespaces')!;
  for (const name of SYSTEM_NAMESPACES) {
    try {
      store.get(nsDef, undefined, name);
    } catch (err) {
      if (!(err instanceof ApiError && err.code === 404)) throw err;
      await store.create(nsDef, undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
    }
  }
}
