// The WebSocket channel protocol of exec/attach and the final Status kubectl reads its exit code from.
import { describe, expect, it } from 'vitest';
import { decodeChannelMessage, encodeChannelMessage, negotiate, parseResize, protocolVersion, WS_EXEC_PROTOCOLS } from '../../src/streams/channel.js';
import { exitStatusJson, streamOptionsFrom } from '../../src/streams/remotecommand.js';

describe('channel protocol', () => {
  it('binary messages: one channel byte, then the data', () => {
    const m = encodeChannelMessage(1, 'out', false) as Buffer;
    expect([...m]).toEqual([1, 0x6f, 0x75, 0x74]);
    expect(decodeChannelMessage(Buffer.from([0, 0x68, 0x69]), false)).toEqual({ channel: 0, data: Buffer.from('hi') });
    expect(decodeChannelMessage(Buffer.from([255, 0]), false)).toEqual({ channel: 255, data: Buffer.from([0]) });
    expect(decodeChannelMessage(Buffer.alloc(0), false)).toBeUndefined();
  });

  it('base64 messages: the channel digit, then base64', () => {
    expect(encodeChannelMessage(2, 'err', true)).toBe(`2${Buffer.from('err').toString('base64')}`);
    expect(decodeChannelMessage(`0${Buffer.from('in').toString('base64')}`, true)).toEqual({ channel: 0, data: Buffer.from('in') });
  });

  it('negotiates the first offered protocol that is served; v5 is what kubectl 1.30+ offers', () => {
    expect(negotiate(['v5.channel.k8s.io'], WS_EXEC_PROTOCOLS)).toBe('v5.channel.k8s.io');
    expect(negotiate(['v4.channel.k8s.io', 'v5.channel.k8s.io'], WS_EXEC_PROTOCOLS)).toBe('v4.channel.k8s.io');
    expect(negotiate(['v9.channel.k8s.io'], WS_EXEC_PROTOCOLS)).toBeUndefined();
    expect(protocolVersion('v5.channel.k8s.io')).toBe(5);
    expect(protocolVersion('channel.k8s.io')).toBe(1);
    expect(protocolVersion('v4.base64.channel.k8s.io')).toBe(4);
  });

  it('parses resize messages, one JSON object per line, skipping partial ones', () => {
    expect(parseResize('{"Width":120,"Height":40}\n{"Width":80,"Height":24}\n{"Wid')).toEqual([
      { width: 120, height: 40 },
      { width: 80, height: 24 },
    ]);
  });

  it('reads stream options like the apiserver: repeated command, Go booleans', () => {
    const o = streamOptionsFrom(new URLSearchParams('command=sh&command=-c&command=echo+hi&stdin=true&stdout=1&stderr=false&tty=t&container=c'));
    expect(o).toEqual({ command: ['sh', '-c', 'echo hi'], stdin: true, stdout: true, stderr: false, tty: true, container: 'c' });
  });
});

describe('exit status on the error channel', () => {
  it('success and non-zero exit codes (details.causes[reason=ExitCode]) as metav1.Status JSON', () => {
    expect(JSON.parse(exitStatusJson({ code: 0 }))).toEqual({ metadata: {}, status: 'Success' });
    expect(JSON.parse(exitStatusJson({ code: 3, command: ['sh', '-c', 'exit 3'] }))).toEqual({
      metadata: {},
      status: 'Failure',
      message: 'command terminated with non-zero exit code: error executing command [sh -c exit 3], exit code 3',
      reason: 'NonZeroExitCode',
      details: { causes: [{ reason: 'ExitCode', message: '3' }] },
    });
    expect(JSON.parse(exitStatusJson({ error: 'boom' }))).toMatchObject({ status: 'Failure', reason: 'InternalError', code: 500, message: 'Internal error occurred: boom' });
  });
});
