/**
 * Errors are values with codes (as in the `ws` library): callers branch on `code`, people read `message`.
 * Every message is written for the person using Jobwatch, and never contains a secret.
 */

export type JobwatchErrorCode =
  // transport
  | 'UNREACHABLE' // DNS failure, connection refused, host down
  | 'CONNECTION_CLOSED' // the socket closed while a call was pending
  | 'TIMEOUT' // a call or the handshake did not answer in time
  | 'ENDPOINT_NOT_FOUND' // the URL answered but is not a TrueNAS API endpoint
  | 'ACCESS_RESTRICTED' // closed with 1008: this address is not in the server's UI allowlist
  | 'FRAME_TOO_LARGE'
  // TLS
  | 'CERT_UNTRUSTED' // not trusted by system CAs and no pinned fingerprint
  | 'CERT_CHANGED' // pinned fingerprint no longer matches
  | 'INSECURE_TRANSPORT' // would send an API key over ws:// to a non-loopback host
  // authentication
  | 'AUTH_FAILED' // AUTH_ERR: wrong, deleted or (26+) already revoked key, wrong password / user, directory service down
  | 'AUTH_EXPIRED' // EXPIRED: expired password or key, a key revoked now for use over ws://, (< 26) a revoked key
  | 'AUTH_DENIED' // DENIED: valid credential without API access
  | 'AUTH_REDIRECT' // REDIRECT: HA standby controller
  | 'OTP_REQUIRED' // a one-time code is needed and none could be obtained
  | 'RATE_LIMITED' // EBUSY rate limit
  | 'NOT_AUTHENTICATED' // ENOTAUTHENTICATED: session expired or never logged in
  | 'MECHANISM_UNSUPPORTED'
  | 'SECRET_REQUIRED' // a saved secret would go to another server, sign-in method or user: enter it again
  // calls
  | 'RPC_ERROR' // any other error reply from the server
  | 'TOO_MANY_CALLS' // more than 20 calls in flight
  | 'BAD_FRAME'; // a frame that failed to parse or validate

export class JobwatchError extends Error {
  override readonly name = 'JobwatchError';
  constructor(
    readonly code: JobwatchErrorCode,
    message: string,
    readonly details: Readonly<Record<string, unknown>> = {},
  ) {
    super(message);
  }
}

/** An error reply from TrueNAS, with the JSON-RPC code and the TrueNAS errno/errname when present. */
export class RpcError extends JobwatchError {
  constructor(
    message: string,
    readonly rpcCode: number | null,
    readonly errno: number | null,
    readonly errname: string | null,
    readonly reason: string | null,
    /** A more specific code when the reply means something the caller branches on (NOT_AUTHENTICATED, …). */
    code: JobwatchErrorCode = 'RPC_ERROR',
  ) {
    super(code, message, { rpcCode, errno, errname });
  }
}

/** Errors after which retrying cannot help: the user must act (credentials, certificate, configuration). */
export const FINAL_ERROR_CODES: ReadonlySet<JobwatchErrorCode> = new Set<JobwatchErrorCode>([
  'CERT_UNTRUSTED',
  'CERT_CHANGED',
  'INSECURE_TRANSPORT',
  'AUTH_FAILED',
  'AUTH_EXPIRED',
  'AUTH_DENIED',
  'AUTH_REDIRECT',
  'OTP_REQUIRED',
  'ACCESS_RESTRICTED',
  'ENDPOINT_NOT_FOUND',
  'MECHANISM_UNSUPPORTED',
  'SECRET_REQUIRED',
]);

export function isFinalError(err: unknown): boolean {
  return err instanceof JobwatchError && FINAL_ERROR_CODES.has(err.code);
}

/** The server refused the credential itself: sending it again on every wake-up cannot help and costs failed logins. */
export const CREDENTIAL_ERROR_CODES: ReadonlySet<string> = new Set<JobwatchErrorCode>(['AUTH_FAILED', 'AUTH_EXPIRED', 'AUTH_DENIED']);

export function isCredentialError(code: string | undefined): boolean {
  return code !== undefined && CREDENTIAL_ERROR_CODES.has(code);
}

/**
 * A refusal that can heal by itself, so a credential that has worked before is tried again now and then: AUTH_ERR
 * (AUTH_FAILED) is what TrueNAS answers while a key is deleted (and later restored), while the account's directory
 * service is down, and from 26 for a revoked key. Not EXPIRED: an expired key or password, or a key TrueNAS revoked
 * for being sent over an insecure transport, never comes back without someone acting; nor DENIED (missing API
 * access is a role an administrator must grant), nor a wrong one-time code (retrying would ask the person again).
 */
export function mayRecoverLater(err: unknown): boolean {
  return err instanceof JobwatchError && err.code === 'AUTH_FAILED' && err.details['oneTimeCode'] !== true;
}

export function isJobwatchError(err: unknown, code?: JobwatchErrorCode): err is JobwatchError {
  return err instanceof JobwatchError && (code === undefined || err.code === code);
}
