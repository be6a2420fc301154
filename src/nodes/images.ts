// Container images as a containerd node reports them: normalised references (docker.io/library/httpd:latest),
// stable digests and sizes derived from the name, fresh container IDs, and which images run to completion.
import { createHash, randomBytes } from 'node:crypto';

type Obj = Record<string, any>;

function sha256(s: string): string {
  return createHash('sha256').update(s).digest('hex');
}

/** `httpd` → `docker.io/library/httpd:latest`, `bitnami/nginx:1` → `docker.io/bitnami/nginx:1` (containerd's view). */
export function normalizeImage(image: string): string {
  let ref = image;
  const firstSlash = ref.indexOf('/');
  const first = firstSlash < 0 ? '' : ref.slice(0, firstSlash);
  const hasRegistry = first.includes('.') || first.includes(':') || first === 'localhost';
  if (!hasRegistry) ref = firstSlash < 0 ? `docker.io/library/${ref}` : `docker.io/${ref}`;
  if (ref.includes('@')) return ref;
  const lastSlash = ref.lastIndexOf('/');
  if (!ref.slice(lastSlash + 1).includes(':')) ref += ':latest';
  return ref;
}

/** The repository without tag or digest. */
export function imageRepository(image: string): string {
  const ref = normalizeImage(image);
  const at = ref.indexOf('@');
  if (at >= 0) return ref.slice(0, at);
  const lastSlash = ref.lastIndexOf('/');
  const colon = ref.indexOf(':', lastSlash + 1);
  return colon < 0 ? ref : ref.slice(0, colon);
}

/** `docker.io/library/httpd@sha256:...`: stable per image reference, like a registry digest. */
export function imageID(image: string): string {
  const ref = normalizeImage(image);
  if (ref.includes('@')) return ref;
  return `${imageRepository(image)}@sha256:${sha256(ref)}`;
}

/** A plausible compressed image size in bytes, stable per image. */
export function imageSize(image: string): number {
  return 2_000_000 + (parseInt(sha256(`size:${normalizeImage(image)}`).slice(0, 8), 16) % 150_000_000);
}

export function newContainerID(): string {
  return `containerd://${randomBytes(32).toString('hex')}`;
}

/** Images that exit when their command does (shells and base images), unlike servers such as httpd or nginx. */
const RUN_TO_COMPLETION = new Set(['busybox', 'alpine', 'ubuntu', 'debian', 'centos', 'fedora', 'perl', 'python', 'bash', 'curl', 'node', 'golang']);

/** Whether the image runs its command to completion (a shell or language image), rather than a server. */
export function runsToCompletion(image: string): boolean {
  return RUN_TO_COMPLETION.has(imageRepository(image).split('/').pop() ?? '');
}
