// kubesim from jest: runs the example jest suite in test/fixture-api/jest/ (ES module test files importing the built
// package by its name, as a user's suite would) in a child process, after building dist/, the way
// test/fixture-api/cli.test.ts runs the node --test example. vitest itself only collects *.test.ts, and that jest
// config only *.test.mjs under its own directory, so neither runner picks up the other's files.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildDist, cleanEnv, REPO_ROOT } from '../helpers/cli.js';

interface JestReport {
  success: boolean;
  numTotalTests: number;
  numPassedTests: number;
  numFailedTests: number;
  numPassedTestSuites: number;
  testResults: { name: string; status: string; message: string; assertionResults: { fullName: string; status: string }[] }[];
}

/** Runs jest with `args`; fails if it does not exit before the deadline (a cluster left open keeps jest alive). */
function jest(args: string[], timeoutMs = 60_000): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const bin = createRequire(import.meta.url).resolve('jest/bin/jest');
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args], {
      cwd: REPO_ROOT,
      env: cleanEnv({ NODE_OPTIONS: '--experimental-vm-modules --no-warnings=ExperimentalWarning' }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += String(d)));
    child.stderr.on('data', (d) => (stderr += String(d)));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`jest did not exit within ${timeoutMs} ms\nstdout: ${stdout}\nstderr: ${stderr}`));
    }, timeoutMs);
    child.on('error', reject);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

describe('kubesim under jest', () => {
  beforeAll(() => buildDist());

  it('runs the example jest suite: every test passes and jest exits by itself', async () => {
    const r = await jest(['--config', 'test/fixture-api/jest/jest.config.mjs', '--ci', '--json']);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const report = JSON.parse(r.stdout) as JestReport;
    expect(report).toMatchObject({ success: true, numTotalTests: 5, numPassedTests: 5, numFailedTests: 0, numPassedTestSuites: 2 });
    const names = report.testResults.flatMap((f) => f.assertionResults.map((a) => `${a.status} ${a.fullName}`)).sort();
    expect(names).toEqual([
      "passed a bad fault rule throws kubesim's FaultSpecError",
      'passed a client sees an injected 429 and its request is recorded with the rule',
      'passed a deployment becomes ready once simulated time lets its pods start',
      'passed a deployment is gone after reset(): each test starts from the fixture state',
      'passed a deployment scales down in cluster time',
    ]);
    // Only the jest files ran (not this vitest file or any other *.test.ts).
    expect(report.testResults.map((f) => f.name.slice(REPO_ROOT.length)).sort()).toEqual(['test/fixture-api/jest/deployment.test.mjs', 'test/fixture-api/jest/faults.test.mjs']);
    expect(r.stderr).not.toMatch(/did not exit|open handle/i);
  });
});
