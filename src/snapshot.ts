// Cluster snapshots: the whole store as one plain document a user can read, diff and edit (JSON or YAML), restored
// through Storage.replaceAll. Objects are keyed by their storage key rather than derived from apiVersion/kind, so a
// snapshot round-trips without the catalogue (custom resources whose CRD is in the same snapshot included).
import { yaml } from './yaml.js';
import type { KubeObject, Storage } from './storage/interface.js';

export const SNAPSHOT_API_VERSION = 'kubesim.io/v1alpha1';

export interface Snapshot {
  apiVersion: typeof SNAPSHOT_API_VERSION;
  kind: 'Snapshot';
  /** The store revision the snapshot reflects. Informational: a restore writes with new, higher revisions. */
  revision: number;
  /** Every stored object by storage key (`/registry/<group>/<resource>/[<namespace>/]<name>`), in key order. */
  objects: Record<string, KubeObject>;
}

/** A snapshot the API or the CLI cannot use; the message names the offending key. */
export class SnapshotError extends Error {
  override name = 'SnapshotError';
}

/** The current committed state as a snapshot document (a private deep copy: safe to edit). */
export function takeSnapshot(storage: Storage): Snapshot {
  return JSON.parse(snapshotJson(storage)) as Snapshot;
}

/** The snapshot as JSON text, spliced from the stored serialisations (no per-object re-encoding). */
export function snapshotJson(storage: Storage): string {
  const { items, revision } = storage.list('');
  const objects = items.map((i) => `${JSON.stringify(i.key)}:${i.json}`).join(',');
  return `{"apiVersion":"${SNAPSHOT_API_VERSION}","kind":"Snapshot","revision":${revision},"objects":{${objects}}}`;
}

export function formatSnapshot(snap: Snapshot | string, format: 'json' | 'yaml'): string {
  const doc = typeof snap === 'string' ? (JSON.parse(snap) as Snapshot) : snap;
  return format === 'yaml' ? yaml().stringify(doc, { lineWidth: 0 }) : `${JSON.stringify(doc, null, 2)}\n`;
}

/** Parses JSON or YAML text (JSON is YAML, but the JSON parser is much faster for big snapshots). */
export function parseSnapshotText(text: string): unknown {
  const trimmed = text.trimStart();
  if (trimmed.startsWith('{')) {
    try {
      return JSON.parse(text);
    } catch {
      // fall through: YAML flow style also starts with '{'
    }
  }
  try {
    return yaml().parse(text);
  } catch (err) {
    throw new SnapshotError(`snapshot is neither JSON nor YAML: ${(err as Error).message.split('\n')[0]}`);
  }
}

/**
 * Checks a snapshot document and returns its objects as storage entries, deep-copied so that later edits of the
 * document cannot reach the store. Each object needs metadata.name equal to its key's last segment.
 */
export function snapshotEntries(doc: unknown): [string, KubeObject][] {
  if (!isPlainObject(doc)) throw new SnapshotError('snapshot must be an object with apiVersion, kind and objects');
  if (doc.kind !== 'Snapshot' || doc.apiVersion !== SNAPSHOT_API_VERSION) {
    throw new SnapshotError(`snapshot must have apiVersion ${SNAPSHOT_API_VERSION} and kind Snapshot (got ${String(doc.apiVersion)} ${String(doc.kind)})`);
  }
  const objects = doc.objects ?? {};
  if (!isPlainObject(objects)) throw new SnapshotError('snapshot objects must be a map of storage key to object');
  const out: [string, KubeObject][] = [];
  for (const [key, value] of Object.entries(objects)) {
    if (!/^\/registry\/[^/]+\/[^/]+\/./.test(key) || key.endsWith('/')) {
      throw new SnapshotError(`snapshot key ${JSON.stringify(key)} is not a storage key (/registry/<group>/<resource>/[<namespace>/]<name>)`);
    }
    if (!isPlainObject(value) || !isPlainObject(value.metadata)) throw new SnapshotError(`snapshot object ${key} must be an object with metadata`);
    const name = key.slice(key.lastIndexOf('/') + 1);
    if (value.metadata.name !== name) {
      throw new SnapshotError(`snapshot object ${key} has metadata.name ${JSON.stringify(value.metadata.name)}, expected ${JSON.stringify(name)}`);
    }
    out.push([key, JSON.parse(JSON.stringify(value)) as KubeObject]);
  }
  return out;
}

function isPlainObject(v: unknown): v is Record<string, any> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
