// The paths of one served resource in a group-version document, shaped like kube-apiserver's (endpoints/installer.go
// as rendered by kube-openapi v3): collection, item, subresource and watch paths; operations with their
// x-kubernetes-action and x-kubernetes-group-version-kind; parameters, request bodies and responses written inline.
import { ALL_VERBS, type ResourceDef, type SubresourceDef } from '../registry/types.js';
import { CREATE_PARAMS, DELETE_COLLECTION_PARAMS, DELETE_PARAMS, LIST_PARAMS, P, PATCH_PARAMS, pathParam, type Parameter } from './parameters.js';
import { ref, type GVK } from './schema.js';

type Obj = Record<string, any>;

const META = 'io.k8s.apimachinery.pkg.apis.meta.v1.';
const OBJECT_TYPES = ['application/json', 'application/vnd.kubernetes.protobuf', 'application/yaml'];
const LIST_TYPES = ['application/json', 'application/json;stream=watch', 'application/vnd.kubernetes.protobuf', 'application/vnd.kubernetes.protobuf;stream=watch', 'application/yaml'];
const PATCH_TYPES = ['application/apply-patch+yaml', 'application/json-patch+json', 'application/merge-patch+json', 'application/strategic-merge-patch+json'];
const UNAUTHORIZED = { description: 'Unauthorized' };

/** Resolves a kind to its schema name (from x-kubernetes-group-version-kind), or undefined when not declared. */
export type KindSchemas = (gvk: GVK) => string | undefined;

function content(types: string[], schemaName: string): Obj {
  return Object.fromEntries(types.map((t) => [t, { schema: ref(schemaName) }]));
}

function responses(codes: Record<string, string>, schemaName: string, types = OBJECT_TYPES): Obj {
  const out: Obj = {};
  const text: Record<string, string> = { 200: 'OK', 201: 'Created', 202: 'Accepted' };
  for (const [code, name] of Object.entries(codes)) out[code] = { content: content(types, name), description: text[code] };
  out[401] = UNAUTHORIZED;
  return out;
}

function requestBody(types: string[], schemaName: string, required: boolean): Obj {
  return required ? { content: content(types, schemaName), required: true } : { content: content(types, schemaName) };
}

function camel(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** `core_v1`, `apps_v1`, `rbac_authorization_v1`: upstream's tags. */
export function tagOf(group: string, version: string): string {
  return `${group ? group.replace(/\.k8s\.io$/, '').replace(/\./g, '_') : 'core'}_${version}`;
}

/** `CoreV1`, `AppsV1`, `CoordinationV1`, `RbacAuthorizationV1`: the group-version part of operation ids. */
function opGroup(group: string, version: string): string {
  const g = group ? group.replace(/\.k8s\.io$/, '').split(/[.-]/).map(camel).join('') : 'Core';
  return g + camel(version);
}

interface Ctx {
  def: ResourceDef;
  /** `CoreV1`, `AppsV1` */
  gv: string;
  tag: string;
  gvk: GVK;
}

function op(ctx: Ctx, o: { id: string; description: string; action: string; gvk?: GVK; parameters?: Parameter[]; body?: Obj; responses: Obj }): Obj {
  const out: Obj = { description: o.description, operationId: o.id };
  if (o.parameters?.length) out.parameters = o.parameters;
  if (o.body) out.requestBody = o.body;
  out.responses = o.responses;
  out.tags = [ctx.tag];
  out['x-kubernetes-action'] = o.action;
  out['x-kubernetes-group-version-kind'] = o.gvk ?? ctx.gvk;
  return out;
}

/** Streaming subresources answer text or upgrade the connection (upstream's "connect" actions): not described yet. */
const STREAMING = new Set(['log', 'exec', 'attach', 'portforward', 'proxy']);

function subresourcePath(ctx: Ctx, sub: SubresourceDef, kinds: KindSchemas, scope: string, itemParams: Parameter[]): Obj {
  const { def } = ctx;
  if (STREAMING.has(sub.name)) return {};
  const gvk: GVK = sub.kind ? { group: sub.kind.group, kind: sub.kind.kind, version: sub.kind.version } : ctx.gvk;
  const schema = kinds(gvk);
  if (!schema) return {};
  const suffix = camel(sub.name);
  const name = `${scope}${def.kind}${suffix}`;
  const what = `${sub.name} of the specified ${def.kind}`;
  const path: Obj = {};
  if (sub.verbs.includes('get')) {
    path.get = op(ctx, { id: `read${ctx.gv}${name}`, description: `read ${what}`, action: 'get', gvk, responses: responses({ 200: schema }, schema) });
  }
  path.parameters = itemParams;
  if (sub.verbs.includes('patch')) {
    path.patch = op(ctx, {
      id: `patch${ctx.gv}${name}`,
      description: `partially update ${what}`,
      action: 'patch',
      gvk,
      parameters: PATCH_PARAMS,
      body: requestBody(def.patchTypes ? [...def.patchTypes].sort() : PATCH_TYPES, `${META}Patch`, true),
      responses: responses({ 200: schema, 201: schema }, schema),
    });
  }
  if (sub.verbs.includes('create')) {
    path.post = op(ctx, {
      id: `create${ctx.gv}${name}`,
      description: `create ${sub.name} of a ${def.kind}`,
      action: 'post',
      gvk,
      parameters: CREATE_PARAMS,
      body: requestBody(['*/*'], schema, true),
      responses: responses({ 200: schema, 201: schema, 202: schema }, schema),
    });
  }
  if (sub.verbs.includes('update')) {
    path.put = op(ctx, {
      id: `replace${ctx.gv}${name}`,
      description: `replace ${what}`,
      action: 'put',
      gvk,
      parameters: CREATE_PARAMS,
      body: requestBody(['*/*'], schema, true),
      responses: responses({ 200: schema, 201: schema }, schema),
    });
  }
  return path;
}

/** All paths of one resource, keyed by URL template. */
export function resourcePaths(def: ResourceDef, kinds: KindSchemas): Record<string, Obj> {
  const gvk: GVK = { group: def.group, kind: def.kind, version: def.version };
  const kindSchema = kinds(gvk);
  if (!kindSchema) return {};
  const listSchema = kinds({ ...gvk, kind: def.listKind ?? `${def.kind}List` });
  const ctx: Ctx = { def, gv: opGroup(def.group, def.version), tag: tagOf(def.group, def.version), gvk };
  const verbs = new Set(def.verbs ?? ALL_VERBS);
  const base = def.group ? `/apis/${def.group}/${def.version}` : `/api/${def.version}`;
  const ns = def.namespaced ? '/namespaces/{namespace}' : '';
  const scope = def.namespaced ? 'Namespaced' : '';
  const scopeParams = def.namespaced ? [P.namespace] : [];
  const itemParams = [pathParam('name', `name of the ${def.kind}`), ...scopeParams, P.pretty];
  const kind = def.kind;
  const paths: Record<string, Obj> = {};

  const collection: Obj = {};
  if (verbs.has('deletecollection')) {
    collection.delete = op(ctx, {
      id: `deleteCollection${ctx.gv}${scope}${kind}`,
      description: `delete collection of ${kind}`,
      action: 'deletecollection',
      parameters: DELETE_COLLECTION_PARAMS,
      body: requestBody(['*/*'], `${META}DeleteOptions`, false),
      responses: responses({ 200: `${META}Status` }, `${META}Status`),
    });
  }
  if (verbs.has('list') && listSchema) {
    collection.get = op(ctx, {
      id: `list${ctx.gv}${scope}${kind}`,
      description: `list or watch objects of kind ${kind}`,
      action: 'list',
      parameters: LIST_PARAMS,
      responses: responses({ 200: listSchema }, listSchema, LIST_TYPES),
    });
  }
  collection.parameters = [...scopeParams, P.pretty];
  if (verbs.has('create')) {
    collection.post = op(ctx, {
      id: `create${ctx.gv}${scope}${kind}`,
      description: `create a ${kind}`,
      action: 'post',
      parameters: CREATE_PARAMS,
      body: requestBody(['*/*'], kindSchema, true),
      responses: responses({ 200: kindSchema, 201: kindSchema, 202: kindSchema }, kindSchema),
    });
  }
  paths[`${base}${ns}/${def.plural}`] = collection;

  const item: Obj = {};
  if (verbs.has('delete')) {
    const deleted = def.returnDeletedObject ? kindSchema : `${META}Status`;
    item.delete = op(ctx, {
      id: `delete${ctx.gv}${scope}${kind}`,
      description: `delete a ${kind}`,
      action: 'delete',
      parameters: DELETE_PARAMS,
      body: requestBody(['*/*'], `${META}DeleteOptions`, false),
      responses: responses({ 200: deleted, 202: deleted }, deleted),
    });
  }
  if (verbs.has('get')) {
    item.get = op(ctx, { id: `read${ctx.gv}${scope}${kind}`, description: `read the specified ${kind}`, action: 'get', responses: responses({ 200: kindSchema }, kindSchema) });
  }
  item.parameters = itemParams;
  if (verbs.has('patch')) {
    item.patch = op(ctx, {
      id: `patch${ctx.gv}${scope}${kind}`,
      description: `partially update the specified ${kind}`,
      action: 'patch',
      parameters: PATCH_PARAMS,
      body: requestBody(def.patchTypes ? [...def.patchTypes].sort() : PATCH_TYPES, `${META}Patch`, true),
      responses: responses({ 200: kindSchema, 201: kindSchema }, kindSchema),
    });
  }
  if (verbs.has('update')) {
    item.put = op(ctx, {
      id: `replace${ctx.gv}${scope}${kind}`,
      description: `replace the specified ${kind}`,
      action: 'put',
      parameters: CREATE_PARAMS,
      body: requestBody(['*/*'], kindSchema, true),
      responses: responses({ 200: kindSchema, 201: kindSchema }, kindSchema),
    });
  }
  paths[`${base}${ns}/${def.plural}/{name}`] = item;
  // create-only kinds (SelfSubjectAccessReview ...) have no item path, like upstream
  for (const [key, p] of Object.entries(paths)) if (Object.keys(p).every((k) => k === 'parameters')) delete paths[key];

  for (const sub of def.subresources ?? []) {
    const p = subresourcePath(ctx, sub, kinds, scope, itemParams);
    if (Object.keys(p).length > 1) paths[`${base}${ns}/${def.plural}/{name}/${sub.name}`] = p;
  }

  if (def.namespaced && verbs.has('list') && listSchema) {
    paths[`${base}/${def.plural}`] = {
      get: op(ctx, { id: `list${ctx.gv}${kind}ForAllNamespaces`, description: `list or watch objects of kind ${kind}`, action: 'list', responses: responses({ 200: listSchema }, listSchema, LIST_TYPES) }),
      parameters: [...LIST_PARAMS, P.pretty],
    };
  }
  if (verbs.has('watch')) {
    const watch = (id: string, description: string, action: string, parameters: Parameter[]): Obj => ({
      get: op(ctx, { id, description, action, responses: responses({ 200: `${META}WatchEvent` }, `${META}WatchEvent`, LIST_TYPES) }),
      parameters,
    });
    paths[`${base}/watch${ns}/${def.plural}`] = watch(
      `watch${ctx.gv}${scope}${kind}List`,
      `watch individual changes to a list of ${kind}. deprecated: use the 'watch' parameter with a list operation instead.`,
      'watchlist',
      [...LIST_PARAMS, ...scopeParams, P.pretty],
    );
    paths[`${base}/watch${ns}/${def.plural}/{name}`] = watch(
      `watch${ctx.gv}${scope}${kind}`,
      `watch changes to an object of kind ${kind}. deprecated: use the 'watch' parameter with a list operation instead, filtered to a single item with the 'fieldSelector' parameter.`,
      'watch',
      [...LIST_PARAMS, pathParam('name', `name of the ${kind}`), ...scopeParams, P.pretty],
    );
    if (def.namespaced) {
      paths[`${base}/watch/${def.plural}`] = watch(
        `watch${ctx.gv}${kind}ListForAllNamespaces`,
        `watch individual changes to a list of ${kind}. deprecated: use the 'watch' parameter with a list operation instead.`,
        'watchlist',
        [...LIST_PARAMS, P.pretty],
      );
    }
  }
  return paths;
}

/** `GET /api/v1/`, `GET /apis/apps/v1/`: the group-version's APIResourceList. */
export function resourcesPath(group: string, version: string): Record<string, Obj> {
  const base = group ? `/apis/${group}/${version}/` : `/api/${version}/`;
  return {
    [base]: {
      get: {
        description: 'get available resources',
        operationId: `get${opGroup(group, version)}APIResources`,
        responses: { 200: { content: content(['application/json', 'application/vnd.kubernetes.protobuf', 'application/yaml'], `${META}APIResourceList`), description: 'OK' }, 401: UNAUTHORIZED },
        tags: [tagOf(group, version)],
      },
    },
  };
}
