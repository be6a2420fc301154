// Loading cluster state at start: the base fixture set (fixtures/<name>/: `default`, a kubeadm-like cluster with
// flannel; `empty`; `large`) into a fresh store, then the user's fixtures (--fixtures / the `fixtures` option) at every
// start. Objects go through the client, so defaults, validation and watch events apply as for any create; objects
// that exist already are left as they are. Documents are created in dependency order (CRDs and namespaces first,
// then cluster-wide and namespaced configuration, workloads and pods last; custom resources wait for their CRD to be
// Established); any failure names the file, the document number and the object.
// Besides plain objects the loader understands a few conventions, documented in fixtures/README.md:
//   - `{{now}}` and `{{kubernetesVersion}}` in the text are replaced by the load time and the reported version;
//   - ownerReferences without a uid point at an object of the same load, whose uid is filled in;
//   - a DaemonSet annotated `kubesim.io/fixture-pods: per-node` gets one pod per eligible node created with it, shaped
//     as the DaemonSet controller makes them, so the pods are there from the first moment (and in clusters started
//     without controllers); the DaemonSet controller adopts them like any pod it owns;
//   - Nodes without status.capacity get the status their simulated kubelet would report;
//   - a fixture directory may hold a file named `extends` naming another fixture set: its files are loaded too,
//     except those the directory replaces with a file of the same name.
// The `nodes` option sets the number of worker nodes of the base set: node01..nodeNN are kept, extra ones cloned.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { yaml } from './yaml.js';
import type { Client } from './client/client.js';
import { rfc3339, type Clock } from './clock.js';
import { computeHash } from './controllers/deployment/hash.js';
import { ApiError } from './machinery/errors.js';
import type { Obj } from './registry/types.js';
import { nextNodeIP, nodeInternalIP } from './nodes/ipam.js';
import { nodeStatus, preloadedImages } from './nodes/node-status.js';
import { matchesRequiredNodeAffinity, untoleratedTaint } from './scheduler/selectors.js';
import { DEFAULT_KUBERNETES_VERSION } from './version.js';
import { precompiledDocuments } from './fixture-cache.js';

export const FIXTURES_DIR = fileURLToPath(new URL('../fixtures/', import.meta.url));
export const PER_NODE_ANNOTATION = 'kubesim.io/fixture-pods';
/** The fixture sets shipped in fixtures/. */
export const FIXTURE_SETS = ['default', 'empty', 'large'] as const;

export interface FixtureOptions {
  /** Number of worker nodes (default: as many as the fixture has). */
  nodes?: number;
  kubernetesVersion?: string;
  clock: Clock;
  /** How long a custom resource waits for its CRD to be served (real time). Default 10 s. */
  crdTimeoutMs?: number;
}

/** A fixture that cannot be loaded: the message names the file, the document and the object. */
export class FixtureError extends Error {
  override name = 'FixtureError';
}

/** One document of a fixture and where it came from. */
export interface FixtureDoc {
  object: Obj;
  /** The file (as given, or relative to the working directory), or "fixtures option" for objects passed in code. */
  source: string;
  /** 1-based number of the document in its source. */
  index: number;
  /** 1-based position in a `kind: List` document. */
  item?: number;
}

function displayPath(file: string): string {
  const rel = path.relative(process.cwd(), file);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : file;
}

export function describeDoc(d: FixtureDoc): string {
  const o = d.object ?? {};
  const name = o.metadata?.name ?? (o.metadata?.generateName ? `${o.metadata.generateName}*` : '<no name>');
  const what = o.kind ? ` (${o.kind} ${o.metadata?.namespace ? `${o.metadata.namespace}/` : ''}${name})` : '';
  return `${d.source}, document ${d.index}${d.item ? ` item ${d.item}` : ''}${what}`;
}

/** The directory of a fixture set: a name under fixtures/, or a directory path. */
export function fixtureSetDir(nameOrDir: string): string {
  const named = path.join(FIXTURES_DIR, nameOrDir);
  const dir = !nameOrDir.includes('/') && !nameOrDir.includes(path.sep) && existsSync(named) ? named : path.resolve(nameOrDir);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new FixtureError(`fixture set ${JSON.stringify(nameOrDir)} not found: use one of ${FIXTURE_SETS.join(', ')}, or a directory`);
  }
  return dir;
}

const FIXTURE_FILE = /\.(ya?ml|json)$/i;

/** The files of a fixture directory in name order, including those of the set it `extends` (not replaced here). */
export function fixtureFiles(dir: string, seen: string[] = []): string[] {
  if (seen.includes(dir)) throw new FixtureError(`fixture ${displayPath(dir)}: \`extends\` loops through ${seen.map(displayPath).join(' -> ')}`);
  const own = readdirSync(dir).filter((f) => FIXTURE_FILE.test(f));
  const files = new Map(own.map((f) => [f, path.join(dir, f)]));
  const extendsFile = path.join(dir, 'extends');
  if (existsSync(extendsFile)) {
    const base = readFileSync(extendsFile, 'utf8').split('\n').map((l) => l.replace(/#.*/, '').trim()).find((l) => l !== '');
    if (base) {
      const baseDir = base.includes('/') ? path.resolve(dir, base) : fixtureSetDir(base);
      for (const f of fixtureFiles(baseDir, [...seen, dir])) if (!files.has(path.basename(f))) files.set(path.basename(f), f);
    }
  }
  return [...files.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, f]) => f);
}

/** The documents of one file (multi-document YAML, or JSON), `kind: List` documents flattened. */
export function readFixtureFile(file: string, vars: Record<string, string>): FixtureDoc[] {
  const source = displayPath(file);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new FixtureError(`cannot read fixture ${source}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  // The shipped fixture files come precompiled from the build (src/fixture-cache.ts): the same documents as the
  // parse below (parseAllDocuments with default options, after the replacement), without loading a YAML parser.
  const precompiled = /\.json$/i.test(file) ? undefined : precompiledDocuments(text, vars);
  text = text.replace(/\{\{(\w+)\}\}/g, (m, k: string) => vars[k] ?? m);
  const docs: FixtureDoc[] = [];
  let index = 0;
  const add = (o: unknown) => {
    index++;
    if (o === null || o === undefined) return; // an empty document (e.g. a trailing ---)
    if (typeof o !== 'object' || Array.isArray(o)) throw new FixtureError(`${source}, document ${index}: not an object`);
    const obj = o as Obj;
    if (typeof obj.kind === 'string' && obj.kind.endsWith('List') && Array.isArray(obj.items)) {
      obj.items.forEach((item: unknown, i: number) => {
        if (typeof item !== 'object' || item === null || Array.isArray(item)) throw new FixtureError(`${source}, document ${index} item ${i + 1}: not an object`);
        docs.push({ object: item as Obj, source, index, item: i + 1 });
      });
      return;
    }
    docs.push({ object: obj, source, index });
  };
  if (/\.json$/i.test(file)) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (err) {
      throw new FixtureError(`${source}: invalid JSON: ${(err as Error).message}`);
    }
    add(parsed);
    return docs;
  }
  if (precompiled) {
    for (const o of precompiled) add(o);
    return docs;
  }
  for (const d of yaml().parseAllDocuments(text)) {
    if (d.errors.length) {
      throw new FixtureError(`${source}, document ${index + 1}: invalid YAML: ${d.errors[0].message.split('\n')[0]}`);
    }
    add(d.toJSON());
  }
  return docs;
}

/** The documents of a file or a directory (its *.yaml, *.yml and *.json files in name order, not recursive). */
export function readFixtureSource(fileOrDir: string, vars: Record<string, string>): FixtureDoc[] {
  const p = path.resolve(fileOrDir);
  let stat;
  try {
    stat = statSync(p);
  } catch {
    throw new FixtureError(`fixture ${fileOrDir} not found`);
  }
  const files = stat.isDirectory() ? fixtureFiles(p) : [p];
  return files.flatMap((f) => readFixtureFile(f, vars));
}

/**
 * Creation order by kind: what others refer to comes first (CRDs, namespaces, cluster-wide configuration, nodes,
 * then namespaced configuration and services), owners before what they own (workloads before pods), and kinds not
 * listed (custom resources among them) last.
 */
const KIND_ORDER = [
  'CustomResourceDefinition',
  'Namespace',
  'PriorityClass',
  'RuntimeClass',
  'StorageClass',
  'IngressClass',
  'ClusterRole',
  'ClusterRoleBinding',
  'Node',
  'PersistentVolume',
  'ResourceQuota',
  'LimitRange',
  'NetworkPolicy',
  'ServiceAccount',
  'Secret',
  'ConfigMap',
  'Role',
  'RoleBinding',
  'PersistentVolumeClaim',
  'Service',
  'Endpoints',
  'EndpointSlice',
  'Deployment',
  'ReplicaSet',
  'ReplicationController',
  'StatefulSet',
  'DaemonSet',
  'ControllerRevision',
  'CronJob',
  'Job',
  'Pod',
  'PodDisruptionBudget',
  'HorizontalPodAutoscaler',
  'Ingress',
  'Lease',
  'Event',
];
const KIND_RANK = new Map(KIND_ORDER.map((k, i) => [k, i]));

/** Stable: documents of equal rank keep their file and document order. */
export function orderForCreation<T extends { object: Obj }>(docs: T[]): T[] {
  const rank = (d: T) => KIND_RANK.get(d.object?.kind) ?? KIND_ORDER.length;
  return docs.map((d, i) => ({ d, i, r: rank(d) })).sort((a, b) => a.r - b.r || a.i - b.i).map((x) => x.d);
}

const isNode = (o: Obj) => o.kind === 'Node' && o.apiVersion === 'v1';
const isControlPlane = (o: Obj) => Object.hasOwn(o.metadata?.labels ?? {}, 'node-role.kubernetes.io/control-plane');

/** Keeps node01..nodeNN and drops workers beyond N; missing ones are cloned from the existing workers in turn (so
 * topology labels such as zones stay balanced). */
export function scaleWorkers(docs: FixtureDoc[], workers: number | undefined): FixtureDoc[] {
  if (workers === undefined) return docs;
  const existing = docs.filter((d) => isNode(d.object) && !isControlPlane(d.object)).sort((a, b) => (a.object.metadata.name < b.object.metadata.name ? -1 : 1));
  const keep = existing.slice(0, workers);
  const extra: FixtureDoc[] = [];
  for (let i = keep.length + 1; existing.length && i <= workers; i++) {
    const template = existing[(i - 1) % existing.length];
    const name = `node${String(i).padStart(2, '0')}`;
    const ip = `172.30.0.${i + 2}`;
    const clone = structuredClone(template.object);
    clone.metadata.name = name;
    clone.metadata.labels = { ...clone.metadata.labels, 'kubernetes.io/hostname': name };
    if (clone.metadata.annotations?.['flannel.alpha.coreos.com/public-ip']) clone.metadata.annotations['flannel.alpha.coreos.com/public-ip'] = ip;
    clone.spec = { ...clone.spec, podCIDR: `10.244.${i}.0/24`, podCIDRs: [`10.244.${i}.0/24`] };
    clone.status = { addresses: [{ type: 'InternalIP', address: ip }, { type: 'Hostname', address: name }] };
    extra.push({ ...template, object: clone });
  }
  const dropped = new Set(existing.slice(workers));
  const out = docs.filter((d) => !dropped.has(d));
  const lastNode = out.reduce((i, d, j) => (isNode(d.object) ? j : i), -1);
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

const fixtureVars = (opts: FixtureOptions) => ({ now: rfc3339(opts.clock.now()), kubernetesVersion: opts.kubernetesVersion ?? DEFAULT_KUBERNETES_VERSION });

/** Loads a fixture set (a name under fixtures/ or a directory) into the cluster. Returns the number of objects created. */
export async function loadFixture(client: Client, nameOrDir: string, opts: FixtureOptions): Promise<number> {
  const vars = fixtureVars(opts);
  const docs = fixtureFiles(fixtureSetDir(nameOrDir)).flatMap((f) => readFixtureFile(f, vars));
  return loadDocuments(client, scaleWorkers(docs, opts.nodes), opts);
}

/** Loads files, directories and objects (the `fixtures` option, --fixtures), all in one dependency order. */
export async function loadFixtures(client: Client, sources: readonly (string | Obj)[], opts: FixtureOptions): Promise<number> {
  const vars = fixtureVars(opts);
  const docs: FixtureDoc[] = [];
  let inline = 0;
  for (const s of sources) {
    if (typeof s === 'string') docs.push(...readFixtureSource(s, vars));
    else docs.push({ object: structuredClone(s), source: 'fixtures option', index: ++inline });
  }
  return loadDocuments(client, docs, opts);
}

/** Checks the shape every document needs before it goes to the API (kubectl's client-side checks). */
function checkDocument(d: FixtureDoc): void {
  const o = d.object;
  const missing = typeof o.apiVersion !== 'string' || !o.apiVersion ? 'apiVersion' : typeof o.kind !== 'string' || !o.kind ? 'kind' : undefined;
  if (missing) throw new FixtureError(`${describeDoc(d)}: ${missing} not set`);
  if (o.metadata !== undefined && (typeof o.metadata !== 'object' || o.metadata === null || Array.isArray(o.metadata))) {
    throw new FixtureError(`${describeDoc(d)}: metadata must be an object`);
  }
  if (!o.metadata?.name && !o.metadata?.generateName) throw new FixtureError(`${describeDoc(d)}: metadata.name or metadata.generateName is required`);
}

/** Creates the documents in dependency order; objects that exist already are kept. Returns the number created. */
async function loadDocuments(client: Client, input: FixtureDoc[], opts: FixtureOptions): Promise<number> {
  for (const d of input) checkDocument(d);
  const docs = orderForCreation(input);
  const vars = fixtureVars(opts);
  const created = new Map<string, Obj>();
  const ref = (kind: string, ns: string | undefined, name: string) => `${kind}/${ns ?? ''}/${name}`;
  let count = 0;
  const crdTimeout = opts.crdTimeoutMs ?? 10_000;
  const create = async (o: Obj, doc: FixtureDoc | undefined): Promise<Obj | undefined> => {
    const fail = (message: string): never => {
      throw new FixtureError(doc ? `${describeDoc(doc)}: ${message}` : message);
    };
    const [group, version] = o.apiVersion.includes('/') ? o.apiVersion.split('/') : ['', o.apiVersion];
    const find = () => client.definitions().find((d) => d.group === group && d.version === version && d.kind === o.kind);
    let def = find();
    // A custom resource is served once its CRD is Established (on the CRD controller's loop, a few writes later).
    if (!def && crdDefines(client, group, o.kind)) {
      const deadline = Date.now() + crdTimeout;
      while (!def && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 5));
        def = find();
      }
      if (!def) fail(`the CustomResourceDefinition for ${o.kind}.${group} did not become Established within ${crdTimeout / 1000} s`);
    }
    if (!def) return fail(`no matches for kind "${o.kind}" in version "${o.apiVersion}"`);
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
      if (err instanceof ApiError && err.code === 409 && err.reason === 'AlreadyExists') return undefined;
      return fail(err instanceof Error ? err.message : String(err));
    }
  };
  const existingNodes = client.nodes.list().items as Obj[];
  for (const doc of docs) {
    const o = doc.object;
    // Nodes arrive registered, as their kubelets created them: with capacity, nodeInfo and Ready conditions, so the
    // scheduler can place the system pods at once (the simulated kubelets take over the heartbeats when they start).
    if (isNode(o) && !o.status?.capacity) {
      const name = o.metadata.name;
      const internalIP = nodeInternalIP(o) ?? nextNodeIP([...existingNodes, ...docs.map((d) => d.object).filter(isNode)]);
      const id = { name, internalIP, kubeletVersion: vars.kubernetesVersion, bootedAt: opts.clock.now() };
      o.status = nodeStatus(o, id, preloadedImages(vars.kubernetesVersion), opts.clock.now());
    }
    await create(o, doc);
  }
  const nodes = [...created.values()].filter(isNode);
  for (const ds of created.values()) {
    if (ds.kind !== 'DaemonSet' || ds.metadata?.annotations?.[PER_NODE_ANNOTATION] !== 'per-node') continue;
    for (const node of nodes) {
      const pod = daemonPod(ds, node);
      // Only nodes the DaemonSet would run on (its node selector/affinity, NoSchedule taints it does not tolerate).
      if (!matchesRequiredNodeAffinity(pod, node)) continue;
      if (untoleratedTaint(node.spec?.taints, pod.spec.tolerations, ['NoSchedule', 'NoExecute'])) continue;
      await create(pod, undefined);
    }
  }
  return count;
}

/** True when a CustomResourceDefinition in the store defines this kind in this group. */
function crdDefines(client: Client, group: string, kind: string): boolean {
  if (!group.includes('.')) return false;
  const crds = client.resource('apiextensions.k8s.io', 'v1', 'customresourcedefinitions').list(undefined).items as Obj[];
  return crds.some((c) => c.spec?.group === group && c.spec?.names?.kind === kind);
}
