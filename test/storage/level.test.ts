import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ClassicLevel } from 'classic-level';
import { afterAll, describe, expect, it } from 'vitest';
import type { Storage, StorageEvent } from '../../src/storage/interface.js';
import { LevelStorage } from '../../src/storage/level.js';
import { storageContract } from './contract.js';

storageContract('LevelStorage', async (options) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kubesim-level-'));
  let current: Storage = new LevelStorage({ dir, ...options });
  await current.open();
  return {
    storage: current,
    reopen: async () => {
      current = new LevelStorage({ dir, ...options });
      await current.open();
      return current;
    },
    cleanup: async () => {
      await current.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}, { durable: true });

describe('LevelStorage record layout', () => {
  const dirs: string[] = [];
  const tmp = () => {
    const d = fs.mkdtempSync(path.join(os.tmpdir(), 'kubesim-level-layout-'));
    dirs.push(d);
    return d;
  };
  afterAll(() => {
    for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
  });

  const obj = (name: string, data: Record<string, unknown> = {}) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data });

  /** Every retained event, replayed through a watch. */
  async function history(s: Storage): Promise<StorageEvent[]> {
    const events: StorageEvent[] = [];
    const w = s.watch('/', { fromRevision: s.compactedRevision(), onEvent: (e) => events.push(e) });
    const want = s.currentRevision() - s.compactedRevision();
    for (let i = 0; i < 100 && events.length < want; i++) await new Promise((r) => setImmediate(r));
    w.stop();
    expect(events.length).toBe(want);
    return events;
  }

  it('rebuilds every retained event exactly after a reopen (creates, updates, deletes, re-creates, replaceAll)', async () => {
    const dir = tmp();
    const s = new LevelStorage({ dir, historyLimit: 40 });
    await s.open();
    for (let i = 0; i < 12; i++) await s.create(`/l/${i}`, obj(`o${i}`, { i }));
    await Promise.all([0, 1, 2].map((i) => s.guaranteedUpdate(`/l/${i}`, (o) => ({ ...o, data: { i, v: 2 } }))));
    await s.delete('/l/3');
    await s.create('/l/3', obj('o3', { again: true })); // same key, new object
    await s.guaranteedUpdate('/l/3', (o) => ({ ...o, data: { again: 2 } }));
    await s.delete('/l/4');
    await s.replaceAll([
      ['/l/0', (s.get('/l/0')!.object as any)],
      ['/l/1', { ...(s.get('/l/1')!.object as any), data: { replaced: true } }],
      ['/l/new', obj('new')],
    ]);
    for (let i = 0; i < 30; i++) await s.guaranteedUpdate('/l/new', (o) => ({ ...o, data: { n: i } })); // pushes early events out
    const before = await history(s);
    const objects = s.list('/').items;
    const revision = s.currentRevision();
    const compacted = s.compactedRevision();
    await s.close();

    const s2 = new LevelStorage({ dir, historyLimit: 40 });
    await s2.open();
    expect(s2.currentRevision()).toBe(revision);
    expect(s2.compactedRevision()).toBe(compacted);
    expect(s2.list('/').items).toEqual(objects);
    const after = await history(s2);
    expect(after.map((e) => [e.type, e.key, e.revision, e.json, e.prevObject])).toEqual(before.map((e) => [e.type, e.key, e.revision, e.json, e.prevObject]));
    expect(after.map((e) => e.object)).toEqual(before.map((e) => e.object));
    for (const e of after) expect(JSON.stringify(e.object)).toBe(e.json);
    await s2.close();
  });

  it('writes each object JSON once per write: the event record holds only the previous state', async () => {
    const dir = tmp();
    const s = new LevelStorage({ dir });
    await s.open();
    const big = 'x'.repeat(5000);
    await s.create('/b/a', obj('a', { big }));
    await s.guaranteedUpdate('/b/a', (o) => ({ ...o, data: { big, v: 2 } }));
    await s.close();
    const db = new ClassicLevel<string, string>(dir, { keyEncoding: 'utf8', valueEncoding: 'utf8' });
    await db.open();
    const events = await db.values({ gte: 'e!', lt: 'e"' }).all();
    await db.close();
    expect(events).toHaveLength(2);
    expect(events[0].length).toBeLessThan(100); // ADDED: type and key only
    expect(events[1].split(big).length - 1).toBe(1); // MODIFIED: the previous state only
  });

  it('loads event records written with the object JSON (the earlier layout)', async () => {
    const dir = tmp();
    const db = new ClassicLevel<string, string>(dir, { keyEncoding: 'utf8', valueEncoding: 'utf8' });
    await db.open();
    // (A history starting after revision 1, so that a watch can replay it all: fromRevision 0 means "live only".)
    const a1 = JSON.stringify({ ...obj('a', { v: 1 }), metadata: { name: 'a', resourceVersion: '2' } });
    const a2 = JSON.stringify({ ...obj('a', { v: 2 }), metadata: { name: 'a', resourceVersion: '3' } });
    const a3 = JSON.stringify({ ...obj('a', { v: 2 }), metadata: { name: 'a', resourceVersion: '4' } });
    await db.batch([
      { type: 'put', key: 'e!0000000000000002', value: `["ADDED","/o/a"]\n${a1}\n` },
      { type: 'put', key: 'e!0000000000000003', value: `["MODIFIED","/o/a"]\n${a2}\n${a1}` },
      { type: 'put', key: 'e!0000000000000004', value: `["DELETED","/o/a"]\n${a3}\n${a2}` },
      { type: 'put', key: 'm!revision', value: '4' },
      { type: 'put', key: 'm!compacted', value: '1' },
    ]);
    await db.close();
    const s = new LevelStorage({ dir });
    await s.open();
    const events = await history(s);
    expect(events.map((e) => [e.type, e.revision, e.json])).toEqual([
      ['ADDED', 2, a1],
      ['MODIFIED', 3, a2],
      ['DELETED', 4, a3],
    ]);
    expect(events[2].prevObject).toEqual(JSON.parse(a2));
    // new writes after old ones: both load again
    await s.create('/o/a', obj('a', { v: 3 }));
    await s.close();
    const s2 = new LevelStorage({ dir });
    await s2.open();
    expect((await history(s2)).map((e) => [e.type, e.revision])).toEqual([['ADDED', 2], ['MODIFIED', 3], ['DELETED', 4], ['ADDED', 5]]);
    await s2.close();
  });
});
