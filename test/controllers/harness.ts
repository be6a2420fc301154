// A controller test bed: a real in-memory store behind the in-process client, shared informers, the components
// under test and nothing else (no scheduler, no kubelets), on a clock the test can fast-forward.
import type { Clock, TimerHandle } from '../../src/clock.js';
import { rfc3339 } from '../../src/clock.js';
import { bootstrap } from '../../src/bootstrap.js';
import { Client } from '../../src/client/client.js';
import type { Component, ComponentFactory } from '../../src/client/component.js';
import { InformerFactory } from '../../src/client/informers.js';
import { BUILTIN_RESOURCES, Catalog } from '../../src/registry/catalog.js';
import { GenericStore } from '../../src/registry/store.js';
import type { Obj } from '../../src/registry/types.js';
import { MemoryStorage } from '../../src/storage/memory.js';

interface Timer {
  at: number;
  fire(): void;
}

/**
 * Real time plus a jump offset: timers fire when real time reaches them (so short retries just work) or at once
 * when advance() jumps past them.
 */
export class TestClock implements Clock {
  private offset = 0;
  private readonly timers = new Set<Timer>();

  now(): number {
    return Date.now() + this.offset;
  }

  after(ms: number, fn: () => void): TimerHandle {
    let done = false;
    const timer: Timer = {
      at: this.now() + ms,
      fire: () => {
        if (done) return;
        done = true;
        clearTimeout(real);
        this.timers.delete(timer);
        fn();
      },
    };
    const real = setTimeout(timer.fire, Math.max(ms, 0));
    this.timers.add(timer);
    return {
      cancel: () => {
        done = true;
        clearTimeout(real);
        this.timers.delete(timer);
      },
    };
  }

  every(ms: number, fn: () => void): TimerHandle {
    let handle: TimerHandle;
    const arm = () => {
      handle = this.after(ms, () => {
        arm();
        fn();
      });
    };
    arm();
    return { cancel: () => handle.cancel() };
  }

  /** Jumps forward, firing every timer that is now due (earliest first). */
  advance(ms: number): void {
    this.offset += ms;
    const due = [...this.timers].filter((t) => t.at <= this.now()).sort((a, b) => a.at - b.at);
    for (const t of due) t.fire();
  }

  cancelAll(): void {
    for (const t of [...this.timers]) this.timers.delete(t);
  }
}

export interface Harness {
  client: Client;
  clock: TestClock;
  components: Component[];
  stop(): Promise<void>;
}

export async function startHarness(factories: ComponentFactory[]): Promise<Harness> {
  const clock = new TestClock();
  const storage = new MemoryStorage({});
  await storage.open();
  const catalog = new Catalog(BUILTIN_RESOURCES);
  const store = new GenericStore(storage, clock);
  await bootstrap(store, catalog);
  const client = new Client(store, catalog, 'test');
  const informers = new InformerFactory(client, clock);
  const components = factories.map((f) => f());
  const log = process.env.KUBESIM_TEST_LOG ? (line: string) => console.log(line) : () => undefined;
  for (const c of components) await c.start({ client: client.as(c.name), informers, clock, log });
  informers.start();
  return {
    client,
    clock,
    components,
    stop: async () => {
      for (const c of [...components].reverse()) await c.stop();
      informers.stop();
      clock.cancelAll();
      await storage.close();
    },
  };
}

/** What a kubelet would report for a started pod: Running, Ready=True since now. */
export async function markReady(h: Harness, pod: Obj): Promise<void> {
  const fresh = h.client.pods.get(pod.metadata.namespace, pod.metadata.name);
  if (!fresh || fresh.metadata.deletionTimestamp) return;
  const now = rfc3339(h.clock.now());
  fresh.status = { ...fresh.status, phase: 'Running', conditions: [{ type: 'Ready', status: 'True', lastProbeTime: null, lastTransitionTime: now }] };
  await h.client.pods.updateStatus(fresh);
}

export function isReady(pod: Obj): boolean {
  return (pod.status?.conditions ?? []).some((c: Obj) => c.type === 'Ready' && c.status === 'True');
}

/** Marks every live, not yet ready pod of the namespace ready (optionally only those `filter` accepts). */
export async function readyAll(h: Harness, namespace = 'default', filter: (p: Obj) => boolean = () => true): Promise<number> {
  const pods = h.client.pods.list(namespace).items.filter((p) => !p.metadata.deletionTimestamp && !isReady(p) && filter(p));
  for (const p of pods) await markReady(h, p);
  return pods.length;
}

export function events(h: Harness, reason?: string): Obj[] {
  return h.client.events.list().items.filter((e) => !reason || e.reason === reason);
}
