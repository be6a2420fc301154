// Starting an isolated in-process kubesim for a test: ephemeral port, temp kubeconfig, memory or LevelDB store.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createCluster, type Cluster } from '../../src/cluster.js';
import type { ClusterOptions } from '../../src/config.js';

export interface TestCluster extends Cluster {
  dir: string;
  kubeconfigPath: string;
  stop(): Promise<void>;
}

export async function startTestCluster(opts: ClusterOptions = {}): Promise<TestCluster> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'kubesim-test-'));
  const cluster = await createCluster({
    port: 0,
    inMemory: opts.dataDir === undefined,
    kubeconfigPath: path.join(dir, 'kubeconfig'),
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
