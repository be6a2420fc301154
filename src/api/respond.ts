// Writing responses: JSON (with a fast path that splices stored JSON into list bodies), YAML, Status errors.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { yaml } from '../yaml.js';
import { ApiError, asApiError, errors } from '../machinery/errors.js';
import type { OutputFormat } from './negotiation.js';

export const MAX_BODY_BYTES = 3 * 1024 * 1024; // upstream apiserver's default maxRequestBodyBytes

export const TABLE_CONTENT_TYPE = 'application/json;as=Table;v=v1;g=meta.k8s.io';

export function sendJsonText(res: ServerResponse, code: number, text: string, contentType = 'application/json'): void {
  res.writeHead(code, { 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

/** Like sendJsonText, for a body already encoded (LIST bodies: src/api/list-body.ts). */
export function sendJsonBytes(res: ServerResponse, code: number, body: Buffer, contentType = 'application/json'): void {
  res.writeHead(code, { 'Content-Type': contentType, 'Content-Length': body.length });
  res.end(body);
}

export function sendObject(res: ServerResponse, code: number, obj: unknown, format: OutputFormat = 'json', jsonText?: string): void {
  if (format === 'yaml') {
    const text = yaml().stringify(jsonText !== undefined ? JSON.parse(jsonText) : obj, { lineWidth: 0 });
    res.writeHead(code, { 'Content-Type': 'application/yaml', 'Content-Length': Buffer.byteLength(text) });
    res.end(text);
    return;
  }
  const ct = format === 'table' ? TABLE_CONTENT_TYPE : 'application/json';
  sendJsonText(res, code, jsonText ?? JSON.stringify(obj), ct);
}

export function sendError(res: ServerResponse, err: unknown): void {
  const apiErr = err instanceof ApiError ? err : asApiError(err);
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const headers: Record<string, string | number> = { 'Content-Type': 'application/json' };
  const retry = apiErr.details?.retryAfterSeconds;
  if (retry && (apiErr.code === 429 || apiErr.code >= 500)) headers['Retry-After'] = retry;
  const text = JSON.stringify(apiErr.toStatus());
  headers['Content-Length'] = Buffer.byteLength(text);
  res.writeHead(apiErr.code, headers);
  res.end(text);
}

export function sendText(res: ServerResponse, code: number, text: string): void {
  res.writeHead(code, { 'Content-Type': 'text/plain; charset=utf-8', 'X-Content-Type-Options': 'nosniff', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

/** Reads the request body, answering 413 past the upstream limit instead of buffering without bound. */
export function readBody(req: IncomingMessage, limit = MAX_BODY_BYTES): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > limit) {
      req.resume();
      reject(errors.tooLarge(`limit is ${limit}`));
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let failed = false;
    req.on('data', (c: Buffer) => {
      if (failed) return;
      size += c.length;
      if (size > limit) {
        failed = true;
        reject(errors.tooLarge(`limit is ${limit}`));
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => {
      if (!failed) resolve(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks));
    });
    req.on('error', (e) => {
      if (!failed) reject(errors.badRequest(`error reading request body: ${e.message}`));
    });
  });
}
