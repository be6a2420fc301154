// Disruption controller (upstream pkg/controller/disruption): keeps every PodDisruptionBudget's status current —
// expectedPods, desiredHealthy, currentHealthy, disruptionsAllowed, observedGeneration, the DisruptionAllowed
// condition — from the pods its selector matches, so the eviction subresource can decide. It also forgets evictions
// that never led to a deletion (status.disruptedPods entries older than 2 minutes) and resets stale
// DisruptionTarget pod conditions (set by an eviction that did not delete the pod) after 2 minutes.
import type { ComponentContext, ComponentFactory } from '../../client/component.js';
import { EventRecorder } from '../../client/events.js';
import { keyOf, type Informer } from '../../client/informer.js';
import { WorkQueue } from '../../client/workqueue.js';
import { rfc3339 } from '../../clock.js';
import { ApiError } from '../../machinery/errors.js';
import { selectorFromLabelSelector } from '../../machinery/labels.js';
import { setDisruptionAllowedCondition, updatePodCondition } from '../../registry/resources/core/pod-eviction.js';
import type { Obj } from '../../registry/types.js';
import { Controller } from '../controller.js';
import { countHealthy, expectedPodCount, pendingDisruptions, type Finders } from './expected.js';

/** stalePodDisruptionTimeout. */
export const STALE_POD_DISRUPTION_MS = 2 * 60_000;

const pdbGVR = ['policy', 'v1', 'poddisruptionbudgets'] as const;

export class DisruptionController extends Controller {
  readonly name = 'disruption-controller';
  private pdbs!: Informer;
  private pods!: Informer;
  private finders!: Finders;
  private recorder!: EventRecorder;
  private stalePods!: WorkQueue;

  protected setup(ctx: ComponentContext): void {
    this.pdbs = ctx.informers.for(...pdbGVR);
    this.pods = ctx.informers.pods;
    this.finders = {
      client: ctx.client,
      replicasets: ctx.informers.for('apps', 'v1', 'replicasets'),
      deployments: ctx.informers.for('apps', 'v1', 'deployments'),
      statefulsets: ctx.informers.for('apps', 'v1', 'statefulsets'),
    };
    // Upstream's event source for this controller is the controller manager as a whole.
    this.recorder = new EventRecorder(ctx.client, ctx.clock, { component: 'controllermanager' });
    this.stalePods = new WorkQueue((key) => this.syncStalePodDisruption(key), ctx.clock, {
      onError: (key, err) => ctx.log(`${this.name}: clearing DisruptionTarget of ${key} failed: ${(err as Error)?.message ?? err}`),
    });
    const enqueue = (pdb: Obj) => this.queue.add(keyOf(pdb));
    this.pdbs.addHandlers({ onAdd: enqueue, onUpdate: (_o, n) => enqueue(n), onDelete: enqueue });
    const onPod = (pod: Obj) => {
      const pdb = this.pdbForPod(pod);
      if (pdb) enqueue(pdb);
      const stale = this.staleDisruptionCondition(pod);
      if (stale !== undefined) this.stalePods.addAfter(keyOf(pod), stale);
    };
    this.pods.addHandlers({
      onAdd: onPod,
      onUpdate: (_o, p) => onPod(p),
      onDelete: (p) => {
        const pdb = this.pdbForPod(p);
        if (pdb) enqueue(pdb);
      },
    });
  }

  override stop(): void {
    this.stalePods?.stop();
    super.stop();
  }

  /** getPdbForPod: the first budget in the pod's namespace whose selector matches (an empty selector matches all). */
  private pdbForPod(pod: Obj): Obj | undefined {
    const ns = pod.metadata?.namespace;
    const labels = pod.metadata?.labels ?? {};
    const matching = this.pdbs.list().filter((pdb) => {
      if (pdb.metadata?.namespace !== ns) return false;
      try {
        return selectorFromLabelSelector(pdb.spec?.selector).matches(labels);
      } catch {
        return false;
      }
    });
    if (matching.length > 1) {
      const msg = `Pod "${ns}"/"${pod.metadata?.name}" matches multiple PodDisruptionBudgets.  Chose "${matching[0]!.metadata.name}" arbitrarily.`;
      this.recorder.event(pod, 'Warning', 'MultiplePodDisruptionBudgets', msg);
    }
    return matching[0];
  }

  /** getPodsForPdb: the pods of the budget's namespace its selector matches (a nil selector matches none). */
  private podsFor(pdb: Obj): Obj[] {
    const sel = selectorFromLabelSelector(pdb.spec?.selector);
    const ns = pdb.metadata?.namespace;
    return this.pods.list().filter((p) => p.metadata?.namespace === ns && sel.matches(p.metadata?.labels ?? {}));
  }

  async sync(key: string): Promise<void> {
    const pdb = this.pdbs.get(key);
    if (!pdb) return;
    try {
      await this.trySync(pdb);
    } catch (err) {
      // A conflict is retried as is; anything else leaves the budget at zero disruptions (failSafe).
      if (err instanceof ApiError && err.code === 409) throw err;
      this.ctx.log(`${this.name}: failed to sync PDB ${key}: ${(err as Error)?.message ?? err}`);
      await this.failSafe(pdb, err);
    }
  }

  private async trySync(pdb: Obj): Promise<void> {
    let pods: Obj[];
    try {
      pods = this.podsFor(pdb);
    } catch (err) {
      this.recorder.event(pdb, 'Warning', 'NoPods', `Failed to get pods: ${(err as Error).message}`);
      throw err;
    }
    if (!pods.length) this.recorder.event(pdb, 'Normal', 'NoPods', 'No matching pods found');
    let counts;
    try {
      counts = expectedPodCount(this.finders, pdb, pods);
    } catch (err) {
      this.recorder.event(pdb, 'Warning', 'CalculateExpectedPodCountFailed', `Failed to calculate the number of expected pods: ${(err as Error).message}`);
      throw err;
    }
    if (counts.unmanaged.length) {
      this.recorder.event(
        pdb,
        'Warning',
        'UnmanagedPods',
        `Pods selected by this PodDisruptionBudget (selector: ${selectorText(pdb.spec?.selector)}) were found to be unmanaged. As a result, the status of the PDB cannot be calculated correctly, which may result in undefined behavior. To account for these pods please set ".spec.minAvailable" field of the PDB to an integer value.`,
      );
    }
    const now = this.ctx.clock.now();
    const { map, recheckAt, notDeleted } = pendingDisruptions(pods, pdb.status?.disruptedPods, now);
    // (upstream prints the budget's namespace twice in this message)
    for (const pod of notDeleted) this.recorder.event(pod, 'Warning', 'NotDeleted', `Pod was expected by PDB ${pdb.metadata.namespace}/${pdb.metadata.namespace} to be deleted but it wasn't`);
    const healthy = countHealthy(pods, map, now);
    await this.updateStatus(pdb, healthy, counts.desiredHealthy, counts.expectedCount, map, now);
    if (recheckAt !== undefined) this.queue.addAfter(keyOf(pdb), recheckAt - now);
  }

  /** updatePdbStatus: written only when something changed (including a condition out of date). */
  private async updateStatus(pdb: Obj, currentHealthy: number, desiredHealthy: number, expectedPods: number, disruptedPods: Record<string, string>, now: number): Promise<void> {
    let disruptionsAllowed = currentHealthy - desiredHealthy;
    if (expectedPods <= 0 || disruptionsAllowed <= 0) disruptionsAllowed = 0;
    const s = pdb.status ?? {};
    const generation = pdb.metadata?.generation ?? 0;
    const unchanged =
      s.currentHealthy === currentHealthy &&
      s.desiredHealthy === desiredHealthy &&
      s.expectedPods === expectedPods &&
      s.disruptionsAllowed === disruptionsAllowed &&
      sameMap(s.disruptedPods, disruptedPods) &&
      s.observedGeneration === generation &&
      conditionUpToDate(pdb);
    if (unchanged) return;
    const status: Obj = { observedGeneration: generation, disruptionsAllowed, currentHealthy, desiredHealthy, expectedPods };
    if (Object.keys(disruptedPods).length) status.disruptedPods = disruptedPods;
    status.conditions = setDisruptionAllowedCondition(s.conditions ?? [], disruptionsAllowed > 0, generation, now);
    await this.ctx.client.resource(...pdbGVR).updateStatus({ ...pdb, status });
  }

  /** failSafe: disruptionsAllowed 0 and DisruptionAllowed=False/SyncFailed with the error. */
  private async failSafe(pdb: Obj, err: unknown): Promise<void> {
    const s = { ...(pdb.status ?? {}) };
    const conditions: Obj[] = [...(s.conditions ?? [])];
    const message = (err as Error)?.message ?? String(err);
    const i = conditions.findIndex((c) => c.type === 'DisruptionAllowed');
    const old = i >= 0 ? conditions[i] : undefined;
    const cond = {
      type: 'DisruptionAllowed',
      status: 'False',
      observedGeneration: s.observedGeneration ?? 0,
      lastTransitionTime: old?.status === 'False' ? old.lastTransitionTime : rfc3339(this.ctx.clock.now()),
      reason: 'SyncFailed',
      message,
    };
    if (i >= 0) conditions[i] = cond;
    else conditions.push(cond);
    await this.ctx.client.resource(...pdbGVR).updateStatus({ ...pdb, status: { ...s, disruptionsAllowed: 0, conditions } });
  }

  /** nonTerminatingPodHasStaleDisruptionCondition: ms until a DisruptionTarget condition goes stale, if it can. */
  private staleDisruptionCondition(pod: Obj): number | undefined {
    if (pod.metadata?.deletionTimestamp) return undefined;
    const phase = pod.status?.phase;
    if (phase === 'Succeeded' || phase === 'Failed') return undefined;
    const cond = (pod.status?.conditions ?? []).find((c: Obj) => c.type === 'DisruptionTarget');
    if (!cond || cond.status !== 'True' || cond.reason === 'TerminationByKubelet') return undefined;
    const since = Date.parse(cond.lastTransitionTime ?? '');
    const elapsed = Number.isFinite(since) ? this.ctx.clock.now() - since : 0;
    return Math.max(0, STALE_POD_DISRUPTION_MS - elapsed);
  }

  /** syncStalePodDisruption: the DisruptionTarget condition goes back to False. */
  private async syncStalePodDisruption(key: string): Promise<void> {
    const pod = this.pods.get(key);
    if (!pod) return;
    const wait = this.staleDisruptionCondition(pod);
    if (wait === undefined) return;
    if (wait > 0) return this.stalePods.addAfter(key, wait);
    const next = updatePodCondition(pod.status?.conditions ?? [], { type: 'DisruptionTarget', status: 'False' }, this.ctx.clock.now());
    if (!next) return;
    await this.ctx.client.pods.updateStatus({ ...pod, status: { ...pod.status, conditions: next } });
  }
}

function sameMap(a: Record<string, string> | undefined, b: Record<string, string>): boolean {
  const ka = Object.keys(a ?? {});
  if (ka.length !== Object.keys(b).length) return false;
  return ka.every((k) => a![k] === b[k]);
}

/** pdbhelper.ConditionsAreUpToDate. */
function conditionUpToDate(pdb: Obj): boolean {
  const cond = (pdb.status?.conditions ?? []).find((c: Obj) => c.type === 'DisruptionAllowed');
  if (!cond) return false;
  if ((pdb.status?.observedGeneration ?? 0) !== (pdb.metadata?.generation ?? 0)) return false;
  if ((pdb.status?.disruptionsAllowed ?? 0) > 0) return cond.status === 'True' && cond.reason === 'SufficientPods';
  return cond.status === 'False' && cond.reason === 'InsufficientPods';
}

/** How upstream prints the *metav1.LabelSelector with %v: &LabelSelector{MatchLabels:map[string]string{...},...}. */
function selectorText(sel: Obj | undefined): string {
  if (!sel) return '<nil>';
  const labels = Object.entries<string>(sel.matchLabels ?? {})
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, v]) => `${k}: ${v},`)
    .join('');
  const exprs = (sel.matchExpressions ?? []).map((e: Obj) => `LabelSelectorRequirement{Key:${e.key},Operator:${e.operator},Values:[${(e.values ?? []).join(' ')}],}`).join(',');
  return `&LabelSelector{MatchLabels:map[string]string{${labels}},MatchExpressions:[]LabelSelectorRequirement{${exprs}},}`;
}

export const disruptionController: ComponentFactory = () => new DisruptionController();
