// A container's filesystem as simulated processes see it: a generated base image (files.ts) under a writable
// overlay that lives as long as the container (what `echo x > /tmp/f` in one exec leaves for the next), with
// directories implied by paths and symbolic links followed.
import path from 'node:path/posix';

export interface FsNode {
  type: 'file' | 'dir' | 'link';
  data?: Buffer;
  target?: string;
  mode: number;
  mtime: number;
  /** Character devices (/dev/null ...) read and write specially. */
  device?: 'null' | 'zero' | 'random' | 'tty';
}

export class FsError extends Error {
  constructor(
    readonly code: 'ENOENT' | 'EISDIR' | 'ENOTDIR' | 'EEXIST' | 'ENOTEMPTY' | 'EACCES' | 'ELOOP',
    readonly path: string,
  ) {
    super(`${path}: ${FS_MESSAGES[code]}`);
  }
  get text(): string {
    return FS_MESSAGES[this.code];
  }
}

const FS_MESSAGES = {
  ENOENT: 'No such file or directory',
  EISDIR: 'Is a directory',
  ENOTDIR: 'Not a directory',
  EEXIST: 'File exists',
  ENOTEMPTY: 'Directory not empty',
  EACCES: 'Permission denied',
  ELOOP: 'Too many levels of symbolic links',
};

/** What an overlay holds: written nodes, and null for deleted base paths. */
export type Overlay = Map<string, FsNode | null>;

export class VirtualFS {
  private readonly children = new Map<string, Set<string>>();

  constructor(
    private readonly base: Map<string, FsNode>,
    private readonly overlay: Overlay,
    private readonly now: () => number,
  ) {
    for (const p of base.keys()) this.index(p);
    for (const p of overlay.keys()) this.index(p);
  }

  private index(p: string): void {
    if (p === '/') return;
    const parent = path.dirname(p);
    let set = this.children.get(parent);
    if (!set) this.children.set(parent, (set = new Set()));
    set.add(path.basename(p));
    this.index(parent);
  }

  static normalize(p: string, cwd = '/'): string {
    const abs = p.startsWith('/') ? p : path.join(cwd, p);
    const n = path.normalize(abs);
    return n.length > 1 && n.endsWith('/') ? n.slice(0, -1) : n;
  }

  private raw(p: string): FsNode | undefined {
    if (this.overlay.has(p)) return this.overlay.get(p) ?? undefined;
    const node = this.base.get(p);
    if (node) return node;
    // Directories implied by deeper paths.
    if (p === '/' || this.children.get(p)?.size) {
      for (const name of this.children.get(p) ?? []) if (this.raw(path.join(p, name))) return { type: 'dir', mode: 0o755, mtime: 0 };
      if (p === '/') return { type: 'dir', mode: 0o755, mtime: 0 };
    }
    return undefined;
  }

  /** Resolves symbolic links in every component. */
  realpath(p: string, depth = 0): string {
    if (depth > 16) throw new FsError('ELOOP', p);
    const parts = p.split('/').filter(Boolean);
    let cur = '/';
    for (let i = 0; i < parts.length; i++) {
      const next = cur === '/' ? `/${parts[i]}` : `${cur}/${parts[i]}`;
      const node = this.raw(next);
      if (node?.type === 'link') {
        const target = VirtualFS.normalize(node.target!, cur);
        const rest = parts.slice(i + 1).join('/');
        return this.realpath(rest ? `${target}/${rest}` : target, depth + 1);
      }
      if (!node && i < parts.length - 1) throw new FsError('ENOENT', p);
      if (node && node.type !== 'dir' && i < parts.length - 1) throw new FsError('ENOTDIR', p);
      cur = next;
    }
    return cur;
  }

  /** The node at p, following links; undefined when absent. */
  stat(p: string): FsNode | undefined {
    try {
      return this.raw(this.realpath(p));
    } catch {
      return undefined;
    }
  }

  /** The node itself (links not followed). */
  lstat(p: string): FsNode | undefined {
    try {
      const parent = path.dirname(p);
      return this.raw(path.join(this.realpath(parent), path.basename(p)));
    } catch {
      return undefined;
    }
  }

  read(p: string): Buffer {
    const node = this.stat(p);
    if (!node) throw new FsError('ENOENT', p);
    if (node.type === 'dir') throw new FsError('EISDIR', p);
    if (node.device === 'null') return Buffer.alloc(0);
    if (node.device === 'zero') return Buffer.alloc(512);
    if (node.device === 'random') return Buffer.from(Array.from({ length: 512 }, () => Math.floor(Math.random() * 256)));
    return node.data ?? Buffer.alloc(0);
  }

  list(p: string): string[] {
    const node = this.stat(p);
    if (!node) throw new FsError('ENOENT', p);
    if (node.type !== 'dir') throw new FsError('ENOTDIR', p);
    const real = this.realpath(p);
    return [...(this.children.get(real) ?? [])].filter((n) => this.raw(real === '/' ? `/${n}` : `${real}/${n}`)).sort();
  }

  write(p: string, data: Buffer, append = false): void {
    const existing = this.stat(p);
    if (existing?.type === 'dir') throw new FsError('EISDIR', p);
    if (existing?.device) return; // /dev/null swallows everything
    const real = existing ? this.realpath(p) : path.join(this.realpath(path.dirname(p)), path.basename(p));
    const parent = this.stat(path.dirname(real));
    if (!parent) throw new FsError('ENOENT', p);
    if (parent.type !== 'dir') throw new FsError('ENOTDIR', p);
    const prev = append && existing ? (existing.data ?? Buffer.alloc(0)) : Buffer.alloc(0);
    this.overlay.set(real, { type: 'file', data: Buffer.concat([prev, data]), mode: existing?.mode ?? 0o644, mtime: this.now() });
    this.index(real);
  }

  mkdir(p: string, parents = false): void {
    if (this.lstat(p)) {
      if (parents && this.stat(p)?.type === 'dir') return;
      throw new FsError('EEXIST', p);
    }
    const parent = path.dirname(p);
    if (!this.stat(parent)) {
      if (!parents) throw new FsError('ENOENT', p);
      this.mkdir(parent, true);
    }
    const real = path.join(this.realpath(parent), path.basename(p));
    this.overlay.set(real, { type: 'dir', mode: 0o755, mtime: this.now() });
    this.index(real);
  }

  remove(p: string, recursive = false): void {
    const node = this.lstat(p);
    if (!node) throw new FsError('ENOENT', p);
    const real = path.join(this.realpath(path.dirname(p)), path.basename(p));
    if (node.type === 'dir') {
      const kids = this.list(real);
      if (kids.length && !recursive) throw new FsError('ENOTEMPTY', p);
      for (const k of kids) this.remove(path.join(real, k), true);
    }
    this.overlay.set(real, null);
  }

  touch(p: string): void {
    const node = this.stat(p);
    if (!node) return this.write(p, Buffer.alloc(0));
    const real = this.realpath(p);
    this.overlay.set(real, { ...node, mtime: this.now() });
  }
}
