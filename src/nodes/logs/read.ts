// The kubelet's side of `GET pods/NAME/log` (upstream GetKubeletContainerLogs and validateContainerLogStatus): which
// instance of the container the request means (the running one, else the last that ran; `previous`: the one before),
// the kubelet's errors when there is none, and following a log as the container keeps printing until it stops.
import type { Clock, TimerHandle } from '../../clock.js';
import { errors } from '../../machinery/errors.js';
import { containerPlan } from '../container-plan.js';
import { KILLED_EXIT_CODE } from '../containers.js';
import { goSeconds } from '../backoff.js';
import { InstanceLog, renderLines, type Instance, type LogLine } from './container-log.js';
import { logProgram } from './programs.js';

type Obj = Record<string, any>;

export interface LogSettings {
  /** "1.33": the kube-probe user agent of probe requests in access logs. */
  kubeMinor: string;
  /** Period of periodic lines when neither the image nor the pod's annotations choose one. */
  defaultIntervalMs: number;
  /** Run time of commands without `sleep` (the kubelet timing), for where a simulated crash happens. */
  completeMs?: number;
}

const ms = (s: string | undefined): number => (s ? Date.parse(s) : NaN);

function findStatus(pod: Obj, name: string): { cs: Obj; init: boolean } | undefined {
  const st = pod.status ?? {};
  const cs = (st.containerStatuses ?? []).find((c: Obj) => c?.name === name);
  if (cs) return { cs, init: false };
  const init = (st.initContainerStatuses ?? []).find((c: Obj) => c?.name === name);
  if (init) return { cs: init, init: true };
  const eph = (st.ephemeralContainerStatuses ?? []).find((c: Obj) => c?.name === name);
  return eph ? { cs: eph, init: false } : undefined;
}

function findSpec(pod: Obj, name: string): { spec: Obj; init: boolean } | undefined {
  const spec = pod.spec ?? {};
  const c = (spec.containers ?? []).find((x: Obj) => x?.name === name);
  if (c) return { spec: c, init: false };
  const i = (spec.initContainers ?? []).find((x: Obj) => x?.name === name);
  if (i) return { spec: i, init: true };
  const e = (spec.ephemeralContainers ?? []).find((x: Obj) => x?.name === name);
  return e ? { spec: e, init: false } : undefined;
}

/** upstream validateContainerLogStatus: the instance to read, or the kubelet's 400 error. */
export function selectInstance(pod: Obj, container: string, previous: boolean): { term?: Obj; running?: Obj; cs: Obj; init: boolean } {
  const podName: string = pod.metadata?.name ?? '';
  const found = findStatus(pod, container);
  if (!found) {
    // Bound but not yet seen by the kubelet: a real kubelet reports ContainerCreating at once when it admits the pod.
    const none = !(pod.status?.containerStatuses ?? []).length && !(pod.status?.initContainerStatuses ?? []).length;
    if (none && (pod.status?.phase ?? 'Pending') === 'Pending') throw errors.badRequest(`container ${JSON.stringify(container)} in pod ${JSON.stringify(podName)} is waiting to start: ContainerCreating`);
    throw errors.badRequest(`container ${JSON.stringify(container)} in pod ${JSON.stringify(podName)} is not available`);
  }
  const { cs, init } = found;
  const last = cs.lastState?.terminated;
  const { waiting, running, terminated } = cs.state ?? {};
  if (previous) {
    if (!last || !last.containerID) throw errors.badRequest(`previous terminated container ${JSON.stringify(container)} in pod ${JSON.stringify(podName)} not found`);
    return { term: last, cs, init };
  }
  if (running) return { running, cs, init };
  if (terminated) {
    if (terminated.containerID) return { term: terminated, cs, init };
    if (last?.containerID) return { term: last, cs, init };
    throw errors.badRequest(`container ${JSON.stringify(container)} in pod ${JSON.stringify(podName)} is terminated`);
  }
  if (last) {
    if (!last.containerID) throw errors.badRequest(`container ${JSON.stringify(container)} in pod ${JSON.stringify(podName)} is terminated`);
    return { term: last, cs, init };
  }
  if (waiting) {
    const reason: string = waiting.reason ?? '';
    if (reason === 'ErrImagePull') throw errors.badRequest(`container ${JSON.stringify(container)} in pod ${JSON.stringify(podName)} is waiting to start: image can't be pulled`);
    if (reason === 'ImagePullBackOff') throw errors.badRequest(`container ${JSON.stringify(container)} in pod ${JSON.stringify(podName)} is waiting to start: trying and failing to pull image`);
    throw errors.badRequest(`container ${JSON.stringify(container)} in pod ${JSON.stringify(podName)} is waiting to start: ${reason}`);
  }
  throw errors.badRequest(`container ${JSON.stringify(container)} in pod ${JSON.stringify(podName)} is waiting to start - no logs yet`);
}

/** The log of the instance `selectInstance` chose, as the pod is now. */
export function openLog(pod: Obj, container: string, previous: boolean, settings: LogSettings): InstanceLog {
  const sel = selectInstance(pod, container, previous);
  const found = findSpec(pod, container);
  const spec = found?.spec ?? { name: container };
  const id: string = sel.term?.containerID ?? sel.cs.containerID ?? `${pod.metadata?.uid}/${container}`;
  return instanceLog(pod, spec, sel.init || !!found?.init, { id, running: sel.running, term: sel.term }, settings);
}

/** The log of a given instance (`running`, or ended as `term`). */
function instanceLog(pod: Obj, spec: Obj, init: boolean, which: { id: string; running?: Obj; term?: Obj }, settings: LogSettings): InstanceLog {
  const start = ms(which.running?.startedAt ?? which.term?.startedAt);
  const instance: Instance = { id: which.id, start: Number.isNaN(start) ? 0 : start };
  if (which.term) {
    const finished = ms(which.term.finishedAt);
    let end = Number.isNaN(finished) ? instance.start : finished;
    instance.exitCode = which.term.exitCode ?? 0;
    instance.stopped = instance.exitCode === KILLED_EXIT_CODE || (!!pod.metadata?.deletionTimestamp && instance.exitCode === 0);
    const plan = containerPlan(pod, spec, settings.completeMs ?? 200, which.id);
    // A session that ended the container: finishedAt has second precision, the exit itself was seen exactly.
    if (plan.exitAt !== undefined && !instance.stopped && plan.exitAt >= end && plan.exitAt < end + 1000) end = plan.exitAt;
    // finishedAt has second precision; an exit on the container's own schedule happened exactly at start + run time
    // (init containers are reported done at once: their whole run counts).
    if (plan.runMs !== undefined && !instance.stopped) {
      const exact = instance.start + plan.runMs;
      if (init ? exact > end : exact >= end && exact < end + 1000) end = exact;
    }
    instance.end = end;
    if (!init && instance.exitCode !== 0 && !instance.stopped && plan.crash && plan.runMs !== undefined) {
      instance.crashLine = `Error: simulated crash after ${goSeconds(plan.runMs)} (kubesim.io/crash-after), exiting with code ${instance.exitCode}`;
    }
  }
  const program = logProgram({ pod, container: spec, init, start: instance.start, instanceId: which.id, kubeMinor: settings.kubeMinor, defaultIntervalMs: settings.defaultIntervalMs });
  return new InstanceLog(program, instance);
}

export interface ReadOptions {
  timestamps: boolean;
  tailLines?: number;
  /** Only lines at or after this time (ms). */
  since?: number;
}

/** The lines a request reads now: the last `tailLines` of the kept log, then those since `since` (the kubelet's order). */
export function readLines(log: InstanceLog, now: number, o: ReadOptions): LogLine[] {
  let lines = o.tailLines !== undefined ? log.tail(o.tailLines, now) : o.since !== undefined ? log.range(o.since, now) : log.all(now);
  if (o.since !== undefined) lines = lines.filter((l) => l.at >= o.since!);
  return lines;
}

export interface FollowSink {
  /** Writes text; false once the byte limit is reached (the stream ends). */
  write(text: string): boolean;
  end(): void;
}

export interface FollowSource {
  clock: Clock;
  /** The pod as stored now (undefined: gone). */
  getPod(): Obj | undefined;
  /** Calls `fn` whenever the pod changes; returns the unsubscribe. */
  watchPod(fn: () => void): () => void;
}

/**
 * Follows a running instance: writes each line when the clock reaches it, and ends once the instance has stopped
 * (after its last lines) or the pod is gone. `cursor`: the time up to which lines were already written.
 */
export function followLog(log: InstanceLog, container: string, cursor: number, settings: LogSettings, timestamps: boolean, src: FollowSource, sink: FollowSink): { stop(): void } {
  let timer: TimerHandle | undefined;
  let stopped = false;
  let current = log;
  const unwatch = src.watchPod(() => step());
  const stop = () => {
    if (stopped) return;
    stopped = true;
    timer?.cancel();
    unwatch();
  };
  const finish = () => {
    stop();
    sink.end();
  };
  const step = () => {
    if (stopped) return;
    timer?.cancel();
    timer = undefined;
    const pod = src.getPod();
    const id = current.instance.id;
    let end: number | undefined;
    if (!pod) end = cursor;
    else {
      const cs = findStatus(pod, container)?.cs;
      const running = cs?.state?.running && cs.containerID === id;
      if (!running) {
        const term = [cs?.state?.terminated, cs?.lastState?.terminated].find((t) => t?.containerID === id);
        const found = findSpec(pod, container);
        if (term && found) current = instanceLog(pod, found.spec, found.init, { id, term }, settings);
        end = current.instance.end ?? cursor;
      }
    }
    const now = src.clock.now();
    const upto = end === undefined ? now : Math.min(now, end);
    let text = '';
    if (upto > cursor) {
      text = renderLines(current.range(cursor + 1, upto), timestamps);
      cursor = upto;
    } else if (end !== undefined && current.instance.end !== undefined && current.instance.end <= cursor) {
      // Stopped within what was already written (stop times have second precision): its last lines still come.
      text = renderLines(current.ending(), timestamps);
    }
    if (text && !sink.write(text)) return finish();
    if (end !== undefined && cursor >= end) return finish();
    const next = current.nextAfter(cursor);
    if (next !== undefined) timer = src.clock.after(Math.max(0, next - src.clock.now()), step);
  };
  step();
  return { stop };
}
