// Crash durability: a child process writes through LevelStorage and is SIGKILLed mid-stream; every write it
// acknowledged must be found after reopening, and the history must still be replayable.
//
// The child runs plain Node, so the storage sources are transpiled (type-stripped only) into a temp dir first; the
// sources already use NodeNext-style `.js` import specifiers, so no rewriting is needed.

import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StorageEvent } from '../../src/storage/interface.js';
import { LevelStorage } from '../../src/storage/level.js';
import { waitFor } from './contract.js';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const HISTORY_LIMIT = 1000;
const ACKS_BEFORE_KILL = 2000;

let work: string;
let moduleDir: string;

beforeAll(() => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'kubesim-durability-'));
  moduleDir = path.join(work, 'storage');
  fs.mkdirSync(moduleDir);
  const srcDir = path.join(repoRoot, 'src', 'storage');
  for (const file of fs.readdirSync(srcDir).filter((f) => f.endsWith('.ts'))) {
    const out = ts.transpileModule(fs.readFileSync(path.join(srcDir, file), 'utf8'), {
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
      fileName: file,
    });
    fs.writeFileSync(path.join(moduleDir, file.replace(/\.ts$/, '.js')), out.outputText);
  }
  fs.writeFileSync(path.join(work, 'package.json'), '{"type":"module"}\n');
  fs.symlinkSync(path.join(repoRoot, 'node_modules'), path.join(work, 'node_modules'), 'dir');
});

afterAll(() => {
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

interface Ack {
  revision: number;
  n: number;
}

describe('LevelStorage crash durability', () => {
  it('keeps every acknowledged write across a SIGKILL', async () => {
    const dataDir = path.join(work, 'data');
    const child: ChildProcess = spawn(process.execPath, [path.join(repoRoot, 'test/storage/fixtures/writer.mjs'), moduleDir, dataDir, String(HISTORY_LIMIT)], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    let exited = false;
    child.on('exit', () => (exited = true));

    const acks = new Map<string, Ack>();
    let ackCount = 0;
    let maxRevision = 0;
    let killed = false;
    const lines = readline.createInterface({ input: child.stdout! });
    lines.on('line', (line) => {
      if (killed || !line.startsWith('ack ')) return;
      const [, key, rev, n] = line.split(' ');
      const revision = Number(rev);
      const prev = acks.get(key);
      if (!prev || prev.revision < revision) acks.set(key, { revision, n: Number(n) });
      maxRevision = Math.max(maxRevision, revision);
      if (++ackCount >= ACKS_BEFORE_KILL) {
        killed = true;
        child.kill('SIGKILL');
      }
    });

    try {
      await waitFor(() => killed || exited, `${ACKS_BEFORE_KILL} acks (child stderr: ${stderr})`, 50_000);
      expect(stderr).toBe('');
      await waitFor(() => exited, 'the child to die');
    } finally {
      if (!exited) child.kill('SIGKILL');
    }
    expect(child.signalCode).toBe('SIGKILL');

    const storage = new LevelStorage({ dir: dataDir, historyLimit: HISTORY_LIMIT });
    await storage.open();
    try {
      expect(storage.currentRevision()).toBeGreaterThanOrEqual(maxRevision);
      for (const [key, ack] of acks) {
        const stored = storage.get(key);
        expect(stored, key).toBeDefined();
        expect(stored!.revision).toBeGreaterThanOrEqual(ack.revision);
        expect(stored!.object.metadata?.resourceVersion).toBe(String(stored!.revision));
        if (stored!.revision === ack.revision) expect(stored!.object.data).toEqual({ n: ack.n });
      }

      // The retained window is complete and contiguous up to the recovered revision.
      const compacted = storage.compactedRevision();
      const current = storage.currentRevision();
      expect(current - compacted).toBe(Math.min(HISTORY_LIMIT, current));
      const replayed: StorageEvent[] = [];
      const from = Math.max(compacted, 1);
      const watcher = storage.watch('/dur/', { fromRevision: from, onEvent: (e) => replayed.push(e) });
      await waitFor(() => replayed.length === current - from, 'history replay');
      replayed.forEach((e, i) => expect(e.revision).toBe(from + 1 + i));
      watcher.stop();

      // ...and the store keeps working where the child stopped.
      const next = await storage.create('/dur/after-crash', { metadata: { name: 'after-crash' } });
      expect(next.revision).toBe(current + 1);
    } finally {
      await storage.close();
    }
  });
});
