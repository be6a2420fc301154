// Network clients inside the simulated container: curl (nginx image), busybox wget and nslookup. Requests go to the
// simulated listeners of this pod (localhost), of other pods (pod IPs) and of services (names through cluster DNS,
// ClusterIPs), answered by the same HTTP responder as port-forward and the API server proxy.
import type { FetchResult, Utility, UtilityContext } from './interp.js';
import { flags } from './util-files.js';

interface Request {
  url: string;
  method: string;
  headers: Record<string, string>;
  body?: Buffer;
}

function parseUrl(raw: string): URL | undefined {
  try {
    return new URL(/^[a-z]+:\/\//i.test(raw) ? raw : `http://${raw}`);
  } catch {
    return undefined;
  }
}

async function fetchVia(ctx: UtilityContext, req: Request): Promise<FetchResult> {
  const u = parseUrl(req.url);
  if (!u || !ctx.host.fetch) return { ok: false, error: 'resolve', host: u?.hostname ?? req.url, port: 80 };
  return ctx.host.interrupts.wait(ctx.host.fetch(u.toString(), { method: req.method, headers: req.headers, body: req.body }));
}

const curl: Utility = async (ctx) => {
  const args = ctx.argv.slice(1);
  const req: Request = { url: '', method: 'GET', headers: {} };
  let silent = false;
  let showErrors = false;
  let include = false;
  let fail = false;
  let output: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '-s' || a === '--silent') silent = true;
    else if (a === '-S' || a === '--show-error') showErrors = true;
    else if (a === '-sS' || a === '-Ss') silent = showErrors = true;
    else if (a === '-i' || a === '--include') include = true;
    else if (a === '-I' || a === '--head') {
      req.method = 'HEAD';
      include = true;
    } else if (a === '-f' || a === '--fail' || a === '-fsSL' || a === '-sSfL' || a === '-fsS') {
      fail = true;
      if (a.includes('s')) silent = showErrors = true;
    } else if (a === '-X' || a === '--request') req.method = args[++i] ?? 'GET';
    else if (a === '-H' || a === '--header') {
      const h = args[++i] ?? '';
      const c = h.indexOf(':');
      if (c > 0) req.headers[h.slice(0, c).trim().toLowerCase()] = h.slice(c + 1).trim();
    } else if (a === '-d' || a === '--data' || a === '--data-raw') {
      req.body = Buffer.from(args[++i] ?? '');
      if (req.method === 'GET') req.method = 'POST';
      req.headers['content-type'] ??= 'application/x-www-form-urlencoded';
    } else if (a === '-o' || a === '--output') output = args[++i];
    else if (a === '-m' || a === '--max-time' || a === '--connect-timeout' || a === '-w') i++;
    else if (a.startsWith('-')) continue;
    else req.url = a;
  }
  if (!req.url) {
    ctx.io.stderr.write("curl: no URL specified\ncurl: try 'curl --help' or 'curl --manual' for more information\n");
    return 2;
  }
  const r = await fetchVia(ctx, req);
  if (!r.ok) {
    if (!silent || showErrors) {
      ctx.io.stderr.write(
        r.error === 'resolve'
          ? `curl: (6) Could not resolve host: ${r.host}\n`
          : `curl: (7) Failed to connect to ${r.host} port ${r.port} after 0 ms: Couldn't connect to server\n`,
      );
    }
    return r.error === 'resolve' ? 6 : 7;
  }
  if (fail && r.status >= 400) {
    if (!silent || showErrors) ctx.io.stderr.write(`curl: (22) The requested URL returned error: ${r.status}\n`);
    return 22;
  }
  const head = `HTTP/1.1 ${r.status} ${r.reason}\r\n${r.headers.map(([k, v]) => `${k}: ${v}\r\n`).join('')}\r\n`;
  const data = Buffer.concat([include ? Buffer.from(head) : Buffer.alloc(0), r.body]);
  if (output && output !== '-') ctx.host.fs.write(output.startsWith('/') ? output : `${ctx.cwd}/${output}`, data);
  else ctx.io.stdout.write(data);
  return 0;
};

const wget: Utility = async (ctx) => {
  const { set, values, rest } = flags(ctx.argv.slice(1), 'OTUY');
  const url = rest[0];
  if (!url) {
    ctx.io.stderr.write('BusyBox v1.37.0 multi-call binary.\n\nUsage: wget [-cqS] [--spider] [-O FILE] [-o LOGFILE] [--header STR]\n\t[--post-data STR | --post-file FILE] [-Y on/off]\n\t[-P DIR] [-U AGENT] [-T SEC] URL...\n');
    return 1;
  }
  const quiet = set.has('q');
  const u = parseUrl(url);
  const r = await fetchVia(ctx, { url, method: set.has('--spider') ? 'HEAD' : 'GET', headers: {} });
  if (!r.ok) {
    ctx.io.stderr.write(r.error === 'resolve' ? `wget: bad address '${r.host}'\n` : `wget: can't connect to remote host (${r.host}): Connection refused\n`);
    return 1;
  }
  if (!quiet) ctx.io.stderr.write(`Connecting to ${u?.host ?? url}\n`);
  if (r.status >= 400) {
    ctx.io.stderr.write(`wget: server returned error: HTTP/1.1 ${r.status} ${r.reason}\n`);
    return 1;
  }
  const out = values.get('O') ?? (u?.pathname.split('/').pop() || 'index.html');
  if (out === '-') {
    if (!quiet) ctx.io.stderr.write('writing to stdout\n');
    ctx.io.stdout.write(r.body);
  } else {
    ctx.host.fs.write(out.startsWith('/') ? out : `${ctx.cwd}/${out}`, r.body);
    if (!quiet) ctx.io.stderr.write(`saving to '${out}'\n${out}              100% |********************************|   ${r.body.length}  0:00:00 ETA\n'${out}' saved\n`);
  }
  return 0;
};

const nslookup: Utility = async (ctx) => {
  const name = ctx.argv.slice(1).find((a) => !a.startsWith('-'));
  const dns = /nameserver\s+(\S+)/.exec(safeRead(ctx, '/etc/resolv.conf'))?.[1] ?? '10.96.0.10';
  if (!name) return 1;
  ctx.io.stdout.write(`Server:\t\t${dns}\nAddress:\t${dns}:53\n\n`);
  const found = ctx.host.resolve?.(name);
  if (!found || !found.addresses.length) {
    ctx.io.stdout.write(`** server can't find ${name}: NXDOMAIN\n\n`);
    return 1;
  }
  ctx.io.stdout.write(`${found.addresses.map((a) => `Name:\t${found.fqdn}\nAddress: ${a}\n`).join('')}\n`);
  return 0;
};

function safeRead(ctx: UtilityContext, p: string): string {
  try {
    return ctx.host.fs.read(p).toString('utf8');
  } catch {
    return '';
  }
}

export const NET_UTILITIES: Record<string, Utility> = { curl, wget, nslookup };
