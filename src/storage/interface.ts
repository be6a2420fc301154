// The storage contract every backend (memory, LevelDB, ...) implements. It mirrors the shape of the upstream
// k8s.io/apiserver storage.Interface over etcd3: one global, strictly increasing revision; each write and its event
// (with the previous object) committed in one atomic batch; watch from any retained revision; a bounded history whose
// compacted part answers 410 Expired.
//
// Objects are plain JSON-compatible values (Kubernetes objects). The store owns `metadata.resourceVersion`: it is set
// to the write's revision on every stored object (like the etcd3 versioner does on decode), so callers never set it.
// Stored objects are frozen-by-convention: callers must not mutate what they get back (clone first).

export type KubeObject = { metadata?: { resourceVersion?: string; [k: string]: unknown }; [k: string]: unknown };

/** One current object as stored. `json` is the exact serialisation of `object` (used to build LIST bodies fast). */
export interface StoredObject {
  key: string;
  object: KubeObject;
  json: string;
  /** The revision of the last write to this key (= Number(object.metadata.resourceVersion)). */
  revision: number;
  /** Caches readers may fill (a stored object never changes): `json` as UTF-8, and the JSON of object.metadata as
   * UTF-8 (LIST bodies and Table rows are assembled from them: src/api/list-body.ts). */
  utf8?: Buffer;
  metadataUtf8?: Buffer;
}

export type EventType = 'ADDED' | 'MODIFIED' | 'DELETED';

/** One committed change. For DELETED, `object` is the last state (with resourceVersion set to the delete revision). */
export interface StorageEvent {
  type: EventType;
  key: string;
  revision: number;
  object: KubeObject;
  json: string;
  /** The object before this change (undefined for ADDED). */
  prevObject?: KubeObject;
}

export interface ListOptions {
  /** Only keys strictly greater than this (pagination). */
  startAfter?: string;
  /** Maximum number of items; 0/undefined means all. */
  limit?: number;
  /**
   * Read the state as of this revision (consistent snapshot for paginated LIST). Must be >= the compacted revision,
   * else StorageError 'Expired'. Undefined: the current state.
   */
  atRevision?: number;
  /** Optional filter applied before `limit` counting (like upstream's predicate-aware paging). */
  filter?: (obj: KubeObject) => boolean;
}

export interface ListResult {
  items: StoredObject[];
  /** The revision the list reflects (the store's current revision, or atRevision). */
  revision: number;
  /** True when more matching items exist after the last returned one. */
  more: boolean;
  /** Number of matching items after the returned page (only computed when cheap; may be undefined). */
  remaining?: number;
}

export interface Preconditions {
  /** The write only happens if the current object's revision equals this. */
  revision?: number;
  /** The write only happens if the current object's metadata.uid equals this. */
  uid?: string;
}

export type StorageErrorCode = 'NotFound' | 'KeyExists' | 'Conflict' | 'Expired' | 'Closed' | 'Internal';

export class StorageError extends Error {
  constructor(
    readonly code: StorageErrorCode,
    readonly key: string,
    message?: string,
  ) {
    super(message ?? `${code}: ${key}`);
    this.name = 'StorageError';
  }
}

export interface WatchOptions {
  /**
   * Deliver every event with revision > fromRevision, then live events. 0 or undefined: only live events (callers
   * that want "current state then changes" list first and pass the list revision).
   * If fromRevision < compactedRevision(): StorageError('Expired').
   */
  fromRevision?: number;
  /** Called for each event in revision order. Must not throw. */
  onEvent: (event: StorageEvent) => void;
  /** Called once if the store closes or the watcher is dropped (e.g. a too-slow consumer). */
  onClose?: (reason: 'closed' | 'dropped') => void;
}

export interface Watcher {
  stop(): void;
}

/** A transform for guaranteedUpdate: receives the current object (a private deep copy, safe to mutate) and returns
 * the new object, or throws (the error propagates to the caller, nothing is written). */
export type UpdateFn = (current: KubeObject) => KubeObject | Promise<KubeObject>;

export interface Storage {
  /** Opens the backend (loads the current state and the retained event history). */
  open(): Promise<void>;
  /** Flushes and closes. Pending writes complete (or fail) first. Idempotent. */
  close(): Promise<void>;

  /** The revision of the last committed write (0 for an empty store). */
  currentRevision(): number;
  /** Events with revision <= this are gone; watch/list at such revisions fail with 'Expired'. */
  compactedRevision(): number;

  get(key: string): StoredObject | undefined;
  /** Lists keys beginning with `prefix`, sorted by key. */
  list(prefix: string, options?: ListOptions): ListResult;
  /** Number of current keys beginning with `prefix`. */
  count(prefix: string): number;

  /** Creates `key`; StorageError('KeyExists') if present. Resolves once durable, with the stored object. */
  create(key: string, object: KubeObject): Promise<StoredObject>;
  /**
   * Read-modify-write like upstream GuaranteedUpdate: reads the current object, applies `fn`, writes if the object is
   * unchanged since the read (retrying `fn` otherwise). Preconditions are checked against the current object:
   * 'Conflict' on mismatch, 'NotFound' if absent. If `fn` returns an object deep-equal to the current one, nothing is
   * written and the current stored object is returned (no new revision, no event), like upstream.
   */
  guaranteedUpdate(key: string, fn: UpdateFn, preconditions?: Preconditions): Promise<StoredObject>;
  /** Deletes `key`. 'NotFound' if absent, 'Conflict' if preconditions fail. Resolves with the deleted object (its
   * resourceVersion set to the delete revision) once durable. */
  delete(key: string, preconditions?: Preconditions): Promise<StoredObject>;

  watch(prefix: string, options: WatchOptions): Watcher;

  /**
   * Makes the store hold exactly `objects` (key → object), in one atomic batch, like an etcd restore that keeps
   * history: every difference from the latest state is an ordinary write with a new, higher revision and its watch
   * event (an absent key: DELETED; a new key: ADDED; a changed object: MODIFIED, or DELETED then ADDED when its
   * metadata.uid changed, since it is another object). Objects equal to the current ones (ignoring resourceVersion)
   * are left alone, keeping their revisions. So resourceVersions never repeat or go back, open watches and informers
   * see the changes as events, and nothing needs a re-list. Resolves once durable.
   */
  replaceAll(objects: Iterable<readonly [string, KubeObject]>): Promise<ReplaceResult>;
}

export interface ReplaceResult {
  /** The store's revision once the batch is committed (unchanged when nothing differed). */
  revision: number;
  /** Number of writes (events) the replacement took. */
  changes: number;
}

/** Why a backend could not open; the CLI prints `message` as its one-line diagnosis. */
export type StorageOpenErrorReason = 'locked' | 'unwritable' | 'corrupt' | 'failed';

/** Thrown by Storage.open() when the backend cannot start (data directory locked, unwritable, unreadable data). */
export class StorageOpenError extends Error {
  constructor(
    readonly reason: StorageOpenErrorReason,
    readonly dir: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'StorageOpenError';
  }
}
