// The Kubernetes WebSocket channel protocol (channel.k8s.io family, k8s.io/apimachinery/pkg/util/httpstream/wsstream):
// every message is one channel byte followed by data; the base64 variants send text messages whose first character
// is the channel digit and whose rest is base64. v5 adds the CLOSE signal (channel 255, then the channel id).

export const CHANNEL = { stdin: 0, stdout: 1, stderr: 2, error: 3, resize: 4, close: 255 } as const;

export const V5 = 'v5.channel.k8s.io';
export const V4 = 'v4.channel.k8s.io';

/** Subprotocols served for exec and attach over WebSocket, best first. */
export const WS_EXEC_PROTOCOLS = [V5, V4, 'v3.channel.k8s.io', 'v2.channel.k8s.io', 'channel.k8s.io', 'v4.base64.channel.k8s.io', 'v3.base64.channel.k8s.io', 'v2.base64.channel.k8s.io', 'base64.channel.k8s.io'];

export function isBase64Protocol(protocol: string): boolean {
  return protocol.includes('base64.channel.k8s.io');
}

/** The remotecommand version a subprotocol speaks (1 for the unversioned channel.k8s.io). */
export function protocolVersion(protocol: string): number {
  const m = /^v(\d+)\./.exec(protocol);
  return m ? Number(m[1]) : 1;
}

/** Picks the first client-offered protocol that is served (the client lists them by preference). */
export function negotiate(offered: string[], served: string[]): string | undefined {
  return offered.find((p) => served.includes(p));
}

export function encodeChannelMessage(channel: number, data: Buffer | string, base64: boolean): Buffer | string {
  const buf = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  if (base64) return String.fromCharCode(48 + channel) + buf.toString('base64');
  return Buffer.concat([Buffer.from([channel]), buf]);
}

export interface ChannelMessage {
  channel: number;
  data: Buffer;
}

export function decodeChannelMessage(msg: Buffer | string, base64: boolean): ChannelMessage | undefined {
  if (base64) {
    const text = typeof msg === 'string' ? msg : msg.toString('utf8');
    if (!text.length) return undefined;
    return { channel: text.charCodeAt(0) - 48, data: Buffer.from(text.slice(1), 'base64') };
  }
  const buf = typeof msg === 'string' ? Buffer.from(msg, 'utf8') : msg;
  if (!buf.length) return undefined;
  return { channel: buf[0], data: buf.subarray(1) };
}

export interface TerminalSize {
  width: number;
  height: number;
}

/** A resize message: `{"Width":W,"Height":H}` (possibly several in one chunk on SPDY, one per line). */
export function parseResize(data: Buffer | string): TerminalSize[] {
  const out: TerminalSize[] = [];
  for (const line of String(data).split('\n')) {
    if (!line.trim()) continue;
    try {
      const v = JSON.parse(line) as { Width?: number; Height?: number };
      if (Number.isFinite(v.Width) && Number.isFinite(v.Height)) out.push({ width: Number(v.Width), height: Number(v.Height) });
    } catch {
      // a partial or malformed size is ignored, like the kubelet's decoder loop does on error
    }
  }
  return out;
}
