// createCluster(): the in-process handle everything else (CLI, tests, users' test suites) builds on.
import { Router } from './api/router.js';
import { createApiServer } from './api/server.js';
import { adminHandler, type RestoreResult } from './admin.js';
import { isVirtualClock, resolveClock, type Clock, type VirtualClock } from './clock.js';
import { checkAdvertiseUrl, DEFAULTS, logIntervalMs, resolvePath, type ClusterOptions } from './config.js';
import { clientOptions, kubeconfigYaml, loadClientNodeKubeConfig, writeKubeconfigAtomically, type ClientOptions } from './kubeconfig.js';
import { bootstrap, publishApiServerEndpoints } from './bootstrap.js';
import { Client } from './client/client.js';
import type { Component, ComponentFactory } from './client/component.js';
import { InformerFactory } from './client/informers.js';
import { DEFAULT_COMPONENTS } from './components.js';
import { FaultInjector, DISABLED_FAULTS, type FaultsApi } from './faults.js';
import { loadFixture, loadFixtures } from './fixtures.js';
import { mergeIntoUserKubeconfig, type MergedKubeconfig } from './kubeconfig-merge.js';
import { requestHook } from './request-hook.js';
import { disabledRequestLog, RequestRecorder, type RequestLog } from './request-log.js';
import { CRDController } from './crd/controller.js';
import { BUILTIN_RESOURCES, Catalog } from './registry/catalog.js';
import { ServiceAllocator } from './registry/allocators/services.js';
import { GenericStore } from './registry/store.js';
import { snapshotEntries, snapshotJson, takeSnapshot, type Snapshot } from './snapshot.js';
import { StorageEngine } from './storage/engine.js';
import { createStorage } from './storage/index.js';
import type { KubeObject, Storage } from './storage/interface.js';
import type { KubeConfig } from '@kubernetes/client-node';

export interface Cluster<C extends Clock = Clock> {
  /** Base URL of the API server, e.g. http://127.0.0.1:6443. */
  url: string;
  /** Where the kubeconfig was written (undefined when none was asked for). */
  kubeconfigPath?: string;
  /** The kubeconfig as YAML. */
  kubeconfig: string;
  /** The server URL and TLS setting, in the shape of @kubernetes/client-node's `Cluster`, for other clients. */
  clientOptions: ClientOptions;
  /** A ready @kubernetes/client-node KubeConfig for this cluster (needs that package: an optional peer dependency). */
  kubeConfig(): Promise<KubeConfig>;
  /** Resolves once the server is serving (already resolved when createCluster resolves). */
  ready: Promise<void>;
  port: number;
  /** The cluster's clock: a VirtualClock (with advance()) when created with `clock: 'virtual'`. */
  clock: C;
  storage: Storage;
  store: GenericStore;
  /** The in-process client (same registry path as HTTP). */
  client: Client;
  /** Every stored object and the revision, as a plain document (safe to edit, JSON/YAML-serialisable). */
  snapshot(): Snapshot;
  /** Makes the cluster hold exactly the snapshot's objects, with new resourceVersions; components restart on it. */
  restore(snapshot: Snapshot): Promise<RestoreResult>;
  /** Back to the state right after start (the fixture state), like restore() of a snapshot taken then. */
  reset(): Promise<RestoreResult>;
  /** Fault injection (needs `faults: true`; add() throws otherwise): make matching HTTP requests fail or slow down,
   * cut watches, expire resourceVersions. See src/faults.ts. */
  faults: FaultsApi;
  /** The recorded HTTP requests (needs `recordRequests`; throws otherwise): `cluster.requests({ verb: 'patch' })`,
   * `cluster.requests.clear()`. */
  requests: RequestLog;
  /** Where `kubeconfigMerge` added the context (undefined without it); close() takes it out again. */
  mergedKubeconfig?: { file: string; context: string };
  /** Stops serving, then flushes and closes the store. Idempotent. */
  close(): Promise<void>;
}

export function createCluster(options: ClusterOptions & { clock: 'virtual' }): Promise<Cluster<VirtualClock>>;
export function createCluster<C extends Clock>(options: ClusterOptions & { clock: C }): Promise<Cluster<C>>;
export function createCluster(options?: ClusterOptions): Promise<Cluster>;
export async function createCluster(options: ClusterOptions = {}): Promise<Cluster> {
  const clock = resolveClock(options.clock);
  const historyLimit = options.historyLimit ?? DEFAULTS.historyLimit;
  const storage = openStorage(options, historyLimit);
  await storage.open();
  // Between virtual timers, wait for the store's writes too (real I/O with LevelDB), so time moves deterministically.
  const unquiesce = isVirtualClock(clock) ? clock.addQuiescer(() => whenIdle(storage)) : () => undefined;
  let api: ReturnType<typeof createApiServer> | undefined;
  let stopComponents: () => Promise<void> = async () => undefined;
  let crds: CRDController | undefined;
  let recorder: RequestRecorder | undefined;
  let merged: MergedKubeconfig | undefined;
  try {
    const advertiseUrl = options.advertiseUrl === undefined ? undefined : checkAdvertiseUrl(options.advertiseUrl);
    const catalog = new Catalog(BUILTIN_RESOURCES);
    const store = new GenericStore(storage, clock);
    const allocator = new ServiceAllocator(storage);
    store.addHooks(catalog.lookup('', 'v1', 'services')!, allocator);
    const fresh = storage.currentRevision() === 0;
    await bootstrap(store, catalog);
    // The apiextensions controllers are part of the API server (they run even without components): established
    // CRDs in the store are served again before the server listens.
    crds = new CRDController(store, catalog, clock, options.log);
    await crds.start();
    const crdController = crds;
    const client = new Client(store, catalog);
    const kubernetesVersion = options.kubernetesVersion ?? DEFAULTS.kubernetesVersion;
    // The default cluster (nodes, kube-system) only on a first start, and only when the default components run.
    const fixture = options.fixture ?? (options.components ? false : 'default');
    if (fresh && fixture) await loadFixture(client.as('kubeadm'), fixture, { nodes: options.nodes, kubernetesVersion, clock });
    // The user's fixtures at every start (objects that exist already are kept).
    const extra = options.fixtures === undefined ? [] : Array.isArray(options.fixtures) ? options.fixtures : [options.fixtures];
    if (extra.length) await loadFixtures(client.as('kubesim-fixtures'), extra, { kubernetesVersion, clock });
    const log = options.log ?? (() => undefined);
    // Components can be started again with fresh state (after a restore): each run gets new instances and informers.
    const runComponents = async (): Promise<() => Promise<void>> => {
      const informers = new InformerFactory(client, clock);
      const components: Component[] = (options.components ?? DEFAULT_COMPONENTS).map((make: ComponentFactory) => make());
      // Work the components leave queued (rate-limited event writes) ends with their run.
      const session = client.scoped();
      const stop = async () => {
        session.end();
        for (const c of [...components].reverse()) await c.stop();
        informers.stop();
      };
      try {
        for (const c of components) await c.start({ client: session.client.as(c.name), informers, clock, log, kubernetesVersion });
        informers.start();
      } catch (err) {
        await stop().catch(() => undefined);
        throw err;
      }
      return stop;
    };
    const router = await Router.create();
    let ready = false;
    let initial: [string, KubeObject][] = [];
    let advertise = '';
    let port = 0;
    let lastRestore: Promise<unknown> = Promise.resolve();
    const replaceState = (entries: [string, KubeObject][]): Promise<RestoreResult> => {
      const run = async (): Promise<RestoreResult> => {
        // Like restoring etcd upstream: stop the controllers, swap the data, start them again, so that no component
        // keeps in-memory state (caches, expectations, allocations) from before.
        await stopComponents();
        stopComponents = async () => undefined;
        let changes: number;
        try {
          await quiesce(storage); // writes of syncs that were in flight land before the swap, not after it
          changes = (await storage.replaceAll(entries)).changes;
          allocator.reload();
          await crdController.resync();
          await bootstrap(store, catalog);
          await publishApiServerEndpoints(client, advertise, port);
        } finally {
          stopComponents = await runComponents(); // also when the swap failed: the cluster keeps running
        }
        await quiesce(storage);
        return { revision: storage.currentRevision(), changes };
      };
      const result = lastRestore.then(run, run);
      lastRestore = result.catch(() => undefined);
      return result;
    };
    const restore = async (snap: Snapshot | unknown) => replaceState(snapshotEntries(snap));
    const reset = () => replaceState(initial);
    // Fault injection and request recording exist only when asked for: otherwise the server has no hook at all.
    const faults = options.faults ? new FaultInjector({ clock, currentRevision: () => storage.currentRevision() }, options.faults === true ? {} : options.faults) : undefined;
    const record = options.recordRequests;
    if (record) recorder = new RequestRecorder(clock, record === true ? {} : { ...record, file: record.file ? resolvePath(record.file) : undefined });
    let kubeconfig = '';
    api = createApiServer({
      catalog,
      store,
      clock,
      router,
      kubernetesVersion: options.kubernetesVersion ?? DEFAULTS.kubernetesVersion,
      isReady: () => ready,
      log: options.log,
      admin: adminHandler({ clock, snapshotJson: () => snapshotJson(storage), restore, reset, faults, requests: recorder, kubeconfig: () => kubeconfig }),
      intercept: requestHook(faults, recorder),
      logIntervalMs: logIntervalMs(options.logInterval),
    });
    const host = options.host ?? DEFAULTS.host;
    const address = await api.listen(options.port ?? 0, host);
    advertise = options.advertiseHost ?? (host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host);
    port = address.port;
    const url = advertiseUrl ?? `http://${advertise.includes(':') ? `[${advertise}]` : advertise}:${address.port}`;
    kubeconfig = kubeconfigYaml(url);
    await publishApiServerEndpoints(client, advertise, address.port);
    // The state right after start, before the components act on it: what reset() returns to. Stored objects are
    // immutable, so keeping the references costs nothing. (The server already listens, but is not ready yet.)
    initial = storage.list('').items.map((i) => [i.key, i.object]);
    stopComponents = await runComponents();
    // Let the components' first reactions (informer syncs, registrations) land, so a test starts from a settled state.
    await quiesce(storage);
    ready = true;
    const kubeconfigPath = options.kubeconfigPath ? resolvePath(options.kubeconfigPath) : undefined;
    if (kubeconfigPath) writeKubeconfigAtomically(kubeconfigPath, kubeconfig);
    if (options.kubeconfigMerge) merged = mergeIntoUserKubeconfig(url, options.kubeconfigMerge === true ? {} : options.kubeconfigMerge);
    const requestLog = recorder;
    const mergedEntry = merged;
    let closing: Promise<void> | undefined;
    const server = api;
    return {
      url,
      kubeconfigPath,
      kubeconfig,
      clientOptions: clientOptions(url),
      kubeConfig: () => loadClientNodeKubeConfig(kubeconfig),
      ready: Promise.resolve(),
      port: address.port,
      clock,
      storage,
      store,
      client,
      snapshot: () => takeSnapshot(storage),
      restore,
      reset,
      faults: faults ?? DISABLED_FAULTS,
      requests: recorder ? recorder.api() : disabledRequestLog(),
      mergedKubeconfig: mergedEntry && { file: mergedEntry.file, context: mergedEntry.context },
      close: () =>
        (closing ??= (async () => {
          // The user's kubeconfig first (it must be cleaned up even if something below fails); its error after the rest.
          let mergeError: unknown;
          try {
            mergedEntry?.remove();
          } catch (err) {
            mergeError = err;
          }
          await lastRestore;
          faults?.stop();
          await stopComponents();
          await server.close();
          await requestLog?.close();
          crdController.stop();
          await storage.close();
          unquiesce();
          if (mergeError) throw mergeError;
        })()),
    };
  } catch (err) {
    try {
      merged?.remove();
    } catch {
      // the start failed already: report that
    }
    await recorder?.close().catch(() => undefined);
    await stopComponents().catch(() => undefined);
    crds?.stop();
    await api?.close().catch(() => undefined);
    await storage.close().catch(() => undefined);
    unquiesce();
    throw err;
  }
}

/** `store` wins; then inMemory; then dataDir; in process, nothing given means memory (the CLI passes its dataDir). */
function openStorage(options: ClusterOptions, historyLimit: number): Storage {
  const where = options.store ?? (options.inMemory ? 'memory' : options.dataDir);
  if (where === undefined || where === 'memory') return createStorage({ kind: 'memory' }, historyLimit);
  return createStorage({ kind: 'level', dir: resolvePath(where) }, historyLimit);
}

function whenIdle(storage: Storage): Promise<boolean> {
  return storage instanceof StorageEngine ? storage.whenIdle() : Promise.resolve(false);
}

/** A few event-loop turns, repeated while the store still had writes to finish: in-flight chains of work settle. */
async function quiesce(storage: Storage): Promise<void> {
  for (let pass = 0; pass < 100; pass++) {
    for (let i = 0; i < 5; i++) await new Promise<void>((r) => setImmediate(r));
    if (!(await whenIdle(storage))) return;
  }
}
