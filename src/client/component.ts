// What the cluster runs besides the API server: controllers, the scheduler, simulated kubelets. Each is started
// after the store is bootstrapped and stopped before it closes.
import type { Clock } from '../clock.js';
import type { Client } from './client.js';
import type { InformerFactory } from './informers.js';

export interface ComponentContext {
  client: Client;
  informers: InformerFactory;
  clock: Clock;
  log: (line: string) => void;
  /** The Kubernetes version the cluster reports (simulated kubelets report it as their kubeletVersion). */
  kubernetesVersion?: string;
}

export interface Component {
  readonly name: string;
  start(ctx: ComponentContext): void | Promise<void>;
  stop(): void | Promise<void>;
}

/** The common shape of a controller: informer events enqueue keys, `sync(key)` reconciles one key. */
export type ComponentFactory = () => Component;
