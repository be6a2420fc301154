// A container's state as the kubelet reports it in the pod status.
type Obj = Record<string, any>;

export function containerStatus(pod: Obj, name: string): Obj | undefined {
  return [...(pod.status?.containerStatuses ?? []), ...(pod.status?.initContainerStatuses ?? [])].find((s: Obj) => s.name === name);
}

export function isRunning(pod: Obj, container: string): boolean {
  return pod.status?.phase === 'Running' && !!containerStatus(pod, container)?.state?.running;
}
