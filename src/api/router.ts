// Routing with openapi-backend over kubesim's own REST-surface document (openapi/rest-surface.yaml).
//
// openapi-backend decides which operation a URL shape is and checks the declared query parameters with its Ajv
// validators; what it costs is kept off the request path:
//   - Loading: openapi-backend and its dependencies take ~100 ms to load, so the document is loaded on the first
//     match (or by warm()), not at startup.
//   - Matching: openapi-backend's matcher builds regular expressions per call (~0.5 ms), so operations are memoised by
//     the URL's *shape*: every segment is a placeholder except the literal ones the document's templates use at that
//     position (api, apis, namespaces, the health and version paths). The matcher resolves a shape exactly like the
//     real path, because a placeholder segment matches a template parameter and never a literal.
//   - Parameters: path parameters are read from the segments the memoised template names (percent-decoded once, like
//     openapi-backend's own parser), and declared query parameters go through the operation's compiled Ajv validators
//     directly, instead of openapi-backend's parseRequest (which validateRequest would run a second time).
// A URL no template can match (unknown first segment, empty segment, more segments than any template) is answered
// without consulting the matcher, so the memo stays bounded whatever clients send.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { OpenAPIBackend, Operation } from 'openapi-backend';
import { contentKey } from '../content-key.js';
import { errors } from '../machinery/errors.js';

export interface RouteMatch {
  operationId: string;
  params: Record<string, string>;
  query: Record<string, string>;
}

const SURFACE = fileURLToPath(new URL('../../openapi/rest-surface.yaml', import.meta.url));
/** The document parsed at build time (scripts/precompile.mjs): `{ source: contentKey(yaml text), definition }`. */
export const PRECOMPILED_SURFACE = new URL('../rest-surface.precompiled.json', import.meta.url);
const require = createRequire(import.meta.url);

/** The REST-surface document: the build's parse when it is of this very text, else the YAML parsed now. */
function loadDefinition(file: string): unknown {
  const text = readFileSync(file, 'utf8');
  try {
    const pre = JSON.parse(readFileSync(PRECOMPILED_SURFACE, 'utf8')) as { source?: string; definition?: unknown };
    if (pre.source === contentKey(text) && pre.definition) return pre.definition;
  } catch {
    // not built (running from source), or unreadable: parse the YAML
  }
  return parseSurface(text, require('yaml') as typeof import('yaml'));
}

/** How the document is parsed (also by the build step): YAML with merge keys. */
export function parseSurface(text: string, yaml: typeof import('yaml')): unknown {
  return yaml.parse(text, { merge: true });
}

/** A memoised operation: what a request of this method and URL shape needs besides the path itself. */
interface Route {
  op: Operation;
  operationId: string;
  /** [segment index, parameter name] of each template parameter (segment 0 is the empty one before the first '/'). */
  pathParams: [number, string][];
  /** The query parameters the operation declares (others are ignored, like the apiserver ignores unknown ones). */
  queryNames: Set<string>;
  /** The Ajv validators openapi-backend compiled for the operation (compiled on first use). */
  validators?: Validate[];
  /** Path parameters alone always pass the validators (all declared, string-typed): only queries need checking. */
  pathOnlyValid: boolean;
}

type Validate = ((data: unknown) => boolean) & { errors?: { instancePath?: string }[] | null };

/** Safety net on top of the shape bound: no more than this many memoised shapes. */
const MAX_MEMO = 4096;

/** What the document's templates allow: the literal segments per position, and the longest template. */
interface SurfaceShape {
  literals: Set<string>[];
  maxSegments: number;
}

export class Router {
  private api: OpenAPIBackend | undefined;
  private shape: SurfaceShape | undefined;
  private readonly memo = new Map<string, Route | null>();

  private constructor(private readonly definitionFile: string) {}

  /** A router over the REST-surface document. Cheap: openapi-backend is loaded on the first match (or warm()). */
  static async create(definitionFile = SURFACE): Promise<Router> {
    return new Router(definitionFile);
  }

  /** Loads openapi-backend and the document now (otherwise the first request does). Idempotent. */
  warm(): void {
    this.backend();
  }

  private backend(): OpenAPIBackend {
    if (this.api) return this.api;
    // Synchronous on purpose: match() is called on the request path, which must not wait for an import.
    const { OpenAPIBackend: Backend } = require('openapi-backend') as typeof import('openapi-backend');
    const definition = loadDefinition(this.definitionFile) as ConstructorParameters<typeof Backend>[0]['definition'];
    const api = new Backend({ definition, quick: true, validate: true, ajvOpts: { strict: false } });
    // In quick mode init() does its work synchronously (sync dereference, lazy validators); the promise only wraps it.
    void api.init();
    if (!api.initialized) throw new Error('openapi-backend did not initialise synchronously');
    this.shape = surfaceShape(api.router.getOperations());
    this.api = api;
    return api;
  }

  /** Resolves a request; undefined when no operation has this path shape and method. Throws 400 on bad parameters. */
  match(method: string, path: string, query: Record<string, string>): RouteMatch | undefined {
    const api = this.backend();
    const m = method.trim().toLowerCase();
    // openapi-backend's own normalisation (normalizeRequest + normalizePath with apiRoot '/' and ignored trailing
    // slashes), so that parameters are read from the same string its parser would read them from.
    const norm = normalizePath(path);
    const segments = norm.split('/');
    const shape = shapeKey(segments, this.shape!);
    if (shape === undefined) return undefined;
    const key = `${m} ${shape}`;
    let route = this.memo.get(key);
    if (route === undefined) {
      const op = api.matchOperation({ method: m, path: shape, headers: {} });
      route = op ? compileRoute(op) : null;
      if (this.memo.size >= MAX_MEMO) this.memo.clear();
      this.memo.set(key, route);
    }
    if (!route) return undefined;

    const params: Record<string, string> = {};
    for (const [i, name] of route.pathParams) {
      const raw = segments[i];
      try {
        params[name] = raw.includes('%') ? decodeURIComponent(raw) : raw;
      } catch (err) {
        // A malformed %-escape in the path is the client's error (Go's url.EscapeError), not a 500.
        if (err instanceof URIError) throw errors.badRequest(`invalid URL escape ${JSON.stringify(/%(?![0-9A-Fa-f]{2}).{0,2}/.exec(path)?.[0] ?? path)}`);
        throw err;
      }
    }
    // Only declared parameters are checked: like the apiserver, unknown ones (e.g. kubectl's `timeout`) are ignored.
    let checked: Record<string, string> | undefined;
    for (const k in query) {
      if (!route.queryNames.has(k)) continue;
      (checked ??= {})[k] = query[k];
    }
    if (checked || !route.pathOnlyValid) this.validate(api, route, params, checked ?? {}, query);
    return { operationId: route.operationId, params, query };
  }

  /** The operation's Ajv validators on the same parameter object openapi-backend's validateRequest builds. */
  private validate(api: OpenAPIBackend, route: Route, params: Record<string, string>, checked: Record<string, string>, query: Record<string, string>): void {
    route.validators ??= (api.validator.getRequestValidatorsForOperation(route.operationId) ?? []) as unknown as Validate[];
    const input = { path: params, query: checked, header: {}, cookie: {} };
    for (const validate of route.validators) {
      if (validate(input)) continue;
      const first = validate.errors?.[0];
      const name = first?.instancePath?.replace(/^\/query\//, '') ?? 'query';
      throw errors.badRequest(`invalid value for query parameter ${name}: ${JSON.stringify(query[name] ?? '')}`);
    }
  }
}

function compileRoute(op: Operation): Route {
  const pathParams: [number, string][] = [];
  op.path.split('/').forEach((seg, i) => {
    const m = /^\{([^}]+)\}$/.exec(seg);
    if (m) pathParams.push([i, m[1]]);
  });
  const declared = (op.parameters ?? []) as { in?: string; name?: string; required?: boolean; schema?: { type?: string; pattern?: string; enum?: unknown } }[];
  const queryNames = new Set<string>();
  for (const p of declared) if (p.in === 'query' && p.name) queryNames.add(p.name);
  // Path parameters can only fail validation if the document constrains them beyond "a string" or declares a
  // different set than the template has; then every request goes through the validators.
  const pathDecl = declared.filter((p) => p.in === 'path');
  const plain = pathDecl.every((p) => p.schema?.type === 'string' && p.schema.pattern === undefined && p.schema.enum === undefined);
  const sameNames = pathDecl.length === pathParams.length && pathParams.every(([, n]) => pathDecl.some((p) => p.name === n));
  const headerOrCookie = declared.some((p) => p.in === 'header' || p.in === 'cookie');
  const requiredQuery = declared.some((p) => p.in === 'query' && p.required);
  return { op, operationId: op.operationId ?? '', pathParams, queryNames, pathOnlyValid: plain && sameNames && !headerOrCookie && !requiredQuery && !op.requestBody };
}

/** openapi-backend's path normalisation for apiRoot '/': trimmed, leading '/' ensured, query cut, a leading '//'
 * collapsed, trailing slashes dropped. */
function normalizePath(input: string): string {
  let path = input.trim();
  if (!path.startsWith('/')) path = `/${path}`;
  const q = path.indexOf('?');
  if (q >= 0) path = path.slice(0, q);
  path = path.replace(/^\/\/?/, '/').trim();
  while (path.length > 1 && path.endsWith('/')) path = path.slice(0, -1);
  return path;
}

function surfaceShape(ops: Operation[]): SurfaceShape {
  const literals: Set<string>[] = [];
  let maxSegments = 0;
  for (const op of ops) {
    const segs = op.path.split('/');
    maxSegments = Math.max(maxSegments, segs.length);
    segs.forEach((seg, i) => {
      if (i === 0 || /\{.*?\}/.test(seg)) return;
      (literals[i] ??= new Set()).add(seg);
    });
    // Every template must start with a literal segment and use whole-segment parameters: shapes rely on both.
    if (segs[1] === undefined || /\{/.test(segs[1]) || segs.some((s) => /\{/.test(s) && !/^\{[^}]+\}$/.test(s))) {
      throw new Error(`rest-surface: template ${op.path} is not supported by the shape memo`);
    }
  }
  return { literals, maxSegments };
}

/**
 * The memo key of a normalised path: `/api/v1/namespaces/default/pods` → `/api/_/namespaces/_/_`; undefined when no
 * template can match it (then openapi-backend would not match it either).
 */
function shapeKey(segments: string[], s: SurfaceShape): string | undefined {
  if (segments.length === 2 && segments[1] === '') return '/'; // the root path: only an exact template could match
  if (segments.length > s.maxSegments) return undefined;
  if (!s.literals[1]?.has(segments[1])) return undefined;
  let out = '';
  for (let i = 1; i < segments.length; i++) {
    const seg = segments[i];
    if (seg === '') return undefined; // a template parameter never matches an empty segment
    out += s.literals[i]?.has(seg) ? `/${seg}` : '/_';
  }
  return out;
}

/** The shape of a path as the memo sees it (for the benchmarks and tests). */
export function shapeOf(router: Router, path: string): string | undefined {
  const r = router as unknown as { backend(): void; shape: SurfaceShape };
  r.backend();
  return shapeKey(normalizePath(path).split('/'), r.shape);
}
