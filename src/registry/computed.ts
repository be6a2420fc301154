// GET and LIST of computed resources (ResourceDef.computed, e.g. metrics.k8s.io): the objects are built from the
// stored ones at request time, filtered by the usual selectors, and handed out in the shape stored objects have, so
// the REST handlers, Table output and the in-process client serve them unchanged. Like metrics-server, a LIST is
// one page (limit/continue are ignored) and carries the current revision.
import { errors } from '../machinery/errors.js';
import type { Storage, StoredObject } from '../storage/interface.js';
import { objectKey } from './keys.js';
import { listObjects, type ListPage, type ListParams } from './list.js';
import type { Obj, ResourceDef } from './types.js';

function read(storage: Storage): (def: ResourceDef, namespace?: string) => Obj[] {
  return (def, namespace) => listObjects(storage, def, { namespace }).items.map((i) => i.object as Obj);
}

function stored(storage: Storage, def: ResourceDef, o: Obj): StoredObject {
  const revision = storage.currentRevision();
  return { key: objectKey(def, o.metadata?.namespace, o.metadata?.name), object: o, json: JSON.stringify(o), revision };
}

export function computedList(storage: Storage, def: ResourceDef, params: ListParams, now: number): ListPage {
  const all = def.computed!.list(read(storage), def.namespaced ? params.namespace : undefined, now);
  const items = params.filter?.active ? all.filter((o) => params.filter!.matches(o)) : all;
  return { items: items.map((o) => stored(storage, def, o)), resourceVersion: String(storage.currentRevision()) };
}

export function computedGet(storage: Storage, def: ResourceDef, namespace: string | undefined, name: string, now: number): StoredObject {
  const found = def.computed!.list(read(storage), def.namespaced ? namespace : undefined, now).find((o) => o.metadata?.name === name);
  if (found) return stored(storage, def, found);
  const nf = def.computed!.notFound?.(namespace, name) ?? { resource: def.plural, name };
  throw errors.notFound({ group: def.group, resource: nf.resource }, nf.name);
}
