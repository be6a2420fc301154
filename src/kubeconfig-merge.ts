// --kubeconfig-merge: like `kind create cluster`, add a cluster, user and context named `kubesim` to the user's
// kubeconfig ($KUBECONFIG's first file, else ~/.kube/config) and make it the current context; on stop, take them out
// again and put the previous current-context back. The file is edited as a YAML document (the user's comments and
// order survive), under client-go's `<file>.lock` convention, and replaced atomically. The context entry records the
// previous current-context in an extension (as minikube records its own data there), so that a kubesim taking over
// the entries of another (or of one that was killed) still knows where to go back to.
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Document, YAMLMap, YAMLSeq } from 'yaml';
import { userKubeconfigPath } from './config.js';
import { yaml } from './yaml.js';

const isMap = (node: unknown): node is YAMLMap => yaml().isMap(node);
const isSeq = (node: unknown): node is YAMLSeq => yaml().isSeq(node);

export interface MergeOptions {
  /** The kubeconfig to edit (default: $KUBECONFIG's first file, else ~/.kube/config). */
  file?: string;
  /** Name of the cluster, user and context entries (default `kubesim`). */
  context?: string;
}

export interface MergedKubeconfig {
  file: string;
  context: string;
  /** The current-context before the merge ('' when none). */
  previousContext: string;
  /** Takes the entries out again and restores the previous current-context (if ours is still current). Idempotent;
   * leaves the file alone if another kubesim has taken over the entries meanwhile. */
  remove(): void;
}

const LISTS = ['clusters', 'users', 'contexts'] as const;

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** Runs `fn` holding `<file>.lock` (client-go's kubeconfig lock); a lock older than 10 s is taken as stale. */
function withLock<T>(file: string, fn: () => T): T {
  const lock = `${file}.lock`;
  mkdirSync(path.dirname(file), { recursive: true });
  for (let i = 0; ; i++) {
    try {
      closeSync(openSync(lock, 'wx'));
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      let stale = false;
      try {
        stale = Date.now() - statSync(lock).mtimeMs > 10_000;
      } catch {
        continue; // removed meanwhile: try again
      }
      if (stale) {
        try {
          unlinkSync(lock);
        } catch {
          // someone else removed it
        }
        continue;
      }
      if (i >= 200) throw new Error(`kubeconfig ${file} is locked (${lock} exists); remove it if no kubectl is running`);
      sleepSync(10);
    }
  }
  try {
    return fn();
  } finally {
    try {
      unlinkSync(lock);
    } catch {
      // already gone
    }
  }
}

function readDoc(file: string): Document | undefined {
  if (!existsSync(file)) return undefined;
  const text = readFileSync(file, 'utf8');
  const doc = yaml().parseDocument(text);
  if (doc.errors.length) throw new Error(`cannot merge into kubeconfig ${file}: ${doc.errors[0].message.split('\n')[0]}`);
  if (doc.contents === null) return undefined; // an empty file
  if (!isMap(doc.contents)) throw new Error(`cannot merge into kubeconfig ${file}: it is not a kubeconfig (a YAML map)`);
  return doc;
}

function writeDoc(file: string, doc: Document): void {
  let mode = 0o600;
  try {
    mode = statSync(file).mode & 0o777;
  } catch {
    // a new file
  }
  const tmp = `${file}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  writeFileSync(tmp, doc.toString({ lineWidth: 0 }), { mode });
  renameSync(tmp, file);
}

/** Removes the entries named `name` from clusters, users and contexts. */
function dropEntries(doc: Document, name: string): void {
  for (const list of LISTS) {
    const seq = doc.get(list);
    if (!isSeq(seq)) continue;
    seq.items = seq.items.filter((item) => !(isMap(item) && item.get('name') === name));
  }
}

function entryServer(doc: Document, name: string): unknown {
  const seq = doc.get('clusters');
  if (!isSeq(seq)) return undefined;
  const item = seq.items.find((i) => isMap(i) && i.get('name') === name);
  return isMap(item) ? item.getIn(['cluster', 'server']) : undefined;
}

const EXTENSION = 'kubesim';

/** The previous current-context recorded in the context entry `name`. */
function recordedPrevious(doc: Document, name: string): string | undefined {
  const seq = doc.get('contexts');
  if (!isSeq(seq)) return undefined;
  const item = seq.items.find((i) => isMap(i) && i.get('name') === name);
  const extensions = isMap(item) ? item.getIn(['context', 'extensions']) : undefined;
  if (!isSeq(extensions)) return undefined;
  const ext = extensions.items.find((e) => isMap(e) && e.get('name') === EXTENSION);
  const previous = isMap(ext) ? ext.getIn(['extension', 'previous-context']) : undefined;
  return typeof previous === 'string' ? previous : undefined;
}

function hasEntries(doc: Document): boolean {
  return LISTS.some((list) => {
    const seq = doc.get(list);
    return isSeq(seq) && seq.items.length > 0;
  });
}

export function mergeIntoUserKubeconfig(server: string, options: MergeOptions = {}): MergedKubeconfig {
  const file = path.resolve(options.file ?? userKubeconfigPath());
  const name = options.context ?? 'kubesim';
  let createdFile = false;
  const previousContext = withLock(file, () => {
    let doc = readDoc(file);
    if (!doc) {
      createdFile = !existsSync(file);
      doc = new (yaml().Document)({ apiVersion: 'v1', kind: 'Config', clusters: [], users: [], contexts: [], 'current-context': '', preferences: {} });
    }
    let previous = String(doc.get('current-context') ?? '');
    // Our name is current already (another kubesim's entries, or a leftover): go back where that one would have.
    if (previous === name) previous = recordedPrevious(doc, name) ?? '';
    dropEntries(doc, name);
    const add = (list: string, item: unknown) => {
      if (!isSeq(doc!.get(list))) doc!.set(list, doc!.createNode([]));
      (doc!.get(list) as { add(v: unknown): void }).add(doc!.createNode(item));
    };
    // client-node 1.x refuses http:// servers unless insecure-skip-tls-verify is set; kubectl ignores it for http.
    add('clusters', { name, cluster: { server, 'insecure-skip-tls-verify': true } });
    add('users', { name, user: {} });
    add('contexts', { name, context: { cluster: name, user: name, extensions: [{ name: EXTENSION, extension: { 'previous-context': previous } }] } });
    doc.set('current-context', name);
    writeDoc(file, doc);
    return previous;
  });
  let removed = false;
  return {
    file,
    context: name,
    previousContext,
    remove() {
      if (removed) return;
      removed = true;
      withLock(file, () => {
        const doc = readDoc(file);
        if (!doc || entryServer(doc, name) !== server) return; // gone, or another kubesim's now
        dropEntries(doc, name);
        if (doc.get('current-context') === name) doc.set('current-context', previousContext);
        if (createdFile && !hasEntries(doc)) {
          unlinkSync(file);
          return;
        }
        writeDoc(file, doc);
      });
    },
  };
}
