/** Handshakes, framing, error shapes and limits of both endpoints, per version mode. */
import { afterEach, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator, type SimulatorOptions } from '../../../electron/sim/index';
import { connectLegacy, loginRpc, TestClient } from './client';

const sims: Simulator[] = [];
const clients: TestClient[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await Promise.all(sims.splice(0).map((s) => s.close()));
});
async function sim(opts: SimulatorOptions = {}): Promise<Simulator> {
  const s = await startSimulator({ failDelayMs: 0, ...opts });
  sims.push(s);
  return s;
}
async function open(url: string): Promise<TestClient> {
  const c = await TestClient.open(url);
  clients.push(c);
  return c;
}
async function legacy(url: string): Promise<TestClient> {
  const c = await connectLegacy(url);
  clients.push(c);
  return c;
}
async function admin(s: Simulator): Promise<TestClient> {
  const c = await loginRpc(s.url, s.credentials.username, s.credentials.apiKey);
  clients.push(c);
  return c;
}

describe('endpoints per version', () => {
  it.each(['25.04', '25.10', '26.0'] as const)(
    '%s serves JSON-RPC at /api/current with no handshake, and legacy /websocket',
    async (version) => {
      const s = await sim({ version });
      expect(s.url).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/api\/current$/);
      expect(s.legacyUrl).toBe(`${s.origin}/websocket`);
      const c = await open(s.url);
      const r = await c.rpc('core.set_options', [{ legacy_jobs: true }]);
      expect(r).toEqual({
        jsonrpc: '2.0',
        result: version === '25.04' ? null : { legacy_jobs: true, private_methods: false, py_exceptions: false },
        id: 1,
      });
      const l = await legacy(s.legacyUrl);
      expect((await l.legacy('core.ping')).msg).toBe('result');
    },
  );

  it.each(['24.10', 'core13'] as const)(
    '%s has only /websocket: nginx redirects an upgrade of /api/current to the web UI (302)',
    async (version) => {
      const s = await sim({ version });
      await expect(TestClient.open(s.url)).rejects.toThrow('HTTP 302');
      const http = s.origin.replace(/^ws/, 'http');
      const versions = await fetch(`${http}/api/versions`, { redirect: 'manual' });
      expect(versions.status).toBe(302);
      expect(versions.headers.get('location')).toBe(`${http}/ui/`);
      const l = await legacy(s.legacyUrl);
      l.send({ msg: 'ping', id: 'p1' });
      expect(await l.next((f) => f.msg === 'pong')).toEqual({ msg: 'pong', id: 'p1' });
    },
  );

  it.each(['25.04', '27.0'] as const)(
    '%s: an unknown /api path is a 404 from the middleware, any other path a 302 to the web UI',
    async (version) => {
      const s = await sim({ version });
      await expect(TestClient.open(`${s.origin}/api/nonsense`)).rejects.toThrow('HTTP 404');
      await expect(TestClient.open(`${s.origin}/something`)).rejects.toThrow('HTTP 302');
    },
  );

  it('legacy: any message before connect fails, a wrong version fails, connect answers a session', async () => {
    const s = await sim();
    const c = await open(s.legacyUrl);
    c.send({ id: 'x', msg: 'method', method: 'core.ping' });
    expect(await c.next(() => true)).toEqual({ msg: 'failed', version: '1' });
    c.send({ msg: 'connect', version: '2', support: ['2'] });
    await c.next(() => c.frames.length === 2);
    expect(c.frames[1]).toEqual({ msg: 'failed', version: '1' });
    c.send({ msg: 'connect', version: '1', support: ['1'] });
    const connected = await c.next((f) => f.msg === 'connected');
    expect(connected.session).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('legacy ping is ignored on 25.04+ (core.ping is the way)', async () => {
    const s = await sim({ version: '25.10' });
    const c = await legacy(s.legacyUrl);
    c.send({ msg: 'ping', id: 'p1' });
    const r = await c.legacy('core.ping');
    expect(r.result).toBe('pong');
    expect(c.frames.some((f) => f.msg === 'pong')).toBe(false);
  });

  it('core.ping needs authentication on 24.10 too (@no_authz_required waives roles, not the login)', async () => {
    const s = await sim({ version: '24.10' });
    const l = await legacy(s.legacyUrl);
    const r = await l.legacy('core.ping');
    expect(r.result).toBeUndefined();
    expect(r.error).toMatchObject({ error: 207, errname: 'ENOTAUTHENTICATED' });
    // The legacy ping, which the client uses on 24.10, needs none.
    l.send({ msg: 'ping', id: 'p1' });
    expect(await l.next((f) => f.msg === 'pong')).toEqual({ msg: 'pong', id: 'p1' });
  });

  it('core.ping needs authentication up to 25.04, not from 25.10', async () => {
    const s25 = await sim({ version: '25.04' });
    const c = await open(s25.url);
    const r = await c.rpc('core.ping');
    expect(r.error).toMatchObject({
      code: -32001,
      message: 'Method call error',
      data: { error: 207, errname: 'ENOTAUTHENTICATED', reason: '[ENOTAUTHENTICATED] Not authenticated' },
    });
    const s2510 = await sim({ version: '25.10' });
    expect(await (await open(s2510.url)).call('core.ping')).toBe('pong');
  });
});

describe('JSON-RPC framing and error shapes', () => {
  it('answers bad JSON and batches with −32700 and id null, and keeps the socket open', async () => {
    const s = await sim();
    const c = await open(s.url);
    c.send('{nope');
    const bad = await c.next(() => true);
    expect(bad).toMatchObject({ jsonrpc: '2.0', error: { code: -32700 }, id: null });
    c.send([{ jsonrpc: '2.0', id: 9, method: 'core.ping' }]);
    expect(await c.next((f) => f !== bad)).toEqual({
      jsonrpc: '2.0',
      error: { code: -32700, message: 'Batch messages are not supported at this time' },
      id: null,
    });
    expect(await c.call('core.ping')).toBe('pong');
  });

  it('rejects malformed requests with −32600 and unknown methods with −32601', async () => {
    const s = await sim();
    const c = await open(s.url);
    c.send({ jsonrpc: '2.0', id: 'a', method: 'core.ping', params: { x: 1 } });
    expect(await c.next((f) => f.id === 'a')).toEqual({
      jsonrpc: '2.0',
      error: { code: -32600, message: "'params' member must be of type array" },
      id: 'a',
    });
    c.send({ id: 'b', method: 'core.ping' });
    expect(await c.next((f) => f.id === 'b')).toEqual({
      jsonrpc: '2.0',
      error: { code: -32600, message: "Missing 'jsonrpc' member" },
      id: 'b',
    });
    expect(await c.rpc('no.such_method')).toMatchObject({ error: { code: -32601, message: 'Method does not exist' } });
  });

  it('runs notifications (no id) without replying', async () => {
    const s = await sim();
    const c = await open(s.url);
    c.send({ jsonrpc: '2.0', method: 'core.ping', params: [] });
    c.send({ jsonrpc: '2.0', method: 'no.such_method' });
    const r = await c.rpc('core.ping');
    expect(c.frames).toEqual([r]);
  });

  it('validation errors are −32602 with EINVAL and extra', async () => {
    const s = await sim();
    const c = await admin(s);
    const r = await c.rpc('core.job_abort', ['seven']);
    expect(r.error).toMatchObject({
      code: -32602,
      message: 'Invalid params',
      data: { error: 22, errname: 'EINVAL', extra: [['core.job_abort.id', expect.any(String), 22]] },
    });
  });

  it('the 21st concurrent call gets −32000', async () => {
    const s = await sim({ failDelayMs: 1500, rateLimit: false });
    const c = await open(s.url);
    for (let i = 1; i <= 21; i++) c.send({ jsonrpc: '2.0', id: i, method: 'auth.login', params: ['demo', 'wrong'] });
    const over = await c.next((f) => f.id === 21);
    expect(over).toEqual({
      jsonrpc: '2.0',
      error: { code: -32000, message: 'Maximum number of concurrent calls (20) has exceeded' },
      id: 21,
    });
    expect(c.frames.filter((f) => 'result' in f)).toEqual([]);
  });

  it('unknown method over legacy is ENOMETHOD; 24.10 has no auth.login_ex', async () => {
    const s = await sim({ version: '24.10' });
    const c = await legacy(s.legacyUrl);
    const r = await c.legacy('auth.login_ex', [{ mechanism: 'API_KEY_PLAIN', username: 'demo', api_key: s.credentials.apiKey }]);
    expect(r.error).toMatchObject({
      error: 201,
      errname: 'ENOMETHOD',
      type: null,
      reason: "[ENOMETHOD] Method 'login_ex' not found in 'auth'",
    });
    expect((await c.legacy('auth.login_with_api_key', [s.credentials.apiKey])).result).toBe(true);
  });

  it('CORE 13: not authenticated is errno 13 without errname', async () => {
    const s = await sim({ version: 'core13' });
    const c = await legacy(s.legacyUrl);
    const r = await c.legacy('core.get_jobs');
    expect(r.error).toMatchObject({ error: 13, reason: 'Not authenticated' });
    expect(r.error).not.toHaveProperty('errname');
  });
});

describe('message size and frame type', () => {
  it('closes an unauthenticated socket on a frame over 8192 characters with 1007', async () => {
    const s = await sim();
    const c = await open(s.url);
    c.send({ jsonrpc: '2.0', id: 1, method: 'core.ping', params: ['x'.repeat(8200)] });
    expect(await c.closed).toEqual({ code: 1007, reason: 'Anonymous connection max message length is 8 kB' });
  });

  it('allows an authenticated socket 64 KiB, then closes with 1009', async () => {
    const s = await sim();
    const c = await admin(s);
    expect(await c.call('core.get_jobs', [[['method', '=', 'x'.repeat(9000)]]])).toEqual([]);
    c.send({ jsonrpc: '2.0', id: 99, method: 'core.ping', params: ['x'.repeat(66_000)] });
    expect(await c.closed).toEqual({ code: 1009, reason: 'Max message length is 64 kB' });
  });

  it('closes on a binary frame with 1003', async () => {
    const s = await sim();
    const c = await open(s.url);
    c.ws.send(Buffer.from('{"jsonrpc":"2.0"}'), { binary: true });
    expect((await c.closed).code).toBe(1003);
  });
});
