// vitest globalSetup: names this test run, so that helpers shared by parallel test files can do a piece of work once
// per run (buildDist() in ./cli.ts), and removes what they left in the temp directory.
import { rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export default function setup(): () => void {
  const run = `${process.pid}-${Date.now()}`;
  process.env.KUBESIM_TEST_RUN = run;
  return () => rmSync(path.join(os.tmpdir(), `kubesim-dist-built-${run}`), { force: true });
}
