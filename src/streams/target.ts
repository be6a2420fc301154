// Which pod and container a streaming request names, with the API server's and kubelet's errors: the pod must
// exist (404), a named container must be one of the pod's (400 "container c is not valid for pod p"), an unnamed
// one is the only container (or 400 "a container name must be specified ..."), the pod must be bound to a node
// (400 "pod p does not have a host assigned"), and the kubelet only reaches a running container.
import { errors } from '../machinery/errors.js';
import type { StreamsRuntime } from './container/runtime.js';
import { isRunning } from './container/status.js';

type Obj = Record<string, any>;

export function findPod(runtime: StreamsRuntime, namespace: string, name: string): Obj {
  const pod = runtime.pod(namespace, name);
  if (!pod) throw errors.notFound({ group: '', resource: 'pods' }, name);
  return pod;
}

function allContainers(pod: Obj): Obj[] {
  return [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? []), ...(pod.spec?.ephemeralContainers ?? [])];
}

/** upstream validateContainer, then the node check of streamLocation. */
export function resolveContainer(pod: Obj, requested: string | undefined): Obj {
  const name = pod.metadata?.name;
  const containers: Obj[] = pod.spec?.containers ?? [];
  let c: Obj | undefined;
  if (!requested) {
    if (containers.length === 1) c = containers[0];
    else if (!containers.length) throw errors.badRequest(`a container name must be specified for pod ${name}`);
    else throw errors.badRequest(`a container name must be specified for pod ${name}, choose one of: [${allContainers(pod).map((x) => x.name).join(' ')}]`);
  } else {
    c = allContainers(pod).find((x) => x.name === requested);
    if (!c) throw errors.badRequest(`container ${requested} is not valid for pod ${name}`);
  }
  requireNode(pod);
  return c;
}

export function requireNode(pod: Obj): void {
  if (!pod.spec?.nodeName) throw errors.badRequest(`pod ${pod.metadata?.name} does not have a host assigned`);
}

/** The kubelet finds no running container to exec into or attach to. */
export function requireRunning(pod: Obj, container: Obj): void {
  if (isRunning(pod, container.name)) return;
  const phase = pod.status?.phase;
  if (phase === 'Succeeded' || phase === 'Failed') {
    throw errors.badRequest(`cannot exec into a container in a completed pod; current phase is ${phase}`);
  }
  throw errors.badRequest(`container not found ("${container.name}")`);
}

/** Port-forward reaches the pod's network namespace: the pod sandbox must be running. */
export function requirePodRunning(pod: Obj): void {
  requireNode(pod);
  if (pod.status?.phase !== 'Running') {
    throw errors.badRequest(`unable to do port forwarding: pod ${pod.metadata?.name} is not running (phase ${pod.status?.phase ?? 'Pending'})`);
  }
}
