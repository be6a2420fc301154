// Zones and the rate-limited NoExecute tainting queue of the node lifecycle controller (upstream nodelifecycle
// ComputeZoneState / setLimiterInZone and nodelifecycle/scheduler RateLimitedTimedQueue with client-go's token
// bucket): unhealthy nodes are tainted one zone queue at a time, at most --node-eviction-rate per second (0.1), and
// not at all while every node of every zone is down (the control plane, not the nodes, is the likely culprit).
type Obj = Record<string, any>;

export type ZoneState = 'Initial' | 'Normal' | 'FullDisruption' | 'PartialDisruption';

/** --node-eviction-rate, --secondary-node-eviction-rate, --large-cluster-size-threshold, --unhealthy-zone-threshold. */
export const EVICTION_LIMITER_QPS = 0.1;
export const SECONDARY_EVICTION_LIMITER_QPS = 0.01;
export const LARGE_CLUSTER_THRESHOLD = 50;
export const UNHEALTHY_ZONE_THRESHOLD = 0.55;
/** node.kubernetes.io/exclude-disruption: nodes left out of zone health. */
export const EXCLUDE_DISRUPTION_LABEL = 'node.kubernetes.io/exclude-disruption';

/** nodetopology.GetZoneKey: region and zone labels (topology.kubernetes.io, else the beta failure-domain ones). */
export function zoneKey(node: Obj): string {
  const labels: Record<string, string> = node.metadata?.labels ?? {};
  const region = labels['topology.kubernetes.io/region'] ?? labels['failure-domain.beta.kubernetes.io/region'] ?? '';
  const zone = labels['topology.kubernetes.io/zone'] ?? labels['failure-domain.beta.kubernetes.io/zone'] ?? '';
  if (region === '' && zone === '') return '';
  return `${region}:\x00:${zone}`;
}

/** ComputeZoneState over the Ready conditions of a zone's nodes: how many are not ready, and the zone's state. */
export function computeZoneState(readyStatuses: (string | undefined)[]): { unhealthy: number; state: ZoneState } {
  let ready = 0;
  let notReady = 0;
  for (const s of readyStatuses) {
    if (s === 'True') ready++;
    else notReady++;
  }
  if (ready === 0 && notReady > 0) return { unhealthy: notReady, state: 'FullDisruption' };
  if (notReady > 2 && notReady / (notReady + ready) >= UNHEALTHY_ZONE_THRESHOLD) return { unhealthy: notReady, state: 'PartialDisruption' };
  return { unhealthy: notReady, state: 'Normal' };
}

/** The eviction rate of a zone in a state (HealthyQPSFunc / ReducedQPSFunc). */
export function zoneQPS(state: ZoneState, zoneSize: number): number {
  if (state === 'PartialDisruption') return zoneSize > LARGE_CLUSTER_THRESHOLD ? SECONDARY_EVICTION_LIMITER_QPS : 0;
  return EVICTION_LIMITER_QPS;
}

/** client-go's token bucket (burst 1): one token, refilled at `qps`; qps 0 never accepts. */
export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    readonly qps: number,
    now: number,
    private readonly burst = 1,
  ) {
    this.tokens = qps > 0 ? burst : 0;
    this.last = now;
  }

  private refill(now: number): void {
    if (this.qps <= 0) return;
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.qps);
    this.last = now;
  }

  tryAccept(now: number): boolean {
    this.refill(now);
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return true;
    }
    return false;
  }

  /** When the next token is there (undefined: never). */
  nextTokenAt(now: number): number | undefined {
    if (this.qps <= 0) return undefined;
    this.refill(now);
    return this.tokens >= 1 ? now : now + Math.ceil(((1 - this.tokens) / this.qps) * 1000);
  }
}

interface TimedValue {
  value: string;
  uid: string;
  processAt: number;
}

/**
 * RateLimitedTimedQueue over a UniqueQueue: node names processed in order, each attempt costing a token. A name
 * stays in the set after it was processed, so it is not queued again until it is explicitly removed.
 */
export class RateLimitedQueue {
  private readonly items: TimedValue[] = [];
  private readonly set = new Set<string>();
  private limiter: TokenBucket;

  constructor(qps: number, now: number) {
    this.limiter = new TokenBucket(qps, now);
  }

  get size(): number {
    return this.items.length;
  }

  /** Adds the node unless it was added before and not removed since; true when added. */
  add(value: string, uid: string, now: number): boolean {
    if (this.set.has(value)) return false;
    this.set.add(value);
    this.items.push({ value, uid, processAt: now });
    this.items.sort((a, b) => a.processAt - b.processAt);
    return true;
  }

  /** Forgets the node (queued or processed), so it may be added again; true when it was known. */
  remove(value: string): boolean {
    if (!this.set.delete(value)) return false;
    const i = this.items.findIndex((x) => x.value === value);
    if (i >= 0) this.items.splice(i, 1);
    return true;
  }

  /** SwapLimiter: a new rate; a limiter that was out of tokens hands that on (burst 1). */
  swapLimiter(qps: number, now: number): void {
    if (this.limiter.qps === qps) return;
    const next = new TokenBucket(qps, now);
    if (qps > 0 && !this.limiter.tryAccept(now)) next.tryAccept(now);
    this.limiter = next;
  }

  /** Try: processes due items while tokens last; `fn` returns done, or false and a retry delay. */
  async try(now: number, fn: (value: string, uid: string) => Promise<{ done: boolean; retryMs?: number }>): Promise<void> {
    while (this.items.length) {
      if (!this.limiter.tryAccept(now)) return;
      const head = this.items[0]!;
      if (now < head.processAt) return;
      const { done, retryMs = 0 } = await fn(head.value, head.uid);
      const i = this.items.indexOf(head);
      if (i < 0) continue; // removed meanwhile
      if (done) this.items.splice(i, 1);
      else {
        head.processAt = now + retryMs + 1;
        this.items.sort((a, b) => a.processAt - b.processAt);
      }
    }
  }

  /** When it is worth trying again (undefined: nothing queued, or never). */
  nextTryAt(now: number): number | undefined {
    if (!this.items.length) return undefined;
    const token = this.limiter.nextTokenAt(now);
    if (token === undefined) return undefined;
    return Math.max(token, this.items[0]!.processAt);
  }
}
