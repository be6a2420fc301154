// The generic resource endpoint: turns a routed request into a registry call and encodes the answer
// (upstream k8s.io/apiserver/pkg/endpoints/handlers: get.go, create.go, update.go, patch.go, delete.go, watch.go).
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Clock } from '../clock.js';
import { ApiError, errors, successStatus } from '../machinery/errors.js';
import { unmarshalTypeError } from '../machinery/patch/errors.js';
import { buildFilter } from '../registry/filter.js';
import { bindPod } from '../registry/resources/core/pod-binding.js';
import { Eviction, EVICTION_VERSIONS } from '../registry/resources/core/pod-eviction.js';
import type { GenericStore } from '../registry/store.js';
import { groupVersion, type Obj, type ResourceDef } from '../registry/types.js';
import { servePodLog } from './pod-log.js';
import { chooseFormat, decodeObjectBody, mediaType, parseBool, parseIntParam, type OutputFormat } from './negotiation.js';
import { fieldChecker, fieldValidationOf } from './field-validation.js';
import { APPLY_PATCH, applyPatchBody, PATCH_TYPES } from './patch.js';
import { jsonListBody } from './list-body.js';
import { readBody, sendJsonBytes, sendObject, TABLE_CONTENT_TYPE } from './respond.js';
import { readScale, scaleTransform } from './scale.js';
import { buildTable, tableListBody, type IncludeObject } from './table.js';
import { runWatch, watchParamsFromQuery, type WatchSink } from './watch.js';

export interface ResourceRequest {
  req: IncomingMessage;
  res: ServerResponse;
  method: string;
  def: ResourceDef;
  /** Namespace from the URL (undefined for cluster-scoped URLs and all-namespace lists). */
  namespace?: string;
  name?: string;
  subresource?: string;
  query: Record<string, string>;
}

export interface ResourceDeps {
  store: GenericStore;
  clock: Clock;
  /** The version reported at /version (decides which deprecation warnings are sent). */
  kubernetesVersion?: string;
  /** Period of the simulated containers' periodic log line (pods/log). */
  logIntervalMs?: number;
}

/** The deprecation warning of a built-in API when the reported version is at or past its deprecation. */
function deprecationWarning(def: ResourceDef, version: string | undefined): string | undefined {
  const m = /^v?(\d+)\.(\d+)/.exec(version ?? '');
  if (!def.deprecated || !m) return undefined;
  const [major, minor] = [Number(m[1]), Number(m[2])];
  const since = def.deprecated.since;
  return major > since.major || (major === since.major && minor >= since.minor) ? def.deprecated.warning : undefined;
}

/** The field manager of a write: the query parameter, else the User-Agent's product (upstream prefixFromUserAgent). */
function managerOf(r: ResourceRequest): string | undefined {
  const m = r.query.fieldManager;
  if (m !== undefined && m !== '') {
    if (m.length > 128) {
      throw errors.invalid('meta.k8s.io', 'UpdateOptions', '', `UpdateOptions.meta.k8s.io "" is invalid: fieldManager: Too long: may not be more than 128 bytes`, [
        { reason: 'FieldValueTooLong', message: 'Too long: may not be more than 128 bytes', field: 'fieldManager' },
      ]);
    }
    return m;
  }
  const ua = String(r.req.headers['user-agent'] ?? '');
  return ua ? ua.split('/')[0] : undefined;
}

function includeObjectOf(q: Record<string, string>): IncludeObject {
  return (q.includeObject as IncludeObject) || 'Metadata';
}

function dryRunOf(q: Record<string, string>): boolean {
  if (!q.dryRun) return false;
  if (q.dryRun !== 'All') throw errors.badRequest(`Invalid dryRun value: ${JSON.stringify(q.dryRun)}; supported values: "All"`);
  return true;
}

/** Sets kind/apiVersion from the endpoint and rejects bodies meant for another type (upstream decoder checks). */
function checkBodyType(def: ResourceDef, body: Obj, expectKind = def.kind, expectVersion = groupVersion(def)): void {
  if (body.apiVersion !== undefined && body.apiVersion !== expectVersion) {
    throw errors.badRequest(`the API version in the data (${body.apiVersion}) does not match the expected API version (${expectVersion})`);
  }
  if (body.kind !== undefined && body.kind !== expectKind) {
    throw errors.badRequest(`the kind in the data (${body.kind}) does not match the expected kind (${expectKind})`);
  }
  body.apiVersion = expectVersion;
  body.kind = expectKind;
}

const META_STRINGS = ['name', 'generateName', 'namespace', 'uid', 'resourceVersion'];

/**
 * upstream decodes bodies into typed structs: wrong JSON types in ObjectMeta, spec or status are a 400 decode error,
 * never stored (nor handed to defaulting code that expects objects). `body` has kind/apiVersion set already.
 */
function checkDecodedTypes(body: Obj, custom = false): void {
  const kind = String(body.kind);
  const version = String(body.apiVersion).split('/').pop();
  const fail = (value: unknown, struct: string, field: string, goType: string): never => {
    const why = unmarshalTypeError(value, goType, { struct, name: field });
    throw errors.badRequest(`${kind} in version "${version}" cannot be handled as a ${kind}: ${why}`);
  };
  // Custom resources have no typed spec/status: their schema validation reports wrong types (422, not 400).
  for (const part of custom ? [] : ['spec', 'status']) {
    const v = body[part];
    if (v != null && (typeof v !== 'object' || Array.isArray(v))) fail(v, kind, part, `v1.${kind}${part === 'spec' ? 'Spec' : 'Status'}`);
  }
  const meta = body.metadata;
  if (meta == null) return;
  for (const f of META_STRINGS) if (meta[f] != null && typeof meta[f] !== 'string') fail(meta[f], 'ObjectMeta', `metadata.${f}`, 'string');
  for (const f of ['labels', 'annotations']) {
    const v = meta[f];
    if (v == null) continue;
    if (typeof v !== 'object' || Array.isArray(v)) fail(v, 'ObjectMeta', `metadata.${f}`, 'map[string]string');
    for (const x of Object.values(v)) if (x != null && typeof x !== 'string') fail(x, 'ObjectMeta', `metadata.${f}`, 'string');
  }
  const fin = meta.finalizers;
  if (fin == null) return;
  if (!Array.isArray(fin)) fail(fin, 'ObjectMeta', 'metadata.finalizers', '[]string');
  for (const x of fin) if (x != null && typeof x !== 'string') fail(x, 'ObjectMeta', 'metadata.finalizers', 'string');
}

function checkBodyName(r: ResourceRequest, body: Obj): void {
  const meta = body.metadata;
  if (meta !== undefined && (meta === null || typeof meta !== 'object' || Array.isArray(meta))) {
    throw errors.badRequest('metadata must be an object');
  }
  checkDecodedTypes(body, r.def.custom);
  if (r.def.namespaced && r.namespace && meta?.namespace && meta.namespace !== r.namespace) {
    throw errors.badRequest('the namespace of the provided object does not match the namespace sent on the request');
  }
  if (r.name !== undefined && meta?.name && meta.name !== r.name) {
    throw errors.badRequest(`the name of the object (${meta.name}) does not match the name on the URL (${r.name})`);
  }
}

function sendOne(r: ResourceRequest, d: ResourceDeps, code: number, obj: Obj, format: OutputFormat, json?: string): void {
  if (format === 'table') {
    sendObject(r.res, code, buildTable(r.def, [obj], d.clock.now(), includeObjectOf(r.query), { resourceVersion: obj.metadata?.resourceVersion }), 'table');
    return;
  }
  sendObject(r.res, code, obj, format, json);
}

export async function handleResource(r: ResourceRequest, d: ResourceDeps): Promise<void> {
  const format = chooseFormat(r.req.headers.accept);
  const { def, method } = r;
  // Deprecated custom resource versions warn on every request (upstream's deprecation Warning header).
  if (def.warning) r.res.setHeader('Warning', [`299 - ${JSON.stringify(def.warning)}`]);
  const deprecation = deprecationWarning(def, d.kubernetesVersion);
  if (deprecation) r.res.setHeader('Warning', [`299 - ${JSON.stringify(deprecation)}`]);
  // Computed views (metrics.k8s.io) are read-only and cannot be watched, like metrics-server.
  if (def.computed && (method !== 'GET' || r.subresource || parseBool(r.query.watch))) throw errors.methodNotAllowed();
  if (r.subresource) return handleSubresource(r, d, format);
  if (def.review && method !== 'POST') throw errors.methodNotAllowed();

  if (r.name === undefined) {
    if (method === 'GET') {
      if (parseBool(r.query.watch)) return watch(r, d, format);
      return list(r, d, format);
    }
    if (method === 'POST') {
      if (def.namespaced && !r.namespace) throw errors.methodNotAllowed();
      const body = decodeObjectBody(await readBody(r.req), r.req.headers['content-type']);
      checkBodyType(def, body);
      checkBodyName(r, body);
      if (def.review) return sendObject(r.res, 201, def.review(body), format === 'table' ? 'json' : format);
      const checked = (await fieldChecker(def, fieldValidationOf(r.query), r.res))(body);
      const created = await d.store.createStored(def, r.namespace, checked, { dryRun: dryRunOf(r.query), fieldManager: managerOf(r), owned: true });
      return sendOne(r, d, 201, created.object, format, created.json);
    }
    if (method === 'DELETE') {
      if (def.verbs && !def.verbs.includes('deletecollection')) throw errors.methodNotAllowed();
      return deleteCollection(r, d);
    }
    throw errors.methodNotAllowed();
  }

  switch (method) {
    case 'GET': {
      const found = d.store.get(def, r.namespace, r.name);
      return sendOne(r, d, 200, found.object as Obj, format, found.json);
    }
    case 'PUT': {
      const body = decodeObjectBody(await readBody(r.req), r.req.headers['content-type']);
      checkBodyType(def, body);
      checkBodyName(r, body);
      const checked = (await fieldChecker(def, fieldValidationOf(r.query), r.res))(body);
      const out = await d.store.update(def, r.namespace, r.name, checked, { dryRun: dryRunOf(r.query), fieldManager: managerOf(r) });
      return sendOne(r, d, out.created ? 201 : 200, out.object, format);
    }
    case 'PATCH':
      return patch(r, d, format);
    case 'DELETE':
      return deleteOne(r, d, format);
    default:
      throw errors.methodNotAllowed();
  }
}

function list(r: ResourceRequest, d: ResourceDeps, format: OutputFormat): void {
  const { def, query: q } = r;
  const page = d.store.list(def, {
    namespace: r.namespace,
    filter: buildFilter(def, q.labelSelector, q.fieldSelector),
    limit: parseIntParam('limit', q.limit),
    continueToken: q.continue || undefined,
    resourceVersion: q.resourceVersion,
    resourceVersionMatch: q.resourceVersionMatch,
  });
  if (format === 'table') {
    const table = tableListBody(def, page.items, d.clock.now(), includeObjectOf(q), {
      resourceVersion: page.resourceVersion,
      continue: page.continueToken,
      remainingItemCount: page.remainingItemCount,
    });
    return sendJsonBytes(r.res, 200, table, TABLE_CONTENT_TYPE);
  }
  // Fast path: splice the stored JSON of each item into the list body instead of re-serialising objects.
  let meta = `{"resourceVersion":"${page.resourceVersion}"`;
  if (page.continueToken) meta += `,"continue":"${page.continueToken}"`;
  if (page.remainingItemCount !== undefined) meta += `,"remainingItemCount":${page.remainingItemCount}`;
  meta += '}';
  const head = `{"kind":"${def.listKind ?? `${def.kind}List`}","apiVersion":"${groupVersion(def)}","metadata":${meta},"items":[`;
  if (format === 'yaml') return sendObject(r.res, 200, undefined, 'yaml', head + page.items.map((i) => i.json).join(',') + ']}');
  sendJsonBytes(r.res, 200, jsonListBody(head, page.items, ']}'));
}

function watch(r: ResourceRequest, d: ResourceDeps, format: OutputFormat): void {
  const params = watchParamsFromQuery(r.def, r.namespace, r.query, format === 'table');
  const res = r.res;
  res.writeHead(200, {
    'Content-Type': format === 'table' ? 'application/json;as=Table;v=v1;g=meta.k8s.io' : 'application/json',
    'Transfer-Encoding': 'chunked',
    'Cache-Control': 'no-cache, private',
  });
  res.flushHeaders();
  const sink: WatchSink = {
    write: (t) => res.write(t),
    end: () => res.end(),
    onClose: (fn) => res.on('close', fn),
  };
  runWatch(d.store.storage, d.clock, params, sink);
}

/** The typed decode of a DeleteOptions body: wrong JSON types are a 400, not a crash further down. */
function checkDeleteOptionTypes(body: Obj): void {
  const fail = (value: unknown, field: string, goType: string): never => {
    throw errors.badRequest(unmarshalTypeError(value, goType, { struct: 'DeleteOptions', name: field }));
  };
  const grace = body.gracePeriodSeconds;
  if (grace != null && !Number.isInteger(grace)) fail(grace, 'gracePeriodSeconds', 'int64');
  for (const f of ['propagationPolicy', 'kind', 'apiVersion']) if (body[f] != null && typeof body[f] !== 'string') fail(body[f], f, 'string');
  if (body.orphanDependents != null && typeof body.orphanDependents !== 'boolean') fail(body.orphanDependents, 'orphanDependents', 'bool');
  const pre = body.preconditions;
  if (pre == null) return;
  if (typeof pre !== 'object' || Array.isArray(pre)) fail(pre, 'preconditions', 'v1.Preconditions');
  for (const f of ['uid', 'resourceVersion']) if (pre[f] != null && typeof pre[f] !== 'string') fail(pre[f], `preconditions.${f}`, 'string');
}

async function readDeleteOptions(r: ResourceRequest): Promise<Obj> {
  const raw = r.method === 'DELETE' ? await readBody(r.req) : Buffer.alloc(0);
  const body: Obj = raw.length && raw.toString('utf8').trim() ? decodeObjectBody(raw, r.req.headers['content-type']) : {};
  if (body.kind !== undefined && body.kind !== 'DeleteOptions') {
    throw errors.badRequest(`the kind in the data (${body.kind}) does not match the expected kind (DeleteOptions)`);
  }
  checkDeleteOptionTypes(body);
  const q = r.query;
  const grace = parseIntParam('gracePeriodSeconds', q.gracePeriodSeconds);
  if (grace !== undefined) body.gracePeriodSeconds = grace;
  if (q.propagationPolicy) body.propagationPolicy = q.propagationPolicy;
  const orphan = parseBool(q.orphanDependents);
  if (orphan !== undefined) body.orphanDependents = orphan;
  if (q.dryRun) body.dryRun = [q.dryRun];
  if (body.propagationPolicy && !['Orphan', 'Background', 'Foreground'].includes(body.propagationPolicy)) {
    throw errors.badRequest(`propagationPolicy: Unsupported value: "${body.propagationPolicy}": supported values: "Foreground", "Background", "Orphan"`);
  }
  if (body.dryRun && !(Array.isArray(body.dryRun) && body.dryRun.every((v: unknown) => v === 'All'))) {
    throw errors.badRequest(`Invalid dryRun value: ${JSON.stringify(body.dryRun)}; supported values: "All"`);
  }
  return body;
}

async function deleteOne(r: ResourceRequest, d: ResourceDeps, format: OutputFormat): Promise<void> {
  const opts = await readDeleteOptions(r);
  const out = await d.store.delete(r.def, r.namespace, r.name!, {
    dryRun: (opts.dryRun ?? []).includes('All'),
    gracePeriodSeconds: opts.gracePeriodSeconds ?? undefined,
    propagationPolicy: opts.propagationPolicy,
    preconditions: opts.preconditions ?? undefined,
  });
  // Not gone yet (finalizers, grace period): the object, 200 like upstream (202 only for orphanDependents=false);
  // gone: the object or a Success Status.
  if (!out.deleted) return sendOne(r, d, opts.orphanDependents === false ? 202 : 200, out.object, format);
  if (r.def.returnDeletedObject) return sendOne(r, d, 200, out.object, format);
  const m = out.object.metadata ?? {};
  sendObject(r.res, 200, successStatus({ name: m.name, group: r.def.group, kind: r.def.plural, uid: m.uid }));
}

async function deleteCollection(r: ResourceRequest, d: ResourceDeps): Promise<void> {
  const opts = await readDeleteOptions(r);
  const { def, query: q } = r;
  const page = d.store.list(def, { namespace: r.namespace, filter: buildFilter(def, q.labelSelector, q.fieldSelector) });
  const deleted: Obj[] = [];
  for (const item of page.items) {
    const o = item.object as Obj;
    try {
      const out = await d.store.delete(def, o.metadata?.namespace, o.metadata?.name, {
        dryRun: (opts.dryRun ?? []).includes('All'),
        gracePeriodSeconds: opts.gracePeriodSeconds ?? undefined,
        propagationPolicy: opts.propagationPolicy,
      });
      deleted.push(out.object);
    } catch (err) {
      // Deleted concurrently: that is fine for a collection delete (upstream ignores NotFound here).
      if ((err as { code?: number }).code !== 404) throw err;
    }
  }
  // upstream answers DELETECOLLECTION with the list of deleted objects.
  sendObject(r.res, 200, { kind: def.listKind ?? `${def.kind}List`, apiVersion: groupVersion(def), metadata: { resourceVersion: String(d.store.storage.currentRevision()) }, items: deleted });
}

async function patch(r: ResourceRequest, d: ResourceDeps, format: OutputFormat, subresource?: 'status'): Promise<void> {
  const type = mediaType(r.req.headers['content-type']);
  const served = r.def.patchTypes ?? PATCH_TYPES;
  if (!served.includes(type)) {
    throw errors.unsupportedMediaType(served.join(', '));
  }
  if (type !== APPLY_PATCH && r.query.force !== undefined) {
    throw errors.invalid('meta.k8s.io', 'PatchOptions', '', 'PatchOptions.meta.k8s.io "" is invalid: force: Forbidden: may not be specified for non-apply patch', [
      { reason: 'FieldValueForbidden', message: 'Forbidden: may not be specified for non-apply patch', field: 'force' },
    ]);
  }
  const raw = await readBody(r.req);
  const dryRun = dryRunOf(r.query);
  const checkFields = await fieldChecker(r.def, fieldValidationOf(r.query), r.res);
  const out = await applyPatchBody(d.store, r.def, r.namespace, r.name!, type, raw, {
    checkFields,
    dryRun,
    // Apply needs an explicit manager (no User-Agent default), like upstream.
    fieldManager: type === APPLY_PATCH ? r.query.fieldManager : managerOf(r),
    subresource,
    force: parseBool(r.query.force) ?? false,
  });
  sendOne(r, d, out.created ? 201 : 200, out.object, format);
}

async function handleSubresource(r: ResourceRequest, d: ResourceDeps, format: OutputFormat): Promise<void> {
  const { def, method } = r;
  const sub = def.subresources?.find((s) => s.name === r.subresource);
  if (!sub || r.name === undefined) throw errors.pathNotFound();
  const verb = method === 'GET' ? 'get' : method === 'PUT' ? 'update' : method === 'PATCH' ? 'patch' : method === 'POST' ? 'create' : 'delete';
  if (!sub.verbs.includes(verb)) throw errors.methodNotAllowed();

  if (sub.name === 'status') {
    if (method === 'GET') {
      const found = d.store.get(def, r.namespace, r.name);
      return sendOne(r, d, 200, found.object as Obj, format, found.json);
    }
    if (method === 'PATCH') return patch(r, d, format, 'status');
    const body = decodeObjectBody(await readBody(r.req), r.req.headers['content-type']);
    checkBodyType(def, body);
    checkBodyName(r, body);
    const out = await d.store.update(def, r.namespace, r.name, body, { dryRun: dryRunOf(r.query), subresource: 'status', fieldManager: managerOf(r) });
    return sendOne(r, d, 200, out.object, format);
  }
  if (sub.name === 'scale') {
    // upstream ScaleREST reports a missing parent as NotFound on "<plural>/scale" (e.g. deployments/scale.apps).
    const scaleNotFound = (err: unknown): never => {
      if (err instanceof ApiError && err.code === 404) throw errors.notFound({ group: def.group, resource: `${def.plural}/scale` }, r.name!);
      throw err;
    };
    if (method === 'GET') {
      let found;
      try {
        found = d.store.get(def, r.namespace, r.name);
      } catch (err) {
        scaleNotFound(err);
      }
      return sendObject(r.res, 200, readScale(def, found!.object as Obj), format === 'table' ? 'json' : format);
    }
    const dryRun = dryRunOf(r.query);
    let transformBody: (scale: Obj) => Obj;
    if (method === 'PUT') {
      const body = decodeObjectBody(await readBody(r.req), r.req.headers['content-type']);
      checkBodyType(def, body, 'Scale', 'autoscaling/v1');
      checkBodyName(r, body);
      transformBody = () => body;
    } else {
      const type = mediaType(r.req.headers['content-type']);
      if (!PATCH_TYPES.includes(type)) throw errors.unsupportedMediaType(PATCH_TYPES.join(', '));
      const raw = await readBody(r.req);
      const { patchScale } = await import('./patch.js');
      transformBody = (scale) => patchScale(scale, type, raw);
    }
    const updated = await d.store.mutate(def, r.namespace, r.name, scaleTransform(def, transformBody), { dryRun, fieldManager: managerOf(r), managedFieldsSubresource: 'scale' }).catch(scaleNotFound);
    return sendObject(r.res, 200, readScale(def, updated), format === 'table' ? 'json' : format);
  }
  if (sub.name === 'finalize' && method === 'PUT') {
    // Namespaces: /finalize writes only spec.finalizers (used by the namespace controller and by hand).
    const body = decodeObjectBody(await readBody(r.req), r.req.headers['content-type']);
    checkBodyType(def, body);
    const out = await d.store.finalizeNamespace(r.name, body.spec?.finalizers ?? [], dryRunOf(r.query));
    return sendOne(r, d, 200, out, format);
  }
  if (sub.name === 'binding') {
    // pods/NAME/binding: like upstream BindingREST, answers 201 with a Success Status.
    const body = decodeObjectBody(await readBody(r.req), r.req.headers['content-type']);
    checkBodyType(def, body, 'Binding', 'v1');
    await bindPod(d.store, def, r.namespace!, r.name, body, { dryRun: dryRunOf(r.query), fieldManager: managerOf(r) });
    return sendObject(r.res, 201, { ...successStatus(), code: 201 }, format === 'table' ? 'json' : format);
  }
  if (sub.name === 'log' && def.group === '' && def.plural === 'pods') {
    return servePodLog({ req: r.req, res: r.res, def, namespace: r.namespace!, name: r.name, query: r.query }, d);
  }
  if (sub.name === 'eviction') {
    // pods/NAME/eviction: policy/v1 or policy/v1beta1 Eviction bodies (upstream EvictionREST.AcceptsGroupVersion);
    // answers 201 with a Success Status, or 429 when a PodDisruptionBudget forbids it.
    const body = decodeObjectBody(await readBody(r.req), r.req.headers['content-type']);
    checkBodyType(def, body, 'Eviction', EVICTION_VERSIONS.includes(body.apiVersion) ? body.apiVersion : 'policy/v1');
    const meta = body.metadata;
    if (meta !== undefined && meta !== null && (typeof meta !== 'object' || Array.isArray(meta))) throw errors.badRequest('metadata must be an object');
    checkDecodedTypes(body);
    if (meta?.namespace && meta.namespace !== r.namespace) {
      throw errors.badRequest('the namespace of the provided object does not match the namespace sent on the request');
    }
    const out = await new Eviction(d.store, def).evict(r.namespace!, r.name, body, { dryRun: dryRunOf(r.query), fieldManager: managerOf(r) });
    return sendObject(r.res, out.code, out.status, format === 'table' ? 'json' : format);
  }
  throw errors.pathNotFound();
}
