// The pod row of `kubectl get pods` (READY, STATUS, RESTARTS and the wide columns) derived the way upstream's printPod
// derives it (pkg/printers/internalversion/printers.go): the cases of its TestPrintPod, TestPrintPodwide,
// TestPrintNonTerminatedPod and TestPrintPodWithRestartableInitContainer, and the everyday states kubectl users see.
import { describe, expect, it } from 'vitest';
import { podCells } from '../../../src/registry/printers/pod.js';

type Obj = Record<string, any>;

const NOW = Date.parse('2026-03-01T12:00:00Z');
const ago = (ms: number) => new Date(NOW - ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
const S = 1000;

const running = { running: { startedAt: ago(60 * S) } };
const waiting = (reason?: string) => ({ waiting: reason ? { reason } : {} });
const terminated = (t: Obj) => ({ terminated: { exitCode: 0, ...t } });
const lastTerminated = (msAgo: number) => ({ terminated: { exitCode: 1, reason: 'Error', finishedAt: ago(msAgo) } });

function pod(spec: Obj, status: Obj, meta: Obj = {}): Obj {
  return { metadata: { name: 'p', ...meta }, spec, status };
}

/** `n` anonymous containers, as upstream's make([]api.Container, n). */
const containers = (n: number) => Array.from({ length: n }, (_, i) => ({ name: `c${i}` }));

/** NAME READY STATUS RESTARTS AGE */
const row = (p: Obj) => podCells(p, NOW).slice(0, 5);

describe('pod STATUS, READY and RESTARTS (upstream TestPrintPod)', () => {
  it.each<[string, Obj, unknown[]]>([
    [
      'name, containers, restarts and ready count',
      pod({ containers: containers(2) }, { phase: 'podPhase', containerStatuses: [{ ready: true, restartCount: 3, state: running }, { restartCount: 3 }] }),
      ['p', '1/2', 'podPhase', '6', '<unknown>'],
    ],
    [
      'a waiting reason overrides the phase',
      pod({ containers: containers(2) }, { phase: 'podPhase', containerStatuses: [{ ready: true, restartCount: 3, state: running }, { restartCount: 3, state: waiting('ContainerWaitingReason') }] }),
      ['p', '1/2', 'ContainerWaitingReason', '6', '<unknown>'],
    ],
    [
      'the first container wins over a later terminated one',
      pod({ containers: containers(2) }, {
        phase: 'podPhase',
        containerStatuses: [
          { restartCount: 3, state: waiting('ContainerWaitingReason') },
          { restartCount: 3, state: terminated({ reason: 'ContainerTerminatedReason' }) },
        ],
      }),
      ['p', '0/2', 'ContainerWaitingReason', '6', '<unknown>'],
    ],
    [
      'ready without running is not counted',
      pod({ containers: containers(2) }, { phase: 'podPhase', containerStatuses: [{ ready: true, restartCount: 3, state: running }, { ready: true, restartCount: 3 }] }),
      ['p', '1/2', 'podPhase', '6', '<unknown>'],
    ],
    [
      'status.reason overrides the phase',
      pod({ containers: containers(2) }, { phase: 'podPhase', reason: 'podReason', containerStatuses: [{ ready: true, restartCount: 3, state: running }, { ready: true, restartCount: 3 }] }),
      ['p', '1/2', 'podReason', '6', '<unknown>'],
    ],
    [
      'one container completed and one running, without the Ready condition: NotReady',
      pod({ containers: containers(2) }, {
        phase: 'Running',
        containerStatuses: [
          { ready: true, restartCount: 3, state: terminated({ reason: 'Completed' }) },
          { ready: true, restartCount: 3, state: running },
        ],
      }),
      ['p', '1/2', 'NotReady', '6', '<unknown>'],
    ],
    [
      'one container completed and one running, with the Ready condition: Running',
      pod({ containers: containers(2) }, {
        phase: 'Running',
        conditions: [{ type: 'Ready', status: 'True' }],
        containerStatuses: [
          { ready: true, restartCount: 3, state: terminated({ reason: 'Completed' }) },
          { ready: true, restartCount: 3, state: running },
        ],
      }),
      ['p', '1/2', 'Running', '6', '<unknown>'],
    ],
    [
      'an init container restarting: Init:0/1 and the restarts of the init container',
      pod({ initContainers: containers(1), containers: containers(1) }, {
        phase: 'podPhase',
        initContainerStatuses: [{ name: 'c0', ready: false, restartCount: 3, state: running, lastState: lastTerminated(10 * S) }],
        containerStatuses: [{ ready: false, restartCount: 0, state: waiting() }],
      }),
      ['p', '0/1', 'Init:0/1', '3 (10s ago)', '<unknown>'],
    ],
    [
      'two init containers, the first restarting: Init:0/2',
      pod({ initContainers: containers(2), containers: containers(1) }, {
        phase: 'podPhase',
        initContainerStatuses: [
          { name: 'c0', restartCount: 3, state: running, lastState: lastTerminated(10 * S) },
          { name: 'c1', state: waiting() },
        ],
        containerStatuses: [{ state: waiting() }],
      }),
      ['p', '0/1', 'Init:0/2', '3 (10s ago)', '<unknown>'],
    ],
    [
      'two init containers, the first completed: Init:1/2',
      pod({ initContainers: containers(2), containers: containers(1) }, {
        phase: 'podPhase',
        initContainerStatuses: [
          { name: 'c0', state: terminated({}) },
          { name: 'c1', restartCount: 3, state: running, lastState: lastTerminated(10 * S) },
        ],
        containerStatuses: [{ state: waiting() }],
      }),
      ['p', '0/1', 'Init:1/2', '3 (10s ago)', '<unknown>'],
    ],
    [
      'restarts of all init containers add up; the latest termination is shown',
      pod({ initContainers: containers(2), containers: containers(1) }, {
        phase: 'podPhase',
        initContainerStatuses: [
          { name: 'c0', restartCount: 2, state: terminated({}), lastState: lastTerminated(120 * S) },
          { name: 'c1', restartCount: 3, state: running, lastState: lastTerminated(10 * S) },
        ],
        containerStatuses: [{ state: waiting() }],
      }),
      ['p', '0/1', 'Init:1/2', '5 (10s ago)', '<unknown>'],
    ],
    [
      'once initialised, only the app containers count for restarts',
      pod({ initContainers: containers(1), containers: containers(1) }, {
        phase: 'Running',
        initContainerStatuses: [{ name: 'c0', restartCount: 2, state: terminated({}), lastState: lastTerminated(120 * S) }],
        containerStatuses: [{ ready: false, restartCount: 4, state: running, lastState: lastTerminated(20 * S) }],
      }),
      ['p', '0/1', 'Running', '4 (20s ago)', '<unknown>'],
    ],
    [
      'a restart five days ago',
      pod({ containers: containers(1) }, {
        phase: 'Running',
        containerStatuses: [{ ready: true, restartCount: 3, state: running, lastState: lastTerminated(5 * 24 * 3600 * S) }],
      }),
      ['p', '1/1', 'Running', '3 (5d ago)', '<unknown>'],
    ],
    [
      'the latest restart of any container is shown',
      pod({ containers: containers(2) }, {
        phase: 'Running',
        containerStatuses: [
          { ready: false, restartCount: 2, state: terminated({ reason: 'Completed' }), lastState: lastTerminated(120 * S) },
          { ready: true, restartCount: 5, state: running, lastState: lastTerminated(20 * S) },
        ],
      }),
      ['p', '1/2', 'NotReady', '7 (20s ago)', '<unknown>'],
    ],
  ])('%s', (_name, p, want) => {
    expect(row(p)).toEqual(want);
  });
});

describe('pod phases (upstream TestPrintNonTerminatedPod)', () => {
  it.each(['Running', 'Pending', 'Unknown', 'Succeeded', 'Failed'])('phase %s is printed as is', (phase) => {
    const p = pod({ containers: containers(2) }, { phase, containerStatuses: [{ ready: true, restartCount: 3, state: running }, { restartCount: 3 }] });
    expect(row(p)).toEqual(['p', '1/2', phase, '6', '<unknown>']);
  });
});

describe('the states kubectl users see', () => {
  const one = (status: Obj, meta: Obj = {}, spec: Obj = {}) => row(pod({ containers: containers(1), ...spec }, status, meta))[2];

  it('Pending, ContainerCreating, Running', () => {
    expect(one({ phase: 'Pending' })).toBe('Pending');
    expect(one({ phase: 'Pending', containerStatuses: [{ state: waiting('ContainerCreating') }] })).toBe('ContainerCreating');
    expect(one({ phase: 'Running', containerStatuses: [{ ready: true, state: running }] })).toBe('Running');
  });

  it('Completed, Error, CrashLoopBackOff, ImagePullBackOff, OOMKilled', () => {
    expect(one({ phase: 'Succeeded', containerStatuses: [{ state: terminated({ reason: 'Completed' }) }] })).toBe('Completed');
    expect(one({ phase: 'Failed', containerStatuses: [{ state: terminated({ exitCode: 1, reason: 'Error' }) }] })).toBe('Error');
    expect(one({ phase: 'Running', containerStatuses: [{ restartCount: 4, state: waiting('CrashLoopBackOff'), lastState: lastTerminated(30 * S) }] })).toBe('CrashLoopBackOff');
    expect(one({ phase: 'Pending', containerStatuses: [{ state: waiting('ImagePullBackOff') }] })).toBe('ImagePullBackOff');
    expect(one({ phase: 'Running', containerStatuses: [{ state: terminated({ exitCode: 137, reason: 'OOMKilled' }) }] })).toBe('OOMKilled');
  });

  it('ExitCode:N and Signal:N for a container terminated without a reason', () => {
    expect(one({ phase: 'Failed', containerStatuses: [{ state: terminated({ exitCode: 3 }) }] })).toBe('ExitCode:3');
    expect(one({ phase: 'Failed', containerStatuses: [{ state: terminated({ exitCode: 137, signal: 9 }) }] })).toBe('Signal:9');
  });

  it('init containers: Init:x/y, Init:<reason>, Init:ExitCode:N, Init:Signal:N', () => {
    const init = (statuses: Obj[], n = statuses.length) =>
      row(pod({ initContainers: containers(n), containers: containers(1) }, { phase: 'Pending', initContainerStatuses: statuses, containerStatuses: [{ state: waiting('PodInitializing') }] }))[2];
    expect(init([{ state: running }, { state: waiting() }])).toBe('Init:0/2');
    expect(init([{ state: terminated({ reason: 'Completed' }) }, { state: running }])).toBe('Init:1/2');
    // PodInitializing is not a failure: the count is shown
    expect(init([{ state: waiting('PodInitializing') }])).toBe('Init:0/1');
    expect(init([{ restartCount: 3, state: waiting('CrashLoopBackOff'), lastState: lastTerminated(5 * S) }])).toBe('Init:CrashLoopBackOff');
    expect(init([{ state: terminated({ exitCode: 1, reason: 'Error' }) }])).toBe('Init:Error');
    expect(init([{ state: terminated({ exitCode: 2 }) }])).toBe('Init:ExitCode:2');
    expect(init([{ state: terminated({ exitCode: 143, signal: 15 }) }])).toBe('Init:Signal:15');
    // The first init container that has not completed decides, and the later ones' restarts are not counted.
    const p = pod({ initContainers: containers(2), containers: containers(1) }, {
      phase: 'Pending',
      initContainerStatuses: [
        { restartCount: 1, state: waiting('CrashLoopBackOff'), lastState: lastTerminated(5 * S) },
        { restartCount: 7, state: waiting('ImagePullBackOff') },
      ],
    });
    expect(row(p).slice(2, 4)).toEqual(['Init:CrashLoopBackOff', '1 (5s ago)']);
  });

  it('Terminating while deleting, except for pods that already finished; Unknown on a lost node', () => {
    const deleting = { deletionTimestamp: ago(0) };
    expect(one({ phase: 'Running', containerStatuses: [{ ready: true, state: running }] }, deleting)).toBe('Terminating');
    expect(one({ phase: 'Pending' }, deleting)).toBe('Terminating');
    expect(one({ phase: 'Succeeded', containerStatuses: [{ state: terminated({ reason: 'Completed' }) }] }, deleting)).toBe('Completed');
    expect(one({ phase: 'Failed', containerStatuses: [{ state: terminated({ exitCode: 1, reason: 'Error' }) }] }, deleting)).toBe('Error');
    expect(one({ phase: 'Running', reason: 'NodeLost', containerStatuses: [{ ready: true, state: running }] }, deleting)).toBe('Unknown');
    // Without a deletionTimestamp the reason itself shows.
    expect(one({ phase: 'Running', reason: 'NodeLost' })).toBe('NodeLost');
  });

  it('SchedulingGated', () => {
    expect(one({ phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'False', reason: 'SchedulingGated' }] })).toBe('SchedulingGated');
    expect(one({ phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable' }] })).toBe('Pending');
  });

  it('Evicted (status.reason of a failed pod)', () => {
    expect(one({ phase: 'Failed', reason: 'Evicted', message: 'The node was low on resource: memory.' })).toBe('Evicted');
  });
});

describe('sidecars: init containers with restartPolicy Always (upstream TestPrintPodWithRestartableInitContainer)', () => {
  const spec = { initContainers: [{ name: 'sidecar-1', restartPolicy: 'Always' }, { name: 'sidecar-2', restartPolicy: 'Always' }], containers: containers(1) };

  it('a sidecar running but not started: Init:0/2, counted in READY total', () => {
    const p = pod(spec, {
      phase: 'Pending',
      conditions: [{ type: 'Initialized', status: 'False' }],
      initContainerStatuses: [
        { name: 'sidecar-1', ready: false, restartCount: 3, started: false, state: running, lastState: lastTerminated(10 * S) },
        { name: 'sidecar-2', ready: false, started: false, state: waiting() },
      ],
      containerStatuses: [{ ready: false, restartCount: 0, state: waiting() }],
    });
    expect(row(p)).toEqual(['p', '0/3', 'Init:0/2', '3 (10s ago)', '<unknown>']);
  });

  it('the first sidecar started: Init:1/2', () => {
    const p = pod(spec, {
      phase: 'Pending',
      conditions: [{ type: 'Initialized', status: 'False' }],
      initContainerStatuses: [
        { name: 'sidecar-1', ready: false, restartCount: 3, started: true, state: running, lastState: lastTerminated(10 * S) },
        { name: 'sidecar-2', ready: false, started: false, state: running },
      ],
      containerStatuses: [{ ready: false, restartCount: 0, state: waiting() }],
    });
    expect(row(p)).toEqual(['p', '0/3', 'Init:1/2', '3 (10s ago)', '<unknown>']);
  });

  it('both sidecars started and the app running: sidecar restarts count too', () => {
    const p = pod(spec, {
      phase: 'Running',
      conditions: [{ type: 'Initialized', status: 'True' }],
      initContainerStatuses: [
        { name: 'sidecar-1', ready: false, restartCount: 3, started: true, state: running, lastState: lastTerminated(10 * S) },
        { name: 'sidecar-2', ready: false, started: true, state: running },
      ],
      containerStatuses: [{ ready: true, restartCount: 4, state: running, lastState: lastTerminated(20 * S) }],
    });
    expect(row(p)).toEqual(['p', '1/3', 'Running', '7 (10s ago)', '<unknown>']);
  });

  it('ready sidecars count as ready containers', () => {
    const p = pod(spec, {
      phase: 'Running',
      conditions: [{ type: 'Initialized', status: 'True' }, { type: 'Ready', status: 'True' }],
      initContainerStatuses: [
        { name: 'sidecar-1', ready: true, started: true, state: running },
        { name: 'sidecar-2', ready: true, started: true, state: running },
      ],
      containerStatuses: [{ ready: true, state: running }],
    });
    expect(row(p)).toEqual(['p', '3/3', 'Running', '0', '<unknown>']);
  });
});

describe('wide columns (upstream TestPrintPodwide)', () => {
  const gates = [{ conditionType: 'condition1' }, { conditionType: 'condition2' }, { conditionType: 'condition3' }];

  it('IP, node, nominated node and readiness gates', () => {
    const p = pod({ containers: containers(2), nodeName: 'test1', readinessGates: gates }, {
      phase: 'podPhase',
      conditions: [
        { type: 'condition1', status: 'False' },
        { type: 'condition2', status: 'True' },
      ],
      podIPs: [{ ip: '1.1.1.1' }],
      nominatedNodeName: 'node1',
      containerStatuses: [{ ready: true, restartCount: 3, state: running }, { restartCount: 3 }],
    });
    expect(podCells(p, NOW)).toEqual(['p', '1/2', 'podPhase', '6', '<unknown>', '1.1.1.1', 'test1', 'node1', '1/3']);
  });

  it('the first of several pod IPs; podIP alone also shows', () => {
    const base = { phase: 'Running', podIPs: [{ ip: '1.1.1.1' }, { ip: '2001:db8::' }] };
    expect(podCells(pod({ containers: containers(1) }, base), NOW)[5]).toBe('1.1.1.1');
    expect(podCells(pod({ containers: containers(1) }, { phase: 'Running', podIP: '10.244.1.7' }), NOW)[5]).toBe('10.244.1.7');
  });

  it('<none> for what is not set', () => {
    const p = pod({ containers: containers(2) }, {
      phase: 'podPhase',
      containerStatuses: [{ ready: true, restartCount: 3, state: running }, { restartCount: 3, state: waiting('ContainerWaitingReason') }],
    });
    expect(podCells(p, NOW)).toEqual(['p', '1/2', 'ContainerWaitingReason', '6', '<unknown>', '<none>', '<none>', '<none>', '<none>']);
  });

  it('readiness gates: all true, none true', () => {
    const cells = (conds: Obj[]) => podCells(pod({ containers: containers(1), readinessGates: gates.slice(0, 2) }, { phase: 'Running', conditions: conds }), NOW)[8];
    expect(cells([])).toBe('0/2');
    expect(cells([{ type: 'condition1', status: 'True' }, { type: 'condition2', status: 'True' }])).toBe('2/2');
  });

  it('AGE from the creation timestamp', () => {
    expect(podCells(pod({ containers: containers(1) }, { phase: 'Running' }, { creationTimestamp: ago(303 * S) }), NOW)[4]).toBe('5m3s');
  });
});
