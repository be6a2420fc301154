// HTTP/1.1 messages as the simulated container servers see and answer them.

export interface HttpRequest {
  method: string;
  /** Path and query, as on the request line. */
  target: string;
  version: string;
  /** Lower-cased names. */
  headers: Record<string, string>;
  body: Buffer;
  /** Who is asking (access logs): 127.0.0.1 through port-forward, a pod IP from inside the cluster. */
  remoteAddress?: string;
}

export interface HttpResponse {
  status: number;
  reason: string;
  headers: [string, string][];
  body: Buffer;
}

export function header(res: HttpResponse, name: string): string | undefined {
  const n = name.toLowerCase();
  return res.headers.find(([k]) => k.toLowerCase() === n)?.[1];
}

/** The wire form of a response; HEAD responses keep Content-Length but carry no body. */
export function serializeResponse(res: HttpResponse, headOnly: boolean): Buffer {
  const lines = [`HTTP/1.1 ${res.status} ${res.reason}`, ...res.headers.map(([k, v]) => `${k}: ${v}`)];
  return Buffer.concat([Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1'), headOnly ? Buffer.alloc(0) : res.body]);
}
