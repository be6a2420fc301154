// POST pods/NAME/binding (upstream pkg/registry/core/pod/storage BindingREST): assigns a pending pod to a node by
// setting spec.nodeName and the PodScheduled=True condition in one guaranteed update. Used by the scheduler, over
// HTTP by anyone acting as a scheduler, and in process through Client.bindPod.
import { rfc3339 } from '../../../clock.js';
import { ApiError, errors } from '../../../machinery/errors.js';
import type { GenericStore } from '../../store.js';
import type { Obj, ResourceDef } from '../../types.js';

const BINDING_GR = { group: '', resource: 'pods/binding' };

export interface BindOptions {
  dryRun?: boolean;
  fieldManager?: string;
}

/** Validates a core/v1 Binding for the pod `name` and binds; resolves to the updated pod. */
export async function bindPod(store: GenericStore, def: ResourceDef, namespace: string, name: string, binding: Obj, opts: BindOptions = {}): Promise<Obj> {
  const meta = binding.metadata ?? {};
  if ((meta.name ?? '') !== name) throw errors.badRequest('name in URL does not match name in Binding object');
  // upstream ValidatePodBinding returns a plain aggregate error, which the apiserver reports as an internal error.
  const kind = binding.target?.kind ?? '';
  if (kind !== '' && kind !== 'Node') throw errors.internal(`target.kind: Unsupported value: "${kind}": supported values: "Node"`);
  const nodeName: string = binding.target?.name ?? '';
  if (!nodeName) throw errors.internal('target.name: Required value');
  const now = rfc3339(store.clock.now());
  try {
    return await store.mutate(
      def,
      namespace,
      name,
      (pod) => {
        const m = (pod.metadata ??= {});
        if (meta.uid && meta.uid !== m.uid) throw new Error(`Precondition failed: UID in precondition: ${meta.uid}, UID in object meta: ${m.uid}`);
        if (m.deletionTimestamp) throw new Error(`pod ${name} is being deleted, cannot be assigned to a host`);
        if (pod.spec?.nodeName) throw new Error(`pod ${name} is already assigned to node "${pod.spec.nodeName}"`);
        if ((pod.spec?.schedulingGates ?? []).length) throw new Error(`pod ${name} has non-empty .spec.schedulingGates`);
        pod.spec = { ...(pod.spec ?? {}), nodeName };
        if (meta.annotations && Object.keys(meta.annotations).length) m.annotations = { ...(m.annotations ?? {}), ...meta.annotations };
        // podutil.UpdatePodCondition: the condition is replaced; its transition time moves only when the status changes.
        const status = (pod.status ??= {});
        const conditions: Obj[] = status.conditions ?? [];
        const prev = conditions.find((c) => c.type === 'PodScheduled');
        const cond = { type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: prev?.status === 'True' ? prev.lastTransitionTime : now };
        status.conditions = prev ? conditions.map((c) => (c === prev ? cond : c)) : [...conditions, cond];
        return pod;
      },
      { subresource: 'binding', dryRun: opts.dryRun, fieldManager: opts.fieldManager },
    );
  } catch (err) {
    // Failures inside the update that are not API errors become 409s on pods/binding, like upstream assignPod.
    if (err instanceof ApiError) throw err;
    throw errors.conflict(BINDING_GR, name, (err as Error).message);
  }
}
