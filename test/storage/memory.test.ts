import { MemoryStorage } from '../../src/storage/memory.js';
import { storageContract } from './contract.js';

storageContract('MemoryStorage', async (options) => {
  const storage = new MemoryStorage(options);
  await storage.open();
  return { storage, cleanup: () => storage.close() };
});
