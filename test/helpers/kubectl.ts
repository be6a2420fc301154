// Running real kubectl binaries against a test cluster: each call gets the cluster's kubeconfig and a fresh
// discovery cache directory, so every run exercises discovery like a first-time user.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, realpathSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { which } from './which.js';

export const KUBECTL_VERSIONS = ['1.27', '1.33'] as const;

/** The directory that holds kubectl.1.27 ... kubectl.1.33 (beside the real kubectl binary). */
export function kubectlDir(): string {
  const k = which('kubectl');
  if (!k) throw new Error('kubectl is not on the PATH');
  return path.dirname(realpathSync(k));
}

export function kubectlBinary(version: string): string {
  return path.join(kubectlDir(), `kubectl.${version}`);
}

export interface KubectlResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  input?: string;
  timeoutMs?: number;
  /** Extra environment variables for this run (e.g. EDITOR). */
  env?: NodeJS.ProcessEnv;
}

export class Kubectl {
  private readonly cacheDir = mkdtempSync(path.join(os.tmpdir(), 'kubesim-kubectl-cache-'));
  /** The binary run: `kubectl.<version>` beside the real kubectl, unless given (e.g. the dispatching `kubectl`). */
  readonly binary: string;
  constructor(
    readonly version: string,
    readonly kubeconfigPath: string,
    binary?: string,
  ) {
    this.binary = binary ?? kubectlBinary(version);
  }

  private env(extra?: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
    return { ...process.env, KUBECONFIG: this.kubeconfigPath, HOME: this.cacheDir, ...extra };
  }

  run(args: string[], opts: RunOptions = {}): Promise<KubectlResult> {
    return new Promise((resolve) => {
      const child = execFile(
        this.binary,
        [`--cache-dir=${this.cacheDir}`, ...args],
        { env: this.env(opts.env), timeout: opts.timeoutMs ?? 60_000, maxBuffer: 64 * 1024 * 1024 },
        (err, stdout, stderr) => {
          const code = err ? (typeof (err as NodeJS.ErrnoException & { code?: unknown }).code === 'number' ? Number((err as { code?: unknown }).code) : 1) : 0;
          resolve({ code, stdout: String(stdout), stderr: String(stderr) });
        },
      );
      if (opts.input !== undefined) child.stdin?.end(opts.input);
    });
  }

  /** Runs and throws with the output when the exit code is not 0. */
  async ok(args: string[], opts: RunOptions = {}): Promise<string> {
    const r = await this.run(args, opts);
    if (r.code !== 0) throw new Error(`kubectl ${args.join(' ')} exited ${r.code}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);
    return r.stdout;
  }

  /** Starts a long-running kubectl (e.g. `get -w`) and collects its stdout. */
  spawn(args: string[]): { child: ChildProcess; output: () => string } {
    const child = spawn(this.binary, [`--cache-dir=${this.cacheDir}`, ...args], { env: this.env() });
    let out = '';
    child.stdout.on('data', (d) => (out += String(d)));
    child.stderr.on('data', (d) => (out += String(d)));
    return { child, output: () => out };
  }
}
