// The in-memory backend: the engine with nothing to persist. Batches still go through the same group-commit path
// (resolved on the next microtask), so memory and LevelDB stores behave identically apart from durability.

import { StorageEngine, type CommitBatch, type LoadedState } from './engine.js';

export interface MemoryStorageOptions {
  /** Events kept for watch/list-at-revision (default 100,000). */
  historyLimit?: number;
}

const persisted = Promise.resolve();

export class MemoryStorage extends StorageEngine {
  constructor(options: MemoryStorageOptions = {}) {
    super(options.historyLimit);
  }

  protected override load(): Promise<LoadedState> {
    return Promise.resolve({ objects: [], revision: 0, compactedRevision: 0, events: [] });
  }

  protected override persist(_batch: CommitBatch): Promise<void> {
    return persisted;
  }

  protected override closeBackend(): Promise<void> {
    return persisted;
  }
}
