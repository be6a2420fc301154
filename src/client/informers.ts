// Shared informers: one informer (one cache, one watch) per resource for every component in the process, like
// client-go's SharedInformerFactory.
import type { Clock } from '../clock.js';
import type { Client } from './client.js';
import { Informer } from './informer.js';

export class InformerFactory {
  private readonly informers = new Map<string, Informer>();
  private started = false;

  constructor(
    private readonly client: Client,
    private readonly clock: Clock,
  ) {}

  /** The shared informer for `group/version/plural` (all namespaces). Started with the factory, or at once if late. */
  for(group: string, version: string, plural: string): Informer {
    const key = `${group}/${version}/${plural}`;
    let inf = this.informers.get(key);
    if (!inf) {
      inf = new Informer(this.client.resource(group, version, plural), this.clock);
      this.informers.set(key, inf);
      if (this.started) inf.start();
    }
    return inf;
  }

  get pods(): Informer {
    return this.for('', 'v1', 'pods');
  }
  get nodes(): Informer {
    return this.for('', 'v1', 'nodes');
  }

  start(): void {
    this.started = true;
    for (const inf of this.informers.values()) if (!inf.hasSynced()) inf.start();
  }

  stop(): void {
    for (const inf of this.informers.values()) inf.stop();
  }
}
