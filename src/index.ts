// Public entry point of the kubesim package.
export { createCluster, type Cluster } from './cluster.js';
export type { ClusterOptions } from './config.js';
