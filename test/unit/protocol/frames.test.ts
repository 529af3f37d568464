import { describe, it, expect } from 'vitest';
import { decodeEjson, ejsonDate, ejsonSet, parseJsonRpcFrame, parseLegacyFrame } from '../../../electron/core/protocol/frames';

describe('parseJsonRpcFrame', () => {
  it('parses a result, including a null result', () => {
    expect(parseJsonRpcFrame('{"jsonrpc":"2.0","result":"pong","id":5}')).toEqual({
      ok: true,
      frame: { kind: 'result', id: 5, result: 'pong' },
    });
    expect(parseJsonRpcFrame('{"jsonrpc":"2.0","result":null,"id":6}')).toEqual({
      ok: true,
      frame: { kind: 'result', id: 6, result: null },
    });
  });

  it('parses an error with TrueNAS data', () => {
    const parsed = parseJsonRpcFrame(
      JSON.stringify({
        jsonrpc: '2.0',
        error: {
          code: -32001,
          message: 'Method call error',
          data: {
            error: 207,
            errname: 'ENOTAUTHENTICATED',
            reason: '[ENOTAUTHENTICATED] Not authenticated',
            trace: { class: 'CallError' },
            extra: null,
          },
        },
        id: 10,
      }),
    );
    expect(parsed.ok).toBe(true);
    if (!parsed.ok || parsed.frame.kind !== 'error') throw new Error('expected an error frame');
    expect(parsed.frame.id).toBe(10);
    expect(parsed.frame.error.code).toBe(-32001);
    expect(parsed.frame.error.data?.error).toBe(207);
    expect(parsed.frame.error.data?.errname).toBe('ENOTAUTHENTICATED');
  });

  it('parses a connection-level error with id null and no data', () => {
    const parsed = parseJsonRpcFrame(
      '{"jsonrpc":"2.0","error":{"code":-32700,"message":"Batch messages are not supported at this time"},"id":null}',
    );
    expect(parsed).toMatchObject({ ok: true, frame: { kind: 'error', id: null, error: { code: -32700 } } });
  });

  it('parses collection_update and notify_unsubscribed', () => {
    const event = parseJsonRpcFrame(
      '{"jsonrpc":"2.0","method":"collection_update","params":{"msg":"changed","collection":"core.get_jobs","id":119,"fields":{"id":119,"state":"RUNNING"}}}',
    );
    expect(event).toEqual({
      ok: true,
      frame: { kind: 'event', msg: 'changed', collection: 'core.get_jobs', id: 119, fields: { id: 119, state: 'RUNNING' } },
    });
    const unsub = parseJsonRpcFrame('{"jsonrpc":"2.0","method":"notify_unsubscribed","params":{"collection":"x","error":null}}');
    expect(unsub).toEqual({ ok: true, frame: { kind: 'unsubscribed', collection: 'x', error: null } });
  });

  it.each([
    ['not JSON', '{"jsonrpc":'],
    ['an array (batch)', '[{"jsonrpc":"2.0","result":1,"id":1}]'],
    ['a scalar', '42'],
    ['a wrong jsonrpc version', '{"jsonrpc":"1.0","result":1,"id":1}'],
    ['a response without result or error', '{"jsonrpc":"2.0","id":1}'],
    ['an unknown notification', '{"jsonrpc":"2.0","method":"surprise","params":{}}'],
    ['an event with a bad msg', '{"jsonrpc":"2.0","method":"collection_update","params":{"msg":"exploded","collection":"c"}}'],
    ['an error with a string code', '{"jsonrpc":"2.0","error":{"code":"x","message":"m"},"id":1}'],
    ['a float-less id of the wrong type', '{"jsonrpc":"2.0","result":1,"id":{"a":1}}'],
  ])('rejects %s without throwing', (_name, text) => {
    const parsed = parseJsonRpcFrame(text);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.reason.length).toBeGreaterThan(0);
  });
});

describe('parseLegacyFrame', () => {
  it.each([
    ['connected', '{"msg":"connected","session":"2f0e"}'],
    ['failed', '{"msg":"failed","version":"1"}'],
    ['result', '{"id":"a1","msg":"result","result":true}'],
    ['result with CORE 13 error (no errname)', '{"id":"a1","msg":"result","error":{"error":13,"reason":"Not authenticated"}}'],
    ['ready', '{"msg":"ready","subs":["s1"]}'],
    ['nosub', '{"msg":"nosub","collection":"x","error":null}'],
    ['added', '{"msg":"added","collection":"core.get_jobs","id":119,"fields":{"id":119}}'],
    ['changed with cleared', '{"msg":"changed","collection":"other","id":1,"fields":{},"cleared":["a"]}'],
    ['removed', '{"msg":"removed","collection":"core.get_jobs","id":1}'],
    ['pong', '{"msg":"pong","id":"p1"}'],
  ])('accepts %s', (_name, text) => {
    expect(parseLegacyFrame(text).ok).toBe(true);
  });

  it.each([
    ['not JSON', 'pong'],
    ['an unknown msg', '{"msg":"hello"}'],
    ['a result without id', '{"msg":"result","result":1}'],
    ['ready without subs', '{"msg":"ready"}'],
    ['an event without collection', '{"msg":"added","id":1}'],
  ])('rejects %s', (_name, text) => {
    expect(parseLegacyFrame(text).ok).toBe(false);
  });
});

describe('ejson', () => {
  it('reads dates and sets', () => {
    expect(ejsonDate({ $date: 1750412000000 })).toBe(1750412000000);
    expect(ejsonDate({ $date: 'x' })).toBeNull();
    expect(ejsonDate({ $date: 1, other: 2 })).toBeNull();
    expect(ejsonDate(null)).toBeNull();
    expect(ejsonSet({ $set: ['FULL_ADMIN'] })).toEqual(['FULL_ADMIN']);
    expect(ejsonSet({ $set: 'x' })).toBeNull();
  });

  it('decodes nested values', () => {
    expect(
      decodeEjson({
        time_started: { $date: 1000 },
        privilege: { roles: { $set: ['A', { $date: 2000 }] } },
        list: [{ $date: 3000 }, 'x', null],
        keep: { $time: '10:00:00' },
      }),
    ).toEqual({ time_started: 1000, privilege: { roles: ['A', 2000] }, list: [3000, 'x', null], keep: { $time: '10:00:00' } });
  });
});
