/**
 * Errors are values with codes (as in the `ws` library): callers branch on `code`, people read `message`.
 * Every message is written for the person using Jobwatch, and never contains a secret.
 */

/**
 * Every error code that can reach the window, the CLI or a log: a closed set, sent over IPC as an enum, so the
 * window's handling can be checked for completeness. Add a code here (and to the table) before throwing it.
 *
 * | code                       | meaning                                                                         |
 * |----------------------------|---------------------------------------------------------------------------------|
 * | transport                  |                                                                                 |
 * | UNREACHABLE                | DNS failure, connection refused, host down                                      |
 * | CONNECTION_CLOSED          | the socket closed while a call was pending, or the server is not connected now  |
 * | TIMEOUT                    | a call or the handshake did not answer in time                                  |
 * | ENDPOINT_NOT_FOUND         | the URL answered but is not a TrueNAS API endpoint                              |
 * | ACCESS_RESTRICTED          | closed with 1008: this address is not in the server's UI allowlist              |
 * | FRAME_TOO_LARGE            | the server sent a frame larger than Jobwatch accepts                            |
 * | TLS                        |                                                                                 |
 * | CERT_UNTRUSTED             | not trusted by the system CAs and no pinned fingerprint                         |
 * | CERT_CHANGED               | the pinned fingerprint no longer matches                                        |
 * | INSECURE_TRANSPORT         | would send an API key over ws:// to a non-loopback host                         |
 * | authentication             |                                                                                 |
 * | AUTH_FAILED                | AUTH_ERR: wrong, deleted or (26+) already revoked key, wrong password or user,  |
 * |                            | directory service down                                                          |
 * | AUTH_EXPIRED               | EXPIRED: expired password or key, a key revoked now for use over ws://,         |
 * |                            | (< 26) a revoked key                                                            |
 * | AUTH_DENIED                | DENIED: a valid credential without API access                                   |
 * | AUTH_REDIRECT              | REDIRECT: HA standby controller                                                 |
 * | OTP_REQUIRED               | a one-time code is needed and none could be obtained                            |
 * | RATE_LIMITED               | EBUSY rate limit on logins                                                      |
 * | NOT_AUTHENTICATED          | ENOTAUTHENTICATED: session expired or never logged in                           |
 * | MECHANISM_UNSUPPORTED      | the server offers no sign-in method Jobwatch can use                            |
 * | SECRET_REQUIRED            | a saved secret would go to another server, sign-in method or user: enter it     |
 * | calls to the server        |                                                                                 |
 * | RPC_ERROR                  | any other error reply from the server (never for Jobwatch's own checks)         |
 * | TOO_MANY_CALLS             | more than 20 calls in flight                                                    |
 * | BAD_FRAME                  | a frame that failed to parse or validate                                        |
 * | Jobwatch's own checks      |                                                                                 |
 * | INVALID_INPUT              | the request cannot be done as asked (a name already used, a job already ended,  |
 * |                            | a job without a log)                                                            |
 * | NOT_FOUND                  | no such server or job (any more)                                                |
 * | INVALID_PROFILE            | saved server settings that do not validate                                      |
 * | DUPLICATE_NAME             | a saved server already has that name                                            |
 * | SECRETS_UNAVAILABLE        | the secret store cannot keep secrets on this system                             |
 * | desktop shell              |                                                                                 |
 * | SECRET_STORAGE_UNAVAILABLE | no system keyring or encryption service for secrets                             |
 * | SHORTCUT_UNAVAILABLE       | the global shortcut could not be registered                                     |
 * | START_AT_LOGIN_UNAVAILABLE | start at login cannot be set on this system                                     |
 * | URL_NOT_ALLOWED            | only the web UI of a configured server may be opened                            |
 * | NO_LOG_FILE                | this build writes no log file                                                   |
 * | OPEN_FAILED                | the file manager could not open the log folder                                  |
 * | IPC                        |                                                                                 |
 * | FORBIDDEN_SENDER           | a request that did not come from the Jobwatch window                            |
 * | INVALID_REQUEST            | a request that does not match the contract                                      |
 * | INVALID_REPLY              | a reply that does not match the contract                                        |
 * | FAILED                     | anything unexpected; the message is generic and the details are in the log      |
 */
export const ERROR_CODES = [
  'UNREACHABLE',
  'CONNECTION_CLOSED',
  'TIMEOUT',
  'ENDPOINT_NOT_FOUND',
  'ACCESS_RESTRICTED',
  'FRAME_TOO_LARGE',
  'CERT_UNTRUSTED',
  'CERT_CHANGED',
  'INSECURE_TRANSPORT',
  'AUTH_FAILED',
  'AUTH_EXPIRED',
  'AUTH_DENIED',
  'AUTH_REDIRECT',
  'OTP_REQUIRED',
  'RATE_LIMITED',
  'NOT_AUTHENTICATED',
  'MECHANISM_UNSUPPORTED',
  'SECRET_REQUIRED',
  'RPC_ERROR',
  'TOO_MANY_CALLS',
  'BAD_FRAME',
  'INVALID_INPUT',
  'NOT_FOUND',
  'INVALID_PROFILE',
  'DUPLICATE_NAME',
  'SECRETS_UNAVAILABLE',
  'SECRET_STORAGE_UNAVAILABLE',
  'SHORTCUT_UNAVAILABLE',
  'START_AT_LOGIN_UNAVAILABLE',
  'URL_NOT_ALLOWED',
  'NO_LOG_FILE',
  'OPEN_FAILED',
  'FORBIDDEN_SENDER',
  'INVALID_REQUEST',
  'INVALID_REPLY',
  'FAILED',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];
/** The codes a JobwatchError carries (all of them: one closed set). */
export type JobwatchErrorCode = ErrorCode;

const KNOWN_CODES: ReadonlySet<string> = new Set(ERROR_CODES);

export function isErrorCode(code: unknown): code is ErrorCode {
  return typeof code === 'string' && KNOWN_CODES.has(code);
}

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
