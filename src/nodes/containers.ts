// The life of a running pod's containers as a table of transitions, each with when it falls due (from the pod status,
// the pod's annotations and the probe schedules) and what it does to the container status: exiting on its own,
// being killed by a failing liveness or startup probe, becoming started and ready, failing readiness, and being
// restarted by the restart policy with the kubelet's crash-loop back-off (CrashLoopBackOff). The kubelet's
// `containers` stage (stages.ts) sleeps until the earliest transition of any container, applies what is due, and
// derives the pod's phase and conditions from the result, like upstream's syncPod + generateAPIPodStatus.
import { rfc3339 } from '../clock.js';
import { goSeconds } from './backoff.js';
import { containerPlan } from './container-plan.js';
import { imageSize, normalizeImage } from './images.js';
import { runningContainer, runningPodStatus, terminalPodStatus, terminatedContainer } from './pod-status.js';
import { probeFailure, probeFails, probeOf, probeTiming, resultAt, type ProbeKind } from './probes.js';
import type { PodEvent, StageEnv } from './stages.js';

type Obj = Record<string, any>;

/** Exit code of a container the kubelet killed (SIGKILL after the grace period). */
export const KILLED_EXIT_CODE = 137;

interface Ctx {
  pod: Obj;
  spec: Obj;
  cs: Obj;
  env: StageEnv;
  /** The back-off key (pod UID and container name, like upstream getStableKey). */
  key: string;
  /** The container instance (pod UID and container ID) for the kubelet's probe memory. */
  instance: string;
}

interface Transition {
  name: string;
  due(c: Ctx): number | undefined;
  /** The new container status; `at` is when the transition was due. */
  apply(c: Ctx, at: number): { cs: Obj; events?: PodEvent[] };
}

const ms = (s: string | undefined): number => (s ? Date.parse(s) : NaN);
const fieldPath = (c: Ctx) => `spec.containers{${c.spec.name}}`;
/** upstream format.Pod: name_namespace(uid). */
const podRef = (pod: Obj) => `${pod.metadata?.name}_${pod.metadata?.namespace}(${pod.metadata?.uid})`;
const restartPolicy = (pod: Obj): string => pod.spec?.restartPolicy ?? 'Always';
const deleting = (pod: Obj) => !!pod.metadata?.deletionTimestamp;

/** Whether the restart policy restarts a container that exited with `exitCode`. */
export function restarts(pod: Obj, exitCode: number): boolean {
  const p = restartPolicy(pod);
  return p === 'Always' || (p === 'OnFailure' && exitCode !== 0);
}

function startedAt(c: Ctx): number {
  return ms(c.cs.state?.running?.startedAt);
}

/** Since when the probe outcome the annotations ask for holds (kubelet memory; the instance start at first). */
function outcome(c: Ctx, kind: ProbeKind): { fails: boolean; since: number } {
  const fails = probeFails(c.pod, c.spec.name, kind);
  return { fails, since: c.env.runtime.onset(c.instance, kind, fails, startedAt(c), c.env.now) };
}

/** When probes other than the startup probe may start counting: once the container counts as started. */
function startedSince(c: Ctx): number {
  return c.env.runtime.marked(c.instance, 'started') ?? startedAt(c);
}

/** Events of a container (re)start: the image (already present, or pulled: with Always on every restart), created,
 * started. `announced`: the Pulling event was already sent (when the pod was accepted). */
export function startEvents(spec: Obj, images: Set<string>, path: string, announced = false): PodEvent[] {
  const out: PodEvent[] = [];
  const image: string = spec.image ?? '';
  const pull = spec.imagePullPolicy !== 'Never' && (spec.imagePullPolicy === 'Always' || !images.has(normalizeImage(image)));
  if (pull) {
    // The pull time a real node would report for this image (~60 MB/s), not the simulation's short delay.
    const took = goDuration(imageSize(image) / 60_000);
    if (!announced) out.push({ type: 'Normal', reason: 'Pulling', message: `Pulling image "${image}"`, fieldPath: path });
    out.push({ type: 'Normal', reason: 'Pulled', message: `Successfully pulled image "${image}" in ${took} (${took} including waiting). Image size: ${imageSize(image)} bytes.`, fieldPath: path });
    images.add(normalizeImage(image));
  } else {
    out.push({ type: 'Normal', reason: 'Pulled', message: `Container image "${image}" already present on machine`, fieldPath: path });
  }
  out.push({ type: 'Normal', reason: 'Created', message: `Created container ${spec.name}`, fieldPath: path });
  out.push({ type: 'Normal', reason: 'Started', message: `Started container ${spec.name}`, fieldPath: path });
  return out;
}

/** time.Duration.Truncate(time.Millisecond).String() for the Pulled message. */
export function goDuration(msIn: number): string {
  const m = Math.max(0, Math.floor(msIn));
  if (m < 1000) return `${m}ms`;
  const min = Math.floor(m / 60_000);
  const sec = ((m % 60_000) / 1000).toFixed(3).replace(/\.?0+$/, '');
  return min ? `${min}m${sec}s` : `${sec}s`;
}

/** A new instance of the container, after `last` ended: restart count up, a new container ID. */
function restarted(c: Ctx, last: Obj, at: number): { cs: Obj; events: PodEvent[] } {
  const cs = runningContainer(c.pod, c.spec, rfc3339(at), { restartCount: (c.cs.restartCount ?? 0) + 1, lastState: { terminated: last } });
  return { cs: { ...cs, image: c.cs.image ?? cs.image, imageID: c.cs.imageID || cs.imageID }, events: startEvents(c.spec, c.env.images, fieldPath(c)) };
}

/** A kill by a failing liveness or startup probe: Unhealthy for each failed run, then Killing. */
function probeKill(c: Ctx, kind: 'liveness' | 'startup', at: number): { cs: Obj; events: PodEvent[] } {
  const probe = probeOf(c.spec, kind)!;
  const t = probeTiming(probe, kind);
  const failed = probeFailure(probe, kind, c.pod.status?.podIP);
  const events: PodEvent[] = Array.from({ length: t.failureThreshold }, () => ({ type: 'Warning' as const, reason: 'Unhealthy', message: failed, fieldPath: fieldPath(c) }));
  const restart = restartPolicy(c.pod) !== 'Never';
  events.push({ type: 'Normal', reason: 'Killing', message: `Container ${c.spec.name} failed ${kind} probe${restart ? ', will be restarted' : ''}`, fieldPath: fieldPath(c) });
  return { cs: terminatedContainer(c.cs, KILLED_EXIT_CODE, rfc3339(at)), events };
}

/** The transitions, in the order they apply when several fall due at the same time. */
export const CONTAINER_TRANSITIONS: Transition[] = [
  {
    // The command ends (or the simulated crash happens).
    name: 'exit',
    due: (c) => {
      if (!c.cs.state?.running) return undefined;
      const plan = containerPlan(c.pod, c.spec, c.env.timings.completeMs, c.cs.containerID);
      if (plan.exitAt !== undefined) return Math.max(plan.exitAt, startedAt(c));
      return plan.runMs === undefined ? undefined : startedAt(c) + plan.runMs;
    },
    apply: (c, at) => ({ cs: terminatedContainer(c.cs, containerPlan(c.pod, c.spec, c.env.timings.completeMs, c.cs.containerID).exitCode, rfc3339(at)) }),
  },
  {
    name: 'startup-probe-kill',
    due: (c) => {
      const probe = probeOf(c.spec, 'startup');
      if (!c.cs.state?.running || c.cs.started || !probe) return undefined;
      const o = outcome(c, 'startup');
      return o.fails ? resultAt(probeTiming(probe, 'startup'), startedAt(c), o.since, probeTiming(probe, 'startup').failureThreshold) : undefined;
    },
    apply: (c, at) => probeKill(c, 'startup', at),
  },
  {
    name: 'liveness-probe-kill',
    due: (c) => {
      const probe = probeOf(c.spec, 'liveness');
      if (!c.cs.state?.running || !c.cs.started || !probe) return undefined;
      const o = outcome(c, 'liveness');
      if (!o.fails) return undefined;
      const t = probeTiming(probe, 'liveness');
      return resultAt(t, startedAt(c), Math.max(o.since, startedSince(c)), t.failureThreshold);
    },
    apply: (c, at) => probeKill(c, 'liveness', at),
  },
  {
    // The startup probe succeeds: liveness and readiness probes begin.
    name: 'started',
    due: (c) => {
      const probe = probeOf(c.spec, 'startup');
      if (!c.cs.state?.running || c.cs.started || !probe) return undefined;
      const o = outcome(c, 'startup');
      return o.fails ? undefined : resultAt(probeTiming(probe, 'startup'), startedAt(c), o.since, 1);
    },
    apply: (c, at) => {
      c.env.runtime.mark(c.instance, 'started', at);
      return { cs: { ...c.cs, started: true } };
    },
  },
  {
    name: 'ready',
    due: (c) => {
      if (!c.cs.state?.running || !c.cs.started || c.cs.ready) return undefined;
      const o = outcome(c, 'readiness');
      if (o.fails) return undefined;
      const from = Math.max(o.since, startedSince(c));
      const probe = probeOf(c.spec, 'readiness');
      if (!probe) return from;
      const t = probeTiming(probe, 'readiness');
      return resultAt(t, startedAt(c), from, t.successThreshold);
    },
    apply: (c) => {
      c.env.runtime.unmark(c.instance, 'unready-reported');
      return { cs: { ...c.cs, ready: true } };
    },
  },
  {
    // Readiness fails (failureThreshold runs in a row): the pod leaves its Services' ready endpoints.
    name: 'unready',
    due: (c) => {
      if (!c.cs.state?.running || !c.cs.started) return undefined;
      const o = outcome(c, 'readiness');
      if (!o.fails) return undefined;
      const probe = probeOf(c.spec, 'readiness');
      const reported = c.env.runtime.marked(c.instance, 'unready-reported') !== undefined;
      // A container that never became ready only gets the Unhealthy events, once.
      if (!c.cs.ready && (reported || !probe)) return undefined;
      const from = Math.max(o.since, startedSince(c));
      if (!probe) return from;
      const t = probeTiming(probe, 'readiness');
      return resultAt(t, startedAt(c), from, t.failureThreshold);
    },
    apply: (c, at) => {
      c.env.runtime.mark(c.instance, 'unready-reported', at);
      const probe = probeOf(c.spec, 'readiness');
      const events: PodEvent[] = probe
        ? Array.from({ length: probeTiming(probe, 'readiness').failureThreshold }, () => ({
            type: 'Warning' as const,
            reason: 'Unhealthy',
            message: probeFailure(probe, 'readiness', c.pod.status?.podIP),
            fieldPath: fieldPath(c),
          }))
        : [];
      return { cs: { ...c.cs, ready: false }, events };
    },
  },
  {
    // The kubelet notices the exit (its next relist): restart at once, or wait out the back-off.
    name: 'restart',
    due: (c) => {
      const term = c.cs.state?.terminated;
      if (!term || deleting(c.pod) || !restarts(c.pod, term.exitCode ?? 0)) return undefined;
      return ms(term.finishedAt) + c.env.timings.restartMs;
    },
    apply: (c, at) => {
      const term = c.cs.state.terminated;
      const exited = ms(term.finishedAt);
      const backoff = c.env.runtime.backoff;
      if (backoff.inBackOffSince(c.key, exited, at)) {
        return {
          cs: {
            ...c.cs,
            ready: false,
            started: false,
            lastState: { terminated: term },
            state: { waiting: { reason: 'CrashLoopBackOff', message: `back-off ${goSeconds(backoff.get(c.key))} restarting failed container=${c.spec.name} pod=${podRef(c.pod)}` } },
          },
          events: [{ type: 'Warning', reason: 'BackOff', message: `Back-off restarting failed container ${c.spec.name} in pod ${podRef(c.pod)}`, fieldPath: fieldPath(c) }],
        };
      }
      backoff.next(c.key, exited);
      return restarted(c, term, at);
    },
  },
  {
    // The back-off is over: start the container again.
    name: 'back-off-over',
    due: (c) => {
      const last = c.cs.lastState?.terminated;
      if (c.cs.state?.waiting?.reason !== 'CrashLoopBackOff' || !last || deleting(c.pod)) return undefined;
      return ms(last.finishedAt) + c.env.runtime.backoff.get(c.key);
    },
    apply: (c, at) => {
      const last = c.cs.lastState.terminated;
      c.env.runtime.backoff.next(c.key, ms(last.finishedAt));
      return restarted(c, last, at);
    },
  },
];

function contexts(pod: Obj, statuses: Obj[], env: StageEnv): Ctx[] {
  const specs: Obj[] = pod.spec?.containers ?? [];
  const uid: string = pod.metadata?.uid ?? '';
  const out: Ctx[] = [];
  for (const cs of statuses) {
    const spec = specs.find((s) => s.name === cs.name);
    if (spec) out.push({ pod, spec, cs, env, key: `${uid}/${spec.name}`, instance: `${uid}|${cs.containerID ?? ''}` });
  }
  return out;
}

/** The earliest pending transition of any container, or undefined when nothing will happen on its own. */
function earliest(ctxs: Ctx[]): { ctx: Ctx; t: Transition; due: number } | undefined {
  let best: { ctx: Ctx; t: Transition; due: number } | undefined;
  for (const ctx of ctxs) {
    for (const t of CONTAINER_TRANSITIONS) {
      const due = t.due(ctx);
      if (due === undefined || Number.isNaN(due)) continue;
      if (!best || due < best.due) best = { ctx, t, due };
    }
  }
  return best;
}

/** Whether the pod's containers are all done for good (no restart will follow). */
function finished(pod: Obj, statuses: Obj[]): boolean {
  return statuses.length > 0 && statuses.every((cs) => cs.state?.terminated && !restarts(pod, cs.state.terminated.exitCode ?? 0));
}

/** When the next container transition of a running pod falls due (undefined: none). */
export function nextContainerTransition(pod: Obj, env: StageEnv): number | undefined {
  if (deleting(pod) || pod.status?.phase !== 'Running') return undefined;
  return earliest(contexts(pod, pod.status?.containerStatuses ?? [], env))?.due;
}

/** Applies every transition due by now (in time order) and derives the pod's phase and conditions. */
export function advanceContainers(pod: Obj, env: StageEnv): { status: Obj; events: PodEvent[] } {
  let statuses: Obj[] = [...(pod.status?.containerStatuses ?? [])];
  const events: PodEvent[] = [];
  // Bounded: a transition always moves its container on, but never loop forever on a bad schedule.
  for (let i = 0; i < 32; i++) {
    const next = earliest(contexts(pod, statuses, env));
    if (!next || next.due > env.now) break;
    const out = next.t.apply(next.ctx, Math.max(0, next.due));
    statuses = statuses.map((cs) => (cs === next.ctx.cs ? out.cs : cs));
    events.push(...(out.events ?? []));
  }
  const status = finished(pod, statuses) ? terminalPodStatus(pod, statuses, env.now) : runningPodStatus(pod, statuses, env.now);
  return { status, events };
}
