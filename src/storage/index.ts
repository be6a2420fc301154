// The storage package's entry point: the contract, both backends and a factory for the CLI/server wiring.

import type { Storage } from './interface.js';
import { LevelStorage } from './level.js';
import { MemoryStorage } from './memory.js';

export * from './interface.js';
export { DEFAULT_HISTORY_LIMIT } from './engine.js';
export { LevelStorage, type LevelStorageOptions } from './level.js';
export { MemoryStorage, type MemoryStorageOptions } from './memory.js';

export type StorageKind = { kind: 'memory' } | { kind: 'level'; dir: string };

/** Builds (does not open) a store; call `open()` on the result. */
export function createStorage(opts: StorageKind, historyLimit?: number): Storage {
  switch (opts.kind) {
    case 'memory':
      return new MemoryStorage({ historyLimit });
    case 'level':
      return new LevelStorage({ dir: opts.dir, historyLimit });
  }
}
