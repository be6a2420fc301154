// Which programs an image ships: Debian-based images (nginx, httpd, most language images) have coreutils, dash
// and bash but no procps; busybox and Alpine have busybox applets (ps, wget) and no bash. The nginx image adds curl.
import type { ImageProfile } from './profile.js';

const COMMON = [
  'basename', 'cat', 'cp', 'date', 'df', 'dirname', 'echo', 'env', 'false', 'grep', 'head', 'hostname', 'id', 'kill',
  'ln', 'ls', 'mkdir', 'mv', 'nproc', 'printenv', 'printf', 'pwd', 'rm', 'seq', 'sh', 'sleep', 'sort', 'stty', 'tail',
  'tar', 'tee', 'test', '[', 'touch', 'tr', 'true', 'tty', 'uname', 'uniq', 'wc', 'whoami', 'cut', 'xargs', 'yes',
];
const DEBIAN = ['bash', 'dash', 'which', 'hostid'];
const BUSYBOX = ['ash', 'ps', 'wget', 'free', 'uptime', 'nslookup', 'which', 'top'];

export function commandsFor(profile: ImageProfile): string[] {
  const out = new Set(COMMON);
  for (const c of profile.flavor === 'debian' ? DEBIAN : BUSYBOX) out.add(c);
  if (profile.name === 'nginx') out.add('curl').add('nginx');
  if (profile.name === 'httpd') out.add('httpd').add('apachectl');
  return [...out].sort();
}
