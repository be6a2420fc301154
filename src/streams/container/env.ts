// A container's environment as the kubelet and container runtime assemble it (upstream kubelet_pods.go
// makeEnvironmentVariables and pkg/kubelet/envvars): the image config env, HOSTNAME, the pod spec's envFrom and env
// with $(VAR) expansion and valueFrom sources, and the service link variables of the services that existed when the
// container started (always the default/kubernetes service; the pod namespace's services when enableServiceLinks).
import { parseQuantity } from '../../machinery/quantity.js';
import type { ImageProfile } from './profile.js';

type Obj = Record<string, any>;

export interface EnvSources {
  configMap(namespace: string, name: string): Obj | undefined;
  secret(namespace: string, name: string): Obj | undefined;
  /** Services of a namespace. */
  services(namespace: string): Obj[];
  node(name: string): Obj | undefined;
}

function envName(s: string): string {
  return s.replace(/-/g, '_').toUpperCase();
}

function serviceIPSet(svc: Obj): boolean {
  const ip = svc.spec?.clusterIP;
  return !!ip && ip !== 'None';
}

/** FromServices: HOST, PORT, named ports, and the Docker-link style variables for each port. */
export function serviceEnv(services: Obj[]): [string, string][] {
  const out: [string, string][] = [];
  for (const svc of services) {
    const ports: Obj[] = svc.spec?.ports ?? [];
    if (!serviceIPSet(svc) || !ports.length) continue;
    const prefix = envName(svc.metadata.name);
    const ip: string = svc.spec.clusterIP;
    out.push([`${prefix}_SERVICE_HOST`, ip], [`${prefix}_SERVICE_PORT`, String(ports[0].port)]);
    for (const p of ports) if (p.name) out.push([`${prefix}_SERVICE_PORT_${envName(p.name)}`, String(p.port)]);
    ports.forEach((p, i) => {
      const proto = String(p.protocol ?? 'TCP');
      const hostPort = ip.includes(':') ? `[${ip}]:${p.port}` : `${ip}:${p.port}`;
      const url = `${proto.toLowerCase()}://${hostPort}`;
      if (i === 0) out.push([`${prefix}_PORT`, url]);
      const pp = `${prefix}_PORT_${p.port}_${proto.toUpperCase()}`;
      out.push([pp, url], [`${pp}_PROTO`, proto.toLowerCase()], [`${pp}_PORT`, String(p.port)], [`${pp}_ADDR`, ip]);
    });
  }
  return out;
}

/** The services whose variables a container gets, by name (the kubelet's getServiceEnvVarMap). */
export function linkedServices(pod: Obj, sources: EnvSources, startedAt: string | undefined): Obj[] {
  const ns = pod.metadata?.namespace ?? 'default';
  const links = pod.spec?.enableServiceLinks ?? true;
  const byName = new Map<string, Obj>();
  // Variables are fixed when the container starts: services created later are not in its environment.
  const existed = (s: Obj): boolean => !startedAt || !s.metadata?.creationTimestamp || s.metadata.creationTimestamp <= startedAt;
  for (const s of sources.services('default')) if (s.metadata?.name === 'kubernetes' && existed(s)) byName.set('kubernetes', s);
  if (links) for (const s of sources.services(ns)) if (existed(s) && (ns !== 'default' || s.metadata?.name !== 'kubernetes')) byName.set(s.metadata.name, s);
  return [...byName.values()].sort((a, b) => (a.metadata.name < b.metadata.name ? -1 : 1));
}

/** `$(VAR)` references expand to earlier variables; `$$(VAR)` is an escaped literal; unknown ones stay as written. */
export function expandRefs(value: string, lookup: (name: string) => string | undefined): string {
  let out = '';
  for (let i = 0; i < value.length; i++) {
    const c = value[i];
    if (c === '$' && value[i + 1] === '$') {
      out += '$';
      i++;
      continue;
    }
    if (c === '$' && value[i + 1] === '(') {
      const end = value.indexOf(')', i + 2);
      if (end > 0) {
        const name = value.slice(i + 2, end);
        const v = lookup(name);
        out += v ?? `$(${name})`;
        i = end;
        continue;
      }
    }
    out += c;
  }
  return out;
}

function decodeSecret(v: unknown): string {
  return Buffer.from(String(v ?? ''), 'base64').toString('utf8');
}

function fieldRefValue(pod: Obj, path: string): string {
  const m = /^metadata\.(labels|annotations)\['(.*)'\]$/.exec(path);
  if (m) return String(pod.metadata?.[m[1]]?.[m[2]] ?? '');
  switch (path) {
    case 'metadata.name':
      return pod.metadata?.name ?? '';
    case 'metadata.namespace':
      return pod.metadata?.namespace ?? '';
    case 'metadata.uid':
      return pod.metadata?.uid ?? '';
    case 'spec.nodeName':
      return pod.spec?.nodeName ?? '';
    case 'spec.serviceAccountName':
      return pod.spec?.serviceAccountName ?? '';
    case 'status.hostIP':
      return pod.status?.hostIP ?? '';
    case 'status.hostIPs':
      return (pod.status?.hostIPs ?? []).map((i: Obj) => i.ip).join(',');
    case 'status.podIP':
      return pod.status?.podIP ?? '';
    case 'status.podIPs':
      return (pod.status?.podIPs ?? []).map((i: Obj) => i.ip).join(',');
    default:
      return '';
  }
}

/** resourceFieldRef: the container's limit or request divided by the divisor, rounded up; limits default to the node's allocatable. */
function resourceValue(pod: Obj, container: Obj, ref: Obj, sources: EnvSources): string {
  const target = ref.containerName ? (pod.spec?.containers ?? []).find((c: Obj) => c.name === ref.containerName) ?? container : container;
  const [kind, resource] = String(ref.resource ?? '').split('.');
  let q: unknown = target.resources?.[kind]?.[resource];
  if (q === undefined && kind === 'limits') q = sources.node(pod.spec?.nodeName ?? '')?.status?.allocatable?.[resource];
  if (q === undefined) q = resource === 'cpu' && kind === 'requests' ? 0 : 0;
  const divisor = ref.divisor !== undefined ? parseQuantity(ref.divisor) : 1;
  const v = parseQuantity(q);
  return String(Math.ceil(v / (divisor || 1)));
}

export interface EnvOptions {
  hostname: string;
  tty: boolean;
}

export function containerEnvironment(pod: Obj, container: Obj, profile: ImageProfile, sources: EnvSources, opts: EnvOptions): [string, string][] {
  const ns = pod.metadata?.namespace ?? 'default';
  const status = (pod.status?.containerStatuses ?? []).find((s: Obj) => s.name === container.name);
  const services = serviceEnv(linkedServices(pod, sources, status?.state?.running?.startedAt));
  const declared = new Map<string, string>();
  const lookup = (name: string): string | undefined => declared.get(name) ?? services.find(([k]) => k === name)?.[1];
  for (const from of container.envFrom ?? []) {
    const prefix = from.prefix ?? '';
    const data: Record<string, string> = {};
    if (from.configMapRef?.name) Object.assign(data, sources.configMap(ns, from.configMapRef.name)?.data ?? {});
    if (from.secretRef?.name) {
      for (const [k, v] of Object.entries(sources.secret(ns, from.secretRef.name)?.data ?? {})) data[k] = decodeSecret(v);
    }
    for (const [k, v] of Object.entries(data)) declared.set(prefix + k, String(v));
  }
  for (const e of container.env ?? []) {
    if (!e?.name) continue;
    let value = '';
    if (e.value) value = expandRefs(String(e.value), lookup);
    else if (e.valueFrom?.fieldRef) value = fieldRefValue(pod, e.valueFrom.fieldRef.fieldPath ?? '');
    else if (e.valueFrom?.resourceFieldRef) value = resourceValue(pod, container, e.valueFrom.resourceFieldRef, sources);
    else if (e.valueFrom?.configMapKeyRef) {
      const r = e.valueFrom.configMapKeyRef;
      const v = sources.configMap(ns, r.name ?? '')?.data?.[r.key];
      if (v === undefined) continue;
      value = String(v);
    } else if (e.valueFrom?.secretKeyRef) {
      const r = e.valueFrom.secretKeyRef;
      const v = sources.secret(ns, r.name ?? '')?.data?.[r.key];
      if (v === undefined) continue;
      value = decodeSecret(v);
    }
    declared.set(e.name, value);
  }
  const out: [string, string][] = [];
  const seen = new Set<string>();
  const add = (k: string, v: string): void => {
    const i = out.findIndex(([n]) => n === k);
    if (i >= 0) out[i] = [k, v];
    else out.push([k, v]);
    seen.add(k);
  };
  const [path, ...imageEnv] = profile.env;
  add(path[0], declared.get('PATH') ?? path[1]);
  add('HOSTNAME', opts.hostname);
  if (opts.tty) add('TERM', 'xterm');
  for (const [k, v] of imageEnv) add(k, v);
  for (const [k, v] of declared) add(k, v);
  for (const [k, v] of services) if (!declared.has(k)) add(k, v);
  if (!seen.has('HOME')) add('HOME', '/root');
  return out;
}
