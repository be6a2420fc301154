// POST pods/NAME/eviction (upstream pkg/registry/core/pod/storage/eviction.go EvictionREST): a pod deletion that
// honours the PodDisruptionBudget covering the pod. Terminal, Pending and already-terminating pods are deleted
// outright; otherwise the budget's status.disruptionsAllowed is checked and decremented (recording the pod in
// status.disruptedPods so the disruption controller does not count it as healthy meanwhile), or the request is
// refused with 429 TooManyRequests and a DisruptionBudget cause — which `kubectl drain` retries every 5 s. The pod
// gets a DisruptionTarget=True condition (EvictionByEvictionAPI) before it is deleted with the request's
// DeleteOptions. policy/v1 and policy/v1beta1 Eviction bodies are both accepted.
import { rfc3339 } from '../../../clock.js';
import { ApiError, errors } from '../../../machinery/errors.js';
import { selectorFromLabelSelector } from '../../../machinery/labels.js';
import type { DeleteOptions, GenericStore } from '../../store.js';
import type { Obj, ResourceDef } from '../../types.js';
import { poddisruptionbudgets as pdbDef } from '../policy/poddisruptionbudgets.js';

export const EVICTION_VERSIONS = ['policy/v1', 'policy/v1beta1'];
/** MaxDisruptedPodSize: evictions approved but not yet seen by the disruption controller. */
const MAX_DISRUPTED_POD_SIZE = 2000;
/** EvictionsRetry: conflicts are retried this many times. */
const RETRIES = 20;
/** The manager of the budget status writes (upstream: the apiserver's loopback client). */
const APISERVER_MANAGER = 'kube-apiserver';
const BUDGET_MESSAGE = "Cannot evict pod as it would violate the pod's disruption budget.";

export interface EvictOptions {
  /** dryRun=All from the query string. */
  dryRun?: boolean;
  fieldManager?: string;
}

/** The answer of an eviction: a Status and the HTTP code it is sent with (201, or 500 for several budgets). */
export interface EvictionResult {
  code: number;
  status: Obj;
}

const isObject = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);

function decodeError(value: unknown, field: string, goType: string): never {
  const kind = value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value === 'object' ? 'object' : typeof value === 'boolean' ? 'bool' : typeof value;
  throw errors.badRequest(`Eviction in version "v1" cannot be handled as a Eviction: json: cannot unmarshal ${kind} into Go struct field ${field} of type ${goType}`);
}

/** The typed decode of Eviction.deleteOptions and the checks of the DELETE path (dryRun, propagationPolicy). */
function deleteOptionsOf(eviction: Obj): Obj {
  const o = eviction.deleteOptions;
  if (o == null) return {};
  if (!isObject(o)) decodeError(o, 'Eviction.deleteOptions', 'v1.DeleteOptions');
  const grace = o.gracePeriodSeconds;
  if (grace != null && !Number.isInteger(grace)) decodeError(grace, 'DeleteOptions.deleteOptions.gracePeriodSeconds', 'int64');
  if (o.propagationPolicy != null && typeof o.propagationPolicy !== 'string') decodeError(o.propagationPolicy, 'DeleteOptions.deleteOptions.propagationPolicy', 'v1.DeletionPropagation');
  if (o.orphanDependents != null && typeof o.orphanDependents !== 'boolean') decodeError(o.orphanDependents, 'DeleteOptions.deleteOptions.orphanDependents', 'bool');
  if (o.dryRun != null && (!Array.isArray(o.dryRun) || o.dryRun.some((x: unknown) => typeof x !== 'string'))) decodeError(o.dryRun, 'DeleteOptions.deleteOptions.dryRun', '[]string');
  const pre = o.preconditions;
  if (pre != null) {
    if (!isObject(pre)) decodeError(pre, 'DeleteOptions.deleteOptions.preconditions', 'v1.Preconditions');
    for (const f of ['uid', 'resourceVersion']) if (pre[f] != null && typeof pre[f] !== 'string') decodeError(pre[f], `Preconditions.deleteOptions.preconditions.${f}`, 'string');
  }
  if (o.propagationPolicy && !['Orphan', 'Background', 'Foreground'].includes(o.propagationPolicy)) {
    throw errors.badRequest(`propagationPolicy: Unsupported value: "${o.propagationPolicy}": supported values: "Foreground", "Background", "Orphan"`);
  }
  if (o.dryRun && !o.dryRun.every((v: string) => v === 'All')) throw errors.badRequest(`Invalid dryRun value: ${JSON.stringify(o.dryRun)}; supported values: "All"`);
  return { ...o, preconditions: pre ? { ...pre } : undefined };
}

/** propagateDryRun: the query's dryRun goes into the DeleteOptions; both set and different is an error. */
function propagateDryRun(options: Obj, queryDryRun: boolean): Obj {
  const query = queryDryRun ? ['All'] : [];
  const body: string[] = options.dryRun ?? [];
  if (!body.length) return { ...options, dryRun: query.length ? query : undefined };
  if (!query.length || JSON.stringify(query) === JSON.stringify(body)) return options;
  // upstream reports this as a plain (500) error; it is the client's mistake, so a 400 here.
  throw errors.badRequest(`Non-matching dry-run options in request and content: [${query.join(' ')}] and [${body.join(' ')}]`);
}

const isDryRun = (o: Obj) => Array.isArray(o.dryRun) && o.dryRun.length > 0;
const rvUnset = (o: Obj) => !o.preconditions?.resourceVersion;
const terminal = (pod: Obj) => pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed';
const ready = (pod: Obj) => (pod.status?.conditions ?? []).some((c: Obj) => c?.type === 'Ready' && c.status === 'True');

/** canIgnorePDB: the pod is done, not yet running, or already going away. */
function canIgnorePDB(pod: Obj): boolean {
  return terminal(pod) || pod.status?.phase === 'Pending' || !!pod.metadata?.deletionTimestamp;
}

/** shouldEnforceResourceVersion: only a live pod could become ready meanwhile. */
function shouldEnforceResourceVersion(pod: Obj): boolean {
  return !terminal(pod) && !pod.metadata?.deletionTimestamp;
}

function withResourceVersion(options: Obj, rv: string): Obj {
  return { ...options, preconditions: { ...(options.preconditions ?? {}), resourceVersion: rv } };
}

function tooManyRequests(message: string, retryAfterSeconds: number, cause: string): ApiError {
  const details: Obj = { causes: [{ reason: 'DisruptionBudget', message: cause }] };
  if (retryAfterSeconds > 0) details.retryAfterSeconds = retryAfterSeconds;
  return new ApiError(429, 'TooManyRequests', message, details);
}

/** createTooManyRequestsError: the budget has not caught up with its spec (or the pod changed under us). */
function stillProcessing(pdbName: string): ApiError {
  return tooManyRequests(BUDGET_MESSAGE, 10, `The disruption budget ${pdbName} is still being processed by the server.`);
}

const isConflict = (err: unknown) => err instanceof ApiError && err.code === 409;

/** The budgets whose selector matches the pod; nil and empty selectors match nothing here (unlike the controller). */
function budgetsFor(store: GenericStore, pod: Obj): Obj[] {
  const labels = pod.metadata?.labels ?? {};
  return store
    .list(pdbDef, { namespace: pod.metadata?.namespace })
    .items.map((i) => i.object as Obj)
    .filter((pdb) => {
      try {
        const sel = selectorFromLabelSelector(pdb.spec?.selector);
        return !sel.empty && sel.matches(labels);
      } catch {
        return false; // an invalid selector matches nothing
      }
    });
}

export class Eviction {
  constructor(
    private readonly store: GenericStore,
    private readonly podDef: ResourceDef,
  ) {}

  /** Validates the Eviction for the pod `name` and evicts it. */
  async evict(namespace: string, name: string, eviction: Obj, opts: EvictOptions = {}): Promise<EvictionResult> {
    const meta = eviction.metadata ?? {};
    if ((meta.name ?? '') !== name) throw errors.badRequest('name in URL does not match name in Eviction object');
    const original = propagateDryRun(deleteOptionsOf(eviction), !!opts.dryRun);
    const success = { code: 201, status: { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 201 } };

    // Pods that may go regardless of budgets: deleted right away (retrying conflicts unless the caller pinned a version).
    let pod!: Obj;
    for (let attempt = 0; ; attempt++) {
      pod = this.store.get(this.podDef, namespace, name).object as Obj;
      if (!canIgnorePDB(pod)) break;
      const options = shouldEnforceResourceVersion(pod) && rvUnset(original) ? withResourceVersion(original, pod.metadata.resourceVersion) : original;
      try {
        await this.deleteWithCondition(namespace, name, options, opts.fieldManager);
        return success;
      } catch (err) {
        if (!isConflict(err) || !rvUnset(original) || attempt + 1 >= RETRIES) throw err;
      }
    }

    const pdbs = budgetsFor(this.store, pod);
    if (pdbs.length > 1) {
      const message = 'This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.';
      return { code: 500, status: { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, code: 500 } };
    }
    let pdbName: string | undefined;
    let pinVersion = false;
    if (pdbs.length === 1) {
      const pdb = pdbs[0]!;
      pdbName = pdb.metadata.name as string;
      const policy = pdb.spec?.unhealthyPodEvictionPolicy;
      const s = pdb.status ?? {};
      // An unready pod does not count towards the budget: it may go (pinned to the version checked) when the policy
      // says so, or when the guarded application is healthy anyway.
      if (!ready(pod) && (policy === 'AlwaysAllow' || ((s.currentHealthy ?? 0) >= (s.desiredHealthy ?? 0) && (s.desiredHealthy ?? 0) > 0))) {
        pinVersion = true;
      } else {
        await this.checkAndDecrement(pdb, pod.metadata.name, isDryRun(original));
      }
    }

    const options = pinVersion ? withResourceVersion(original, pod.metadata.resourceVersion) : original;
    try {
      await this.deleteWithCondition(namespace, name, options, opts.fieldManager);
    } catch (err) {
      // The pod changed since it was checked: let the client retry rather than fail.
      if (isConflict(err) && pinVersion && rvUnset(original)) throw stillProcessing(pdbName!);
      throw err;
    }
    return success;
  }

  /** checkAndDecrement with RetryOnConflict: takes one disruption from the budget, or refuses with 429. */
  private async checkAndDecrement(initial: Obj, podName: string, dryRun: boolean): Promise<void> {
    let pdb = initial;
    const { namespace, name } = pdb.metadata;
    for (let attempt = 0; ; attempt++) {
      const s = pdb.status ?? {};
      if ((s.observedGeneration ?? 0) < (pdb.metadata.generation ?? 0)) throw stillProcessing(name);
      const allowed: number = s.disruptionsAllowed ?? 0;
      const gr = { group: 'policy', resource: 'poddisruptionbudget' };
      if (allowed < 0) throw errors.forbidden(gr, name, 'pdb disruptions allowed is negative');
      if (Object.keys(s.disruptedPods ?? {}).length > MAX_DISRUPTED_POD_SIZE) {
        throw errors.forbidden(gr, name, 'DisruptedPods map too big - too many evictions not confirmed by PDB controller');
      }
      if (allowed === 0) {
        throw tooManyRequests(BUDGET_MESSAGE, 0, `The disruption budget ${name} needs ${s.desiredHealthy ?? 0} healthy pods and has ${s.currentHealthy ?? 0} currently`);
      }
      if (dryRun) return;
      const now = this.store.clock.now();
      const status: Obj = { ...s, disruptionsAllowed: allowed - 1, disruptedPods: { ...(s.disruptedPods ?? {}), [podName]: rfc3339(now) } };
      if (status.disruptionsAllowed === 0) status.conditions = setDisruptionAllowedCondition(s.conditions ?? [], false, s.observedGeneration ?? 0, now);
      try {
        await this.store.update(pdbDef, namespace, name, { ...pdb, status }, { subresource: 'status', fieldManager: APISERVER_MANAGER });
        return;
      } catch (err) {
        if (!isConflict(err)) throw err;
        if (attempt + 1 >= RETRIES) throw errors.timeout(`couldn't update PodDisruptionBudget "${name}" due to conflicts`, 10);
        pdb = this.store.get(pdbDef, namespace, name).object as Obj;
      }
    }
  }

  /** addConditionAndDeletePod: DisruptionTarget=True on the latest pod (checked against the preconditions), then the
   * delete with the caller's options (a pinned resourceVersion follows our own status write). */
  private async deleteWithCondition(namespace: string, name: string, options: Obj, fieldManager?: string): Promise<void> {
    let opts = options;
    if (!isDryRun(options)) {
      const gr = { group: '', resource: 'Pod' };
      let changed = false;
      const updated = await this.store.mutate(
        this.podDef,
        namespace,
        name,
        (latest) => {
          const pre = options.preconditions ?? {};
          if (pre.uid && pre.uid !== latest.metadata?.uid) {
            throw errors.conflict(gr, name, `the UID in the precondition (${pre.uid}) does not match the UID in record (${latest.metadata?.uid}). The object might have been deleted and then recreated`);
          }
          if (pre.resourceVersion && pre.resourceVersion !== latest.metadata?.resourceVersion) {
            throw errors.conflict(gr, name, `the ResourceVersion in the precondition (${pre.resourceVersion}) does not match the ResourceVersion in record (${latest.metadata?.resourceVersion}). The object might have been modified`);
          }
          const status = (latest.status ??= {});
          const conditions: Obj[] = status.conditions ?? [];
          const next = updatePodCondition(conditions, { type: 'DisruptionTarget', status: 'True', reason: 'EvictionByEvictionAPI', message: 'Eviction API: evicting' }, this.store.clock.now());
          if (next) {
            status.conditions = next;
            changed = true;
          }
          return latest;
        },
        { subresource: 'status', fieldManager },
      );
      if (changed && !rvUnset(options)) opts = withResourceVersion(options, updated.metadata.resourceVersion);
    }
    const del: DeleteOptions = {
      dryRun: isDryRun(opts),
      gracePeriodSeconds: opts.gracePeriodSeconds ?? undefined,
      propagationPolicy: opts.propagationPolicy ?? undefined,
      preconditions: opts.preconditions ?? undefined,
    };
    await this.store.delete(this.podDef, namespace, name, del);
  }
}

/**
 * podutil.UpdatePodCondition: the conditions with `cond` set (its transition time moves only when the status
 * changes), or undefined when nothing would change.
 */
export function updatePodCondition(conditions: Obj[], cond: Obj, now: number): Obj[] | undefined {
  const i = conditions.findIndex((c) => c?.type === cond.type);
  const old = i >= 0 ? conditions[i]! : undefined;
  const next: Obj = { type: cond.type, status: cond.status, lastProbeTime: cond.lastProbeTime ?? null, lastTransitionTime: rfc3339(now) };
  if (cond.reason !== undefined) next.reason = cond.reason;
  if (cond.message !== undefined) next.message = cond.message;
  if (!old) return [...conditions, next];
  if (old.status === next.status) next.lastTransitionTime = old.lastTransitionTime;
  const same =
    old.status === next.status &&
    (old.reason ?? '') === (next.reason ?? '') &&
    (old.message ?? '') === (next.message ?? '') &&
    (old.lastProbeTime ?? null) === next.lastProbeTime &&
    old.lastTransitionTime === next.lastTransitionTime;
  if (same) return undefined;
  return conditions.map((c, j) => (j === i ? next : c));
}

/** pdbhelper.UpdateDisruptionAllowedCondition for a given outcome (apimeta.SetStatusCondition semantics). */
export function setDisruptionAllowedCondition(conditions: Obj[], allowed: boolean, observedGeneration: number, now: number): Obj[] {
  const want = allowed
    ? { type: 'DisruptionAllowed', status: 'True', reason: 'SufficientPods' }
    : { type: 'DisruptionAllowed', status: 'False', reason: 'InsufficientPods' };
  const old = conditions.find((c) => c?.type === 'DisruptionAllowed');
  const next = {
    type: want.type,
    status: want.status,
    observedGeneration,
    lastTransitionTime: old && old.status === want.status && old.lastTransitionTime ? old.lastTransitionTime : rfc3339(now),
    reason: want.reason,
    message: '',
  };
  return old ? conditions.map((c) => (c === old ? next : c)) : [...conditions, next];
}
