// Shared helpers for the API tests: Status assertions, small object factories and a raw watch-stream reader.
import http from 'node:http';
import { expect } from 'vitest';
import type { ClusterOptions } from '../../src/config.js';
import { waitFor } from '../helpers/wait.js';

type Obj = Record<string, any>;

/**
 * The API tests exercise the API server alone: no controllers (they would add kube-root-ca.crt configmaps, update
 * deployment status, finalize namespaces...) so every assertion is about what the server itself did.
 */
export const API_ONLY: ClusterOptions = { components: [] };

/** Asserts a response is a Failure Status with this code and reason (and message, exact string or pattern). */
export function expectStatus(res: { status: number; body: any; headers?: Record<string, any> }, code: number, reason: string, message?: string | RegExp): Obj {
  expect(res.status, `HTTP status (body: ${JSON.stringify(res.body)})`).toBe(code);
  const body = res.body;
  expect(body.kind).toBe('Status');
  expect(body.apiVersion).toBe('v1');
  expect(body.status).toBe('Failure');
  expect(body.code).toBe(code);
  expect(body.reason).toBe(reason);
  if (typeof message === 'string') expect(body.message).toBe(message);
  else if (message) expect(body.message).toMatch(message);
  return body;
}

export function configMap(name: string, extra: Obj = {}): Obj {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, ...(extra.metadata ?? {}) }, data: extra.data ?? { k: 'v' } };
}

export function deployment(name: string, replicas = 1, labels: Obj = { app: name }): Obj {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, labels },
    spec: {
      replicas,
      selector: { matchLabels: labels },
      template: { metadata: { labels }, spec: { containers: [{ name: 'c', image: 'nginx:1.25' }] } },
    },
  };
}

export function pod(name: string, spec: Obj = {}, labels?: Obj): Obj {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, ...(labels ? { labels } : {}) },
    spec: { containers: [{ name: 'c', image: 'nginx:1.25' }], ...spec },
  };
}

export interface WatchEvent {
  type: string;
  object: Obj;
}

/** A raw chunked watch response read with Node http: newline-delimited JSON parsed into events. */
export interface WatchStream {
  status: number;
  headers: http.IncomingHttpHeaders;
  events: WatchEvent[];
  /** Resolves when the server ends the response. */
  ended: Promise<void>;
  isEnded(): boolean;
  /** Waits until at least `n` events have arrived. */
  waitForEvents(n: number, timeoutMs?: number): Promise<WatchEvent[]>;
  close(): void;
}

export function openWatch(baseUrl: string, path: string, headers: Record<string, string> = {}): Promise<WatchStream> {
  return new Promise((resolve, reject) => {
    const req = http.get(`${baseUrl}${path}`, { headers }, (res) => {
      const events: WatchEvent[] = [];
      let buf = '';
      let done = false;
      const ended = new Promise<void>((r) => {
        res.on('end', () => {
          done = true;
          r();
        });
        res.on('close', () => {
          done = true;
          r();
        });
      });
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buf += chunk;
        let nl: number;
        while ((nl = buf.indexOf('\n')) >= 0) {
          const line = buf.slice(0, nl).trim();
          buf = buf.slice(nl + 1);
          if (line) events.push(JSON.parse(line));
        }
      });
      res.on('error', () => undefined);
      resolve({
        status: res.statusCode ?? 0,
        headers: res.headers,
        events,
        ended,
        isEnded: () => done,
        waitForEvents: (n, timeoutMs = 10_000) => waitFor(`${n} watch events on ${path} (have ${events.length})`, () => events.length >= n && events, timeoutMs),
        close: () => {
          req.destroy();
          res.destroy();
        },
      });
    });
    req.on('error', reject);
  });
}

/** Names and types of the events, e.g. ["ADDED a", "MODIFIED a"]. */
export function summary(events: WatchEvent[]): string[] {
  return events.map((e) => `${e.type} ${e.object?.metadata?.name ?? ''}`.trim());
}
