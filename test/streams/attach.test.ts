// Attach to a container whose main process is a shell reading stdin, at the protocol level (WebSocket v5 and
// SPDY), against a living in-process cluster: every session joins the container's one shell; with stdinOnce the end
// of the first session's input ends the shell and the kubelet reports its exit code; without it, sessions detach
// and a later one finds the same shell; a TTY shows nothing from before the session; deleting the pod ends sessions.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { DEFAULT_COMPONENTS } from '../../src/components.js';
import { startTestCluster, type TestCluster } from '../helpers/cluster.js';
import { waitFor } from '../helpers/wait.js';
import { spdyUpgrade } from './spdy-client.js';

type Obj = Record<string, any>;

let c: TestCluster;

const pod = (name: string, container: Obj, restartPolicy = 'Always'): Obj => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name },
  spec: { restartPolicy, containers: [{ name: 'main', image: 'busybox', ...container }] },
});

beforeAll(async () => {
  c = await startTestCluster({ components: DEFAULT_COMPONENTS, fixture: 'default' });
});
afterAll(() => c?.stop());

async function running(name: string, spec: Obj): Promise<Obj> {
  await c.client.pods.create('default', spec);
  return waitFor(`${name} Running and Ready`, () => {
    const p = c.client.pods.get('default', name);
    return p?.status?.phase === 'Running' && p.status.containerStatuses?.[0]?.ready ? p : undefined;
  });
}

interface Session {
  ws: WebSocket;
  out: () => string;
  status: Promise<Obj | undefined>;
  type(text: string): void;
  /** v5: the client's stdin is at EOF. */
  endStdin(): void;
}

/** A v5 WebSocket attach session. */
async function attach(name: string, query: string): Promise<Session> {
  const ws = new WebSocket(`${c.url.replace(/^http/, 'ws')}/api/v1/namespaces/default/pods/${name}/attach?container=main&${query}`, ['v5.channel.k8s.io']);
  let out = '';
  let errText = '';
  const status = new Promise<Obj | undefined>((resolve) => {
    ws.on('message', (data: Buffer) => {
      if (data[0] === 1 || data[0] === 2) out += data.subarray(1).toString();
      if (data[0] === 3) errText += data.subarray(1).toString();
    });
    ws.on('close', () => resolve(errText ? JSON.parse(errText) : undefined));
  });
  await new Promise<void>((resolve, reject) => {
    ws.on('open', () => resolve());
    ws.on('unexpected-response', (_q, res) => reject(new Error(`HTTP ${res.statusCode}`)));
  });
  return {
    ws,
    out: () => out,
    status,
    type: (text) => ws.send(Buffer.concat([Buffer.from([0]), Buffer.from(text)])),
    endStdin: () => ws.send(Buffer.from([255, 0])),
  };
}

const container = (name: string) => c.client.pods.get('default', name)?.status?.containerStatuses?.[0];

describe('attach to a shell reading stdin', () => {
  it('stdinOnce: the end of the session input ends the shell; Success on the stream, the exit code in the pod', async () => {
    await running('once', pod('once', { args: ['sh'], stdin: true, stdinOnce: true }, 'Never'));
    const s = await attach('once', 'stdin=true&stdout=true&stderr=true');
    s.type('echo hi from $HOSTNAME\n');
    s.type('echo oops >&2; exit 7\n');
    s.endStdin();
    // The output of what was typed still arrives after the client's stdin ended.
    expect(await s.status).toEqual({ metadata: {}, status: 'Success' });
    expect(s.out()).toBe('hi from once\noops\n');
    await waitFor('the pod Failed with the exit code', () => c.client.pods.get('default', 'once')?.status?.phase === 'Failed');
    expect(container('once').state.terminated).toMatchObject({ exitCode: 7, reason: 'Error' });
  });

  it('without stdinOnce: a session detaches when its input ends, the next one finds the same shell', async () => {
    await running('keep', pod('keep', { args: ['sh'], stdin: true }));
    const first = await attach('keep', 'stdin=true&stdout=true&stderr=true');
    first.type('X=42; cd /tmp\necho one > f\necho first $X\n');
    first.endStdin();
    expect(await first.status).toEqual({ metadata: {}, status: 'Success' });
    expect(first.out()).toBe('first 42\n');
    const second = await attach('keep', 'stdin=true&stdout=true&stderr=true');
    second.type('echo again $X $(pwd); cat f\n');
    second.endStdin();
    await second.status;
    expect(second.out()).toBe('again 42 /tmp\none\n');
    // The shell's files are the container's: exec sees them too; the container never restarted.
    const exec = await new Promise<string>((resolve) => {
      const ws = new WebSocket(`${c.url.replace(/^http/, 'ws')}/api/v1/namespaces/default/pods/keep/exec?command=cat&command=%2Ftmp%2Ff&stdout=true`, ['v5.channel.k8s.io']);
      let o = '';
      ws.on('message', (d: Buffer) => d[0] === 1 && (o += d.subarray(1).toString()));
      ws.on('close', () => resolve(o));
    });
    expect(exec).toBe('one\n');
    expect(container('keep')).toMatchObject({ restartCount: 0, ready: true, state: { running: {} } });
  });

  it('a TTY: nothing from before the session, every session sees the output, the shell exit ends them all', async () => {
    await running('term', pod('term', { stdin: true, tty: true }));
    const watcher = await attach('term', 'stdout=true&tty=true');
    const typist = await attach('term', 'stdin=true&stdout=true&tty=true');
    typist.type('\r');
    // The prompt printed when the shell started is not replayed: Enter echoes a newline and a new prompt appears.
    await waitFor('a prompt', () => typist.out() === '\r\n/ # ');
    typist.type('echo shared\r');
    await waitFor('the output in both sessions', () => watcher.out().endsWith('shared\r\n/ # ') && typist.out().endsWith('shared\r\n/ # '));
    expect(watcher.out()).toBe('\r\n/ # echo shared\r\nshared\r\n/ # ');
    const id = container('term').containerID;
    typist.type('exit 5\r');
    expect(await typist.status).toEqual({ metadata: {}, status: 'Success' });
    expect(await watcher.status).toEqual({ metadata: {}, status: 'Success' });
    // restartPolicy Always: the kubelet starts a new shell.
    await waitFor('a restarted container', () => container('term')?.restartCount === 1 && container('term').state.running);
    expect(container('term').lastState.terminated).toMatchObject({ exitCode: 5, containerID: id });
  });

  it('SPDY: stdin FIN with stdinOnce ends the shell; the error stream says Success', async () => {
    await running('spdy', pod('spdy', { command: ['/bin/sh'], stdin: true, stdinOnce: true }, 'Never'));
    const { client, socket, status } = await spdyUpgrade(c.url, '/api/v1/namespaces/default/pods/spdy/attach?container=main&stdin=true&stdout=true&stderr=true', ['v4.channel.k8s.io']);
    expect(status).toBe(101);
    const err = await client.open({ streamtype: 'error' });
    const stdin = await client.open({ streamtype: 'stdin' });
    const stdout = await client.open({ streamtype: 'stdout' });
    await client.open({ streamtype: 'stderr' });
    client.send(stdin, 'echo over spdy\n', true);
    // (the client decodes frames asynchronously: wait on the stream, not on the connection)
    await waitFor('the error stream to end', () => err.finished);
    expect(Buffer.concat(stdout.data).toString()).toBe('over spdy\n');
    expect(Buffer.concat(err.data).toString()).toBe('{"metadata":{},"status":"Success"}');
    socket.destroy();
    client.dispose();
    await waitFor('Succeeded', () => c.client.pods.get('default', 'spdy')?.status?.phase === 'Succeeded');
    expect(container('spdy').state.terminated).toMatchObject({ exitCode: 0, reason: 'Completed' });
  });

  it('a container with stdin whose program does not read it: the end of the client input detaches', async () => {
    await running('sleeper', pod('sleeper', { command: ['sleep', '3600'], stdin: true }));
    const s = await attach('sleeper', 'stdin=true&stdout=true&stderr=true');
    s.type('ignored\n');
    s.endStdin();
    expect(await s.status).toEqual({ metadata: {}, status: 'Success' });
    expect(s.out()).toBe('');
    expect(container('sleeper')).toMatchObject({ restartCount: 0, state: { running: {} } });
  });

  it('an output-only session leaves stdin open; deleting the pod ends the sessions', async () => {
    await running('bye', pod('bye', { args: ['sh'], stdin: true, stdinOnce: true }, 'Never'));
    const looker = await attach('bye', 'stdout=true&stderr=true');
    looker.ws.close();
    await looker.status;
    const s = await attach('bye', 'stdin=true&stdout=true');
    s.type('echo still here\n');
    await waitFor('the shell answers', () => s.out() === 'still here\n');
    await c.client.pods.delete('default', 'bye');
    await s.status;
    expect(s.ws.readyState).toBe(WebSocket.CLOSED);
  });
});
