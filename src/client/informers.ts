// Shared informers: one informer (one cache, one watch) per resource for every component in the process, like
// client-go's SharedInformerFactory.
import type { Clock } from '../clock.js';
import type { Client } from './client.js';
import { Informer } from './informer.js';

export class InformerFactory {
  private readonly informers = new Map<string, Informer>();
  private started = false;
  private readonly unsubscribe: () => void;

  constructor(
    private readonly client: Client,
    private readonly clock: Clock,
  ) {
    // A resource that stops being served (a deleted or changed CRD) drops its informer; asking again builds a new
    // one on the current definition.
    this.unsubscribe = client.onDefinitionsChanged(({ removed }) => {
      for (const d of removed) {
        const key = `${d.group}/${d.version}/${d.plural}`;
        const inf = this.informers.get(key);
        if (inf?.client.def === d) {
          inf.stop();
          this.informers.delete(key);
        }
      }
    });
  }

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
    this.unsubscribe();
    for (const inf of this.informers.values()) inf.stop();
  }
}
