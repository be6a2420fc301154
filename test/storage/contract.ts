// The behavioural contract every Storage backend must pass (see src/storage/interface.ts). Backends call
// storageContract() from their own .test.ts file with a factory for fresh stores.

import { afterEach, describe, expect, it } from 'vitest';
import { StorageError, type KubeObject, type Storage, type StorageEvent, type Watcher } from '../../src/storage/interface.js';

export interface ContractStore {
  storage: Storage;
  /** Opens a new instance over the same data (the current one must be closed first). */
  reopen?: () => Promise<Storage>;
  cleanup: () => Promise<void>;
}

export interface MakeOptions {
  historyLimit?: number;
}

export function obj(name: string, data: Record<string, unknown> = {}, uid = `uid-${name}`): KubeObject {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'default', uid }, data };
}

/** Polls `cond` until it holds or the deadline passes (no fixed sleeps). */
export async function waitFor(cond: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 2));
  }
}

export async function expectCode(p: Promise<unknown> | (() => unknown), code: StorageError['code']): Promise<void> {
  let error: unknown;
  try {
    await (typeof p === 'function' ? p() : p);
  } catch (err) {
    error = err;
  }
  expect(error, `expected StorageError ${code}`).toBeInstanceOf(StorageError);
  expect((error as StorageError).code).toBe(code);
}

function collect(storage: Storage, prefix: string, fromRevision?: number): { events: StorageEvent[]; closed: string[]; watcher: Watcher } {
  const events: StorageEvent[] = [];
  const closed: string[] = [];
  const watcher = storage.watch(prefix, { fromRevision, onEvent: (e) => events.push(e), onClose: (r) => closed.push(r) });
  return { events, closed, watcher };
}

function keys(items: { key: string }[]): string[] {
  return items.map((i) => i.key);
}

/** Every object's data by key. */
const state = (s: Storage) => Object.fromEntries(s.list('').items.map((i) => [i.key, i.object.data]));

/** The contract every backend passes; `durable` backends (with `reopen`) also the persistence part. */
export function storageContract(name: string, make: (options?: MakeOptions) => Promise<ContractStore>, { durable = false } = {}): void {
  describe(`Storage contract: ${name}`, () => {
    const open: ContractStore[] = [];
    async function fresh(options?: MakeOptions): Promise<ContractStore> {
      const store = await make(options);
      open.push(store);
      return store;
    }
    afterEach(async () => {
      for (const s of open.splice(0)) await s.cleanup();
    });

    it('creates and gets objects, stamping resourceVersion and serialising once', async () => {
      const { storage: s } = await fresh();
      expect(s.currentRevision()).toBe(0);
      const input = obj('a', { x: '1' });
      const stored = await s.create('/cm/default/a', input);
      expect(stored.revision).toBe(1);
      expect(stored.object.metadata?.resourceVersion).toBe('1');
      expect(stored.json).toBe(JSON.stringify(stored.object));
      expect(input.metadata?.resourceVersion).toBeUndefined(); // the caller's object is not mutated
      expect(s.get('/cm/default/a')).toEqual(stored);
      expect(s.get('/cm/default/missing')).toBeUndefined();
      expect(s.currentRevision()).toBe(1);
      expect(s.compactedRevision()).toBe(0);
    });

    it('lists sorted by key and isolates prefixes (/a/ vs /ab/)', async () => {
      const { storage: s } = await fresh();
      for (const k of ['/a/x', '/ab/c', '/a/b', '/a/c', '/b/a', '/a/']) await s.create(k, obj(k));
      const a = s.list('/a/');
      expect(keys(a.items)).toEqual(['/a/', '/a/b', '/a/c', '/a/x']);
      expect(a.revision).toBe(6);
      expect(a.more).toBe(false);
      expect(keys(s.list('/ab/').items)).toEqual(['/ab/c']);
      expect(keys(s.list('/').items)).toEqual(['/a/', '/a/b', '/a/c', '/a/x', '/ab/c', '/b/a']);
      expect(s.count('/a/')).toBe(4);
      expect(s.count('/ab/')).toBe(1);
      expect(s.count('/zz/')).toBe(0);
      expect(s.list('/zz/').items).toEqual([]);
      for (const item of a.items) expect(item.json).toBe(JSON.stringify(item.object));
    });

    it('paginates with startAfter/limit/more/remaining', async () => {
      const { storage: s } = await fresh();
      const all = Array.from({ length: 25 }, (_, i) => `/p/k${String(i).padStart(2, '0')}`);
      await Promise.all([...all].reverse().map((k) => s.create(k, obj(k))));
      await s.create('/q/other', obj('other'));
      const seen: string[] = [];
      let startAfter: string | undefined;
      let pages = 0;
      for (;;) {
        const page = s.list('/p/', { limit: 10, startAfter });
        pages++;
        seen.push(...keys(page.items));
        if (!page.more) {
          expect(page.remaining).toBe(0);
          break;
        }
        expect(page.remaining).toBe(all.length - seen.length);
        startAfter = page.items[page.items.length - 1].key;
      }
      expect(pages).toBe(3);
      expect(seen).toEqual(all);
      // startAfter outside the prefix range
      expect(s.list('/p/', { startAfter: '/a' }).items.length).toBe(25);
      expect(s.list('/p/', { startAfter: '/p/zzz' }).items.length).toBe(0);
      // exact page boundary: more is false when nothing follows
      const exact = s.list('/p/', { limit: 5, startAfter: all[19] });
      expect(keys(exact.items)).toEqual(all.slice(20));
      expect(exact.more).toBe(false);
    });

    it('applies filter before limit, and more only counts matching items', async () => {
      const { storage: s } = await fresh();
      for (let i = 0; i < 20; i++) await s.create(`/f/k${String(i).padStart(2, '0')}`, obj(`k${i}`, { n: i }));
      const even = (o: KubeObject): boolean => ((o.data as { n: number }).n % 2 === 0);
      const p1 = s.list('/f/', { filter: even, limit: 4 });
      expect(keys(p1.items)).toEqual(['/f/k00', '/f/k02', '/f/k04', '/f/k06']);
      expect(p1.more).toBe(true);
      const p3 = s.list('/f/', { filter: even, limit: 2, startAfter: '/f/k14' });
      expect(keys(p3.items)).toEqual(['/f/k16', '/f/k18']);
      expect(p3.more).toBe(false); // k19 exists but does not match
      const none = s.list('/f/', { filter: () => false, limit: 3 });
      expect(none.items).toEqual([]);
      expect(none.more).toBe(false);
    });

    it('lists a consistent snapshot at an older revision', async () => {
      const { storage: s } = await fresh();
      for (const n of ['a', 'b', 'c', 'e']) await s.create(`/s/${n}`, obj(n, { v: 'old' }));
      const before = s.list('/s/');
      const at = s.currentRevision();
      await s.guaranteedUpdate('/s/a', (o) => ({ ...o, data: { v: 'new' } }));
      await s.delete('/s/b');
      await s.create('/s/d', obj('d'));
      await s.delete('/s/e');
      await s.create('/s/e', obj('e', { v: 'recreated' }));
      await s.create('/t/x', obj('x'));

      expect(keys(s.list('/s/').items)).toEqual(['/s/a', '/s/c', '/s/d', '/s/e']);
      const snap = s.list('/s/', { atRevision: at });
      expect(snap.revision).toBe(at);
      expect(snap.items).toEqual(before.items);
      // paginated at the snapshot revision
      const p1 = s.list('/s/', { atRevision: at, limit: 2 });
      expect(keys(p1.items)).toEqual(['/s/a', '/s/b']);
      expect(p1.more).toBe(true);
      expect(p1.items[0].object.data).toEqual({ v: 'old' });
      const p2 = s.list('/s/', { atRevision: at, limit: 2, startAfter: '/s/b' });
      expect(keys(p2.items)).toEqual(['/s/c', '/s/e']);
      expect(p2.items[1].object.data).toEqual({ v: 'old' });
      expect(p2.more).toBe(false);
      // filter at a revision
      const filtered = s.list('/s/', { atRevision: at, filter: (o) => o.metadata?.name !== 'a' });
      expect(keys(filtered.items)).toEqual(['/s/b', '/s/c', '/s/e']);
      // atRevision = now is the current state
      expect(keys(s.list('/s/', { atRevision: s.currentRevision() }).items)).toEqual(['/s/a', '/s/c', '/s/d', '/s/e']);
    });

    it("answers 'Expired' for list/watch below the compacted revision", async () => {
      const { storage: s } = await fresh({ historyLimit: 5 });
      await s.create('/x/0', obj('0'));
      const early = s.currentRevision();
      for (let i = 1; i <= 10; i++) await s.create(`/x/${i}`, obj(String(i)));
      expect(s.currentRevision()).toBe(11);
      expect(s.compactedRevision()).toBe(6);
      await expectCode(() => s.list('/x/', { atRevision: early }), 'Expired');
      await expectCode(() => s.watch('/x/', { fromRevision: early, onEvent: () => undefined }), 'Expired');
      // the oldest retained revision still works
      expect(s.list('/x/', { atRevision: 6 }).items.length).toBe(6);
      const w = collect(s, '/x/', 6);
      await waitFor(() => w.events.length === 5, 'replay of the retained window');
      expect(w.events.map((e) => e.revision)).toEqual([7, 8, 9, 10, 11]);
      w.watcher.stop();
    });

    it("rejects create of an existing key with 'KeyExists', also while the first write is pending", async () => {
      const { storage: s } = await fresh();
      await s.create('/k/a', obj('a'));
      await expectCode(s.create('/k/a', obj('a')), 'KeyExists');
      const results = await Promise.allSettled([s.create('/k/b', obj('b')), s.create('/k/b', obj('b2'))]);
      expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected']);
      expect(((results[1] as PromiseRejectedResult).reason as StorageError).code).toBe('KeyExists');
      // a pending delete frees the key for a create in the same batch
      const [deleted, recreated] = await Promise.all([s.delete('/k/a'), s.create('/k/a', obj('a', { again: true }))]);
      expect(recreated.revision).toBe(deleted.revision + 1);
      expect(s.get('/k/a')?.object.data).toEqual({ again: true });
    });

    it("answers 'NotFound' for update/delete of absent keys", async () => {
      const { storage: s } = await fresh();
      await expectCode(s.guaranteedUpdate('/n/a', (o) => o), 'NotFound');
      await expectCode(s.delete('/n/a'), 'NotFound');
      await s.create('/n/a', obj('a'));
      await s.delete('/n/a');
      await expectCode(s.delete('/n/a'), 'NotFound');
      expect(s.currentRevision()).toBe(2);
    });

    it("answers 'Conflict' on revision and uid preconditions", async () => {
      const { storage: s } = await fresh();
      const a = await s.create('/c/a', obj('a', {}, 'u1'));
      await expectCode(s.guaranteedUpdate('/c/a', (o) => ({ ...o, data: { x: 1 } }), { revision: a.revision + 1 }), 'Conflict');
      await expectCode(s.guaranteedUpdate('/c/a', (o) => ({ ...o, data: { x: 1 } }), { uid: 'other' }), 'Conflict');
      await expectCode(s.delete('/c/a', { revision: 999 }), 'Conflict');
      await expectCode(s.delete('/c/a', { uid: 'other' }), 'Conflict');
      expect(s.currentRevision()).toBe(a.revision);
      const updated = await s.guaranteedUpdate('/c/a', (o) => ({ ...o, data: { x: 1 } }), { revision: a.revision, uid: 'u1' });
      expect(updated.revision).toBe(a.revision + 1);
      await s.delete('/c/a', { revision: updated.revision, uid: 'u1' });
      expect(s.get('/c/a')).toBeUndefined();
    });

    it('guaranteedUpdate retries when a concurrent write lands during an async fn', async () => {
      const { storage: s } = await fresh();
      await s.create('/r/a', obj('a', { first: 0, second: 0 }));
      let release!: () => void;
      const gate = new Promise<void>((r) => (release = r));
      let calls = 0;
      const slow = s.guaranteedUpdate('/r/a', async (o) => {
        calls++;
        if (calls === 1) await gate;
        (o.data as Record<string, number>).first = 1;
        return o;
      });
      await waitFor(() => calls === 1, 'the slow transform to start');
      await s.guaranteedUpdate('/r/a', (o) => {
        (o.data as Record<string, number>).second = 1;
        return o;
      });
      release();
      const result = await slow;
      expect(calls).toBe(2);
      expect(result.object.data).toEqual({ first: 1, second: 1 });
      expect(result.revision).toBe(3);
    });

    it('guaranteedUpdate sees pending writes: concurrent increments all land', async () => {
      const { storage: s } = await fresh();
      await s.create('/r/n', obj('n', { n: 0 }));
      const inc = (o: KubeObject): KubeObject => ({ ...o, data: { n: (o.data as { n: number }).n + 1 } });
      const results = await Promise.all(Array.from({ length: 100 }, () => s.guaranteedUpdate('/r/n', inc)));
      expect(s.get('/r/n')?.object.data).toEqual({ n: 100 });
      expect(new Set(results.map((r) => r.revision)).size).toBe(100);
    });

    it('guaranteedUpdate propagates fn errors and writes nothing', async () => {
      const { storage: s } = await fresh();
      await s.create('/r/e', obj('e'));
      await expect(s.guaranteedUpdate('/r/e', () => { throw new Error('admission says no'); })).rejects.toThrow('admission says no');
      await expect(s.guaranteedUpdate('/r/e', async () => { throw new Error('async no'); })).rejects.toThrow('async no');
      expect(s.currentRevision()).toBe(1);
    });

    it('a no-op update writes nothing: no revision bump, no event', async () => {
      const { storage: s } = await fresh();
      const a = await s.create('/o/a', { metadata: { name: 'a', labels: { x: 'y', z: 'w' } }, spec: { list: [1, 2] } });
      const w = collect(s, '/o/');
      // same content, different key order and a stale resourceVersion: still a no-op
      const same = await s.guaranteedUpdate('/o/a', () => ({ spec: { list: [1, 2] }, metadata: { labels: { z: 'w', x: 'y' }, name: 'a', resourceVersion: '999' } }));
      expect(same).toBe(s.get('/o/a'));
      expect(same.revision).toBe(a.revision);
      expect(s.currentRevision()).toBe(a.revision);
      const changed = await s.guaranteedUpdate('/o/a', (o) => ({ ...o, spec: { list: [1, 2, 3] } }));
      expect(changed.revision).toBe(a.revision + 1);
      await waitFor(() => w.events.length >= 1, 'the modification event');
      expect(w.events.map((e) => e.revision)).toEqual([changed.revision]);
      w.watcher.stop();
    });

    it('assigns strictly increasing, gap-free revisions under 200 concurrent writes', async () => {
      const { storage: s } = await fresh();
      const w = collect(s, '/', s.currentRevision());
      const writes = Array.from({ length: 200 }, (_, i) => s.create(`/w/${i}`, obj(String(i))));
      const results = await Promise.all(writes);
      const revisions = results.map((r) => r.revision).sort((a, b) => a - b);
      expect(revisions).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
      expect(s.currentRevision()).toBe(200);
      for (const r of results) expect(r.object.metadata?.resourceVersion).toBe(String(r.revision));
      await waitFor(() => w.events.length === 200, 'all events');
      expect(w.events.map((e) => e.revision)).toEqual(revisions);
      w.watcher.stop();
    });

    it('a write is visible to readers only once its promise can resolve', async () => {
      const { storage: s } = await fresh();
      const p = s.create('/v/a', obj('a'));
      expect(s.get('/v/a')).toBeUndefined(); // accepted, not yet committed
      expect(s.currentRevision()).toBe(0);
      const stored = await p;
      expect(s.get('/v/a')).toBe(stored);
    });

    it('watch replays from a revision, then delivers live events, in order, without gaps or duplicates', async () => {
      const { storage: s } = await fresh();
      for (let i = 0; i < 10; i++) await s.create(`/wa/pre${i}`, obj(`pre${i}`));
      const from = s.currentRevision();
      for (let i = 0; i < 10; i++) await s.create(`/wa/mid${i}`, obj(`mid${i}`));
      for (let i = 0; i < 10; i++) await s.create(`/other/${i}`, obj(`o${i}`));
      // writes in flight while the watch starts and replays
      const inflight = Array.from({ length: 50 }, (_, i) =>
        i % 2 === 0 ? s.create(`/wa/live${i}`, obj(`live${i}`)) : s.guaranteedUpdate(`/wa/mid${i % 10}`, (o) => ({ ...o, data: { i } })),
      );
      const w = collect(s, '/wa/', from);
      const more = Array.from({ length: 20 }, (_, i) => s.create(`/wa/late${i}`, obj(`late${i}`)));
      await Promise.all([...inflight, ...more]);
      const expected = s.currentRevision() - from - 10; // everything after `from` except the 10 /other/ creates
      await waitFor(() => w.events.length >= expected, 'every event');
      const revs = w.events.map((e) => e.revision);
      expect(revs.length).toBe(expected);
      for (let i = 1; i < revs.length; i++) expect(revs[i]).toBeGreaterThan(revs[i - 1]);
      expect(revs[0]).toBe(from + 1);
      for (const e of w.events) expect(e.key.startsWith('/wa/')).toBe(true);
      expect(w.events.filter((e) => e.type === 'MODIFIED').length).toBe(25);
      w.watcher.stop();
    });

    it('live-only watch (no fromRevision) sees only later events, filtered by prefix', async () => {
      const { storage: s } = await fresh();
      await s.create('/l/a', obj('a'));
      const w = collect(s, '/l/');
      const w2 = collect(s, '/lx/');
      await s.create('/lx/b', obj('b'));
      const c = await s.create('/l/c', obj('c'));
      await waitFor(() => w.events.length === 1 && w2.events.length === 1, 'events');
      expect(w.events[0]).toMatchObject({ type: 'ADDED', key: '/l/c', revision: c.revision, json: c.json });
      expect(w2.events[0].key).toBe('/lx/b');
    });

    it('events carry prevObject on MODIFIED/DELETED; DELETED carries the delete revision', async () => {
      const { storage: s } = await fresh();
      const w = collect(s, '/e/');
      const a = await s.create('/e/a', obj('a', { v: 1 }));
      const b = await s.guaranteedUpdate('/e/a', (o) => ({ ...o, data: { v: 2 } }));
      const d = await s.delete('/e/a');
      expect(d.revision).toBe(b.revision + 1);
      expect(d.object.metadata?.resourceVersion).toBe(String(d.revision));
      expect(d.object.data).toEqual({ v: 2 });
      await waitFor(() => w.events.length === 3, 'three events');
      const [added, modified, deleted] = w.events;
      expect(added).toMatchObject({ type: 'ADDED', revision: a.revision, object: a.object });
      expect(added.prevObject).toBeUndefined();
      expect(modified).toMatchObject({ type: 'MODIFIED', revision: b.revision, object: b.object, prevObject: a.object });
      expect(deleted).toMatchObject({ type: 'DELETED', revision: d.revision, object: d.object, json: d.json, prevObject: b.object });
      expect(deleted.json).toBe(JSON.stringify(deleted.object));
    });

    it('stop() ends delivery and is idempotent; a throwing onEvent does not break others', async () => {
      const { storage: s } = await fresh();
      const w = collect(s, '/st/');
      const bad = s.watch('/st/', { onEvent: () => { throw new Error('consumer bug'); } });
      await s.create('/st/a', obj('a'));
      await waitFor(() => w.events.length === 1, 'first event');
      w.watcher.stop();
      w.watcher.stop();
      await s.create('/st/b', obj('b'));
      const probe = collect(s, '/st/', 0);
      await s.create('/st/c', obj('c'));
      await waitFor(() => probe.events.length === 1, 'probe event');
      expect(w.events.length).toBe(1);
      expect(w.closed).toEqual([]);
      bad.stop();
    });

    it("close() waits for pending writes, closes watchers, then everything answers 'Closed'", async () => {
      const { storage: s } = await fresh();
      const w = collect(s, '/z/');
      const pending = s.create('/z/a', obj('a'));
      await s.close();
      expect((await pending).revision).toBe(1);
      expect(w.closed).toEqual(['closed']);
      await s.close(); // idempotent
      await expectCode(s.create('/z/b', obj('b')), 'Closed');
      await expectCode(s.guaranteedUpdate('/z/a', (o) => o), 'Closed');
      await expectCode(s.delete('/z/a'), 'Closed');
      await expectCode(() => s.get('/z/a'), 'Closed');
      await expectCode(() => s.list('/z/'), 'Closed');
      await expectCode(() => s.count('/z/'), 'Closed');
      await expectCode(() => s.watch('/z/', { onEvent: () => undefined }), 'Closed');
      await expectCode(() => s.currentRevision(), 'Closed');
    });

    it("an update whose async fn outlives close() fails with 'Closed'", async () => {
      const { storage: s } = await fresh();
      await s.create('/z/a', obj('a'));
      let release!: () => void;
      const gate = new Promise<void>((r) => (release = r));
      const slow = s.guaranteedUpdate('/z/a', async (o) => {
        await gate;
        return { ...o, data: { late: true } };
      });
      const closing = s.close();
      release();
      await expectCode(slow, 'Closed');
      await closing;
    });

    it('lists 10,000 objects quickly', async () => {
      const { storage: s } = await fresh();
      const writes: Promise<unknown>[] = [];
      for (let i = 0; i < 10_000; i++) writes.push(s.create(`/big/ns/obj-${String(i).padStart(5, '0')}`, obj(`obj-${i}`)));
      await Promise.all(writes);
      s.list('/big/');
      const t0 = performance.now();
      const all = s.list('/big/');
      const page = s.list('/big/', { limit: 500, startAfter: '/big/ns/obj-05000' });
      const elapsed = performance.now() - t0;
      expect(all.items.length).toBe(10_000);
      expect(page.items[0].key).toBe('/big/ns/obj-05001');
      expect(elapsed).toBeLessThan(50); // ~1-2 ms in practice; generous for loaded CI machines
    });

    describe('replaceAll', () => {

      it('writes only the differences, as events with new revisions, in one batch', async () => {
        const { storage: s } = await fresh();
        const kept = await s.create('/ra/kept', obj('kept', { v: 1 }));
        const changed = await s.create('/ra/changed', obj('changed', { v: 1 }));
        await s.create('/ra/gone', obj('gone'));
        const before = s.currentRevision();
        const w = collect(s, '/', before);
        const p = s.replaceAll([
          ['/ra/kept', { ...obj('kept', { v: 1 }), metadata: { ...obj('kept').metadata, resourceVersion: '999' } }],
          ['/ra/changed', obj('changed', { v: 2 })],
          ['/ra/new', obj('new', { v: 3 })],
        ]);
        expect(s.get('/ra/gone')).toBeDefined(); // nothing visible before the batch commits
        const result = await p;
        expect(result).toEqual({ revision: before + 3, changes: 3 });
        expect(state(s)).toEqual({ '/ra/changed': { v: 2 }, '/ra/kept': { v: 1 }, '/ra/new': { v: 3 } });
        expect(s.get('/ra/kept')).toEqual(kept); // equal objects keep their revision
        expect(s.get('/ra/changed')!.revision).toBeGreaterThan(changed.revision);
        await waitFor(() => w.events.length === 3, 'three events');
        expect(w.events.map((e) => [e.type, e.key, e.revision])).toEqual([
          ['DELETED', '/ra/gone', before + 1],
          ['MODIFIED', '/ra/changed', before + 2],
          ['ADDED', '/ra/new', before + 3],
        ]);
        expect(w.events[1].prevObject).toEqual(changed.object);
        // The history still answers for the old state.
        expect(keys(s.list('/ra/', { atRevision: before }).items)).toEqual(['/ra/changed', '/ra/gone', '/ra/kept']);
        w.watcher.stop();
      });

      it('a key that now holds another uid is deleted and added again', async () => {
        const { storage: s } = await fresh();
        await s.create('/ru/a', obj('a', { v: 1 }, 'uid-old'));
        const w = collect(s, '/ru/');
        await s.replaceAll([['/ru/a', obj('a', { v: 1 }, 'uid-new')]]);
        await waitFor(() => w.events.length === 2, 'two events');
        expect(w.events.map((e) => [e.type, e.object.metadata?.uid])).toEqual([
          ['DELETED', 'uid-old'],
          ['ADDED', 'uid-new'],
        ]);
        expect(w.events[1].prevObject).toBeUndefined();
        w.watcher.stop();
      });

      it('does nothing when the state already matches, and revisions never go back', async () => {
        const { storage: s } = await fresh();
        await s.create('/rn/a', obj('a'));
        const snapshot = s.list('').items.map((i) => [i.key, i.object] as const);
        expect(await s.replaceAll(snapshot)).toEqual({ revision: 1, changes: 0 });
        await s.guaranteedUpdate('/rn/a', (o) => ({ ...o, data: { later: true } }));
        await s.create('/rn/b', obj('b'));
        const restored = await s.replaceAll(snapshot);
        expect(restored).toEqual({ revision: 5, changes: 2 });
        expect(s.get('/rn/a')!.object.metadata?.resourceVersion).toBe('5');
        expect(s.get('/rn/a')!.object.data).toEqual({});
        expect(await s.replaceAll([])).toEqual({ revision: 6, changes: 1 });
        expect(s.count('')).toBe(0);
      });

      it('rejects bad input without writing anything', async () => {
        const { storage: s } = await fresh();
        await s.create('/rb/a', obj('a'));
        const cyclic: KubeObject = obj('c');
        (cyclic as Record<string, unknown>).self = cyclic;
        await expect(s.replaceAll([['/rb/b', obj('b')], ['/rb/c', cyclic]])).rejects.toThrow();
        await expectCode(s.replaceAll([['/rb/b', obj('b')], ['/rb/b', obj('b')]]), 'KeyExists');
        await expectCode(s.replaceAll([['/rb/b', null as unknown as KubeObject]]), 'Internal');
        expect(s.currentRevision()).toBe(1);
        expect(keys(s.list('').items)).toEqual(['/rb/a']);
      });

      it('takes pending writes into account and stays consistent with writes racing it', async () => {
        const { storage: s } = await fresh();
        const pending = s.create('/rr/a', obj('a', { v: 1 }));
        const replaced = s.replaceAll([['/rr/b', obj('b')]]);
        const after = s.create('/rr/c', obj('c'));
        await Promise.all([pending, replaced, after]);
        expect(keys(s.list('').items)).toEqual(['/rr/b', '/rr/c']);
        expect(s.currentRevision()).toBe(4); // a, delete a, b, c
      });

      it('replaces 1,000 objects in milliseconds', async () => {
        const { storage: s } = await fresh();
        await Promise.all(Array.from({ length: 1000 }, (_, i) => s.create(`/rk/${i}`, obj(String(i), { i }))));
        const snapshot = s.list('').items.map((i) => [i.key, i.object] as const);
        await Promise.all(Array.from({ length: 100 }, (_, i) => s.delete(`/rk/${i}`)));
        await Promise.all(Array.from({ length: 100 }, (_, i) => s.guaranteedUpdate(`/rk/${500 + i}`, (o) => ({ ...o, data: { changed: true } }))));
        const t0 = performance.now();
        const result = await s.replaceAll(snapshot);
        const ms = performance.now() - t0;
        expect(result.changes).toBe(200);
        expect(s.count('/rk/')).toBe(1000);
        expect(s.get('/rk/550')!.object.data).toEqual({ i: 550 });
        expect(ms).toBeLessThan(500); // ~5 ms in memory, ~20 ms with LevelDB's fsync; generous for loaded machines
      });
    });

    // Only for backends that keep their state (reopen): the memory store has no such thing to test.
    if (durable) {
      describe('persistence', () => {
        it('survives a reopen', async () => {
          const store = await fresh();
          const s = store.storage;
          await s.create('/rp/a', obj('a'));
          await s.create('/rp/b', obj('b'));
          await s.replaceAll([['/rp/b', obj('b', { v: 2 })], ['/rp/c', obj('c')]]);
          const rev = s.currentRevision();
          await s.close();
          const s2 = await store.reopen!();
          expect(s2.currentRevision()).toBe(rev);
          expect(state(s2)).toEqual({ '/rp/b': { v: 2 }, '/rp/c': {} });
          const w = collect(s2, '/rp/', 2);
          await waitFor(() => w.events.length === 3, 'replayed replace events');
          expect(w.events.map((e) => e.type)).toEqual(['DELETED', 'MODIFIED', 'ADDED']);
          w.watcher.stop();
        });

        it('keeps objects, resourceVersions, revision and replayable history across reopen', async () => {
          const store = await fresh();
          const s = store.storage;
          const a = await s.create('/ps/a', obj('a', { v: 1 }));
          await s.create('/ps/b', obj('b'));
          const before = s.currentRevision();
          const a2 = await s.guaranteedUpdate('/ps/a', (o) => ({ ...o, data: { v: 2 } }));
          await s.delete('/ps/b');
          await s.create('/ps/c', obj('c'));
          const last = s.currentRevision();
          await s.close();

          const s2 = await store.reopen!();
          expect(s2.currentRevision()).toBe(last);
          expect(s2.get('/ps/a')).toEqual(a2);
          expect(s2.get('/ps/b')).toBeUndefined();
          expect(keys(s2.list('/ps/').items)).toEqual(['/ps/a', '/ps/c']);
          // snapshot below the restart
          const snap = s2.list('/ps/', { atRevision: before });
          expect(keys(snap.items)).toEqual(['/ps/a', '/ps/b']);
          expect(snap.items[0]).toEqual(a);
          // history replay across the restart, then live events
          const w = collect(s2, '/ps/', a.revision);
          const d = await s2.create('/ps/d', obj('d'));
          expect(d.revision).toBe(last + 1);
          await waitFor(() => w.events.length === 5, 'replay + live event');
          expect(w.events.map((e) => [e.type, e.key, e.revision])).toEqual([
            ['ADDED', '/ps/b', 2],
            ['MODIFIED', '/ps/a', 3],
            ['DELETED', '/ps/b', 4],
            ['ADDED', '/ps/c', 5],
            ['ADDED', '/ps/d', 6],
          ]);
          expect(w.events[1].prevObject).toEqual(a.object);
          expect(w.events[2].prevObject).toEqual(s2.list('/ps/', { atRevision: 3 }).items.find((i) => i.key === '/ps/b')?.object);
          expect(w.events[2].object.metadata?.resourceVersion).toBe('4');
        });

        it('keeps the compaction point across reopen', async () => {
          const store = await fresh({ historyLimit: 4 });
          const s = store.storage;
          for (let i = 0; i < 10; i++) await s.create(`/pc/${i}`, obj(String(i)));
          for (let i = 0; i < 3; i++) await s.guaranteedUpdate('/pc/0', (o) => ({ ...o, data: { i } }));
          expect(s.compactedRevision()).toBe(9);
          await s.close();
          const s2 = await store.reopen!();
          expect(s2.currentRevision()).toBe(13);
          expect(s2.compactedRevision()).toBe(9);
          await expectCode(() => s2.watch('/pc/', { fromRevision: 8, onEvent: () => undefined }), 'Expired');
          const w = collect(s2, '/pc/', 9);
          await waitFor(() => w.events.length === 4, 'retained events');
          expect(w.events.map((e) => e.revision)).toEqual([10, 11, 12, 13]);
          await s2.create('/pc/x', obj('x'));
          expect(s2.compactedRevision()).toBe(10);
        });
      });
    }
  });
}
