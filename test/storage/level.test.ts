import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Storage } from '../../src/storage/interface.js';
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
});
