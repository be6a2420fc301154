// Engine behaviour that the backend contract cannot provoke: group commit and the fatal persist-failure path.

import { describe, expect, it } from 'vitest';
import type { CommitBatch } from '../../src/storage/engine.js';
import { MemoryStorage } from '../../src/storage/memory.js';
import { expectCode, obj } from './contract.js';

/** A memory store whose batches are held until released, and which can be told to fail them. */
class GatedStorage extends MemoryStorage {
  batches: CommitBatch[] = [];
  private gates: Array<{ resolve: () => void; reject: (e: Error) => void }> = [];
  protected override persist(batch: CommitBatch): Promise<void> {
    this.batches.push(batch);
    return new Promise((resolve, reject) => this.gates.push({ resolve, reject }));
  }
  pending(): number {
    return this.gates.length;
  }
  releaseBatch(): void {
    this.gates.shift()!.resolve();
  }
  failNext(): void {
    this.gates.shift()!.reject(new Error('disk on fire'));
  }
}

async function until(cond: () => boolean): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error('timeout');
    await new Promise((r) => setImmediate(r));
  }
}

describe('StorageEngine group commit', () => {
  it('batches writes that arrive while a batch is being persisted', async () => {
    const s = new GatedStorage();
    await s.open();
    const first = s.create('/g/0', obj('0'));
    await until(() => s.pending() === 1);
    const rest = Array.from({ length: 20 }, (_, i) => s.create(`/g/${i + 1}`, obj(String(i + 1))));
    // validated against the pending overlay: a duplicate of an unflushed create is refused right away
    await expectCode(s.create('/g/5', obj('dup')), 'KeyExists');
    expect(s.batches.length).toBe(1);
    s.releaseBatch();
    await first;
    await until(() => s.pending() === 1);
    expect(s.batches[1].events.length).toBe(20);
    expect(s.batches[1].revision).toBe(21);
    expect(s.get('/g/5')).toBeUndefined(); // not durable yet, not visible
    s.releaseBatch();
    await Promise.all(rest);
    expect(s.count('/g/')).toBe(21);
    expect(s.currentRevision()).toBe(21);
  });

  it('plans compaction per batch from the history limit', async () => {
    const s = new GatedStorage({ historyLimit: 3 });
    await s.open();
    const p = Array.from({ length: 5 }, (_, i) => s.create(`/h/${i}`, obj(String(i))));
    await until(() => s.pending() === 1);
    expect(s.batches[0].compactedRevision).toBe(2);
    s.releaseBatch();
    await Promise.all(p);
    expect(s.compactedRevision()).toBe(2);
  });

  it("fails the batch, the queued writes and all later writes with 'Internal' when persisting fails", async () => {
    const s = new GatedStorage();
    await s.open();
    await until(() => true);
    const ok = s.create('/f/ok', obj('ok'));
    await until(() => s.pending() === 1);
    s.releaseBatch();
    await ok;
    const doomed = s.create('/f/a', obj('a'));
    await until(() => s.pending() === 1);
    const queued = s.create('/f/b', obj('b'));
    s.failNext();
    await expectCode(doomed, 'Internal');
    await expectCode(queued, 'Internal');
    await expectCode(s.create('/f/c', obj('c')), 'Internal');
    await expectCode(s.guaranteedUpdate('/f/ok', (o) => ({ ...o, data: { x: 1 } })), 'Internal');
    // reads keep serving the committed state
    expect(s.get('/f/ok')?.revision).toBe(1);
    expect(s.get('/f/a')).toBeUndefined();
    expect(s.currentRevision()).toBe(1);
    await s.close();
  });

  it('a no-op update of a pending object answers once that write is durable', async () => {
    const s = new GatedStorage();
    await s.open();
    const created = s.create('/n/a', obj('a'));
    let settled = false;
    const noop = s.guaranteedUpdate('/n/a', (o) => o).then((r) => ((settled = true), r));
    await until(() => s.pending() === 1);
    await new Promise((r) => setImmediate(r));
    expect(settled).toBe(false);
    s.releaseBatch();
    expect(await noop).toBe(await created);
  });

  it('rejects calls before open()', async () => {
    const s = new MemoryStorage();
    await expectCode(() => s.get('/x'), 'Closed');
    await expectCode(s.create('/x', obj('x')), 'Closed');
  });
});
