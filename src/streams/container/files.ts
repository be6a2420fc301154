// The base filesystem of a simulated container: a plausible root for its distribution, the files the kubelet
// manages (/etc/hosts, /etc/resolv.conf, /etc/hostname, the service account token), the pod's configMap, secret,
// downwardAPI and emptyDir volumes at their mount paths, and the web roots of the httpd and nginx images.
import { createHash } from 'node:crypto';
import type { FsNode } from '../shell/fs.js';
import { apacheIndex, nginxErrorPage, nginxIndex } from './web-pages.js';
import type { ImageProfile } from './profile.js';
import type { EnvSources } from './env.js';
import { commandsFor } from './commands-available.js';

type Obj = Record<string, any>;

export const CLUSTER_DOMAIN = 'cluster.local';
const IMAGE_BUILT = Date.parse('2024-11-12T00:00:00Z');

export interface PodFacts {
  pod: Obj;
  container: Obj;
  profile: ImageProfile;
  hostname: string;
  /** The cluster DNS service IP (kube-system/kube-dns), for resolv.conf. */
  dnsIP: string;
  sources: EnvSources;
  /** When the container started (ms), the mtime of kubelet-written files. */
  started: number;
}

class Tree {
  readonly nodes = new Map<string, FsNode>();
  constructor(private readonly mtime: number) {}
  dir(p: string, mode = 0o755, mtime = this.mtime): void {
    this.nodes.set(p, { type: 'dir', mode, mtime });
  }
  file(p: string, content: string | Buffer, mode = 0o644, mtime = this.mtime): void {
    this.nodes.set(p, { type: 'file', data: typeof content === 'string' ? Buffer.from(content, 'utf8') : content, mode, mtime });
  }
  link(p: string, target: string): void {
    this.nodes.set(p, { type: 'link', target, mode: 0o777, mtime: this.mtime });
  }
  device(p: string, device: FsNode['device']): void {
    this.nodes.set(p, { type: 'file', device, mode: 0o666, mtime: this.mtime });
  }
}

export function podHostname(pod: Obj): string {
  return String(pod.spec?.hostname || pod.metadata?.name || '').slice(0, 63);
}

/** The FQDN when the pod has a subdomain (hostname.subdomain.ns.svc.cluster.local). */
export function podFqdn(pod: Obj): string | undefined {
  const sub = pod.spec?.subdomain;
  return sub ? `${podHostname(pod)}.${sub}.${pod.metadata?.namespace}.svc.${CLUSTER_DOMAIN}` : undefined;
}

/** The kubelet's managed hosts file (upstream kubelet_pods.go managedHostsFileContent). */
export function hostsFile(pod: Obj): string {
  const lines = [
    '# Kubernetes-managed hosts file.',
    '127.0.0.1\tlocalhost',
    '::1\tlocalhost ip6-localhost ip6-loopback',
    'fe00::0\tip6-localnet',
    'fe00::0\tip6-mcastprefix',
    'fe00::1\tip6-allnodes',
    'fe00::2\tip6-allrouters',
  ];
  const fqdn = podFqdn(pod);
  for (const ip of (pod.status?.podIPs ?? []).map((i: Obj) => i.ip).filter(Boolean)) {
    lines.push(fqdn ? `${ip}\t${fqdn}\t${podHostname(pod)}` : `${ip}\t${podHostname(pod)}`);
  }
  let out = `${lines.join('\n')}\n`;
  const aliases: Obj[] = pod.spec?.hostAliases ?? [];
  if (aliases.length) {
    out += '\n# Entries added by HostAliases.\n';
    for (const a of aliases) out += `${a.ip}\t${(a.hostnames ?? []).join('\t')}\n`;
  }
  return out;
}

/** resolv.conf for the pod's dnsPolicy (ClusterFirst: the cluster DNS and the namespace search path). */
export function resolvConf(pod: Obj, dnsIP: string): string {
  const ns = pod.metadata?.namespace ?? 'default';
  const policy = pod.spec?.dnsPolicy ?? 'ClusterFirst';
  const hostNetwork = !!pod.spec?.hostNetwork;
  let servers: string[] = [];
  let searches: string[] = [];
  let options: string[] = [];
  if (policy === 'ClusterFirst' && !hostNetwork || policy === 'ClusterFirstWithHostNet') {
    servers = [dnsIP];
    searches = [`${ns}.svc.${CLUSTER_DOMAIN}`, `svc.${CLUSTER_DOMAIN}`, CLUSTER_DOMAIN];
    options = ['ndots:5'];
  } else if (policy !== 'None') {
    servers = ['172.30.0.1'];
  }
  const cfg = pod.spec?.dnsConfig ?? {};
  for (const s of cfg.nameservers ?? []) if (!servers.includes(s)) servers.push(s);
  for (const s of cfg.searches ?? []) if (!searches.includes(s)) searches.push(s);
  for (const o of cfg.options ?? []) {
    const opt = o.value !== undefined ? `${o.name}:${o.value}` : String(o.name);
    options = options.filter((x) => x.split(':')[0] !== o.name);
    options.push(opt);
  }
  const lines: string[] = [];
  if (searches.length) lines.push(`search ${searches.join(' ')}`);
  for (const s of servers) lines.push(`nameserver ${s}`);
  if (options.length) lines.push(`options ${options.join(' ')}`);
  return `${lines.join('\n')}\n`;
}

function fakeToken(pod: Obj, sa: string): string {
  const b64 = (o: unknown): string => Buffer.from(JSON.stringify(o)).toString('base64url');
  const ns = pod.metadata?.namespace;
  const header = { alg: 'RS256', kid: createHash('sha256').update('kubesim').digest('base64url').slice(0, 43) };
  const payload = {
    aud: [`https://kubernetes.default.svc.${CLUSTER_DOMAIN}`],
    iss: `https://kubernetes.default.svc.${CLUSTER_DOMAIN}`,
    'kubernetes.io': { namespace: ns, pod: { name: pod.metadata?.name, uid: pod.metadata?.uid }, serviceaccount: { name: sa } },
    sub: `system:serviceaccount:${ns}:${sa}`,
  };
  return `${b64(header)}.${b64(payload)}.${createHash('sha256').update(`${pod.metadata?.uid}`).digest('base64url')}`;
}

const FAKE_CA = `-----BEGIN CERTIFICATE-----\n${createHash('sha512').update('kubesim-ca').digest('base64').match(/.{1,64}/g)!.join('\n')}\n-----END CERTIFICATE-----\n`;

function passwd(p: ImageProfile): string {
  const shell = p.flavor === 'debian' ? '/bin/bash' : '/bin/sh';
  const lines = [`root:x:0:0:root:/root:${shell}`, 'daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin', 'bin:x:2:2:bin:/bin:/usr/sbin/nologin', 'nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin'];
  if (p.flavor === 'debian') lines.splice(3, 0, 'www-data:x:33:33:www-data:/var/www:/usr/sbin/nologin');
  if (p.name === 'nginx') lines.push('nginx:x:101:101:nginx user:/nonexistent:/bin/false');
  return `${lines.join('\n')}\n`;
}

function osRelease(p: ImageProfile): string | undefined {
  if (p.flavor === 'alpine') return 'NAME="Alpine Linux"\nID=alpine\nVERSION_ID=3.20.3\nPRETTY_NAME="Alpine Linux v3.20"\nHOME_URL="https://alpinelinux.org/"\n';
  if (p.flavor === 'debian') {
    return 'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nNAME="Debian GNU/Linux"\nVERSION_ID="12"\nVERSION="12 (bookworm)"\nVERSION_CODENAME=bookworm\nID=debian\nHOME_URL="https://www.debian.org/"\n';
  }
  return undefined;
}

/** Files of one volume, relative to its mount path (configMap and secret keys, downwardAPI items, projected sources). */
function volumeFiles(facts: PodFacts, vol: Obj): Map<string, string | Buffer> | undefined {
  const { pod, sources } = facts;
  const ns = pod.metadata?.namespace ?? 'default';
  const out = new Map<string, string | Buffer>();
  const keyed = (data: Record<string, unknown>, items: Obj[] | undefined, decode: boolean): void => {
    const value = (v: unknown): string | Buffer => (decode ? Buffer.from(String(v ?? ''), 'base64') : String(v ?? ''));
    if (items?.length) {
      for (const it of items) if (data[it.key] !== undefined) out.set(it.path, value(data[it.key]));
    } else for (const [k, v] of Object.entries(data)) out.set(k, value(v));
  };
  const downward = (items: Obj[]): void => {
    for (const it of items ?? []) {
      const f = it.fieldRef?.fieldPath;
      if (f === 'metadata.labels' || f === 'metadata.annotations') {
        const m: Record<string, string> = pod.metadata?.[f.split('.')[1]] ?? {};
        out.set(it.path, Object.entries(m).map(([k, v]) => `${k}="${v}"`).join('\n'));
      } else if (f) {
        const v = f.split('.').reduce((o: any, k: string) => o?.[k], pod);
        out.set(it.path, String(v ?? ''));
      }
    }
  };
  if (vol.configMap) {
    const cm = sources.configMap(ns, vol.configMap.name ?? '');
    if (cm) {
      keyed(cm.data ?? {}, vol.configMap.items, false);
      keyed(cm.binaryData ?? {}, vol.configMap.items, true);
    }
    return out;
  }
  if (vol.secret) {
    keyed(sources.secret(ns, vol.secret.secretName ?? '')?.data ?? {}, vol.secret.items, true);
    return out;
  }
  if (vol.downwardAPI) {
    downward(vol.downwardAPI.items);
    return out;
  }
  if (vol.projected) {
    for (const src of vol.projected.sources ?? []) {
      if (src.serviceAccountToken) out.set(src.serviceAccountToken.path ?? 'token', fakeToken(pod, pod.spec?.serviceAccountName ?? 'default'));
      if (src.configMap) keyed(sources.configMap(ns, src.configMap.name ?? '')?.data ?? {}, src.configMap.items, false);
      if (src.secret) keyed(sources.secret(ns, src.secret.name ?? '')?.data ?? {}, src.secret.items, true);
      if (src.downwardAPI) downward(src.downwardAPI.items);
    }
    // The kube-api-access volume: ca.crt from the kube-root-ca.crt ConfigMap (ours is a placeholder when absent).
    if (!out.has('ca.crt') && (vol.name ?? '').startsWith('kube-api-access-')) out.set('ca.crt', FAKE_CA);
    return out;
  }
  if (vol.emptyDir || vol.hostPath || vol.persistentVolumeClaim) return out;
  return undefined;
}

export function baseFilesystem(facts: PodFacts): Map<string, FsNode> {
  const { pod, container, profile, hostname, started } = facts;
  const t = new Tree(IMAGE_BUILT);
  const debian = profile.flavor === 'debian';
  for (const d of ['/dev', '/etc', '/home', '/proc', '/root', '/sys', '/tmp', '/usr', '/var', '/usr/local', '/usr/local/bin', '/usr/share', '/var/log', '/var/run', '/run', '/mnt', '/opt']) t.dir(d);
  t.dir('/tmp', 0o1777);
  t.dir('/root', 0o700);
  if (debian) {
    for (const d of ['/boot', '/media', '/srv', '/usr/bin', '/usr/sbin', '/usr/lib', '/usr/lib64']) t.dir(d);
    t.link('/bin', 'usr/bin');
    t.link('/sbin', 'usr/sbin');
    t.link('/lib', 'usr/lib');
    t.link('/lib64', 'usr/lib64');
  } else {
    for (const d of ['/bin', '/sbin', '/lib', '/usr/bin', '/usr/sbin', '/usr/lib']) t.dir(d);
    if (profile.flavor === 'alpine') for (const d of ['/media', '/srv']) t.dir(d);
    else t.dir('/lib64');
  }
  // Every simulated command has its binary, so `ls /bin` and `which` agree with what runs.
  for (const c of commandsFor(profile)) t.file(`${debian ? '/usr/bin' : '/bin'}/${c}`, Buffer.from('\x7fELF'), 0o755);
  for (const d of ['null', 'zero', 'random', 'urandom', 'tty'] as const) {
    t.device(`/dev/${d}`, d === 'urandom' ? 'random' : d);
  }
  t.link('/dev/stdin', '/proc/self/fd/0');
  t.link('/dev/stdout', '/proc/self/fd/1');
  t.link('/dev/stderr', '/proc/self/fd/2');
  t.dir('/dev/pts');
  t.dir('/dev/shm', 0o1777);
  t.file('/dev/termination-log', '', 0o666, started);
  t.file('/etc/passwd', passwd(profile));
  t.file('/etc/group', 'root:x:0:\ndaemon:x:1:\nbin:x:2:\nwww-data:x:33:\nnogroup:x:65534:\n');
  t.file('/etc/shells', debian ? '/bin/sh\n/usr/bin/sh\n/bin/bash\n/usr/bin/bash\n/bin/dash\n/usr/bin/dash\n' : '/bin/sh\n/bin/ash\n');
  const os = osRelease(profile);
  if (os) t.file(profile.flavor === 'alpine' ? '/etc/os-release' : '/usr/lib/os-release', os);
  if (profile.flavor === 'debian') {
    t.link('/etc/os-release', '../usr/lib/os-release');
    t.file('/etc/debian_version', '12.8\n');
  }
  if (profile.flavor === 'alpine') t.file('/etc/alpine-release', '3.20.3\n');
  // Files the kubelet writes into every container.
  t.file('/etc/hostname', `${hostname}\n`, 0o644, started);
  t.file('/etc/hosts', hostsFile(pod), 0o644, started);
  t.file('/etc/resolv.conf', resolvConf(pod, facts.dnsIP), 0o644, started);
  const kernel = facts.sources.node(pod.spec?.nodeName ?? '')?.status?.nodeInfo?.kernelVersion ?? '5.15.0-125-generic';
  t.file('/proc/version', `Linux version ${kernel} (buildd@lcy02-amd64-034) (gcc (Ubuntu 11.4.0-1ubuntu1~22.04) 11.4.0, GNU ld (GNU Binutils for Ubuntu) 2.38) #135-Ubuntu SMP Fri Sep 27 13:53:58 UTC 2024\n`);
  t.file('/proc/1/cmdline', `${profile.mainProcess.replace(/ /g, '\0')}\0`);
  if (profile.name === 'nginx') {
    t.file('/usr/share/nginx/html/index.html', nginxIndex());
    t.file('/usr/share/nginx/html/50x.html', nginxErrorPage(profile.serverVersion, 500));
    t.file('/etc/nginx/nginx.conf', 'user  nginx;\nworker_processes  auto;\n\nerror_log  /var/log/nginx/error.log notice;\npid        /run/nginx.pid;\n\nevents {\n    worker_connections  1024;\n}\n\nhttp {\n    include       /etc/nginx/mime.types;\n    default_type  application/octet-stream;\n    sendfile        on;\n    keepalive_timeout  65;\n    include /etc/nginx/conf.d/*.conf;\n}\n');
    t.file('/etc/nginx/conf.d/default.conf', 'server {\n    listen       80;\n    listen  [::]:80;\n    server_name  localhost;\n\n    location / {\n        root   /usr/share/nginx/html;\n        index  index.html index.htm;\n    }\n\n    error_page   500 502 503 504  /50x.html;\n    location = /50x.html {\n        root   /usr/share/nginx/html;\n    }\n}\n');
    t.link('/var/log/nginx/access.log', '/dev/stdout');
    t.link('/var/log/nginx/error.log', '/dev/stderr');
    t.file('/docker-entrypoint.sh', '#!/bin/sh\n# vim:sw=4:ts=4:et\nset -e\nexec "$@"\n', 0o775);
    t.dir('/docker-entrypoint.d');
  }
  if (profile.name === 'httpd') {
    const root = '/usr/local/apache2';
    for (const d of ['bin', 'build', 'cgi-bin', 'conf', 'error', 'icons', 'include', 'logs', 'modules']) t.dir(`${root}/${d}`);
    t.file(`${root}/htdocs/index.html`, apacheIndex());
    t.file(`${root}/conf/httpd.conf`, 'ServerRoot "/usr/local/apache2"\nListen 80\nDocumentRoot "/usr/local/apache2/htdocs"\n<Directory "/usr/local/apache2/htdocs">\n    Options Indexes FollowSymLinks\n    AllowOverride None\n    Require all granted\n</Directory>\nErrorLog /proc/self/fd/2\nCustomLog /proc/self/fd/1 common\n');
    t.file(`${root}/bin/httpd-foreground`, '#!/bin/sh\nset -e\nrm -f /usr/local/apache2/logs/httpd.pid\nexec httpd -DFOREGROUND "$@"\n', 0o755);
  }
  // Volumes at their mount paths.
  const volumes: Obj[] = pod.spec?.volumes ?? [];
  for (const m of container.volumeMounts ?? []) {
    const vol = volumes.find((v) => v.name === m.name);
    if (!vol || !m.mountPath) continue;
    const files = volumeFiles(facts, vol);
    if (!files) continue;
    const mount = String(m.mountPath).replace(/\/+$/, '') || '/';
    if (m.subPath) {
      const content = files.get(m.subPath);
      if (content !== undefined) t.file(mount, content, 0o644, started);
      else t.dir(mount, 0o755, started);
      continue;
    }
    t.dir(mount, 0o1777, started);
    for (const [rel, content] of files) t.file(`${mount}/${rel}`, content, vol.secret || vol.projected ? 0o644 : 0o644, started);
  }
  return t.nodes;
}
