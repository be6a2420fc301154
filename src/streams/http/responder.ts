// The simulated servers behind container ports: Apache httpd and nginx serve their document roots from the
// container's filesystem (default pages, plus anything written there with kubectl exec), with their headers, error
// pages and access log lines; any other image answers a small text/plain page naming the pod and port.
import { apacheErrorPage, nginxErrorPage, reasonPhrase } from '../container/web-pages.js';
import { imageProfile, type ImageProfile } from '../container/profile.js';
import type { StreamsRuntime } from '../container/runtime.js';
import { isRunning } from '../container/status.js';
import { formatDate } from '../shell/util-system.js';
import type { HttpRequest, HttpResponse } from './message.js';

type Obj = Record<string, any>;

export interface Listener {
  container: Obj;
  profile: ImageProfile;
}

/** Which running container of the pod listens on a TCP port: declared container ports, else the image's own. */
export function listenerFor(pod: Obj, port: number): Listener | undefined {
  const containers: Obj[] = pod.spec?.containers ?? [];
  const declared = containers.find((c) => (c.ports ?? []).some((p: Obj) => p.containerPort === port && (p.protocol ?? 'TCP') === 'TCP'));
  const byImage = containers.find((c) => imageProfile(c.image).ports.includes(port));
  const c = declared ?? byImage;
  if (!c || !isRunning(pod, c.name)) return undefined;
  return { container: c, profile: imageProfile(c.image) };
}

const TYPES: Record<string, string> = {
  html: 'text/html',
  htm: 'text/html',
  txt: 'text/plain',
  css: 'text/css',
  js: 'application/javascript',
  json: 'application/json',
  png: 'image/png',
  svg: 'image/svg+xml',
  xml: 'text/xml',
};

function httpDate(ms: number): string {
  return `${formatDate(ms, '%a, %d %b %Y %H:%M:%S')} GMT`;
}

function etag(size: number, mtime: number, apache: boolean): string {
  const t = Math.floor(mtime / 1000).toString(16);
  return apache ? `"${size.toString(16)}-${(mtime * 1000).toString(16)}"` : `"${t}-${size.toString(16)}"`;
}

function logTime(ms: number): string {
  return `${formatDate(ms, '%d/%b/%Y:%H:%M:%S')} +0000`;
}

/** Answers one request on pod:port, or undefined when nothing listens there (connection refused). */
export function respond(runtime: StreamsRuntime, pod: Obj, port: number, req: HttpRequest): HttpResponse | undefined {
  const l = listenerFor(pod, port);
  if (!l) return undefined;
  const now = runtime.clock.now();
  const res = l.profile.http === 'generic' ? genericResponse(pod, l, port, req) : staticResponse(runtime, pod, l, req, now);
  res.headers.unshift(['Date', httpDate(now)]);
  const size = req.method === 'HEAD' ? 0 : res.body.length;
  const client = req.remoteAddress ?? '127.0.0.1';
  if (l.profile.http === 'nginx') {
    runtime.emitOutput(pod, l.container.name, `${client} - - [${logTime(now)}] "${req.method} ${req.target} ${req.version}" ${res.status} ${size} "${req.headers.referer ?? '-'}" "${req.headers['user-agent'] ?? '-'}" "-"`);
  } else if (l.profile.http === 'apache') {
    runtime.emitOutput(pod, l.container.name, `${client} - - [${logTime(now)}] "${req.method} ${req.target} ${req.version}" ${res.status} ${size || '-'}`);
  }
  return res;
}

function genericResponse(pod: Obj, l: Listener, port: number, req: HttpRequest): HttpResponse {
  const path = req.target.split('?')[0];
  const text = [
    `Hello from pod ${pod.metadata?.name} (namespace ${pod.metadata?.namespace})`,
    `container: ${l.container.name}`,
    `image: ${l.container.image}`,
    `port: ${port}`,
    `request: ${req.method} ${path}`,
    '',
  ].join('\n');
  const body = Buffer.from(text);
  return { status: 200, reason: 'OK', headers: [['Content-Type', 'text/plain; charset=utf-8'], ['Content-Length', String(body.length)]], body };
}

function staticResponse(runtime: StreamsRuntime, pod: Obj, l: Listener, req: HttpRequest, now: number): HttpResponse {
  const apache = l.profile.http === 'apache';
  const server = l.profile.serverVersion;
  const root = apache ? '/usr/local/apache2/htdocs' : '/usr/share/nginx/html';
  const error = (code: number, extra: [string, string][] = []): HttpResponse => {
    const body = Buffer.from(apache ? apacheErrorPage(code) : nginxErrorPage(server, code));
    return {
      status: code,
      reason: apache ? reasonPhrase(code) : code === 405 ? 'Not Allowed' : reasonPhrase(code),
      headers: [['Server', server], ['Content-Type', apache ? 'text/html; charset=iso-8859-1' : 'text/html'], ['Content-Length', String(body.length)], ...extra],
      body,
    };
  };
  let path: string;
  try {
    path = decodeURIComponent(req.target.split('?')[0]);
  } catch {
    return error(400);
  }
  if (!path.startsWith('/') || path.split('/').includes('..')) return error(400);
  if (req.method === 'OPTIONS' && apache) {
    return { status: 200, reason: 'OK', headers: [['Server', server], ['Allow', 'GET,POST,OPTIONS,HEAD'], ['Content-Length', '0'], ['Content-Type', 'text/html']], body: Buffer.alloc(0) };
  }
  const fs = runtime.filesystem(pod, l.container);
  let file = `${root}${path}`;
  let node = fs.stat(file);
  if (node?.type === 'dir') {
    if (!path.endsWith('/')) {
      const location = `${path}/`;
      return { ...error(301, [['Location', location]]) };
    }
    file = `${file}index.html`;
    node = fs.stat(file);
  }
  if (!node || node.type !== 'file') return error(404);
  if (req.method !== 'GET' && req.method !== 'HEAD') return error(405, apache ? [['Allow', 'GET,POST,OPTIONS,HEAD']] : []);
  const body = fs.read(file);
  const ext = file.split('.').pop() ?? '';
  const mtime = node.mtime || now;
  const headers: [string, string][] = [
    ['Server', server],
    ...(apache ? [] : ([['Content-Type', TYPES[ext] ?? 'application/octet-stream']] as [string, string][])),
    ...(apache ? [] : ([['Content-Length', String(body.length)]] as [string, string][])),
    ['Last-Modified', httpDate(mtime)],
    ['ETag', etag(body.length, mtime, apache)],
    ['Accept-Ranges', 'bytes'],
  ];
  if (apache) headers.push(['Content-Length', String(body.length)], ['Content-Type', TYPES[ext] ?? 'text/plain']);
  const inm = req.headers['if-none-match'];
  if (inm && inm === etag(body.length, mtime, apache)) return { status: 304, reason: 'Not Modified', headers: headers.filter(([k]) => k !== 'Content-Length' && k !== 'Content-Type'), body: Buffer.alloc(0) };
  return { status: 200, reason: 'OK', headers, body };
}
