// Pod statuses as the kubelet writes them at each step of a pod's life (upstream kubelet_pods.go generateAPIPodStatus
// and status/generate.go): conditions in the kubelet's order, container statuses with waiting / running / terminated
// states, host and pod IPs, start times.
import { rfc3339 } from '../clock.js';
import { imageID, newContainerID, normalizeImage } from './images.js';

type Obj = Record<string, any>;

interface CondSpec {
  type: string;
  status: 'True' | 'False';
  reason?: string;
  message?: string;
}

function names(cs: Obj[]): string {
  return `[${cs.map((c) => c.name).join(' ')}]`;
}

/** Conditions in the kubelet's order; a condition keeps its transition time while its status does not change. */
function conditions(pod: Obj, specs: CondSpec[], now: number): Obj[] {
  const old: Obj[] = pod.status?.conditions ?? [];
  const ts = rfc3339(now);
  const out = specs.map((c) => {
    const prev = old.find((o) => o.type === c.type);
    const cond: Obj = { type: c.type, status: c.status, lastProbeTime: null, lastTransitionTime: prev?.status === c.status ? prev.lastTransitionTime : ts };
    if (c.reason) cond.reason = c.reason;
    if (c.message) cond.message = c.message;
    return cond;
  });
  const scheduled = old.find((o) => o.type === 'PodScheduled' && o.status === 'True');
  out.push(scheduled ?? { type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: ts });
  return out;
}

function waiting(c: Obj, reason: string): Obj {
  return { name: c.name, state: { waiting: { reason } }, lastState: {}, ready: false, restartCount: 0, image: c.image, imageID: '', started: false };
}

function notReady(cs: Obj[], reason = 'ContainersNotReady'): CondSpec[] {
  const message = `containers with unready status: ${names(cs)}`;
  return [
    { type: 'Ready', status: 'False', reason, message: reason === 'PodCompleted' ? undefined : message },
    { type: 'ContainersReady', status: 'False', reason, message: reason === 'PodCompleted' ? undefined : message },
  ];
}

/** Accepted by the kubelet: sandbox being created, images being pulled (STATUS ContainerCreating or Init:0/N). */
export function containerCreatingStatus(pod: Obj, hostIP: string, now: number): Obj {
  const spec = pod.spec ?? {};
  const containers: Obj[] = spec.containers ?? [];
  const inits: Obj[] = spec.initContainers ?? [];
  const status: Obj = {
    ...pod.status,
    phase: 'Pending',
    hostIP,
    hostIPs: [{ ip: hostIP }],
    startTime: pod.status?.startTime ?? rfc3339(now),
    conditions: conditions(
      pod,
      [
        { type: 'PodReadyToStartContainers', status: 'False' },
        inits.length
          ? { type: 'Initialized', status: 'False', reason: 'ContainersNotInitialized', message: `containers with incomplete status: ${names(inits)}` }
          : { type: 'Initialized', status: 'True' },
        ...notReady(containers),
      ],
      now,
    ),
    containerStatuses: containers.map((c) => waiting(c, inits.length ? 'PodInitializing' : 'ContainerCreating')),
  };
  if (inits.length) status.initContainerStatuses = inits.map((c, i) => waiting(c, i === 0 ? 'ContainerCreating' : 'PodInitializing'));
  return status;
}

function running(c: Obj, startedAt: string): Obj {
  return {
    containerID: newContainerID(),
    image: normalizeImage(c.image ?? ''),
    imageID: imageID(c.image ?? ''),
    lastState: {},
    name: c.name,
    ready: true,
    restartCount: 0,
    started: true,
    state: { running: { startedAt } },
  };
}

/** All containers started and ready (STATUS Running, READY n/n). Init containers ran to completion first. */
export function runningStatus(pod: Obj, podIP: string, now: number): Obj {
  const spec = pod.spec ?? {};
  const ts = rfc3339(now);
  const status: Obj = {
    ...pod.status,
    phase: 'Running',
    podIP,
    podIPs: [{ ip: podIP }],
    conditions: conditions(
      pod,
      ['PodReadyToStartContainers', 'Initialized', 'Ready', 'ContainersReady'].map((type) => ({ type, status: 'True' as const })),
      now,
    ),
    containerStatuses: (spec.containers ?? []).map((c: Obj) => running(c, ts)),
  };
  if ((spec.initContainers ?? []).length) {
    status.initContainerStatuses = spec.initContainers.map((c: Obj) => {
      const r = running(c, ts);
      return { ...r, ready: true, started: false, state: { terminated: { containerID: r.containerID, exitCode: 0, reason: 'Completed', startedAt: ts, finishedAt: ts } } };
    });
  }
  return status;
}

function terminate(cs: Obj, exitCode: number, finishedAt: string): Obj {
  const startedAt = cs.state?.running?.startedAt ?? finishedAt;
  const terminated: Obj = { exitCode, reason: exitCode === 0 ? 'Completed' : 'Error', startedAt, finishedAt };
  if (cs.containerID) terminated.containerID = cs.containerID;
  return { ...cs, ready: false, started: false, state: { terminated } };
}

/** The containers exited on their own: Succeeded (all exit 0) or Failed. */
export function completedStatus(pod: Obj, exitCode: number, now: number): Obj {
  const ts = rfc3339(now);
  const containers: Obj[] = pod.spec?.containers ?? [];
  const succeeded = exitCode === 0;
  return {
    ...pod.status,
    phase: succeeded ? 'Succeeded' : 'Failed',
    conditions: conditions(
      pod,
      [
        { type: 'PodReadyToStartContainers', status: 'False' },
        { type: 'Initialized', status: 'True', reason: succeeded ? 'PodCompleted' : undefined },
        ...notReady(containers, succeeded ? 'PodCompleted' : 'ContainersNotReady'),
      ],
      now,
    ),
    containerStatuses: (pod.status?.containerStatuses ?? []).map((cs: Obj) => terminate(cs, exitCode, ts)),
  };
}

/** Graceful deletion: the containers were stopped (SIGTERM honoured, exit 0); the pod is about to be removed. */
export function killedStatus(pod: Obj, now: number): Obj {
  const ts = rfc3339(now);
  const containers: Obj[] = pod.spec?.containers ?? [];
  return {
    ...pod.status,
    conditions: conditions(pod, [{ type: 'PodReadyToStartContainers', status: 'False' }, { type: 'Initialized', status: 'True' }, ...notReady(containers)], now),
    containerStatuses: (pod.status?.containerStatuses ?? []).map((cs: Obj) =>
      cs.state?.terminated ? cs : cs.state?.running ? terminate(cs, 0, ts) : { ...cs, ready: false, started: false, state: { terminated: { exitCode: 0, reason: 'Completed', startedAt: ts, finishedAt: ts } } },
    ),
  };
}

/** The kubelet's status manager after a restart: running containers are reported ready again. */
export function readyAgainStatus(pod: Obj, now: number): Obj {
  const specs: CondSpec[] = ['PodReadyToStartContainers', 'Initialized', 'Ready', 'ContainersReady'].map((type) => ({ type, status: 'True' }));
  return {
    ...pod.status,
    conditions: conditions(pod, specs, now),
    containerStatuses: (pod.status?.containerStatuses ?? []).map((cs: Obj) => ({ ...cs, ready: true })),
  };
}
