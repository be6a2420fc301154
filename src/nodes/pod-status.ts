// Pod statuses as the kubelet writes them at each step of a pod's life (upstream kubelet_pods.go generateAPIPodStatus
// and status/generate.go): conditions in the kubelet's order, container statuses with waiting / running / terminated
// states, host and pod IPs, start times.
import { rfc3339 } from '../clock.js';
import { imageID, newContainerID, normalizeImage } from './images.js';
import { probeFails, probeOf } from './probes.js';

type Obj = Record<string, any>;

interface CondSpec {
  type: string;
  status: 'True' | 'False';
  reason?: string;
  message?: string;
}

/** The conditions the kubelet owns (upstream PodConditionByKubelet); it keeps everything else it finds. */
const KUBELET_CONDITIONS = new Set(['PodReadyToStartContainers', 'Initialized', 'Ready', 'ContainersReady']);

function names(cs: Obj[]): string {
  return `[${cs.map((c) => c.name).join(' ')}]`;
}

/** Conditions in the kubelet's order; a condition keeps its transition time while its status does not change.
 * Conditions the kubelet does not own (PodScheduled, DisruptionTarget, readiness gates) are kept as they are. */
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
  const others = old.filter((o) => !KUBELET_CONDITIONS.has(o?.type));
  if (!others.some((o) => o.type === 'PodScheduled')) out.push({ type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: ts });
  return [...out, ...others];
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

/** Ready and ContainersReady from the containers' ready flags and the pod's readiness gates (upstream
 * GeneratePodReadyCondition / GenerateContainersReadyCondition). */
function readiness(pod: Obj, statuses: Obj[]): CondSpec[] {
  const unready = statuses.filter((cs) => !cs.ready);
  if (unready.length) return notReady(unready);
  const conds: Obj[] = pod.status?.conditions ?? [];
  const gates: string[] = [];
  for (const g of pod.spec?.readinessGates ?? []) {
    const c = conds.find((x) => x.type === g?.conditionType);
    if (!c) gates.push(`corresponding condition of pod readiness gate "${g?.conditionType}" does not exist.`);
    else if (c.status !== 'True') gates.push(`the status of pod readiness gate "${g?.conditionType}" is not "True", but ${c.status}`);
  }
  if (gates.length) {
    return [
      { type: 'Ready', status: 'False', reason: 'ReadinessGatesNotReady', message: gates.join(', ') },
      { type: 'ContainersReady', status: 'True' },
    ];
  }
  return [
    { type: 'Ready', status: 'True' },
    { type: 'ContainersReady', status: 'True' },
  ];
}

/** Whether the pod's Ready condition should be True given its containers and readiness gates. */
export function expectedReady(pod: Obj): boolean {
  return readiness(pod, pod.status?.containerStatuses ?? [])[0]!.status === 'True';
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

/** A container is ready as soon as it runs unless a startup or readiness probe has to pass first, or it is marked
 * not ready (kubesim.io/ready: "false"). */
export function readyAtStart(pod: Obj, c: Obj): boolean {
  return !probeOf(c, 'startup') && !probeOf(c, 'readiness') && !probeFails(pod, c.name, 'readiness');
}

/** A freshly started container (a restart keeps its name, image and restart count, passed in `prev`). */
export function runningContainer(pod: Obj, c: Obj, startedAt: string, prev?: Obj): Obj {
  return {
    containerID: newContainerID(),
    image: normalizeImage(c.image ?? ''),
    imageID: imageID(c.image ?? ''),
    lastState: prev?.lastState ?? {},
    name: c.name,
    ready: readyAtStart(pod, c),
    restartCount: prev?.restartCount ?? 0,
    started: !probeOf(c, 'startup'),
    state: { running: { startedAt } },
  };
}

/** All containers started (STATUS Running); Ready once every container is ready. Init containers ran to completion
 * first. */
export function runningStatus(pod: Obj, podIP: string, now: number): Obj {
  const spec = pod.spec ?? {};
  const ts = rfc3339(now);
  const containerStatuses: Obj[] = (spec.containers ?? []).map((c: Obj) => runningContainer(pod, c, ts));
  const status: Obj = {
    ...pod.status,
    phase: 'Running',
    podIP,
    podIPs: [{ ip: podIP }],
    conditions: conditions(pod, [{ type: 'PodReadyToStartContainers', status: 'True' }, { type: 'Initialized', status: 'True' }, ...readiness(pod, containerStatuses)], now),
    containerStatuses,
  };
  if ((spec.initContainers ?? []).length) {
    status.initContainerStatuses = spec.initContainers.map((c: Obj) => {
      const r = runningContainer(pod, c, ts);
      return { ...r, ready: true, started: false, state: { terminated: { containerID: r.containerID, exitCode: 0, reason: 'Completed', startedAt: ts, finishedAt: ts } } };
    });
  }
  return status;
}

/** A container that stopped with `exitCode` at `finishedAt` (reason Completed for 0, else Error). */
export function terminatedContainer(cs: Obj, exitCode: number, finishedAt: string): Obj {
  const startedAt = cs.state?.running?.startedAt ?? finishedAt;
  const terminated: Obj = { exitCode, reason: exitCode === 0 ? 'Completed' : 'Error', startedAt, finishedAt };
  if (cs.containerID) terminated.containerID = cs.containerID;
  return { ...cs, ready: false, started: false, state: { terminated } };
}

/** A running pod's status for the given container statuses: phase Running, Ready from the containers. */
export function runningPodStatus(pod: Obj, statuses: Obj[], now: number): Obj {
  return {
    ...pod.status,
    phase: 'Running',
    conditions: conditions(pod, [{ type: 'PodReadyToStartContainers', status: 'True' }, { type: 'Initialized', status: 'True' }, ...readiness(pod, statuses)], now),
    containerStatuses: statuses,
  };
}

/** Every container has stopped for good: Succeeded (all exited 0) or Failed. */
export function terminalPodStatus(pod: Obj, statuses: Obj[], now: number): Obj {
  const succeeded = statuses.every((cs) => (cs.state?.terminated?.exitCode ?? 0) === 0);
  return {
    ...pod.status,
    phase: succeeded ? 'Succeeded' : 'Failed',
    conditions: conditions(
      pod,
      [
        { type: 'PodReadyToStartContainers', status: 'False' },
        { type: 'Initialized', status: 'True', reason: succeeded ? 'PodCompleted' : undefined },
        ...notReady(statuses, succeeded ? 'PodCompleted' : 'ContainersNotReady'),
      ],
      now,
    ),
    containerStatuses: statuses,
  };
}

/** The containers exited on their own: Succeeded (all exit 0) or Failed. */
export function completedStatus(pod: Obj, exitCode: number, now: number): Obj {
  const ts = rfc3339(now);
  return terminalPodStatus(pod, (pod.status?.containerStatuses ?? []).map((cs: Obj) => terminatedContainer(cs, exitCode, ts)), now);
}

/** Graceful deletion: the containers were stopped (SIGTERM honoured, exit 0); the pod is about to be removed. */
export function killedStatus(pod: Obj, now: number): Obj {
  const ts = rfc3339(now);
  const containers: Obj[] = pod.spec?.containers ?? [];
  return {
    ...pod.status,
    conditions: conditions(pod, [{ type: 'PodReadyToStartContainers', status: 'False' }, { type: 'Initialized', status: 'True' }, ...notReady(containers)], now),
    containerStatuses: (pod.status?.containerStatuses ?? []).map((cs: Obj) =>
      cs.state?.terminated
        ? cs
        : cs.state?.running
          ? terminatedContainer(cs, 0, ts)
          : { ...cs, ready: false, started: false, state: { terminated: { exitCode: 0, reason: 'Completed', startedAt: ts, finishedAt: ts } } },
    ),
  };
}

/** The kubelet's status manager after a restart: running containers are reported ready again. */
export function readyAgainStatus(pod: Obj, now: number): Obj {
  const statuses: Obj[] = pod.status?.containerStatuses ?? [];
  return runningPodStatus(pod, statuses, now);
}
