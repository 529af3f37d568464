/**
 * What went wrong when testing a connection, in words, and what the user can do next. The core's message is
 * shown too (it names the host and the detail); this adds the explanation and picks the next step.
 */
import { isErrorCode, type ErrorCode } from '../../../electron/ipc/constants';
import type { ServerDraft } from '../../../electron/ipc/contract';

export type NextStep = 'trust-certificate' | 'enter-otp' | 'use-wss' | 'fix-and-retry' | 'none';

export interface ConnectionHelp {
  title: string;
  explanation: string;
  next: NextStep;
}

export type SignInMethod = ServerDraft['auth']['method'];
type Explain = (url: string, method: SignInMethod) => ConnectionHelp;

const fixed =
  (help: ConnectionHelp): Explain =>
  () =>
    help;

/** For codes a connection test does not end with (or an unknown one from a newer main): the core's message says it. */
const GENERIC = fixed({ title: 'The connection failed', explanation: 'See the details below.', next: 'fix-and-retry' });

/**
 * Every error code, decided one by one: typed by the closed list, so a new code does not compile until it is
 * either explained here or knowingly left to the generic text.
 */
const HELP: Record<ErrorCode, Explain> = {
  UNREACHABLE: fixed({
    title: 'The server cannot be reached',
    explanation:
      'Nothing answered at this address. Check the host name or IP address, that the server is on, and that this computer is on the same network (or VPN).',
    next: 'fix-and-retry',
  }),
  TIMEOUT: fixed({
    title: 'The server did not answer in time',
    explanation: 'The connection was opened but the server stayed silent. It may be busy or starting up; try again in a minute.',
    next: 'fix-and-retry',
  }),
  ENDPOINT_NOT_FOUND: fixed({
    title: 'This is not a TrueNAS API address',
    explanation: 'Something answered, but not the TrueNAS middleware. Use the address you open the TrueNAS web interface with.',
    next: 'fix-and-retry',
  }),
  ACCESS_RESTRICTED: fixed({
    title: 'The server refused this computer',
    explanation: 'TrueNAS only allows the web UI and API from some addresses. Add this computer under System › General › UI allowlist.',
    next: 'none',
  }),
  CERT_UNTRUSTED: fixed({
    title: 'The certificate is not trusted',
    explanation:
      'The server uses a certificate no authority on this computer vouches for (TrueNAS ships a self-signed one). Compare the fingerprint below with the one shown in TrueNAS under Credentials › Certificates. Trust it only if they match.',
    next: 'trust-certificate',
  }),
  CERT_CHANGED: fixed({
    title: 'The certificate has changed',
    explanation:
      'The server now presents a different certificate from the one you trusted. This happens when the certificate was renewed, but it is also what an attacker on the network would do, so Jobwatch refuses to connect. If you renewed it yourself, remove the server and add it again.',
    next: 'none',
  }),
  INSECURE_TRANSPORT: (url, method) => {
    if (method === 'password') {
      return {
        title: 'The password would be readable on the network',
        explanation: `This address uses an unencrypted connection to another computer, so anyone on the network between you and the server could read the password. Use wss:// (or just the host name) instead of ${unencryptedScheme(url)}. Only on a network you trust and if you accept that risk: tick “Send the password unencrypted” below.`,
        next: 'use-wss',
      };
    }
    return {
      title: 'An API key cannot be sent over ws://',
      explanation: `TrueNAS revokes an API key that arrives over an unencrypted connection, so Jobwatch will not send it. Use wss:// (or just the host name) instead of ${unencryptedScheme(url)}. A tunnel or TLS proxy that ends before the NAS does not help: TrueNAS judges the connection it receives and can still revoke the key.`,
      next: 'use-wss',
    };
  },
  AUTH_FAILED: fixed({
    title: 'Wrong credentials',
    explanation:
      'The server did not accept this user name and API key or password. Check both; an API key is shown only once when it is created in TrueNAS.',
    next: 'fix-and-retry',
  }),
  AUTH_EXPIRED: fixed({
    title: 'The key or password has expired or was revoked',
    explanation:
      'TrueNAS says this credential is no longer valid. An API key is revoked automatically if it was ever sent over plain ws://. Create a new key in TrueNAS and enter it here.',
    next: 'fix-and-retry',
  }),
  AUTH_DENIED: fixed({
    title: 'This account may not use the API',
    explanation: 'The login worked but the account has no API access. Use an account with at least read-only administrator rights.',
    next: 'fix-and-retry',
  }),
  OTP_REQUIRED: fixed({
    title: 'A one-time code is needed',
    explanation: 'This account uses two-factor authentication. Enter the current code from your authenticator app.',
    next: 'enter-otp',
  }),
  RATE_LIMITED: fixed({
    title: 'Too many attempts',
    explanation: 'The server is limiting login attempts. Wait a minute before trying again.',
    next: 'fix-and-retry',
  }),
  AUTH_REDIRECT: fixed({
    title: 'This is the standby controller',
    explanation: 'Connect to the active controller of this high-availability system instead.',
    next: 'fix-and-retry',
  }),
  MECHANISM_UNSUPPORTED: fixed({
    title: 'The server offers no way to sign in with these details',
    explanation:
      'The server does not accept this kind of sign-in: an API key may need the user name it belongs to, or API keys may be turned off on the server. The message below says which; change the details or use a password.',
    next: 'fix-and-retry',
  }),
  SECRET_REQUIRED: fixed({
    title: 'The key or password is needed again',
    explanation:
      'A saved key or password is only sent to the address, sign-in method and user it was entered for. Enter it again for these details.',
    next: 'fix-and-retry',
  }),
  // Left to the core's message: not how a connection test ends, or nothing to add to what the message says.
  CONNECTION_CLOSED: GENERIC,
  FRAME_TOO_LARGE: GENERIC,
  NOT_AUTHENTICATED: GENERIC,
  RPC_ERROR: GENERIC,
  TOO_MANY_CALLS: GENERIC,
  BAD_FRAME: GENERIC,
  INVALID_INPUT: GENERIC,
  NOT_FOUND: GENERIC,
  INVALID_PROFILE: GENERIC,
  DUPLICATE_NAME: GENERIC,
  SECRETS_UNAVAILABLE: GENERIC,
  SECRET_STORAGE_UNAVAILABLE: GENERIC,
  SHORTCUT_UNAVAILABLE: GENERIC,
  START_AT_LOGIN_UNAVAILABLE: GENERIC,
  URL_NOT_ALLOWED: GENERIC,
  NO_LOG_FILE: GENERIC,
  OPEN_FAILED: GENERIC,
  FORBIDDEN_SENDER: GENERIC,
  INVALID_REQUEST: GENERIC,
  INVALID_REPLY: GENERIC,
  FAILED: GENERIC,
};

/**
 * `code`: as the connection test sent it (a code this window does not know gets the generic text).
 * `method`: how the form signs in; it decides what an INSECURE_TRANSPORT refusal was about (the core refuses an API
 * key over ws:// always, a password unless the person allowed it for the server).
 */
export function explainConnectionFailure(code: string, url: string, method: SignInMethod = 'api-key'): ConnectionHelp {
  return (isErrorCode(code) ? HELP[code] : GENERIC)(url, method);
}

function unencryptedScheme(url: string): string {
  return /^ws:\/\//i.test(url) ? 'ws://' : /^http:\/\//i.test(url) ? 'http://' : 'an unencrypted address';
}

/**
 * Whether a password to this address would travel unencrypted to another computer: ws:// or http:// to a host that
 * is not this computer. The core decides for real (it also checks where the socket went); this only decides whether
 * the form offers to allow it, so a name that merely ends in .localhost counts as another computer.
 */
export function passwordWouldBeReadable(url: string): boolean {
  const text = url.trim();
  if (!/^(ws|http):\/\//i.test(text)) return false;
  let host: string;
  try {
    host = new URL(text).hostname.replace(/^\[(.*)\]$/, '$1').toLowerCase();
  } catch {
    return true;
  }
  if (host === 'localhost' || host === '::1') return false;
  return !/^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host) && !/^::ffff:127\./.test(host);
}

/** The same address with wss:// instead of ws://. */
export function secureUrl(url: string): string {
  return url.replace(/^ws:\/\//i, 'wss://').replace(/^http:\/\//i, 'https://');
}
