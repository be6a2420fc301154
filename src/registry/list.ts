// LIST semantics over the store: selectors, resourceVersion / resourceVersionMatch, and limit/continue pagination
// over a consistent snapshot (upstream etcd3 store GetList + the cacher's rules).
import { errors } from '../machinery/errors.js';
import type { Storage, StoredObject } from '../storage/interface.js';
import { StorageError } from '../storage/interface.js';
import { listPrefix } from './keys.js';
import type { ObjectFilter } from './filter.js';
import type { ResourceDef } from './types.js';

export interface ListParams {
  namespace?: string;
  filter?: ObjectFilter;
  limit?: number;
  continueToken?: string;
  resourceVersion?: string;
  resourceVersionMatch?: string;
}

export interface ListPage {
  items: StoredObject[];
  resourceVersion: string;
  continueToken?: string;
  remainingItemCount?: number;
}

interface ContinueToken {
  v: 'meta.k8s.io/v1';
  rv: number;
  start: string;
}

export function encodeContinue(rv: number, lastKey: string, prefix: string): string {
  // Like upstream, the token carries the snapshot revision and the key to continue after (relative to the prefix).
  const token: ContinueToken = { v: 'meta.k8s.io/v1', rv, start: `${lastKey.slice(prefix.length)}\u0000` };
  return Buffer.from(JSON.stringify(token)).toString('base64url');
}

function decodeContinue(token: string): ContinueToken {
  try {
    const t = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as ContinueToken;
    if (t.v !== 'meta.k8s.io/v1' || typeof t.rv !== 'number' || typeof t.start !== 'string' || t.start.includes('..')) throw new Error();
    return t;
  } catch {
    throw errors.badRequest(`continue key is not valid: ${token}`);
  }
}

const TOO_OLD_CONTINUE =
  'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter.';

function parseRV(rv: string): number {
  if (!/^\d+$/.test(rv)) throw errors.badRequest(`invalid resource version: "${rv}"`);
  return Number(rv);
}

export function listObjects(storage: Storage, def: ResourceDef, p: ListParams): ListPage {
  const prefix = listPrefix(def, p.namespace);
  const limit = p.limit && p.limit > 0 ? p.limit : 0;
  let atRevision: number | undefined;
  let startAfter: string | undefined;

  if (p.resourceVersionMatch && !p.resourceVersion) {
    throw errors.invalid('meta.k8s.io', 'ListOptions', '', 'ListOptions.meta.k8s.io "" is invalid: resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden unless resourceVersion is provided', [
      { reason: 'FieldValueForbidden', message: 'Forbidden: resourceVersionMatch is forbidden unless resourceVersion is provided', field: 'resourceVersionMatch' },
    ]);
  }
  if (p.resourceVersionMatch && !['NotOlderThan', 'Exact'].includes(p.resourceVersionMatch)) {
    throw errors.badRequest(`unknown ResourceVersionMatch value: ${p.resourceVersionMatch}`);
  }

  if (p.continueToken) {
    if (p.resourceVersion && p.resourceVersion !== '0') {
      throw errors.badRequest('specifying resource version is not allowed when using continue');
    }
    const t = decodeContinue(p.continueToken);
    atRevision = t.rv;
    startAfter = prefix + t.start.replace(/\u0000$/, '');
  } else if (p.resourceVersion && p.resourceVersion !== '0') {
    const rv = parseRV(p.resourceVersion);
    const current = storage.currentRevision();
    if (p.resourceVersionMatch === 'Exact') {
      atRevision = rv;
    } else if (rv > current) {
      // upstream waits briefly for the cache to catch up, then answers 504 "Too large resource version" with the
      // ResourceVersionTooLarge cause client-go's reflector looks for (storage.NewTooLargeResourceVersionError).
      const err = errors.timeout(`Too large resource version: ${rv}, current: ${current}`, 1);
      err.details!.causes = [{ reason: 'ResourceVersionTooLarge', message: 'Too large resource version' }];
      throw err;
    }
  }

  let result;
  try {
    result = storage.list(prefix, {
      startAfter,
      limit,
      atRevision,
      // An inactive filter (no selectors) is not passed down: the storage then counts remainingItemCount.
      filter: p.filter?.active ? p.filter.matches : undefined,
    });
  } catch (err) {
    if (err instanceof StorageError && err.code === 'Expired') {
      throw p.continueToken ? errors.expired(TOO_OLD_CONTINUE) : errors.expired(`The resourceVersion for the provided list is too old.`);
    }
    throw err;
  }
  const page: ListPage = { items: result.items, resourceVersion: String(result.revision) };
  if (limit && result.more && result.items.length) {
    page.continueToken = encodeContinue(result.revision, result.items[result.items.length - 1].key, prefix);
    // upstream only reports remainingItemCount when no selector filters the list.
    if (!p.filter?.active && result.remaining !== undefined) page.remainingItemCount = result.remaining;
  }
  return page;
}
