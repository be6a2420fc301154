// Per group-version OpenAPI v3 documents (/openapi/v3/api/v1, /openapi/v3/apis/apps/v1 ...) and the discovery index
// that points at them with a content hash, like kube-openapi's handler3: the documents are assembled once from the
// catalogue and the enriched schemas, serialised once, and hashed (SHA-512, upper-case hex, as upstream's ETag).
import { createHash } from 'node:crypto';
import type { Catalog } from '../registry/catalog.js';
import type { ResourceDef } from '../registry/types.js';
import { enrichedSchemas } from './enrich.js';
import { resourcePaths, resourcesPath, type KindSchemas } from './paths.js';
import { refName, type Artifact, type GVK, type Schema } from './schema.js';

type Obj = Record<string, any>;

const META = 'io.k8s.apimachinery.pkg.apis.meta.v1.';
/** Kinds every group-version registers (metav1.AddToGroupVersion); upstream lists them under each one. */
const SHARED_KINDS = ['DeleteOptions', 'WatchEvent'];

export interface GroupVersion {
  group: string;
  version: string;
}

export interface ServedDocument {
  body: Buffer;
  /** SHA-512 of the body, upper-case hex: the ETag (quoted) and the `hash` query parameter. */
  hash: string;
}

/** `api/v1`, `apis/apps/v1`: the key in the index and the URL below /openapi/v3/. */
export function gvPath(gv: GroupVersion): string {
  return gv.group ? `apis/${gv.group}/${gv.version}` : `api/${gv.version}`;
}

export function hashOf(body: Buffer | string): string {
  return createHash('sha512').update(body).digest('hex').toUpperCase();
}

function serve(doc: unknown): ServedDocument {
  const body = Buffer.from(JSON.stringify(doc));
  return { body, hash: hashOf(body) };
}

function sortKeys<T>(obj: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.keys(obj).sort().map((k) => [k, obj[k]!]));
}

/** Kind -> schema name, from the schemas' x-kubernetes-group-version-kind. */
export function kindIndex(schemas: Record<string, Schema>): KindSchemas {
  const byKind = new Map<string, string>();
  for (const [name, s] of Object.entries(schemas)) {
    for (const g of s['x-kubernetes-group-version-kind'] ?? []) {
      const key = `${g.group}/${g.version}/${g.kind}`;
      if (!byKind.has(key)) byKind.set(key, name);
    }
  }
  return (gvk: GVK) => byKind.get(`${gvk.group}/${gvk.version}/${gvk.kind}`);
}

function collectRefs(value: unknown, out: Set<string>): void {
  if (Array.isArray(value)) {
    for (const v of value) collectRefs(v, out);
  } else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (k === '$ref' && typeof v === 'string') out.add(refName(v));
      else collectRefs(v, out);
    }
  }
}

/** The schemas reachable from `roots` through $ref (the document's components). */
export function closure(roots: Iterable<string>, schemas: Record<string, Schema>): string[] {
  const seen = new Set<string>();
  const queue = [...roots];
  while (queue.length) {
    const name = queue.pop()!;
    if (seen.has(name)) continue;
    const schema = schemas[name];
    if (!schema) throw new Error(`openapi: $ref to unknown schema ${name}`);
    seen.add(name);
    const refs = new Set<string>();
    collectRefs(schema, refs);
    queue.push(...refs);
  }
  return [...seen].sort();
}

export function buildDocument(gv: GroupVersion, defs: ResourceDef[], schemas: Record<string, Schema>, served: GroupVersion[], kinds = kindIndex(schemas)): Obj {
  const paths: Obj = resourcesPath(gv.group, gv.version);
  for (const def of defs) Object.assign(paths, resourcePaths(def, kinds));
  const roots = new Set<string>();
  collectRefs(paths, roots);
  const components: Record<string, Schema> = {};
  for (const name of closure(roots, schemas)) components[name] = schemas[name]!;
  for (const kind of SHARED_KINDS) {
    const name = META + kind;
    if (components[name]) components[name] = { ...components[name], 'x-kubernetes-group-version-kind': served.map((s) => ({ group: s.group, kind, version: s.version })) };
  }
  return {
    openapi: '3.0.0',
    info: { title: 'Kubernetes', version: 'unversioned' },
    paths: sortKeys(paths),
    components: {
      schemas: components,
      securitySchemes: { BearerToken: { description: 'Bearer Token authentication', in: 'header', name: 'authorization', type: 'apiKey' } },
    },
    security: [{ BearerToken: [] }],
  };
}

/** The served group-versions in catalogue order (core first, as upstream's index lists them sorted anyway). */
export function groupVersions(catalog: Catalog): GroupVersion[] {
  const out = new Map<string, GroupVersion>();
  for (const r of catalog.resources) out.set(gvPath(r), { group: r.group, version: r.version });
  return [...out.values()].sort((a, b) => (a.group === b.group ? (a.version < b.version ? -1 : 1) : a.group < b.group ? -1 : 1));
}

/** Every document of one catalogue, built and serialised once. */
export class OpenAPIV3Documents {
  private readonly docs = new Map<string, ServedDocument>();
  readonly index: ServedDocument;

  constructor(catalog: Catalog, artifact: Artifact) {
    let schemas = enrichedSchemas(artifact);
    // Custom resources bring their own kind and list schemas (built from their CRD's openAPIV3Schema).
    const custom = catalog.resources.filter((r) => r.openAPISchemas);
    if (custom.length) schemas = Object.assign({}, schemas, ...custom.map((r) => r.openAPISchemas));
    const kinds = kindIndex(schemas);
    const served = groupVersions(catalog);
    const paths: Record<string, { serverRelativeURL: string }> = {};
    for (const gv of served) {
      const doc = serve(buildDocument(gv, catalog.resourcesOf(gv.group, gv.version), schemas, served, kinds));
      const path = gvPath(gv);
      this.docs.set(path, doc);
      paths[path] = { serverRelativeURL: `/openapi/v3/${path}?hash=${doc.hash}` };
    }
    this.index = serve({ paths: sortKeys(paths) });
  }

  /** The document at /openapi/v3/<path> (`api/v1`, `apis/apps/v1`), if that group-version is served. */
  document(path: string): ServedDocument | undefined {
    return this.docs.get(path);
  }

  paths(): string[] {
    return [...this.docs.keys()];
  }
}
