// Starting an isolated in-process kubesim for a test: ephemeral port, temp kubeconfig, memory or LevelDB store.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createCluster, type Cluster } from '../../src/cluster.js';
import { DEFAULT_COMPONENTS } from '../../src/components.js';
import type { ClusterOptions } from '../../src/config.js';
import { waitFor } from './wait.js';

export interface TestCluster extends Cluster {
  dir: string;
  kubeconfigPath: string;
  stop(): Promise<void>;
}

/** Starts a cluster for a test. Components (controllers, scheduler, nodes) are off unless `opts.components` names
 * them (e.g. DEFAULT_COMPONENTS), so API tests see exactly what they create. */
export async function startTestCluster(opts: ClusterOptions = {}): Promise<TestCluster> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'kubesim-test-'));
  const cluster = await createCluster({
    port: 0,
    inMemory: opts.dataDir === undefined,
    kubeconfigPath: path.join(dir, 'kubeconfig'),
    components: [],
    ...opts,
  });
  return Object.assign(cluster, {
    dir,
    kubeconfigPath: cluster.kubeconfigPath!,
    stop: async () => {
      await cluster.close();
      rmSync(dir, { recursive: true, force: true });
    },
  });
}

/** Starts a cluster on a port that was just released (e.g. by a cluster that was closed to be restarted): retries
 * while the port is still reported in use, until a deadline. */
export async function startTestClusterOnPort(port: number, opts: ClusterOptions = {}, timeoutMs = 10_000): Promise<TestCluster> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await startTestCluster({ ...opts, port });
    } catch (err) {
      if ((err as NodeJS.ErrnoException)?.code !== 'EADDRINUSE' || Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 25));
    }
  }
}

/** Starts the cluster `npm start` runs (default components and fixture) and waits until its system pods (the
 * control plane, kube-proxy, flannel, coredns: 11 in the default fixture) are Running. */
export async function startLivingCluster(opts: ClusterOptions = {}): Promise<TestCluster> {
  const c = await startTestCluster({ components: DEFAULT_COMPONENTS, fixture: 'default', ...opts });
  await waitFor('system pods Running', () => {
    const pods = c.client.pods.list().items;
    return pods.length >= 11 && pods.every((p) => p.status?.phase === 'Running');
  });
  return c;
}
