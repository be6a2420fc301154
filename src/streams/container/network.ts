// The cluster network as seen from inside a pod (and by the API server proxy): cluster DNS names for services and
// pods, ClusterIPs balanced over ready endpoints (round-robin, like kube-proxy spreading connections), pod IPs, and
// localhost; each answered by the simulated HTTP server of the target pod's port.
import type { FetchResult } from '../shell/interp.js';
import type { HttpRequest, HttpResponse } from '../http/message.js';
import { respond } from '../http/responder.js';
import { CLUSTER_DOMAIN, podHostname } from './files.js';
import type { StreamsRuntime } from './runtime.js';

type Obj = Record<string, any>;

export interface Backend {
  pod: Obj;
  port: number;
}

export class Network {
  private readonly rr = new Map<string, number>();

  constructor(private readonly runtime: StreamsRuntime) {}

  /** Ready endpoint addresses of a service port (by the port's name, as upstream matches Endpoints ports). */
  readyBackends(svc: Obj, portName: string): Backend[] {
    const eps = this.runtime.endpoints(svc.metadata.namespace, svc.metadata.name);
    const out: Backend[] = [];
    for (const ss of eps?.subsets ?? []) {
      const port = (ss.ports ?? []).find((p: Obj) => (p.name ?? '') === portName);
      if (!port) continue;
      for (const a of ss.addresses ?? []) {
        const pod = a.targetRef?.kind === 'Pod' ? this.runtime.pod(a.targetRef.namespace ?? svc.metadata.namespace, a.targetRef.name) : this.podByIP(a.ip);
        if (pod) out.push({ pod, port: port.port });
      }
    }
    return out;
  }

  /** The next backend in round-robin order, or undefined when none is ready. */
  pick(svc: Obj, portName: string): Backend | undefined {
    const all = this.readyBackends(svc, portName);
    if (!all.length) return undefined;
    const key = `${svc.metadata.uid}/${portName}`;
    const n = this.rr.get(key) ?? 0;
    this.rr.set(key, n + 1);
    return all[n % all.length];
  }

  podByIP(ip: string): Obj | undefined {
    return this.runtime.pods().find((p) => p.status?.phase === 'Running' && (p.status?.podIPs ?? [{ ip: p.status?.podIP }]).some((i: Obj) => i.ip === ip) && !p.spec?.hostNetwork);
  }

  serviceByIP(ip: string): Obj | undefined {
    return this.runtime.allServices().find((s) => s.spec?.clusterIP === ip || (s.spec?.clusterIPs ?? []).includes(ip));
  }

  /** Cluster DNS from a pod: service names through the search path, pod hostnames under a subdomain, localhost. */
  resolve(from: Obj, raw: string): { fqdn: string; addresses: string[] } | undefined {
    const name = raw.replace(/\.$/, '').toLowerCase();
    if (name === 'localhost') return { fqdn: 'localhost', addresses: ['127.0.0.1'] };
    if (/^\d+\.\d+\.\d+\.\d+$/.test(name)) return { fqdn: name, addresses: [name] };
    if (name === podHostname(from).toLowerCase()) return { fqdn: name, addresses: [from.status?.podIP].filter(Boolean) };
    const ns = from.metadata?.namespace ?? 'default';
    const candidates = raw.endsWith('.') ? [name] : [name, `${name}.${ns}.svc.${CLUSTER_DOMAIN}`, `${name}.svc.${CLUSTER_DOMAIN}`, `${name}.${CLUSTER_DOMAIN}`];
    for (const c of candidates) {
      const m = new RegExp(`^(?:([^.]+)\\.)?([^.]+)\\.([^.]+)\\.svc\\.${CLUSTER_DOMAIN.replace('.', '\\.')}$`).exec(c);
      if (!m) continue;
      const [, host, svcName, svcNs] = m;
      const svc = this.runtime.service(svcNs, svcName);
      if (!svc) continue;
      if (host) {
        // hostname.subdomain.ns.svc: a pod of a headless service.
        const pod = this.runtime.pods(svcNs).find((p) => p.spec?.subdomain === svcName && podHostname(p) === host);
        if (pod?.status?.podIP) return { fqdn: c, addresses: [pod.status.podIP] };
        continue;
      }
      const ip = svc.spec?.clusterIP;
      if (ip && ip !== 'None') return { fqdn: c, addresses: [ip] };
      const ips = [...new Set(this.readyBackendsAnyPort(svc).map((b) => b.status?.podIP).filter(Boolean))] as string[];
      return { fqdn: c, addresses: ips };
    }
    return undefined;
  }

  private readyBackendsAnyPort(svc: Obj): Obj[] {
    const eps = this.runtime.endpoints(svc.metadata.namespace, svc.metadata.name);
    return (eps?.subsets ?? []).flatMap((ss: Obj) => (ss.addresses ?? []).map((a: Obj) => this.podByIP(a.ip)).filter(Boolean));
  }

  /** The pod and port that a connection to ip:port from `from` reaches, or undefined (refused). */
  route(from: Obj | undefined, ip: string, port: number): Backend | undefined {
    if (ip === '127.0.0.1' || ip === '::1' || ip === 'localhost') return from ? { pod: from, port } : undefined;
    const svc = this.serviceByIP(ip);
    if (svc) {
      const sp = (svc.spec?.ports ?? []).find((p: Obj) => p.port === port && (p.protocol ?? 'TCP') === 'TCP');
      return sp ? this.pick(svc, sp.name ?? '') : undefined;
    }
    const pod = this.podByIP(ip);
    return pod ? { pod, port } : undefined;
  }

  /** Serves one request to a backend: undefined when nothing listens on that port. */
  serve(b: Backend, req: HttpRequest): HttpResponse | undefined {
    return respond(this.runtime, b.pod, b.port, req);
  }

  /** curl/wget from inside a pod. */
  async fetch(from: Obj, url: string, opts: { method: string; headers: Record<string, string>; body?: Buffer }): Promise<FetchResult> {
    const u = new URL(url);
    const port = Number(u.port || (u.protocol === 'https:' ? 443 : 80));
    const host = u.hostname.replace(/^\[|\]$/g, '');
    const resolved = this.resolve(from, host);
    if (!resolved?.addresses.length) return { ok: false, error: 'resolve', host, port };
    const backend = this.route(from, resolved.addresses[0], port);
    const req: HttpRequest = {
      method: opts.method,
      target: `${u.pathname}${u.search}`,
      version: 'HTTP/1.1',
      headers: { host: u.host, 'user-agent': 'curl/7.88.1', accept: '*/*', ...opts.headers },
      body: opts.body ?? Buffer.alloc(0),
      remoteAddress: from.status?.podIP ?? '127.0.0.1',
    };
    const res = backend && this.serve(backend, req);
    if (!res) return { ok: false, error: 'refused', host, port };
    return { ok: true, status: res.status, reason: res.reason, headers: res.headers, body: opts.method === 'HEAD' ? Buffer.alloc(0) : res.body };
  }
}
