// createCluster(): the in-process handle everything else (CLI, tests, users' test suites) builds on.
import { Router } from './api/router.js';
import { createApiServer } from './api/server.js';
import { RealClock, type Clock } from './clock.js';
import { DEFAULTS, resolvePath, type ClusterOptions } from './config.js';
import { kubeconfigYaml, writeKubeconfigAtomically } from './kubeconfig.js';
import { bootstrap, publishApiServerEndpoints } from './bootstrap.js';
import { Client } from './client/client.js';
import type { Component, ComponentFactory } from './client/component.js';
import { InformerFactory } from './client/informers.js';
import { DEFAULT_COMPONENTS } from './components.js';
import { BUILTIN_RESOURCES, Catalog } from './registry/catalog.js';
import { ServiceAllocator } from './registry/allocators/services.js';
import { GenericStore } from './registry/store.js';
import { createStorage } from './storage/index.js';
import type { Storage } from './storage/interface.js';

export interface Cluster {
  /** Base URL of the API server, e.g. http://127.0.0.1:6443. */
  url: string;
  /** Where the kubeconfig was written (undefined when none was asked for). */
  kubeconfigPath?: string;
  /** The kubeconfig as YAML. */
  kubeconfig: string;
  /** Resolves once the server is serving (already resolved when createCluster resolves). */
  ready: Promise<void>;
  port: number;
  clock: Clock;
  storage: Storage;
  store: GenericStore;
  /** The in-process client (same registry path as HTTP). */
  client: Client;
  /** Stops serving, then flushes and closes the store. Idempotent. */
  close(): Promise<void>;
}

export async function createCluster(options: ClusterOptions = {}): Promise<Cluster> {
  const clock = new RealClock();
  const historyLimit = options.historyLimit ?? DEFAULTS.historyLimit;
  const storage = options.inMemory
    ? createStorage({ kind: 'memory' }, historyLimit)
    : createStorage({ kind: 'level', dir: resolvePath(options.dataDir ?? DEFAULTS.dataDir) }, historyLimit);
  await storage.open();
  let api: ReturnType<typeof createApiServer> | undefined;
  let stopComponents: () => Promise<void> = async () => undefined;
  try {
    const catalog = new Catalog(BUILTIN_RESOURCES);
    const store = new GenericStore(storage, clock);
    store.addHooks(catalog.lookup('', 'v1', 'services')!, new ServiceAllocator(storage));
    await bootstrap(store, catalog);
    const client = new Client(store, catalog);
    const informers = new InformerFactory(client, clock);
    const log = options.log ?? (() => undefined);
    const components: Component[] = (options.components ?? DEFAULT_COMPONENTS).map((make: ComponentFactory) => make());
    for (const c of components) await c.start({ client: client.as(c.name), informers, clock, log });
    informers.start();
    stopComponents = async () => {
      for (const c of [...components].reverse()) await c.stop();
      informers.stop();
    };
    const router = await Router.create();
    let ready = false;
    api = createApiServer({
      catalog,
      store,
      clock,
      router,
      kubernetesVersion: options.kubernetesVersion ?? DEFAULTS.kubernetesVersion,
      isReady: () => ready,
      log: options.log,
    });
    const host = options.host ?? DEFAULTS.host;
    const address = await api.listen(options.port ?? 0, host);
    const advertise = options.advertiseHost ?? (host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host);
    const url = `http://${advertise.includes(':') ? `[${advertise}]` : advertise}:${address.port}`;
    const kubeconfig = kubeconfigYaml(url);
    await publishApiServerEndpoints(client, advertise, address.port);
    ready = true;
    const kubeconfigPath = options.kubeconfigPath ? resolvePath(options.kubeconfigPath) : undefined;
    if (kubeconfigPath) writeKubeconfigAtomically(kubeconfigPath, kubeconfig);
    let closing: Promise<void> | undefined;
    const server = api;
    return {
      url,
      kubeconfigPath,
      kubeconfig,
      ready: Promise.resolve(),
      port: address.port,
      clock,
      storage,
      store,
      client,
      close: () =>
        (closing ??= (async () => {
          await stopComponents();
          await server.close();
          await storage.close();
        })()),
    };
  } catch (err) {
    await stopComponents().catch(() => undefined);
    await api?.close().catch(() => undefined);
    await storage.close().catch(() => undefined);
    throw err;
  }
}
