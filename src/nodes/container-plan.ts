// How a simulated container behaves, from its pod's annotations and its image: whether and when it exits on its own
// (and with which code), and whether its probes pass. Every `kubesim.io/...` annotation below applies to all the
// pod's containers, or to one container when its name is appended after a dot (`kubesim.io/crash-after.sidecar`).
import { parseDuration } from '../clock.js';
import { runsToCompletion } from './images.js';
import { containerProcesses, interactiveArgv } from './interactive.js';
import { simulate } from './logs/shell.js';

type Obj = Record<string, any>;

export const BEHAVIOUR_ANNOTATIONS = {
  /** The container runs this long (seconds), then exits with `exit-code` (default 0). */
  runSeconds: 'kubesim.io/run-seconds',
  /** The container crashes after running this long (a duration: 10s, 1m30s), with `exit-code` (default 1). */
  crashAfter: 'kubesim.io/crash-after',
  /** The exit code of a container that exits (run-seconds, crash-after, or a command that ends). */
  exitCode: 'kubesim.io/exit-code',
  /** "false": the containers never become ready (their readiness probe fails). */
  ready: 'kubesim.io/ready',
  /** "fail": the liveness probe fails, so the kubelet restarts the container. */
  liveness: 'kubesim.io/liveness',
  /** "fail": the startup probe fails, so the kubelet restarts the container. */
  startup: 'kubesim.io/startup',
} as const;

export const LOG_ANNOTATIONS = {
  /** Literal start-up lines (one log line per line), replacing the image's. */
  lines: 'kubesim.io/log-lines',
  /** The period of the periodic line (a duration; "0" turns it off). */
  interval: 'kubesim.io/log-interval',
  /** The periodic line, with {n} {time} {pod} {namespace} {container} {ip} {node} placeholders. */
  line: 'kubesim.io/log-line',
} as const;

/** The value of `key` for one container: `key.<container>` wins over `key`. */
export function containerAnnotation(pod: Obj, key: string, container: string): string | undefined {
  const ann: Obj = pod.metadata?.annotations ?? {};
  const v = ann[`${key}.${container}`] ?? ann[key];
  return typeof v === 'string' ? v : undefined;
}

/** A duration annotation: Go syntax ("10s", "1m30s") or a plain number of seconds; undefined when absent or bad. */
export function durationAnnotation(pod: Obj, key: string, container: string): number | undefined {
  const raw = containerAnnotation(pod, key, container)?.trim();
  if (raw === undefined || raw === '') return undefined;
  try {
    const ms = /^\d+(\.\d+)?$/.test(raw) ? Number(raw) * 1000 : parseDuration(raw);
    return Number.isFinite(ms) && ms >= 0 ? ms : undefined;
  } catch {
    return undefined;
  }
}

export interface ContainerPlan {
  /** Run time in ms before the container exits on its own; undefined: it runs until stopped. */
  runMs?: number;
  exitCode: number;
  /** Set by `kubesim.io/crash-after`: the log ends with a fatal error line. */
  crash: boolean;
  /** A main process that reads stdin (interactive.ts) exited at this time (ms) when its session ended. */
  exitAt?: number;
}

const scriptCache = new Map<string, { durationMs?: number; exitCode?: number }>();

/** What the container's command does on its own (cached: stages ask on every pod change). */
function scriptOutcome(words: string[]): { durationMs?: number; exitCode?: number } {
  const key = words.join('\u0000');
  let hit = scriptCache.get(key);
  if (!hit) {
    const run = simulate(words, 0, { vars: {} });
    hit = { durationMs: run.durationMs, exitCode: run.exitCode };
    if (scriptCache.size >= 500) scriptCache.delete(scriptCache.keys().next().value!);
    scriptCache.set(key, hit);
  }
  return hit;
}

/**
 * When a container exits by itself: `kubesim.io/crash-after` or `kubesim.io/run-seconds`, else a shell reading its
 * stdin (`stdin: true`) when its session ends (with the session's exit code), else a run-to-completion image
 * (busybox, alpine, perl, ...) with a command runs it (`sleep N` takes N seconds, a `while true` loop or
 * `sleep infinity` forever, anything else `defaultMs`); servers and images without a command run until stopped.
 * `containerID` names the instance (default: the one in the pod status).
 */
export function containerPlan(pod: Obj, container: Obj, defaultMs: number, containerID?: string): ContainerPlan {
  const name: string = container.name ?? '';
  const rawExit = containerAnnotation(pod, BEHAVIOUR_ANNOTATIONS.exitCode, name);
  const annotatedExit = rawExit !== undefined && /^\s*-?\d+\s*$/.test(rawExit) ? Number(rawExit) : undefined;
  const crashAfter = durationAnnotation(pod, BEHAVIOUR_ANNOTATIONS.crashAfter, name);
  if (crashAfter !== undefined) return { runMs: crashAfter, exitCode: annotatedExit ?? 1, crash: true };
  const rawRun = containerAnnotation(pod, BEHAVIOUR_ANNOTATIONS.runSeconds, name);
  if (rawRun !== undefined) {
    const s = Number(rawRun);
    if (Number.isFinite(s) && s >= 0) return { runMs: s * 1000, exitCode: annotatedExit ?? 0, crash: false };
  }
  if (interactiveArgv(container)) {
    const id = containerID ?? (pod.status?.containerStatuses ?? []).find((s: Obj) => s.name === name)?.containerID;
    const exit = containerProcesses.exitOf(pod.metadata?.uid ?? '', name, id);
    return exit ? { exitAt: exit.at, exitCode: exit.code, crash: false } : { exitCode: 0, crash: false };
  }
  const words: string[] = [...(container.command ?? []), ...(container.args ?? [])].map(String);
  if (!words.length || !runsToCompletion(container.image ?? '')) return { exitCode: annotatedExit ?? 0, crash: false };
  const out = scriptOutcome(words);
  if (out.durationMs === undefined) return { exitCode: annotatedExit ?? 0, crash: false };
  return { runMs: out.durationMs || defaultMs, exitCode: annotatedExit ?? out.exitCode ?? 0, crash: false };
}
