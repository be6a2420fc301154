// `kubectl logs` and container restarts through real kubectl 1.27 and 1.33, on a living cluster with a virtual clock:
// an httpd pod's start-up lines, --tail, --timestamps, --since, -c errors, -f streaming a line as the clock moves,
// -l with --prefix and --all-containers, a crashing pod in CrashLoopBackOff with RESTARTS "(Xs ago)" and
// --previous, and a pod failing readiness left out of its Service's ready endpoints.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { VirtualClock } from '../../src/clock.js';
import { DEFAULT_COMPONENTS } from '../../src/components.js';
import type { Obj } from '../../src/registry/types.js';
import { startTestCluster, type TestCluster } from '../helpers/cluster.js';
import { Kubectl, KUBECTL_VERSIONS } from '../helpers/kubectl.js';
import { waitFor } from '../helpers/wait.js';

const lines = (s: string) => s.split('\n').filter((l) => l.trim() !== '');

describe.each(KUBECTL_VERSIONS)('kubectl %s logs, restarts and readiness', (version) => {
  let c: TestCluster;
  let k: Kubectl;
  const clock = () => c.clock as VirtualClock;
  const pods = () => c.client.pods;
  const running = (name: string) => pods().get('default', name)?.status?.phase === 'Running';

  beforeAll(async () => {
    c = await startTestCluster({ components: DEFAULT_COMPONENTS, fixture: 'default', nodes: 1, clock: 'virtual' });
    k = new Kubectl(version, c.kubeconfigPath);
    const create = (name: string, spec: Obj, annotations?: Obj, labels: Obj = { app: name }) => pods().create('default', { metadata: { name, labels, annotations }, spec });
    await create('web', { containers: [{ name: 'web', image: 'httpd' }] }, undefined, { app: 'web' });
    await create('two', { containers: [{ name: 'a', image: 'nginx' }, { name: 'b', image: 'httpd' }] }, undefined, { app: 'web' });
    const probe = { httpGet: { path: '/', port: 80 }, periodSeconds: 5 };
    await create('ok', { containers: [{ name: 'web', image: 'nginx', ports: [{ containerPort: 80 }], readinessProbe: probe }] }, undefined, { app: 'svc' });
    await create('sick', { containers: [{ name: 'web', image: 'nginx', ports: [{ containerPort: 80 }], readinessProbe: probe }] }, { 'kubesim.io/ready': 'false' }, { app: 'svc' });
    await c.client.services.create('default', { metadata: { name: 'svc' }, spec: { selector: { app: 'svc' }, ports: [{ port: 80 }] } });
    const up = await clock().advanceUntil(() => ['web', 'two', 'ok', 'sick'].every(running), '1m', '100ms');
    expect(up).toBe(true);
  });
  afterAll(() => c?.stop());

  it('logs: the httpd start-up lines; --tail, --timestamps, --since, --limit-bytes', async () => {
    const start = lines(await k.ok(['logs', 'web']));
    expect(start[0]).toMatch(/^AH00558: httpd: Could not reliably determine the server's fully qualified domain name, using 10\.244\.\d+\.\d+\. Set the 'ServerName' directive globally to suppress this message$/);
    expect(start.some((l) => /\[mpm_event:notice\] .*AH00489: Apache\/2\.4\.\d+ \(Unix\) configured -- resuming normal operations$/.test(l))).toBe(true);
    expect(start.some((l) => l.endsWith("AH00094: Command line: 'httpd -D FOREGROUND'"))).toBe(true);
    // The virtual clock moves: access-log lines appear, one per 10 s.
    await clock().advance('30s');
    const later = lines(await k.ok(['logs', 'web']));
    expect(later.length).toBeGreaterThanOrEqual(start.length + 2);
    const tail = lines(await k.ok(['logs', 'web', '--tail=1']));
    expect(tail).toEqual([later[later.length - 1]]);
    expect(tail[0]).toMatch(/^10\.244\.\d+\.\d+ - - \[\d{2}\/\w{3}\/\d{4}:[\d:]+ \+0000\] "GET \S+ HTTP\/1\.1" \d{3} \d+$/);
    const stamped = lines(await k.ok(['logs', 'web', '--timestamps', '--tail=2']));
    for (const l of stamped) expect(l).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?Z \S/);
    expect(stamped.map((l) => l.slice(l.indexOf(' ') + 1))).toEqual(later.slice(-2));
    expect(lines(await k.ok(['logs', 'web', '--since=12s'])).length).toBeLessThanOrEqual(2);
    expect(await k.ok(['logs', 'web', '--limit-bytes=8'])).toBe('AH00558:');
  });

  it('-c: a container of a multi-container pod; an unknown one is an error from the server', async () => {
    expect(lines(await k.ok(['logs', 'two', '-c', 'a']))[0]).toBe('/docker-entrypoint.sh: /docker-entrypoint.d/ is not empty, will attempt to perform configuration');
    expect(lines(await k.ok(['logs', 'two', '-c', 'b']))[0]).toMatch(/^AH00558/);
    const bad = await k.run(['logs', 'two', '-c', 'nope']);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain('container nope is not valid for pod two');
    // Without -c kubectl picks the first container itself and says so.
    const dflt = await k.run(['logs', 'two']);
    expect(dflt.code).toBe(0);
    expect(dflt.stderr).toContain('Defaulted container "a" out of: a, b');
  });

  it('-l with --prefix and --all-containers', async () => {
    const out = lines(await k.ok(['logs', '-l', 'app=web', '--prefix', '--all-containers', '--tail=1']));
    const prefixes = out.map((l) => /^\[([^\]]+)\]/.exec(l)?.[1]).sort();
    expect(prefixes).toEqual(['pod/two/a', 'pod/two/b', 'pod/web/web']);
  });

  it('logs -f streams a new line when the clock moves, until killed', async () => {
    const f = k.spawn(['logs', '-f', 'web', '--tail=1']);
    try {
      await waitFor('the last line', () => /HTTP\/1\.1"/.test(f.output()));
      const before = lines(f.output()).length;
      await clock().advance('12s'); // one access line per 10 s, each up to 1 s late
      await waitFor('one more line', () => lines(f.output()).length > before);
      expect(lines(f.output())[before]).toMatch(/"GET \S+ HTTP\/1\.1" \d{3} \d+$/);
      expect(f.child.exitCode).toBeNull(); // still following
    } finally {
      f.child.kill();
    }
    await waitFor('kubectl gone', () => f.child.exitCode !== null || f.child.signalCode !== null);
  });

  it('a crashing container: CrashLoopBackOff with RESTARTS "(Xs ago)", logs --previous, describe', async () => {
    expect(await k.ok(['run', 'crash', '--image=httpd', '--annotations=kubesim.io/crash-after=10s'])).toBe('pod/crash created\n');
    // Crashes after 10 s of each run: restarted at once, then back-off 10 s (CrashLoopBackOff), 20 s...
    const ok = await clock().advanceUntil(() => pods().get('default', 'crash')?.status?.containerStatuses?.[0]?.state?.waiting?.reason === 'CrashLoopBackOff', '2m', '1s');
    expect(ok).toBe(true);
    const row = lines(await k.ok(['get', 'pod', 'crash']))[1]!.split(/\s{2,}/);
    expect(row.slice(0, 3)).toEqual(['crash', '0/1', 'CrashLoopBackOff']);
    expect(row[3]).toMatch(/^1 \(\d+s ago\)$/);
    const previous = lines(await k.ok(['logs', 'crash', '--previous']));
    expect(previous[0]).toMatch(/^AH00558/);
    expect(previous[previous.length - 1]).toBe('Error: simulated crash after 10s (kubesim.io/crash-after), exiting with code 1');
    const described = await k.ok(['describe', 'pod', 'crash']);
    expect(described).toMatch(/State:\s+Waiting\n\s+Reason:\s+CrashLoopBackOff/);
    expect(described).toMatch(/Last State:\s+Terminated\n\s+Reason:\s+Error\n\s+Exit Code:\s+1/);
    expect(described).toMatch(/Restart Count:\s+1/);
    expect(described).toMatch(/Warning\s+BackOff\s+.*Back-off restarting failed container crash in pod crash_default/);
    // Back in business after the back-off: RESTARTS 2, and --previous is the last crashed run.
    await clock().advanceUntil(() => pods().get('default', 'crash')?.status?.containerStatuses?.[0]?.restartCount === 2, '1m', '1s');
    expect(lines(await k.ok(['get', 'pod', 'crash']))[1]).toMatch(/^crash\s+1\/1\s+Running\s+2 \(\d+s ago\)\s+/);
    const none = await k.run(['logs', 'web', '--previous']);
    expect(none.code).not.toBe(0);
    expect(none.stderr).toContain('previous terminated container "web" in pod "web" not found');
  });

  it('a pod failing readiness is not ready and not among its Service\'s ready endpoints', async () => {
    expect(lines(await k.ok(['get', 'pod', 'sick']))[1]).toMatch(/^sick\s+0\/1\s+Running\s+0\s+/);
    expect(lines(await k.ok(['get', 'pod', 'ok']))[1]).toMatch(/^ok\s+1\/1\s+Running\s+0\s+/);
    const ip = (name: string) => pods().get('default', name)!.status.podIP;
    const ep = JSON.parse(await k.ok(['get', 'endpoints', 'svc', '-o', 'json']));
    expect(ep.subsets[0].addresses.map((a: Obj) => a.ip)).toEqual([ip('ok')]);
    expect(ep.subsets[0].notReadyAddresses.map((a: Obj) => a.ip)).toEqual([ip('sick')]);
    expect(lines(await k.ok(['get', 'endpoints', 'svc']))[1]).toMatch(new RegExp(`^svc\\s+${ip('ok').replace(/\./g, '\\.')}:80\\s+`));
    const described = await k.ok(['describe', 'pod', 'sick']);
    expect(described).toMatch(/Warning\s+Unhealthy\s+.*Readiness probe failed: HTTP probe failed with statuscode: 503/);
  });
});
