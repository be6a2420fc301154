// The /scale subresource: an autoscaling/v1 Scale view of a workload's replicas (upstream registry/apps/*/storage
// ScaleREST).
import { errors } from '../machinery/errors.js';
import { labelSelectorAsString } from '../machinery/labels.js';
import type { Obj, ResourceDef } from '../registry/types.js';

export function readScale(def: ResourceDef, obj: Obj): Obj {
  const m = obj.metadata ?? {};
  const selector = obj.spec?.selector ? labelSelectorAsString(obj.spec.selector) : '';
  return {
    kind: 'Scale',
    apiVersion: 'autoscaling/v1',
    metadata: { name: m.name, namespace: m.namespace, uid: m.uid, resourceVersion: m.resourceVersion, creationTimestamp: m.creationTimestamp },
    spec: { replicas: obj.spec?.replicas ?? 0 },
    status: { replicas: obj.status?.replicas ?? 0, selector: selector === '<none>' ? '' : selector },
  };
}

/** Wraps a Scale → Scale change into a transform of the parent object that only touches spec.replicas. */
export function scaleTransform(def: ResourceDef, change: (scale: Obj) => Obj): (current: Obj) => Obj {
  return (current) => {
    const before = readScale(def, current);
    const after = change(structuredClone(before));
    const wantRV = after.metadata?.resourceVersion;
    if (wantRV && wantRV !== before.metadata.resourceVersion) {
      throw errors.conflict({ group: def.group, resource: def.plural }, before.metadata.name, 'the object has been modified; please apply your changes to the latest version and try again');
    }
    const replicas = after.spec?.replicas ?? 0;
    if (!Number.isInteger(replicas) || replicas < 0) {
      const name = before.metadata.name;
      const detail = !Number.isInteger(replicas) ? 'must be an integer' : 'must be greater than or equal to 0';
      throw errors.invalid('autoscaling', 'Scale', name, `Scale.autoscaling "${name}" is invalid: spec.replicas: Invalid value: ${JSON.stringify(replicas)}: ${detail}`, [
        { reason: 'FieldValueInvalid', message: `Invalid value: ${JSON.stringify(replicas)}: ${detail}`, field: 'spec.replicas' },
      ]);
    }
    current.spec = { ...(current.spec ?? {}), replicas };
    return current;
  };
}
