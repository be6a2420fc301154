// What a fresh cluster has before anyone talks to it: the four system namespaces (like kube-apiserver's
// bootstrap controller), the `kubernetes` service and the default StorageClass. Runs through the normal registry
// path, so defaults and validation apply.
import type { Client } from './client/client.js';
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
  // The `kubernetes` service at the first address of the service CIDR, like kube-apiserver's bootstrap controller.
  const svcDef = catalog.lookup('', 'v1', 'services')!;
  try {
    store.get(svcDef, 'default', 'kubernetes');
  } catch (err) {
    if (!(err instanceof ApiError && err.code === 404)) throw err;
    await store.create(svcDef, 'default', {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'kubernetes', labels: { component: 'apiserver', provider: 'kubernetes' } },
      spec: { type: 'ClusterIP', clusterIP: '10.96.0.1', ports: [{ name: 'https', port: 443, protocol: 'TCP', targetPort: 6443 }], sessionAffinity: 'None' },
    });
  }
  await ensureDefaultStorageClass(store, catalog);
}

/** The default StorageClass every fresh cluster gets; the simulated provisioner (controllers/volume) serves it. */
export const DEFAULT_STORAGE_CLASS = 'standard';
export const HOSTPATH_PROVISIONER = 'kubesim.io/hostpath';

/**
 * Creates the default StorageClass when it is missing, like minikube's `standard` class whose
 * `addonmanager.kubernetes.io/mode: EnsureExists` label means exactly that: recreated if deleted, never overwritten.
 */
async function ensureDefaultStorageClass(store: GenericStore, catalog: Catalog): Promise<void> {
  const scDef = catalog.lookup('storage.k8s.io', 'v1', 'storageclasses');
  if (!scDef) return;
  try {
    store.get(scDef, undefined, DEFAULT_STORAGE_CLASS);
    return;
  } catch (err) {
    if (!(err instanceof ApiError && err.code === 404)) throw err;
  }
  try {
    await store.create(scDef, undefined, {
      apiVersion: 'storage.k8s.io/v1',
      kind: 'StorageClass',
      metadata: {
        name: DEFAULT_STORAGE_CLASS,
        labels: { 'addonmanager.kubernetes.io/mode': 'EnsureExists' },
        annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' },
      },
      provisioner: HOSTPATH_PROVISIONER,
      reclaimPolicy: 'Delete',
      volumeBindingMode: 'Immediate',
    });
  } catch (err) {
    // Another kubesim replica sharing the store created it first.
    if (!(err instanceof ApiError && err.code === 409)) throw err;
  }
}

/** Points the `kubernetes` Endpoints at this API server (upstream's endpoint reconciler). */
export async function publishApiServerEndpoints(client: Client, host: string, port: number): Promise<void> {
  const ip = /^\d+\.\d+\.\d+\.\d+$/.test(host) ? host : '127.0.0.1';
  const endpoints = client.resource('', 'v1', 'endpoints');
  const desired = {
    metadata: { name: 'kubernetes', namespace: 'default', labels: { 'endpointslice.kubernetes.io/skip-mirror': 'true' } },
    subsets: [{ addresses: [{ ip }], ports: [{ name: 'https', port, protocol: 'TCP' }] }],
  };
  const current = endpoints.get('default', 'kubernetes');
  if (!current) await endpoints.create('default', desired);
  else await endpoints.update({ ...current, subsets: desired.subsets });
}
