// What a simulated container image looks like from inside: its base distribution (which shell, which tools), the
// environment its image config sets, and the ports its main process listens on (httpd and nginx serve port 80 even
// when the pod spec declares no port, like the real images).
import { imageRepository, normalizeImage } from '../../nodes/images.js';

export type Flavor = 'busybox' | 'alpine' | 'debian';
export type HttpKind = 'apache' | 'nginx' | 'generic';

export interface ImageProfile {
  /** Repository base name: `nginx` for docker.io/library/nginx:1.27. */
  name: string;
  tag: string;
  flavor: Flavor;
  /** Image config environment, PATH first. */
  env: [string, string][];
  /** Ports the main process listens on without any pod-spec port. */
  ports: number[];
  http: HttpKind;
  /** The server's version string (Server header, error pages). */
  serverVersion: string;
  /** The main process as `ps` shows it. */
  mainProcess: string;
}

const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

function tagOf(image: string): string {
  const ref = normalizeImage(image);
  const at = ref.indexOf('@');
  if (at >= 0) return 'latest';
  const slash = ref.lastIndexOf('/');
  const colon = ref.indexOf(':', slash + 1);
  return colon < 0 ? 'latest' : ref.slice(colon + 1);
}

/** A version from a tag like `1.27.3`, `1.25-alpine` (→ 1.25.<fallback patch>), else the default. */
function versionFrom(tag: string, fallback: string): string {
  const full = /^(\d+\.\d+\.\d+)/.exec(tag);
  if (full) return full[1];
  const mm = /^(\d+\.\d+)(?!\.)/.exec(tag);
  if (mm) return `${mm[1]}.${fallback.split('.')[2] ?? '0'}`;
  return fallback;
}

export function imageProfile(image: string | undefined): ImageProfile {
  const ref = image ?? '';
  const name = imageRepository(ref).split('/').pop() ?? '';
  const tag = tagOf(ref);
  const alpineTag = /alpine/.test(tag);
  const base: ImageProfile = {
    name,
    tag,
    flavor: name === 'busybox' ? 'busybox' : name === 'alpine' || alpineTag ? 'alpine' : 'debian',
    env: [['PATH', DEFAULT_PATH]],
    ports: [],
    http: 'generic',
    serverVersion: '',
    mainProcess: name || 'app',
  };
  switch (name) {
    case 'nginx': {
      const v = versionFrom(tag, '1.27.3');
      const release = alpineTag ? '1' : '1~bookworm';
      base.env.push(['NGINX_VERSION', v], ['NJS_VERSION', '0.8.7'], ['NJS_RELEASE', release], ['PKG_RELEASE', release], ['DYNPKG_RELEASE', release]);
      return { ...base, ports: [80], http: 'nginx', serverVersion: `nginx/${v}`, mainProcess: 'nginx: master process nginx -g daemon off;' };
    }
    case 'httpd': {
      const v = versionFrom(tag, '2.4.62');
      base.env = [
        ['PATH', `/usr/local/apache2/bin:${DEFAULT_PATH}`],
        ['HTTPD_PREFIX', '/usr/local/apache2'],
        ['HTTPD_VERSION', v],
        ['HTTPD_PATCHES', ''],
      ];
      return { ...base, ports: [80], http: 'apache', serverVersion: `Apache/${v} (Unix)`, mainProcess: 'httpd -DFOREGROUND' };
    }
    case 'redis':
      base.env.push(['REDIS_VERSION', versionFrom(tag, '7.4.1')]);
      return { ...base, mainProcess: 'redis-server *:6379' };
    case 'python':
      base.env.push(['LANG', 'C.UTF-8'], ['PYTHON_VERSION', versionFrom(tag, '3.12.7')]);
      return { ...base, mainProcess: 'python3' };
    case 'node':
      base.env.push(['NODE_VERSION', versionFrom(tag, '22.11.0')], ['YARN_VERSION', '1.22.22']);
      return { ...base, mainProcess: 'node' };
    case 'golang':
      base.env = [['PATH', `/go/bin:/usr/local/go/bin:${DEFAULT_PATH}`], ['GOLANG_VERSION', versionFrom(tag, '1.23.3')], ['GOTOOLCHAIN', 'local'], ['GOPATH', '/go']];
      return base;
    default:
      return base;
  }
}
