// The backend-independent storage engine: committed state, revision counter, history window, watchers and the
// group-commit write path. Backends (memory, LevelDB) only load the persisted state and persist batches.
//
// Write path: a write is validated against the latest state *including accepted-but-unflushed writes* (the overlay),
// gets its revision at acceptance, and joins the open batch. One batch is persisted at a time, as one atomic backend
// call; writes arriving meanwhile accumulate into the next batch (group commit: one fsync for many writers). Only
// once a batch is durable are its writes applied to the committed state, its events delivered, and its callers'
// promises resolved — so readers never see a write that could still be lost, as with etcd's Raft commit upstream.

import { EventHistory, type CommittedEvent } from './history.js';
import {
  StorageError,
  type EventType,
  type KubeObject,
  type ListOptions,
  type ListResult,
  type Preconditions,
  type ReplaceResult,
  type Storage,
  type StorageEvent,
  type StoredObject,
  type UpdateFn,
  type WatchOptions,
  type Watcher,
} from './interface.js';
import { equalIgnoringResourceVersion } from './json-equal.js';
import { CommittedState } from './state.js';
import { WatcherSet } from './watchers.js';

export type { CommittedEvent } from './history.js';

export const DEFAULT_HISTORY_LIMIT = 100_000;
/** guaranteedUpdate re-runs its transform at most this often when other writes keep racing it. */
const MAX_UPDATE_ATTEMPTS = 10;

/** One atomic unit for the backend: all of it becomes durable, or the store fails. */
export interface CommitBatch {
  /** The batch's events in revision order. For ADDED/MODIFIED, `object`/`json` is the new stored state. */
  readonly events: readonly CommittedEvent[];
  /** The store's revision after this batch (the last event's revision). */
  readonly revision: number;
  /** Events with revision <= this leave the history window with this batch (the backend may delete them). */
  readonly compactedRevision: number;
}

/** What a backend hands the engine at open. */
export interface LoadedState {
  objects: Iterable<StoredObject>;
  revision: number;
  compactedRevision: number;
  /** Retained events, increasing revision, all in (compactedRevision, revision]. */
  events: CommittedEvent[];
}

interface PendingWrite {
  readonly event: CommittedEvent;
  /** The key's state once this write applies (undefined for a delete). */
  readonly state: StoredObject | undefined;
  /** The caller's promise, resolved with the stored object (for a delete: the DELETED event's object). */
  readonly promise: Promise<StoredObject>;
  resolve(value: StoredObject): void;
  reject(error: unknown): void;
}

type Phase = 'new' | 'opening' | 'open' | 'closing' | 'closed';

export abstract class StorageEngine implements Storage {
  private phase: Phase = 'new';
  private opening: Promise<void> | undefined;
  private closing: Promise<void> | undefined;
  /** Set when a batch failed to persist: the store no longer accepts writes. */
  private failure: StorageError | undefined;

  private readonly state = new CommittedState();
  private readonly history = new EventHistory();
  private readonly watchers = new WatcherSet();
  /** Latest accepted-but-uncommitted write per key. */
  private readonly overlay = new Map<string, PendingWrite>();
  /** Accepted writes waiting for the next flush. */
  private batch: PendingWrite[] = [];
  private flushScheduled = false;
  /** The batch being persisted and applied; at most one at a time. */
  private inflight: Promise<void> | undefined;

  private committedRevision = 0;
  private acceptedRevision = 0;
  /** The compaction point promised to the backend by the newest flushed batch. */
  private plannedCompaction = 0;

  protected readonly historyLimit: number;

  constructor(historyLimit: number = DEFAULT_HISTORY_LIMIT) {
    if (!Number.isInteger(historyLimit) || historyLimit < 1) throw new RangeError(`historyLimit must be a positive integer`);
    this.historyLimit = historyLimit;
  }

  /** Reads the persisted state (empty for a fresh store). */
  protected abstract load(): Promise<LoadedState>;
  /** Makes one batch durable, atomically. A rejection is fatal for the store. */
  protected abstract persist(batch: CommitBatch): Promise<void>;
  /** Releases backend resources after the last batch. */
  protected abstract closeBackend(): Promise<void>;

  // ---- lifecycle ----

  open(): Promise<void> {
    if (this.phase === 'open') return Promise.resolve();
    if (this.phase === 'opening') return this.opening!;
    if (this.phase !== 'new') return Promise.reject(new StorageError('Closed', '', 'storage is closed'));
    this.phase = 'opening';
    this.opening = this.load().then(
      (loaded) => {
        if (this.phase !== 'opening') return; // closed while loading
        this.install(loaded);
        this.phase = 'open';
      },
      (err: unknown) => {
        if (this.phase === 'opening') this.phase = 'new';
        throw err;
      },
    );
    return this.opening;
  }

  private install(loaded: LoadedState): void {
    this.state.load(loaded.objects);
    let events = loaded.events;
    let compacted = loaded.compactedRevision;
    if (events.length > this.historyLimit) {
      // The limit shrank since the events were written: trim now; the backend deletes them with its next batch.
      const drop = events.length - this.historyLimit;
      compacted = events[drop - 1].revision;
      events = events.slice(drop);
    }
    // Never claim history we do not have: anything before the first retained event counts as compacted.
    compacted = events.length === 0 ? Math.max(compacted, loaded.revision) : Math.max(compacted, events[0].revision - 1);
    this.history.reset(events, compacted);
    this.committedRevision = this.acceptedRevision = loaded.revision;
    this.plannedCompaction = compacted;
  }

  close(): Promise<void> {
    if (this.closing) return this.closing;
    const wasOpening = this.opening;
    this.phase = 'closing';
    this.closing = (async () => {
      if (wasOpening) await wasOpening.catch(() => undefined);
      await this.drain();
      this.watchers.closeAll('closed');
      try {
        await this.closeBackend();
      } finally {
        this.phase = 'closed';
      }
    })();
    return this.closing;
  }

  /** Waits until every accepted write is persisted (or failed). */
  private async drain(): Promise<void> {
    for (;;) {
      if (this.inflight) await this.inflight;
      else if (this.batch.length > 0) this.flush();
      else return;
    }
  }

  // ---- reads (committed state only) ----

  private checkReadable(key = ''): void {
    if (this.phase !== 'open') {
      throw new StorageError('Closed', key, this.phase === 'new' || this.phase === 'opening' ? 'storage is not open' : 'storage is closed');
    }
  }

  currentRevision(): number {
    this.checkReadable();
    return this.committedRevision;
  }

  compactedRevision(): number {
    this.checkReadable();
    return this.history.compactedRevision;
  }

  get(key: string): StoredObject | undefined {
    this.checkReadable(key);
    return this.state.get(key);
  }

  list(prefix: string, options: ListOptions = {}): ListResult {
    this.checkReadable(prefix);
    const at = options.atRevision;
    if (at === undefined || at >= this.committedRevision) return this.state.list(prefix, options, this.committedRevision);
    if (at < this.history.compactedRevision) throw expired(prefix, at, this.history.compactedRevision);
    return this.state.listAt(prefix, options, at, this.history);
  }

  count(prefix: string): number {
    this.checkReadable(prefix);
    return this.state.count(prefix);
  }

  watch(prefix: string, options: WatchOptions): Watcher {
    this.checkReadable(prefix);
    const from = options.fromRevision ?? 0;
    const replay: StorageEvent[] = [];
    if (from > 0) {
      if (from < this.history.compactedRevision) throw expired(prefix, from, this.history.compactedRevision);
      this.history.forEachAfter(from, (e) => {
        if (e.key.startsWith(prefix)) replay.push(e);
      });
    }
    return this.watchers.add(prefix, Math.max(from, this.committedRevision), options, replay);
  }

  // ---- writes ----

  private checkWritable(key: string): void {
    this.checkReadable(key);
    if (this.failure) throw new StorageError('Internal', key, this.failure.message);
  }

  /** The latest state of `key`, including accepted writes not yet committed. */
  private latest(key: string): StoredObject | undefined {
    const pending = this.overlay.get(key);
    return pending ? pending.state : this.state.get(key);
  }

  async create(key: string, object: KubeObject): Promise<StoredObject> {
    this.checkWritable(key);
    if (this.latest(key)) throw new StorageError('KeyExists', key);
    return this.accept('ADDED', key, object, undefined);
  }

  async guaranteedUpdate(key: string, fn: UpdateFn, preconditions?: Preconditions): Promise<StoredObject> {
    this.checkWritable(key);
    for (let attempt = 0; attempt < MAX_UPDATE_ATTEMPTS; attempt++) {
      const current = this.latest(key);
      if (!current) throw new StorageError('NotFound', key);
      checkPreconditions(key, current, preconditions);
      // A private deep copy for fn to mutate. Parsing the stored serialisation is a faster deep copy than
      // structuredClone for JSON data, and exactly as faithful.
      let next = fn(JSON.parse(current.json) as KubeObject);
      if (next instanceof Promise) {
        next = await next;
        this.checkWritable(key);
      }
      if (typeof next !== 'object' || next === null) throw new TypeError(`guaranteedUpdate(${key}): fn returned no object`);
      // Another write was accepted while fn ran: its result is based on a stale read, so run it again (upstream
      // GuaranteedUpdate retries on the etcd transaction's revision compare failing, the same idea).
      if (this.latest(key) !== current) continue;
      if (equalIgnoringResourceVersion(next, current.object)) {
        // No-op: nothing written, no event, no revision. If the current state is itself still uncommitted,
        // answer when it is durable, never before.
        const pending = this.overlay.get(key);
        return pending && pending.state === current ? pending.promise : current;
      }
      return this.accept('MODIFIED', key, next, current);
    }
    throw new StorageError('Conflict', key, `${key}: too many concurrent updates, giving up after ${MAX_UPDATE_ATTEMPTS} attempts`);
  }

  async delete(key: string, preconditions?: Preconditions): Promise<StoredObject> {
    this.checkWritable(key);
    const current = this.latest(key);
    if (!current) throw new StorageError('NotFound', key);
    checkPreconditions(key, current, preconditions);
    return this.accept('DELETED', key, current.object, current);
  }

  async replaceAll(objects: Iterable<readonly [string, KubeObject]>): Promise<ReplaceResult> {
    this.checkWritable('');
    const target = new Map<string, KubeObject>();
    for (const [key, object] of objects) {
      if (typeof key !== 'string' || key === '') throw new StorageError('Internal', String(key), 'replaceAll: keys must be non-empty strings');
      if (typeof object !== 'object' || object === null || Array.isArray(object)) throw new StorageError('Internal', key, `replaceAll: ${key} is not an object`);
      if (target.has(key)) throw new StorageError('KeyExists', key, `replaceAll: ${key} is given twice`);
      target.set(key, object);
    }
    // Plan every write before taking a revision: the batch must be all or nothing.
    const deletes: [string, StoredObject][] = [];
    const puts: [string, KubeObject, StoredObject | undefined][] = [];
    const current = new Set<string>(this.overlay.keys());
    for (const o of this.state.list('', {}, this.committedRevision).items) current.add(o.key);
    for (const key of [...current].sort()) {
      const cur = this.latest(key);
      if (cur && !target.has(key)) deletes.push([key, cur]);
    }
    for (const key of [...target.keys()].sort()) {
      const want = target.get(key)!;
      const cur = this.latest(key);
      if (cur && equalIgnoringResourceVersion(want, cur.object)) continue;
      // Another uid at the same key is another object: its watchers must see the old one go and the new one come.
      if (cur && want.metadata?.uid !== cur.object.metadata?.uid) deletes.push([key, cur]);
      puts.push([key, want, cur && want.metadata?.uid === cur.object.metadata?.uid ? cur : undefined]);
      JSON.stringify(want); // a value JSON cannot hold (cyclic, BigInt) fails here, before anything is accepted
    }
    if (deletes.length === 0 && puts.length === 0) {
      await this.drain();
      return { revision: this.committedRevision, changes: 0 };
    }
    // Accepted synchronously, one after the other: they land in the same batch, so no reader sees half of it.
    const writes: Promise<StoredObject>[] = [];
    for (const [key, cur] of deletes) writes.push(this.accept('DELETED', key, cur.object, cur));
    for (const [key, want, prev] of puts) writes.push(this.accept(prev ? 'MODIFIED' : 'ADDED', key, want, prev));
    const results = await Promise.all(writes);
    return { revision: results[results.length - 1].revision, changes: results.length };
  }

  /**
   * Resolves once no accepted write is waiting or being persisted; true when it had to wait. The virtual clock waits
   * for this between timers, so that LevelDB's real I/O completes before simulated time moves on.
   */
  async whenIdle(): Promise<boolean> {
    if (!this.inflight && this.batch.length === 0) return false;
    await this.drain();
    return true;
  }

  /**
   * Assigns the next revision, stamps `metadata.resourceVersion`, serialises once, and queues the write. `object`
   * is never mutated: the top level and metadata are shallow-copied (nested values are shared, read-only).
   */
  private accept(type: EventType, key: string, object: KubeObject, prev: StoredObject | undefined): Promise<StoredObject> {
    const revision = this.acceptedRevision + 1;
    const stamped: KubeObject = { ...object, metadata: { ...object.metadata, resourceVersion: String(revision) } };
    const json = JSON.stringify(stamped); // may throw (cyclic, BigInt): before the revision is taken, so no gap
    this.acceptedRevision = revision;
    const event: CommittedEvent = { type, key, revision, object: stamped, json, prevObject: prev?.object, prev };
    const stored: StoredObject = { key, object: stamped, json, revision, utf8: undefined, metadataUtf8: undefined };
    let resolve!: (value: StoredObject) => void;
    let reject!: (error: unknown) => void;
    const promise = new Promise<StoredObject>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    const write: PendingWrite = { event, state: type === 'DELETED' ? undefined : stored, promise, resolve, reject };
    this.overlay.set(key, write);
    this.batch.push(write);
    if (!this.inflight && !this.flushScheduled) {
      // A microtask, not now: writes issued in the same tick join the same batch.
      this.flushScheduled = true;
      queueMicrotask(this.flush);
    }
    return promise;
  }

  private readonly flush = (): void => {
    this.flushScheduled = false;
    if (this.inflight || this.batch.length === 0) return;
    const writes = this.batch;
    this.batch = [];
    const events = writes.map((w) => w.event);
    const revision = events[events.length - 1].revision;
    // Revisions are contiguous (one per accepted write), so the window after this batch is the last
    // `historyLimit` revisions.
    const compactedRevision = Math.max(this.plannedCompaction, revision - this.historyLimit);
    this.plannedCompaction = compactedRevision;
    let persisted: Promise<void>;
    try {
      persisted = this.persist({ events, revision, compactedRevision });
    } catch (err) {
      persisted = Promise.reject(err);
    }
    const next = (): void => {
      this.inflight = undefined;
      if (this.batch.length > 0) this.flush();
    };
    this.inflight = persisted
      .then(
        () => this.apply(writes, revision, compactedRevision),
        (err: unknown) => this.fail(writes, err),
      )
      .then(next, next);
  };

  /** A durable batch becomes visible: state, history, then watchers and callers, all in revision order. */
  private apply(writes: PendingWrite[], revision: number, compactedRevision: number): void {
    for (const w of writes) {
      const key = w.event.key;
      // The replaced state lives on in the history (as a prev) but is rarely read again: drop the encodings readers
      // cached on it (LIST bodies), so they are held for current objects only.
      const replaced = this.state.get(key);
      if (replaced) replaced.utf8 = replaced.metadataUtf8 = undefined;
      if (w.state) this.state.put(w.state);
      else this.state.remove(key);
      if (this.overlay.get(key) === w) this.overlay.delete(key);
      this.history.append(w.event);
    }
    this.committedRevision = revision;
    this.history.dropThrough(compactedRevision);
    for (const w of writes) this.watchers.deliver(w.event);
    for (const w of writes) w.resolve(w.event.type === 'DELETED' ? eventStored(w.event) : w.state!);
  }

  /** Persisting failed: durability is unknown, so stop accepting writes rather than guess (fatal, by design). */
  private fail(writes: PendingWrite[], err: unknown): void {
    const reason = err instanceof Error ? err.message : String(err);
    this.failure = new StorageError('Internal', '', `storage write failed, store is read-only until restart: ${reason}`);
    const all = [...writes, ...this.batch];
    this.batch = [];
    this.overlay.clear();
    for (const w of all) w.reject(new StorageError('Internal', w.event.key, this.failure.message));
  }
}

function eventStored(e: CommittedEvent): StoredObject {
  return { key: e.key, object: e.object, json: e.json, revision: e.revision };
}

function checkPreconditions(key: string, current: StoredObject, pre: Preconditions | undefined): void {
  if (!pre) return;
  // Messages follow upstream's storage.NewInvalidObjError / Preconditions.Check wording.
  if (pre.uid !== undefined && pre.uid !== current.object.metadata?.uid) {
    throw new StorageError('Conflict', key, `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${String(current.object.metadata?.uid ?? '')}`);
  }
  if (pre.revision !== undefined && pre.revision !== current.revision) {
    throw new StorageError('Conflict', key, `Precondition failed: ResourceVersion in precondition: ${pre.revision}, ResourceVersion in object meta: ${current.revision}`);
  }
}

function expired(key: string, revision: number, compacted: number): StorageError {
  return new StorageError('Expired', key, `too old resource version: ${revision} (${compacted})`);
}
