// kubeconfigMerge (--kubeconfig-merge): like kind, add a `kubesim` cluster/user/context to the user's kubeconfig and
// make it current; close() takes them out again and restores the previous current-context, leaving the rest of the
// file (other entries, comments) as it was.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { userKubeconfigPath } from '../../src/config.js';
import { createCluster } from '../../src/index.js';
import { Kubectl } from '../helpers/kubectl.js';

const USER_CONFIG = `# my clusters
apiVersion: v1
kind: Config
clusters:
  - name: prod # the real one
    cluster:
      server: https://prod.example.com:6443
users:
  - name: prod
    user:
      token: abc
contexts:
  - name: prod
    context:
      cluster: prod
      user: prod
current-context: prod
preferences: {}
`;

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'kubesim-merge-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const names = (doc: any, list: string) => (doc[list] ?? []).map((e: { name: string }) => e.name);

describe('kubeconfigMerge', () => {
  it('adds a current kubesim context to an existing kubeconfig, and removes it at close', async () => {
    const file = path.join(dir, 'config');
    writeFileSync(file, USER_CONFIG, { mode: 0o600 });
    const cluster = await createCluster({ components: [], fixture: false, kubeconfigMerge: { file } });
    try {
      expect(cluster.mergedKubeconfig).toEqual({ file, context: 'kubesim' });
      const text = readFileSync(file, 'utf8');
      const doc = parseYaml(text);
      expect(doc['current-context']).toBe('kubesim');
      expect(names(doc, 'clusters')).toEqual(['prod', 'kubesim']);
      expect(names(doc, 'users')).toEqual(['prod', 'kubesim']);
      expect(doc.contexts.find((c: any) => c.name === 'kubesim').context).toEqual({
        cluster: 'kubesim',
        user: 'kubesim',
        extensions: [{ name: 'kubesim', extension: { 'previous-context': 'prod' } }],
      });
      expect(doc.clusters.find((c: any) => c.name === 'kubesim').cluster.server).toBe(cluster.url);
      expect(text).toContain('# my clusters');
      expect(text).toContain('# the real one');
      // kubectl uses it as it is (current context).
      const out = await new Kubectl('1.33', file).ok(['get', 'namespace', 'kube-system', '-o', 'name']);
      expect(out.trim()).toBe('namespace/kube-system');
    } finally {
      await cluster.close();
    }
    expect(readFileSync(file, 'utf8')).toBe(USER_CONFIG);
  });

  it('creates a missing kubeconfig, and deletes it again when nothing else was added', async () => {
    const file = path.join(dir, 'new', '.kube', 'config');
    const cluster = await createCluster({ components: [], fixture: false, kubeconfigMerge: { file } });
    expect(parseYaml(readFileSync(file, 'utf8'))['current-context']).toBe('kubesim');
    await cluster.close();
    expect(existsSync(file)).toBe(false);
  });

  it('leaves the current context alone if the user switched meanwhile, and entries another kubesim took over', async () => {
    const file = path.join(dir, 'switch');
    writeFileSync(file, USER_CONFIG);
    const a = await createCluster({ components: [], fixture: false, kubeconfigMerge: { file } });
    writeFileSync(file, readFileSync(file, 'utf8').replace('current-context: kubesim', 'current-context: prod'));
    await a.close();
    expect(parseYaml(readFileSync(file, 'utf8'))['current-context']).toBe('prod');
    expect(names(parseYaml(readFileSync(file, 'utf8')), 'contexts')).toEqual(['prod']);

    const first = await createCluster({ components: [], fixture: false, kubeconfigMerge: { file } });
    const second = await createCluster({ components: [], fixture: false, kubeconfigMerge: { file } });
    const other = await createCluster({ components: [], fixture: false, kubeconfigMerge: { file, context: 'kubesim-other' } });
    let doc = parseYaml(readFileSync(file, 'utf8'));
    expect(names(doc, 'contexts')).toEqual(['prod', 'kubesim', 'kubesim-other']);
    expect(doc.clusters.find((c: any) => c.name === 'kubesim').cluster.server).toBe(second.url);
    await first.close(); // the `kubesim` entries are second's now: kept
    doc = parseYaml(readFileSync(file, 'utf8'));
    expect(names(doc, 'contexts')).toEqual(['prod', 'kubesim', 'kubesim-other']);
    await other.close();
    expect(parseYaml(readFileSync(file, 'utf8'))['current-context']).toBe('kubesim'); // what was current before `other`
    await second.close();
    doc = parseYaml(readFileSync(file, 'utf8'));
    expect(names(doc, 'contexts')).toEqual(['prod']);
    expect(doc['current-context']).toBe('prod');
  });

  it('finds the file like kubectl: the first $KUBECONFIG entry, else ~/.kube/config', () => {
    expect(userKubeconfigPath({ KUBECONFIG: `${path.delimiter}/a/one${path.delimiter}/b/two`, HOME: '/home/me' })).toBe('/a/one');
    expect(userKubeconfigPath({ HOME: '/home/me' })).toBe('/home/me/.kube/config');
    expect(() => userKubeconfigPath({})).toThrow(/neither KUBECONFIG nor HOME/);
  });

  it('refuses a file that is not a kubeconfig, without starting', async () => {
    const file = path.join(dir, 'broken');
    writeFileSync(file, '- just\n- a list\n');
    await expect(createCluster({ components: [], fixture: false, kubeconfigMerge: { file } })).rejects.toThrow(/cannot merge into kubeconfig .*broken: it is not a kubeconfig/);
    expect(readFileSync(file, 'utf8')).toBe('- just\n- a list\n');
  });
});
