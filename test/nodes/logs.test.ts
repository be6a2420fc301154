// The simulated container logs, without a cluster: what each kind of image prints and when, windows of the log
// (tail, since, timestamps), determinism, the shell-script simulation, the kubesim.io/log-* annotations, rotation,
// and the kubelet's choice of instance (current, previous) with its errors.
import { describe, expect, it } from 'vitest';
import { InstanceLog, renderLines, RETAINED_LINES } from '../../src/nodes/logs/container-log.js';
import { rfc3339Nano } from '../../src/nodes/logs/format.js';
import { piDigits } from '../../src/nodes/logs/pi.js';
import { logProgram } from '../../src/nodes/logs/programs.js';
import { openLog, readLines, selectInstance } from '../../src/nodes/logs/read.js';
import { simulate } from '../../src/nodes/logs/shell.js';
import { containerPlan } from '../../src/nodes/container-plan.js';
import { ApiError } from '../../src/machinery/errors.js';

type Obj = Record<string, any>;

const T0 = Date.parse('2025-01-01T00:00:00Z');
const SETTINGS = { kubeMinor: '1.33', defaultIntervalMs: 10_000 };

function pod(container: Obj, annotations?: Obj, status?: Obj): Obj {
  return {
    metadata: { name: 'web', namespace: 'default', uid: 'u1', annotations },
    spec: { nodeName: 'node01', containers: [{ name: 'web', ...container }] },
    status: { podIP: '10.244.1.5', hostIP: '172.30.0.3', ...status },
  };
}

function running(startedAt = '2025-01-01T00:00:00Z', extra: Obj = {}): Obj {
  return { containerStatuses: [{ name: 'web', containerID: 'containerd://abc', state: { running: { startedAt } }, lastState: {}, restartCount: 0, ...extra }] };
}

function log(p: Obj, previous = false): InstanceLog {
  return openLog(p, 'web', previous, SETTINGS);
}

const texts = (lines: { text: string }[]) => lines.map((l) => l.text);

describe('what images print', () => {
  it('httpd: the AH00558 and AH00094 start-up lines, then access-log lines every 10 s as the clock moves', () => {
    const l = log(pod({ image: 'httpd' }, undefined, running()));
    const start = texts(l.all(T0 + 1000));
    expect(start).toHaveLength(4);
    expect(start[0]).toBe("AH00558: httpd: Could not reliably determine the server's fully qualified domain name, using 10.244.1.5. Set the 'ServerName' directive globally to suppress this message");
    expect(start[2]).toMatch(/^\[Wed Jan 01 00:00:00\.\d{6} 2025\] \[mpm_event:notice\] \[pid 1:tid \d+\] AH00489: Apache\/2\.4\.62 \(Unix\) configured -- resuming normal operations$/);
    expect(start[3]).toMatch(/\[core:notice\] .* AH00094: Command line: 'httpd -D FOREGROUND'$/);
    // One more line per period: 30 s in, three access lines.
    const later = texts(l.all(T0 + 30_999));
    expect(later).toHaveLength(7);
    for (const line of later.slice(4)) expect(line).toMatch(/^10\.244\.\d+\.\d+ - - \[01\/Jan\/2025:00:00:[123]0 \+0000\] "GET \/\S* HTTP\/1\.1" (200 45|404 196)$/);
  });

  it('nginx: the docker-entrypoint lines and "start worker processes"; HTTP probes appear as kube-probe requests', () => {
    const probe = { httpGet: { path: '/healthz', port: 80 }, periodSeconds: 5, initialDelaySeconds: 3 };
    const l = log(pod({ image: 'nginx:1.25', readinessProbe: probe }, undefined, running()));
    const lines = texts(l.all(T0 + 13_500));
    expect(lines[0]).toBe('/docker-entrypoint.sh: /docker-entrypoint.d/ is not empty, will attempt to perform configuration');
    expect(lines).toContain('/docker-entrypoint.sh: Configuration complete; ready for start up');
    expect(lines).toContain('2025/01/01 00:00:00 [notice] 1#1: nginx/1.25.3');
    expect(lines).toContain('2025/01/01 00:00:00 [notice] 1#1: start worker processes');
    // Probes at 3 s, 8 s and 13 s (initial delay, then every period).
    expect(lines.filter((x) => x.includes('kube-probe'))).toEqual(
      ['03', '08', '13'].map((s) => `172.30.0.3 - - [01/Jan/2025:00:00:${s} +0000] "GET /healthz HTTP/1.1" 200 615 "-" "kube-probe/1.33" "-"`),
    );
  });

  it('busybox: what the command prints, the Kubernetes docs counter loop included', () => {
    const counter = ['/bin/sh', '-c', 'i=0; while true; do echo "$i: $(date)"; i=$((i+1)); sleep 1; done'];
    const l = log(pod({ image: 'busybox', args: counter }, undefined, running()));
    expect(texts(l.all(T0 + 2500))).toEqual(['0: Wed Jan  1 00:00:00 UTC 2025', '1: Wed Jan  1 00:00:01 UTC 2025', '2: Wed Jan  1 00:00:02 UTC 2025']);
    // Any later window without replaying the loop: an hour in.
    expect(texts(l.tail(1, T0 + 3_600_000))).toEqual(['3600: Wed Jan  1 01:00:00 UTC 2025']);
    const once = log(pod({ image: 'busybox', command: ['sh', '-c', 'echo hello; echo "from $HOSTNAME"'] }, undefined, running()));
    expect(texts(once.all(T0 + 1000))).toEqual(['hello', 'from web']);
  });

  it('perl computes the digits of the Job example, python and node one-liners print', () => {
    const pi = log(pod({ image: 'perl:5.34.0', command: ['perl', '-Mbignum=bpi', '-wle', 'print bpi(2000)'] }, undefined, running()));
    const [digits] = texts(pi.all(T0 + 1000));
    expect(digits).toHaveLength(2001);
    expect(digits!.startsWith('3.14159265358979323846264338327950288419716939937510')).toBe(true);
    expect(digits!.slice(2).slice(761, 767)).toBe('999999'); // the Feynman point
    expect(digits!.endsWith('4780275901')).toBe(true); // as the Job example of the Kubernetes docs prints
    expect(piDigits(10)).toBe('3.141592654');
    const py = log(pod({ image: 'python:3.12', command: ['python3', '-c', "print('hi from python')"] }, undefined, running()));
    expect(texts(py.all(T0 + 1000))).toEqual(['hi from python']);
  });

  it('other long-running images: a start-up line and a heartbeat each period', () => {
    const l = log(pod({ image: 'registry.example.com/team/api:v2' }, undefined, running()));
    const lines = texts(l.all(T0 + 20_999));
    expect(lines[0]).toBe('time="2025-01-01T00:00:00Z" level=info msg="Starting api" version=v2');
    expect(lines.slice(1)).toEqual([expect.stringMatching(/msg="heartbeat" uptime=10s count=1$/), expect.stringMatching(/uptime=20s count=2$/)]);
  });
});

describe('annotations', () => {
  it('kubesim.io/log-lines replaces the start-up lines; log-interval and log-line set the periodic line', () => {
    const p = pod({ image: 'nginx' }, { 'kubesim.io/log-lines': 'booting {pod}\nready on {ip}', 'kubesim.io/log-interval': '2s', 'kubesim.io/log-line': 'tick {n} {time}' }, running());
    expect(texts(log(p).all(T0 + 4500))).toEqual(['booting web', 'ready on 10.244.1.5', 'tick 1 2025-01-01T00:00:02Z', 'tick 2 2025-01-01T00:00:04Z']);
    const quiet = pod({ image: 'httpd' }, { 'kubesim.io/log-interval': '0' }, running());
    expect(log(quiet).all(T0 + 3_600_000)).toHaveLength(4);
  });

  it('a container-specific annotation (key.<container>) wins', () => {
    const p = pod({ image: 'httpd' }, { 'kubesim.io/log-lines': 'all', 'kubesim.io/log-lines.web': 'just web' }, running());
    expect(texts(log(p).all(T0 + 100))).toEqual(['just web']);
  });
});

describe('windows of a log', () => {
  const p = pod({ image: 'httpd' }, undefined, running());
  const now = T0 + 61_000; // 4 start-up lines + 6 access lines (each up to 1 s after its period)

  it('tail, since and both (tail first, then since, like the kubelet)', () => {
    const l = log(p);
    expect(l.all(now)).toHaveLength(10);
    expect(readLines(l, now, { timestamps: false, tailLines: 3 })).toEqual(l.all(now).slice(-3));
    expect(readLines(l, now, { timestamps: false, tailLines: 0 })).toEqual([]);
    const since = readLines(l, now, { timestamps: false, since: T0 + 35_000 });
    expect(since.map((x) => x.at)).toEqual(l.all(now).filter((x) => x.at >= T0 + 35_000).map((x) => x.at));
    expect(since).toHaveLength(3);
    expect(readLines(l, now, { timestamps: false, tailLines: 5, since: T0 + 45_000 })).toHaveLength(2);
  });

  it('timestamps are RFC 3339 with nanoseconds, increasing', () => {
    const text = renderLines(log(p).all(now), true);
    const stamps = text.trim().split('\n').map((line) => line.split(' ')[0]!);
    for (const s of stamps) expect(s).toMatch(/^2025-01-01T00:0[01]:\d{2}\.\d{1,9}Z$/);
    expect([...stamps].sort()).toEqual(stamps);
    expect(rfc3339Nano(T0 + 5, 120)).toBe('2025-01-01T00:00:00.00500012Z');
    expect(rfc3339Nano(T0)).toBe('2025-01-01T00:00:00Z');
  });

  it('is deterministic: the same instance always reads the same, another instance differs', () => {
    expect(renderLines(log(p).all(now), true)).toBe(renderLines(log(structuredClone(p)).all(now), true));
    const other = pod({ image: 'httpd' }, undefined, running('2025-01-01T00:00:00Z', { containerID: 'containerd://def' }));
    expect(renderLines(log(other).all(now), false)).not.toBe(renderLines(log(p).all(now), false));
  });

  it('keeps only the most recent lines of a long-running container (rotation)', () => {
    const fast = pod({ image: 'httpd' }, { 'kubesim.io/log-interval': '1s' }, running());
    const yearLater = T0 + 365 * 86_400_000;
    const all = log(fast).all(yearLater);
    expect(all.length).toBeGreaterThanOrEqual(RETAINED_LINES - 1);
    expect(all.length).toBeLessThanOrEqual(RETAINED_LINES);
    expect(all[all.length - 1]!.at).toBeLessThanOrEqual(yearLater);
    expect(all[all.length - 1]!.at).toBeGreaterThan(yearLater - 1000);
    expect(log(fast).tail(2, yearLater)).toEqual(all.slice(-2));
  });

  it('an ended instance stops at its end, with its last lines (a simulated crash)', () => {
    const crashed = pod({ image: 'httpd' }, { 'kubesim.io/crash-after': '25s' }, {
      containerStatuses: [{ name: 'web', containerID: 'containerd://new', state: { waiting: { reason: 'CrashLoopBackOff' } }, lastState: { terminated: { containerID: 'containerd://abc', exitCode: 1, reason: 'Error', startedAt: '2025-01-01T00:00:00Z', finishedAt: '2025-01-01T00:00:25Z' } }, restartCount: 1 }],
    });
    const lines = texts(log(crashed).all(T0 + 600_000));
    expect(lines).toHaveLength(4 + 2 + 1);
    expect(lines[lines.length - 1]).toBe('Error: simulated crash after 25s (kubesim.io/crash-after), exiting with code 1');
  });
});

describe('the shell simulation', () => {
  it('times, loops and exit codes', () => {
    const r = simulate(['sh', '-c', 'for i in 1 2 3; do echo "n=$i"; sleep 1; done; echo done; exit 3'], 0, { vars: {} });
    expect(r.lines).toEqual([
      { at: 0, text: 'n=1' },
      { at: 1000, text: 'n=2' },
      { at: 2000, text: 'n=3' },
      { at: 3000, text: 'done' },
    ]);
    expect(r).toMatchObject({ durationMs: 3000, exitCode: 3 });
    expect(simulate(['sleep', 'infinity'], 0, { vars: {} }).durationMs).toBeUndefined();
    const silent = simulate(['sh', '-c', 'while true; do sleep 5; done'], 0, { vars: {} });
    expect(silent.lines).toEqual([]);
    expect(silent.durationMs).toBeUndefined();
    expect(simulate(['sh', '-c', 'c=0; while [ $c -lt 3 ]; do echo $c; c=$((c+1)); done'], 0, { vars: {} }).lines.map((l) => l.text)).toEqual(['0', '1', '2']);
    expect(simulate(['sh', '-c', "printf '%s-%d\\n' a 7; echo 'single $quoted'; seq 2"], 0, { vars: {} }).lines.map((l) => l.text)).toEqual(['a-7', 'single $quoted', '1', '2']);
  });

  it('decides when run-to-completion containers exit (the kubelet plan)', () => {
    const plan = (c: Obj, ann?: Obj) => containerPlan(pod(c, ann), { name: 'web', ...c }, 200);
    expect(plan({ image: 'busybox', command: ['sh', '-c', 'echo hi'] })).toEqual({ runMs: 200, exitCode: 0, crash: false });
    expect(plan({ image: 'busybox', command: ['sh', '-c', 'sleep 5; exit 2'] })).toEqual({ runMs: 5000, exitCode: 2, crash: false });
    expect(plan({ image: 'busybox', command: ['sh', '-c', 'while true; do echo x; sleep 1; done'] }).runMs).toBeUndefined();
    expect(plan({ image: 'httpd' }).runMs).toBeUndefined();
    expect(plan({ image: 'httpd' }, { 'kubesim.io/crash-after': '1m30s' })).toEqual({ runMs: 90_000, exitCode: 1, crash: true });
    expect(plan({ image: 'httpd' }, { 'kubesim.io/crash-after': '10', 'kubesim.io/exit-code': '42' })).toEqual({ runMs: 10_000, exitCode: 42, crash: true });
    expect(plan({ image: 'httpd' }, { 'kubesim.io/run-seconds': '3' })).toEqual({ runMs: 3000, exitCode: 0, crash: false });
  });
});

describe('which instance the kubelet reads', () => {
  const podName = 'web';
  const err = (fn: () => unknown): string => {
    try {
      fn();
    } catch (e) {
      expect(e).toBeInstanceOf(ApiError);
      expect((e as ApiError).code).toBe(400);
      return (e as ApiError).message;
    }
    throw new Error('no error');
  };

  it('waiting containers and missing previous instances are errors, like upstream', () => {
    const creating = pod({ image: 'httpd' }, undefined, { containerStatuses: [{ name: 'web', state: { waiting: { reason: 'ContainerCreating' } }, lastState: {} }] });
    expect(err(() => selectInstance(creating, 'web', false))).toBe(`container "web" in pod "${podName}" is waiting to start: ContainerCreating`);
    expect(err(() => selectInstance(pod({ image: 'httpd' }, undefined, running()), 'web', true))).toBe(`previous terminated container "web" in pod "${podName}" not found`);
    expect(err(() => selectInstance(pod({ image: 'httpd' }, undefined, { phase: 'Pending' }), 'web', false))).toBe(`container "web" in pod "${podName}" is waiting to start: ContainerCreating`);
    const other = pod({ image: 'httpd' }, undefined, { phase: 'Running', containerStatuses: [{ name: 'x', state: { running: {} } }] });
    expect(err(() => selectInstance(other, 'web', false))).toBe(`container "web" in pod "${podName}" is not available`);
  });

  it('reads the running instance, or the last one while in back-off; previous reads the one before', () => {
    const status = running('2025-01-01T00:01:00Z', {
      containerID: 'containerd://second',
      restartCount: 1,
      lastState: { terminated: { containerID: 'containerd://first', exitCode: 1, reason: 'Error', startedAt: '2025-01-01T00:00:00Z', finishedAt: '2025-01-01T00:00:30Z' } },
    });
    const p = pod({ image: 'httpd' }, undefined, status);
    expect(log(p).instance).toMatchObject({ id: 'containerd://second', start: T0 + 60_000 });
    expect(log(p).instance.end).toBeUndefined();
    expect(log(p, true).instance).toMatchObject({ id: 'containerd://first', start: T0, end: T0 + 30_000, exitCode: 1 });
    const backoff = structuredClone(p);
    backoff.status.containerStatuses[0].state = { waiting: { reason: 'CrashLoopBackOff' } };
    expect(log(backoff).instance.id).toBe('containerd://first');
  });

  it('a program is derived from the pod alone (no state kept between reads)', () => {
    const p = pod({ image: 'httpd' }, undefined, running());
    const a = logProgram({ pod: p, container: p.spec.containers[0], init: false, start: T0, instanceId: 'x', kubeMinor: '1.33', defaultIntervalMs: 10_000 });
    const b = logProgram({ pod: p, container: p.spec.containers[0], init: false, start: T0, instanceId: 'x', kubeMinor: '1.33', defaultIntervalMs: 10_000 });
    expect(a.startup).toEqual(b.startup);
    expect(a.loop!.render(7, T0 + 80_000)).toEqual(b.loop!.render(7, T0 + 80_000));
  });
});

describe('the shell simulation stays cheap', () => {
  it('gives up on scripts that would take too long to walk', () => {
    const started = Date.now();
    const r = simulate(['sh', '-c', 'for i in {1..100000000}; do for j in $(seq 1 100000); do x=$((x+1)); done; done; echo never'], 0, { vars: {} });
    expect(Date.now() - started).toBeLessThan(5000);
    expect(r.lines.map((l) => l.text)).not.toContain('never');
    expect(r.durationMs).toBeUndefined(); // taken as hanging, not as finishing
  });
});
