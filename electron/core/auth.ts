/**
 * Logs in on an open RpcConnection (docs/protocol.md §3).
 *
 * - An API key never goes over a connection TrueNAS considers insecure: 25.04+ revokes a key used over plain ws://
 *   to a non-loopback address (§1.4). We refuse before sending anything.
 * - Nor does a password, unless the person allowed it for this server: TrueNAS accepts it, but anyone on the
 *   network can read it. Refused before sending anything, like the key.
 * - `auth.login_ex` first (25.04+); when the method does not exist (older servers, or the key has no username),
 *   the old wrappers `auth.login_with_api_key` / `auth.login`.
 * - One attempt only: a failed login is never retried here (each failure costs a server-side delay, counts toward
 *   lockout policies, and a revoked key stays revoked). The session decides whether to try again much later.
 * - No error, message or detail produced here contains the secret.
 */
import * as z from './zod';
import type { RpcConnection } from './protocol/connection';
import { JobwatchError, RpcError } from './errors';
import { cleanStatusText } from './status-text';

export type Credentials =
  | { kind: 'api-key'; username?: string; apiKey: string }
  | {
      kind: 'password';
      username: string;
      password: string;
      /** The person allowed this server's password over plain ws:// (readable by anyone on the network). */
      allowInsecureTransport?: boolean;
    };

export interface AuthOptions {
  /** Asks the person for a one-time code; null when they cancel. */
  askOtp?: () => Promise<string | null>;
}

export interface AuthResult {
  /** Which server method logged us in. */
  method: 'auth.login_ex' | 'auth.login_with_api_key' | 'auth.login';
  /** "LEVEL_1" / "LEVEL_2" when the server said (login_ex only). */
  authenticator: string | null;
  usedOtp: boolean;
}

const loginExResultSchema = z.discriminatedUnion('response_type', [
  z.object({ response_type: z.literal('SUCCESS'), authenticator: z.nullish(z.string()) }),
  z.object({ response_type: z.literal('AUTH_ERR') }),
  z.object({ response_type: z.literal('EXPIRED') }),
  z.object({ response_type: z.literal('DENIED') }),
  z.object({ response_type: z.literal('OTP_REQUIRED'), username: z.nullish(z.string()) }),
  z.object({ response_type: z.literal('REDIRECT'), urls: z._default(z.array(z.string()), []) }),
]);

const EOPNOTSUPP = 95;

/** What to do about a refused or revoked API key: a revoked key cannot be made valid again, only replaced. */
export const NEW_KEY_ADVICE =
  'Create a new API key in TrueNAS (Credentials → API Keys, or API Keys in your user menu) and enter it in the ' +
  'server settings here. Only use it over https:// / wss:// to a remote server: TrueNAS revokes a key that is sent ' +
  'over plain http/ws://.';

const NEW_PASSWORD_ADVICE = 'If the password was changed, enter the new one in the server settings here.';

/** Details of an AUTH_FAILED refusal: which kind of credential, and what the person can do about it. */
function refusal(kind: Credentials['kind']): Record<string, unknown> {
  return { credential: kind, advice: kind === 'api-key' ? NEW_KEY_ADVICE : NEW_PASSWORD_ADVICE };
}

/**
 * The message when a credential that signed in before on this server is now refused (AUTH_FAILED): unlike a first
 * refusal it is rarely a typo, so the likely causes come first, then the fix.
 */
export function refusedAfterWorking(err: JobwatchError): string {
  const what = err.details['credential'] === 'password' ? 'password' : 'API key';
  const advice = typeof err.details['advice'] === 'string' ? ` If it was revoked, deleted or changed: ${err.details['advice']}` : '';
  return (
    `Worked before, now refused: the server accepted this ${what} earlier and now refuses it. It was revoked, ` +
    'deleted or changed, or the directory service the account comes from (Active Directory, LDAP) is down. ' +
    `Jobwatch tries again every few minutes by itself.${advice}`
  );
}

export async function authenticate(conn: RpcConnection, credentials: Credentials, options: AuthOptions = {}): Promise<AuthResult> {
  const secret = credentials.kind === 'api-key' ? credentials.apiKey : credentials.password;
  if (credentials.kind === 'api-key' && !conn.secureTransport) {
    // TrueNAS judges the address it sees (middleware `utils/origin.py`): a tunnel or TLS proxy that ends before the
    // NAS and talks plain HTTP to it looks just as insecure to the server.
    throw new JobwatchError(
      'INSECURE_TRANSPORT',
      'Jobwatch will not send the API key over an unencrypted connection (ws://): TrueNAS 25.04 and later revoke an ' +
        'API key that is sent that way. Connect with https:// / wss:// instead (trust the server certificate if it ' +
        'is self-signed). A tunnel or TLS proxy that ends before the NAS does not help: TrueNAS judges the ' +
        'connection it receives itself and can still revoke the key.',
      { url: conn.url, credential: 'api-key' },
    );
  }
  if (credentials.kind === 'password' && !conn.secureTransport && credentials.allowInsecureTransport !== true) {
    throw new JobwatchError(
      'INSECURE_TRANSPORT',
      `Jobwatch will not send the password of "${credentials.username}" over an unencrypted connection (ws://): ` +
        'anyone on the network between this computer and the server can read it. Connect with https:// / wss:// ' +
        'instead (trust the server certificate if it is self-signed). If this network is yours and you accept the ' +
        'risk, allow the unencrypted password for this server in its settings (or --allow-insecure-password).',
      { url: conn.url, credential: 'password' },
    );
  }
  try {
    return await login(conn, credentials, options);
  } catch (err) {
    throw withoutSecret(err, secret);
  }
}

async function login(conn: RpcConnection, credentials: Credentials, options: AuthOptions): Promise<AuthResult> {
  const loginOptions = { user_info: false };
  let loginExParams: Record<string, unknown> | null;
  if (credentials.kind === 'api-key') {
    // login_ex needs the key's user; without one only the old wrapper (which looks the user up) can be used.
    loginExParams = credentials.username
      ? { mechanism: 'API_KEY_PLAIN', username: credentials.username, api_key: credentials.apiKey, login_options: loginOptions }
      : null;
  } else {
    loginExParams = {
      mechanism: 'PASSWORD_PLAIN',
      username: credentials.username,
      password: credentials.password,
      login_options: loginOptions,
    };
  }

  if (loginExParams) {
    let reply: unknown;
    try {
      reply = await conn.call('auth.login_ex', [loginExParams]);
    } catch (err) {
      if (!isMethodMissing(err)) throw mapLoginError(err);
      reply = undefined;
    }
    if (reply !== undefined) return handleLoginEx(conn, reply, credentials, options);
  }
  return loginWithOldMethod(conn, credentials);
}

async function handleLoginEx(conn: RpcConnection, reply: unknown, credentials: Credentials, options: AuthOptions): Promise<AuthResult> {
  let result = parseLoginEx(reply);
  let usedOtp = false;
  if (result.response_type === 'OTP_REQUIRED') {
    const otp = options.askOtp ? await options.askOtp() : null;
    if (otp === null || otp.trim() === '') {
      throw new JobwatchError('OTP_REQUIRED', 'This account uses two-factor authentication: a one-time code is needed to sign in.');
    }
    usedOtp = true;
    let continued: unknown;
    try {
      continued = await conn.call('auth.login_ex_continue', [{ mechanism: 'OTP_TOKEN', otp_token: otp.trim() }]);
    } catch (err) {
      throw mapLoginError(err);
    }
    result = parseLoginEx(continued);
    if (result.response_type === 'OTP_REQUIRED') {
      throw new JobwatchError('AUTH_FAILED', 'The server did not accept the one-time code.', { oneTimeCode: true });
    }
  }
  switch (result.response_type) {
    case 'SUCCESS':
      return { method: 'auth.login_ex', authenticator: result.authenticator ?? null, usedOtp };
    case 'AUTH_ERR':
      if (usedOtp) throw new JobwatchError('AUTH_FAILED', 'Sign-in failed: the one-time code was wrong or expired.', { oneTimeCode: true });
      throw new JobwatchError(
        'AUTH_FAILED',
        credentials.kind === 'api-key'
          ? // 26+ answers AUTH_ERR, not EXPIRED, for a key that is already revoked (plugins/auth_/login_ex_impl.py).
            `Sign-in failed: the server did not accept the API key for user "${credentials.username ?? ''}". The key may ` +
              'have been revoked or deleted, be mistyped, or belong to another user. ' +
              NEW_KEY_ADVICE
          : 'Sign-in failed: the server did not accept the user name and password.',
        refusal(credentials.kind),
      );
    case 'EXPIRED':
      throw new JobwatchError(
        'AUTH_EXPIRED',
        credentials.kind === 'api-key'
          ? 'The server says the API key has expired or was revoked: TrueNAS revokes a key the moment it is sent over ' +
              'plain http/ws:// to a remote address. ' +
              NEW_KEY_ADVICE
          : 'The server says the password or account has expired. Sign in to the TrueNAS web interface to renew it, ' +
              'then enter the new password in the server settings.',
      );
    case 'DENIED':
      throw new JobwatchError(
        'AUTH_DENIED',
        'The credential is valid, but this account is not allowed to use the TrueNAS API. Give the user a role with API access.',
      );
    case 'REDIRECT':
      throw new JobwatchError(
        'AUTH_REDIRECT',
        'This is the standby controller of a high-availability TrueNAS; connect to the active controller instead.',
        { urls: result.urls },
      );
  }
}

async function loginWithOldMethod(conn: RpcConnection, credentials: Credentials): Promise<AuthResult> {
  const method = credentials.kind === 'api-key' ? 'auth.login_with_api_key' : 'auth.login';
  const params = credentials.kind === 'api-key' ? [credentials.apiKey] : [credentials.username, credentials.password];
  let reply: unknown;
  try {
    reply = await conn.call(method, params);
  } catch (err) {
    if (isMethodMissing(err)) {
      throw new JobwatchError(
        'MECHANISM_UNSUPPORTED',
        credentials.kind === 'api-key' && !credentials.username
          ? 'This server needs the user name the API key belongs to. Enter it in the server settings.'
          : 'This server offers no sign-in method Jobwatch knows.',
      );
    }
    throw mapLoginError(err);
  }
  if (reply === true) return { method, authenticator: null, usedOtp: false };
  if (reply === false) {
    throw new JobwatchError(
      'AUTH_FAILED',
      credentials.kind === 'api-key'
        ? 'Sign-in failed: the server did not accept the API key. It may have been revoked or deleted, or be mistyped. ' + NEW_KEY_ADVICE
        : 'Sign-in failed: the server did not accept the user name and password.',
      refusal(credentials.kind),
    );
  }
  throw new JobwatchError('AUTH_FAILED', `The server answered ${method} with something Jobwatch does not understand.`);
}

function parseLoginEx(reply: unknown): z.infer<typeof loginExResultSchema> {
  const parsed = loginExResultSchema.safeParse(reply);
  if (parsed.success) return parsed.data;
  // The server's word, shown in a status: one short clean line.
  const type =
    typeof reply === 'object' && reply !== null && 'response_type' in reply ? cleanStatusText(String(reply.response_type), 40) : 'none';
  throw new JobwatchError(
    'MECHANISM_UNSUPPORTED',
    `The server answered the sign-in in a way Jobwatch does not support (response type ${type}).`,
    {
      responseType: type,
    },
  );
}

/**
 * The method does not exist on this server: −32601 on JSON-RPC, ENOMETHOD (201) or "… not found" on legacy. The
 * same ENOMETHOD is what 24.10 answers for other auth.* methods it lacks (docs/protocol.md, last section).
 */
function isMethodMissing(err: unknown): boolean {
  if (!(err instanceof RpcError)) return false;
  if (err.rpcCode === -32601) return true;
  if (err.errno === 201 || err.errname === 'ENOMETHOD') return true;
  return err.rpcCode === null && /not found/i.test(err.reason ?? '');
}

function mapLoginError(err: unknown): unknown {
  if (!(err instanceof RpcError)) return err;
  if (err.code === 'RATE_LIMITED') {
    return new JobwatchError('RATE_LIMITED', 'The server is rate limiting sign-in attempts from this computer; wait a few minutes.', {
      errno: err.errno,
    });
  }
  if (err.errno === EOPNOTSUPP || err.errname === 'EOPNOTSUPP') {
    return new JobwatchError(
      'MECHANISM_UNSUPPORTED',
      'The server does not allow this sign-in method (for example, API keys are disabled in high-security mode). ' +
        'Use a password instead, or change the server setting.',
      { errno: err.errno },
    );
  }
  return err;
}

/** Replaces any occurrence of the secret in an error's message or details (defence against servers echoing it). */
function withoutSecret(err: unknown, secret: string): unknown {
  if (!(err instanceof JobwatchError) || secret.length === 0) return err;
  const messageHasSecret = err.message.includes(secret);
  let detailsText: string;
  try {
    detailsText = JSON.stringify(err.details);
  } catch {
    detailsText = '';
  }
  const reasonHasSecret = err instanceof RpcError && (err.reason ?? '').includes(secret);
  if (!messageHasSecret && !detailsText.includes(secret) && !reasonHasSecret) return err;
  const scrub = (text: string) => text.split(secret).join('********');
  const details = detailsText ? (JSON.parse(scrub(detailsText)) as Record<string, unknown>) : {};
  return new JobwatchError(err.code, scrub(err.message), details);
}
