// The common controller shape (upstream pkg/controller): informer events enqueue keys into a WorkQueue and a
// level-triggered sync(key) reconciles desired and actual state for that key every time.
import type { Component, ComponentContext } from '../client/component.js';
import { WorkQueue, type WorkQueueOptions } from '../client/workqueue.js';

export abstract class Controller implements Component {
  abstract readonly name: string;
  protected ctx!: ComponentContext;
  protected queue!: WorkQueue;

  protected queueOptions(): WorkQueueOptions {
    return {};
  }

  start(ctx: ComponentContext): void {
    this.ctx = ctx;
    this.queue = new WorkQueue((key) => this.sync(key), ctx.clock, {
      onError: (key, err) => ctx.log(`${this.name}: sync ${key} failed: ${(err as Error)?.stack ?? err}`),
      ...this.queueOptions(),
    });
    this.setup(ctx);
  }

  stop(): void {
    this.queue?.stop();
  }

  /** Registers informer handlers that enqueue keys. */
  protected abstract setup(ctx: ComponentContext): void;

  /** Reconciles one key; throwing retries it with backoff. */
  abstract sync(key: string): Promise<void>;
}
