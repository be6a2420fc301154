// The TTL-after-finished controller (upstream pkg/controller/ttlafterfinished): a Job with
// spec.ttlSecondsAfterFinished is deleted that many seconds after it finished (its Complete/Failed condition's
// lastTransitionTime), re-checked on a fresh read first, with foreground propagation and a uid precondition like
// upstream, so its pods go with it.
import type { ComponentContext, ComponentFactory } from '../../client/component.js';
import { keyOf, splitKey } from '../../client/informer.js';
import type { Obj } from '../../registry/types.js';
import { Controller } from '../controller.js';
import { finishedCondition } from '../job/conditions.js';

/** The ms until the Job expires (<= 0: due), or undefined when it does not need cleaning up. */
export function timeLeft(job: Obj, now: number): number | undefined {
  const ttl = job.spec?.ttlSecondsAfterFinished;
  if (ttl == null || job.metadata?.deletionTimestamp) return undefined;
  const finished = finishedCondition(job);
  if (!finished) return undefined;
  const at = Date.parse(finished.lastTransitionTime ?? '');
  if (!Number.isFinite(at)) return undefined;
  return at + ttl * 1000 - now;
}

export class TTLAfterFinishedController extends Controller {
  readonly name = 'ttl-after-finished-controller';

  private get jobs() {
    return this.ctx.client.resource('batch', 'v1', 'jobs');
  }

  protected setup(ctx: ComponentContext): void {
    const enqueue = (j: Obj) => {
      if (timeLeft(j, ctx.clock.now()) !== undefined) this.queue.add(keyOf(j));
    };
    ctx.informers.for('batch', 'v1', 'jobs').addHandlers({ onAdd: enqueue, onUpdate: (_old, j) => enqueue(j) });
  }

  /** processJob. */
  async sync(key: string): Promise<void> {
    const [namespace, name] = splitKey(key);
    const job = this.jobs.get(namespace, name);
    if (!job) return;
    const left = timeLeft(job, this.ctx.clock.now());
    if (left === undefined) return;
    if (left > 0) {
      this.queue.addAfter(key, left);
      return;
    }
    await this.jobs.delete(namespace, name, { propagationPolicy: 'Foreground', preconditions: { uid: job.metadata.uid } });
  }
}

export const ttlAfterFinishedController: ComponentFactory = () => new TTLAfterFinishedController();
