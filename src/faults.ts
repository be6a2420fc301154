// Fault injection: rules that make matching API requests fail the way real clusters fail, so that clients can be
// tested against conflicts, throttling, server errors, slowness, dropped watches and expired resourceVersions.
// Rules match on the request's attributes (src/api/request-attributes.ts); the errors are upstream-shaped Status
// bodies (k8s.io/apimachinery/pkg/api/errors: NewConflict, NewTooManyRequests, NewInternalError,
// NewServiceUnavailable, NewTimeoutError, NewResourceExpired) with Retry-After where upstream sends one.
// Only requests over the network are affected (HTTP, and watches over a WebSocket upgrade: src/request-hook.ts);
// kubesim's own controllers, scheduler and kubelets use the in-process client.
// Disabled unless the cluster was created with `faults: true` (--enable-faults): then nothing of this runs at all.
import type { RequestAttributes } from './api/request-attributes.js';
import { parseDuration, type Clock, type TimerHandle } from './clock.js';
import { ApiError, errors } from './machinery/errors.js';
import type { Exchange } from './request-hook.js';
import { SNAPSHOT_API_VERSION } from './snapshot.js';

export type FaultAction = 'error' | 'latency' | 'cut-watch' | 'expire';
export type FaultErrorCode = 409 | 429 | 500 | 503 | 504;
type Match = string | string[];

/** A rule as given to `cluster.faults.add()` or POSTed to /kubesim/v1/faults. */
export interface FaultSpec {
  /**
   * error: answer with `code` (after `latency`, if given); latency: answer normally, `latency` later; cut-watch: end
   * the open watches that match, now (one-shot); expire: every resourceVersion handed out so far is too old: open
   * watches that match end now, and a watch (or an exact or continued list) from one of them gets 410 Expired.
   */
  action: FaultAction;
  /** Matchers: a request matches when every given field matches (a value, or any of a list). */
  verb?: Match;
  apiGroup?: Match;
  resource?: Match;
  /** Omitted: only requests without a subresource (like RBAC: `pods` does not cover `pods/log`); '*': any. */
  subresource?: Match;
  namespace?: Match;
  name?: Match;
  /** Matches when the User-Agent header contains this text. */
  userAgent?: string;
  /** Matches when the URL path starts with this; also applies to non-resource URLs (discovery, /version). */
  path?: string;
  /** Chance that a matching request is affected, in (0, 1]; drawn from a seeded generator. Default 1. */
  probability?: number;
  /** How many times the rule may fire; then it is spent (it stays listed). Default: no limit. */
  count?: number;
  /** For action error: 409, 429, 500, 503 or 504. */
  code?: FaultErrorCode;
  /** Replaces the error's default message. */
  message?: string;
  /** Retry-After (and details.retryAfterSeconds) for 429 (default 1), 503 and 504 (default none). */
  retryAfterSeconds?: number;
  /** Delay before the request is served (action latency) or answered (action error): ms or a duration ("2s"). In
   * cluster time: with the virtual clock the request is answered once the clock has been advanced past it. */
  latency?: number | string;
  /** For cut-watch: 'close' ends the stream cleanly, like a server-side watch timeout (default); 'reset' drops the
   * connection, like a network failure. */
  mode?: 'close' | 'reset';
  /** Seed of this rule's random generator (default: derived from the cluster's fault seed and the rule's number). */
  seed?: number;
}

/** A rule as listed: the spec plus its id and what it has done. */
export interface Fault extends FaultSpec {
  apiVersion: typeof SNAPSHOT_API_VERSION;
  kind: 'Fault';
  id: string;
  /** Times the rule fired (requests failed, delayed, watches cut, 410s answered). */
  fired: number;
  /** For expire: resourceVersions up to this one are too old. */
  expiredRevision?: number;
}

export interface FaultsApi {
  /** True when the cluster was created with `faults: true`. */
  readonly enabled: boolean;
  /** Adds a rule (cut-watch acts at once); throws FaultSpecError for a bad rule, or when faults are disabled. */
  add(spec: FaultSpec): Fault;
  /** The rules, in the order they are evaluated. */
  list(): Fault[];
  /** Removes one rule; false when there is none with this id. */
  remove(id: string): boolean;
  /** Removes every rule. */
  clear(): void;
}

/** A rule kubesim cannot use; `field` names the offending field. */
export class FaultSpecError extends Error {
  override name = 'FaultSpecError';
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

export interface FaultOptions {
  /** Seed for the probability draws (rules are deterministic for a given seed and request sequence). */
  seed?: number;
}

const ACTIONS: FaultAction[] = ['error', 'latency', 'cut-watch', 'expire'];
const CODES: FaultErrorCode[] = [409, 429, 500, 503, 504];
const MATCH_FIELDS = ['verb', 'apiGroup', 'resource', 'subresource', 'namespace', 'name'] as const;
const SPEC_FIELDS = new Set<string>([...MATCH_FIELDS, 'action', 'userAgent', 'path', 'probability', 'count', 'code', 'message', 'retryAfterSeconds', 'latency', 'mode', 'seed']);

/** Small, fast, seedable (mulberry32). */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Checks a rule (from code or from JSON) and returns a normalised copy. */
export function checkFaultSpec(input: unknown): FaultSpec {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) throw new FaultSpecError('', 'a fault rule must be an object');
  const raw = input as Record<string, unknown>;
  for (const k of Object.keys(raw)) {
    if (!SPEC_FIELDS.has(k) && !['apiVersion', 'kind', 'id', 'fired', 'expiredRevision'].includes(k)) throw new FaultSpecError(k, `unknown field "${k}"`);
  }
  const spec: FaultSpec = { action: raw.action as FaultAction };
  if (!ACTIONS.includes(spec.action)) {
    throw new FaultSpecError('action', `action: Unsupported value: ${JSON.stringify(raw.action)}: supported values: ${ACTIONS.map((a) => `"${a}"`).join(', ')}`);
  }
  for (const f of MATCH_FIELDS) {
    const v = raw[f];
    if (v === undefined) continue;
    const ok = typeof v === 'string' || (Array.isArray(v) && v.length > 0 && v.every((x) => typeof x === 'string'));
    if (!ok) throw new FaultSpecError(f, `${f}: Invalid value: must be a string or a non-empty list of strings`);
    spec[f] = Array.isArray(v) ? [...v] : v;
  }
  // `resource: 'pods/log'` is RBAC's way of naming a subresource.
  if (typeof spec.resource === 'string' && spec.resource.includes('/') && spec.subresource === undefined) {
    const [r, s] = spec.resource.split('/', 2);
    spec.resource = r;
    spec.subresource = s;
  }
  for (const f of ['userAgent', 'path', 'message'] as const) {
    if (raw[f] === undefined) continue;
    if (typeof raw[f] !== 'string') throw new FaultSpecError(f, `${f}: Invalid value: must be a string`);
    spec[f] = raw[f] as string;
  }
  if (raw.probability !== undefined) {
    const p = raw.probability;
    if (typeof p !== 'number' || !(p > 0 && p <= 1)) throw new FaultSpecError('probability', 'probability: Invalid value: must be a number greater than 0 and at most 1');
    spec.probability = p;
  }
  for (const f of ['count', 'retryAfterSeconds', 'seed'] as const) {
    const v = raw[f];
    if (v === undefined) continue;
    const min = f === 'count' ? 1 : 0;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min) throw new FaultSpecError(f, `${f}: Invalid value: must be an integer of at least ${min}`);
    spec[f] = v;
  }
  if (raw.latency !== undefined) {
    let ms: number;
    try {
      if (typeof raw.latency !== 'number' && typeof raw.latency !== 'string') throw new RangeError('must be a number of ms or a duration');
      ms = parseDuration(raw.latency);
    } catch (err) {
      throw new FaultSpecError('latency', `latency: Invalid value: ${(err as Error).message}`);
    }
    if (ms < 0) throw new FaultSpecError('latency', 'latency: Invalid value: must not be negative');
    spec.latency = raw.latency as number | string;
  }
  if (spec.action === 'error') {
    if (!CODES.includes(raw.code as FaultErrorCode)) {
      throw new FaultSpecError('code', `code: Unsupported value: ${JSON.stringify(raw.code)}: supported values: ${CODES.map((c) => `"${c}"`).join(', ')}`);
    }
    spec.code = raw.code as FaultErrorCode;
  } else if (raw.code !== undefined) {
    throw new FaultSpecError('code', `code: Forbidden: only for action "error"`);
  }
  if (spec.action === 'latency' && spec.latency === undefined) throw new FaultSpecError('latency', 'latency: Required value: action "latency" needs a latency');
  if (raw.mode !== undefined) {
    if (spec.action !== 'cut-watch') throw new FaultSpecError('mode', 'mode: Forbidden: only for action "cut-watch"');
    if (raw.mode !== 'close' && raw.mode !== 'reset') throw new FaultSpecError('mode', `mode: Unsupported value: ${JSON.stringify(raw.mode)}: supported values: "close", "reset"`);
    spec.mode = raw.mode;
  }
  return spec;
}

const matchOne = (want: Match | undefined, have: string) => want === undefined || (Array.isArray(want) ? want.includes(have) : want === have);

interface Rule {
  fault: Fault;
  next: () => number;
  latencyMs: number;
  /** expire: list revisions served after the rule was added (watching from them is fine). */
  relisted: Set<number>;
}

interface OpenWatch {
  attrs: RequestAttributes;
  userAgent: string;
  exchange: Exchange;
}

export interface FaultDeps {
  clock: Clock;
  /** The store's current revision (what a list answered now would report). */
  currentRevision(): number;
}

/** The fault rules of one cluster and the request hook that applies them. */
export class FaultInjector implements FaultsApi {
  readonly enabled = true;
  private rules: Rule[] = [];
  private seq = 0;
  private readonly watches = new Set<OpenWatch>();
  private readonly timers = new Set<TimerHandle>();

  constructor(
    private readonly deps: FaultDeps,
    private readonly options: FaultOptions = {},
  ) {}

  add(input: FaultSpec): Fault {
    const spec = checkFaultSpec(input);
    const n = ++this.seq;
    const fault: Fault = { apiVersion: SNAPSHOT_API_VERSION, kind: 'Fault', id: `fault-${n}`, ...spec, fired: 0 };
    const seed = spec.seed ?? ((this.options.seed ?? Math.floor(Math.random() * 2 ** 32)) ^ Math.imul(n, 0x9e3779b1)) >>> 0;
    const rule: Rule = { fault, next: rng(seed), latencyMs: spec.latency === undefined ? 0 : parseDuration(spec.latency), relisted: new Set() };
    if (spec.action === 'expire') fault.expiredRevision = this.deps.currentRevision();
    if (spec.action === 'cut-watch' || spec.action === 'expire') {
      // Watches that are open now end (cleanly: clients resume from their last resourceVersion, which for expire is
      // too old). For cut-watch each cut counts as a firing; for expire only the 410s do.
      for (const w of [...this.watches]) {
        if (!this.matches(rule, w.attrs, w.userAgent)) continue;
        if (spec.action === 'cut-watch' && !this.fires(rule)) continue;
        this.cut(w, spec.action === 'cut-watch' ? (spec.mode ?? 'close') : 'close');
      }
    }
    // cut-watch is one-shot: it is listed (with what it did) but matches nothing later.
    if (spec.action === 'cut-watch') fault.count = fault.fired;
    this.rules.push(rule);
    return structuredClone(fault);
  }

  list(): Fault[] {
    return this.rules.map((r) => structuredClone(r.fault));
  }

  remove(id: string): boolean {
    const before = this.rules.length;
    this.rules = this.rules.filter((r) => r.fault.id !== id);
    return this.rules.length < before;
  }

  clear(): void {
    this.rules = [];
  }

  /** Stops pending delayed requests (at cluster close). */
  stop(): void {
    for (const t of this.timers) t.cancel();
    this.timers.clear();
    this.rules = [];
  }

  /**
   * The request hook: answers the request itself when a rule says so, else calls `next` (possibly later). `fired`
   * learns the id of the rule that affected the request (for the request log).
   */
  handle(exchange: Exchange, attrs: RequestAttributes, next: () => void, fired?: (id: string) => void): void {
    const userAgent = exchange.req.headers['user-agent'] ?? '';
    if (attrs.verb === 'watch') {
      const w: OpenWatch = { attrs, userAgent, exchange };
      this.watches.add(w);
      exchange.onClose(() => this.watches.delete(w));
    }
    if (this.rules.length === 0) return next();
    let delay = 0;
    let error: ApiError | undefined;
    let expiredWatch: ApiError | undefined;
    for (const rule of this.rules) {
      const { action } = rule.fault;
      if (action === 'cut-watch' || !this.matches(rule, attrs, userAgent)) continue;
      if (action === 'expire') {
        const outcome = this.expired(rule, attrs);
        if (!outcome || !this.fires(rule)) continue;
        fired?.(rule.fault.id);
        if (attrs.verb === 'watch') expiredWatch = outcome;
        else error = outcome;
        break;
      }
      if (!this.fires(rule)) continue;
      fired?.(rule.fault.id);
      delay += rule.latencyMs;
      if (action === 'error') {
        error = this.errorFor(rule.fault, attrs);
        break;
      }
    }
    const respond = () => {
      if (exchange.settled) return;
      if (expiredWatch) return exchange.failWatch(expiredWatch);
      if (error) return exchange.fail(error);
      next();
    };
    if (delay <= 0) return respond();
    const timer = this.deps.clock.after(delay, () => {
      this.timers.delete(timer);
      respond();
    });
    this.timers.add(timer);
    exchange.onClose(() => {
      timer.cancel();
      this.timers.delete(timer);
    });
  }

  private matches(rule: Rule, a: RequestAttributes, userAgent: string): boolean {
    const f = rule.fault;
    if (f.count !== undefined && f.fired >= f.count) return false;
    if (f.path !== undefined) {
      if (!a.path.startsWith(f.path)) return false;
    } else if (!a.isResourceRequest) {
      return false;
    }
    if (f.userAgent !== undefined && !userAgent.includes(f.userAgent)) return false;
    if (f.subresource === undefined ? a.subresource !== '' : f.subresource !== '*' && !matchOne(f.subresource, a.subresource)) return false;
    return matchOne(f.verb, a.verb) && matchOne(f.apiGroup, a.apiGroup) && matchOne(f.resource, a.resource) && matchOne(f.namespace, a.namespace) && matchOne(f.name, a.name);
  }

  /** Draws the rule's probability; on success counts the firing. */
  private fires(rule: Rule): boolean {
    const p = rule.fault.probability ?? 1;
    if (p < 1 && rule.next() >= p) return false;
    rule.fault.fired++;
    return true;
  }

  /** For expire: the 410 this request gets, or undefined when its resourceVersion is fine. */
  private expired(rule: Rule, a: RequestAttributes): ApiError | undefined {
    const limit = rule.fault.expiredRevision ?? 0;
    const q = new URLSearchParams(a.query);
    const rv = q.get('resourceVersion') ?? '';
    if (a.verb === 'watch') {
      if (!/^\d+$/.test(rv) || rv === '0') return undefined;
      const n = Number(rv);
      if (n > limit || rule.relisted.has(n)) return undefined;
      return errors.expired(`too old resource version: ${n} (${limit})`);
    }
    if (a.verb !== 'list') return undefined;
    const token = q.get('continue');
    if (token) {
      let tokenRv: unknown;
      try {
        tokenRv = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')).rv;
      } catch {
        return undefined; // a malformed token is the handler's 400
      }
      if (typeof tokenRv === 'number' && tokenRv <= limit && !rule.relisted.has(tokenRv)) {
        return errors.expired('The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter.');
      }
      return undefined;
    }
    if (q.get('resourceVersionMatch') === 'Exact' && /^\d+$/.test(rv) && Number(rv) <= limit && !rule.relisted.has(Number(rv))) {
      return errors.expired('The resourceVersion for the provided list is too old.');
    }
    // A fresh list (what a client does after a 410): the revision it reports is a valid place to watch from, even
    // when nothing was written since the rule was added.
    if (!rv || rv === '0' || q.get('resourceVersionMatch') !== 'Exact') rule.relisted.add(this.deps.currentRevision());
    return undefined;
  }

  private errorFor(f: Fault, a: RequestAttributes): ApiError {
    const retry = f.retryAfterSeconds;
    switch (f.code) {
      case 409: {
        const qualified = a.apiGroup ? `${a.resource}.${a.apiGroup}` : a.resource || 'objects';
        const why = 'the object has been modified; please apply your changes to the latest version and try again';
        const message = f.message ?? `Operation cannot be fulfilled on ${qualified} "${a.name}": ${why}`;
        return new ApiError(409, 'Conflict', message, { name: a.name || undefined, group: a.apiGroup || undefined, kind: a.resource || undefined });
      }
      case 429:
        return errors.tooManyRequests(f.message ?? 'Too many requests, please try again later.', retry ?? 1);
      case 500:
        return errors.internal(f.message ?? 'injected fault');
      case 503: {
        const err = errors.serviceUnavailable(f.message ?? 'the server is currently unable to handle the request');
        return retry ? new ApiError(503, 'ServiceUnavailable', err.message, { retryAfterSeconds: retry }) : err;
      }
      default:
        return errors.timeout(f.message ?? 'request did not complete within the allowed duration', retry ?? 0);
    }
  }

  private cut(w: OpenWatch, mode: 'close' | 'reset'): void {
    this.watches.delete(w);
    w.exchange.cut(mode);
  }
}

/** What `cluster.faults` is when the cluster was created without `faults: true`. */
export const DISABLED_FAULTS: FaultsApi = {
  enabled: false,
  add() {
    throw new Error('fault injection is disabled: create the cluster with `faults: true` (kubesim start --enable-faults)');
  },
  list: () => [],
  remove: () => false,
  clear: () => undefined,
};
