// The LevelDB key/value layout:
//   o!<key>                      -> the object's JSON (current state; resourceVersion inside)
//   e!<revision, 16-digit zero>  -> one retained event (see encodeEvent)
//   m!revision                   -> the store's revision after the last batch
//   m!compacted                  -> events at or below this revision have been deleted
// Zero-padding makes LevelDB's byte order equal revision order, so the history loads with one range scan.
// Each version of an object's JSON is written once as the object record and once as the next event's prev JSON
// (see encodeEvent), not a third time inside its own event.

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
  /** The event's object JSON; '' when the record leaves it to be derived (see encodeEvent). */
  json: string;
  /** The previous object's JSON ('' for ADDED). */
  prevJson: string;
}

/**
 * An event value is `["TYPE","key"]\n<json>\n<prev json>`. The object JSONs are embedded verbatim rather than as
 * JSON strings inside JSON: no escaping on write, no unescaping on load. Safe because JSON.stringify output never
 * contains a raw newline.
 *
 * The event's own JSON is left empty: every byte written before the fsync is paid by the write, and that JSON is
 * stored elsewhere already. For ADDED and MODIFIED it is the object's record (o!<key>) while the event is the latest
 * write to the key, and the next event on the key carries it as its prev JSON afterwards (that event is retained
 * whenever this one is: the history window is contiguous); for DELETED it is the prev JSON stamped with the delete's
 * revision. The loader derives it (deriveEventJson). Records written with the JSON (earlier versions) load as before.
 */
export function encodeEvent(type: EventType, key: string, prevJson: string | undefined): string {
  return `${JSON.stringify([type, key])}\n\n${prevJson ?? ''}`;
}

export function decodeEvent(value: string): EncodedEvent {
  const a = value.indexOf('\n');
  const b = value.indexOf('\n', a + 1);
  if (a < 0 || b < 0) throw new Error('malformed event record');
  const [type, key] = JSON.parse(value.slice(0, a)) as [EventType, string];
  if (type !== 'ADDED' && type !== 'MODIFIED' && type !== 'DELETED') throw new Error(`malformed event type ${String(type)}`);
  return { type, key, json: value.slice(a + 1, b), prevJson: value.slice(b + 1) };
}

/** A DELETED event's JSON: the last state with the delete's revision as resourceVersion, stamped like the engine does. */
export function deletedEventJson(prevJson: string, revision: number): string {
  const prev = JSON.parse(prevJson) as { metadata?: Record<string, unknown> };
  return JSON.stringify({ ...prev, metadata: { ...prev.metadata, resourceVersion: String(revision) } });
}

/**
 * Fills in the JSON of events recorded without it, in place. `events` is the retained window in revision order;
 * `currentJson(key, revision)` is the JSON of the object record when its revision is `revision` (else undefined).
 */
export function deriveEventJson(events: (EncodedEvent & { revision: number })[], currentJson: (key: string, revision: number) => string | undefined): void {
  // Walking backwards: for each key, the state just before the nearest later event (null: the key was absent then).
  const before = new Map<string, string | null>();
  for (let i = events.length - 1; i >= 0; i--) {
    const e = events[i];
    if (!e.json) {
      if (e.type === 'DELETED') {
        if (!e.prevJson) throw new Error(`event ${e.revision}: a DELETED event without its previous object`);
        e.json = deletedEventJson(e.prevJson, e.revision);
      } else {
        const later = before.get(e.key);
        const json = later === undefined ? currentJson(e.key, e.revision) : later;
        if (!json) throw new Error(`event ${e.revision}: the state it wrote for ${e.key} is missing`);
        e.json = json;
      }
    }
    before.set(e.key, e.prevJson || null);
  }
}
