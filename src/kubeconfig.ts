// Writing the kubeconfig: a normal one (cluster, user, context, current-context) written atomically (temp file +
// rename) so a script polling for the file never reads half of it.
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { stringify } from 'yaml';

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
  const tmp = `${file}.${process.pid}.${Date.now()}.tmp`;
  writeFileSync(tmp, yaml, { mode: 0o600 });
  renameSync(tmp, file);
}
