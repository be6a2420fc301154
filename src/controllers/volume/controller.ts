// A simulated volume control plane in one controller, mirroring three upstream pieces:
//   - the PersistentVolume controller (pkg/controller/volume/persistentvolume): binds claims to matching volumes,
//     asks for provisioning, marks volumes Released when their claim goes and reclaims them (Delete or Retain), and
//     assigns the default StorageClass to claims without one (RetroactiveDefaultStorageClass, GA in 1.28);
//   - an external provisioner (sig-storage-lib-external-provisioner): creates `pvc-<uid>` hostPath volumes for
//     claims of provisioner-backed classes, honouring WaitForFirstConsumer (the first pod scheduled with the claim
//     picks the node, standing in for the scheduler's volume-binding plugin);
//   - the pvc-protection and pv-protection controllers: drop the protection finalizers once nothing uses the object.
import type { ResourceClient } from '../../client/client.js';
import type { ComponentContext, ComponentFactory } from '../../client/component.js';
import { EventRecorder } from '../../client/events.js';
import { keyOf, splitKey, type Informer } from '../../client/informer.js';
import { rfc3339 } from '../../clock.js';
import { ApiError } from '../../machinery/errors.js';
import type { Obj } from '../../registry/types.js';
import { PVC_PROTECTION_FINALIZER } from '../../registry/resources/core/persistentvolumeclaims.js';
import { PV_PROTECTION_FINALIZER } from '../../registry/resources/core/persistentvolumes.js';
import { BETA_STORAGE_CLASS_ANNOTATION } from '../../registry/printers/volume.js';
import { Controller } from '../controller.js';
import * as u from './util.js';

const isNotFound = (err: unknown): boolean => err instanceof ApiError && err.code === 404;

export class PersistentVolumeController extends Controller {
  readonly name = 'persistentvolume-binder-controller';
  private claims!: Informer;
  private volumes!: Informer;
  private classes!: Informer;
  private pods!: Informer;
  private nodes!: Informer;
  private recorder!: EventRecorder;

  protected setup(ctx: ComponentContext): void {
    this.recorder = new EventRecorder(ctx.client, ctx.clock, { component: 'persistentvolume-controller' });
    this.claims = ctx.informers.for('', 'v1', 'persistentvolumeclaims');
    this.volumes = ctx.informers.for('', 'v1', 'persistentvolumes');
    this.classes = ctx.informers.for('storage.k8s.io', 'v1', 'storageclasses');
    this.pods = ctx.informers.pods;
    this.nodes = ctx.informers.nodes;
    const claim = (o: Obj) => this.queue.add(`claim:${keyOf(o)}`);
    const volume = (o: Obj) => {
      this.queue.add(`volume:${o.metadata?.name}`);
      const ref = o.spec?.claimRef;
      if (ref?.name) this.queue.add(`claim:${ref.namespace}/${ref.name}`);
    };
    this.claims.addHandlers({ onAdd: claim, onUpdate: (_o, c) => claim(c), onDelete: (c) => this.claimDeleted(c) });
    this.volumes.addHandlers({ onAdd: volume, onUpdate: (_o, v) => volume(v), onDelete: volume });
    // A new (default) class may unblock claims waiting for one.
    this.classes.addHandlers({ onAdd: () => this.requeuePendingClaims(), onUpdate: () => this.requeuePendingClaims() });
    // Pods matter for WaitForFirstConsumer (a scheduled consumer) and for pvc-protection (a claim still in use).
    const pod = (p: Obj) => {
      for (const name of u.claimsOfPod(p)) this.queue.add(`claim:${p.metadata?.namespace}/${name}`);
    };
    this.pods.addHandlers({ onAdd: pod, onUpdate: (o, p) => (o.spec?.nodeName !== p.spec?.nodeName || o.status?.phase !== p.status?.phase || p.metadata?.deletionTimestamp ? pod(p) : undefined), onDelete: pod });
  }

  private requeuePendingClaims(): void {
    for (const c of this.claims.list()) if (!c.spec?.volumeName) this.queue.add(`claim:${keyOf(c)}`);
  }

  /** A deleted claim releases its volume. */
  private claimDeleted(pvc: Obj): void {
    for (const pv of this.volumes.list()) if (pv.spec?.claimRef?.uid === pvc.metadata?.uid) this.queue.add(`volume:${pv.metadata.name}`);
  }

  async sync(key: string): Promise<void> {
    const i = key.indexOf(':');
    const [kind, rest] = [key.slice(0, i), key.slice(i + 1)];
    if (kind === 'volume') {
      const pv = this.volumes.get(rest);
      if (pv) await this.syncVolume(structuredClone(pv));
      return;
    }
    const pvc = this.claims.get(rest);
    if (pvc) await this.syncClaim(structuredClone(pvc));
  }

  private get pvcClient() {
    return this.ctx.client.resource('', 'v1', 'persistentvolumeclaims');
  }
  private get pvClient() {
    return this.ctx.client.resource('', 'v1', 'persistentvolumes');
  }

  /** The pods of the claim's namespace that mount it and have not finished. */
  private consumers(pvc: Obj): Obj[] {
    return this.pods.list().filter((p) => p.metadata?.namespace === pvc.metadata.namespace && !u.isPodTerminal(p) && u.claimsOfPod(p).includes(pvc.metadata.name));
  }

  // --- claims ---------------------------------------------------------------------------------------------------

  private async syncClaim(pvc: Obj): Promise<void> {
    if (pvc.metadata.deletionTimestamp) return this.releaseClaimProtection(pvc);
    const spec = pvc.spec ?? {};
    // RetroactiveDefaultStorageClass: a claim that never named a class gets the default one (upstream's
    // DefaultStorageClass admission does this at create time; kubesim has no admission chain, so it happens here).
    if (spec.storageClassName == null && !spec.volumeName && !Object.hasOwn(pvc.metadata.annotations ?? {}, BETA_STORAGE_CLASS_ANNOTATION)) {
      const def = u.defaultClass(this.classes.list());
      if (def) await this.pvcClient.patch(pvc.metadata.namespace, pvc.metadata.name, 'merge', { spec: { storageClassName: def.metadata.name } });
      return;
    }
    if (spec.volumeName) return this.syncBoundClaim(pvc);
    const className: string = spec.storageClassName ?? pvc.metadata.annotations?.[BETA_STORAGE_CLASS_ANNOTATION] ?? '';
    const sc = className ? this.classes.get(className) : undefined;
    const selectedNode = await this.selectedNode(pvc, sc);
    if (u.isWaitForFirstConsumer(sc) && !selectedNode) {
      this.recorder.event(pvc, 'Normal', 'WaitForFirstConsumer', 'waiting for first consumer to be created before binding');
      return;
    }
    const node = selectedNode ? this.nodes.get(selectedNode) : undefined;
    const pv = u.findMatchingVolume(pvc, this.volumes.list(), node);
    if (pv) return this.bind(pv, pvc);
    if (!className) {
      this.recorder.event(pvc, 'Normal', 'FailedBinding', 'no persistent volumes available for this claim and no storage class is set');
      return;
    }
    if (!sc) {
      this.recorder.event(pvc, 'Warning', 'ProvisioningFailed', `storageclass.storage.k8s.io "${className}" not found`);
      return;
    }
    if (sc.provisioner === u.NO_PROVISIONER) {
      this.recorder.event(pvc, 'Normal', 'WaitForPodScheduled', 'waiting for pod to be scheduled');
      return;
    }
    await this.provision(pvc, sc, selectedNode);
  }

  /**
   * The node chosen for a WaitForFirstConsumer claim: the selected-node annotation, else the node of the first
   * scheduled pod using the claim (recorded in the annotation, as the scheduler's volume binder would).
   */
  private async selectedNode(pvc: Obj, sc: Obj | undefined): Promise<string | undefined> {
    const ann = pvc.metadata.annotations?.[u.ANN_SELECTED_NODE];
    if (ann || !u.isWaitForFirstConsumer(sc)) return ann;
    const consumer = this.consumers(pvc).find((p) => p.spec?.nodeName);
    if (!consumer) return undefined;
    const node: string = consumer.spec.nodeName;
    await this.pvcClient.patch(pvc.metadata.namespace, pvc.metadata.name, 'merge', { metadata: { annotations: { [u.ANN_SELECTED_NODE]: node } } });
    return node;
  }

  /** The provisioner's part: creates the volume already pre-bound to the claim, then binds both. */
  private async provision(pvc: Obj, sc: Obj, selectedNode: string | undefined): Promise<void> {
    const ann = pvc.metadata.annotations ?? {};
    if (ann[u.ANN_STORAGE_PROVISIONER] !== sc.provisioner) {
      this.recorder.event(pvc, 'Normal', 'ExternalProvisioning', `Waiting for a volume to be created either by the external provisioner '${sc.provisioner}' or manually by the system administrator. If volume creation is delayed, please verify that the provisioner is running and correctly registered.`);
      pvc = await this.pvcClient.patch(pvc.metadata.namespace, pvc.metadata.name, 'merge', { metadata: { annotations: { [u.ANN_STORAGE_PROVISIONER]: sc.provisioner, [u.ANN_BETA_STORAGE_PROVISIONER]: sc.provisioner } } });
    }
    const provisioner = new EventRecorder(this.ctx.client, this.ctx.clock, { component: `${sc.provisioner}_kubesim` });
    const desired = u.provisionedVolume(pvc, sc, selectedNode);
    let pv = this.pvClient.get(undefined, desired.metadata.name);
    if (!pv) {
      provisioner.event(pvc, 'Normal', 'Provisioning', `External provisioner is provisioning volume for claim "${pvc.metadata.namespace}/${pvc.metadata.name}"`);
      try {
        pv = await this.pvClient.create(undefined, desired);
      } catch (err) {
        provisioner.event(pvc, 'Warning', 'ProvisioningFailed', `failed to provision volume with StorageClass "${sc.metadata.name}": ${(err as Error).message}`);
        throw err;
      }
      provisioner.event(pvc, 'Normal', 'ProvisioningSucceeded', `Successfully provisioned volume ${pv.metadata.name}`);
    }
    await this.bind(pv, pvc);
  }

  /** A claim naming its volume: finish the binding, or mark it Lost when the volume is gone or bound elsewhere. */
  private async syncBoundClaim(pvc: Obj): Promise<void> {
    const pv = this.volumes.get(pvc.spec.volumeName) ?? this.pvClient.get(undefined, pvc.spec.volumeName);
    const wasBound = pvc.metadata.annotations?.[u.ANN_BIND_COMPLETED] === 'yes';
    if (!pv || (pv.spec?.claimRef && !u.claimRefMatches(pv, pvc))) {
      if (wasBound && pvc.status?.phase !== 'Lost') {
        await this.pvcClient.patch(pvc.metadata.namespace, pvc.metadata.name, 'merge', { status: { phase: 'Lost' } }, { status: true });
        this.recorder.event(pvc, 'Warning', 'ClaimLost', 'Bound claim has lost its PersistentVolume. Data on the volume is lost!');
      }
      return;
    }
    await this.bind(pv, pvc);
  }

  /** bind: volume to claim, volume phase, claim to volume, claim status (each only when not yet so). */
  private async bind(pv: Obj, pvc: Obj): Promise<void> {
    const now = rfc3339(this.ctx.clock.now());
    if (!u.claimRefMatches(pv, pvc) || !pv.spec.claimRef.uid) {
      pv = await this.pvClient.patch(undefined, pv.metadata.name, 'merge', {
        metadata: { annotations: { [u.ANN_BOUND_BY_CONTROLLER]: 'yes' } },
        spec: { claimRef: u.claimRefOf(pvc) },
      });
    }
    if (pv.status?.phase !== 'Bound') {
      pv = await this.pvClient.patch(undefined, pv.metadata.name, 'merge', { status: { phase: 'Bound', lastPhaseTransitionTime: now } }, { status: true });
    }
    const ann = pvc.metadata.annotations ?? {};
    if (pvc.spec.volumeName !== pv.metadata.name || ann[u.ANN_BIND_COMPLETED] !== 'yes') {
      const annotations: Obj = { [u.ANN_BIND_COMPLETED]: 'yes' };
      if (pvc.spec.volumeName !== pv.metadata.name) annotations[u.ANN_BOUND_BY_CONTROLLER] = 'yes';
      pvc = await this.pvcClient.patch(pvc.metadata.namespace, pvc.metadata.name, 'merge', { metadata: { annotations }, spec: { volumeName: pv.metadata.name } });
    }
    const st = pvc.status ?? {};
    if (st.phase !== 'Bound' || JSON.stringify(st.capacity) !== JSON.stringify(pv.spec.capacity) || JSON.stringify(st.accessModes) !== JSON.stringify(pv.spec.accessModes)) {
      await this.pvcClient.patch(pvc.metadata.namespace, pvc.metadata.name, 'merge', { status: { phase: 'Bound', accessModes: pv.spec.accessModes, capacity: pv.spec.capacity } }, { status: true });
    }
  }

  /** pvc-protection: the finalizer goes once no unfinished pod mounts the claim. */
  private async releaseClaimProtection(pvc: Obj): Promise<void> {
    const fin: string[] = pvc.metadata.finalizers ?? [];
    if (!fin.includes(PVC_PROTECTION_FINALIZER) || this.consumers(pvc).length) return;
    await this.removeFinalizer(this.pvcClient, pvc, PVC_PROTECTION_FINALIZER);
  }

  // --- volumes --------------------------------------------------------------------------------------------------

  private async syncVolume(pv: Obj): Promise<void> {
    const phase = pv.status?.phase;
    if (pv.metadata.deletionTimestamp) {
      // pv-protection: a volume still Bound keeps its finalizer.
      if (phase !== 'Bound' && (pv.metadata.finalizers ?? []).includes(PV_PROTECTION_FINALIZER)) await this.removeFinalizer(this.pvClient, pv, PV_PROTECTION_FINALIZER);
      return;
    }
    const ref = pv.spec?.claimRef;
    const setPhase = (p: string) => this.pvClient.patch(undefined, pv.metadata.name, 'merge', { status: { phase: p, lastPhaseTransitionTime: rfc3339(this.ctx.clock.now()) } }, { status: true });
    if (!ref) {
      if (phase !== 'Available') await setPhase('Available');
      return;
    }
    const claim = this.claims.get(`${ref.namespace}/${ref.name}`) ?? this.pvcClient.get(ref.namespace, ref.name);
    if (claim && (!ref.uid || claim.metadata.uid === ref.uid)) {
      // Bound once the claim names this volume; a volume pre-bound to a pending claim waits for the claim sync.
      if (claim.spec?.volumeName === pv.metadata.name && phase !== 'Bound') await setPhase('Bound');
      else if (!claim.spec?.volumeName && phase === 'Pending') await setPhase('Available');
      return;
    }
    // The claim is gone: the volume is Released, then reclaimed by its policy.
    if (phase !== 'Released' && phase !== 'Failed') pv = await setPhase('Released');
    const policy = pv.spec?.persistentVolumeReclaimPolicy;
    if (policy === 'Delete') {
      await this.pvClient.delete(undefined, pv.metadata.name);
    } else if (policy === 'Recycle') {
      // The deprecated recycler scrubs the volume and makes it Available again.
      await this.pvClient.patch(undefined, pv.metadata.name, 'json', [{ op: 'remove', path: '/spec/claimRef' }]);
    }
  }

  private async removeFinalizer(client: ResourceClient, obj: Obj, finalizer: string): Promise<void> {
    const [namespace, name] = splitKey(keyOf(obj));
    try {
      const fresh = client.get(namespace, name);
      if (!fresh || fresh.metadata.uid !== obj.metadata.uid) return;
      await client.update({ ...fresh, metadata: { ...fresh.metadata, finalizers: (fresh.metadata.finalizers ?? []).filter((f: string) => f !== finalizer) } });
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }
}

export const persistentVolumeController: ComponentFactory = () => new PersistentVolumeController();
