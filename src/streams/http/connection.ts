// One HTTP/1.1 connection over a byte stream (a port-forward data stream): requests are parsed as their bytes
// arrive (Content-Length and chunked bodies), answered in order, and the connection is kept alive unless the
// client asks to close (Connection: close, or HTTP/1.0 without keep-alive) or sends something that is not HTTP.
import { serializeResponse, type HttpRequest, type HttpResponse } from './message.js';

const MAX_HEADER_BYTES = 64 * 1024;
const MAX_BODY_BYTES = 16 * 1024 * 1024;

export interface ConnectionHooks {
  handle(req: HttpRequest): HttpResponse;
  write(data: Buffer): void;
  /** The server side is done (after a Connection: close response, a bad request, or the client's end). */
  close(): void;
}

export function badRequest(): HttpResponse {
  const body = Buffer.from('<html>\r\n<head><title>400 Bad Request</title></head>\r\n<body>\r\n<center><h1>400 Bad Request</h1></center>\r\n</body>\r\n</html>\r\n');
  return { status: 400, reason: 'Bad Request', headers: [['Content-Type', 'text/html'], ['Content-Length', String(body.length)], ['Connection', 'close']], body };
}

export class HttpConnection {
  private buf: Buffer = Buffer.alloc(0);
  private closed = false;

  constructor(
    private readonly hooks: ConnectionHooks,
    private readonly remoteAddress = '127.0.0.1',
  ) {}

  feed(data: Buffer): void {
    if (this.closed) return;
    this.buf = this.buf.length ? Buffer.concat([this.buf, data]) : data;
    this.drain();
  }

  /** The client finished sending: answer nothing more and close once what was asked is answered. */
  end(): void {
    if (this.closed) return;
    this.closed = true;
    this.hooks.close();
  }

  private drain(): void {
    while (!this.closed && this.buf.length) {
      // Tolerate stray CRLFs between requests (RFC 9112 section 2.2).
      while (this.buf.length >= 2 && this.buf[0] === 0x0d && this.buf[1] === 0x0a) this.buf = this.buf.subarray(2);
      const end = this.buf.indexOf('\r\n\r\n');
      if (end < 0) {
        if (this.buf.length > MAX_HEADER_BYTES) this.fail();
        return;
      }
      const head = this.buf.subarray(0, end).toString('latin1');
      const [requestLine, ...headerLines] = head.split('\r\n');
      const m = /^([A-Z]+) (\S+) (HTTP\/1\.[01])$/.exec(requestLine);
      if (!m) return this.fail();
      const headers: Record<string, string> = {};
      for (const l of headerLines) {
        const c = l.indexOf(':');
        if (c <= 0) return this.fail();
        const name = l.slice(0, c).trim().toLowerCase();
        const value = l.slice(c + 1).trim();
        headers[name] = headers[name] !== undefined ? `${headers[name]}, ${value}` : value;
      }
      const bodyStart = end + 4;
      let body: Buffer;
      let consumed: number;
      if (/\bchunked\b/i.test(headers['transfer-encoding'] ?? '')) {
        const r = dechunk(this.buf.subarray(bodyStart));
        if (r === 'invalid') return this.fail();
        if (!r) return; // wait for more
        body = r.body;
        consumed = bodyStart + r.consumed;
      } else {
        const len = headers['content-length'] !== undefined ? Number(headers['content-length']) : 0;
        if (!Number.isInteger(len) || len < 0 || len > MAX_BODY_BYTES) return this.fail();
        if (this.buf.length < bodyStart + len) return;
        body = Buffer.from(this.buf.subarray(bodyStart, bodyStart + len));
        consumed = bodyStart + len;
      }
      this.buf = this.buf.subarray(consumed);
      const req: HttpRequest = { method: m[1], target: m[2], version: m[3], headers, body, remoteAddress: this.remoteAddress };
      const res = this.hooks.handle(req);
      const conn = (headers.connection ?? '').toLowerCase();
      const close = conn.includes('close') || (req.version === 'HTTP/1.0' && !conn.includes('keep-alive'));
      const out: HttpResponse = { ...res, headers: res.headers.filter(([k]) => k.toLowerCase() !== 'connection') };
      if (close) out.headers.push(['Connection', 'close']);
      else if (req.version === 'HTTP/1.0') out.headers.push(['Connection', 'keep-alive']);
      this.hooks.write(serializeResponse(out, req.method === 'HEAD'));
      if (close) return this.end();
    }
  }

  private fail(): void {
    this.hooks.write(serializeResponse(badRequest(), false));
    this.end();
  }
}

/** Decodes a complete chunked body at the start of buf: undefined while incomplete. */
function dechunk(buf: Buffer): { body: Buffer; consumed: number } | undefined | 'invalid' {
  const parts: Buffer[] = [];
  let off = 0;
  for (;;) {
    const nl = buf.indexOf('\r\n', off);
    if (nl < 0) return undefined;
    const size = parseInt(buf.subarray(off, nl).toString('latin1').split(';')[0].trim(), 16);
    if (!Number.isFinite(size) || size < 0) return 'invalid';
    off = nl + 2;
    if (size === 0) {
      // Trailers end with an empty line.
      const end = buf.indexOf('\r\n', off);
      if (end < 0) return undefined;
      if (end === off) return { body: Buffer.concat(parts), consumed: end + 2 };
      const trailersEnd = buf.indexOf('\r\n\r\n', off);
      if (trailersEnd < 0) return undefined;
      return { body: Buffer.concat(parts), consumed: trailersEnd + 4 };
    }
    if (buf.length < off + size + 2) return undefined;
    parts.push(buf.subarray(off, off + size));
    off += size + 2;
  }
}
