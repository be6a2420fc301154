// LIST response bodies as bytes, assembled from per-object UTF-8 encodings that are cached on the stored objects.
// A stored object never changes (a write stores a new one), so its JSON is encoded once and every later LIST copies
// the bytes: no list-sized string is built, flattened, measured and encoded again per request.
import type { StoredObject } from '../storage/interface.js';

/** The UTF-8 bytes of a stored object's JSON (encoded on first use, then kept with it). */
export function jsonBytes(item: StoredObject): Buffer {
  return (item.utf8 ??= Buffer.from(item.json));
}

/** The UTF-8 bytes of the JSON of a stored object's metadata, or undefined when it has none. */
export function metadataBytes(item: StoredObject): Buffer | undefined {
  if (item.metadataUtf8 === undefined) {
    const meta = item.object.metadata;
    if (meta === undefined) return undefined;
    item.metadataUtf8 = Buffer.from(JSON.stringify(meta));
  }
  return item.metadataUtf8;
}

/** Concatenates strings (UTF-8 encoded) and buffers into one buffer, allocated once. */
export function concatParts(parts: (string | Buffer)[]): Buffer {
  let total = 0;
  for (const p of parts) total += typeof p === 'string' ? Buffer.byteLength(p) : p.length;
  const out = Buffer.allocUnsafe(total);
  let off = 0;
  for (const p of parts) off += typeof p === 'string' ? out.write(p, off) : p.copy(out, off);
  return out;
}

/** `head` + the items' JSON joined with commas + `tail`: byte for byte `head + items.map((i) => i.json).join(',') + tail`. */
export function jsonListBody(head: string, items: readonly StoredObject[], tail: string): Buffer {
  const parts: (string | Buffer)[] = new Array(items.length * 2 + 1);
  let n = 0;
  parts[n++] = head;
  for (let i = 0; i < items.length; i++) {
    if (i > 0) parts[n++] = ',';
    parts[n++] = jsonBytes(items[i]);
  }
  parts[n++] = tail;
  parts.length = n;
  return concatParts(parts);
}
