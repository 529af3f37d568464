import { afterEach, describe, it, expect } from 'vitest';
import { JobwatchError, RpcError } from '../../../electron/core/errors';
import type { CloseInfo, CollectionEvent } from '../../../electron/core/protocol/connection';
import { openConnection } from '../../../electron/core/protocol/open';
import type { SocketConnection } from '../../../electron/core/protocol/jsonrpc';
import { startFakeServer, until } from './fixtures/fake-truenas';
import type { FakeServer, MethodTable } from './fixtures/fake-truenas';

const servers: FakeServer[] = [];
const connections: SocketConnection[] = [];

afterEach(async () => {
  for (const connection of connections.splice(0)) connection.close();
  for (const server of servers.splice(0)) await server.close();
});

const methods: MethodTable = {
  'core.ping': () => ({ result: 'pong' }),
  'test.echo': (params) => ({ result: params }),
  'test.silent': () => ({ noReply: true }),
  'test.unauthenticated': () => ({
    error: {
      code: -32001,
      message: 'Method call error',
      data: { error: 207, errname: 'ENOTAUTHENTICATED', reason: '[ENOTAUTHENTICATED] Not authenticated', trace: null, extra: null },
    },
  }),
  'test.ratelimited': () => ({
    error: {
      code: -32001,
      message: 'Method call error',
      data: { error: 16, errname: 'EBUSY', reason: '[EBUSY] Rate Limit Exceeded', trace: null, extra: null },
    },
  }),
  'test.toomany': () => ({ error: { code: -32000, message: 'Maximum number of concurrent calls (20) has exceeded' } }),
  'test.invalid': () => ({
    error: {
      code: -32602,
      message: 'Invalid params',
      data: {
        error: 22,
        errname: 'EINVAL',
        reason: '[ENOENT] None: Job with id 9999 does not exist',
        trace: { class: 'InstanceNotFound' },
        extra: [[null, 'x', 2]],
      },
    },
  }),
};

async function open(
  extra: Partial<Parameters<typeof startFakeServer>[0]['paths'][string]> = {},
  options: { callTimeoutMs?: number; maxPayloadBytes?: number } = {},
) {
  const server = await startFakeServer({ paths: { '/api/current': { flavor: 'jsonrpc', methods, ...extra } } });
  servers.push(server);
  const connection = await openConnection({ url: `${server.origin}/api/current`, ...options });
  connections.push(connection);
  return { server, connection };
}

function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (err: unknown) => err,
  );
}

describe('JsonRpcConnection', () => {
  it('sends integer ids and params as an array, and resolves results', async () => {
    const { server, connection } = await open();
    expect(connection.flavor).toBe('jsonrpc');
    await expect(connection.call('test.echo', [1, 'a'])).resolves.toEqual([1, 'a']);
    await expect(connection.call('test.echo')).resolves.toEqual([]);
    const frames = server.received.map((r) => JSON.parse(r.frame) as Record<string, unknown>);
    expect(frames[0]).toEqual({ jsonrpc: '2.0', id: 1, method: 'test.echo', params: [1, 'a'] });
    expect(frames[1]).toMatchObject({ id: 2, params: [] });
  });

  it('ping() calls core.ping', async () => {
    const { server, connection } = await open();
    await connection.ping(1000);
    expect(JSON.parse(server.received.at(-1)!.frame)).toMatchObject({ method: 'core.ping', params: [] });
  });

  it('subscribe() calls core.subscribe and events reach listeners', async () => {
    const { server, connection } = await open({
      methods: { ...methods, 'core.subscribe': () => ({ result: '0b6f6c1e-3c1a-4a53-9a0e-6f1d2f7e9b11' }) },
    });
    const events: CollectionEvent[] = [];
    connection.onEvent((event) => events.push(event));
    await connection.subscribe('core.get_jobs');
    expect(JSON.parse(server.received[0]!.frame)).toMatchObject({ method: 'core.subscribe', params: ['core.get_jobs'] });
    server.broadcast(
      JSON.stringify({
        jsonrpc: '2.0',
        method: 'collection_update',
        params: { msg: 'added', collection: 'core.get_jobs', id: 119, fields: { id: 119, state: 'WAITING' } },
      }),
    );
    await until(() => events.length === 1);
    expect(events[0]).toEqual({ msg: 'added', collection: 'core.get_jobs', id: 119, fields: { id: 119, state: 'WAITING' } });
  });

  it('turns server errors into RpcError with rpcCode, errno, errname and reason', async () => {
    const { connection } = await open();
    const err = await rejection(connection.call('test.invalid', [9999]));
    expect(err).toBeInstanceOf(RpcError);
    const rpc = err as RpcError;
    expect(rpc.code).toBe('RPC_ERROR');
    expect(rpc.rpcCode).toBe(-32602);
    expect(rpc.errno).toBe(22);
    expect(rpc.errname).toBe('EINVAL');
    expect(rpc.reason).toBe('[ENOENT] None: Job with id 9999 does not exist');
    expect(rpc.message).toContain('does not exist');
  });

  it('maps ENOTAUTHENTICATED, EBUSY and −32000 to their codes', async () => {
    const { connection } = await open();
    expect(await rejection(connection.call('test.unauthenticated'))).toMatchObject({ code: 'NOT_AUTHENTICATED', errno: 207 });
    expect(await rejection(connection.call('test.ratelimited'))).toMatchObject({ code: 'RATE_LIMITED', errname: 'EBUSY' });
    expect(await rejection(connection.call('test.toomany'))).toMatchObject({ code: 'TOO_MANY_CALLS', rpcCode: -32000 });
    expect(await rejection(connection.call('no.such.method'))).toMatchObject({ code: 'RPC_ERROR', rpcCode: -32601 });
  });

  it('refuses the 21st call in flight locally, without sending it', async () => {
    const { server, connection } = await open();
    const pending = Array.from({ length: 20 }, () => connection.call('test.silent').catch((err: unknown) => err));
    const refused = await rejection(connection.call('test.echo', ['21st']));
    expect(refused).toBeInstanceOf(JobwatchError);
    expect((refused as JobwatchError).code).toBe('TOO_MANY_CALLS');
    await until(() => server.received.length === 20);
    // One more round trip on a fresh connection-less check: the server saw exactly 20 calls and never the 21st.
    expect(server.received.every((r) => !r.frame.includes('21st'))).toBe(true);
    connection.close();
    const outcomes = await Promise.all(pending);
    expect(outcomes.every((err) => err instanceof JobwatchError && err.code === 'CONNECTION_CLOSED')).toBe(true);
  });

  it('frees a slot once a call settles', async () => {
    const { connection } = await open({}, { callTimeoutMs: 50 });
    const pending = Array.from({ length: 20 }, () => connection.call('test.silent').catch((err: unknown) => err));
    await Promise.all(pending);
    await expect(connection.call('test.echo', ['after'])).resolves.toEqual(['after']);
  });

  it('times out a call and ignores its late reply', async () => {
    const late: Array<() => void> = [];
    const { connection } = await open({
      methods: {
        ...methods,
        'test.late': (_params, ws) => {
          late.push(() => ws.send(JSON.stringify({ jsonrpc: '2.0', result: 'late', id: 1 })));
          return { noReply: true };
        },
      },
    });
    const err = await rejection(connection.call('test.late', [], { timeoutMs: 30 }));
    expect(err).toMatchObject({ code: 'TIMEOUT' });
    expect((err as Error).message).toContain('test.late');
    late[0]!();
    await expect(connection.call('test.echo', ['next'])).resolves.toEqual(['next']);
    expect(connection.stats.badFrames).toBe(0);
  });

  it('rejects pending calls with CONNECTION_CLOSED when the server goes away, and reports the close', async () => {
    const { server, connection } = await open();
    const closes: CloseInfo[] = [];
    connection.onClose((info) => closes.push(info));
    const pending = rejection(connection.call('test.silent'));
    await until(() => server.received.length === 1);
    server.sockets[0]!.close(1011, 'handler crashed');
    expect(await pending).toMatchObject({ code: 'CONNECTION_CLOSED' });
    expect(closes).toEqual([{ code: 1011, reason: 'handler crashed', local: false }]);
    expect(connection.closed).toBe(true);
    expect(await rejection(connection.call('test.echo'))).toMatchObject({ code: 'CONNECTION_CLOSED' });
  });

  it('reports a local close at once, as local', async () => {
    const { connection } = await open();
    const closes: CloseInfo[] = [];
    connection.onClose((info) => closes.push(info));
    const pending = rejection(connection.call('test.silent'));
    connection.close(1000, 'bye');
    expect(closes).toEqual([{ code: 1000, reason: 'bye', local: true }]);
    expect(await pending).toMatchObject({ code: 'CONNECTION_CLOSED' });
  });

  it('maps a 1008 close to ACCESS_RESTRICTED for pending calls', async () => {
    const { server, connection } = await open();
    const pending = rejection(connection.call('test.silent'));
    await until(() => server.received.length === 1);
    server.sockets[0]!.close(1008, 'You are not allowed to access this resource');
    expect(await pending).toMatchObject({ code: 'ACCESS_RESTRICTED' });
  });

  it('counts and drops bad frames and carries on', async () => {
    const { server, connection } = await open();
    const reasons: string[] = [];
    const events: CollectionEvent[] = [];
    connection.onBadFrame((reason) => reasons.push(reason));
    connection.onEvent((event) => events.push(event));
    // A listener that throws must not break dispatch either.
    connection.onEvent(() => {
      throw new Error('listener bug');
    });
    const warnings: string[] = [];
    const onWarning = (warning: Error) => warnings.push(warning.message);
    process.on('warning', onWarning);
    try {
      server.broadcast('{not json');
      server.broadcast('{"jsonrpc":"2.0","method":"collection_update","params":{"msg":"exploded"}}');
      server.broadcast(Buffer.from([1, 2, 3]), { binary: true });
      server.broadcast('{"jsonrpc":"2.0","result":1,"id":777}');
      server.broadcast(
        '{"jsonrpc":"2.0","method":"collection_update","params":{"msg":"changed","collection":"core.get_jobs","id":1,"fields":{"id":1}}}',
      );
      await until(() => events.length === 1);
      expect(connection.stats.badFrames).toBe(4);
      expect(connection.stats.framesIn).toBe(5);
      expect(reasons).toHaveLength(4);
      expect(reasons[0]).toContain('not JSON');
      expect(reasons[2]).toContain('binary');
      expect(connection.closed).toBe(false);
      await expect(connection.call('test.echo', ['still here'])).resolves.toEqual(['still here']);
      await until(() => warnings.length > 0);
      expect(warnings[0]).toContain('listener bug');
    } finally {
      process.off('warning', onWarning);
    }
  });

  it('ends the connection with a clear reason when a frame exceeds maxPayload', async () => {
    const { server, connection } = await open({}, { maxPayloadBytes: 1024 });
    const closes: CloseInfo[] = [];
    connection.onClose((info) => closes.push(info));
    const pending = rejection(connection.call('test.silent'));
    await until(() => server.received.length === 1);
    server.broadcast(JSON.stringify({ jsonrpc: '2.0', result: 'x'.repeat(4096), id: 999 }));
    const err = await pending;
    expect(err).toMatchObject({ code: 'CONNECTION_CLOSED' });
    expect((err as Error).message).toContain('larger than the 1024 bytes limit');
    expect(closes[0]).toMatchObject({ code: 1009, local: false });
  });
});
