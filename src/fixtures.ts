// Loading a cluster state from fixtures/<name>/*.yaml at first start (the default: a kubeadm-like cluster with
// flannel). Objects go through the client, so defaults, validation and watch events apply as for any create.
// Besides plain objects the loader understands three conventions, documented in the fixture files:
//   - `{{now}}` and `{{kubernetesVersion}}` in the text are replaced by the load time and the reported version;
//   - ownerReferences without a uid point at an object of the fixture, whose uid is filled in;
//   - a DaemonSet annotated `kubesim.io/fixture-pods: per-node` gets one pod per eligible node (standing in for the
//     DaemonSet controller, which kubesim does not have yet).
// The `nodes` option sets the number of worker nodes: node01..nodeNN are kept, extra ones cloned from the last.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';
import type { Client } from './client/client.js';
import { rfc3339, type Clock } from './clock.js';
import { computeHash } from './controllers/deployment/hash.js';
import { ApiError } from './machinery/errors.js';
import type { Obj } from './registry/types.js';
import { nextNodeIP, nodeInternalIP } from './nodes/ipam.js';
import { nodeStatus, preloadedImages } from './nodes/node-status.js';
import { matchesRequiredNodeAffinity, untoleratedTaint } from './scheduler/selectors.js';
import { DEFAULT_KUBERNETES_VERSION } from './version.js';

export const FIXTURES_DIR = fileURLToPath(new URL('../fixtures/', import.meta.url));
export const PER_NODE_ANNOTATION = 'kubesim.io/fixture-pods';

export interface FixtureOptions {
  /** Number of worker nodes (default: as many as the fixture has). */
  nodes?: number;
  kubernetesVersion?: string;
  clock: Clock;
}

/** The documents of a fixture (a name under fixtures/ or a directory path), in file order. */
export function readFixture(nameOrDir: string, vars: Record<string, string>): Obj[] {
  const dir = nameOrDir.includes('/') ? nameOrDir : path.join(FIXTURES_DIR, nameOrDir);
  const files = readdirSync(dir).filter((f) => /\.(ya?ml|json)$/.test(f)).sort();
  const docs: Obj[] = [];
  for (const f of files) {
    const text = readFileSync(path.join(dir, f), 'utf8').replace(/\{\{(\w+)\}\}/g, (m, k: string) => vars[k] ?? m);
    for (const d of parseAllDocuments(text)) {
      const o = d.toJSON();
      if (o && typeof o === 'object') docs.push(o);
    }
  }
  return docs;
}

const isNode = (o: Obj) => o.kind === 'Node' && o.apiVersion === 'v1';
const isControlPlane = (o: Obj) => Object.hasOwn(o.metadata?.labels ?? {}, 'node-role.kubernetes.io/control-plane');

/** Keeps node01..nodeNN (cloning the last worker for missing ones) and drops workers beyond N. */
export function scaleWorkers(docs: Obj[], workers: number | undefined): Obj[] {
  if (workers === undefined) return docs;
  const existing = docs.filter((d) => isNode(d) && !isControlPlane(d)).sort((a, b) => (a.metadata.name < b.metadata.name ? -1 : 1));
  const template = existing[existing.length - 1];
  const keep = existing.slice(0, workers);
  const extra: Obj[] = [];
  for (let i = keep.length + 1; template && i <= workers; i++) {
    const name = `node${String(i).padStart(2, '0')}`;
    const ip = `172.30.0.${i + 2}`;
    const clone = structuredClone(template);
    clone.metadata.name = name;
    clone.metadata.labels = { ...clone.metadata.labels, 'kubernetes.io/hostname': name };
    if (clone.metadata.annotations?.['flannel.alpha.coreos.com/public-ip']) clone.metadata.annotations['flannel.alpha.coreos.com/public-ip'] = ip;
    clone.spec = { ...clone.spec, podCIDR: `10.244.${i}.0/24`, podCIDRs: [`10.244.${i}.0/24`] };
    clone.status = { addresses: [{ type: 'InternalIP', address: ip }, { type: 'Hostname', address: name }] };
    extra.push(clone);
  }
  const dropped = new Set(existing.slice(workers));
  const out = docs.filter((d) => !dropped.has(d));
  const lastNode = out.reduce((i, d, j) => (isNode(d) ? j : i), -1);
  out.splice(lastNode + 1, 0, ...extra);
  return out;
}

/** A DaemonSet's pod for `node`, as the DaemonSet controller shapes it (upstream daemon util.AddOrUpdateDaemonPodTolerations). */
export function daemonPod(ds: Obj, node: Obj): Obj {
  const tpl = structuredClone(ds.spec?.template ?? {});
  const spec = tpl.spec ?? {};
  const tolerations: Obj[] = [...(spec.tolerations ?? [])];
  const add = (key: string, effect: string) => tolerations.push({ key, operator: 'Exists', effect });
  add('node.kubernetes.io/not-ready', 'NoExecute');
  add('node.kubernetes.io/unreachable', 'NoExecute');
  for (const k of ['disk-pressure', 'memory-pressure', 'pid-pressure', 'unschedulable']) add(`node.kubernetes.io/${k}`, 'NoSchedule');
  if (spec.hostNetwork) add('node.kubernetes.io/network-unavailable', 'NoSchedule');
  const nodeAffinity = {
    requiredDuringSchedulingIgnoredDuringExecution: {
      nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: [node.metadata.name] }] }],
    },
  };
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      generateName: `${ds.metadata.name}-`,
      namespace: ds.metadata.namespace,
      labels: { ...(tpl.metadata?.labels ?? {}), 'controller-revision-hash': computeHash(ds.spec?.template ?? {}), 'pod-template-generation': '1' },
      annotations: tpl.metadata?.annotations,
      ownerReferences: [{ apiVersion: 'apps/v1', kind: 'DaemonSet', name: ds.metadata.name, uid: ds.metadata.uid, controller: true, blockOwnerDeletion: true }],
    },
    spec: { ...spec, tolerations, affinity: { ...(spec.affinity ?? {}), nodeAffinity } },
  };
}

/** Loads a fixture into the cluster; existing objects are left as they are. Returns the number of objects created. */
export async function loadFixture(client: Client, nameOrDir: string, opts: FixtureOptions): Promise<number> {
  const vars = { now: rfc3339(opts.clock.now()), kubernetesVersion: opts.kubernetesVersion ?? DEFAULT_KUBERNETES_VERSION };
  const docs = scaleWorkers(readFixture(nameOrDir, vars), opts.nodes);
  const created = new Map<string, Obj>();
  const ref = (kind: string, ns: string | undefined, name: string) => `${kind}/${ns ?? ''}/${name}`;
  let count = 0;
  const create = async (o: Obj): Promise<Obj | undefined> => {
    const [group, version] = o.apiVersion.includes('/') ? o.apiVersion.split('/') : ['', o.apiVersion];
    const find = () => client.definitions().find((d) => d.group === group && d.version === version && d.kind === o.kind);
    let def = find();
    // A custom resource whose CRD the fixture just created is served once that CRD is established (a few writes
    // later, on the CRD controller's loop): give it a moment.
    for (let i = 0; !def && group.includes('.') && i < 200; i++) {
      await new Promise((r) => setTimeout(r, 5));
      def = find();
    }
    if (!def) throw new Error(`fixture ${nameOrDir}: unknown kind ${o.apiVersion}/${o.kind}`);
    const ns = def.namespaced ? (o.metadata?.namespace ?? 'default') : undefined;
    for (const r of o.metadata?.ownerReferences ?? []) {
      r.uid ??= created.get(ref(r.kind, r.kind === 'Node' ? undefined : ns, r.name))?.metadata?.uid;
    }
    try {
      const out = await client.resource(group!, version!, def.plural).create(ns, o);
      count++;
      if (out.metadata?.name) created.set(ref(o.kind, ns, out.metadata.name), out);
      return out;
    } catch (err) {
      if (err instanceof ApiError && err.code === 409) return undefined;
      throw err;
    }
  };
  for (const doc of docs) {
    // Nodes arrive registered, as their kubelets created them: with capacity, nodeInfo and Ready conditions, so the
    // scheduler can place the system pods at once (the simulated kubelets take over the heartbeats when they start).
    if (isNode(doc) && !doc.status?.capacity) {
      const name = doc.metadata.name;
      const internalIP = nodeInternalIP(doc) ?? nextNodeIP(docs.filter(isNode));
      const id = { name, internalIP, kubeletVersion: vars.kubernetesVersion, bootedAt: opts.clock.now() };
      doc.status = nodeStatus(doc, id, preloadedImages(vars.kubernetesVersion), opts.clock.now());
    }
    await create(doc);
  }
  const nodes = [...created.values()].filter(isNode);
  for (const ds of created.values()) {
    if (ds.kind !== 'DaemonSet' || ds.metadata?.annotations?.[PER_NODE_ANNOTATION] !== 'per-node') continue;
    for (const node of nodes) {
      const pod = daemonPod(ds, node);
      // Only nodes the DaemonSet would run on (its node selector/affinity, NoSchedule taints it does not tolerate).
      if (!matchesRequiredNodeAffinity(pod, node)) continue;
      if (untoleratedTaint(node.spec?.taints, pod.spec.tolerations, ['NoSchedule', 'NoExecute'])) continue;
      await create(pod);
    }
  }
  return count;
}
