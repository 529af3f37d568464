/** Login outcomes, OTP, HA redirect, API-key revocation over an insecure transport, logout and rate limits. */
import { afterEach, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator, type SimulatorOptions, type SimUser } from '../../../electron/sim/index';
import { connectLegacy, TestClient } from './client';

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
async function open(url: string, opts = {}): Promise<TestClient> {
  const c = await TestClient.open(url, opts);
  clients.push(c);
  return c;
}
const keyLogin = (username: string, api_key: string) => [{ mechanism: 'API_KEY_PLAIN', username, api_key }];

const USERS: SimUser[] = [
  { username: 'demo', password: 'pw', apiKeys: ['1-' + 'a'.repeat(64)], fullAdmin: true },
  { username: 'otpuser', password: 'pw2', otp: '123456', fullAdmin: true },
  { username: 'standby', password: 'pw3', haStandby: true, redirectUrls: ['wss://10.0.0.2/api/current'] },
  { username: 'noapi', password: 'pw4', noApiAccess: true },
  { username: 'old', password: 'pw5', expired: true },
];

describe('auth.login_ex', () => {
  it('SUCCESS with user_info (roles as $set) and LEVEL_1; AUTH_ERR for a wrong key or user', async () => {
    const s = await sim();
    const c = await open(s.url);
    expect(await c.call('auth.login_ex', keyLogin('demo', 'nope'))).toEqual({ response_type: 'AUTH_ERR' });
    expect(await c.call('auth.login_ex', keyLogin('nobody', s.credentials.apiKey))).toEqual({ response_type: 'AUTH_ERR' });
    const r = (await c.call('auth.login_ex', keyLogin(s.credentials.username, s.credentials.apiKey))) as Record<string, any>;
    expect(r).toMatchObject({
      response_type: 'SUCCESS',
      authenticator: 'LEVEL_1',
      user_info: { pw_name: 'demo', privilege: { roles: { $set: ['FULL_ADMIN'] } } },
    });
    expect(r).not.toHaveProperty('reconnect_token');
    expect(await c.call('auth.me')).toMatchObject({ pw_name: 'demo' });
  });

  it('26.0 adds reconnect_token and answers DENIED for a user without API access (25.10: AUTH_ERR)', async () => {
    const s26 = await sim({ version: '26.0', users: USERS });
    const c26 = await open(s26.url);
    expect(await c26.call('auth.login_ex', [{ mechanism: 'PASSWORD_PLAIN', username: 'noapi', password: 'pw4' }])).toEqual({
      response_type: 'DENIED',
    });
    expect(
      await c26.call('auth.login_ex', [
        { mechanism: 'PASSWORD_PLAIN', username: 'demo', password: 'pw', login_options: { user_info: false } },
      ]),
    ).toEqual({
      response_type: 'SUCCESS',
      user_info: null,
      authenticator: 'LEVEL_1',
      reconnect_token: null,
    });
    const s25 = await sim({ version: '25.10', users: USERS });
    const c25 = await open(s25.url);
    expect(await c25.call('auth.login_ex', [{ mechanism: 'PASSWORD_PLAIN', username: 'noapi', password: 'pw4' }])).toEqual({
      response_type: 'AUTH_ERR',
    });
  });

  it('OTP_REQUIRED then auth.login_ex_continue with OTP_TOKEN; a continue without a challenge is EINVAL', async () => {
    const s = await sim({ users: USERS });
    const c = await open(s.url);
    const early = await c.rpc('auth.login_ex_continue', [{ mechanism: 'OTP_TOKEN', otp_token: '123456' }]);
    expect(early.error).toMatchObject({ code: -32001, data: { errname: 'EINVAL' } });
    expect(await c.call('auth.login_ex', [{ mechanism: 'PASSWORD_PLAIN', username: 'otpuser', password: 'pw2' }])).toEqual({
      response_type: 'OTP_REQUIRED',
      username: 'otpuser',
    });
    expect(await c.call('auth.login_ex_continue', [{ mechanism: 'OTP_TOKEN', otp_token: '000000' }])).toEqual({
      response_type: 'AUTH_ERR',
    });
    await c.call('auth.login_ex', [{ mechanism: 'PASSWORD_PLAIN', username: 'otpuser', password: 'pw2' }]);
    expect(await c.call('auth.login_ex_continue', [{ mechanism: 'OTP_TOKEN', otp_token: '123456' }])).toMatchObject({
      response_type: 'SUCCESS',
    });
  });

  it('REDIRECT for a user on an HA standby, EXPIRED for an expired account', async () => {
    const s = await sim({ users: USERS });
    const c = await open(s.url);
    expect(await c.call('auth.login_ex', [{ mechanism: 'PASSWORD_PLAIN', username: 'standby', password: 'pw3' }])).toEqual({
      response_type: 'REDIRECT',
      urls: ['wss://10.0.0.2/api/current'],
    });
    expect(await c.call('auth.login_ex', [{ mechanism: 'PASSWORD_PLAIN', username: 'old', password: 'pw5' }])).toEqual({
      response_type: 'EXPIRED',
    });
    expect((await c.rpc('core.get_jobs')).error).toMatchObject({ data: { error: 207 } });
  });

  it('an unknown mechanism is −32602', async () => {
    const s = await sim();
    const c = await open(s.url);
    expect((await c.rpc('auth.login_ex', [{ mechanism: 'MAGIC' }])).error).toMatchObject({ code: -32602, data: { errname: 'EINVAL' } });
  });
});

describe('API key over an insecure transport (25.04+)', () => {
  it('answers EXPIRED and revokes the key for every later attempt, on any transport', async () => {
    const s = await sim({ insecureLoopback: true, tls: false });
    const key = s.credentials.apiKey;
    const c = await open(s.url);
    expect(await c.call('auth.login_ex', keyLogin('demo', key))).toEqual({ response_type: 'EXPIRED' });
    expect(s.isApiKeyRevoked(key)).toBe(true);
    // The password still works over ws:// (exposed, but accepted).
    expect(
      await c.call('auth.login_ex', [{ mechanism: 'PASSWORD_PLAIN', username: 'demo', password: s.credentials.password }]),
    ).toMatchObject({ response_type: 'SUCCESS' });
    const l = await connectLegacy(s.legacyUrl);
    clients.push(l);
    expect((await l.legacy('auth.login_with_api_key', [key])).result).toBe(false);
  });

  it('is revoked for good: a TLS login with the same key afterwards is EXPIRED too', async () => {
    const s = await sim({ insecureLoopback: true, tls: true });
    // Over TLS the key is fine.
    const tlsClient = await open(s.url, { ca: s.certificate });
    expect(await tlsClient.call('auth.login_ex', keyLogin('demo', s.credentials.apiKey))).toMatchObject({ response_type: 'SUCCESS' });
    s.revokeApiKey('demo');
    const again = await open(s.url, { ca: s.certificate });
    expect(await again.call('auth.login_ex', keyLogin('demo', s.credentials.apiKey))).toEqual({ response_type: 'EXPIRED' });
  });

  it('an already revoked key answers AUTH_ERR on 26.0 and 27.0, EXPIRED on 25.10; the first insecure use answers EXPIRED everywhere', async () => {
    for (const [version, answer] of [
      ['25.10', 'EXPIRED'],
      ['26.0', 'AUTH_ERR'],
      ['27.0', 'AUTH_ERR'],
    ] as const) {
      const s = await sim({ version, insecureLoopback: true });
      const key = s.credentials.apiKey;
      const c = await open(s.url);
      expect(await c.call('auth.login_ex', keyLogin('demo', key))).toEqual({ response_type: 'EXPIRED' });
      expect(s.isApiKeyRevoked(key)).toBe(true);
      expect(await c.call('auth.login_ex', keyLogin('demo', key))).toEqual({ response_type: answer });
      // Revoked on the server (not by this transport): the same answer.
      const other = await sim({ version });
      other.revokeApiKey('demo');
      expect(await (await open(other.url)).call('auth.login_ex', keyLogin('demo', key))).toEqual({ response_type: answer });
    }
  });

  it('24.10 does not revoke', async () => {
    const s = await sim({ version: '24.10', insecureLoopback: true });
    const l = await connectLegacy(s.legacyUrl);
    clients.push(l);
    expect((await l.legacy('auth.login_with_api_key', [s.credentials.apiKey])).result).toBe(true);
    expect(s.isApiKeyRevoked(s.credentials.apiKey)).toBe(false);
  });

  it('loopback counts as secure by default', async () => {
    const s = await sim();
    const c = await open(s.url);
    expect(await c.call('auth.login_ex', keyLogin('demo', s.credentials.apiKey))).toMatchObject({ response_type: 'SUCCESS' });
  });
});

describe('sessions', () => {
  it('auth.login / auth.logout: after logout authenticated calls are ENOTAUTHENTICATED, the socket stays open', async () => {
    const s = await sim();
    const c = await open(s.url);
    expect(await c.call('auth.login', ['demo', 'wrong'])).toBe(false);
    expect(await c.call('auth.login', ['demo', s.credentials.password])).toBe(true);
    expect(await c.call('core.get_jobs')).toEqual([]);
    expect(await c.call('auth.logout')).toBe(true);
    expect((await c.rpc('core.get_jobs')).error).toMatchObject({ code: -32001, data: { error: 207, errname: 'ENOTAUTHENTICATED' } });
  });

  it('expireSessions silently logs out: socket open, ENOTAUTHENTICATED after', async () => {
    const s = await sim();
    const c = await open(s.url);
    await c.call('auth.login_ex', keyLogin('demo', s.credentials.apiKey));
    s.expireSessions();
    expect(await c.call('core.ping')).toBe('pong');
    expect((await c.rpc('core.get_jobs')).error).toMatchObject({ data: { error: 207 } });
  });

  it('rate-limits unauthenticated no-auth calls per method with EBUSY', async () => {
    const s = await sim({ rateLimit: { calls: 3, windowMs: 60_000 }, rateLimitDelayMs: 0 });
    const c = await open(s.url);
    for (let i = 0; i < 3; i++) expect(await c.call('core.ping')).toBe('pong');
    expect((await c.rpc('core.ping')).error).toMatchObject({
      code: -32001,
      data: { error: 16, errname: 'EBUSY', reason: '[EBUSY] Rate Limit Exceeded' },
    });
    // Another method has its own budget; core.set_options is never limited.
    expect(await c.call('auth.mechanism_choices')).toContain('API_KEY_PLAIN');
    for (let i = 0; i < 5; i++) await c.call('core.set_options', [{}]);
  });
});

describe('keys and accounts that stop working for a while', () => {
  it('a deleted key answers AUTH_ERR until restored; a revoked key can be restored too', async () => {
    const s = await sim({ version: '26.0' });
    const key = s.credentials.apiKey;
    s.deleteApiKey(key);
    const c = await open(s.url);
    expect(await c.call('auth.login_ex', keyLogin('demo', key))).toEqual({ response_type: 'AUTH_ERR' });
    const l = await connectLegacy(s.legacyUrl);
    clients.push(l);
    expect((await l.legacy('auth.login_with_api_key', [key])).result).toBe(false);
    s.restoreApiKey(key);
    expect(await c.call('auth.login_ex', keyLogin('demo', key))).toMatchObject({ response_type: 'SUCCESS' });

    s.revokeApiKey('demo');
    const c2 = await open(s.url);
    expect(await c2.call('auth.login_ex', keyLogin('demo', key))).toEqual({ response_type: 'AUTH_ERR' });
    s.restoreApiKey('demo');
    expect(s.isApiKeyRevoked(key)).toBe(false);
    expect(await c2.call('auth.login_ex', keyLogin('demo', key))).toMatchObject({ response_type: 'SUCCESS' });
  });

  it('a disabled account (directory service down) refuses key and password until enabled again', async () => {
    const s = await sim();
    s.setAccountDisabled('demo', true);
    const c = await open(s.url);
    expect(await c.call('auth.login_ex', keyLogin('demo', s.credentials.apiKey))).toEqual({ response_type: 'AUTH_ERR' });
    expect(await c.call('auth.login_ex', [{ mechanism: 'PASSWORD_PLAIN', username: 'demo', password: s.credentials.password }])).toEqual({
      response_type: 'AUTH_ERR',
    });
    s.setAccountDisabled('demo', false);
    expect(await c.call('auth.login_ex', keyLogin('demo', s.credentials.apiKey))).toMatchObject({ response_type: 'SUCCESS' });
  });

  it('counts every login attempt, answered or not', async () => {
    const s = await sim();
    const c = await open(s.url);
    expect(s.loginAttempts()).toBe(0);
    await c.call('auth.login_ex', keyLogin('demo', 'nope'));
    await c.call('auth.login_ex', [{ mechanism: 'PASSWORD_PLAIN', username: 'demo', password: s.credentials.password }]);
    await c.call('auth.login', ['demo', 'wrong']);
    expect(s.loginAttempts()).toBe(3);
  });
});
