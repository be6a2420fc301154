// Port-forward over a SPDY session (upstream kubelet cri/streaming/portforward/httpstream.go): the client opens an
// error stream and a data stream per local connection, paired by their requestid header, for the port in their
// port header. The data stream carries the connection's bytes to the simulated server on that port; when nothing
// listens there, the error stream gets the runtime's message, as containerd writes it.
import { createHash } from 'node:crypto';
import type { StreamsRuntime } from './container/runtime.js';
import { HttpConnection } from './http/connection.js';
import { listenerFor, respond } from './http/responder.js';
import type { SpdySession, SpdyStream } from './spdy/session.js';

type Obj = Record<string, any>;

export const PORT_FORWARD_PROTOCOL = 'portforward.k8s.io';
const PAIR_TIMEOUT_MS = 30_000;

interface Pair {
  data?: SpdyStream;
  error?: SpdyStream;
  timer?: { cancel(): void };
}

/** The pod sandbox id and network namespace containerd names in its errors: stable per pod. */
function sandbox(pod: Obj): { id: string; netns: string } {
  const h = createHash('sha256').update(String(pod.metadata?.uid)).digest('hex');
  return { id: h, netns: `cni-${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}` };
}

function refusedMessage(pod: Obj, port: number): string {
  const sb = sandbox(pod);
  return (
    `error forwarding port ${port} to pod ${sb.id}, uid : failed to execute portforward in network namespace "/var/run/netns/${sb.netns}": ` +
    `failed to connect to localhost:${port} inside namespace "${sb.id}", IPv4: dial tcp4 127.0.0.1:${port}: connect: connection refused ` +
    `IPv6 dial tcp6 [::1]:${port}: connect: connection refused `
  );
}

export function servePortForward(runtime: StreamsRuntime, session: SpdySession, namespace: string, name: string): void {
  const pairs = new Map<string, Pair>();
  session.onStream((s) => {
    const type = s.header('streamtype');
    // Without a requestid (old clients) the data stream is the one created right after its error stream.
    const id = s.header('requestid') ?? String(type === 'data' ? s.id - 2 : s.id);
    if (type !== 'data' && type !== 'error') {
      s.reset();
      return;
    }
    let pair = pairs.get(id);
    if (!pair) {
      pair = {};
      pairs.set(id, pair);
      const p = pair;
      pair.timer = runtime.clock.after(PAIR_TIMEOUT_MS, () => {
        if (pairs.get(id) !== p) return;
        pairs.delete(id);
        p.error?.end(`timed out waiting for stream pair for request ${id}`);
        p.data?.reset();
      });
    }
    if (pair[type]) {
      s.reset();
      return;
    }
    pair[type] = s;
    if (pair.data && pair.error) {
      pair.timer?.cancel();
      pairs.delete(id);
      forward(runtime, namespace, name, pair.data, pair.error);
    }
  });
  session.onClose(() => {
    for (const p of pairs.values()) p.timer?.cancel();
  });
}

function forward(runtime: StreamsRuntime, namespace: string, name: string, data: SpdyStream, error: SpdyStream): void {
  const portHeader = data.header('port') ?? error.header('port') ?? '';
  const port = Number(portHeader);
  const finish = (message?: string): void => {
    data.end();
    error.end(message);
  };
  if (!/^\d+$/.test(portHeader) || port < 1 || port > 65535) {
    finish(`unable to parse "${portHeader}" as a port: strconv.ParseUint: parsing "${portHeader}": invalid syntax`);
    return;
  }
  const pod = runtime.pod(namespace, name);
  if (!pod || pod.status?.phase !== 'Running') {
    finish(`pod not found ("${name}_${namespace}")`);
    return;
  }
  if (!listenerFor(pod, port)) {
    finish(refusedMessage(pod, port));
    return;
  }
  const conn = new HttpConnection({
    handle: (req) => {
      // The pod as it is now (it may have been deleted or replaced mid-connection).
      const current = runtime.pod(namespace, name) ?? pod;
      return respond(runtime, current, port, req) ?? { status: 502, reason: 'Bad Gateway', headers: [['Content-Length', '0']], body: Buffer.alloc(0) };
    },
    write: (d) => data.write(d),
    close: () => finish(),
  });
  data.onData((d) => conn.feed(d));
  data.onEnd(() => conn.end());
}


/**
 * Port-forward over the WebSocket channel protocol (kubelet wsstream, v4.channel.k8s.io; what @kubernetes/client-node
 * speaks): the ports come from the `ports` query parameter; port i uses channel 2i for data and 2i+1 for errors, and
 * each channel first carries its port number (uint16, little endian). One WebSocket is one connection per port.
 */
export function serveWebSocketPortForward(runtime: StreamsRuntime, ws: import('ws').WebSocket, namespace: string, name: string, ports: number[]): void {
  const base64 = ws.protocol.includes('base64');
  const send = (channel: number, data: Buffer | string): void => {
    if (ws.readyState !== ws.OPEN) return;
    const buf = typeof data === 'string' ? Buffer.from(data) : data;
    ws.send(base64 ? String.fromCharCode(48 + channel) + buf.toString('base64') : Buffer.concat([Buffer.from([channel]), buf]), { binary: !base64 });
  };
  const pod = runtime.pod(namespace, name);
  const conns = new Map<number, HttpConnection>();
  ports.forEach((port, i) => {
    const portBytes = Buffer.alloc(2);
    portBytes.writeUInt16LE(port);
    send(2 * i, portBytes);
    send(2 * i + 1, portBytes);
    if (!pod || !listenerFor(pod, port)) {
      send(2 * i + 1, pod ? refusedMessage(pod, port) : `pod not found ("${name}_${namespace}")`);
      return;
    }
    conns.set(
      2 * i,
      new HttpConnection({
        handle: (req) => respond(runtime, runtime.pod(namespace, name) ?? pod, port, req) ?? { status: 502, reason: 'Bad Gateway', headers: [['Content-Length', '0']], body: Buffer.alloc(0) },
        write: (d) => send(2 * i, d),
        close: () => ws.close(1000),
      }),
    );
  });
  if (!conns.size) ws.close(1000);
  ws.on('message', (raw: Buffer, isBinary: boolean) => {
    const text = base64 && !isBinary ? raw.toString('utf8') : undefined;
    const channel = text !== undefined ? text.charCodeAt(0) - 48 : raw[0];
    const data = text !== undefined ? Buffer.from(text.slice(1), 'base64') : raw.subarray(1);
    if (data.length) conns.get(channel)?.feed(data);
  });
}
