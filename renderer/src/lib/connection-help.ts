/**
 * What went wrong when testing a connection, in words (the window's catalogues, connection.*), and what the user can
 * do next. The core's message is shown too (it names the host and the detail); this adds the explanation and picks
 * the next step.
 */
import { isErrorCode, type ErrorCode } from '../../../electron/ipc/constants';
import type { ServerDraft } from '../../../electron/ipc/contract';
import type { Catalogue } from '../locales/en';
import { t } from './i18n.svelte';

export type NextStep = 'trust-certificate' | 'enter-otp' | 'use-wss' | 'fix-and-retry' | 'none';

export interface ConnectionHelp {
  title: string;
  explanation: string;
  next: NextStep;
}

export type SignInMethod = ServerDraft['auth']['method'];
type Explain = (url: string, method: SignInMethod) => ConnectionHelp;

/** A code with one explanation, in the window's language when it is asked for. */
type ExplainedCode = Exclude<keyof Catalogue['connection'], 'insecurePassword' | 'insecureApiKey' | 'unencryptedAddress'>;
const fixed =
  (code: ExplainedCode, next: NextStep): Explain =>
  () => ({ title: t(`connection.${code}.title`), explanation: t(`connection.${code}.explanation`), next });

/** For codes a connection test does not end with (or an unknown one from a newer main): the core's message says it. */
const GENERIC = fixed('generic', 'fix-and-retry');

/**
 * Every error code, decided one by one: typed by the closed list, so a new code does not compile until it is
 * either explained here or knowingly left to the generic text.
 */
const HELP: Record<ErrorCode, Explain> = {
  UNREACHABLE: fixed('UNREACHABLE', 'fix-and-retry'),
  TIMEOUT: fixed('TIMEOUT', 'fix-and-retry'),
  ENDPOINT_NOT_FOUND: fixed('ENDPOINT_NOT_FOUND', 'fix-and-retry'),
  ACCESS_RESTRICTED: fixed('ACCESS_RESTRICTED', 'none'),
  CERT_UNTRUSTED: fixed('CERT_UNTRUSTED', 'trust-certificate'),
  CERT_CHANGED: fixed('CERT_CHANGED', 'none'),
  INSECURE_TRANSPORT: (url, method) => {
    const scheme = unencryptedScheme(url);
    const which = method === 'password' ? 'insecurePassword' : 'insecureApiKey';
    return { title: t(`connection.${which}.title`), explanation: t(`connection.${which}.explanation`, { scheme }), next: 'use-wss' };
  },
  AUTH_FAILED: fixed('AUTH_FAILED', 'fix-and-retry'),
  AUTH_EXPIRED: fixed('AUTH_EXPIRED', 'fix-and-retry'),
  AUTH_DENIED: fixed('AUTH_DENIED', 'fix-and-retry'),
  OTP_REQUIRED: fixed('OTP_REQUIRED', 'enter-otp'),
  RATE_LIMITED: fixed('RATE_LIMITED', 'fix-and-retry'),
  AUTH_REDIRECT: fixed('AUTH_REDIRECT', 'fix-and-retry'),
  MECHANISM_UNSUPPORTED: fixed('MECHANISM_UNSUPPORTED', 'fix-and-retry'),
  SECRET_REQUIRED: fixed('SECRET_REQUIRED', 'fix-and-retry'),
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
  return /^ws:\/\//i.test(url) ? 'ws://' : /^http:\/\//i.test(url) ? 'http://' : t('connection.unencryptedAddress');
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
