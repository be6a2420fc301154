// The pod lifecycle of a simulated kubelet as data, in the manner of kwok's Stage resources: each stage has a selector
// on the pod's state, a delay (read from the cluster clock, jittered), and an effect (a new status with events, or
// the final delete). The first stage whose selector matches a pod is the one that runs next; its effect changes the
// pod so that the next stage matches, until the pod is Running, finished, or gone. Once Running, the `containers`
// stage follows each container's own timeline (containers.ts: exits, probes, restarts with back-off).
import { advanceContainers, goDuration, nextContainerTransition, startEvents } from './containers.js';
import { containerCreatingStatus, expectedReady, killedStatus, readyAgainStatus, runningStatus } from './pod-status.js';
import type { RuntimeState } from './runtime-state.js';
import { normalizeImage } from './images.js';

type Obj = Record<string, any>;

/** Simulated durations in ms (all configurable; `jitter` spreads each delay by ±that fraction). */
export interface Timings {
  /** Bound pod → accepted (ContainerCreating). */
  acceptMs: number;
  /** ContainerCreating → Running (image pull and container start). */
  startMs: number;
  /** Deletion noticed → containers stopped (Killing). */
  killMs: number;
  /** Containers stopped → pod removed; capped by the pod's grace period. */
  stopMs: number;
  /** Run time of a run-to-completion command without `sleep N`. */
  completeMs: number;
  /** Container exited → restarted or put in back-off (the kubelet's PLEG relist period). */
  restartMs: number;
  jitter: number;
  /** Lease renewal period (upstream: leaseDuration × 0.25 = 10 s). */
  leaseRenewMs: number;
  leaseDurationSeconds: number;
  /** Node status report period. */
  statusUpdateMs: number;
}

export const DEFAULT_TIMINGS: Timings = {
  acceptMs: 10,
  startMs: 40,
  killMs: 5,
  stopMs: 30,
  completeMs: 200,
  restartMs: 1000,
  jitter: 0.5,
  leaseRenewMs: 10_000,
  leaseDurationSeconds: 40,
  statusUpdateMs: 40_000,
};

export interface PodEvent {
  type: 'Normal' | 'Warning';
  reason: string;
  message: string;
  fieldPath?: string;
}

/** What a stage may use from its kubelet. */
export interface StageEnv {
  nodeName: string;
  hostIP: string;
  now: number;
  timings: Timings;
  /** Images already on the node (IfNotPresent pulls skip them). */
  images: Set<string>;
  /** An IP from the node's pod CIDR (or the host IP for hostNetwork pods). */
  allocateIP(pod: Obj): string;
  /** What the kubelet remembers about its containers (back-off, probe results). */
  runtime: RuntimeState;
}

/** An effect with the events it produced (for stages whose events depend on what the effect did). */
export class StageOutcome {
  constructor(
    readonly status: Obj,
    readonly events: PodEvent[],
  ) {}
}

export interface PodStage {
  name: string;
  selector(pod: Obj): boolean;
  /** ms from now until the stage fires; undefined: never (e.g. a server that runs until deleted). */
  delay(pod: Obj, env: StageEnv): number | undefined;
  /** The new status (alone or with its events), or 'delete' to remove the pod (gracePeriodSeconds 0). */
  effect(pod: Obj, env: StageEnv): Obj | StageOutcome | 'delete';
  events?(pod: Obj, env: StageEnv): PodEvent[];
  /** The delay is a duration the user asked for (a run time): not jittered, and recomputed when the pod changes. */
  exact?: boolean;
}

const deleting = (p: Obj) => !!p.metadata?.deletionTimestamp;
const terminal = (p: Obj) => p.status?.phase === 'Succeeded' || p.status?.phase === 'Failed';
const statuses = (p: Obj): Obj[] => [...(p.status?.initContainerStatuses ?? []), ...(p.status?.containerStatuses ?? [])];
const anyRunning = (p: Obj) => statuses(p).some((c) => c.state?.running);
const accepted = (p: Obj) => !!p.status?.hostIP && (p.status?.containerStatuses ?? []).length > 0;

function allContainers(pod: Obj): { c: Obj; path: string }[] {
  return [
    ...(pod.spec?.initContainers ?? []).map((c: Obj) => ({ c, path: `spec.initContainers{${c.name}}` })),
    ...(pod.spec?.containers ?? []).map((c: Obj) => ({ c, path: `spec.containers{${c.name}}` })),
  ];
}

function needsPull(c: Obj, images: Set<string>): boolean {
  if (c.imagePullPolicy === 'Never') return false;
  return c.imagePullPolicy === 'Always' || !images.has(normalizeImage(c.image ?? ''));
}

export { goDuration };

export const POD_STAGES: PodStage[] = [
  {
    // Deleted and nothing running any more: finish the graceful deletion (the kubelet's final delete with grace 0).
    name: 'pod-delete',
    selector: (p) => deleting(p) && !anyRunning(p),
    delay: (p, env) => Math.min((p.metadata?.deletionGracePeriodSeconds ?? 30) * 1000, env.timings.stopMs),
    effect: () => 'delete',
  },
  {
    // Deleted while running: stop the containers (SIGTERM), like killPodWithSyncResult.
    name: 'pod-kill',
    selector: (p) => deleting(p) && anyRunning(p),
    delay: (_p, env) => env.timings.killMs,
    effect: (p, env) => killedStatus(p, env.now),
    events: (p) =>
      (p.status?.containerStatuses ?? [])
        .filter((cs: Obj) => cs.state?.running)
        .map((cs: Obj) => ({ type: 'Normal', reason: 'Killing', message: `Stopping container ${cs.name}`, fieldPath: `spec.containers{${cs.name}}` })),
  },
  {
    // Bound to this node and not yet accepted: create the sandbox and start pulling images.
    name: 'pod-accept',
    selector: (p) => !deleting(p) && !terminal(p) && !accepted(p),
    delay: (_p, env) => env.timings.acceptMs,
    effect: (p, env) => containerCreatingStatus(p, env.hostIP, env.now),
    events: (p, env) =>
      allContainers(p)
        .filter(({ c }) => needsPull(c, env.images))
        .map(({ c, path }) => ({ type: 'Normal', reason: 'Pulling', message: `Pulling image "${c.image}"`, fieldPath: path })),
  },
  {
    // Images pulled: run init containers to completion, start the containers, assign the pod IP.
    name: 'pod-ready',
    selector: (p) => !deleting(p) && !terminal(p) && accepted(p) && p.status?.phase === 'Pending',
    delay: (_p, env) => env.timings.startMs,
    effect: (p, env) => runningStatus(p, env.allocateIP(p), env.now),
    events: (p, env) => allContainers(p).flatMap(({ c, path }) => startEvents(c, env.images, path, true)),
  },
  {
    // Running containers reported not ready (the node was lost and came back): the restarted kubelet's status
    // manager reports them ready again.
    name: 'pod-ready-again',
    selector: (p) =>
      !deleting(p) &&
      p.status?.phase === 'Running' &&
      (p.status?.containerStatuses ?? []).every((c: Obj) => c.state?.running && c.ready) &&
      (p.status?.conditions ?? []).some((c: Obj) => c.type === 'Ready' && c.status !== 'True') &&
      expectedReady(p),
    delay: (_p, env) => env.timings.acceptMs,
    effect: (p, env) => readyAgainStatus(p, env.now),
  },
  {
    // A running pod's containers: each exits, is probed, restarted (with the crash-loop back-off) or finishes on its
    // own schedule (containers.ts); the pod becomes Succeeded or Failed when they are all done for good.
    name: 'containers',
    exact: true,
    selector: (p) => !deleting(p) && p.status?.phase === 'Running' && accepted(p),
    delay: (p, env) => {
      const due = nextContainerTransition(p, env);
      return due === undefined ? undefined : Math.max(0, due - env.now);
    },
    effect: (p, env) => {
      const out = advanceContainers(p, env);
      return new StageOutcome(out.status, out.events);
    },
  },
];
