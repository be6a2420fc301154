// The simulated container shell, table-driven: a command line (as `kubectl exec pod -- ARGV`) gives stdout, stderr
// and an exit code like the real image would (busybox ash, Debian dash/bash).
import { describe, expect, it } from 'vitest';
import { containerEnvironment, type EnvSources } from '../../src/streams/container/env.js';
import { baseFilesystem } from '../../src/streams/container/files.js';
import { commandsFor } from '../../src/streams/container/commands-available.js';
import { imageProfile } from '../../src/streams/container/profile.js';
import { VirtualFS, type Overlay } from '../../src/streams/shell/fs.js';
import { UTILITIES } from '../../src/streams/shell/index.js';
import { Capture, Input } from '../../src/streams/shell/io.js';
import { ExitSignal, Interrupter, Shell, type ShellHost } from '../../src/streams/shell/interp.js';
import { FakeClock } from '../helpers/fake-clock.js';
import { LineDiscipline } from '../../src/streams/tty.js';

type Obj = Record<string, any>;

const START = '2025-01-01T00:00:00Z';

function makePod(image: string, extra: Obj = {}): Obj {
  return {
    metadata: { name: 'web', namespace: 'shop', uid: 'uid-1', labels: { app: 'web' } },
    spec: {
      nodeName: 'node01',
      enableServiceLinks: true,
      dnsPolicy: 'ClusterFirst',
      containers: [{ name: 'c', image, env: [{ name: 'GREETING', value: 'hello' }, { name: 'MSG', value: '$(GREETING) world' }, { name: 'POD_IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } }], ...extra }],
    },
    status: { phase: 'Running', podIP: '10.244.1.5', podIPs: [{ ip: '10.244.1.5' }], containerStatuses: [{ name: 'c', state: { running: { startedAt: START } } }] },
  };
}

const sources: EnvSources = {
  configMap: () => undefined,
  secret: () => undefined,
  services: (ns) =>
    ns === 'default'
      ? [{ metadata: { name: 'kubernetes', namespace: 'default', creationTimestamp: '2024-12-01T00:00:00Z' }, spec: { clusterIP: '10.96.0.1', ports: [{ name: 'https', port: 443, protocol: 'TCP' }] } }]
      : [
          { metadata: { name: 'cart-db', namespace: 'shop', creationTimestamp: '2024-12-01T00:00:00Z' }, spec: { clusterIP: '10.96.7.7', ports: [{ port: 5432 }] } },
          { metadata: { name: 'later', namespace: 'shop', creationTimestamp: '2025-02-01T00:00:00Z' }, spec: { clusterIP: '10.96.8.8', ports: [{ port: 80 }] } },
        ],
  node: () => undefined,
};

function makeHost(image: string, overlay: Overlay = new Map(), tty = false): { host: ShellHost; env: [string, string][] } {
  const pod = makePod(image);
  const container = pod.spec.containers[0];
  const clock = new FakeClock();
  const profile = imageProfile(image);
  const fs = new VirtualFS(baseFilesystem({ pod, container, profile, hostname: 'web', dnsIP: '10.96.0.10', sources, started: clock.now() }), overlay, () => clock.now());
  const host: ShellHost = {
    profile,
    hostname: 'web',
    fs,
    clock,
    pod,
    container,
    programs: new Set(commandsFor(profile)),
    terminal: { tty, cols: 80, rows: 24 },
    interrupts: new Interrupter(),
    processes: () => [{ pid: 1, command: 'sleep 3600' }],
  };
  return { host, env: containerEnvironment(pod, container, profile, sources, { hostname: 'web', tty }) };
}

async function run(image: string, argv: string[], stdin?: string, overlay?: Overlay): Promise<{ out: string; err: string; code: number }> {
  const { host, env } = makeHost(image, overlay);
  const sh = new Shell(host, env, 'sh', UTILITIES);
  const out = new Capture();
  const err = new Capture();
  let code: number;
  try {
    code = await sh.exec(argv, { stdin: stdin === undefined ? Input.empty() : Input.of(stdin), stdout: out, stderr: err }, sh.environment());
  } catch (e) {
    if (!(e instanceof ExitSignal)) throw e;
    code = e.code;
  }
  return { out: out.text, err: err.text, code };
}

const sh = (script: string): string[] => ['sh', '-c', script];

describe('simulated shell (busybox)', () => {
  const cases: [string, string[], { out?: string | RegExp; err?: string | RegExp; code: number }, string?][] = [
    ['echo', ['echo', 'hi', 'there'], { out: 'hi there\n', code: 0 }],
    ['exit code through sh -c', sh('exit 3'), { out: '', code: 3 }],
    ['unknown command in a shell', sh('foo'), { err: 'sh: foo: not found\n', code: 127 }],
    ['true and false', sh('true && echo yes; false || echo no'), { out: 'yes\nno\n', code: 0 }],
    ['stdout and stderr kept apart', sh('echo out; echo err >&2; exit 4'), { out: 'out\n', err: 'err\n', code: 4 }],
    ['hostname', ['hostname'], { out: 'web\n', code: 0 }],
    ['printenv of a spec env var with $(VAR) expansion', ['printenv', 'MSG'], { out: 'hello world\n', code: 0 }],
    ['printenv of a missing var', ['printenv', 'NOPE'], { out: '', code: 1 }],
    ['downward API env', ['printenv', 'POD_IP'], { out: '10.244.1.5\n', code: 0 }],
    ['HOSTNAME and the kubernetes service env', sh('echo $HOSTNAME $KUBERNETES_SERVICE_HOST:$KUBERNETES_SERVICE_PORT $KUBERNETES_PORT'), { out: 'web 10.96.0.1:443 tcp://10.96.0.1:443\n', code: 0 }],
    ['service links of the namespace (not services created after the container started)', sh('echo $CART_DB_SERVICE_HOST $CART_DB_PORT_5432_TCP_ADDR "[$LATER_SERVICE_HOST]"'), { out: '10.96.7.7 10.96.7.7 []\n', code: 0 }],
    ['resolv.conf with the cluster DNS', ['cat', '/etc/resolv.conf'], { out: 'search shop.svc.cluster.local svc.cluster.local cluster.local\nnameserver 10.96.0.10\noptions ndots:5\n', code: 0 }],
    ['hosts file names the pod', ['cat', '/etc/hosts'], { out: /# Kubernetes-managed hosts file\.\n127\.0\.0\.1\tlocalhost\n[\s\S]*10\.244\.1\.5\tweb\n$/, code: 0 }],
    ['cat of a missing file', ['cat', '/nope'], { err: 'cat: /nope: No such file or directory\n', code: 1 }],
    ['cat of stdin', ['cat'], { out: 'line1\nline2\n', code: 0 }, 'line1\nline2\n'],
    ['sh reads commands from stdin', ['sh'], { out: 'a\nweb\n', code: 5 }, 'echo a\nhostname\nexit 5\necho never\n'],
    ['ls of the root, one per line when not a terminal', ['ls', '/'], { out: /^bin\ndev\netc\nhome\n[\s\S]*tmp\nusr\nvar\n$/, code: 0 }],
    ['ls of a missing path', ['ls', '/nope'], { err: 'ls: /nope: No such file or directory\n', code: 1 }],
    ['pipes', sh('printf "b\\na\\nc\\n" | sort | head -n 2'), { out: 'a\nb\n', code: 0 }],
    ['variables, quoting and command substitution', sh('X="a  b"; echo "$X" $X; echo "$(hostname)-$((1))"'), { out: /^a {2}b a b\nweb-/, code: 0 }],
    ['redirection to a file, read back', sh('echo saved > /tmp/f && cat /tmp/f && wc -l < /tmp/f'), { out: /^saved\n\s*1\n$/, code: 0 }],
    ['for loop', sh('for i in 1 2 3; do echo n$i; done'), { out: 'n1\nn2\nn3\n', code: 0 }],
    ['if/else with test', sh('if [ -f /etc/hosts ]; then echo yes; else echo no; fi; [ 1 -gt 2 ] || echo small'), { out: 'yes\nsmall\n', code: 0 }],
    ['while with read from a pipe', sh('printf "x\\ny\\n" | while read l; do echo "<$l>"; done'), { out: '<x>\n<y>\n', code: 0 }],
    ['syntax error', sh('if true; then'), { err: /^sh: syntax error: unexpected end of file/, code: 2 }],
    ['date is the cluster clock', ['date'], { out: 'Wed Jan  1 00:00:00 UTC 2025\n', code: 0 }],
    ['date +FORMAT', ['date', '+%Y-%m-%dT%H:%M:%S'], { out: '2025-01-01T00:00:00\n', code: 0 }],
    ['id as root', ['id', '-u'], { out: '0\n', code: 0 }],
    ['whoami', ['whoami'], { out: 'root\n', code: 0 }],
    ['env lists the environment', sh('env | grep -c ='), { out: /^\d+\n$/, code: 0 }],
    ['grep exit codes', sh('echo abc | grep -q b; echo $?; echo abc | grep -q z; echo $?'), { out: '0\n1\n', code: 0 }],
    ['no bash in busybox', ['sh', '-c', 'bash -c "echo hi"'], { err: 'sh: bash: not found\n', code: 127 }],
    ['service account files', ['ls', '/etc'], { out: /hostname\nhosts\n/, code: 0 }],
    ['tar round trip (kubectl cp)', sh('tar cf - /etc/hostname 2>/dev/null | tar xf - -C /tmp && cat /tmp/etc/hostname && tar cf - /etc/hosts 2>/dev/null | tar tf -'), { out: 'web\netc/hosts\n', code: 0 }],
    ['arithmetic', sh('i=4; echo $((i * 3 + 1)) $(( (2+3) % 3 ))'), { out: '13 2\n', code: 0 }],
  ];
  for (const [name, argv, want, stdin] of cases) {
    it(name, async () => {
      const r = await run('busybox', argv, stdin);
      if (want.out !== undefined) expect(r.out).toMatch(typeof want.out === 'string' ? new RegExp(`^${escape(want.out)}$`) : want.out);
      if (want.err !== undefined) expect(r.err).toMatch(typeof want.err === 'string' ? new RegExp(`^${escape(want.err)}$`) : want.err);
      expect(r.code).toBe(want.code);
    });
  }
});

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

describe('simulated shell (Debian images)', () => {
  it('dash names the line in errors, bash says "command not found"', async () => {
    expect(await run('nginx', sh('foo'))).toEqual({ out: '', err: 'sh: 1: foo: not found\n', code: 127 });
    expect(await run('nginx', ['bash', '-c', 'foo'])).toEqual({ out: '', err: 'bash: line 1: foo: command not found\n', code: 127 });
  });

  it('GNU ls messages and exit codes', async () => {
    expect(await run('httpd', ['ls', '/nope'])).toEqual({ out: '', err: "ls: cannot access '/nope': No such file or directory\n", code: 2 });
  });

  it('image environment and web roots', async () => {
    expect((await run('nginx:1.25.4', ['printenv', 'NGINX_VERSION'])).out).toBe('1.25.4\n');
    expect((await run('httpd', ['cat', '/usr/local/apache2/htdocs/index.html'])).out).toBe('<html><body><h1>It works!</h1></body></html>\n');
    expect((await run('nginx', ['cat', '/usr/share/nginx/html/index.html'])).out).toContain('<h1>Welcome to nginx!</h1>');
  });

  it('the writable layer outlives one exec', async () => {
    const overlay: Overlay = new Map();
    expect((await run('nginx', sh('mkdir -p /data && echo kept > /data/x'), undefined, overlay)).code).toBe(0);
    expect((await run('nginx', ['cat', '/data/x'], undefined, overlay)).out).toBe('kept\n');
    expect((await run('nginx', ['cat', '/data/x'])).code).toBe(1);
  });

  it('ps is not in Debian images', async () => {
    expect(await run('nginx', sh('ps'))).toMatchObject({ err: 'sh: 1: ps: not found\n', code: 127 });
  });
});

describe('simulated shell sleep', () => {
  it('sleeps on the cluster clock and can be interrupted', async () => {
    const { host, env } = makeHost('busybox');
    const shell = new Shell(host, env, 'sh', UTILITIES);
    const out = new Capture();
    const done = shell.exec(sh('sleep 5; echo woke'), { stdin: Input.empty(), stdout: out, stderr: new Capture() }, shell.environment());
    await new Promise((r) => setTimeout(r, 20));
    expect(out.text).toBe('');
    await (host.clock as FakeClock).advance(5000);
    expect(await done).toBe(0);
    expect(out.text).toBe('woke\n');
    const long = shell.exec(['sleep', '1000'], { stdin: Input.empty(), stdout: out, stderr: new Capture() }, shell.environment());
    await new Promise((r) => setTimeout(r, 10));
    host.interrupts.fire();
    expect(await long).toBe(130);
  });
});

describe('TTY line discipline', () => {
  it('echoes, edits with backspace, delivers lines, interrupts on Ctrl-C and ends on Ctrl-D', async () => {
    const input = new Input();
    const interrupts = new Interrupter();
    let echoed = '';
    let interrupted = 0;
    interrupts.on(() => interrupted++);
    const ld = new LineDiscipline(input, (t) => (echoed += t), interrupts);
    ld.feed(Buffer.from('lsx\x7f -l\r'));
    expect(await input.readLine()).toBe('ls -l');
    expect(echoed).toBe('lsx\b \b -l\r\n');
    ld.feed(Buffer.from('\x1b[Ahalf\x03'));
    expect(echoed.endsWith('half^C\r\n')).toBe(true);
    expect(interrupted).toBe(1);
    ld.feed(Buffer.from('\x04'));
    expect(await input.readLine()).toBe(null);
  });
});

describe('simulated shell: pathname expansion and redirections', () => {
  it.each([
    ['mkdir -p /t/d && cd /t && touch a.txt b.txt c.log .h.txt && echo *.txt', 'a.txt b.txt\n'],
    ['mkdir -p /t && cd /t && touch a1 a2 b1 && echo a? [!a]1', 'a1 a2 b1\n'],
    ['mkdir -p /t/x /t/y && touch /t/x/f /t/y/f && echo /t/*/f', '/t/x/f /t/y/f\n'],
    ['cd /tmp && echo *.nomatch', '*.nomatch\n'],
    ['echo hi > /tmp/o && echo more >> /tmp/o && cat < /tmp/o', 'hi\nmore\n'],
    ['echo err 1>&2 2>/dev/null; echo out', 'out\n'],
  ])('%s', async (script, out) => {
    const r = await run('busybox', ['sh', '-c', script]);
    expect(r.out).toBe(out);
    expect(r.code).toBe(0);
  });

  it('reports a redirection it cannot open like the image\'s shell, without running the command', async () => {
    expect(await run('busybox', ['sh', '-c', 'echo x > /nonexistent/dir/f; echo status $?'])).toMatchObject({ out: 'status 1\n', err: expect.stringMatching(/^sh: can't create \/nonexistent\/dir\/f: /) });
    expect(await run('nginx', ['sh', '-c', 'cat < /missing; echo status $?'])).toMatchObject({ out: 'status 2\n', err: expect.stringMatching(/^sh: 1: cannot open \/missing: /) });
  });
});
