import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { StorageOpenError } from '../../src/storage/interface.js';
import { LevelStorage } from '../../src/storage/level.js';

async function openError(storage: LevelStorage): Promise<StorageOpenError> {
  const err = await storage.open().then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(StorageOpenError);
  return err as StorageOpenError;
}

describe('LevelStorage open errors', () => {
  const dirs: string[] = [];
  const stores: LevelStorage[] = [];
  afterEach(async () => {
    for (const s of stores.splice(0)) await s.close();
    for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
  });
  function tmp(): string {
    const d = fs.mkdtempSync(path.join(os.tmpdir(), 'kubesim-open-'));
    dirs.push(d);
    return d;
  }

  it("reports 'locked' when another store holds the directory, and works once it is released", async () => {
    const dir = tmp();
    const first = new LevelStorage({ dir });
    stores.push(first);
    await first.open();
    await first.create('/a', { metadata: { name: 'a' } });

    const second = new LevelStorage({ dir });
    stores.push(second);
    const err = await openError(second);
    expect(err.reason).toBe('locked');
    expect(err.dir).toBe(dir);
    expect(err.message).toBe(`data directory ${dir} is in use by another kubesim (LevelDB lock held)`);

    await first.close();
    const third = new LevelStorage({ dir });
    stores.push(third);
    await third.open();
    expect(third.get('/a')?.revision).toBe(1);
  });

  it("reports 'unwritable' for a directory under a regular file", async () => {
    const file = path.join(tmp(), 'plain-file');
    fs.writeFileSync(file, 'x');
    const dir = path.join(file, 'data');
    const err = await openError(new LevelStorage({ dir }));
    expect(err.reason).toBe('unwritable');
    expect(err.message).toMatch(new RegExp(`^cannot write data directory ${dir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: `));
  });

  it('has no side effects before open(): no directory is created or locked', async () => {
    const dir = path.join(tmp(), 'never-opened');
    new LevelStorage({ dir });
    // abstract-level auto-opens a database one microtask after construction; give it a full macrotask turn
    await new Promise((r) => setImmediate(r));
    expect(fs.existsSync(dir)).toBe(false);
  });

  it("reports 'unwritable' when the path is a regular file", async () => {
    const file = path.join(tmp(), 'plain-file');
    fs.writeFileSync(file, 'x');
    const err = await openError(new LevelStorage({ dir: file }));
    expect(err.reason).toBe('unwritable');
    expect(err.message).toContain('not a directory');
  });
});
