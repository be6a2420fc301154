// Pathname expansion (globbing) as sh does it: `*`, `?` and `[...]` (`[!...]` negated) per path segment, matched
// against the container's filesystem; names starting with a dot only by a pattern that does; no match leaves the
// word as it was.
import { VirtualFS } from './fs.js';

/** The paths `pattern` matches (relative to `cwd` unless absolute), sorted; `[pattern]` when none does. */
export function expandGlob(fs: VirtualFS, cwd: string, pattern: string): string[] {
  if (!/[*?[]/.test(pattern)) return [pattern];
  const abs = pattern.startsWith('/');
  const parts = pattern.split('/').filter(Boolean);
  let matches: string[] = [abs ? '/' : ''];
  for (const part of parts) {
    const next: string[] = [];
    const re = /[*?[]/.test(part) ? globToRegExp(part) : undefined;
    for (const m of matches) {
      const join = (name: string) => (m ? (m.endsWith('/') ? m + name : `${m}/${name}`) : name);
      if (!re) {
        if (fs.lstat(VirtualFS.normalize(join(part), cwd))) next.push(join(part));
        continue;
      }
      let names: string[] = [];
      try {
        names = fs.list(VirtualFS.normalize(m || '.', cwd));
      } catch {
        continue;
      }
      for (const n of names) {
        if (n.startsWith('.') && !part.startsWith('.')) continue;
        if (re.test(n)) next.push(join(n));
      }
    }
    matches = next;
  }
  return matches.length ? matches.sort() : [pattern];
}

/** One segment's pattern as a regular expression. */
export function globToRegExp(glob: string): RegExp {
  let re = '^';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === '*') re += '.*';
    else if (c === '?') re += '.';
    else if (c === '[') {
      const end = glob.indexOf(']', i + 1);
      if (end < 0) re += '\\[';
      else {
        re += `[${glob.slice(i + 1, end).replace(/^!/, '^').replace(/\\/g, '\\\\')}]`;
        i = end;
      }
    } else re += c.replace(/[.+^${}()|\\]/g, '\\$&');
  }
  return new RegExp(`${re}$`);
}
