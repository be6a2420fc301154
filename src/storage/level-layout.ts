// The LevelDB key/value layout:
//   o!<key>                      -> the object's JSON (current state; resourceVersion inside)
//   e!<revision, 16-digit zero>  -> one retained event (see encodeEvent)
//   m!revision                   -> the store's revision after the last batch
//   m!compacted                  -> events at or below this revision have been deleted
// Zero-padding makes LevelDB's byte order equal revision order, so the history loads with one range scan.

import type { EventType } from './interface.js';

export const OBJECT_PREFIX = 'o!';
export const OBJECT_END = 'o"'; // '"' is the byte after '!': the end of the o! range
export const EVENT_PREFIX = 'e!';
export const EVENT_END = 'e"';
export const META_REVISION = 'm!revision';
export const META_COMPACTED = 'm!compacted';

export function objectKey(key: string): string {
  return OBJECT_PREFIX + key;
}

export function eventKey(revision: number): string {
  return EVENT_PREFIX + String(revision).padStart(16, '0');
}

export function revisionOfEventKey(k: string): number {
  return Number(k.slice(EVENT_PREFIX.length));
}

export interface EncodedEvent {
  type: EventType;
  key: string;
  json: string;
  /** The previous object's JSON ('' for ADDED). */
  prevJson: string;
}

/**
 * An event value is `["TYPE","key"]\n<json>\n<prev json>`. The object JSONs are embedded verbatim rather than as
 * JSON strings inside JSON: no escaping on write, no unescaping on load. Safe because JSON.stringify output never
 * contains a raw newline.
 */
export function encodeEvent(type: EventType, key: string, json: string, prevJson: string | undefined): string {
  return `${JSON.stringify([type, key])}\n${json}\n${prevJson ?? ''}`;
}

export function decodeEvent(value: string): EncodedEvent {
  const a = value.indexOf('\n');
  const b = value.indexOf('\n', a + 1);
  if (a < 0 || b < 0) throw new Error('malformed event record');
  const [type, key] = JSON.parse(value.slice(0, a)) as [EventType, string];
  if (type !== 'ADDED' && type !== 'MODIFIED' && type !== 'DELETED') throw new Error(`malformed event type ${String(type)}`);
  return { type, key, json: value.slice(a + 1, b), prevJson: value.slice(b + 1) };
}
