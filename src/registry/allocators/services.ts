// ClusterIP and NodePort allocation for Services (upstream pkg/registry/core/service/ipallocator and portallocator,
// driven from the service REST storage): ClusterIPs come from the service CIDR (10.96.0.0/12; 10.96.0.1 is the
// `kubernetes` service), NodePorts from 30000-32767; no double allocation; released when the service goes.
import { errors } from '../../machinery/errors.js';
import { formatInvalidMessage, invalid, type FieldError } from '../../machinery/validation.js';
import type { Storage } from '../../storage/interface.js';
import { resourcePrefix } from '../keys.js';
import { services } from '../resources/core/services.js';
import type { StoreHooks } from '../store.js';
import type { Obj } from '../types.js';

const CIDR_BASE = ipToInt('10.96.0.0');
const CIDR_SIZE = 1 << 20; // a /12
const PORT_MIN = 30000;
const PORT_MAX = 32767;

function ipToInt(ip: string): number {
  const p = ip.split('.').map(Number);
  if (p.length !== 4 || p.some((x) => !Number.isInteger(x) || x < 0 || x > 255)) return NaN;
  return ((p[0] << 24) >>> 0) + (p[1] << 16) + (p[2] << 8) + p[3];
}

function intToIp(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

export class ServiceAllocator implements StoreHooks {
  private readonly ips = new Map<string, string>(); // ip -> owner uid
  private readonly ports = new Map<number, string>(); // nodePort -> owner uid
  private loaded = false;

  constructor(private readonly storage: Storage) {}

  /** Forgets the in-use sets, to be rebuilt from storage on next use (after a snapshot restore replaced them). */
  reload(): void {
    this.loaded = false;
    this.ips.clear();
    this.ports.clear();
  }

  /** Rebuilds the in-use sets from stored services (upstream's repair controller does this periodically). */
  private load(): void {
    if (this.loaded) return;
    this.loaded = true;
    for (const item of this.storage.list(resourcePrefix(services)).items) this.record(item.object as Obj);
  }

  private record(svc: Obj): void {
    const uid = svc.metadata?.uid;
    for (const ip of svc.spec?.clusterIPs ?? (svc.spec?.clusterIP ? [svc.spec.clusterIP] : [])) if (ip && ip !== 'None') this.ips.set(ip, uid);
    for (const p of svc.spec?.ports ?? []) if (p?.nodePort) this.ports.set(p.nodePort, uid);
  }

  allocate(svc: Obj, old?: Obj, dryRun = false): void {
    this.load();
    const uid: string = svc.metadata?.uid;
    const spec = (svc.spec ??= {});
    const errs: FieldError[] = [];
    const type = spec.type ?? 'ClusterIP';
    const claimedIps: string[] = [];
    const claimedPorts: number[] = [];

    if (type !== 'ExternalName') {
      const oldIp = old?.spec?.clusterIP;
      if (old && oldIp && spec.clusterIP !== undefined && spec.clusterIP !== '' && spec.clusterIP !== oldIp) {
        errs.push(invalid('spec.clusterIPs[0]', [spec.clusterIP], 'may not change once set'));
      } else if (old && oldIp) {
        spec.clusterIP = oldIp;
      } else if (spec.clusterIP === 'None') {
        // headless: nothing to allocate
      } else if (spec.clusterIP) {
        const n = ipToInt(spec.clusterIP);
        const owner = this.ips.get(spec.clusterIP);
        if (Number.isNaN(n)) errs.push(invalid('spec.clusterIPs[0]', [spec.clusterIP], 'must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)'));
        else if (n <= CIDR_BASE || n >= CIDR_BASE + CIDR_SIZE - 1) errs.push(invalid('spec.clusterIPs', [spec.clusterIP], `failed to allocate IP ${spec.clusterIP}: the provided IP (${spec.clusterIP}) is not in the valid range. The range of valid IPs is 10.96.0.0/12`));
        else if (owner && owner !== uid) errs.push(invalid('spec.clusterIPs', [spec.clusterIP], `failed to allocate IP ${spec.clusterIP}: provided IP is already allocated`));
        else claimedIps.push(spec.clusterIP);
      } else {
        const ip = this.freeIp();
        if (!ip) throw errors.internal('failed to allocate a serviceIP: range is full');
        spec.clusterIP = ip;
        claimedIps.push(ip);
      }
      if (spec.clusterIP) spec.clusterIPs = [spec.clusterIP];
    }

    const wantsNodePorts = type === 'NodePort' || type === 'LoadBalancer';
    (spec.ports ?? []).forEach((p: Obj, i: number) => {
      if (!p || typeof p !== 'object') return;
      if (!wantsNodePorts) {
        delete p.nodePort;
        return;
      }
      const oldPort = old?.spec?.ports?.find((o: Obj) => o.port === p.port && (o.protocol ?? 'TCP') === (p.protocol ?? 'TCP'))?.nodePort;
      if (!p.nodePort && oldPort) p.nodePort = oldPort;
      if (p.nodePort) {
        const owner = this.ports.get(p.nodePort);
        if (p.nodePort < PORT_MIN || p.nodePort > PORT_MAX) errs.push(invalid(`spec.ports[${i}].nodePort`, p.nodePort, `provided port is not in the valid range. The range of valid ports is ${PORT_MIN}-${PORT_MAX}`));
        else if (owner && owner !== uid) errs.push(invalid(`spec.ports[${i}].nodePort`, p.nodePort, 'provided port is already allocated'));
        else claimedPorts.push(p.nodePort);
      } else {
        const port = this.freePort(claimedPorts);
        if (!port) throw errors.internal('failed to allocate a nodePort: range is full');
        p.nodePort = port;
        claimedPorts.push(port);
      }
    });

    if (errs.length) {
      const name = svc.metadata?.name ?? '';
      throw errors.invalid('', 'Service', name, formatInvalidMessage('Service', name, errs), errs.map((e) => ({ reason: e.type, message: e.body, field: e.field })));
    }
    if (dryRun) return;
    for (const ip of claimedIps) this.ips.set(ip, uid);
    for (const port of claimedPorts) this.ports.set(port, uid);
    // Ports a service stopped using are free again.
    if (old) for (const [port, owner] of this.ports) if (owner === uid && !claimedPorts.includes(port)) this.ports.delete(port);
  }

  release(svc: Obj): void {
    const uid = svc.metadata?.uid;
    for (const [ip, owner] of this.ips) if (owner === uid) this.ips.delete(ip);
    for (const [port, owner] of this.ports) if (owner === uid) this.ports.delete(port);
  }

  /** A random free address, like upstream's allocator (10.96.0.1 is reserved for the `kubernetes` service). */
  private freeIp(): string | undefined {
    const start = 2 + Math.floor(Math.random() * (CIDR_SIZE - 4));
    for (let i = 0; i < CIDR_SIZE - 3; i++) {
      const ip = intToIp(CIDR_BASE + 2 + ((start - 2 + i) % (CIDR_SIZE - 3)));
      if (!this.ips.has(ip)) return ip;
    }
    return undefined;
  }

  private freePort(taken: number[]): number | undefined {
    const size = PORT_MAX - PORT_MIN + 1;
    const start = Math.floor(Math.random() * size);
    for (let i = 0; i < size; i++) {
      const port = PORT_MIN + ((start + i) % size);
      if (!this.ports.has(port) && !taken.includes(port)) return port;
    }
    return undefined;
  }
}
