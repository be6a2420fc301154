// Where recorded events go on their way to the API server, like client-go's event broadcaster: writes leave at the
// rate the component's API client allows (a token bucket read from the cluster clock), and the backlog is bounded
// (upstream maxQueuedEvents = 1000, newer events dropped when it is full). The upstream defaults:
//   kubelet            eventRecordQPS 50, eventBurst 100 (KubeletConfiguration)
//   kube-scheduler     clientConnection qps 50, burst 100
//   controller-manager kube-api-qps 20, kube-api-burst 30
// So a burst of thousands of pods leaves its Scheduled/Pulled/Started trail behind it over the following seconds, as
// on a real cluster, instead of doubling the writes while the pods start.
import type { Clock, TimerHandle } from '../clock.js';

export interface EventRateLimit {
  qps: number;
  burst: number;
}

export const KUBELET_EVENT_LIMIT: EventRateLimit = { qps: 50, burst: 100 };
export const SCHEDULER_EVENT_LIMIT: EventRateLimit = { qps: 50, burst: 100 };
export const CONTROLLER_EVENT_LIMIT: EventRateLimit = { qps: 20, burst: 30 };
/** upstream maxQueuedEvents. */
export const MAX_QUEUED_EVENTS = 1000;

export class EventSink {
  private tokens: number;
  private at: number;
  private readonly queue: (() => Promise<unknown>)[] = [];
  private timer?: TimerHandle;
  private stopped = false;
  /** Events dropped because the backlog was full. */
  dropped = 0;

  constructor(
    private readonly clock: Clock,
    private readonly limit: EventRateLimit = CONTROLLER_EVENT_LIMIT,
    /** False once the component is gone: what is still queued is dropped. */
    private readonly alive: () => boolean = () => true,
    private readonly maxQueued = MAX_QUEUED_EVENTS,
  ) {
    this.tokens = limit.burst;
    this.at = clock.now();
  }

  /** Sends `write` now if the rate allows and nothing waits before it, else queues it; false when dropped. */
  submit(write: () => Promise<unknown>): boolean {
    if (this.stopped || !this.alive()) return false;
    if (!this.queue.length && this.take()) {
      void write().catch(() => undefined);
      return true;
    }
    if (this.queue.length >= this.maxQueued) {
      this.dropped++;
      return false;
    }
    this.queue.push(write);
    this.arm();
    return true;
  }

  /** Writes still waiting for their turn. */
  get backlog(): number {
    return this.queue.length;
  }

  stop(): void {
    this.stopped = true;
    this.timer?.cancel();
    this.queue.length = 0;
  }

  private refill(): void {
    const now = this.clock.now();
    this.tokens = Math.min(this.limit.burst, this.tokens + ((now - this.at) / 1000) * this.limit.qps);
    this.at = now;
  }

  private take(): boolean {
    this.refill();
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  private arm(): void {
    if (this.timer || this.stopped) return;
    this.refill();
    const wait = Math.max(1, Math.ceil(((1 - this.tokens) / this.limit.qps) * 1000));
    this.timer = this.clock.after(wait, () => {
      this.timer = undefined;
      if (!this.alive()) return this.stop();
      while (this.queue.length && this.take()) void this.queue.shift()!().catch(() => undefined);
      if (this.queue.length) this.arm();
    });
  }
}
