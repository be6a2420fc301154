// StatefulPodControl (upstream pkg/controller/statefulset/stateful_pod_control.go): creates a pod's claims before
// the pod, repairs identity and claim ownership, deletes pods, and records the upstream events
// ("create Pod web-0 in StatefulSet web successful", "create Claim www-web-0 Pod web-0 in StatefulSet web success").
import type { Client } from '../../client/client.js';
import type { EventRecorder } from '../../client/events.js';
import { ApiError } from '../../machinery/errors.js';
import type { Obj } from '../../registry/types.js';
import { claimsFor, hasStaleOwnerRef, identityLabels, identityMatches, isClaimOwnerUpToDate, ordinalOf, POD_KIND, retentionPolicy, updateClaimOwnerRefs } from './utils.js';

const title = (verb: string): string => verb[0]!.toUpperCase() + verb.slice(1);
const isNotFound = (err: unknown): boolean => err instanceof ApiError && err.code === 404;

export class StatefulPodControl {
  constructor(
    private readonly client: Client,
    private readonly recorder: EventRecorder,
    /** The claims cache (upstream's pvcLister). */
    private readonly getClaim: (namespace: string, name: string) => Obj | undefined,
  ) {}

  private get claims() {
    return this.client.resource('', 'v1', 'persistentvolumeclaims');
  }

  /** CreateStatefulPod: claims first, then the pod; the claims' ownership is then set for the retention policy. */
  async createPod(set: Obj, pod: Obj): Promise<void> {
    try {
      await this.createClaims(set, pod);
    } catch (err) {
      this.recordPodEvent('create', set, pod, err);
      throw err;
    }
    let created: Obj;
    try {
      created = await this.client.pods.create(set.metadata.namespace, pod);
    } catch (err) {
      // An AlreadyExists is sunk silently: the informer has not caught up yet.
      if (!(err instanceof ApiError && err.reason === 'AlreadyExists')) this.recordPodEvent('create', set, pod, err);
      throw err;
    }
    try {
      await this.updateClaimsForRetentionPolicy(set, created);
    } catch (err) {
      this.recordPodEvent('update', set, pod, err);
      throw err;
    }
    this.recordPodEvent('create', set, pod);
  }

  /** UpdateStatefulPod: restores the identity labels and the claims' ownership; records an update event if it acted. */
  async updatePod(set: Obj, pod: Obj): Promise<void> {
    let attempted = false;
    try {
      if (!(await this.claimsMatchRetentionPolicy(set, pod))) {
        attempted = true;
        await this.updateClaimsForRetentionPolicy(set, pod);
      }
      if (!identityMatches(set, pod)) {
        attempted = true;
        await this.client.pods.patch(pod.metadata.namespace, pod.metadata.name, 'merge', { metadata: { labels: identityLabels(set, pod) } });
      }
    } catch (err) {
      this.recordPodEvent('update', set, pod, err);
      throw err;
    }
    if (attempted) this.recordPodEvent('update', set, pod);
  }

  /** DeleteStatefulPod. */
  async deletePod(set: Obj, pod: Obj): Promise<void> {
    try {
      await this.client.pods.delete(pod.metadata.namespace, pod.metadata.name);
    } catch (err) {
      this.recordPodEvent('delete', set, pod, err);
      throw err;
    }
    this.recordPodEvent('delete', set, pod);
  }

  /** createPersistentVolumeClaims: the missing claims of the pod; a claim being deleted is an error (retried). */
  async createClaims(set: Obj, pod: Obj): Promise<void> {
    const errs: string[] = [];
    for (const claim of claimsFor(set, ordinalOf(pod)).values()) {
      const existing = this.getClaim(claim.metadata.namespace, claim.metadata.name) ?? this.claims.get(claim.metadata.namespace, claim.metadata.name);
      if (existing) {
        if (existing.metadata?.deletionTimestamp) errs.push(`pvc ${claim.metadata.name} is being deleted`);
        continue;
      }
      try {
        await this.claims.create(claim.metadata.namespace, claim);
        this.recordClaimEvent('create', set, pod, claim);
      } catch (err) {
        errs.push(`failed to create PVC ${claim.metadata.name}: ${(err as Error).message}`);
        if (!(err instanceof ApiError && err.reason === 'AlreadyExists')) this.recordClaimEvent('create', set, pod, claim, err);
      }
    }
    if (errs.length) throw new Error(errs.length === 1 ? errs[0] : `[${errs.join(', ')}]`);
  }

  /** PodClaimIsStale: with whenScaled=Delete, a claim still owned by an earlier pod of this name must be collected first. */
  podClaimIsStale(set: Obj, pod: Obj): boolean {
    if (retentionPolicy(set).whenScaled === 'Retain') return false;
    for (const claim of claimsFor(set, ordinalOf(pod)).values()) {
      const existing = this.getClaim(claim.metadata.namespace, claim.metadata.name);
      if (existing && hasStaleOwnerRef(existing, pod, POD_KIND)) return true;
    }
    return false;
  }

  /** ClaimsMatchRetentionPolicy: missing claims count as matching (they are picked up next time). */
  async claimsMatchRetentionPolicy(set: Obj, pod: Obj): Promise<boolean> {
    for (const claim of claimsFor(set, ordinalOf(pod)).values()) {
      const existing = this.getClaim(claim.metadata.namespace, claim.metadata.name);
      if (existing && !isClaimOwnerUpToDate(existing, set, pod)) return false;
    }
    return true;
  }

  /** UpdatePodClaimForRetentionPolicy: rewrites the ownerReferences of every claim that disagrees with the policy. */
  async updateClaimsForRetentionPolicy(set: Obj, pod: Obj): Promise<void> {
    for (const claim of claimsFor(set, ordinalOf(pod)).values()) {
      const existing = this.claims.get(claim.metadata.namespace, claim.metadata.name);
      if (!existing || isClaimOwnerUpToDate(existing, set, pod)) continue;
      const next = structuredClone(existing);
      updateClaimOwnerRefs(next, set, pod);
      try {
        await this.claims.update(next);
      } catch (err) {
        if (isNotFound(err)) continue;
        throw new Error(`could not update claim ${claim.metadata.name} for delete policy ownerRefs: ${(err as Error).message}`);
      }
    }
  }

  /** recordPodEvent. */
  private recordPodEvent(verb: string, set: Obj, pod: Obj, err?: unknown): void {
    if (!err) this.recorder.event(set, 'Normal', `Successful${title(verb)}`, `${verb} Pod ${pod.metadata.name} in StatefulSet ${set.metadata.name} successful`);
    else this.recorder.event(set, 'Warning', `Failed${title(verb)}`, `${verb} Pod ${pod.metadata.name} in StatefulSet ${set.metadata.name} failed error: ${(err as Error).message ?? err}`);
  }

  /** recordClaimEvent. */
  private recordClaimEvent(verb: string, set: Obj, pod: Obj, claim: Obj, err?: unknown): void {
    if (!err) this.recorder.event(set, 'Normal', `Successful${title(verb)}`, `${verb} Claim ${claim.metadata.name} Pod ${pod.metadata.name} in StatefulSet ${set.metadata.name} success`);
    else this.recorder.event(set, 'Warning', `Failed${title(verb)}`, `${verb} Claim ${claim.metadata.name} for Pod ${pod.metadata.name} in StatefulSet ${set.metadata.name} failed error: ${(err as Error).message ?? err}`);
  }
}
