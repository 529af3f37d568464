import { afterEach, describe, it, expect } from 'vitest';
import { authenticate, refusedAfterWorking } from '../../../electron/core/auth';
import type { Credentials } from '../../../electron/core/auth';
import { JobwatchError, RpcError, mayRecoverLater } from '../../../electron/core/errors';
import type { CallOptions, CloseInfo, CollectionEvent, RpcConnection } from '../../../electron/core/protocol/connection';
import { openConnection } from '../../../electron/core/protocol/open';
import type { SocketConnection } from '../../../electron/core/protocol/jsonrpc';
import { startFakeServer } from './fixtures/fake-truenas';
import type { FakeServer } from './fixtures/fake-truenas';

const API_KEY = '7-Xk2SECRETsecretSECRETsecretSECRETsecretSECRETsecretSECRETsecret12';
const PASSWORD = 'hunter2-very-secret';

type Script = Record<string, (params: unknown[]) => unknown>;

/** A connection whose replies are scripted per method; a function that throws rejects the call. */
class ScriptedConnection implements RpcConnection {
  readonly flavor = 'jsonrpc' as const;
  readonly url: string;
  readonly calls: Array<{ method: string; params: unknown[] }> = [];
  readonly stats = { framesIn: 0, badFrames: 0 };
  readonly closed = false;
  constructor(
    private readonly script: Script,
    readonly secureTransport = true,
  ) {
    this.url = secureTransport ? 'wss://nas.local/api/current' : 'ws://nas.local/api/current';
  }
  async call(method: string, params: unknown[] = [], _options?: CallOptions): Promise<unknown> {
    this.calls.push({ method, params });
    const impl = this.script[method];
    if (!impl) throw new RpcError('Method does not exist', -32601, null, null, null);
    return impl(params);
  }
  async subscribe(): Promise<void> {}
  async ping(): Promise<void> {}
  onEvent(_listener: (event: CollectionEvent) => void): () => void {
    return () => undefined;
  }
  onClose(_listener: (info: CloseInfo) => void): () => void {
    return () => undefined;
  }
  onBadFrame(_listener: (reason: string) => void): () => void {
    return () => undefined;
  }
  close(): void {}
}

const apiKey: Credentials = { kind: 'api-key', username: 'monitor', apiKey: API_KEY };
const password: Credentials = { kind: 'password', username: 'admin', password: PASSWORD };

function callError(
  errno: number,
  errname: string,
  reason: string,
  code: ConstructorParameters<typeof RpcError>[5] = 'RPC_ERROR',
): RpcError {
  return new RpcError(reason, -32001, errno, errname, reason, code);
}

async function failure(promise: Promise<unknown>): Promise<JobwatchError> {
  const err = await promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(JobwatchError);
  const jw = err as JobwatchError;
  // No secret, ever, in what the caller or a log would see.
  const visible = `${jw.message} ${JSON.stringify(jw.details)} ${err instanceof RpcError ? (err.reason ?? '') : ''}`;
  expect(visible).not.toContain(API_KEY);
  expect(visible).not.toContain(PASSWORD);
  return jw;
}

describe('authenticate: transport rule', () => {
  it('refuses an API key over an insecure transport before calling anything', async () => {
    const conn = new ScriptedConnection({ 'auth.login_ex': () => ({ response_type: 'SUCCESS' }) }, false);
    const err = await failure(authenticate(conn, apiKey));
    expect(err.code).toBe('INSECURE_TRANSPORT');
    expect(err.message).toContain('25.04');
    expect(err.message).toContain('wss://');
    expect(conn.calls).toEqual([]);
  });

  it('says a tunnel or TLS proxy that ends before the NAS can still get the key revoked', async () => {
    const conn = new ScriptedConnection({}, false);
    const err = await failure(authenticate(conn, apiKey));
    expect(err.message).toMatch(/tunnel or TLS proxy/);
    expect(err.details).toMatchObject({ credential: 'api-key' });
  });

  it('refuses a password over an insecure transport before calling anything: anyone on the network could read it', async () => {
    const conn = new ScriptedConnection({ 'auth.login_ex': () => ({ response_type: 'SUCCESS', authenticator: 'LEVEL_1' }) }, false);
    const err = await failure(authenticate(conn, password));
    expect(err.code).toBe('INSECURE_TRANSPORT');
    expect(err.details).toMatchObject({ credential: 'password' });
    expect(err.message).toContain('password');
    expect(err.message).toMatch(/anyone on the network/);
    expect(err.message).not.toContain('API key');
    expect(err.message).not.toContain(PASSWORD);
    expect(conn.calls).toEqual([]);
  });

  it('sends a password over an insecure transport only when the person allowed it for the server', async () => {
    const conn = new ScriptedConnection({ 'auth.login_ex': () => ({ response_type: 'SUCCESS', authenticator: 'LEVEL_1' }) }, false);
    await expect(authenticate(conn, { ...password, allowInsecureTransport: true })).resolves.toMatchObject({ method: 'auth.login_ex' });
    expect(conn.calls.map((c) => c.method)).toEqual(['auth.login_ex']);
  });

  it('never sends an API key over an insecure transport, whatever the password setting says', async () => {
    const conn = new ScriptedConnection({ 'auth.login_ex': () => ({ response_type: 'SUCCESS' }) }, false);
    const allowed = { ...apiKey, allowInsecureTransport: true } as Credentials;
    await expect(authenticate(conn, allowed)).rejects.toMatchObject({ code: 'INSECURE_TRANSPORT' });
    expect(conn.calls).toEqual([]);
  });
});

describe('authenticate: API key', () => {
  it('uses login_ex API_KEY_PLAIN with the key user', async () => {
    const conn = new ScriptedConnection({
      'auth.login_ex': () => ({ response_type: 'SUCCESS', user_info: null, authenticator: 'LEVEL_1' }),
    });
    await expect(authenticate(conn, apiKey)).resolves.toEqual({ method: 'auth.login_ex', authenticator: 'LEVEL_1', usedOtp: false });
    expect(conn.calls).toEqual([
      {
        method: 'auth.login_ex',
        params: [{ mechanism: 'API_KEY_PLAIN', username: 'monitor', api_key: API_KEY, login_options: { user_info: false } }],
      },
    ]);
  });

  it('falls back to auth.login_with_api_key when login_ex does not exist (−32601)', async () => {
    const conn = new ScriptedConnection({ 'auth.login_with_api_key': () => true });
    await expect(authenticate(conn, apiKey)).resolves.toMatchObject({ method: 'auth.login_with_api_key' });
    expect(conn.calls.map((c) => c.method)).toEqual(['auth.login_ex', 'auth.login_with_api_key']);
    expect(conn.calls[1]!.params).toEqual([API_KEY]);
  });

  it('falls back on legacy ENOMETHOD (201) and on a legacy "not found" reason', async () => {
    const enomethod = new ScriptedConnection({
      'auth.login_ex': () => {
        throw new RpcError("Method 'login_ex' not found in 'auth'", null, 201, 'ENOMETHOD', "Method 'login_ex' not found in 'auth'");
      },
      'auth.login_with_api_key': () => true,
    });
    await expect(authenticate(enomethod, apiKey)).resolves.toMatchObject({ method: 'auth.login_with_api_key' });
    const notFound = new ScriptedConnection({
      'auth.login_ex': () => {
        throw new RpcError('Method not found', null, 22, null, 'Method not found');
      },
      'auth.login_with_api_key': () => true,
    });
    await expect(authenticate(notFound, apiKey)).resolves.toMatchObject({ method: 'auth.login_with_api_key' });
  });

  it('uses auth.login_with_api_key directly when the key has no username', async () => {
    const conn = new ScriptedConnection({ 'auth.login_with_api_key': () => true });
    await authenticate(conn, { kind: 'api-key', apiKey: API_KEY });
    expect(conn.calls.map((c) => c.method)).toEqual(['auth.login_with_api_key']);
  });

  it('AUTH_FAILED when the old method answers false, without retrying', async () => {
    const conn = new ScriptedConnection({ 'auth.login_with_api_key': () => false });
    const err = await failure(authenticate(conn, apiKey));
    expect(err.code).toBe('AUTH_FAILED');
    expect(conn.calls.map((c) => c.method)).toEqual(['auth.login_ex', 'auth.login_with_api_key']);
  });

  it('MECHANISM_UNSUPPORTED when no login method exists, asking for the username when missing', async () => {
    const conn = new ScriptedConnection({});
    const err = await failure(authenticate(conn, { kind: 'api-key', apiKey: API_KEY }));
    expect(err.code).toBe('MECHANISM_UNSUPPORTED');
    expect(err.message).toContain('user name');
  });
});

describe('authenticate: password', () => {
  it('uses login_ex PASSWORD_PLAIN', async () => {
    const conn = new ScriptedConnection({ 'auth.login_ex': () => ({ response_type: 'SUCCESS' }) });
    await authenticate(conn, password);
    expect(conn.calls[0]!.params).toEqual([
      { mechanism: 'PASSWORD_PLAIN', username: 'admin', password: PASSWORD, login_options: { user_info: false } },
    ]);
  });

  it('falls back to auth.login [user, pass]', async () => {
    const conn = new ScriptedConnection({ 'auth.login': () => true });
    await expect(authenticate(conn, password)).resolves.toMatchObject({ method: 'auth.login' });
    expect(conn.calls[1]).toEqual({ method: 'auth.login', params: ['admin', PASSWORD] });
  });

  it('AUTH_FAILED when auth.login answers false', async () => {
    const conn = new ScriptedConnection({ 'auth.login': () => false });
    expect((await failure(authenticate(conn, password))).code).toBe('AUTH_FAILED');
  });
});

describe('authenticate: OTP', () => {
  const otpScript = (continueReply: unknown): Script => ({
    'auth.login_ex': () => ({ response_type: 'OTP_REQUIRED', username: 'admin' }),
    'auth.login_ex_continue': () => continueReply,
  });

  it('asks for a code and continues with OTP_TOKEN', async () => {
    const conn = new ScriptedConnection(otpScript({ response_type: 'SUCCESS', authenticator: 'LEVEL_2' }));
    let asked = 0;
    const result = await authenticate(conn, password, {
      askOtp: async () => {
        asked += 1;
        return ' 123456 ';
      },
    });
    expect(asked).toBe(1);
    expect(result).toEqual({ method: 'auth.login_ex', authenticator: 'LEVEL_2', usedOtp: true });
    expect(conn.calls[1]).toEqual({ method: 'auth.login_ex_continue', params: [{ mechanism: 'OTP_TOKEN', otp_token: '123456' }] });
  });

  it('OTP_REQUIRED when there is no way to ask', async () => {
    const conn = new ScriptedConnection(otpScript({ response_type: 'SUCCESS' }));
    expect((await failure(authenticate(conn, password))).code).toBe('OTP_REQUIRED');
    expect(conn.calls.map((c) => c.method)).toEqual(['auth.login_ex']);
  });

  it('OTP_REQUIRED when the person cancels', async () => {
    const conn = new ScriptedConnection(otpScript({ response_type: 'SUCCESS' }));
    expect((await failure(authenticate(conn, password, { askOtp: async () => null }))).code).toBe('OTP_REQUIRED');
    expect(conn.calls.map((c) => c.method)).toEqual(['auth.login_ex']);
  });

  it('AUTH_FAILED for a wrong code, asked once only', async () => {
    const conn = new ScriptedConnection(otpScript({ response_type: 'AUTH_ERR' }));
    let asked = 0;
    const err = await failure(
      authenticate(conn, password, {
        askOtp: async () => {
          asked += 1;
          return '000000';
        },
      }),
    );
    expect(err.code).toBe('AUTH_FAILED');
    expect(err.message).toContain('one-time code');
    expect(asked).toBe(1);
    expect(conn.calls).toHaveLength(2);
  });
});

describe('authenticate: every outcome is typed, secret-free and not retried', () => {
  it.each([
    ['AUTH_ERR', { response_type: 'AUTH_ERR' }, 'AUTH_FAILED'],
    ['EXPIRED', { response_type: 'EXPIRED' }, 'AUTH_EXPIRED'],
    ['DENIED', { response_type: 'DENIED' }, 'AUTH_DENIED'],
    ['REDIRECT', { response_type: 'REDIRECT', urls: ['wss://nas-a.local/api/current'] }, 'AUTH_REDIRECT'],
    ['an unknown response type', { response_type: 'SCRAM_RESPONSE' }, 'MECHANISM_UNSUPPORTED'],
  ])('%s', async (_name, reply, code) => {
    for (const credentials of [apiKey, password]) {
      const conn = new ScriptedConnection({
        'auth.login_ex': () => reply,
        'auth.login_with_api_key': () => true,
        'auth.login': () => true,
      });
      const err = await failure(authenticate(conn, credentials));
      expect(err.code).toBe(code);
      expect(conn.calls).toHaveLength(1);
    }
  });

  it('an unknown response type from the server is shown as one short clean line', async () => {
    const hostile = `SCRAM\u202E\n12:00 forged ${'X'.repeat(5000)}`;
    const conn = new ScriptedConnection({ 'auth.login_ex': () => ({ response_type: hostile }) });
    const err = await failure(authenticate(conn, password));
    expect(err.code).toBe('MECHANISM_UNSUPPORTED');
    expect(err.message).not.toMatch(/[\n\u202E]/);
    expect(err.message.length).toBeLessThan(200);
    expect(err.message).toMatch(/response type SCRAM 12:00 forged X+…\)/);
  });

  it('EXPIRED mentions key revocation', async () => {
    const conn = new ScriptedConnection({ 'auth.login_ex': () => ({ response_type: 'EXPIRED' }) });
    expect((await failure(authenticate(conn, apiKey))).message).toMatch(/revoked/);
  });

  it('REDIRECT carries the urls', async () => {
    const conn = new ScriptedConnection({
      'auth.login_ex': () => ({ response_type: 'REDIRECT', urls: ['wss://a/api/current', 'wss://b/api/current'] }),
    });
    expect((await failure(authenticate(conn, apiKey))).details).toEqual({ urls: ['wss://a/api/current', 'wss://b/api/current'] });
  });

  it('EBUSY → RATE_LIMITED', async () => {
    const conn = new ScriptedConnection({
      'auth.login_ex': () => {
        throw callError(16, 'EBUSY', '[EBUSY] Rate Limit Exceeded', 'RATE_LIMITED');
      },
    });
    const err = await failure(authenticate(conn, password));
    expect(err.code).toBe('RATE_LIMITED');
    expect(conn.calls).toHaveLength(1);
  });

  it('EOPNOTSUPP → MECHANISM_UNSUPPORTED', async () => {
    const conn = new ScriptedConnection({
      'auth.login_ex': () => {
        throw callError(95, 'EOPNOTSUPP', '[EOPNOTSUPP] Mechanism is not supported at current authenticator level');
      },
    });
    expect((await failure(authenticate(conn, apiKey))).code).toBe('MECHANISM_UNSUPPORTED');
  });

  it('scrubs a secret a server echoes back in an error', async () => {
    const conn = new ScriptedConnection({
      'auth.login_ex': () => {
        throw callError(22, 'EINVAL', `[EINVAL] bad value ${PASSWORD}`);
      },
    });
    const err = await failure(authenticate(conn, password));
    expect(err.message).toContain('********');
  });
});

describe('authenticate over real sockets', () => {
  const servers: FakeServer[] = [];
  const connections: SocketConnection[] = [];
  afterEach(async () => {
    for (const c of connections.splice(0)) c.close();
    for (const s of servers.splice(0)) await s.close();
  });

  it('sends an API key over loopback ws:// (TrueNAS treats loopback as secure)', async () => {
    const server = await startFakeServer({
      paths: {
        '/api/current': {
          flavor: 'jsonrpc',
          methods: { 'auth.login_ex': () => ({ result: { response_type: 'SUCCESS', authenticator: 'LEVEL_1' } }) },
        },
      },
    });
    servers.push(server);
    const conn = await openConnection({ url: `ws://127.0.0.1:${server.port}` });
    connections.push(conn);
    expect(conn.secureTransport).toBe(true);
    await expect(authenticate(conn, apiKey)).resolves.toMatchObject({ method: 'auth.login_ex' });
    expect(JSON.parse(server.received[0]!.frame)).toMatchObject({ method: 'auth.login_ex', params: [{ mechanism: 'API_KEY_PLAIN' }] });
  });

  it('falls back to auth.login_with_api_key on a legacy server without login_ex (ENOMETHOD)', async () => {
    const server = await startFakeServer({
      paths: { '/websocket': { flavor: 'legacy', methods: { 'auth.login_with_api_key': () => ({ result: true }) } } },
    });
    servers.push(server);
    const conn = await openConnection({ url: `http://127.0.0.1:${server.port}` });
    connections.push(conn);
    await expect(authenticate(conn, apiKey)).resolves.toMatchObject({ method: 'auth.login_with_api_key' });
    const methods = server.received.map((r) => (JSON.parse(r.frame) as { method?: string }).method).filter(Boolean);
    expect(methods).toEqual(['auth.login_ex', 'auth.login_with_api_key']);
  });
});

describe('authenticate: a refused or revoked API key says what to do', () => {
  it('AUTH_ERR for an API key (26+: also an already revoked key) names revocation and the fix', async () => {
    const conn = new ScriptedConnection({ 'auth.login_ex': () => ({ response_type: 'AUTH_ERR' }) });
    const err = await failure(authenticate(conn, apiKey));
    expect(err.code).toBe('AUTH_FAILED');
    expect(err.message).toMatch(/revoked/);
    expect(err.message).toMatch(/Create a new API key/);
    expect(err.message).toMatch(/Credentials → API Keys/);
    expect(err.message).toMatch(/http\/ws:\/\//);
    expect(err.message).toContain('"monitor"');
    expect(mayRecoverLater(err)).toBe(true);
  });

  it('the old auth.login_with_api_key answering false gives the same advice', async () => {
    const conn = new ScriptedConnection({ 'auth.login_with_api_key': () => false });
    const err = await failure(authenticate(conn, { kind: 'api-key', apiKey: API_KEY }));
    expect(err.message).toMatch(/revoked/);
    expect(err.message).toMatch(/Create a new API key/);
  });

  it('EXPIRED for an API key says TrueNAS revokes a key sent over plain http/ws:// and how to replace it', async () => {
    const conn = new ScriptedConnection({ 'auth.login_ex': () => ({ response_type: 'EXPIRED' }) });
    const err = await failure(authenticate(conn, apiKey));
    expect(err.message).toMatch(/revoke/);
    expect(err.message).toMatch(/Create a new API key/);
    expect(mayRecoverLater(err)).toBe(false);
  });

  it('a wrong one-time code is not a refusal that heals by itself', async () => {
    const conn = new ScriptedConnection({
      'auth.login_ex': () => ({ response_type: 'OTP_REQUIRED', username: 'admin' }),
      'auth.login_ex_continue': () => ({ response_type: 'AUTH_ERR' }),
    });
    const err = await failure(authenticate(conn, password, { askOtp: async () => '000000' }));
    expect(err.code).toBe('AUTH_FAILED');
    expect(mayRecoverLater(err)).toBe(false);
  });

  it('a credential refused after it worked: "worked before, now refused", the likely causes and the fix', async () => {
    const conn = new ScriptedConnection({ 'auth.login_ex': () => ({ response_type: 'AUTH_ERR' }) });
    const message = refusedAfterWorking(await failure(authenticate(conn, apiKey)));
    expect(message).toMatch(/^Worked before, now refused/);
    expect(message).toMatch(/API key/);
    expect(message).toMatch(/revoked, deleted/);
    expect(message).toMatch(/directory service/);
    expect(message).toMatch(/Create a new API key/);
    expect(message).not.toContain(API_KEY);
    const byPassword = refusedAfterWorking(
      await failure(authenticate(new ScriptedConnection({ 'auth.login_ex': () => ({ response_type: 'AUTH_ERR' }) }), password)),
    );
    expect(byPassword).toMatch(/this password/);
    expect(byPassword).not.toContain(PASSWORD);
  });
});
