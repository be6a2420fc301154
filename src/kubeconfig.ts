// Writing the kubeconfig: a normal one (cluster, user, context, current-context) written atomically (temp file +
// rename) so a script polling for the file never reads half of it.
import { randomBytes } from 'node:crypto';
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { KubeConfig } from '@kubernetes/client-node';
import { yaml } from './yaml.js';

/** A server URL that yaml.stringify writes as it is (a plain scalar): scheme, host name, IPv4 or [IPv6], port, path. */
const PLAIN_URL = /^https?:\/\/(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+)(:\d+)?(\/[A-Za-z0-9._~/-]*)?$/;
/** A name yaml.stringify writes as it is (it cannot read as a number, boolean or null). */
const PLAIN_NAME = /^[a-z][a-z0-9-]*$/;

/** The kubeconfig kubesim writes: one cluster, user and context, all named `name`, the context current. */
export function kubeconfigDocument(server: string, name = 'kubesim'): Record<string, unknown> {
  return {
    apiVersion: 'v1',
    kind: 'Config',
    // Plain http: @kubernetes/client-node (1.x) refuses http:// servers unless insecure-skip-tls-verify is set;
    // kubectl and client-go ignore the flag for http.
    clusters: [{ name, cluster: { server, 'insecure-skip-tls-verify': true } }],
    users: [{ name, user: {} }],
    contexts: [{ name, context: { cluster: name, user: name, namespace: 'default' } }],
    'current-context': name,
    preferences: {},
  };
}

export function kubeconfigYaml(server: string, name = 'kubesim'): string {
  // The usual case without loading the YAML package: the text yaml.stringify gives (test/fixture-api/kubeconfig-text.test.ts).
  if (PLAIN_URL.test(server) && PLAIN_NAME.test(name) && name !== 'true' && name !== 'false' && name !== 'null') {
    return `apiVersion: v1
kind: Config
clusters:
  - name: ${name}
    cluster:
      server: ${server}
      insecure-skip-tls-verify: true
users:
  - name: ${name}
    user: {}
contexts:
  - name: ${name}
    context:
      cluster: ${name}
      user: ${name}
      namespace: default
current-context: ${name}
preferences: {}
`;
  }
  return yaml().stringify(kubeconfigDocument(server, name));
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
