// Writing the kubeconfig: a normal one (cluster, user, context, current-context) written atomically (temp file +
// rename) so a script polling for the file never reads half of it.
import { randomBytes } from 'node:crypto';
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { stringify } from 'yaml';
import type { KubeConfig } from '@kubernetes/client-node';

export function kubeconfigYaml(server: string, name = 'kubesim'): string {
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    // Plain http: @kubernetes/client-node (1.x) refuses http:// servers unless insecure-skip-tls-verify is set;
    // kubectl and client-go ignore the flag for http.
    clusters: [{ name, cluster: { server, 'insecure-skip-tls-verify': true } }],
    users: [{ name, user: {} }],
    contexts: [{ name, context: { cluster: name, user: name, namespace: 'default' } }],
    'current-context': name,
    preferences: {},
  });
}

export function writeKubeconfigAtomically(file: string, yaml: string): void {
  mkdirSync(path.dirname(file), { recursive: true });
  // Unique per process and call (two clusters in one process may write the same file at once).
  const tmp = `${file}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  writeFileSync(tmp, yaml, { mode: 0o600 });
  renameSync(tmp, file);
}

/** How to reach a cluster, in the shape of @kubernetes/client-node's `Cluster` (and the fields of a kubeconfig). */
export interface ClientOptions {
  /** The kubeconfig cluster/context/user name. */
  name: string;
  /** Base URL of the API server (plain HTTP, no authentication: every request acts as cluster admin). */
  server: string;
  /** Always true: client-node 1.x refuses http:// servers without it; kubectl and client-go ignore it for http. */
  skipTLSVerify: boolean;
}

export function clientOptions(server: string, name = 'kubesim'): ClientOptions {
  return { name, server, skipTLSVerify: true };
}

/**
 * A @kubernetes/client-node KubeConfig loaded from `yaml`. The package is imported only here, on first use, so kubesim
 * does not need it at run time unless this is called (it is an optional peer dependency).
 */
export async function loadClientNodeKubeConfig(yaml: string): Promise<KubeConfig> {
  let k8s: typeof import('@kubernetes/client-node');
  try {
    k8s = await import('@kubernetes/client-node');
  } catch (err) {
    throw new Error(`cluster.kubeConfig() needs @kubernetes/client-node (an optional peer dependency of kubesim): npm install --save-dev @kubernetes/client-node`, { cause: err });
  }
  const kc = new k8s.KubeConfig();
  kc.loadFromString(yaml);
  return kc;
}
