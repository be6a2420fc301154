// Informer: list + watch into a local cache with add/update/delete handlers and periodic resync, re-listing when
// the watch expires (410) or closes — the shape of client-go's SharedIndexInformer, in process.
import type { Clock, TimerHandle } from '../clock.js';
import type { Obj } from '../registry/types.js';
import { StorageError, type Watcher } from '../storage/interface.js';
import type { ClientWatchEvent, ResourceClient } from './client.js';

export interface InformerHandlers {
  onAdd?(obj: Obj): void;
  onUpdate?(oldObj: Obj, newObj: Obj): void;
  onDelete?(obj: Obj): void;
}

/** namespace/name, or name for cluster-scoped objects (client-go MetaNamespaceKeyFunc). */
export function keyOf(obj: Obj): string {
  const m = obj.metadata ?? {};
  return m.namespace ? `${m.namespace}/${m.name}` : m.name;
}

export function splitKey(key: string): [string | undefined, string] {
  const i = key.indexOf('/');
  return i < 0 ? [undefined, key] : [key.slice(0, i), key.slice(i + 1)];
}

export class Informer {
  private readonly cache = new Map<string, Obj>();
  private readonly handlers: InformerHandlers[] = [];
  private watcher?: Watcher;
  private resyncTimer?: TimerHandle;
  private stopped = false;
  private synced = false;

  constructor(
    readonly client: ResourceClient,
    private readonly clock: Clock,
    private readonly opts: { namespace?: string; resyncMs?: number } = {},
  ) {}

  addHandlers(h: InformerHandlers): void {
    this.handlers.push(h);
    // Late handlers see the current state as adds, like client-go's AddEventHandler on a started informer.
    if (this.synced) for (const o of this.cache.values()) h.onAdd?.(o);
  }

  get(key: string): Obj | undefined {
    return this.cache.get(key);
  }

  list(): Obj[] {
    return [...this.cache.values()];
  }

  hasSynced(): boolean {
    return this.synced;
  }

  start(): void {
    this.relist();
    if (this.opts.resyncMs) {
      this.resyncTimer = this.clock.every(this.opts.resyncMs, () => {
        for (const o of this.cache.values()) for (const h of this.handlers) h.onUpdate?.(o, o);
      });
    }
  }

  stop(): void {
    this.stopped = true;
    this.watcher?.stop();
    this.resyncTimer?.cancel();
  }

  /** Lists, reconciles the cache (emitting adds/updates/deletes for differences) and watches from the list. */
  private relist(): void {
    if (this.stopped) return;
    this.watcher?.stop();
    const { items, resourceVersion } = this.client.list(this.opts.namespace);
    const seen = new Set<string>();
    for (const o of items) {
      const k = keyOf(o);
      seen.add(k);
      const old = this.cache.get(k);
      this.cache.set(k, o);
      if (!old) this.emit((h) => h.onAdd?.(o));
      else if (old.metadata?.resourceVersion !== o.metadata?.resourceVersion) this.emit((h) => h.onUpdate?.(old, o));
    }
    for (const [k, o] of [...this.cache]) {
      if (!seen.has(k)) {
        this.cache.delete(k);
        this.emit((h) => h.onDelete?.(o));
      }
    }
    this.synced = true;
    try {
      this.watcher = this.client.watch(this.opts.namespace, Number(resourceVersion), (e) => this.onEvent(e), () => {
        if (!this.stopped) this.relistSoon();
      });
    } catch (err) {
      if (err instanceof StorageError && err.code === 'Expired') this.relistSoon();
      else if (!(err instanceof StorageError && err.code === 'Closed')) throw err;
    }
  }

  /** Re-lists on the next event-loop turn (not inside the store's callback). Not a clock timer: this is no simulated
   * delay, and a virtual clock would otherwise hold the informer stale until someone advanced it. */
  private relistSoon(): void {
    setImmediate(() => {
      try {
        this.relist();
      } catch (err) {
        if (!(err instanceof StorageError && err.code === 'Closed')) throw err;
      }
    });
  }

  private onEvent(e: ClientWatchEvent): void {
    const k = keyOf(e.object);
    const old = this.cache.get(k);
    if (e.type === 'DELETED') {
      this.cache.delete(k);
      this.emit((h) => h.onDelete?.(e.object));
      return;
    }
    this.cache.set(k, e.object);
    if (old) this.emit((h) => h.onUpdate?.(old, e.object));
    else this.emit((h) => h.onAdd?.(e.object));
  }

  private emit(fn: (h: InformerHandlers) => void): void {
    for (const h of this.handlers) {
      try {
        fn(h);
      } catch {
        // A handler's failure must not break the informer (client-go recovers handler panics too).
      }
    }
  }
}
