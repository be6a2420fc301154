// The key of a build-time artifact derived from a source text (precompiled fixtures, the precompiled REST surface):
// a hash of the text, so an artifact is only used while its source is unchanged.
import { createHash } from 'node:crypto';

export function contentKey(text: string): string {
  return createHash('sha256').update(text).digest('base64url');
}
