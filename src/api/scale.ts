// The /scale subresource: an autoscaling/v1 Scale view of a workload's replicas (upstream registry/apps/*/storage
// ScaleREST).
import { errors } from '../machinery/errors.js';
import { labelSelectorAsString } from '../machinery/labels.js';
import type { Obj, ResourceDef } from '../registry/types.js';

/** The value at a simple `.a.b.c` path (CRD scale paths are restricted to that form). */
function atPath(obj: Obj, path: string): unknown {
  let cur: unknown = obj;
  for (const k of path.split('.').filter(Boolean)) cur = cur && typeof cur === 'object' ? (cur as Obj)[k] : undefined;
  return cur;
}

export function readScale(def: ResourceDef, obj: Obj): Obj {
  const m = obj.metadata ?? {};
  const metadata = { name: m.name, namespace: m.namespace, uid: m.uid, resourceVersion: m.resourceVersion, creationTimestamp: m.creationTimestamp };
  const paths = def.scalePaths;
  if (paths) {
    // Custom resources: upstream's CRD scale subresource reads the paths the CRD declares (absent → 0, selector '').
    const spec = atPath(obj, paths.specReplicasPath);
    const status = atPath(obj, paths.statusReplicasPath);
    const selector = paths.labelSelectorPath ? atPath(obj, paths.labelSelectorPath) : undefined;
    return {
      kind: 'Scale',
      apiVersion: 'autoscaling/v1',
      metadata,
      spec: { replicas: typeof spec === 'number' ? spec : 0 },
      status: { replicas: typeof status === 'number' ? status : 0, selector: typeof selector === 'string' ? selector : '' },
    };
  }
  const selector = obj.spec?.selector ? labelSelectorAsString(obj.spec.selector) : '';
  return {
    kind: 'Scale',
    apiVersion: 'autoscaling/v1',
    metadata,
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
    if (def.scalePaths) {
      const keys = def.scalePaths.specReplicasPath.split('.').filter(Boolean);
      let cur: Obj = current;
      for (const k of keys.slice(0, -1)) cur = cur[k] && typeof cur[k] === 'object' ? cur[k] : (cur[k] = {});
      cur[keys[keys.length - 1]!] = replicas;
      return current;
    }
    current.spec = { ...(current.spec ?? {}), replicas };
    return current;
  };
}
