// Addresses of simulated nodes and pods. Pod CIDRs are /24s of the flannel default cluster CIDR 10.244.0.0/16, handed
// out lowest-free like the nodeipam controller's range allocator (master 10.244.0.0/24, node01 10.244.1.0/24 ...).
// Pod IPs come from the node's CIDR like the host-local IPAM plugin: .1 is the cni0 gateway, allocation continues
// after the last address handed out and skips addresses in use, so a freed IP is not reused at once.

type Obj = Record<string, any>;

export const CLUSTER_CIDR_PREFIX = '10.244';
/** Node InternalIPs are taken from this /24, starting at .2 (like a kind/killercoda style node network). */
export const NODE_NETWORK_PREFIX = '172.30.0';

export function nodeInternalIP(node: Obj | undefined): string | undefined {
  return (node?.status?.addresses ?? []).find((a: Obj) => a.type === 'InternalIP')?.address;
}

/** The lowest 10.244.N.0/24 no node uses yet. */
export function nextPodCIDR(nodes: Obj[]): string {
  const used = new Set<string>();
  for (const n of nodes) {
    for (const c of [n.spec?.podCIDR, ...(n.spec?.podCIDRs ?? [])]) if (c) used.add(c);
  }
  for (let i = 0; i < 256; i++) {
    const cidr = `${CLUSTER_CIDR_PREFIX}.${i}.0/24`;
    if (!used.has(cidr)) return cidr;
  }
  throw new Error('no pod CIDR left in 10.244.0.0/16');
}

/** The lowest free node address in 172.30.0.2-254. */
export function nextNodeIP(nodes: Obj[], reserved: Iterable<string> = []): string {
  const used = new Set<string>(reserved);
  for (const n of nodes) {
    const ip = nodeInternalIP(n);
    if (ip) used.add(ip);
  }
  for (let i = 2; i < 255; i++) {
    const ip = `${NODE_NETWORK_PREFIX}.${i}`;
    if (!used.has(ip)) return ip;
  }
  throw new Error('no node address left');
}

function ipToInt(ip: string): number {
  return ip.split('.').reduce((acc, o) => acc * 256 + Number(o), 0);
}

function intToIp(n: number): string {
  return [24, 16, 8, 0].map((s) => Math.floor(n / 2 ** s) % 256).join('.');
}

/** host-local style allocation within one pod CIDR. */
export class PodIPAllocator {
  private readonly base: number;
  private readonly size: number;
  private readonly inUse = new Set<string>();
  private last: number;

  constructor(readonly cidr: string) {
    const [addr, bits] = cidr.split('/');
    this.size = 2 ** (32 - Number(bits ?? 24));
    this.base = ipToInt(addr ?? '0.0.0.0');
    this.last = 1; // .1 is the gateway: the first pod gets .2
  }

  contains(ip: string): boolean {
    const n = ipToInt(ip);
    return n >= this.base && n < this.base + this.size;
  }

  /** Marks an address as taken (pods found running when the kubelet starts); it also becomes the last handed out. */
  reserve(ip: string): void {
    if (!this.contains(ip)) return;
    this.inUse.add(ip);
    this.last = Math.max(this.last, ipToInt(ip) - this.base);
  }

  allocate(): string {
    // Usable offsets are 2 .. size-2 (network, gateway and broadcast excluded).
    const usable = this.size - 3;
    for (let i = 1; i <= usable; i++) {
      const offset = ((this.last - 2 + i) % usable) + 2;
      const ip = intToIp(this.base + offset);
      if (!this.inUse.has(ip)) {
        this.inUse.add(ip);
        this.last = offset;
        return ip;
      }
    }
    throw new Error(`no pod IP left in ${this.cidr}`);
  }

  release(ip: string): void {
    this.inUse.delete(ip);
  }
}
