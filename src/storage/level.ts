// The durable backend: the engine over LevelDB (classic-level). Each group-commit batch is one
// db.batch(..., { sync: true }) — object puts/deletes, their events, the dropped-history deletes and the revision
// counter, atomically and fsync'ed — so an acknowledged write survives a crash, like an etcd commit upstream.
// The record layout is in level-layout.ts.

import fs from 'node:fs';
import type { ClassicLevel } from 'classic-level';
import { StorageEngine, type CommitBatch, type CommittedEvent, type LoadedState } from './engine.js';
import { StorageOpenError, type KubeObject, type StoredObject } from './interface.js';
import {
  EVENT_END,
  META_COMPACTED,
  META_REVISION,
  OBJECT_END,
  OBJECT_PREFIX,
  decodeEvent,
  deriveEventJson,
  encodeEvent,
  eventKey,
  objectKey,
  revisionOfEventKey,
  type EncodedEvent,
} from './level-layout.js';

export interface LevelStorageOptions {
  /** The data directory (created if missing). */
  dir: string;
  /** Events kept for watch/list-at-revision (default 100,000). */
  historyLimit?: number;
}

type Op = { type: 'put'; key: string; value: string } | { type: 'del'; key: string };

/** Entries fetched per iterator round trip while loading. */
const LOAD_CHUNK = 1000;

export class LevelStorage extends StorageEngine {
  readonly dir: string;
  /** Created in load(), not the constructor: abstract-level opens a database on its own one microtask after
   * construction unless open() was called, which would create and lock the directory behind our back. */
  private dbHandle: ClassicLevel<string, string> | undefined;
  /** The compaction point recorded in the database (events at or below it are deleted). */
  private persistedCompaction = 0;

  constructor(options: LevelStorageOptions) {
    super(options.historyLimit);
    this.dir = options.dir;
  }

  private get db(): ClassicLevel<string, string> {
    if (!this.dbHandle) throw new Error('LevelStorage: database not opened');
    return this.dbHandle;
  }

  protected override async load(): Promise<LoadedState> {
    prepareDirectory(this.dir);
    // Loaded here rather than with this module: in-memory clusters never pay for LevelDB's native binding.
    const { ClassicLevel: Level } = await import('classic-level');
    this.dbHandle = new Level<string, string>(this.dir, { keyEncoding: 'utf8', valueEncoding: 'utf8' });
    try {
      await this.dbHandle.open({ createIfMissing: true });
    } catch (err) {
      throw openError(this.dir, err);
    }
    try {
      return await this.readAll();
    } catch (err) {
      await this.db.close().catch(() => undefined);
      if (err instanceof StorageOpenError) throw err;
      const reason = err instanceof Error ? err.message : String(err);
      throw new StorageOpenError('corrupt', this.dir, `cannot read data directory ${this.dir}: ${reason}`, { cause: err });
    }
  }

  private async readAll(): Promise<LoadedState> {
    const [rev, comp] = await this.db.getMany([META_REVISION, META_COMPACTED]);
    const revision = rev === undefined ? 0 : Number(rev);
    const compactedRevision = comp === undefined ? 0 : Number(comp);
    if (!Number.isSafeInteger(revision) || !Number.isSafeInteger(compactedRevision)) throw new Error('malformed revision counters');
    this.persistedCompaction = compactedRevision;

    const objects = new Map<string, StoredObject>();
    await this.scan(OBJECT_PREFIX, OBJECT_END, (k, v) => {
      const key = k.slice(OBJECT_PREFIX.length);
      objects.set(key, parseStored(key, v));
    });

    // Rebuild the history window: read the records, fill in the JSON the writer left out (deriveEventJson), then
    // build the events. Most objects appear in several events; reuse already-parsed states where the JSON matches (an
    // event's prev is usually the previous event's object; the newest is usually the current one).
    const records: (EncodedEvent & { revision: number })[] = [];
    await this.scan(eventKey(compactedRevision), EVENT_END, (k, v) => {
      const revision = revisionOfEventKey(k);
      if (revision <= compactedRevision) return; // the range start is inclusive
      records.push({ ...decodeEvent(v), revision });
    });
    deriveEventJson(records, (key, rev) => {
      const current = objects.get(key);
      return current && current.revision === rev ? current.json : undefined;
    });
    const events: CommittedEvent[] = [];
    const lastByKey = new Map<string, StoredObject>();
    for (const { type, key, json, prevJson, revision } of records) {
      let prev: StoredObject | undefined;
      if (prevJson) {
        const last = lastByKey.get(key);
        prev = last && last.json === prevJson ? last : parseStored(key, prevJson);
      }
      const current = objects.get(key);
      const stored = type !== 'DELETED' && current && current.revision === revision ? current : parseStored(key, json, revision);
      events.push({ type, key, revision, object: stored.object, json: stored.json, prevObject: prev?.object, prev });
      if (type === 'DELETED') lastByKey.delete(key);
      else lastByKey.set(key, stored);
    }
    return { objects: objects.values(), revision, compactedRevision, events };
  }

  private async scan(gte: string, lt: string, fn: (key: string, value: string) => void): Promise<void> {
    const it = this.db.iterator({ gte, lt });
    try {
      for (;;) {
        const entries = await it.nextv(LOAD_CHUNK);
        if (entries.length === 0) return;
        for (const [k, v] of entries) fn(k, v);
      }
    } finally {
      await it.close();
    }
  }

  protected override persist(batch: CommitBatch): Promise<void> {
    const ops: Op[] = [];
    for (const e of batch.events) {
      if (e.type === 'DELETED') ops.push({ type: 'del', key: objectKey(e.key) });
      else ops.push({ type: 'put', key: objectKey(e.key), value: e.json });
      ops.push({ type: 'put', key: eventKey(e.revision), value: encodeEvent(e.type, e.key, e.prev?.json) });
    }
    const compacted = batch.compactedRevision;
    if (compacted > this.persistedCompaction) {
      // Revisions are contiguous, so the dropped events are exactly these keys.
      for (let r = this.persistedCompaction + 1; r <= compacted; r++) ops.push({ type: 'del', key: eventKey(r) });
      ops.push({ type: 'put', key: META_COMPACTED, value: String(compacted) });
    }
    ops.push({ type: 'put', key: META_REVISION, value: String(batch.revision) });
    return this.db.batch(ops, { sync: true }).then(() => {
      this.persistedCompaction = Math.max(this.persistedCompaction, compacted);
    });
  }

  protected override async closeBackend(): Promise<void> {
    const db = this.dbHandle;
    if (db && (db.status === 'open' || db.status === 'opening')) await db.close();
  }
}

function parseStored(key: string, json: string, expectedRevision?: number): StoredObject {
  const object = JSON.parse(json) as KubeObject;
  const revision = Number(object.metadata?.resourceVersion);
  if (!Number.isSafeInteger(revision) || (expectedRevision !== undefined && revision !== expectedRevision)) {
    throw new Error(`object ${key} has an invalid resourceVersion`);
  }
  return { key, object, json, revision };
}

const FS_REASONS: Record<string, string> = {
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'read-only file system',
  ENOTDIR: 'a parent path is not a directory',
  EEXIST: 'exists and is not a directory',
  ENOSPC: 'no space left on device',
};

function errorCode(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

function unwritable(dir: string, err: unknown): StorageOpenError {
  const code = errorCode(err);
  const reason = code && FS_REASONS[code] ? `${FS_REASONS[code]} (${code})` : err instanceof Error ? err.message : String(err);
  return new StorageOpenError('unwritable', dir, `cannot write data directory ${dir}: ${reason}`, { cause: err });
}

/** Creates the directory and checks it is writable, so the common failures get a precise message up front. */
function prepareDirectory(dir: string): void {
  try {
    fs.mkdirSync(dir, { recursive: true });
    if (!fs.statSync(dir).isDirectory()) throw Object.assign(new Error('not a directory'), { code: 'EEXIST' });
    fs.accessSync(dir, fs.constants.W_OK | fs.constants.X_OK);
  } catch (err) {
    throw unwritable(dir, err);
  }
}

function openError(dir: string, err: unknown): StorageOpenError {
  const cause = (err as { cause?: unknown } | null)?.cause;
  const code = errorCode(cause) ?? errorCode(err);
  if (code === 'LEVEL_LOCKED') {
    return new StorageOpenError('locked', dir, `data directory ${dir} is in use by another kubesim (LevelDB lock held)`, { cause: err });
  }
  if (code && code in FS_REASONS) return unwritable(dir, cause ?? err);
  const detail = cause instanceof Error ? cause.message : err instanceof Error ? err.message : String(err);
  if (/permission denied|read-only file system/i.test(detail)) return unwritable(dir, cause ?? err);
  if (code === 'LEVEL_CORRUPTION') {
    return new StorageOpenError('corrupt', dir, `data directory ${dir} is corrupt: ${detail}`, { cause: err });
  }
  return new StorageOpenError('failed', dir, `cannot open data directory ${dir}: ${detail}`, { cause: err });
}
