// `kubectl run -i/-it` and `kubectl attach` to a shell reading its stdin, with real kubectl 1.27 (SPDY) and 1.33
// (WebSocket v5): the session's output comes back, its exit code becomes the container's and kubectl's, --rm deletes
// the pod, the pod shows Running 1/1 while attached and Completed/Error after, and attach joins the container's one
// shell (its variables and working directory survive a detach). -t runs kubectl on a pseudo-terminal made by
// util-linux `script`; -i without -t uses a pipe.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_COMPONENTS } from '../../src/components.js';
import { startTestCluster, type TestCluster } from '../helpers/cluster.js';
import { Kubectl, KUBECTL_VERSIONS } from '../helpers/kubectl.js';
import { waitFor } from '../helpers/wait.js';
import { which } from '../helpers/which.js';

let c: TestCluster;

beforeAll(async () => {
  c = await startTestCluster({ components: DEFAULT_COMPONENTS, fixture: 'default' });
});
afterAll(() => c?.stop());

/** util-linux `script` (Debian's essential bsdutils package) gives kubectl a terminal. */
const withTerminal = it.skipIf(!which('script'));

const shellQuote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

interface Terminal {
  child: ChildProcessWithoutNullStreams;
  out: () => string;
  type: (text: string) => void;
  /** Waits until the screen shows `text` after `from` (an offset into the output). */
  see: (text: string, from?: number) => Promise<void>;
  exited: Promise<number | null>;
}

/** Runs kubectl on a pseudo-terminal (`script -qfec`), keystrokes written to it, everything it shows collected. */
function onTerminal(k: Kubectl, args: string[]): Terminal {
  const cmd = [k.binary, `--kubeconfig=${k.kubeconfigPath}`, ...args].map(shellQuote).join(' ');
  const child = spawn('script', ['-qfec', cmd, '/dev/null'], { env: { ...process.env, TERM: 'xterm', HOME: c.dir } });
  let out = '';
  child.stdout.on('data', (d) => (out += String(d)));
  child.stderr.on('data', (d) => (out += String(d)));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return {
    child,
    out: () => out,
    type: (text) => child.stdin.write(text),
    see: async (text, from = 0) => {
      await waitFor(`${JSON.stringify(text)} on the terminal (so far: ${JSON.stringify(out.slice(from))})`, () => out.indexOf(text, from) >= 0 || (child.exitCode !== null && out.indexOf(text, from) < 0 ? Promise.reject(new Error(`kubectl ended: ${out}`)) : false));
    },
    exited,
  };
}

describe.each(KUBECTL_VERSIONS)('kubectl %s', (version) => {
  let k: Kubectl;
  const name = (base: string) => `${base}-${version.replace('.', '-')}`;
  const pod = (n: string) => c.client.pods.get('default', n);
  const getPod = async (n: string) => (await k.ok(['get', 'pod', n, '--no-headers'])).trim().split(/\s+/);

  beforeAll(() => {
    k = new Kubectl(version, c.kubeconfigPath);
  });

  it('run -i --rm --restart=Never -- sh: the output, the exit code, the pod deleted', async () => {
    const n = name('once');
    const r = await k.run(['run', n, '-i', '--rm', '--restart=Never', '--image=busybox', '--', 'sh'], { input: 'echo hello from $HOSTNAME\ncd /tmp && pwd\nexit 3\n' });
    expect(r.stdout).toBe(`hello from ${n}\n/tmp\npod "${n}" deleted\n`);
    expect(r.stderr).toContain("If you don't see a command prompt, try pressing enter.");
    expect(r.stderr).toContain(`pod default/${n} terminated (Error)`);
    expect(r.code).toBe(3);
    await waitFor('the pod gone', () => !pod(n));
  });

  it('run -i without --rm: Completed after EOF, Error after exit 3, as get pods shows', async () => {
    const ok = name('eof');
    const bad = name('err');
    const r = await k.run(['run', ok, '-i', '--restart=Never', '--image=alpine', '--', '/bin/sh'], { input: 'echo done\n' });
    expect(r).toMatchObject({ code: 0, stdout: 'done\n' });
    const r2 = await k.run(['run', bad, '-i', '--restart=Never', '--image=busybox', '--', 'sh'], { input: 'echo failing >&2\nexit 3\n' });
    expect(r2).toMatchObject({ code: 3, stdout: '' });
    expect(r2.stderr).toContain('failing\n');
    // The container log holds what the session printed.
    expect(await k.ok(['logs', ok])).toBe('done\n');
    expect(await k.ok(['logs', bad])).toBe('failing\n');
    expect(await getPod(ok)).toEqual([ok, '0/1', 'Completed', '0', expect.any(String)]);
    expect(await getPod(bad)).toEqual([bad, '0/1', 'Error', '0', expect.any(String)]);
    expect(pod(bad)!.status.containerStatuses[0].state.terminated).toMatchObject({ exitCode: 3, reason: 'Error' });
    // The container was created the way kubectl run -i asks for it.
    expect(pod(ok)!.spec.containers[0]).toMatchObject({ stdin: true, stdinOnce: true, args: ['/bin/sh'] });
  });

  withTerminal('run -it --rm on a terminal: the prompt after Enter, Running 1/1 while attached, exit 3 is kubectl\'s exit code', async () => {
    const n = name('tty');
    const t = onTerminal(k, ['run', n, '-it', '--rm', '--restart=Never', '--image=busybox', '--', 'sh']);
    const hint = "If you don't see a command prompt, try pressing enter.";
    await t.see(hint);
    const mark = t.out().indexOf(hint) + hint.length;
    t.type('\r');
    await t.see('/ # ', mark);
    // Nothing the shell printed before the session is replayed: the hint's line end, Enter's newline, a prompt.
    expect(t.out().slice(mark)).toBe('\r\n\r\n/ # ');
    t.type('echo $((6 * 7)) $HOSTNAME\r');
    await t.see(`42 ${n}\r\n/ # `, mark);
    expect(await getPod(n)).toEqual([n, '1/1', 'Running', '0', expect.any(String)]);
    expect(pod(n)!.spec.containers[0]).toMatchObject({ stdin: true, stdinOnce: true, tty: true });
    t.type('exit 3\r');
    expect(await t.exited).toBe(3);
    expect(t.out()).toContain(`pod "${n}" deleted`);
    expect(t.out()).toContain(`pod default/${n} terminated (Error)`);
    await waitFor('the pod gone', () => !pod(n));
  });

  it('attach -i joins the same shell each time (variables, working directory, files)', async () => {
    const n = name('keep');
    expect(await k.ok(['run', n, '-i', '--attach=false', '--leave-stdin-open', '--image=busybox', '--', 'sh'])).toBe(`pod/${n} created\n`);
    await waitFor('Running', () => pod(n)?.status?.containerStatuses?.[0]?.ready);
    expect(pod(n)!.spec.containers[0]).toMatchObject({ stdin: true });
    expect(pod(n)!.spec.containers[0].stdinOnce).toBeUndefined();
    const first = await k.run(['attach', '-i', n, '-c', n], { input: 'X=42; cd /tmp\necho saved > notes\necho first $X\n' });
    expect(first).toMatchObject({ code: 0, stdout: 'first 42\n' });
    const second = await k.run(['attach', '-i', n, '-c', n], { input: 'echo again $X in $(pwd): $(cat notes)\n' });
    expect(second).toMatchObject({ code: 0, stdout: 'again 42 in /tmp: saved\n' });
    expect(await k.ok(['exec', n, '--', 'cat', '/tmp/notes'])).toBe('saved\n');
    expect(await k.ok(['logs', n])).toBe('first 42\nagain 42 in /tmp: saved\n');
    expect(await getPod(n)).toEqual([n, '1/1', 'Running', '0', expect.any(String)]);
  });

  withTerminal('attach -it on a terminal: a closed client leaves the shell running, the next attach finds it, Ctrl-D ends it', async () => {
    const n = name('term');
    await k.ok(['run', n, '-it', '--attach=false', '--leave-stdin-open', '--image=alpine', '--', '/bin/sh']);
    await waitFor('Running', () => pod(n)?.status?.containerStatuses?.[0]?.ready);
    const first = onTerminal(k, ['attach', '-it', n, '-c', n]);
    await first.see("try pressing enter.");
    first.type('\r');
    await first.see('/ # ');
    first.type('cd /etc; Y=seven\r');
    await first.see('/etc # ');
    // The terminal goes away (kubectl gets SIGHUP): the session ends, the shell stays.
    first.child.kill('SIGKILL');
    await first.exited;
    const second = onTerminal(k, ['attach', '-it', n, '-c', n]);
    await second.see("try pressing enter.");
    const mark = second.out().length;
    second.type('\r');
    await second.see('/etc # ', mark);
    second.type('echo $Y\r');
    await second.see('seven\r\n/etc # ', mark);
    expect(second.out()).not.toContain('cd /etc');
    // The log has everything the terminal showed, from the shell's first prompt on.
    expect(await k.ok(['logs', n])).toBe('/ # \n/ # cd /etc; Y=seven\n/etc # \n/etc # echo $Y\nseven\n/etc # \n');
    expect(await getPod(n)).toEqual([n, '1/1', 'Running', '0', expect.any(String)]);
    // Ctrl-D: end of input, the shell exits 0; kubectl run's default restart policy (Always) starts a new shell.
    const id = pod(n)!.status.containerStatuses[0].containerID;
    second.type('\u0004');
    expect(await second.exited).toBe(0);
    expect(second.out()).toContain(`Session ended, resume using 'kubectl attach ${n} -c ${n}`);
    await waitFor('restarted', () => pod(n)?.status?.containerStatuses?.[0]?.restartCount === 1 && pod(n)!.status.containerStatuses[0].state.running);
    expect(pod(n)!.status.containerStatuses[0].lastState.terminated).toMatchObject({ exitCode: 0, reason: 'Completed', containerID: id });
    expect(await getPod(n)).toEqual([n, '1/1', 'Running', '1', expect.any(String), 'ago)', expect.any(String)]);
  });
});
