// A byte pipe under a SPDY session: the upgraded TCP socket itself, or binary WebSocket messages (kubectl 1.31+
// tunnels port-forward's SPDY inside a WebSocket).
import type { Duplex } from 'node:stream';
import type { WebSocket } from 'ws';

export interface ByteTransport {
  write(data: Buffer): void;
  /** Graceful close: our side is done; the peer closes its side. */
  end(): void;
  destroy(): void;
  onData(fn: (data: Buffer) => void): void;
  onClose(fn: () => void): void;
}

/** How long a half-closed connection may linger for the peer's close before it is dropped. */
const LINGER_MS = 10_000;

export function socketTransport(socket: Duplex, head?: Buffer): ByteTransport {
  const closers: (() => void)[] = [];
  let closed = false;
  const close = (): void => {
    if (closed) return;
    closed = true;
    for (const fn of closers) fn();
  };
  socket.on('close', close);
  // The peer finished its side (kubectl exited or closed the session): the API server's sockets allow half-open
  // connections, so ours must be ended too, or the connection (and server shutdown) would wait forever.
  socket.on('end', () => {
    socket.end();
    close();
  });
  socket.on('error', () => socket.destroy());
  return {
    write: (data) => {
      if (!socket.destroyed && socket.writable) socket.write(data);
    },
    end: () => {
      if (socket.destroyed) return;
      socket.end();
      setTimeout(() => socket.destroy(), LINGER_MS).unref();
    },
    destroy: () => socket.destroy(),
    onData: (fn) => {
      if (head?.length) queueMicrotask(() => fn(head));
      socket.on('data', fn);
    },
    onClose: (fn) => closers.push(fn),
  };
}

export function webSocketTransport(ws: WebSocket): ByteTransport {
  return {
    write: (data) => {
      if (ws.readyState === ws.OPEN) ws.send(data, { binary: true });
    },
    end: () => {
      if (ws.readyState !== ws.OPEN) return;
      ws.close(1000);
      setTimeout(() => ws.terminate(), LINGER_MS).unref();
    },
    destroy: () => ws.terminate(),
    onData: (fn) =>
      ws.on('message', (data: Buffer | ArrayBuffer | Buffer[]) => {
        fn(Buffer.isBuffer(data) ? data : Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data));
      }),
    onClose: (fn) => ws.on('close', fn),
  };
}
