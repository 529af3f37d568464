import { afterEach, describe, it, expect } from 'vitest';
import { networkInterfaces } from 'node:os';
import { isLoopbackAddress, isLoopbackHost, openConnection, resolveEndpoints } from '../../../electron/core/protocol/open';
import type { SocketConnection } from '../../../electron/core/protocol/jsonrpc';
import { freePort, startFakeServer, startSilentTcpServer } from './fixtures/fake-truenas';
import type { FakeServer } from './fixtures/fake-truenas';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function server(paths: Parameters<typeof startFakeServer>[0]['paths'], unknownPathStatus?: number): Promise<FakeServer> {
  const s = await startFakeServer({ paths, ...(unknownPathStatus ? { unknownPathStatus } : {}) });
  cleanups.push(() => s.close());
  return s;
}

function keep(connection: SocketConnection): SocketConnection {
  cleanups.push(() => connection.close());
  return connection;
}

function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (err: unknown) => err,
  );
}

const jsonrpc = { flavor: 'jsonrpc' as const, methods: { 'core.ping': () => ({ result: 'pong' }) } };
const legacy = { flavor: 'legacy' as const, methods: { 'core.ping': () => ({ result: 'pong' }) } };

describe('resolveEndpoints', () => {
  it.each([
    ['nas.local', ['wss://nas.local/api/current', 'wss://nas.local/websocket']],
    ['nas.local:8443', ['wss://nas.local:8443/api/current', 'wss://nas.local:8443/websocket']],
    ['https://nas.local:8443', ['wss://nas.local:8443/api/current', 'wss://nas.local:8443/websocket']],
    ['https://nas.local/ui/dashboard', ['wss://nas.local/api/current', 'wss://nas.local/websocket']],
    ['http://10.0.0.5', ['ws://10.0.0.5/api/current', 'ws://10.0.0.5/websocket']],
    ['wss://nas.local', ['wss://nas.local/api/current', 'wss://nas.local/websocket']],
    ['  fe80::1 ', ['wss://[fe80::1]/api/current', 'wss://[fe80::1]/websocket']],
    ['[fe80::1]:444', ['wss://[fe80::1]:444/api/current', 'wss://[fe80::1]:444/websocket']],
  ])('%s → discovery', (input, urls) => {
    const resolved = resolveEndpoints(input);
    expect(resolved.explicit).toBe(false);
    expect(resolved.candidates.map((c) => c.url)).toEqual(urls);
    expect(resolved.candidates.map((c) => c.flavor)).toEqual(['jsonrpc', 'legacy']);
  });

  it.each([
    ['wss://nas.local/websocket', 'legacy'],
    ['ws://127.0.0.1:8080/websocket', 'legacy'],
    ['wss://nas.local/api/v25.04.2', 'jsonrpc'],
    ['wss://nas.local/api/current', 'jsonrpc'],
  ])('%s is used as given', (input, flavor) => {
    expect(resolveEndpoints(input)).toEqual({ candidates: [{ url: input, flavor }], explicit: true });
  });

  it('rejects other schemes and empty input', () => {
    expect(() => resolveEndpoints('ftp://nas')).toThrow(expect.objectContaining({ code: 'ENDPOINT_NOT_FOUND' }));
    expect(() => resolveEndpoints('  ')).toThrow(expect.objectContaining({ code: 'ENDPOINT_NOT_FOUND' }));
  });
});

describe('isLoopbackHost', () => {
  it.each([
    ['127.0.0.1', true],
    ['127.1.2.3', true],
    ['localhost', true],
    ['[::1]', true],
    ['::1', true],
    ['10.0.0.5', false],
    ['nas.local', false],
    ['[fe80::1]', false],
    ['127.0.0.1.nip.io', false],
  ])('%s → %s', (host, expected) => {
    expect(isLoopbackHost(host)).toBe(expected);
  });
});

describe('isLoopbackAddress', () => {
  it.each([
    ['127.0.0.1', true],
    ['::1', true],
    ['::ffff:127.0.0.1', true],
    ['192.0.2.2', false],
    ['::ffff:10.0.0.5', false],
    [undefined, false],
  ])('%s → %s', (address, expected) => {
    expect(isLoopbackAddress(address)).toBe(expected);
  });
});

/** A non-loopback IPv4 address of this machine, to listen on. */
const lanAddress = Object.values(networkInterfaces())
  .flat()
  .find((i) => i && i.family === 'IPv4' && !i.internal)?.address;

describe('ws:// is judged by where the socket really goes', () => {
  it.skipIf(!lanAddress)('a *.localhost name that resolves to a LAN address is not a secure transport', async () => {
    const s = await startFakeServer({ paths: { '/api/current': jsonrpc }, host: lanAddress! });
    cleanups.push(() => s.close());
    const lookup = ((_host: string, options: unknown, callback: unknown) => {
      const cb = (typeof options === 'function' ? options : callback) as (...args: unknown[]) => void;
      const all = typeof options === 'object' && options !== null && (options as { all?: boolean }).all;
      if (all) cb(null, [{ address: lanAddress!, family: 4 }]);
      else cb(null, lanAddress!, 4);
    }) as unknown as import('node:net').LookupFunction;
    const connection = keep(await openConnection({ url: `ws://nas.localhost:${s.port}`, lookup }));
    expect(connection.secureTransport).toBe(false);
  });
});

describe('openConnection', () => {
  it('uses /api/current when it exists', async () => {
    const s = await server({ '/api/current': jsonrpc, '/websocket': legacy });
    const connection = keep(await openConnection({ url: `http://127.0.0.1:${s.port}` }));
    expect(connection.flavor).toBe('jsonrpc');
    expect(connection.url).toBe(`ws://127.0.0.1:${s.port}/api/current`);
    expect(connection.secureTransport).toBe(true); // loopback
    await expect(connection.call('core.ping')).resolves.toBe('pong');
    expect(s.upgradeRequests).toEqual(['/api/current']);
  });

  it('falls back to legacy /websocket when /api/current answers 404', async () => {
    const s = await server({ '/websocket': legacy });
    const connection = keep(await openConnection({ url: `http://127.0.0.1:${s.port}` }));
    expect(connection.flavor).toBe('legacy');
    expect(connection.url).toBe(`ws://127.0.0.1:${s.port}/websocket`);
    await expect(connection.call('core.ping')).resolves.toBe('pong');
    expect(s.upgradeRequests).toEqual(['/api/current', '/websocket']);
  });

  it('falls back to legacy /websocket when /api/current redirects to the web UI (nginx on ≤ 24.10 and CORE 13)', async () => {
    const s = await startFakeServer({
      paths: { '/websocket': legacy },
      unknownPathStatus: 302,
      unknownPathLocation: 'http://127.0.0.1/ui/',
    });
    cleanups.push(() => s.close());
    const connection = keep(await openConnection({ url: `http://127.0.0.1:${s.port}` }));
    expect(connection.flavor).toBe('legacy');
    expect(s.upgradeRequests).toEqual(['/api/current', '/websocket']);
  });

  it('a redirect elsewhere than the web UI is not a missing endpoint: it stops with the redirect and a hint', async () => {
    const s = await startFakeServer({
      paths: { '/websocket': legacy },
      unknownPathStatus: 307,
      unknownPathLocation: 'https://127.0.0.1/api/current',
    });
    cleanups.push(() => s.close());
    const err = await rejection(openConnection({ url: `http://127.0.0.1:${s.port}` }));
    expect(err).toMatchObject({ code: 'ENDPOINT_NOT_FOUND' });
    expect((err as Error).message).toContain('Use https://');
    expect(s.upgradeRequests).toEqual(['/api/current']);
  });

  it('tries the endpoint that worked last time first', async () => {
    const s = await server({ '/api/current': jsonrpc, '/websocket': legacy });
    const connection = keep(
      await openConnection({ url: `http://127.0.0.1:${s.port}`, preferredEndpoint: `ws://127.0.0.1:${s.port}/websocket` }),
    );
    expect(connection.flavor).toBe('legacy');
    expect(s.upgradeRequests).toEqual(['/websocket']);
  });

  it('an explicit /api/current that redirects to the web UI says the server has no such endpoint', async () => {
    const s = await startFakeServer({ paths: { '/websocket': legacy }, unknownPathStatus: 302, unknownPathLocation: '/ui/' });
    cleanups.push(() => s.close());
    const err = await rejection(openConnection({ url: `ws://127.0.0.1:${s.port}/api/current` }));
    expect(err).toMatchObject({ code: 'ENDPOINT_NOT_FOUND' });
    expect((err as Error).message).toContain('HTTP 302 to the web UI');
    expect((err as Error).message).toContain('only /websocket');
  });

  it('ENDPOINT_NOT_FOUND when neither endpoint exists', async () => {
    const s = await server({});
    const err = await rejection(openConnection({ url: `ws://127.0.0.1:${s.port}` }));
    expect(err).toMatchObject({ code: 'ENDPOINT_NOT_FOUND' });
    expect((err as Error).message).toContain('/api/current');
    expect(s.upgradeRequests).toEqual(['/api/current', '/websocket']);
  });

  it('uses an explicit URL as given: /websocket is legacy even when /api/current exists', async () => {
    const s = await server({ '/api/current': jsonrpc, '/websocket': legacy });
    const connection = keep(await openConnection({ url: `ws://127.0.0.1:${s.port}/websocket` }));
    expect(connection.flavor).toBe('legacy');
    expect(s.upgradeRequests).toEqual(['/websocket']);
  });

  it('uses an explicit pinned API version path as JSON-RPC', async () => {
    const s = await server({ '/api/v25.04.2': jsonrpc });
    const connection = keep(await openConnection({ url: `ws://127.0.0.1:${s.port}/api/v25.04.2` }));
    expect(connection.flavor).toBe('jsonrpc');
    expect(connection.url).toBe(`ws://127.0.0.1:${s.port}/api/v25.04.2`);
  });

  it('does not fall back from an explicit URL', async () => {
    const s = await server({ '/websocket': legacy });
    const err = await rejection(openConnection({ url: `ws://127.0.0.1:${s.port}/api/current` }));
    expect(err).toMatchObject({ code: 'ENDPOINT_NOT_FOUND' });
    expect(s.upgradeRequests).toEqual(['/api/current']);
  });

  it('UNREACHABLE when nothing listens', async () => {
    const port = await freePort();
    const err = await rejection(openConnection({ url: `http://127.0.0.1:${port}` }));
    expect(err).toMatchObject({ code: 'UNREACHABLE', details: expect.objectContaining({ cause: 'ECONNREFUSED' }) });
  });

  it('UNREACHABLE when the name does not resolve', async () => {
    const err = await rejection(openConnection({ url: 'http://no-such-host.invalid', connectTimeoutMs: 5_000 }));
    expect(err).toMatchObject({ code: 'UNREACHABLE' });
  });

  it('UNREACHABLE on connect timeout', async () => {
    const silent = await startSilentTcpServer();
    cleanups.push(() => silent.close());
    const err = await rejection(openConnection({ url: `http://127.0.0.1:${silent.port}`, connectTimeoutMs: 100 }));
    expect(err).toMatchObject({ code: 'UNREACHABLE', details: expect.objectContaining({ cause: 'timeout' }) });
  });

  it('UNREACHABLE on HTTP 502 (middleware down behind nginx), without falling back', async () => {
    const s = await server({}, 502);
    const err = await rejection(openConnection({ url: `http://127.0.0.1:${s.port}` }));
    expect(err).toMatchObject({ code: 'UNREACHABLE', details: { status: 502 } });
    expect(s.upgradeRequests).toEqual(['/api/current']);
  });

  it('ACCESS_RESTRICTED when the server closes with 1008 on JSON-RPC (first call fails)', async () => {
    const s = await server({ '/api/current': { ...jsonrpc, closeOnConnect: 1008 } });
    const connection = keep(await openConnection({ url: `http://127.0.0.1:${s.port}` }));
    const err = await rejection(connection.call('core.ping'));
    expect(err).toMatchObject({ code: 'ACCESS_RESTRICTED' });
  });
});

/**
 * A JSON-RPC endpoint that accepts permessage-deflate as TrueNAS does (aiohttp's WebSocketResponse compresses by
 * default and compresses every frame), recording what each client offered and what was agreed.
 */
async function deflatingServer(): Promise<{ port: number; offered: string[]; agreed: string[] }> {
  const http = await import('node:http');
  const { WebSocketServer } = await import('ws');
  const httpServer = http.createServer();
  const wss = new WebSocketServer({ noServer: true, perMessageDeflate: { threshold: 0 } });
  const offered: string[] = [];
  const agreed: string[] = [];
  httpServer.on('upgrade', (req, socket, head) => {
    offered.push(String(req.headers['sec-websocket-extensions'] ?? ''));
    wss.handleUpgrade(req, socket, head, (ws) => {
      agreed.push(ws.extensions);
      ws.on('message', (data) => {
        const request = JSON.parse(String(data)) as { id: number; method: string };
        // Large enough that compression would matter: a job listing's worth of text.
        const result =
          request.method === 'core.get_jobs'
            ? Array.from({ length: 200 }, (_, id) => ({ id, method: 'cloudsync.sync', state: 'SUCCESS' }))
            : 'pong';
        ws.send(JSON.stringify({ jsonrpc: '2.0', result, id: request.id }));
      });
    });
  });
  await new Promise<void>((resolve) => httpServer.listen(0, '127.0.0.1', resolve));
  cleanups.push(
    () =>
      new Promise<void>((resolve) => {
        for (const client of wss.clients) client.terminate();
        wss.close();
        httpServer.close(() => resolve());
      }),
  );
  return { port: (httpServer.address() as import('node:net').AddressInfo).port, offered, agreed };
}

describe('permessage-deflate', () => {
  it('is not offered by default, although the server would accept it', async () => {
    const s = await deflatingServer();
    const connection = keep(await openConnection({ url: `ws://127.0.0.1:${s.port}/api/current` }));
    await expect(connection.call('core.ping')).resolves.toBe('pong');
    expect(s.offered).toEqual(['']);
    expect(s.agreed).toEqual(['']);
  });

  it('is offered and used when the server settings ask for it, and frames still arrive whole', async () => {
    const s = await deflatingServer();
    const connection = keep(await openConnection({ url: `ws://127.0.0.1:${s.port}/api/current`, compression: true }));
    expect(s.offered[0]).toContain('permessage-deflate');
    expect(s.agreed[0]).toContain('permessage-deflate');
    await expect(connection.call('core.ping')).resolves.toBe('pong');
    await expect(connection.call('core.get_jobs')).resolves.toHaveLength(200);
  });

  it("a server target's compression setting reaches the socket through the connector", async () => {
    const { createServerConnector } = await import('../../../electron/core/connector');
    const s = await deflatingServer();
    const target = {
      id: 'nas',
      name: 'nas',
      url: `ws://127.0.0.1:${s.port}/api/current`,
      auth: { method: 'api-key' as const, username: '' },
      fingerprint256: null,
      muted: false,
      mutedUntil: null,
    };
    const connector = createServerConnector();
    const plain = await connector.connect(target);
    cleanups.push(() => plain.close());
    const compressed = await connector.connect({ ...target, compression: true });
    cleanups.push(() => compressed.close());
    expect(s.agreed.map((e) => e.includes('permessage-deflate'))).toEqual([false, true]);
  });

  it('compression: false is not offered either', async () => {
    const s = await deflatingServer();
    keep(await openConnection({ url: `ws://127.0.0.1:${s.port}/api/current`, compression: false }));
    expect(s.offered).toEqual(['']);
  });
});
