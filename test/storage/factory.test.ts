import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { LevelStorage, MemoryStorage, createStorage } from '../../src/storage/index.js';

describe('createStorage', () => {
  it('builds a memory store', async () => {
    const s = createStorage({ kind: 'memory' }, 10);
    expect(s).toBeInstanceOf(MemoryStorage);
    await s.open();
    expect((await s.create('/a', { metadata: { name: 'a' } })).revision).toBe(1);
    await s.close();
  });

  it('builds a LevelDB store in the given directory (created if missing)', async () => {
    const base = fs.mkdtempSync(path.join(os.tmpdir(), 'kubesim-factory-'));
    try {
      const dir = path.join(base, 'nested', 'data');
      const s = createStorage({ kind: 'level', dir });
      expect(s).toBeInstanceOf(LevelStorage);
      await s.open();
      await s.create('/a', { metadata: { name: 'a' } });
      await s.close();
      expect(fs.existsSync(path.join(dir, 'CURRENT'))).toBe(true);
    } finally {
      fs.rmSync(base, { recursive: true, force: true });
    }
  });
});
