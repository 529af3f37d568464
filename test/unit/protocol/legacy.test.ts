import { afterEach, describe, it, expect } from 'vitest';
import { RpcError } from '../../../electron/core/errors';
import type { CollectionEvent } from '../../../electron/core/protocol/connection';
import { openConnection } from '../../../electron/core/protocol/open';
import type { LegacyConnection } from '../../../electron/core/protocol/legacy';
import type { SocketConnection } from '../../../electron/core/protocol/jsonrpc';
import { startFakeServer, until } from './fixtures/fake-truenas';
import type { FakeServer, MethodTable, PathBehaviour } from './fixtures/fake-truenas';

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
  'test.core13auth': () => ({ error: { error: 13, reason: 'Not authenticated' } }),
  'test.notauthorized': () => ({ error: { error: 13, errname: 'EACCES', reason: 'Not authorized' } }),
  'test.toomany': () => ({ error: { error: 109, errname: 'ETOOMANYREFS', reason: 'too many' } }),
};

async function start(behaviour: Partial<PathBehaviour> = {}) {
  const server = await startFakeServer({ paths: { '/websocket': { flavor: 'legacy', methods, ...behaviour } } });
  servers.push(server);
  return server;
}

async function open(behaviour: Partial<PathBehaviour> = {}, options: { pingProbeTimeoutMs?: number; connectTimeoutMs?: number } = {}) {
  const server = await start(behaviour);
  const connection = (await openConnection({ url: `${server.origin}/websocket`, ...options })) as LegacyConnection;
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

function frames(server: FakeServer): Array<Record<string, unknown>> {
  return server.received.map((r) => JSON.parse(r.frame) as Record<string, unknown>);
}

describe('LegacyConnection', () => {
  it('performs the connect handshake first', async () => {
    const { server, connection } = await open();
    expect(connection.flavor).toBe('legacy');
    expect(connection.session).toBe('session-1');
    expect(frames(server)[0]).toEqual({ msg: 'connect', version: '1', support: ['1'] });
  });

  it('fails with ENDPOINT_NOT_FOUND when the server answers failed', async () => {
    const server = await start({ refuseConnect: true });
    expect(await rejection(openConnection({ url: `${server.origin}/websocket` }))).toMatchObject({ code: 'ENDPOINT_NOT_FOUND' });
  });

  it('fails with ACCESS_RESTRICTED when the server closes with 1008', async () => {
    const server = await start({ closeOnConnect: 1008 });
    expect(await rejection(openConnection({ url: `${server.origin}/websocket` }))).toMatchObject({ code: 'ACCESS_RESTRICTED' });
  });

  it('calls with msg:method and string ids', async () => {
    const { server, connection } = await open();
    await expect(connection.call('test.echo', [1])).resolves.toEqual([1]);
    const call = frames(server)[1]!;
    expect(call).toMatchObject({ msg: 'method', method: 'test.echo', params: [1] });
    expect(typeof call['id']).toBe('string');
  });

  it('maps legacy errors', async () => {
    const { connection } = await open();
    const missing = await rejection(connection.call('no.such'));
    expect(missing).toBeInstanceOf(RpcError);
    expect(missing).toMatchObject({ code: 'RPC_ERROR', rpcCode: null, errno: 201, errname: 'ENOMETHOD' });
    expect(await rejection(connection.call('test.core13auth'))).toMatchObject({ code: 'NOT_AUTHENTICATED', errno: 13 });
    expect(await rejection(connection.call('test.notauthorized'))).toMatchObject({ code: 'RPC_ERROR', errname: 'EACCES' });
    expect(await rejection(connection.call('test.toomany'))).toMatchObject({ code: 'TOO_MANY_CALLS' });
  });

  it('subscribes with msg:sub and resolves on ready; a refused sub rejects', async () => {
    const { server, connection } = await open();
    await connection.subscribe('core.get_jobs');
    expect(frames(server)[1]).toMatchObject({ msg: 'sub', name: 'core.get_jobs' });
    expect(await rejection(connection.subscribe('forbidden'))).toMatchObject({ code: 'RPC_ERROR', errname: 'EACCES' });
  });

  it('delivers added/changed events', async () => {
    const { server, connection } = await open();
    const events: CollectionEvent[] = [];
    connection.onEvent((event) => events.push(event));
    server.broadcast('{"msg":"added","collection":"core.get_jobs","id":119,"fields":{"id":119,"state":"WAITING"}}');
    server.broadcast('{"msg":"changed","collection":"core.get_jobs","id":119,"fields":{"id":119,"state":"RUNNING"}}');
    await until(() => events.length === 2);
    expect(events.map((e) => [e.msg, e.id])).toEqual([
      ['added', 119],
      ['changed', 119],
    ]);
  });

  it('uses msg:"ping" on servers that answer it, and remembers', async () => {
    const { server, connection } = await open({ answerMsgPing: true });
    await connection.ping(1000);
    await connection.ping(1000);
    expect(connection.pingMode).toBe('msg-ping');
    const sent = frames(server).slice(1);
    expect(sent.map((f) => f['msg'])).toEqual(['ping', 'ping']);
    expect(sent.some((f) => f['method'] === 'core.ping')).toBe(false);
  });

  it('falls back to core.ping on servers that ignore msg:"ping" (25.04+), and remembers', async () => {
    const { server, connection } = await open({ answerMsgPing: false }, { pingProbeTimeoutMs: 30 });
    await connection.ping(1000);
    expect(connection.pingMode).toBe('core.ping');
    await connection.ping(1000);
    const sent = frames(server).slice(1);
    expect(sent.map((f) => (f['msg'] === 'method' ? String(f['method']) : String(f['msg'])))).toEqual(['ping', 'core.ping', 'core.ping']);
  });

  it('rejects a ping when neither answers', async () => {
    const { connection } = await open(
      { answerMsgPing: false, methods: { 'core.ping': () => ({ noReply: true }) } },
      { pingProbeTimeoutMs: 20 },
    );
    expect(await rejection(connection.ping(60))).toMatchObject({ code: 'TIMEOUT' });
  });

  it('rejects pending calls and pings on close', async () => {
    const { server, connection } = await open({ answerMsgPing: false }, { pingProbeTimeoutMs: 5_000 });
    const call = rejection(connection.call('test.silent'));
    const ping = rejection(connection.ping(10_000));
    await until(() => server.received.length === 3);
    server.sockets[0]!.terminate();
    expect(await call).toMatchObject({ code: 'CONNECTION_CLOSED' });
    expect(await ping).toMatchObject({ code: 'CONNECTION_CLOSED' });
  });

  it('counts and drops bad frames and carries on', async () => {
    const { server, connection } = await open();
    server.broadcast('nope');
    server.broadcast('{"msg":"weird"}');
    server.broadcast('{"msg":"result"}');
    await until(() => connection.stats.badFrames === 3);
    await expect(connection.call('test.echo', ['ok'])).resolves.toEqual(['ok']);
    expect(connection.closed).toBe(false);
  });
});
