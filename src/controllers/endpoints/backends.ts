// Which pods back a Service and on which ports (shared by the Endpoints and EndpointSlice controllers; upstream
// pkg/controller/endpoint and endpointslice util: podToEndpointAddress, findPort, ShouldPodBeInEndpoints).
import { selectorFromSet } from '../../machinery/labels.js';
import type { Obj } from '../../registry/types.js';

export interface Backend {
  pod: Obj;
  ip: string;
  ready: boolean;
  terminating: boolean;
}

export interface ResolvedPort {
  name?: string;
  port: number;
  protocol: string;
  appProtocol?: string;
}

export function podIsReady(pod: Obj): boolean {
  return (pod.status?.conditions ?? []).some((c: Obj) => c.type === 'Ready' && c.status === 'True');
}

/** Pods selected by the service that have an IP and have not finished (upstream ShouldPodBeInEndpoints). */
export function backendsFor(svc: Obj, pods: Obj[]): Backend[] {
  const sel = svc.spec?.selector;
  if (!sel || !Object.keys(sel).length) return [];
  const selector = selectorFromSet(sel);
  const ns = svc.metadata?.namespace;
  const out: Backend[] = [];
  for (const pod of pods) {
    if (pod.metadata?.namespace !== ns || !selector.matches(pod.metadata?.labels ?? {})) continue;
    if (!pod.status?.podIP) continue;
    if (pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed') continue;
    const terminating = !!pod.metadata?.deletionTimestamp;
    out.push({ pod, ip: pod.status.podIP, ready: podIsReady(pod) && !terminating, terminating });
  }
  out.sort((a, b) => (a.pod.metadata.name < b.pod.metadata.name ? -1 : 1));
  return out;
}

/** The target port of a service port on a pod: a number, or a named container port (upstream findPort). */
export function resolvePort(svcPort: Obj, pod: Obj): ResolvedPort | undefined {
  const target = svcPort.targetPort ?? svcPort.port;
  const protocol = svcPort.protocol ?? 'TCP';
  let port: number | undefined;
  if (typeof target === 'number') port = target;
  else if (/^\d+$/.test(String(target))) port = Number(target);
  else {
    for (const c of pod.spec?.containers ?? []) {
      const found = (c.ports ?? []).find((p: Obj) => p.name === target && (p.protocol ?? 'TCP') === protocol);
      if (found) port = found.containerPort;
    }
  }
  if (port === undefined) return undefined;
  const out: ResolvedPort = { port, protocol };
  if (svcPort.name) out.name = svcPort.name;
  if (svcPort.appProtocol) out.appProtocol = svcPort.appProtocol;
  return out;
}

export function targetRef(pod: Obj): Obj {
  return { kind: 'Pod', namespace: pod.metadata.namespace, name: pod.metadata.name, uid: pod.metadata.uid };
}
