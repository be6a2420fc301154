// Probes as the kubelet's prober workers run them, on a schedule rather than for real: each probe of a container
// started at S runs at S + initialDelaySeconds + k·periodSeconds, and a result counts once it repeats
// successThreshold (to pass) or failureThreshold (to fail) times in a row. Readiness probes also run at once when
// the initial delay is over (the kubelet triggers them when it reports the pod's status), so k starts at 0 for them
// and at 1 for liveness and startup probes. Whether a probe passes comes from the pod's annotations
// (container-plan.ts): probes pass unless marked failing.
import { BEHAVIOUR_ANNOTATIONS, containerAnnotation } from './container-plan.js';

type Obj = Record<string, any>;

export type ProbeKind = 'readiness' | 'liveness' | 'startup';

export interface ProbeTiming {
  initialDelayMs: number;
  periodMs: number;
  successThreshold: number;
  failureThreshold: number;
  /** The first tick index that probes (0 for readiness, 1 for the others). */
  firstTick: number;
}

const FIELD: Record<ProbeKind, string> = { readiness: 'readinessProbe', liveness: 'livenessProbe', startup: 'startupProbe' };

export function probeOf(container: Obj, kind: ProbeKind): Obj | undefined {
  const p = container[FIELD[kind]];
  return p && typeof p === 'object' ? p : undefined;
}

const positive = (v: unknown, dflt: number) => (typeof v === 'number' && Number.isFinite(v) && v >= 1 ? Math.floor(v) : dflt);

/** The probe's schedule with the API defaults (period 10 s, thresholds 1 and 3). */
export function probeTiming(probe: Obj, kind: ProbeKind): ProbeTiming {
  const delay = typeof probe.initialDelaySeconds === 'number' && probe.initialDelaySeconds > 0 ? probe.initialDelaySeconds : 0;
  return {
    initialDelayMs: delay * 1000,
    periodMs: positive(probe.periodSeconds, 10) * 1000,
    successThreshold: kind === 'readiness' ? positive(probe.successThreshold, 1) : 1,
    failureThreshold: positive(probe.failureThreshold, 3),
    firstTick: kind === 'readiness' ? 0 : 1,
  };
}

/** The first probe run at or after `from` for a container started at `startedAt`. */
export function firstProbeAt(t: ProbeTiming, startedAt: number, from: number): number {
  const origin = startedAt + t.initialDelayMs;
  const k = Math.max(t.firstTick, Math.ceil((from - origin) / t.periodMs));
  return origin + k * t.periodMs;
}

/** When a result that holds from `from` on counts: after `threshold` runs in a row. */
export function resultAt(t: ProbeTiming, startedAt: number, from: number, threshold: number): number {
  return firstProbeAt(t, startedAt, from) + (threshold - 1) * t.periodMs;
}

/** Whether the pod's annotations make this probe fail. */
export function probeFails(pod: Obj, container: string, kind: ProbeKind): boolean {
  if (kind === 'readiness') {
    const v = containerAnnotation(pod, BEHAVIOUR_ANNOTATIONS.ready, container);
    return v !== undefined && ['false', 'no', '0', 'fail'].includes(v.trim().toLowerCase());
  }
  const v = containerAnnotation(pod, kind === 'liveness' ? BEHAVIOUR_ANNOTATIONS.liveness : BEHAVIOUR_ANNOTATIONS.startup, container);
  return v !== undefined && ['fail', 'false', 'failing'].includes(v.trim().toLowerCase());
}

/** The output of a failed probe, as the Unhealthy event reports it ("Liveness probe failed: <output>"). */
export function probeFailure(probe: Obj, kind: ProbeKind, podIP: string | undefined): string {
  const label = `${kind[0]!.toUpperCase()}${kind.slice(1)} probe failed: `;
  if (probe.httpGet) return `${label}HTTP probe failed with statuscode: ${kind === 'readiness' ? 503 : 500}`;
  if (probe.tcpSocket) return `${label}dial tcp ${probe.tcpSocket.host || podIP || '127.0.0.1'}:${probe.tcpSocket.port}: connect: connection refused`;
  if (probe.grpc) return `${label}service unhealthy (responded with "NOT_SERVING")`;
  const cmd: string[] = (probe.exec?.command ?? []).map(String);
  const cat = cmd[0] === 'cat' && cmd[1] ? `cat: can't open '${cmd[1]}': No such file or directory` : '';
  return `${label}${cat}`;
}
