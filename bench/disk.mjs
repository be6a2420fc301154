// The disk's floor for durable writes, measured like a kubesim target: classic-level `put(..., { sync: true })` of a
// value the size of a stored ConfigMap (804 bytes), `concurrency` loops at a time (LevelDB itself groups concurrent
// synchronous writers into one log write and fsync), in a fresh database under bench/.data (same disk as kubesim's).
// A durable create cannot be faster than one of these at c=1: kubesim's LevelDB c=1 figure divided by this one is the
// share of the disk's speed it achieves.
import fs from 'node:fs';
import path from 'node:path';
import { BENCH_DIR } from './common.mjs';
import { threadCpuMs } from './load.mjs';

export async function runDisk({ count, concurrency = 1, warmup = 1000, valueBytes = 804 }) {
  const { ClassicLevel } = await import('classic-level');
  fs.mkdirSync(path.join(BENCH_DIR, '.data'), { recursive: true });
  const dir = fs.mkdtempSync(path.join(BENCH_DIR, '.data', 'disk-'));
  const db = new ClassicLevel(dir, { keyEncoding: 'utf8', valueEncoding: 'utf8' });
  await db.open();
  const value = 'x'.repeat(valueBytes);
  try {
    const phase = async (prefix, n, record) => {
      const lat = new Float64Array(n);
      let issued = 0;
      let done = 0;
      const lane = async () => {
        while (issued < n) {
          const i = issued++;
          const t0 = process.hrtime.bigint();
          await db.put(`o!/registry/core/configmaps/default/${prefix}${String(i).padStart(7, '0')}`, value, { sync: true });
          if (record) lat[done] = Number(process.hrtime.bigint() - t0) / 1e6;
          done++;
        }
      };
      const start = process.hrtime.bigint();
      const cpu0 = threadCpuMs();
      await Promise.all(Array.from({ length: concurrency }, lane));
      const elapsedMs = Number(process.hrtime.bigint() - start) / 1e6;
      const cpuMs = threadCpuMs() - cpu0;
      const sorted = lat.subarray(0, done).sort();
      const pct = (p) => sorted[Math.min(done - 1, Math.max(0, Math.ceil((p / 100) * done) - 1))];
      return { requests: done, errors: 0, elapsedMs, opsPerSec: done / (elapsedMs / 1000), p50Ms: pct(50), p99Ms: pct(99), serverThreadCpuMs: cpuMs, loadavg1: undefined };
    };
    if (warmup) await phase('w', warmup, false);
    return await phase('m', count, true);
  } finally {
    await db.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
